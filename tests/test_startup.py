"""Start-up in two steps: the first card is shown (and can be graded) before the rest of
the app is opened, and the rest follows right after the first paint."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.domain.clock import FakeClock
from app.services.application import Application
from app.services.context import AppContext, open_context
from app.storage.backup import list_backups
from app.storage.search_store import SearchStore
from app.ui.application import make_app
from app.ui.main_window import MainWindow

FIRST_CARD = """
import gc
import sys
from app.cli import build_parser

gc.disable()  # as `lattice` does before it imports the app (checked separately below)
from app.ui.application import _start

args = build_parser().parse_args(["--data-dir", sys.argv[1]])
app, window, lock = _start(args)
import PySide6.QtCore as core, PySide6.QtWidgets as widgets  # what PySide6 has built so far
print("UNBUILT", *[n for n in ("QWizard", "QCalendarWidget", "QMdiArea") if n not in vars(widgets)],
      "Qt" if "Qt" not in vars(core) else "")
window.review.view.viewport().repaint()
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY})
card = window.review.current.card.id if window.review.current else None
print("CARD", card, "STARTED", window.started, "HEAVY", ",".join(heavy) or "-")
late = sorted(m for m in sys.modules if m in {LATE})
print("EARLY", type(app.style()).__name__, "LATE", ",".join(late) or "-")
collecting = gc.isenabled()
for _ in range(1000):  # the rest of start-up, queued by the first paint
    if window.started:
        break
    app.processEvents()
print("AFTER", "STARTED", window.started, "GC", collecting, gc.isenabled())
print("FINISHED", type(app.style()).__name__)
window.review.service.close()
lock.unlock()
"""
HEAVY = {"sqlalchemy", "sqlmodel", "networkx", "markdown", "pygments", "yaml", "fsrs"}
# Our own modules the first card need not wait for.
LATE = {"app.ui.help"}


def _first_card_run(data: Path) -> list[str]:
    return _first_card_lines(data, ("CARD", "AFTER"))


def _first_card_lines(data: Path, prefix: str | tuple[str, ...]) -> list[str]:
    script = FIRST_CARD.replace("{HEAVY}", repr(HEAVY)).replace("{LATE}", repr(LATE))
    result = subprocess.run(
        [sys.executable, "-c", script, str(data)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return [line for line in result.stdout.splitlines() if line.startswith(prefix)]


def test_the_first_card_needs_none_of_the_heavy_libraries(tmp_path: Path) -> None:
    """The ORM, networkx, Markdown, Pygments, YAML and FSRS take longer to import than
    the rest of start-up: none of them may stand between launch and the first card."""
    _first_card_run(tmp_path / "data")  # the first run of all parses the content
    line, after = _first_card_run(tmp_path / "data")
    assert line.split()[1] != "None"  # a card is on screen
    assert "STARTED False" in line  # ...before the rest of start-up ran
    assert line.endswith("HEAVY -"), line
    # No garbage collection until the first card is up; back on once start-up finished.
    assert after == "AFTER STARTED True GC False True"


def test_the_check_box_style_and_the_help_dialogs_wait_for_the_first_card(
    tmp_path: Path,
) -> None:
    """Qt's QStyle (behind the style that outlines check boxes, with several hundred enum
    members to build) and the help dialogs once stood between launch and the first card;
    the Review screen uses neither, so both come after the first paint."""
    _first_card_run(tmp_path / "data")  # the first run of all parses the content
    early, finished = _first_card_lines(tmp_path / "data", ("EARLY", "FINISHED"))
    assert early.endswith("LATE -") and "IndicatorStyle" not in early, early
    assert finished == "FINISHED IndicatorStyle"


def test_the_first_card_makes_pyside_build_no_more_types_than_it_needs(tmp_path: Path) -> None:
    """Asking Qt for a widget PySide6 has not wrapped yet (the card view's viewport, say)
    makes it build every widget class to find the widget's type, enums and all; touching
    any enum of the `Qt` namespace builds all 93 of them (qt_numbers). Each cost about a
    tenth of the time to the first card: start-up does neither, so these stay unbuilt."""
    _first_card_run(tmp_path / "data")
    (line,) = _first_card_lines(tmp_path / "data", "UNBUILT")
    assert line == "UNBUILT QWizard QCalendarWidget QMdiArea Qt", line


def _deferred_window(qtbot: QtBot, ctx: AppContext) -> MainWindow:
    make_app("light")
    window = MainWindow(Application(ctx), defer_startup=True)
    qtbot.addWidget(window)
    window.resize(900, 600)
    return window


def test_the_rest_of_start_up_follows_the_first_paint(
    qtbot: QtBot, data_dir: Path, content_root: Path, clock: FakeClock
) -> None:
    ctx = open_context(data_dir, content=content_root, clock=clock, index_search=False)
    search = SearchStore(ctx.store.engine)
    assert search.count() == 0  # the index is left for later
    window = _deferred_window(qtbot, ctx)
    window.review.view.after_next_paint(window.finish_startup)
    assert not window.started and not list_backups(data_dir)
    window.show()
    qtbot.waitUntil(lambda: window.started)
    assert search.count() == len(ctx.bank.cards)
    assert len(list_backups(data_dir)) == 1  # the daily backup
    assert not any(window.is_built(name) for name in ("quiz", "graph", "browse", "stats"))
    window.show_screen("graph")
    assert window.is_built("graph") and window.current_screen() == "graph"
    ctx.close()


def test_a_card_can_be_graded_before_start_up_has_finished(
    qtbot: QtBot, data_dir: Path, content_root: Path, clock: FakeClock
) -> None:
    ctx = open_context(data_dir, content=content_root, clock=clock, index_search=False)
    window = _deferred_window(qtbot, ctx)
    window.show()
    qtbot.waitUntil(lambda: window.review.hasFocus())
    first = window.review.current
    assert first is not None and not window.started
    target = QApplication.focusWidget() or window
    QTest.keyClick(target, Qt.Key.Key_Space)
    QTest.keyClick(target, Qt.Key.Key_3)
    assert window.review.current is not None and window.review.current.card.id != first.card.id
    assert ctx.store.review_count() == 1
    window.finish_startup()
    window.finish_startup()  # runs once
    assert len(list_backups(data_dir)) == 1
    ctx.close()


def test_an_interrupted_quiz_is_offered_once_start_up_finishes(
    qtbot: QtBot, window: MainWindow, ctx: AppContext
) -> None:
    window.show_screen("quiz")
    assert window.quiz.start_for_concept("alpha")
    window.close()
    again = _deferred_window(qtbot, ctx)
    assert again.current_screen() == "review"
    again.finish_startup()
    assert again.current_screen() == "quiz"


def test_a_plain_start_collects_no_garbage_until_the_gui_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    from app import cli
    from app.ui import application

    seen: list[bool] = []
    monkeypatch.setattr(application, "run_gui", lambda args: seen.append(gc.isenabled()) or 0)
    try:
        assert cli.main(["--data-dir", "unused"]) == 0
    finally:
        gc.enable()
    assert seen == [False]
