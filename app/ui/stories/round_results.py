"""The behavioural round's results page: the round's score, each telling, and which of your
stories need work now."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.story_rehearsal import RehearsalService, RoundItem
from app.ui.results_parts import ScoreLine, results_table
from app.ui.stories.round_models import RoundResultsModel
from app.ui.widgets import bind_keys


class ResultsPage(QWidget):
    again_requested = Signal()
    leave_requested = Signal()

    def __init__(self, service: RehearsalService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        again = QPushButton("Another round   (Ctrl+Enter)")
        again.setObjectName("round-again")
        again.clicked.connect(self.again_requested)
        back = QPushButton("Back to quiz setup   (Esc)")
        back.setObjectName("round-back")
        back.clicked.connect(self.leave_requested)
        self.score_line = ScoreLine("round-score", [again, back])
        layout.addLayout(self.score_line)
        self.model = RoundResultsModel(service)
        self.table = results_table("round-results", self.model)
        layout.addWidget(self.table, 2)
        self.needs_work_label = QLabel()
        self.needs_work_label.setObjectName("round-needs-work")
        self.needs_work_label.setWordWrap(True)
        self.needs_work_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.needs_work_label, 1)
        bind_keys(
            self,
            ["Ctrl+Return", "Ctrl+Enter"],
            self.again_requested.emit,
            "another behavioural round",
        )
        bind_keys(self, ["Escape"], self.leave_requested.emit, "back to the quiz setup")

    def show_round(self, items: list[RoundItem], needs_work: list[tuple[str, str]]) -> None:
        """`needs_work`: (story title, why) for every story that needs work now."""
        done = [item for item in items if item.score is not None]
        score = sum(item.score or 0.0 for item in done) / len(done) if done else 0.0
        over = sum(1 for item in done if item.timed_out)
        self.score_line.show_score(
            score,
            f"<b>{len(done)} stor{'ies' if len(done) != 1 else 'y'} told</b> · "
            + (f"{over} ran out of time" if over else "all within two minutes"),
        )
        self.model.set_items(items)
        lines = "".join(
            f"<li><b>{html.escape(title)}</b>: {html.escape(why)}</li>" for title, why in needs_work
        )
        self.needs_work_label.setText(
            f"<b>Stories that need work</b><ul>{lines}</ul>"
            if lines
            else "<b>Every story's latest telling was tight.</b>"
        )
