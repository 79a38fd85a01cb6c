"""Every way the learner's data could be lost, each reproduced first: restore under a live
session, damaged or empty files, locks, hostile imports, faults of the disk, stray files."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import main
from app.domain.clock import FakeClock
from app.domain.scheduling import Grade
from app.domain.storage_fault import StorageFault
from app.services.backup_service import BackupService
from app.services.context import AppContext, open_context
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


# -- (b) an empty or cut-short database is damage, never a new install --------------------
def _history_with_backup(ctx: AppContext, clock: FakeClock, grades: int = 3) -> None:
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    _grade(service, grades, clock)
    service.close()
    BackupService(ctx).backup_now()
    ctx.close()  # every connection closed: the file holds everything, no log beside it


@pytest.mark.parametrize("full_check", [True, False])
@pytest.mark.parametrize("damage", ["empty", "half", "whole-pages"])
def test_an_empty_or_truncated_database_is_restored_from_the_newest_backup(
    ctx: AppContext,
    clock: FakeClock,
    data_dir: Path,
    content_root: Path,
    damage: str,
    full_check: bool,
) -> None:
    _history_with_backup(ctx, clock)
    data = ctx.db_path.read_bytes()
    cut = {"empty": 0, "half": len(data) // 2 + 100, "whole-pages": 2 * 4096}[damage]
    ctx.db_path.write_bytes(data[:cut])
    reopened = open_context(data_dir, content=content_root, clock=clock, full_check=full_check)
    recovery = reopened.recovery
    assert recovery is not None and recovery.restored_from is not None  # not a new install
    assert recovery.damaged_copy.read_bytes() == data[:cut]  # kept aside, as it was
    assert _reviews(reopened.db_path) == 3
    assert "restored from the backup" in recovery.describe(clock.local_tz)
    reopened.close()


def test_the_cli_says_a_damaged_database_was_restored(
    ctx: AppContext, clock: FakeClock, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _history_with_backup(ctx, clock)
    ctx.db_path.write_bytes(b"")
    assert main(["stats", "--json", "--data-dir", str(data_dir)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["reviews_total"] == 3
    assert "could not be read (the file is empty (0 bytes))" in err
    assert "restored from the backup" in err and ".damaged-" in err


# -- (c) a lock held by another program is waited for, then refused, never damage --------
LOCK_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA locking_mode=EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("INSERT INTO setting (key, value) VALUES ('held', '1')")
print("locked", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def locked_database(ctx: AppContext) -> Iterator[Path]:
    ctx.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(ctx.db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    yield ctx.db_path
    holder.communicate(timeout=30)  # closes its stdin: it lets go and ends


def test_a_locked_database_is_refused_with_a_message_not_set_aside(
    locked_database: Path, data_dir: Path, content_root: Path, clock: FakeClock
) -> None:
    before = sorted(p.name for p in data_dir.iterdir())
    with pytest.raises(StorageFault) as refused:
        open_context(data_dir, content=content_root, clock=clock, lock_wait=0.2)
    assert refused.value.kind == StorageFault.LOCKED
    assert "Another program is using the database" in str(refused.value)
    assert sorted(p.name for p in data_dir.iterdir()) == before  # nothing renamed


def test_the_cli_refuses_a_locked_database_in_one_line(
    locked_database: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("app.storage.connection.LOCK_WAIT_SECONDS", 0.2)
    monkeypatch.setitem(open_context.__kwdefaults__, "lock_wait", 0.2)  # a quick test
    assert main(["stats", "--json", "--data-dir", str(data_dir)]) == 4
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert "Another program is using the database" in err
    assert not list(data_dir.glob("*.damaged-*"))
    assert locked_database.exists()
