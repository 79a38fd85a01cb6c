"""When to back up, and restoring: the policy around storage/backup.py."""

from __future__ import annotations

from datetime import timedelta, tzinfo
from pathlib import Path

from app.domain.backup_policy import RetentionPolicy, backup_due
from app.services.context import AppContext
from app.storage.backup import (
    Backup,
    Recovery,
    list_backups,
    make_backup,
    recover,
    remove_partials,
    restore_backup,
    thin_backups,
)
from app.storage.connection import database_path, faults_as_messages, integrity_problem


class BackupService:
    def __init__(self, ctx: AppContext, policy: RetentionPolicy | None = None) -> None:
        self.ctx = ctx
        self.policy = policy or RetentionPolicy()

    @property
    def local_tz(self) -> tzinfo:
        return self.ctx.clock.local_tz

    @property
    def db_path(self) -> Path:
        return database_path(self.ctx.data_dir)

    def backups(self) -> list[Backup]:
        return list_backups(self.ctx.data_dir)

    def backup_now(self) -> Backup:
        """Back up, verify the backup, then thin the old ones (never the new, healthy one).
        Raises BackupFailed or StorageFault (nothing is left behind either way)."""
        with self.ctx.database.copying(), faults_as_messages(self.db_path):
            backup = make_backup(self.db_path, self.ctx.data_dir, self.ctx.clock.now())
            thin_backups(self.ctx.data_dir, self.ctx.clock.local_tz, self.policy, healthy=backup)
        return backup

    def backup_at_start(self) -> Backup | None:
        """A backup when the newest one is older than a day (or there is none). Runs once
        at start, when no backup can be under way: it first removes what an interrupted
        backup left."""
        remove_partials(self.ctx.data_dir)
        return self._backup_if(self.policy.at_start_after)

    def backup_during_use(self) -> Backup | None:
        """Called periodically while the app is open: one backup per 30 minutes of use."""
        return self._backup_if(self.policy.interval)

    def _backup_if(self, age: timedelta) -> Backup | None:
        existing = self.backups()
        last = existing[0].taken_at if existing else None
        if backup_due(last, self.ctx.clock.now(), age):
            return self.backup_now()
        return None

    def check_then_back_up(self) -> str | None:
        """The full integrity check, then the start-of-day backup if the file is healthy.

        Runs on a worker thread (both read the whole file). Returns what is wrong, or None.
        A damaged file is never backed up, so it cannot push a healthy backup out.
        """
        problem = integrity_problem(self.db_path)
        if problem is None:
            self.backup_at_start()
        return problem

    def recover_now(self) -> Recovery:
        """Set the damaged database aside and put the newest healthy backup in its place
        (the app restarts afterwards). The damaged file is kept, never deleted. Every
        connection (review session, ORM, any other) is closed first."""
        with self.ctx.database.offline():
            return recover(self.db_path, self.ctx.data_dir, self.ctx.clock.now())

    def restore(self, backup: Backup) -> Path:
        """Put `backup` in place of the database. Every connection is closed first, so none
        can write its old log back into the restored file; the app restarts afterwards.
        Returns the set-aside copy of the current database."""
        with self.ctx.database.offline():
            return restore_backup(backup, self.db_path, self.ctx.clock.now())
