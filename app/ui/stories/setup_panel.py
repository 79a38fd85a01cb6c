"""The Quiz setup page's way into the behavioural round: how many questions, and start."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout

from app.domain.stories_rehearsal import DEFAULT_ROUND
from app.ui.stories.round import BehaviouralRound
from app.ui.widgets import muted


class BehaviouralSetupPanel(QGroupBox):
    def __init__(self, round_view: BehaviouralRound) -> None:
        super().__init__("Behavioural round")
        self.setObjectName("behavioural-setup")
        self.round_view = round_view
        layout = QVBoxLayout(self)
        layout.addWidget(
            muted(
                "Tell your own STAR stories to the questions AI teams ask, two minutes each, "
                "graded on each story's parts and numbers."
            )
        )
        row = QHBoxLayout()
        row.addWidget(QLabel("Questions"))
        self.count_spin = QSpinBox()
        self.count_spin.setObjectName("behavioural-count")
        self.count_spin.setRange(1, 10)
        self.count_spin.setValue(DEFAULT_ROUND)
        row.addWidget(self.count_spin)
        row.addSpacing(12)
        self.start_button = QPushButton("Start behavioural round   (Ctrl+B)")
        self.start_button.setObjectName("behavioural-start")
        self.start_button.clicked.connect(self.start)
        row.addWidget(self.start_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.note = muted()
        self.note.setObjectName("behavioural-note")
        self.note.hide()
        layout.addWidget(self.note)

    def start(self) -> None:
        if not self.isVisible():  # Ctrl+B only from the quiz setup page
            return
        if self.round_view.start(self.count_spin.value()):
            self.note.hide()
            return
        self.note.setText(
            "No stories yet: write a few on the Stories screen (Ctrl+6) and come back."
        )
        self.note.show()
