"""The quiz's grading page: your answer beside the model answer, the key points to tick."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.quiz import PointMatch, format_clock
from app.services.quiz_service import QuizRun
from app.ui.markdown_view import MarkdownView
from app.ui.quiz.palette import RED, score_color
from app.ui.widgets import bind_keys, checkbox_text, drop, heading, muted


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
        sides = QHBoxLayout()
        mine = QVBoxLayout()
        mine.addWidget(heading("Your answer", 11))
        self.typed_view = QPlainTextEdit()
        self.typed_view.setObjectName("quiz-typed")
        self.typed_view.setReadOnly(True)
        self.typed_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.typed_view.setPlaceholderText("Nothing typed: grade what you said aloud.")
        mine.addWidget(self.typed_view, 1)
        model = QVBoxLayout()
        model.addWidget(heading("Model answer", 11))
        self.model_view = MarkdownView()
        self.model_view.setObjectName("quiz-model-answer")
        self.model_view.setFrameShape(QFrame.Shape.StyledPanel)
        model.addWidget(self.model_view, 1)
        sides.addLayout(mine, 1)
        sides.addLayout(model, 1)
        layout.addLayout(sides, 1)
        points_box = QGroupBox("Key points: tick what your answer covered  (keys 1–9)")
        self.points_layout = QGridLayout(points_box)
        self.points_layout.setColumnStretch(1, 1)
        self.point_boxes: list[QCheckBox] = []
        self.point_notes: list[QLabel] = []
        layout.addWidget(points_box)
        bottom = QHBoxLayout()
        self.points_score = QLabel()
        self.points_score.setObjectName("quiz-points-score")
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
        self.matches: list[PointMatch] = []
        self.focused_point: int | None = None
        for n in range(1, 10):
            bind_keys(self, [str(n)], partial(self.toggle_point, n - 1), "tick or untick a key point")
        bind_keys(self, ["Return", "Enter"], self.confirm_requested.emit, "next question, or the results")

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
        self.g_question.setText(card.question)
        self.typed_view.setPlainText(answer.typed)
        self.model_view.show_markdown(card.answer)
        for widget in (*self.point_boxes, *self.point_notes):
            drop(self.points_layout, widget)
        self.point_boxes, self.point_notes = [], []
        for i, point in enumerate(card.key_points):
            box = QCheckBox(checkbox_text(f"{i + 1}   {point}" if i < 9 else point))
            box.setObjectName(f"quiz-point-{i + 1}")
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            box.setChecked(i < len(answer.covered) and answer.covered[i])
            box.toggled.connect(lambda _=False: self._update_points_score())
            explanation = matches[i].explanation if i < len(matches) else ""
            auto = matches[i].covered if i < len(matches) else False
            note = muted(("✓ found: " if auto else "✗ ") + explanation)
            note.setTextFormat(Qt.TextFormat.PlainText)
            for widget in (box, note):
                widget.setProperty("point", i)
                widget.installEventFilter(self)
            self.points_layout.addWidget(box, i, 0)
            self.points_layout.addWidget(note, i, 1)
            self.point_boxes.append(box)
            self.point_notes.append(note)
        self.matches = list(matches)
        self.show_evidence(None)
        last = run.current + 1 >= len(run.questions)
        self.next_button.setText("See results   (Enter)" if last else "Next question   (Enter)")
        self._update_points_score()

    def covered(self) -> tuple[bool, ...]:
        return tuple(box.isChecked() for box in self.point_boxes)

    def _update_points_score(self) -> None:
        covered = self.covered()
        share = sum(covered) / len(covered) if covered else 0.0
        self.points_score.setText(
            f"<b>{sum(covered)} of {len(covered)}</b> points · "
            f'<span style="color:{score_color(share)}; font-weight:600">{share:.0%}</span>'
        )

    def toggle_point(self, index: int) -> None:
        if self.isVisible() and 0 <= index < len(self.point_boxes):
            self.point_boxes[index].toggle()
            self.show_evidence(index)

    # -- why a point ticked ------------------------------------------------------------------
    def show_evidence(self, index: int | None) -> None:
        """Highlight in the typed answer the words that made points tick: every ticked point's
        words lightly, or one point's words strongly (red where the grader found them negated
        or tied to the wrong side, which is why it did not tick)."""
        self.focused_point = index
        selections = []
        for i, match in enumerate(self.matches):
            if index is not None and i != index:
                continue
            if index is None and not match.covered:
                continue
            color = QColor("#2e9d5b" if match.covered else RED)
            color.setAlpha(70 if index is None else 130)
            fmt = QTextCharFormat()
            fmt.setBackground(color)
            for start, end in match.evidence:
                selection = QTextEdit.ExtraSelection()
                cursor = QTextCursor(self.typed_view.document())
                cursor.setPosition(start)
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                selection.cursor = cursor
                selection.format = fmt
                selections.append(selection)
        self.typed_view.setExtraSelections(selections)

    def highlighted_words(self) -> list[str]:
        """The typed words highlighted now, in order (what a user sees marked)."""
        text = self.typed_view.toPlainText()
        spans = sorted(
            (s.cursor.selectionStart(), s.cursor.selectionEnd())
            for s in self.typed_view.extraSelections()
        )
        return [text[a:b] for a, b in spans]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        point = watched.property("point") if isinstance(watched, QWidget) else None
        if isinstance(point, int):
            if event.type() == QEvent.Type.Enter:
                self.show_evidence(point)
            elif event.type() == QEvent.Type.Leave and self.focused_point == point:
                self.show_evidence(None)
        return super().eventFilter(watched, event)
