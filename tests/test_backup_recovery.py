"""Backups, recovery from a damaged database, one instance at a time, and crash safety."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.domain.backup_policy import RetentionPolicy, backups_to_keep
from app.domain.scheduling import Grade
from app.services.application import Application
from app.services.backup_service import BackupService
from app.services.context import open_context
from app.services.review_service import ReviewService
from app.storage.backup import integrity_problem, list_backups
from app.storage.database import database_path
from tests.conftest import PROJECT_ROOT


def grade_one(ctx) -> str:  # type: ignore[no-untyped-def]
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    due = service.next_card()
    service.answer(due, Grade.GOOD)
    service.close()
    return due.card.id


def test_thinning_keeps_recent_daily_weekly_monthly() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    times = [start + timedelta(hours=6 * i) for i in range(4 * 200)]  # four a day for 200 days
    keep = backups_to_keep(times, UTC, RetentionPolicy(recent=3, daily=5, weekly=3, monthly=4))
    newest = sorted(times)[-3:]
    assert set(newest) <= keep
    days = {t.date() for t in keep}
    assert len(days) >= 5
    months = {(t.year, t.month) for t in keep}
    assert len(months) == 4
    assert len(keep) <= 3 + 5 + 3 + 4


def test_backup_at_start_only_when_old_and_thinned(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    service = BackupService(ctx, RetentionPolicy(recent=2, daily=0, weekly=0, monthly=0))
    assert service.backup_at_start() is not None
    assert service.backup_at_start() is None  # the last one is less than a day old
    clock.advance(minutes=31)
    assert service.backup_during_use() is not None
    clock.advance(minutes=31)
    service.backup_during_use()
    assert len(list_backups(ctx.data_dir)) == 2  # thinned to the two most recent


def test_restore_puts_back_old_progress_and_keeps_current_aside(
    ctx, clock, data_dir, content_root
) -> None:  # type: ignore[no-untyped-def]
    service = BackupService(ctx)
    backup = service.backup_now()
    grade_one(ctx)
    assert ctx.store.review_count() == 1
    aside = service.restore(backup)
    reopened = open_context(data_dir, content=content_root, clock=clock)
    assert reopened.store.review_count() == 0
    conn = sqlite3.connect(aside)
    try:
        assert conn.execute("SELECT count(*) FROM review_log").fetchone()[0] == 1
    finally:
        conn.close()


def test_damaged_database_is_set_aside_and_newest_good_backup_restored(
    ctx, clock, data_dir, content_root
) -> None:  # type: ignore[no-untyped-def]
    grade_one(ctx)
    BackupService(ctx).backup_now()
    clock.advance(minutes=5)
    grade_one(ctx)
    ctx.store.engine.dispose()
    db = database_path(data_dir)
    db.write_bytes(b"this is not a database" * 200)
    reopened = open_context(data_dir, content=content_root, clock=clock)
    recovery = reopened.recovery
    assert recovery is not None and recovery.restored_from is not None
    assert recovery.damaged_copy.exists()
    assert recovery.damaged_copy.read_bytes().startswith(b"this is not")
    assert reopened.store.review_count() == 1  # the backup's state, not an empty database


def test_damage_without_backup_is_reported_not_silent(
    qtbot, ctx, clock, data_dir, content_root
) -> None:  # type: ignore[no-untyped-def]
    from app.ui.application import build_window

    ctx.store.engine.dispose()
    database_path(data_dir).write_bytes(b"garbage" * 1000)
    reopened = open_context(data_dir, content=content_root, clock=clock)
    assert reopened.recovery is not None and reopened.recovery.restored_from is None
    window = build_window(Application(reopened))
    qtbot.addWidget(window)
    text = window.recovery_text()
    assert "could not be read" in text and "No healthy backup" in text
    assert reopened.recovery.damaged_copy.name in text


def test_second_instance_is_refused(data_dir) -> None:  # type: ignore[no-untyped-def]
    from app.ui.application import single_instance_lock

    first = single_instance_lock(data_dir)
    assert first is not None
    code = (
        "import sys; from pathlib import Path; from app.ui.application import single_instance_lock; "
        f"sys.exit(0 if single_instance_lock(Path({str(data_dir)!r})) is None else 1)"
    )
    refused = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=dict(os.environ), timeout=60
    )
    assert refused.returncode == 0
    first.unlock()
    allowed = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=dict(os.environ), timeout=60
    )
    assert allowed.returncode == 1


def test_sigkill_mid_stream_loses_nothing_acknowledged(tmp_path: Path, content_root: Path) -> None:
    data = tmp_path / "crash"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_driver", str(data), str(content_root)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    grades: list[int] = []
    answers: list[tuple[int, int]] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        kind, first, second = line.split()
        if kind == "grade":
            grades.append(int(second))
        else:
            answers.append((int(first), int(second)))
        if len(grades) >= 40 and len(answers) >= 5:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    db = database_path(data)
    assert integrity_problem(db, thorough=True) is None
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM review_log").fetchone()[0] >= grades[-1]
        saved = set(conn.execute("SELECT session_id, position FROM quiz_answer").fetchall())
    finally:
        conn.close()
    assert set(answers) <= saved


def test_a_file_that_is_no_database_is_caught_before_the_first_card(
    ctx, clock, data_dir, content_root
) -> None:  # type: ignore[no-untyped-def]
    """The GUI opens with only the cheap check; a file SQLite cannot open still recovers."""
    grade_one(ctx)
    BackupService(ctx).backup_now()
    ctx.close()
    database_path(data_dir).write_bytes(b"this is not a database" * 200)
    reopened = open_context(data_dir, content=content_root, clock=clock, full_check=False)
    assert reopened.recovery is not None and reopened.recovery.restored_from is not None
    assert not reopened.integrity_checked


def test_damage_found_in_the_background_is_offered_for_recovery(
    qtbot, ctx, clock, data_dir, content_root, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Damage only the full check sees: the app says so and, if asked, restores the newest
    healthy backup (keeping the damaged file) and restarts."""
    from PySide6.QtWidgets import QMessageBox

    from app.services import backup_service
    from app.ui.main_window import MainWindow

    grade_one(ctx)
    BackupService(ctx).backup_now()
    ctx.close()
    opened = open_context(data_dir, content=content_root, clock=clock, full_check=False)
    db = database_path(data_dir)
    monkeypatch.setattr(backup_service, "integrity_problem", lambda path: "page 7: btree damaged")
    monkeypatch.setattr(QMessageBox, "information", lambda *_a, **_k: None)
    restarts: list[bool] = []
    monkeypatch.setattr(MainWindow, "restart", lambda self: restarts.append(True))
    window = MainWindow(Application(opened), defer_startup=True)
    qtbot.addWidget(window)
    window.finish_startup()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "damage-message") is not None)
    box = window.findChild(QMessageBox, "damage-message")
    assert "page 7: btree damaged" in box.text()
    assert len(list_backups(data_dir)) == 1  # a damaged file is never backed up
    box.buttons()[0].click()  # Restore and restart
    assert restarts == [True]
    recovery = opened.recovery
    assert recovery is not None and recovery.restored_from is not None
    assert recovery.damaged_copy.exists() and db.exists()


def test_a_healthy_file_is_checked_and_backed_up_in_the_background(
    qtbot, ctx, data_dir, content_root, clock
) -> None:  # type: ignore[no-untyped-def]
    from app.ui.main_window import MainWindow

    ctx.close()
    opened = open_context(data_dir, content=content_root, clock=clock, full_check=False)
    window = MainWindow(Application(opened), defer_startup=True)
    qtbot.addWidget(window)
    window.finish_startup()
    qtbot.waitUntil(lambda: len(list_backups(data_dir)) == 1)
    opened.close()


def test_backups_during_use_run_off_the_gui_thread_and_say_when_they_fail(
    qtbot, window, ctx, clock, data_dir
) -> None:  # type: ignore[no-untyped-def]
    before = len(list_backups(data_dir))
    clock.advance(minutes=31)
    window._back_up_during_use()  # what the half-hourly timer calls
    qtbot.waitUntil(lambda: len(list_backups(data_dir)) == before + 1)

    def broken() -> None:
        raise OSError("disk full")

    window.app.backups.backup_during_use = broken
    window._back_up_during_use()
    qtbot.waitUntil(lambda: "disk full" in window.statusBar().currentMessage())
