"""File menu: Import…, Export to Anki…, Export everything…, Import everything…."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.locations import user_content_dir

ANKI = Path(__file__).parent / "fixtures" / "anki"


def _quiet_boxes(monkeypatch, answer=QMessageBox.StandardButton.Yes) -> list[str]:  # type: ignore[no-untyped-def]
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "information", lambda _p, title, text: shown.append(f"{title}: {text}")
    )
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _p, title, text: shown.append(f"{title}: {text}")
    )
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: answer)
    return shown


def test_file_menu_has_the_four_actions_in_order(window) -> None:  # type: ignore[no-untyped-def]
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions() if not a.isSeparator()]
    assert texts[:5] == [
        "&Import…",
        "Export to &Anki…",
        "&Export everything…",
        "Import e&verything…",
        "&Backups…",
    ]


def test_import_dialog_imports_an_anki_deck_into_a_new_concept(window, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    shown = _quiet_boxes(monkeypatch)
    before = len(window.app.ctx.bank.cards)
    dialog = window.interop.import_cards()
    assert not dialog.import_button.isEnabled()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *a, **k: (str(ANKI / "modern.apkg"), "")
    )
    dialog.file_button.click()
    assert dialog.busy and dialog.progress.isVisible()  # read on a worker, with progress
    qtbot.waitUntil(lambda: not dialog.busy)
    assert not dialog.progress.isVisible()
    assert dialog.found.text() == "Anki package modern.apkg: 4 cards (1 empty note skipped)"
    assert dialog.title.text() == "Modern"
    dialog.title.setText("Attention basics")
    dialog.area.setCurrentIndex(dialog.area.findData("llm"))
    qtbot.waitUntil(lambda: not dialog.busy)
    assert "4 new cards; new concept: Attention basics." in dialog.preview.text()
    assert "derived" in dialog.preview.text()
    written_on: list[str] = []
    write = dialog.service.write

    def recording_write(plan):  # type: ignore[no-untyped-def]
        written_on.append(threading.current_thread().name)
        return write(plan)

    monkeypatch.setattr(dialog.service, "write", recording_write)
    dialog.import_button.click()
    assert dialog.busy and dialog.progress.isVisible()  # written on a worker, with progress
    assert not dialog.title.isEnabled() and not dialog.cancel_button.isEnabled()  # locked
    dialog.reject()  # Esc while it is written: it finishes, never half an import
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert written_on and written_on[0] != threading.main_thread().name
    assert len(window.app.ctx.bank.cards) == before + 4
    assert (user_content_dir(window.app.ctx.data_dir) / "llm" / "attention-basics.md").is_file()
    assert shown and shown[0].startswith("Cards imported: 4 new cards")
    assert "attention-basics" in window.graph.scene.nodes  # the map shows the new concept
    assert not window.grab().isNull()


def test_import_dialog_shows_why_a_file_is_refused(window, qtbot, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.csv"
    bad.write_text("question,answer,difficulty\nQ,A,brutal\n")
    dialog = window.interop.import_cards()
    dialog.set_source(bad)
    qtbot.waitUntil(lambda: not dialog.busy)
    assert (
        dialog.found.text()
        == "Cannot import: bad.csv:2: difficulty 'brutal': use easy, medium or hard"
    )
    assert not dialog.import_button.isEnabled()
    assert not dialog.grab().isNull()


def test_existing_concept_choice(window, qtbot, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _quiet_boxes(monkeypatch)
    csv_file = tmp_path / "more.csv"
    csv_file.write_text("question,answer\nWhat is gamma's use?,Ending the chain.\n")
    dialog = window.interop.import_cards()
    dialog.set_source(csv_file)
    qtbot.waitUntil(lambda: not dialog.busy)
    dialog.concept.setCurrentIndex(dialog.concept.findData("gamma"))
    qtbot.waitUntil(lambda: not dialog.busy)
    assert not dialog.title.isEnabled()
    assert "1 new card." in dialog.preview.text()
    assert not dialog.grab().isNull()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert any(c.question == "What is gamma's use?" for c in window.app.ctx.bank.cards_of("gamma"))


def test_export_to_anki_and_everything_from_the_menu(window, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    shown = _quiet_boxes(monkeypatch)
    target = tmp_path / "deck.apkg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.interop.actions["export-anki"].trigger()
    assert target.is_file() and shown[-1].startswith(
        f"Exported to Anki: {len(window.app.ctx.bank.cards)} cards in"
    )
    assert "with the progress of" in shown[-1]
    from app.ui.interop_menu import ANKI_CARDS_ONLY

    plain = tmp_path / "plain.apkg"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(plain), ANKI_CARDS_ONLY)
    )
    window.interop.actions["export-anki"].trigger()
    assert plain.is_file() and "all new" in shown[-1]
    everything = tmp_path / "all.zip"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(everything), ""))
    window.interop.actions["export-all"].trigger()
    assert everything.is_file() and shown[-1].startswith("Everything exported")


def test_import_everything_refuses_a_bad_file_and_restarts_after_a_good_one(
    window, monkeypatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from app.services.transfer import export_all

    shown = _quiet_boxes(monkeypatch)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"nope")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    window.interop.actions["import-all"].trigger()
    assert shown[-1].startswith("Import everything: Nothing was changed")
    good = tmp_path / "good.zip"
    export_all(window.app.ctx.data_dir, good, window.app.ctx.clock.now())
    restarted: list[bool] = []
    monkeypatch.setattr(window.interop, "restart", lambda: restarted.append(True))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(good), ""))
    window.interop.actions["import-all"].trigger()
    assert restarted == [True]
    assert list(window.app.ctx.data_dir.glob("lattice.before-import-*.sqlite3"))


def test_dialog_in_dark_theme(window, qtbot, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from app.ui.theme import apply_theme

    apply_theme(QApplication.instance(), True)
    try:
        dialog = window.interop.import_cards()
        dialog.set_source(ANKI / "legacy.apkg")
        qtbot.waitUntil(lambda: not dialog.busy)
        dialog.area.setCurrentIndex(dialog.area.findData("llm"))
        assert dialog.area.isEnabled() and dialog.title.isEnabled()
        assert not dialog.grab().isNull()
    finally:
        apply_theme(QApplication.instance(), False)


def test_reading_runs_on_a_worker_with_progress_and_can_be_cancelled(
    window, qtbot, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import threading

    from app.domain.import_rules import ImportCancelled
    from app.ui import import_dialog

    reached, release = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def slow_read(path, progress):  # type: ignore[no-untyped-def]
        seen["thread"] = threading.current_thread()
        progress("Converting note 1 of 5000…", 0.1)
        reached.set()
        release.wait(10)
        try:
            progress("Converting note 201 of 5000…", 0.2)  # cancelled meanwhile: stops here
        except ImportCancelled:
            seen["stopped"] = True
            raise
        seen["went on"] = True

    monkeypatch.setattr(import_dialog, "read_source", slow_read)
    dialog = window.interop.import_cards()
    dialog.set_source(ANKI / "modern.apkg")
    assert reached.wait(10)
    qtbot.waitUntil(lambda: dialog.progress_text.text() == "Converting note 1 of 5000…")
    assert dialog.progress.value() == 100 and dialog.cancel_button.isVisible()
    assert not dialog.file_button.isEnabled() and not dialog.import_button.isEnabled()
    dialog.cancel_button.click()
    release.set()
    qtbot.waitUntil(lambda: "stopped" in seen)
    assert seen["thread"] is not threading.main_thread() and "went on" not in seen
    assert dialog.found.text() == "Reading was cancelled; nothing was imported."
    assert dialog.source is None and not dialog.busy and dialog.file_button.isEnabled()
    assert not dialog.progress.isVisible()


def test_an_import_refused_while_written_says_so_and_imports_nothing(  # type: ignore[no-untyped-def]
    window, qtbot, monkeypatch, tmp_path
) -> None:
    from app.domain.import_rules import ImportRefused

    csv_file = tmp_path / "more.csv"
    csv_file.write_text("question,answer\nWhat is gamma's use?,Ending the chain.\n")
    dialog = window.interop.import_cards()
    dialog.set_source(csv_file)
    qtbot.waitUntil(lambda: not dialog.busy)
    dialog.title.setText("More")
    dialog.area.setCurrentIndex(dialog.area.findData("llm"))
    qtbot.waitUntil(lambda: not dialog.busy)
    before = len(window.app.ctx.bank.cards)

    def refuse(plan):  # type: ignore[no-untyped-def]
        raise ImportRefused("the disk is full")

    monkeypatch.setattr(dialog.service, "write", refuse)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.isVisible()
    assert dialog.preview.text() == "Nothing was imported: the disk is full"
    assert dialog.title.isEnabled() and not dialog.import_button.isEnabled()
    assert len(window.app.ctx.bank.cards) == before
    dialog.reject()
