"""The behavioural round's first page: the question, and which story to tell (Up/Down)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.stories import Story
from app.domain.stories_coverage import Fit
from app.ui.widgets import bind_keys, heading, muted

FIT_MARKS = {Fit.CHOSEN: "✓ ", Fit.FITS: "○ ", Fit.NONE: ""}


class ChoosePage(QWidget):
    story_changed = Signal(str)  # story id
    start_requested = Signal()
    leave_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.progress = QLabel()
        layout.addWidget(self.progress)
        self.question = heading("", 17)
        self.question.setObjectName("round-question")
        self.question.setContentsMargins(0, 18, 0, 12)
        layout.addWidget(self.question)
        row = QHBoxLayout()
        row.addWidget(QLabel("Story to tell"))
        self.story_combo = QComboBox()
        self.story_combo.setObjectName("round-story")
        self.story_combo.setMinimumWidth(420)
        self.story_combo.currentIndexChanged.connect(self._changed)
        row.addWidget(self.story_combo, 1)
        row.addStretch(1)
        layout.addLayout(row)
        self.note = muted()
        self.note.setObjectName("round-story-note")
        layout.addWidget(self.note)
        layout.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(
            muted(
                "Up/Down picks another story (✓ chosen for this question, ○ fits it). You get "
                "two minutes: situation and task in a few sentences, most of the time on what "
                "you did, then the result with its numbers."
            ),
            1,
        )
        leave = QPushButton("Leave round   (Esc)")
        leave.setObjectName("round-leave")
        leave.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        leave.clicked.connect(self.leave_requested)
        start = QPushButton("Start the clock   (Enter)")
        start.setObjectName("round-start")
        start.setMinimumHeight(40)
        start.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        start.clicked.connect(self.start_requested)
        bottom.addWidget(leave)
        bottom.addWidget(start)
        layout.addLayout(bottom)
        bind_keys(
            self,
            ["Return", "Enter", "Ctrl+Return", "Ctrl+Enter"],
            self.start_requested.emit,
            "tell the chosen story (starts its clock)",
        )
        bind_keys(self, ["Escape"], self.leave_requested.emit, "back to the quiz setup")

    def show_question(
        self, header: str, question: str, choices: list[tuple[Story, Fit]], selected: str | None
    ) -> None:
        self.progress.setText(header)
        self.question.setText(question)
        self.story_combo.blockSignals(True)
        self.story_combo.clear()
        for story, kind in choices:
            self.story_combo.addItem(f"{FIT_MARKS[kind]}{story.title}", story.id)
        self.story_combo.setCurrentIndex(max(0, self.story_combo.findData(selected)))
        self.story_combo.blockSignals(False)
        self._changed()

    def _changed(self, _index: int = 0) -> None:
        story_id = self.story_combo.currentData()
        if story_id:
            self.story_changed.emit(str(story_id))
