"""File menu actions for moving cards and data in and out: Import…, Export to Anki…,
Export everything…, Import everything…. Each asks for a file and calls one service.

The services are imported when an action is first used, not when the menu is built, so
they cost nothing on the way to the first card."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtWidgets  # dialogs, QProcess: built when first used
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu

from app.domain.changes import Changes
from app.services.application import Application

if TYPE_CHECKING:
    from app.ui.import_dialog import ImportDialog


ANKI_WITH_PROGRESS = "Anki package with my progress (*.apkg)"
ANKI_CARDS_ONLY = "Anki package, cards only (*.apkg)"


class InteropActions(QObject):
    def __init__(
        self,
        window: QMainWindow,
        app: Application,
        report: Callable[[Changes], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.app = app
        self.report = report  # hands what an import changed to every screen
        self.actions: dict[str, QAction] = {}
        self.dialog: ImportDialog | None = None

    def install(self, menu: QMenu, before: QAction) -> None:
        for key, text, slot in (
            ("import", "&Import…", self.import_cards),
            ("export-anki", "Export to &Anki…", self.export_to_anki),
            ("export-all", "&Export everything…", self.export_everything),
            ("import-all", "Import e&verything…", self.import_everything),
        ):
            action = QAction(text, self.window)
            action.setObjectName(f"action-{key}")
            action.triggered.connect(slot)
            menu.insertAction(before, action)
            self.actions[key] = action
        menu.insertSeparator(before)

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10000)

    # -- cards -----------------------------------------------------------------------------
    def import_cards(self) -> ImportDialog:
        from app.ui.import_dialog import ImportDialog

        self.dialog = ImportDialog(self.app.card_import, self.window)
        self.dialog.imported.connect(self._imported)
        self.dialog.open()
        return self.dialog

    def _imported(self, summary: str, changes: Changes) -> None:
        self.report(changes)
        self._status(summary.splitlines()[0])
        QtWidgets.QMessageBox.information(self.window, "Cards imported", summary)

    def export_to_anki(self) -> None:
        # The choice of file type is the option: with progress (the first, so the default)
        # or the cards only, all new in Anki.
        path, chosen = QtWidgets.QFileDialog.getSaveFileName(
            self.window,
            "Export to Anki",
            str(Path.home() / "Lattice.apkg"),
            f"{ANKI_WITH_PROGRESS};;{ANKI_CARDS_ONLY}",
            ANKI_WITH_PROGRESS,
        )
        if not path:
            return
        with_progress = chosen != ANKI_CARDS_ONLY
        try:
            result = self.app.export_anki(Path(path), with_progress=with_progress)
        except (ValueError, OSError) as exc:
            QtWidgets.QMessageBox.warning(
                self.window, "Export to Anki", f"Nothing was exported: {exc}"
            )
            return
        self._status(f"Exported {result.notes} cards to {result.path.name}")
        progress = (
            f" with the progress of {result.studied} studied cards and {result.reviews} "
            "reviews, so Anki continues where Lattice left off"
            if with_progress
            else ", all new"
        )
        if result.edits_not_exported:
            progress += (
                f". {result.edits_not_exported} edits of cloze or reverse cards that came from "
                "Anki stay in Lattice only: their Anki note is written as it was imported"
            )
        QtWidgets.QMessageBox.information(
            self.window,
            "Exported to Anki",
            f"{result.notes} cards in {result.decks} decks were written to {result.path}"
            f"{progress}.\n\nIn Anki choose File ▸ Import. Importing a newer export again "
            "updates the same notes; Anki takes progress only for cards it does not have yet."
            + (
                " Turn on FSRS in Anki's deck options to schedule with the memory Lattice "
                "sent; on SM-2 Anki goes on from the due days and intervals."
                if with_progress
                else ""
            ),
        )

    # -- everything ------------------------------------------------------------------------
    def export_everything(self) -> None:
        now = self.app.clock.now().astimezone(self.app.local_tz)
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self.window,
            "Export everything",
            str(Path.home() / f"lattice-{now:%Y-%m-%d}.zip"),
            "Lattice export (*.zip)",
        )
        if not path:
            return
        try:
            summary = self.app.export_all(Path(path))
        except OSError as exc:
            QtWidgets.QMessageBox.warning(
                self.window, "Export everything", f"Nothing was written: {exc}"
            )
            return
        self._status(f"Exported everything to {Path(path).name}")
        QtWidgets.QMessageBox.information(
            self.window,
            "Everything exported",
            f"{summary.describe()}.\n\nOpen it on the other computer with "
            "File ▸ Import everything….",
        )

    def import_everything(self) -> None:
        from app.domain.import_rules import ImportRefused

        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self.window, "Import everything", str(Path.home()), "Lattice export (*.zip)"
        )
        if not path:
            return
        try:
            summary = self.app.inspect_export(Path(path))
        except ImportRefused as refused:
            QtWidgets.QMessageBox.warning(
                self.window, "Import everything", f"Nothing was changed: {refused}"
            )
            return
        answer = QtWidgets.QMessageBox.question(
            self.window,
            "Replace everything?",
            f"This file holds {summary.describe()}.\n\nIt replaces your progress, quiz history, "
            "settings, your own cards, stories and media (images and sounds) on this computer. "
            "The current ones are kept aside in "
            f"{self.app.data_dir}. Lattice restarts afterwards.",
        )
        if answer != QtWidgets.QMessageBox.StandardButton.Yes:
            return
        try:
            result = self.app.import_all(Path(path))
        except ImportRefused as refused:
            QtWidgets.QMessageBox.warning(
                self.window, "Import everything", f"Nothing was changed: {refused}"
            )
            return
        kept = result.database_aside.name if result.database_aside else "nothing"
        QtWidgets.QMessageBox.information(
            self.window,
            "Everything imported",
            f"Your previous database was kept as {kept}. Lattice will now restart.",
        )
        self.restart()

    def restart(self) -> None:
        QtCore.QProcess.startDetached(sys.executable, sys.argv)
        QApplication.instance().quit()  # type: ignore[union-attr]
