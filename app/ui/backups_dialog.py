"""File ▸ Backups…: list backups, make one now, restore one after asking."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.storage_fault import BackupFailed, StorageFault
from app.services.backup_service import Backup, BackupService


class BackupsDialog(QDialog):
    restored = Signal(str)  # path of the copy kept aside

    def __init__(self, service: BackupService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Backups")
        self.setObjectName("backups-dialog")
        self.service = service
        self.resize(520, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Lattice backs up your progress when it starts (if the last backup is over a day old) "
            "and every 30 minutes while it is open, keeping recent, daily, weekly and monthly "
            "copies. Each backup is compressed and checked before older ones are thinned out."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = QStandardItemModel(self)
        self.list = QListView()
        self.list.setObjectName("backup-list")
        self.list.setModel(self.model)
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.backup_button = QPushButton("Back up now")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton("Restore selected…")
        self.restore_button.clicked.connect(self.restore_selected)
        row.addWidget(self.backup_button)
        row.addStretch(1)
        row.addWidget(self.restore_button)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.model.clear()
        tz = self.service.local_tz
        for backup in self.service.backups():
            local = backup.taken_at.astimezone(tz)
            item = QStandardItem(f"{local:%a %d %b %Y, %H:%M}   ·   {backup.size / 1024:.0f} KiB")
            item.setData(backup, Qt.ItemDataRole.UserRole)
            self.model.appendRow(item)
        self.restore_button.setEnabled(self.model.rowCount() > 0)

    def backup_now(self) -> None:
        try:
            self.service.backup_now()
        except (StorageFault, BackupFailed) as exc:  # nothing is left behind either way
            QMessageBox.warning(self, "Backup failed", f"No backup was made. {exc}")
        self.refresh()

    def selected(self) -> Backup | None:
        index = self.list.currentIndex()
        if not index.isValid():
            return None
        value = index.data(Qt.ItemDataRole.UserRole)
        return value if isinstance(value, Backup) else None

    def restore_selected(self) -> None:
        backup = self.selected()
        if backup is None:
            QMessageBox.information(self, "Restore", "Choose a backup in the list first.")
            return
        answer = QMessageBox.question(
            self,
            "Restore this backup?",
            "Your current progress will be replaced by this backup. The current database is "
            "kept aside in the data folder, so nothing is lost. Lattice restarts afterwards.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            aside = self.service.restore(backup)
        except (ValueError, StorageFault) as exc:
            QMessageBox.warning(self, "Restore failed", f"Nothing was changed. {exc}")
            return
        self.restored.emit(str(aside))
        self.accept()
