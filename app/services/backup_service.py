"""When to back up, and restoring: the policy around storage/backup.py."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from app.domain.backup_policy import RetentionPolicy, backup_due
from app.services.context import AppContext
from app.storage.backup import Backup, list_backups, make_backup, restore_backup, thin_backups
from app.storage.connection import database_path


class BackupService:
    def __init__(self, ctx: AppContext, policy: RetentionPolicy | None = None) -> None:
        self.ctx = ctx
        self.policy = policy or RetentionPolicy()

    @property
    def db_path(self) -> Path:
        return database_path(self.ctx.data_dir)

    def backups(self) -> list[Backup]:
        return list_backups(self.ctx.data_dir)

    def backup_now(self) -> Backup:
        backup = make_backup(self.db_path, self.ctx.data_dir, self.ctx.clock.now())
        thin_backups(self.ctx.data_dir, self.ctx.clock.local_tz, self.policy)
        return backup

    def backup_at_start(self) -> Backup | None:
        """A backup when the newest one is older than a day (or there is none)."""
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

    def restore(self, backup: Backup) -> Path:
        """Put `backup` in place of the database (the caller reopens it). Returns the set-aside copy."""
        self.ctx.close()
        return restore_backup(backup, self.db_path, self.ctx.clock.now())
