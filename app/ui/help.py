"""Help: the keyboard shortcuts (read from the shortcuts that exist) and the first-run welcome."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.ui.keys import KeyRow


class KeysDialog(QDialog):
    """Every key, by where it works; made from `key_rows`, so it lists what is registered."""

    def __init__(self, rows: list[KeyRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyboard-shortcuts")
        self.setWindowTitle("Keyboard shortcuts")
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["Where", "Keys", "What it does"])
        for row in rows:
            self.model.appendRow(
                [QStandardItem(row.where), QStandardItem(row.keys), QStandardItem(row.what)]
            )
        table = QTableView()
        table.setObjectName("keys-table")
        table.setModel(self.model)
        table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        table.setWordWrap(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table, 1)
        layout.addWidget(buttons)
        self.table = table
        self.resize(760, 560)


WELCOME = """
<h2>Welcome to Lattice</h2>
<p>Six screens, each one key away:</p>
<ul>
<li><b>Review</b> (Ctrl+1): flashcards, in prerequisite order. Space shows the answer,
1–4 grade it, Ctrl+Z undoes.</li>
<li><b>Quiz</b> (Ctrl+2): a timed mock interview; type or say your answer, then tick the
key points you covered.</li>
<li><b>Graph</b> (Ctrl+3): the map of the field, filled by how well you know each concept,
with what you are ready to learn next.</li>
<li><b>Browse</b> (Ctrl+4, Ctrl+F): every card, searchable; write your own cards here.</li>
<li><b>Stats</b> (Ctrl+5): reviews, retention, forecast, and a plan for your interview.</li>
<li><b>Stories</b> (Ctrl+6): your STAR stories for the behavioural round.</li>
</ul>
<p><b>Your interview date</b>: on the Stats screen, set the date; Lattice then says how
many new cards a day cover what you have not mastered yet.</p>
<p><b>Your data</b> stays on this computer, in {data}. It is backed up automatically
(File ▸ Backups…).</p>
<p>Help ▸ Keyboard shortcuts lists every key; Help ▸ Welcome shows this again.</p>
"""


class WelcomeDialog(QDialog):
    """The first-run welcome: the screens, the interview date, where the data lives."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        self.setWindowTitle("Welcome to Lattice")
        text = QLabel(WELCOME.format(data=f"<code>{html.escape(str(data_dir))}</code>"))
        text.setObjectName("welcome-text")
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start studying")
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        self.resize(600, 0)
