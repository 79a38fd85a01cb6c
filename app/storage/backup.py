"""Backups with SQLite's online backup API, and recovery from backups.

A backup is a complete, consistent copy even while the app is writing (the backup API
copies pages under the database lock), named by its UTC time so the newest is easy to find.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from app.domain.backup_policy import RetentionPolicy, backups_to_keep
from app.storage.connection import integrity_problem
from app.storage.snapshot import copy_database

BACKUP_DIR = "backups"
STAMP = "%Y%m%dT%H%M%SZ"
PREFIX = "lattice-"
SUFFIX = ".sqlite3"


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def backup_dir(data_dir: Path) -> Path:
    return data_dir / BACKUP_DIR


def list_backups(data_dir: Path) -> list[Backup]:
    """Backups, newest first."""
    found = []
    folder = backup_dir(data_dir)
    if not folder.is_dir():
        return []
    for path in folder.glob(f"{PREFIX}*{SUFFIX}"):
        stamp = path.name[len(PREFIX) : -len(SUFFIX)]
        try:
            taken = datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue
        found.append(Backup(path, taken))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def make_backup(db_path: Path, data_dir: Path, now: datetime) -> Backup:
    """Copy the live database into backups/ with the backup API; returns the new backup."""
    folder = backup_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{PREFIX}{now.astimezone(UTC).strftime(STAMP)}{SUFFIX}"
    partial = target.with_suffix(".partial")
    copy_database(db_path, partial)
    partial.replace(target)
    return Backup(target, now.astimezone(UTC).replace(microsecond=0))


def thin_backups(
    data_dir: Path, local_tz: tzinfo, policy: RetentionPolicy | None = None
) -> list[Path]:
    """Delete backups the retention policy does not keep; returns what was deleted."""
    backups = list_backups(data_dir)
    keep = backups_to_keep((b.taken_at for b in backups), local_tz, policy)
    removed = []
    for backup in backups:
        if backup.taken_at not in keep:
            backup.path.unlink(missing_ok=True)
            removed.append(backup.path)
    return removed


@dataclass(frozen=True)
class Recovery:
    damaged_copy: Path
    restored_from: Backup | None
    problem: str


def recover(db_path: Path, data_dir: Path, now: datetime) -> Recovery:
    """Move a damaged database aside and put the newest healthy backup in its place.

    Never deletes the damaged file; if no healthy backup exists the app starts empty,
    and the caller tells the user where the damaged file was kept.
    """
    problem = integrity_problem(db_path) or "unreadable"
    aside = db_path.with_name(
        f"{db_path.stem}.damaged-{now.astimezone(UTC).strftime(STAMP)}{db_path.suffix}"
    )
    db_path.replace(aside)
    for sidecar in ("-wal", "-shm"):
        extra = db_path.with_name(db_path.name + sidecar)
        if extra.exists():
            extra.replace(aside.with_name(aside.name + sidecar))
    for backup in list_backups(data_dir):
        if integrity_problem(backup.path) is None:
            shutil.copy2(backup.path, db_path)
            return Recovery(aside, backup, problem)
    return Recovery(aside, None, problem)


def restore_backup(backup: Backup, db_path: Path, now: datetime) -> Path:
    """Replace the database with a backup, keeping the current file aside; returns its path."""
    if integrity_problem(backup.path) is not None:
        raise ValueError(f"backup {backup.path.name} is damaged; choose another")
    aside = db_path.with_name(
        f"{db_path.stem}.before-restore-{now.astimezone(UTC).strftime(STAMP)}{db_path.suffix}"
    )
    if db_path.exists():
        copy_database(db_path, aside)
    for sidecar in ("-wal", "-shm"):
        db_path.with_name(db_path.name + sidecar).unlink(missing_ok=True)
    shutil.copy2(backup.path, db_path)
    return aside
