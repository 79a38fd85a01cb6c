"""The quiz's grading page: your answer beside the model answer, the key points to tick."""

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

from app.domain.media_names import plain_text
from app.domain.quiz import PointMatch, format_clock
from app.services.quiz_service import QuizRun
from app.ui.key_points import KeyPointChecklist, typed_beside
from app.ui.markdown_view import MarkdownView
from app.ui.quiz.palette import RED
from app.ui.widgets import bind_keys, heading, muted


class GradingPage(QWidget):
    """Keys 1–9 tick key points; Enter confirms (forwarded as `confirm_requested`)."""

    confirm_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        self.g_progress = QLabel()
        self.g_concept = QLabel()
        self.outcome_label = QLabel()
        self.outcome_label.setObjectName("quiz-outcome")
        header.addWidget(self.g_progress)
        header.addWidget(self.g_concept)
        header.addStretch(1)
        header.addWidget(self.outcome_label)
        layout.addLayout(header)
        self.g_question = heading("", 14)
        self.g_question.setContentsMargins(0, 8, 0, 4)
        layout.addWidget(self.g_question)
        self.model_view = MarkdownView()
        self.model_view.setObjectName("quiz-model-answer")
        sides, self.typed_view = typed_beside(
            "Your answer", "quiz-typed", "Model answer", self.model_view
        )
        layout.addLayout(sides, 1)
        self.checklist = KeyPointChecklist(
            "Key points: tick what your answer covered  (keys 1–9)", "quiz-point", self.typed_view
        )
        layout.addWidget(self.checklist)
        bottom = QHBoxLayout()
        self.points_score = self.checklist.score
        bottom.addWidget(
            muted(
                "Pre-ticked points were found in your answer: point at one (or press its number) "
                "to see the words that made it tick. Change any you disagree with."
            ),
            1,
        )
        bottom.addWidget(self.points_score)
        self.next_button = QPushButton()
        self.next_button.setObjectName("quiz-next")
        self.next_button.setMinimumHeight(36)
        self.next_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.next_button.clicked.connect(self.confirm_requested.emit)
        bottom.addWidget(self.next_button)
        layout.addLayout(bottom)
        for n in range(1, 10):
            bind_keys(
                self, [str(n)], partial(self.toggle_point, n - 1), "tick or untick a key point"
            )
        bind_keys(
            self, ["Return", "Enter"], self.confirm_requested.emit, "next question, or the results"
        )

    def show_answer(self, run: QuizRun, header: tuple[str, str], matches: list[PointMatch]) -> None:
        """The current question's answer, with the matcher's ticks and explanations."""
        assert run.question is not None
        answer = run.answers[run.current]
        self.g_progress.setText(header[0])
        self.g_concept.setText(header[1])
        card = run.question.card
        used = format_clock(answer.seconds_used)
        if answer.timed_out:
            self.outcome_label.setText(
                f'<span style="color:{RED}; font-weight:600">Time\'s up</span> — answer locked at {used}'
            )
        else:
            self.outcome_label.setText(f"Submitted after {used} of {format_clock(answer.budget)}")
        self.g_question.setText(plain_text(card.question))
        self.typed_view.setPlainText(answer.typed)
        self.model_view.show_markdown(card.answer)
        self.checklist.show_points(card.key_points, matches, answer.covered)
        last = run.current + 1 >= len(run.questions)
        self.next_button.setText("See results   (Enter)" if last else "Next question   (Enter)")

    def covered(self) -> tuple[bool, ...]:
        return self.checklist.covered()

    def toggle_point(self, index: int) -> None:
        if self.isVisible():
            self.checklist.toggle(index)

    # The checklist's parts, as a user meets them on this page.
    @property
    def point_boxes(self) -> list[QCheckBox]:
        return self.checklist.boxes

    @property
    def point_notes(self) -> list[QLabel]:
        return self.checklist.notes

    @property
    def matches(self) -> list[PointMatch]:
        return self.checklist.matches

    @property
    def focused_point(self) -> int | None:
        return self.checklist.focused

    def highlighted_words(self) -> list[str]:
        return self.checklist.highlighted_words()
