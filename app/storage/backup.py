"""Backups: zstd-compressed copies made with SQLite's backup API, verified before anything
relies on them; recovery from a damaged database; restoring one.

A backup is a complete, consistent copy even while the app is writing (the backup API
copies pages under the database lock), named by its UTC time so the newest is easy to find.
It is written as `.partial` files and renamed only once checked: the copy passes
`integrity_check`, and the compressed file decompresses to exactly the checked bytes. A
failed backup leaves nothing behind. Backups from before compression (`.sqlite3`) are still
listed and restored.

Restore and recovery never leave the folder without a database: the replacement is
prepared (decompressed and checked) beside the live file first, the current file is kept
aside, then the replacement is renamed into place. Callers close every connection first
(`Database.offline`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import BinaryIO

from app.domain.backup_policy import RetentionPolicy, backups_to_keep
from app.domain.storage_fault import BackupFailed
from app.storage.connection import fsync_path, integrity_problem
from app.storage.snapshot import copy_database

BACKUP_DIR = "backups"
STAMP = "%Y%m%dT%H%M%SZ"
PREFIX = "lattice-"
SUFFIX = ".sqlite3"
COMPRESSED = ".sqlite3.zst"
PARTIAL = ".partial"
ZSTD_LEVEL = 3  # fast; SQLite pages compress about 3-5x
CHUNK = 1 << 20


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @property
    def compressed(self) -> bool:
        return self.path.name.endswith(COMPRESSED)


def backup_dir(data_dir: Path) -> Path:
    return data_dir / BACKUP_DIR


def _stamp_of(name: str) -> datetime | None:
    for suffix in (COMPRESSED, SUFFIX):
        if name.startswith(PREFIX) and name.endswith(suffix):
            try:
                return datetime.strptime(name[len(PREFIX) : -len(suffix)], STAMP).replace(
                    tzinfo=UTC
                )
            except ValueError:
                return None
    return None


def list_backups(data_dir: Path) -> list[Backup]:
    """Backups, newest first (compressed ones and older uncompressed ones)."""
    folder = backup_dir(data_dir)
    if not folder.is_dir():
        return []
    found: dict[datetime, Backup] = {}
    for path in folder.iterdir():
        taken = _stamp_of(path.name)
        fresh = taken is not None and (taken not in found or path.name.endswith(COMPRESSED))
        if taken is not None and fresh and path.is_file():
            found[taken] = Backup(path, taken)
    return sorted(found.values(), key=lambda b: b.taken_at, reverse=True)


def remove_partials(data_dir: Path) -> list[Path]:
    """Delete what interrupted backups and restores left (run at start, when neither can
    be under way)."""
    folders = [f for f in (backup_dir(data_dir), data_dir) if f.is_dir()]
    stale = [p for f in folders for p in f.iterdir() if p.name.endswith(PARTIAL) and p.is_file()]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


@contextmanager
def _removed_on_failure(*paths: Path) -> Iterator[None]:
    try:
        yield
    finally:
        for path in paths:
            path.unlink(missing_ok=True)


def _sha256(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


class _Hashing:
    """A write-only file that only hashes what is written to it."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return len(data)


def compress_file(source: Path, dest: Path) -> None:
    import zstandard

    with open(source, "rb") as src, open(dest, "wb") as out:
        zstandard.ZstdCompressor(level=ZSTD_LEVEL).copy_stream(src, out, read_size=CHUNK)
        out.flush()
        os.fsync(out.fileno())


def decompress_file(source: Path, dest: Path) -> None:
    import zstandard

    with open(source, "rb") as src, open(dest, "wb") as out:
        zstandard.ZstdDecompressor().copy_stream(src, out, read_size=CHUNK)
        out.flush()
        os.fsync(out.fileno())


def _decompressed_sha256(source: Path) -> str:
    import zstandard

    sink = _Hashing()
    with open(source, "rb") as src:
        zstandard.ZstdDecompressor().copy_stream(src, sink, read_size=CHUNK)  # type: ignore[arg-type]
    return sink.digest.hexdigest()


def make_backup(db_path: Path, data_dir: Path, now: datetime) -> Backup:
    """Copy the live database into backups/ (backup API), check the copy, compress it,
    check the compressed file decompresses to the checked bytes, then name it."""
    folder = backup_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    when = now.astimezone(UTC).replace(microsecond=0)
    name = f"{PREFIX}{when.strftime(STAMP)}"
    target = folder / f"{name}{COMPRESSED}"
    copy = folder / f"{name}{SUFFIX}{PARTIAL}"
    packed = folder / f"{name}{COMPRESSED}{PARTIAL}"
    with _removed_on_failure(copy, packed):
        copy_database(db_path, copy)
        problem = integrity_problem(copy, thorough=True)
        if problem is not None:
            raise BackupFailed(f"the copy of the database is damaged ({problem})")
        compress_file(copy, packed)
        with open(copy, "rb") as handle:
            expected = _sha256(handle)
        if _decompressed_sha256(packed) != expected:
            raise BackupFailed("the compressed backup does not match the database")
        packed.replace(target)
        fsync_path(folder)
    return Backup(target, when)


def backup_problem(backup: Backup, scratch: Path) -> str | None:
    """None if `backup` restores to a healthy database (it is decompressed to `scratch`,
    which the caller removes), else what is wrong with it."""
    scratch.unlink(missing_ok=True)  # what an earlier candidate left there
    try:
        if backup.compressed:
            decompress_file(backup.path, scratch)
        else:
            copy_database(backup.path, scratch)
    except Exception as exc:  # noqa: BLE001 - zstd and sqlite3 raise their own kinds
        return f"cannot be read ({exc})"
    return integrity_problem(scratch, thorough=True)


def thin_backups(
    data_dir: Path,
    local_tz: tzinfo,
    policy: RetentionPolicy | None = None,
    healthy: Backup | None = None,
) -> list[Path]:
    """Delete backups the retention policy does not keep; returns what was deleted.

    The newest healthy backup is never deleted: `healthy` names one just verified;
    without it, backups are checked newest first and the first healthy one is kept.
    """
    backups = list_backups(data_dir)
    keep = backups_to_keep((b.taken_at for b in backups), local_tz, policy)
    if healthy is not None:
        keep.add(healthy.taken_at)
    else:
        for backup in backups:  # newest first
            if _is_healthy(backup, data_dir):
                keep.add(backup.taken_at)
                break
    removed = []
    for backup in backups:
        if backup.taken_at not in keep:
            backup.path.unlink(missing_ok=True)
            removed.append(backup.path)
    return removed


def _is_healthy(backup: Backup, data_dir: Path) -> bool:
    scratch = backup_dir(data_dir) / f"{backup.path.name}.check{PARTIAL}"
    with _removed_on_failure(scratch):
        return backup_problem(backup, scratch) is None


@dataclass(frozen=True)
class Recovery:
    damaged_copy: Path
    restored_from: Backup | None
    problem: str

    def describe(self, local_tz: tzinfo) -> str:
        """What happened, for the user: what was wrong, what was restored, where the
        damaged file is kept."""
        if self.restored_from is not None:
            when = self.restored_from.taken_at.astimezone(local_tz)
            restored = f"Your progress was restored from the backup of {when:%a %d %b %Y, %H:%M}."
        else:
            restored = "No healthy backup was found, so Lattice started with an empty history."
        return (
            f"The database could not be read ({self.problem}). {restored} "
            f"The damaged file was kept as {self.damaged_copy.name} in {self.damaged_copy.parent}."
        )


def _aside(db_path: Path, label: str, now: datetime) -> Path:
    stamp = now.astimezone(UTC).strftime(STAMP)
    return db_path.with_name(f"{db_path.stem}.{label}-{stamp}{db_path.suffix}")


def _sidecars(db_path: Path) -> list[Path]:
    return [db_path.with_name(db_path.name + s) for s in ("-wal", "-shm")]


def recover(db_path: Path, data_dir: Path, now: datetime, problem: str | None = None) -> Recovery:
    """Move a damaged database aside and put the newest healthy backup in its place.

    Never deletes the damaged file; if no healthy backup exists the app starts empty,
    and the caller tells the user where the damaged file was kept.
    """
    problem = problem or integrity_problem(db_path) or "unreadable"
    replacement = db_path.with_name(db_path.name + ".restoring" + PARTIAL)
    chosen: Backup | None = None
    with _removed_on_failure(replacement):
        for backup in list_backups(data_dir):
            if backup_problem(backup, replacement) is None:
                chosen = backup
                break
        aside = _aside(db_path, "damaged", now)
        db_path.replace(aside)
        for extra, kept in zip(_sidecars(db_path), _sidecars(aside), strict=True):
            if extra.exists():
                extra.replace(kept)
        if chosen is not None:
            replacement.replace(db_path)
            fsync_path(db_path.parent)
    return Recovery(aside, chosen, problem)


def restore_backup(backup: Backup, db_path: Path, now: datetime) -> Path:
    """Replace the database with a backup, keeping the current file aside; returns its path."""
    replacement = db_path.with_name(db_path.name + ".restoring" + PARTIAL)
    with _removed_on_failure(replacement):
        problem = backup_problem(backup, replacement)
        if problem is not None:
            raise ValueError(f"backup {backup.path.name} is damaged ({problem}); choose another")
        aside = _aside(db_path, "before-restore", now)
        if db_path.exists():
            copy_database(db_path, aside)
        for sidecar in _sidecars(db_path):
            sidecar.unlink(missing_ok=True)
        replacement.replace(db_path)
        fsync_path(db_path.parent)
    return aside
