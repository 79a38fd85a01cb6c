"""A second launch on the same data folder is handed to the running Lattice, never refused
when that window can take it, and never allowed to open the database a second time."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.ui.handover import drop_request, requests_folder

ANKI = Path(__file__).parent / "fixtures" / "anki"
# Bringing the window forward is the point; the offscreen platform cannot raise windows.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")


@pytest.fixture
def running(window: Any) -> Any:
    window.finish_startup()  # the inbox starts after the first card, with the rest (once)
    return window


def test_a_file_handed_over_opens_in_the_running_import_dialog(
    running: Any, qtbot: Any, data_dir: Path
) -> None:
    request = drop_request(data_dir, ANKI / "modern.apkg")
    assert request is not None
    qtbot.waitUntil(lambda: not request.exists())  # taken: the sender's acknowledgement
    dialog = running.interop.dialog
    assert dialog is not None and dialog.isVisible()
    assert "modern.apkg" in dialog.found.text()  # previewed, not imported
    dialog.reject()


def test_a_plain_second_launch_only_brings_the_window_forward(
    running: Any, qtbot: Any, data_dir: Path
) -> None:
    running.showMinimized()
    request = drop_request(data_dir, None)
    assert request is not None
    qtbot.waitUntil(lambda: not request.exists())
    assert not running.isMinimized()
    assert running.interop.dialog is None


def test_junk_in_the_requests_folder_is_removed_and_ignored(
    running: Any, qtbot: Any, data_dir: Path
) -> None:
    junk = requests_folder(data_dir) / "x.json"
    junk.write_text('["open", "/etc/passwd"', encoding="utf-8")
    qtbot.waitUntil(lambda: not junk.exists())
    assert running.interop.dialog is None


def test_requests_left_by_a_launch_that_gave_up_never_fire_later(
    ctx: Any, qtbot: Any, data_dir: Path
) -> None:
    from app.services.application import Application
    from app.ui.application import build_window, make_app

    stale = drop_request(data_dir, ANKI / "modern.apkg")  # nobody was listening
    assert stale is not None and stale.exists()
    make_app("light")
    window = build_window(Application(ctx))
    qtbot.addWidget(window)
    window.finish_startup()
    assert not stale.exists()
    assert window.interop.dialog is None


def test_when_the_running_lattice_does_not_answer_the_second_launch_says_so(
    qtbot: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui import application

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        application.QMessageBox, "warning", lambda _p, title, text: shown.append((title, text))
    )
    monkeypatch.setattr(application, "HANDOVER_WAIT_MS", 100)
    lock = application.single_instance_lock(data_dir)  # held, but no window answers
    assert lock is not None
    try:
        args = argparse.Namespace(data_dir=str(data_dir), theme="light", file=None)
        assert application._start(args) == 3
    finally:
        lock.unlock()
    assert [title for title, _ in shown] == ["Lattice is already running"]
    assert list(requests_folder(data_dir).iterdir()) == []  # the request was withdrawn


def test_a_second_process_hands_its_file_to_the_running_window(
    running: Any, qtbot: Any, data_dir: Path
) -> None:
    """The whole path, as double-clicking an .apkg does it while Lattice is open."""
    from app.ui.application import single_instance_lock

    lock = single_instance_lock(data_dir)  # as the running app holds it
    assert lock is not None
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    second = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), str(ANKI / "modern.apkg")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=60000)
    finally:
        lock.unlock()
    _out, err = second.communicate()
    assert second.returncode == 0, err.decode()
    assert "modern.apkg was handed to it" in err.decode()
    dialog = running.interop.dialog
    assert dialog is not None and dialog.isVisible()
    assert "modern.apkg" in dialog.found.text()
    dialog.reject()
