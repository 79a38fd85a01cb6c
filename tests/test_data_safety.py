"""Every way the learner's data could be lost, each reproduced first: restore under a live
session, damaged or empty files, locks, hostile imports, faults of the disk, stray files."""

from __future__ import annotations

import argparse
import contextlib
import errno
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import zstandard

from app.cli import main
from app.domain.backup_policy import RetentionPolicy
from app.domain.clock import FakeClock
from app.domain.scheduling import Grade
from app.domain.storage_fault import BackupFailed, StorageFault
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
    assert main(["stats", "--json", "--data-dir", str(data_dir)]) != 0
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert "Another program is using the database" in err
    assert not list(data_dir.glob("*.damaged-*"))
    assert locked_database.exists()


# -- (e) read-only database or folder, full disk ----------------------------------------
def _refuse_writes(message: str) -> Callable[[Any], None]:
    """configure_connection that fails as SQLite does on a read-only or full disk (root,
    which runs CI, ignores file permissions, so the fault is injected at this boundary)."""

    def configure(_conn: Any) -> None:
        raise sqlite3.OperationalError(message)

    return configure


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ("attempt to write a readonly database", "read-only"),
        ("database or disk is full", "is full"),
        ("unable to open database file", "cannot open its database"),
    ],
)
def test_the_cli_says_in_one_line_why_it_cannot_open_the_data(
    ctx: AppContext,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: str,
    expected: str,
) -> None:
    ctx.close()
    before = ctx.db_path.read_bytes()
    monkeypatch.setattr("app.storage.connection.configure_connection", _refuse_writes(error))
    assert main(["stats", "--json", "--data-dir", str(data_dir)]) != 0
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert expected in err and "nothing" in err
    assert ctx.db_path.read_bytes() == before
    assert not list(data_dir.glob("*.damaged-*"))


def test_the_gui_says_why_it_cannot_open_the_data_not_already_running(
    qtbot: Any, ctx: AppContext, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui import application

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        application.QMessageBox, "warning", lambda _p, title, text: shown.append((title, text))
    )
    ctx.close()
    monkeypatch.setattr(
        "app.storage.connection.configure_connection",
        _refuse_writes("attempt to write a readonly database"),
    )
    args = argparse.Namespace(data_dir=str(data_dir), theme="light")
    assert application._start(args) == 4
    assert len(shown) == 1
    title, text = shown[0]
    assert "already running" not in title + text and "read-only" in text
    assert application.single_instance_lock(data_dir) is not None  # the lock was let go


def test_a_folder_where_no_lock_can_be_made_is_not_already_running(
    qtbot: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui import application

    class Unwritable:
        LockError = application.QLockFile.LockError

        def __init__(self, _path: str) -> None: ...

        def tryLock(self, _ms: int) -> bool:  # noqa: N802 - Qt's name
            return False

        def error(self) -> object:
            return application.QLockFile.LockError.PermissionError

    monkeypatch.setattr(application, "QLockFile", Unwritable)
    with pytest.raises(StorageFault) as raised:
        application.single_instance_lock(data_dir)
    assert raised.value.kind == StorageFault.READ_ONLY


def _review_window(qtbot: Any, ctx: AppContext) -> Any:
    from app.services.application import Application
    from app.ui.review_view import ReviewView

    view = ReviewView(Application(ctx))
    qtbot.addWidget(view)
    view.refresh()
    return view


def test_a_grade_on_a_read_only_database_is_refused_visibly_and_nothing_is_lost(
    qtbot: Any, ctx: AppContext
) -> None:
    view = _review_window(qtbot, ctx)
    view.reveal()
    view.grade(Grade.GOOD)
    assert _reviews(ctx.db_path) == 1
    view.reveal()
    shown = view.current.card.id
    view.service.ledger._conn.execute("PRAGMA query_only=ON")  # SQLite's read-only
    view.grade(Grade.GOOD)
    assert view.current.card.id == shown and view.revealed  # the card stays
    assert not view.fault_label.isHidden()
    assert "not saved" in view.fault_label.text() and "read-only" in view.fault_label.text()
    assert _reviews(ctx.db_path) == 1  # the earlier grade is still there
    view.service.ledger._conn.execute("PRAGMA query_only=OFF")  # made writable again
    view.grade(Grade.GOOD)
    assert view.fault_label.isHidden()
    assert _reviews(ctx.db_path) == 2
    view.service.close()


def test_a_full_disk_mid_session_refuses_the_grade_and_keeps_every_saved_one(
    qtbot: Any, ctx: AppContext, clock: FakeClock
) -> None:
    view = _review_window(qtbot, ctx)
    conn = view.service.ledger._conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={pages}")  # the disk is full: no page more
    saved = 0
    for _ in range(300):
        if view.current is None:
            clock.advance(minutes=11)
            view.refresh()
        view.reveal()
        view.grade(Grade.AGAIN)
        if not view.fault_label.isHidden():
            break
        saved += 1
    assert not view.fault_label.isHidden() and "is full" in view.fault_label.text()
    assert view.current is not None and view.revealed  # the refused card is still shown
    assert _reviews(ctx.db_path) == saved  # every acknowledged grade is kept
    view.service.close()


# -- (f) failed backups leave nothing behind ---------------------------------------------
def test_a_backup_failing_on_a_full_disk_leaves_no_partial_files(
    ctx: AppContext, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    backups = BackupService(ctx)
    good = backups.backup_now()
    clock.advance(hours=2)

    def disk_full(_source: Path, dest: Path) -> None:
        dest.write_bytes(b"half a backup")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("app.storage.backup.compress_file", disk_full)
    with pytest.raises(StorageFault) as raised:
        backups.backup_now()
    assert raised.value.kind == StorageFault.FULL
    folder = ctx.data_dir / "backups"
    assert sorted(p.name for p in folder.iterdir()) == [good.path.name]


def test_partial_files_left_by_a_crash_are_removed_at_start(ctx: AppContext) -> None:
    folder = ctx.data_dir / "backups"
    folder.mkdir()
    stale = [
        folder / "lattice-20260101T000000Z.sqlite3.partial",
        folder / "x.sqlite3.zst.partial",
        ctx.data_dir / "lattice.sqlite3.restoring.partial",  # a restore cut short
    ]
    for path in stale:
        path.write_bytes(b"interrupted")
    BackupService(ctx).backup_at_start()
    assert not any(p.exists() for p in stale)
    assert [p.suffix for p in folder.iterdir()] == [".zst"]


# -- (h) thinning never deletes the last healthy backup ----------------------------------
def test_thinning_keeps_the_last_healthy_backup_when_newer_ones_are_damaged(
    ctx: AppContext, clock: FakeClock
) -> None:
    from app.storage.backup import thin_backups

    healthy = BackupService(ctx).backup_now()
    clock.advance(hours=1)
    rotten = BackupService(ctx).backup_now()
    rotten.path.write_bytes(zstandard.ZstdCompressor().compress(b"rot" * 1000))
    only_newest = RetentionPolicy(recent=1, daily=0, weekly=0, monthly=0)
    thin_backups(ctx.data_dir, clock.local_tz, only_newest)
    assert healthy.path.exists()  # the policy alone would have deleted it
    assert rotten.path.exists()  # the policy keeps it; it is only not counted as healthy


def test_a_backup_that_does_not_verify_is_not_kept_and_thins_nothing(
    ctx: AppContext, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = RetentionPolicy(recent=1, daily=0, weekly=0, monthly=0)
    good = BackupService(ctx, policy).backup_now()
    clock.advance(hours=1)

    def bit_rot(source: Path, dest: Path) -> None:
        dest.write_bytes(zstandard.ZstdCompressor().compress(b"not the database"))

    monkeypatch.setattr("app.storage.backup.compress_file", bit_rot)
    with pytest.raises(BackupFailed):
        BackupService(ctx, policy).backup_now()
    assert [p.name for p in (ctx.data_dir / "backups").iterdir()] == [good.path.name]


# -- item 8: compressed, verified backups; old ones still restorable ----------------------
def test_backups_are_compressed_and_restore_exactly(ctx: AppContext, clock: FakeClock) -> None:
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    _grade(service, 5, clock)
    service.close()
    backup = BackupService(ctx).backup_now()
    assert backup.path.name.endswith(".sqlite3.zst")
    raw = zstandard.ZstdDecompressor().decompressobj().decompress(backup.path.read_bytes())
    assert raw.startswith(b"SQLite format 3\0")
    assert backup.size < len(raw) / 2
    _grade(ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings), 2, clock)
    BackupService(ctx).restore(backup)
    assert _reviews(ctx.db_path) == 5


def test_an_old_uncompressed_backup_is_still_listed_and_restored(
    ctx: AppContext, clock: FakeClock
) -> None:
    from app.storage.backup import list_backups
    from app.storage.snapshot import copy_database

    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    _grade(service, 3, clock)
    service.close()
    folder = ctx.data_dir / "backups"
    folder.mkdir()
    old = folder / "lattice-20260101T120000Z.sqlite3"  # as Lattice wrote them before zstd
    copy_database(ctx.db_path, old)
    _grade(ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings), 2, clock)
    (listed,) = list_backups(ctx.data_dir)
    assert listed.path == old and not listed.compressed
    BackupService(ctx).restore(listed)
    assert _reviews(ctx.db_path) == 3


# -- (g) the -wal file deleted while the app runs -----------------------------------------
def test_a_deleted_log_file_is_reported_and_no_acknowledged_grade_is_lost(
    ctx: AppContext, clock: FakeClock, tmp_path: Path
) -> None:
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    _grade(service, 2, clock)
    Path(f"{ctx.db_path}-wal").unlink()  # a cleaning tool, or a person
    _grade(service, 3, clock)
    service.ledger.durability.close()  # the worker has handled every grade
    assert service.durability_problem() is not None
    assert "was deleted" in (service.durability_problem() or "")
    power_cut = tmp_path / "what-the-disk-holds.sqlite3"
    shutil.copy(ctx.db_path, power_cut)  # the deleted log is gone with the power
    assert _reviews(power_cut) == 5
    service.close()


# -- (d) import-all takes only a database whose schema is exactly Lattice's -------------
Tamper = Callable[[sqlite3.Connection], "str | None"]


def _export_tampered(ctx: AppContext, clock: FakeClock, tmp_path: Path, tamper: Tamper) -> Path:
    """An export of some history whose database `tamper` changed, its manifest's checksum
    and counts made to match (as an attacker would). Skips when `tamper` finds nothing to
    change in this schema version."""
    from app.services.transfer import export_all
    from app.storage.snapshot import table_counts

    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    _grade(service, 3, clock)
    service.close()
    good = tmp_path / "good.zip"
    export_all(ctx.data_dir, good, clock.now())
    db = tmp_path / "tampered.sqlite3"
    with zipfile.ZipFile(good) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    db.write_bytes(members["lattice.sqlite3"])
    conn = sqlite3.connect(db, isolation_level=None)
    named = tamper(conn)
    conn.close()
    if named is None:
        pytest.skip("nothing of that kind in this schema version")
    members["lattice.sqlite3"] = db.read_bytes()
    manifest = json.loads(members["manifest.json"])
    manifest["files"]["lattice.sqlite3"] = hashlib.sha256(members["lattice.sqlite3"]).hexdigest()
    with contextlib.suppress(sqlite3.Error):  # a dropped table: the counts stay as they were
        manifest["counts"] = table_counts(db)
    members["manifest.json"] = json.dumps(manifest).encode()
    bad = tmp_path / "tampered.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return bad


def _sql(script: str, named: str) -> Tamper:
    def tamper(conn: sqlite3.Connection) -> str:
        conn.executescript(script)
        return named

    return tamper


def _columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, int]]:
    """(name, declared type, is primary key) of each column."""
    return [(r[1], str(r[2]).upper(), r[5]) for r in conn.execute(f"PRAGMA table_info('{table}')")]


def _tables_with_rows(conn: sqlite3.Connection) -> list[str]:
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return [
        n
        for n in names
        if not n.startswith(("sqlite_", "card_search"))
        and conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]  # noqa: S608
    ]


def _set_first(want: Callable[[str, str, int], bool], value: object) -> Tamper:
    """Set the first column (of a table with rows) that `want` picks to `value`."""

    def tamper(conn: sqlite3.Connection) -> str | None:
        for table in _tables_with_rows(conn):
            for name, declared, pk in _columns(conn, table):
                if want(name, declared, pk):
                    conn.execute(f'UPDATE "{table}" SET "{name}" = ?', (value,))  # noqa: S608
                    return name
        return None

    return tamper


def _drop_an_index(conn: sqlite3.Connection) -> str | None:
    row = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL"
    ).fetchone()
    if row is None:
        return None
    conn.execute(f'DROP INDEX "{row[0]}"')
    return str(row[0])


def _add_a_check_constraint(conn: sqlite3.Connection) -> str:
    """review_log rebuilt with the same columns and indexes plus a CHECK constraint, which
    would run on every grade."""
    (table_sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name='review_log'").fetchone()
    indexes = [
        r[0]
        for r in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name='review_log' "
            "AND sql IS NOT NULL"
        )
    ]
    cut = table_sql.rindex(")")
    conn.execute("ALTER TABLE review_log RENAME TO old_log")
    conn.execute(table_sql[:cut] + ", CHECK (length(CAST(id AS TEXT)) > 0))")
    conn.execute("INSERT INTO review_log SELECT * FROM old_log")
    conn.execute("DROP TABLE old_log")
    for sql in indexes:
        conn.execute(sql)
    return "review_log"


HOSTILE: dict[str, Tamper] = {
    "trigger": _sql(
        "CREATE TRIGGER wipe AFTER INSERT ON review_log BEGIN DELETE FROM review_log; "
        "DELETE FROM progress; END;",
        "trigger",
    ),
    "view": _sql("CREATE VIEW v AS SELECT * FROM progress;", "view"),
    "recursive view": _sql(
        "CREATE VIEW forever AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
        "SELECT i FROM n;",
        "view",
    ),
    "missing table": _sql("DROP TABLE setting;", "setting"),
    "extra table": _sql("CREATE TABLE extra (x);", "extra"),
    "extra column": _sql("ALTER TABLE progress ADD COLUMN x INTEGER;", "progress"),
    "extra index": _sql("CREATE INDEX ix_extra ON meta (value);", "ix_extra"),
    "missing index": _drop_an_index,
    "check constraint": _add_a_check_constraint,
    "garbage date": _set_first(lambda _n, declared, _pk: declared == "DATETIME", "yesterday-ish"),
    "rating out of range": _set_first(lambda name, _d, _pk: name == "rating", 9),
    "event kind out of range": _set_first(lambda name, _d, _pk: name == "kind", 99),
    "packed float out of range": _set_first(
        lambda name, declared, _pk: name == "difficulty" and declared == "BLOB", 0x7F000000
    ),
    "state out of range": _set_first(lambda name, _d, _pk: name.startswith("state"), -1),
    "text in a number": _set_first(
        lambda _n, declared, pk: declared == "INTEGER" and not pk, "many"
    ),
    "broken json": _set_first(lambda name, _d, _pk: name.endswith("_json"), "{"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_import_all_refuses_a_database_that_is_not_exactly_lattices(
    ctx: AppContext, clock: FakeClock, tmp_path: Path, case: str
) -> None:
    from app.domain.import_rules import ImportRefused
    from app.services.transfer import import_all

    named: list[str] = []

    def remember(conn: sqlite3.Connection) -> str | None:
        result = HOSTILE[case](conn)
        named.extend([result] if result else [])
        return result

    bad = _export_tampered(ctx, clock, tmp_path, remember)
    ctx.close()
    before = ctx.db_path.read_bytes()
    with pytest.raises(ImportRefused, match=named[0]):
        import_all(bad, ctx.data_dir, clock.now())
    assert ctx.db_path.read_bytes() == before
    assert not list(ctx.data_dir.glob("*.before-import-*"))


def test_value_checks_are_bounded(ctx: AppContext) -> None:
    """Every query on an imported file runs under a step budget: nothing can hang it."""
    from app.storage.schema_check import SchemaRefused, check_database

    ctx.close()
    with pytest.raises(SchemaRefused, match="too long"):
        check_database(ctx.db_path, max_steps=1)


def test_the_backups_dialog_says_a_backup_failed_and_leaves_nothing(
    qtbot: Any, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui import backups_dialog

    shown: list[str] = []
    monkeypatch.setattr(
        backups_dialog.QMessageBox, "warning", lambda _p, _title, text: shown.append(text)
    )

    def disk_full(_source: Path, _dest: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("app.storage.backup.compress_file", disk_full)
    dialog = backups_dialog.BackupsDialog(BackupService(ctx))
    qtbot.addWidget(dialog)
    dialog.backup_now()
    assert len(shown) == 1 and "No backup was made" in shown[0] and "is full" in shown[0]
    assert list((ctx.data_dir / "backups").iterdir()) == []
    assert dialog.model.rowCount() == 0


def test_an_orm_write_on_a_read_only_database_is_a_storage_fault(ctx: AppContext) -> None:
    """Quiz, Browse and settings write through the ORM: their faults read the same."""
    from sqlalchemy import event

    event.listen(ctx.store.engine, "connect", lambda conn, _r: conn.execute("PRAGMA query_only=ON"))
    ctx.store.engine.dispose()
    with pytest.raises(StorageFault) as raised:
        ctx.store.set_suspended(["alpha-what"], True)  # Browse's Ctrl+J
    assert raised.value.kind == StorageFault.READ_ONLY


def test_a_fault_from_any_screen_is_said_in_the_status_bar_not_as_a_traceback(
    window: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.ui.application import report_storage_faults

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    report_storage_faults(window)
    fault = StorageFault(StorageFault.FULL, window.app.ctx.db_path, "database or disk is full")
    sys.excepthook(StorageFault, fault, None)
    assert "is full" in window.statusBar().currentMessage()
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1


def test_review_shows_when_grades_are_no_longer_saved_the_normal_way(
    qtbot: Any, ctx: AppContext
) -> None:
    view = _review_window(qtbot, ctx)
    durability = view.service.ledger.durability
    durability.problem = "The review log file (lattice.sqlite3-wal) was deleted while open."
    view.reveal()
    view.grade(Grade.GOOD)
    assert _reviews(ctx.db_path) == 1  # saved, and the notice says what is wrong
    assert not view.fault_label.isHidden() and "was deleted" in view.fault_label.text()
    view.service.close()


def test_an_empty_database_with_its_log_beside_it_keeps_the_log_aside_too(
    ctx: AppContext, clock: FakeClock, data_dir: Path, content_root: Path, tmp_path: Path
) -> None:
    _history_with_backup(ctx, clock)
    conn = sqlite3.connect(ctx.db_path, isolation_level=None)
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("INSERT INTO setting (key, value) VALUES ('late', '1')")
    wal = Path(f"{ctx.db_path}-wal")
    log = wal.read_bytes()  # the log as a crash would leave it
    conn.close()
    ctx.db_path.write_bytes(b"")
    wal.write_bytes(log)
    reopened = open_context(data_dir, content=content_root, clock=clock, full_check=False)
    recovery = reopened.recovery
    assert recovery is not None and recovery.restored_from is not None
    kept = Path(f"{recovery.damaged_copy}-wal")
    assert kept.read_bytes() == log  # SQLite would have discarded it as stale
    reopened.close()


def test_recovery_skips_damaged_backups_for_the_newest_healthy_one(
    ctx: AppContext, clock: FakeClock, data_dir: Path, content_root: Path
) -> None:
    from app.storage.snapshot import copy_database

    _history_with_backup(ctx, clock)  # a healthy compressed backup with 3 reviews
    folder = data_dir / "backups"
    copy_database(ctx.db_path, folder / "lattice-20260301T000000Z.sqlite3")  # older, plain
    clock.advance(hours=1)
    rotten = folder / f"lattice-{clock.now():%Y%m%dT%H%M%SZ}.sqlite3.zst"
    rotten.write_bytes(zstandard.ZstdCompressor().compress(b"rot" * 5000))  # newest, rotten
    ctx.db_path.write_bytes(b"garbage" * 1000)
    reopened = open_context(data_dir, content=content_root, clock=clock)
    assert reopened.recovery is not None and reopened.recovery.restored_from is not None
    assert reopened.recovery.restored_from.path.name.endswith(".zst")
    assert reopened.recovery.restored_from.path != rotten
    assert _reviews(reopened.db_path) == 3
    assert not list(data_dir.glob("*.partial"))
    reopened.close()
