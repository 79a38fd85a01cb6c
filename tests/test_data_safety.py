"""Every way the learner's data could be lost, each reproduced first: restore under a live
session, damaged or empty files, locks, hostile imports, faults of the disk, stray files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.domain.clock import FakeClock
from app.domain.scheduling import Grade
from app.services.backup_service import BackupService
from app.services.context import AppContext
from app.services.review_service import ReviewService


def _reviews(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM review_log").fetchone()[0])
    finally:
        conn.close()


def _grade(service: ReviewService, times: int, clock: FakeClock) -> None:
    for _ in range(times):
        due = service.next_card()
        if due is None:  # learning steps: come back when they are due
            clock.advance(minutes=11)
            due = service.next_card()
        assert due is not None
        service.answer(due, Grade.AGAIN)


def test_a_restore_under_a_live_review_session_is_not_undone_at_quit(
    ctx: AppContext, clock: FakeClock
) -> None:
    backups = BackupService(ctx)
    backup = backups.backup_now()
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    _grade(service, 40, clock)
    aside = backups.restore(backup)
    service.close()  # quitting: the session's connection closes last
    ctx.close()
    assert _reviews(ctx.db_path) == 0  # the backup's state, not the 40 grades again
    assert _reviews(aside) == 40  # those are kept aside, not lost
