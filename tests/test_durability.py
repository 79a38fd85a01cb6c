"""Grades are committed before `answer()` returns and fsync'd by a worker right after;
checkpoints run on that worker, never inside a keypress."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

from app.domain.scheduling import Grade
from app.services.context import AppContext
from app.services.review_service import ReviewService
from app.storage.wal_sync import WalSync


def _grade(service: ReviewService, times: int) -> None:
    for i in range(times):
        due = service.next_card()
        assert due is not None
        service.answer(due, Grade.AGAIN if i % 2 else Grade.GOOD)


def _review_rows(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM review_log").fetchone()[0])
    finally:
        conn.close()


def test_every_grade_is_fsynced_and_close_waits_for_the_last(ctx: AppContext) -> None:
    synced: list[int] = []
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    durability = service.ledger.durability
    durability._fsync = lambda fd: synced.append(durability._requested)  # type: ignore[method-assign]
    _grade(service, 3)
    service.close()  # joins the worker
    assert synced and synced[-1] == 3  # the last sync started after the third commit
    assert durability._done == 3


def test_waiting_makes_the_grades_durable_at_once(ctx: AppContext) -> None:
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    durability = service.ledger.durability
    release, stuck = threading.Event(), threading.Event()

    def stuck_fsync(_fd: int) -> None:
        stuck.set()
        release.wait(10)

    durability._fsync = stuck_fsync  # type: ignore[method-assign]
    _grade(service, 1)
    assert stuck.wait(10)  # the worker is now stuck in its fsync
    inline: list[int] = []
    durability._fsync = inline.append  # type: ignore[method-assign]
    service.wait_durable()
    assert len(inline) == 1  # done by the caller, not left to the worker
    release.set()
    service.close()


def test_the_commit_itself_is_already_visible_before_the_fsync(ctx: AppContext) -> None:
    """Other connections (and a crash) see the grade at once: it is committed to the log."""
    release = threading.Event()
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    service.ledger.durability._fsync = lambda fd: release.wait(10)  # type: ignore[method-assign]
    _grade(service, 1)
    assert ctx.store.review_count() == 1
    release.set()
    service.close()


def test_checkpoints_run_on_the_worker_and_reach_the_database_file(
    ctx: AppContext, tmp_path: Path
) -> None:
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    ledger = service.ledger
    assert ledger._conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    ledger.durability.checkpoint_every = 2
    _grade(service, 4)
    service.close()  # joins the worker: its checkpoints are done
    assert ledger.durability.checkpoints >= 1
    alone = tmp_path / "main-file-only.sqlite3"
    shutil.copy(ctx.db_path, alone)  # without the -wal file: only checkpointed pages
    assert _review_rows(alone) >= 2


def test_a_sync_requested_after_close_still_happens(tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x)")
    calls: list[int] = []
    sync = WalSync(db, fsync=calls.append)
    sync.close()
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    sync.request()
    assert len(calls) == 1  # done in the caller's thread
    conn.close()


def test_if_the_worker_is_gone_the_grade_is_synced_at_once(ctx: AppContext) -> None:
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    durability = service.ledger.durability
    _grade(service, 1)
    durability._tickets.put(None)  # stop the worker, as a crash in it would
    assert durability._thread is not None
    durability._thread.join()
    synced: list[int] = []
    durability._fsync = synced.append  # type: ignore[method-assign]
    _grade(service, 1)
    assert len(synced) == 1  # done by the caller, in answer()
    service.close()


class _HeldQueue:
    """The worker's ticket queue, holding the worker back until `release` is set: every
    grade made meanwhile reaches it at once, as on a busy machine."""

    def __init__(self, queue: object) -> None:
        self.queue = queue
        self.release = threading.Event()

    def put(self, item: object) -> None:
        self.queue.put(item)  # type: ignore[attr-defined]

    def get(self) -> object:
        self.release.wait(10)
        return self.queue.get()  # type: ignore[attr-defined]

    def empty(self) -> bool:
        return bool(self.queue.empty())  # type: ignore[attr-defined]


def test_checkpoints_count_grades_however_the_worker_is_scheduled(
    ctx: AppContext, tmp_path: Path
) -> None:
    """One sync may cover many grades (the worker woke late): the checkpoint still comes."""
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    durability = service.ledger.durability
    durability.checkpoint_every = 2
    held = _HeldQueue(durability._tickets)
    durability._tickets = held  # type: ignore[assignment]
    _grade(service, 4)
    held.release.set()
    service.close()
    assert durability.checkpoints >= 1
    alone = tmp_path / "main-file-only.sqlite3"
    shutil.copy(ctx.db_path, alone)
    assert _review_rows(alone) == 4
