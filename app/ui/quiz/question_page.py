"""The quiz's question page: the question, the countdown, the answer box, pause."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.media_names import without_refs
from app.domain.quiz import Countdown, format_clock, urgency
from app.services.quiz_service import QuizRun
from app.services.render import question_media
from app.ui.markdown_view import MarkdownView
from app.ui.quiz.palette import BAR_COLORS
from app.ui.widgets import bind_keys, heading, muted


class QuestionPage(QWidget):
    """Shows what the quiz screen tells it; Ctrl+Enter and Ctrl+P are forwarded as signals."""

    submit_requested = Signal()
    pause_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        self.q_progress = QLabel()
        self.q_progress.setObjectName("quiz-progress")
        self.q_concept = QLabel()
        self.q_timing = muted("")
        self.clock_label = QLabel()
        self.clock_label.setObjectName("quiz-clock")
        header.addWidget(self.q_progress)
        header.addWidget(self.q_concept)
        header.addStretch(1)
        header.addWidget(self.q_timing)
        header.addWidget(self.clock_label)
        layout.addLayout(header)
        self.clock_bar = QProgressBar()
        self.clock_bar.setObjectName("quiz-clock-bar")
        self.clock_bar.setRange(0, 1000)
        self.clock_bar.setTextVisible(False)
        self.clock_bar.setFixedHeight(8)
        layout.addWidget(self.clock_bar)
        self.question_label = heading("", 17)
        self.question_label.setObjectName("quiz-question")
        self.question_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.question_label.setContentsMargins(0, 18, 0, 12)
        layout.addWidget(self.question_label)
        # The question's pictures and sounds (an imported "Name the curve: <img>"), if any.
        self.question_media = MarkdownView(reading_width=None)
        self.question_media.setObjectName("quiz-question-media")
        self.question_media.setVisible(False)
        layout.addWidget(self.question_media, 2)
        self.answer_stack = QStackedWidget()
        self.answer_box = QPlainTextEdit()
        self.answer_box.setObjectName("quiz-answer")
        self.answer_box.setPlaceholderText(
            "Type your answer here, or answer out loud: typing is optional.\n"
            "Ctrl+Enter submits; when the clock reaches zero the answer is locked."
        )
        self.answer_box.setTabChangesFocus(True)
        paused = QWidget()
        paused_layout = QVBoxLayout(paused)
        paused_layout.addStretch(1)
        paused_title = heading("Paused", 20)
        paused_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        paused_layout.addWidget(paused_title)
        hint = muted("The question is hidden and the clock is stopped. Ctrl+P resumes.")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        paused_layout.addWidget(hint)
        paused_layout.addStretch(1)
        self.answer_stack.addWidget(self.answer_box)
        self.answer_stack.addWidget(paused)
        layout.addWidget(self.answer_stack, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(
            muted("Answer as you would in the interview: structure first, then detail.")
        )
        buttons.addStretch(1)
        self.pause_button = QPushButton("Pause   (Ctrl+P)")
        self.pause_button.setObjectName("quiz-pause")
        self.pause_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pause_button.clicked.connect(self.pause_requested.emit)
        self.submit_button = QPushButton("Submit   (Ctrl+Enter)")
        self.submit_button.setObjectName("quiz-submit")
        self.submit_button.setMinimumHeight(36)
        self.submit_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.submit_button.clicked.connect(self.submit_requested.emit)
        buttons.addWidget(self.pause_button)
        buttons.addWidget(self.submit_button)
        layout.addLayout(buttons)
        bind_keys(
            self,
            ["Ctrl+Return", "Ctrl+Enter"],
            self.submit_requested.emit,
            "submit the answer early",
        )
        bind_keys(self, ["Ctrl+P"], self.pause_requested.emit, "pause or resume the clock")

    def show_question(self, run: QuizRun, header: tuple[str, str]) -> None:
        """A fresh question (or a resumed one, with its draft)."""
        assert run.question is not None
        self.q_progress.setText(header[0])
        self.q_concept.setText(header[1])
        self.q_timing.setText(
            "whole quiz"
            if run.total_budget is not None
            else f"{format_clock(run.question.budget)} for this question"
        )
        self._show_question_text(run.question.card.question)
        self.answer_box.setReadOnly(False)
        self.answer_box.setPlainText(run.draft_text)
        self.answer_box.moveCursor(self.answer_box.textCursor().MoveOperation.End)
        self.answer_stack.setCurrentIndex(0)
        self.pause_button.setText("Pause   (Ctrl+P)")

    def _show_question_text(self, question: str) -> None:
        self.question_label.setText(without_refs(question))
        media = question_media(question)
        self.question_media.setVisible(bool(media))
        if media:
            self.question_media.show_html(media)

    def typed(self) -> str:
        return self.answer_box.toPlainText()

    def show_clock(self, countdown: Countdown) -> None:
        """Time left as text and bar, amber then red as it runs low."""
        fraction = countdown.fraction_left()
        band = urgency(fraction)
        self.clock_label.setText(format_clock(countdown.remaining()))
        color = BAR_COLORS[band]
        self.clock_label.setStyleSheet(
            f"font-size: 20pt; font-weight: 600; color: {color if band != 'normal' else 'palette(window-text)'};"
        )
        self.clock_label.setProperty("urgency", band)
        self.clock_bar.setValue(round(fraction * 1000))
        self.clock_bar.setProperty("urgency", band)
        self.clock_bar.setStyleSheet(
            f"QProgressBar {{ border: none; border-radius: 4px; background: palette(mid); }}"
            f"QProgressBar::chunk {{ border-radius: 4px; background: {color}; }}"
        )

    def show_paused(self, run: QuizRun, paused: bool) -> None:
        """Paused: the question is hidden. Resumed: it is back and the box has the focus."""
        if paused:
            self.question_label.setText("…")
            self.question_media.setVisible(False)
            self.answer_stack.setCurrentIndex(1)
            self.pause_button.setText("Resume   (Ctrl+P)")
            self.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.answer_stack.setCurrentIndex(0)
            self._show_question_text(run.question.card.question if run.question else "")
            self.pause_button.setText("Pause   (Ctrl+P)")
            self.answer_box.setFocus(Qt.FocusReason.OtherFocusReason)

    def lock(self) -> None:
        """The answer is handed in (or the time is up): no more typing."""
        self.answer_box.setReadOnly(True)
