"""What the user is told when the disk or another program stops a read or a write, or a
backup fails.

A fault is not damage: the database is healthy and is left exactly as it is; the message
says what to do. It lives in the domain so every layer, the screens too, can catch it.
"""

from __future__ import annotations

from pathlib import Path


class StorageFault(OSError):
    """The database cannot be used right now, through no fault of its own: it is locked by
    another program, read-only, or the disk is full. `kind` is one of the four below. An
    OSError, as what it reports comes from the operating system, so generic handlers print
    its one sentence as it is."""

    LOCKED = "locked"
    READ_ONLY = "read-only"
    FULL = "full"
    UNAVAILABLE = "unavailable"

    def __init__(self, kind: str, path: Path, detail: str = "") -> None:
        self.kind = kind
        self.path = path
        self.detail = detail
        super().__init__(self.describe())

    def describe(self) -> str:
        where = self.path.parent
        if self.kind == self.LOCKED:
            text = (
                f"Another program is using the database {self.path}. Close it (or the other "
                "Lattice) and try again; nothing was changed."
            )
        elif self.kind == self.READ_ONLY:
            text = (
                f"Lattice cannot save to {where}: the database or its folder is read-only. "
                "Make it writable and try again; nothing saved before was lost."
            )
        elif self.kind == self.FULL:
            text = (
                f"The disk holding {where} is full. Free some space and try again; nothing "
                "saved before was lost."
            )
        else:
            text = (
                f"Lattice cannot open its database in {where}. Check that the folder exists "
                "and is writable; nothing was changed."
            )
        return f"{text} ({self.detail})" if self.detail else text


class BackupFailed(RuntimeError):
    """A backup could not be made or did not verify; nothing was left behind."""
