"""The behavioural round's grading page: what you typed beside the story as you wrote it,
and the story's key points to tick (keys 1–9), pre-ticked by the quiz's matcher."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.quiz import PointMatch
from app.domain.stories import GradingPoint
from app.ui.key_points import KeyPointChecklist, typed_beside
from app.ui.markdown_view import MarkdownView
from app.ui.widgets import bind_keys, heading, muted


class GradePage(QWidget):
    next_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        self.progress = QLabel()
        self.outcome = QLabel()
        self.outcome.setObjectName("round-outcome")
        header.addWidget(self.progress)
        header.addStretch(1)
        header.addWidget(self.outcome)
        layout.addLayout(header)
        self.question = heading("", 14)
        self.question.setContentsMargins(0, 8, 0, 4)
        layout.addWidget(self.question)
        self.story_view = MarkdownView(reading_width=None)
        self.story_view.setObjectName("round-story-text")
        self.story_view.document().setDocumentMargin(10)
        sides, self.told_view = typed_beside(
            "Your telling", "round-told", "The story as you wrote it", self.story_view
        )
        layout.addLayout(sides, 1)
        self.checklist = KeyPointChecklist(
            "Did you say it? Tick what your telling covered  (keys 1–9)",
            "round-point",
            self.told_view,
        )
        layout.addWidget(self.checklist)
        bottom = QHBoxLayout()
        bottom.addWidget(
            muted("Pre-ticked points were found in what you typed: point at one to see why."), 1
        )
        self.points_score = self.checklist.score
        bottom.addWidget(self.points_score)
        self.next_button = QPushButton()
        self.next_button.setObjectName("round-next")
        self.next_button.setMinimumHeight(36)
        self.next_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.next_button.clicked.connect(self.next_requested)
        bottom.addWidget(self.next_button)
        layout.addLayout(bottom)
        for n in range(1, 10):
            bind_keys(
                self,
                [str(n)],
                partial(self.toggle_point, n - 1),
                "tick or untick a part or number you said",
            )
        bind_keys(self, ["Return", "Enter"], self.next_requested.emit, "save the telling and go on")

    def show_telling(
        self,
        *,
        header: str,
        outcome: str,
        question: str,
        typed: str,
        story_markdown: str,
        points: list[GradingPoint],
        matches: list[PointMatch],
        covered: tuple[bool, ...],
        last: bool,
    ) -> None:
        self.progress.setText(header)
        self.outcome.setText(outcome)
        self.question.setText(question)
        self.told_view.setPlainText(typed)
        self.story_view.show_markdown(story_markdown)
        labels = [f"{point.label}: {point.text}" for point in points]
        self.checklist.show_points(labels, matches, covered)
        self.next_button.setText("See results   (Enter)" if last else "Next question   (Enter)")

    def covered(self) -> tuple[bool, ...]:
        return self.checklist.covered()

    def toggle_point(self, index: int) -> None:
        if self.isVisible():
            self.checklist.toggle(index)

    @property
    def point_boxes(self) -> list[QCheckBox]:
        return self.checklist.boxes
