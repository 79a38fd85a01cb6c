"""What every screen of the main window shares: the one change channel.

A screen reports what its own actions wrote by emitting `changed` with a `Changes` value; the
main window hands that value to every other screen built so far (`apply_changes`). A screen
refreshes at once if it is on show, otherwise the first time it is shown again.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from app.domain.changes import Changes


class Screen(QWidget):
    """A screen: `WATCHES` says which changes it shows, `refresh_for` catches up with them."""

    changed = Signal(object)  # Changes this screen's own action wrote
    WATCHES = Changes.NONE

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stale = Changes.NONE

    def apply_changes(self, changes: Changes) -> None:
        """Something else wrote `changes`: refresh now if on show, else when next shown."""
        relevant = changes & self.WATCHES
        if not relevant:
            return
        self._stale |= relevant
        if self.isVisible():
            self._catch_up()

    @property
    def stale(self) -> Changes:
        """What this screen has not caught up with yet (it is hidden)."""
        return self._stale

    def report(self, changes: Changes) -> None:
        """Tell the other screens what this screen's action wrote (`Changes.NONE` too: the
        window then knows the write was this run's own)."""
        self.changed.emit(changes)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        self._catch_up()
        super().showEvent(event)

    def _catch_up(self) -> None:
        stale, self._stale = self._stale, Changes.NONE
        if stale:
            self.refresh_for(stale)

    def refresh_for(self, changes: Changes) -> None:
        """Show the data again after `changes` (only kinds in `WATCHES` arrive here)."""
        raise NotImplementedError
