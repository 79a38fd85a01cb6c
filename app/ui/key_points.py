"""The key points to tick after an answer (the quiz) or a telling (the behavioural round).

One check box per point, pre-ticked by the grader, with the grader's reason beside it; keys
1–9 toggle them (the page binds the keys); pointing at a point, or toggling it, highlights in
the typed text the words that made it tick, or those that made the grader refuse it.
"""

from __future__ import annotations

from collections.abc import Sequence

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
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.grading import PointMatch
from app.ui.quiz.palette import RED, score_color
from app.ui.widgets import checkbox_text, drop, heading, muted

FOUND = "#2e9d5b"
# A card with no key points yet (an import found none worth using): one box to grade by.
SELF_GRADE = "I covered the model answer"
NO_POINTS = "This card has no key points yet: grade yourself against the model answer."


def typed_beside(
    mine_title: str, typed_name: str, theirs_title: str, theirs: QFrame
) -> tuple[QHBoxLayout, QPlainTextEdit]:
    """What the learner typed (read-only, left) beside what it is graded against (right)."""
    sides = QHBoxLayout()
    mine = QVBoxLayout()
    mine.addWidget(heading(mine_title, 11))
    typed = QPlainTextEdit()
    typed.setObjectName(typed_name)
    typed.setReadOnly(True)
    typed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    typed.setPlaceholderText("Nothing typed: grade what you said aloud.")
    mine.addWidget(typed, 1)
    other = QVBoxLayout()
    other.addWidget(heading(theirs_title, 11))
    theirs.setFrameShape(QFrame.Shape.StyledPanel)
    other.addWidget(theirs, 1)
    sides.addLayout(mine, 1)
    sides.addLayout(other, 1)
    return sides, typed


class KeyPointChecklist(QGroupBox):
    """The points of one answer; `covered()` is what the learner confirms."""

    changed = Signal()  # a box was ticked or unticked

    def __init__(self, title: str, name_prefix: str, typed_view: QPlainTextEdit) -> None:
        super().__init__(title)
        self.title_text = title
        self.self_graded = False  # the card had no key points: one box, "I covered it"
        self.name_prefix = name_prefix
        self.typed_view = typed_view
        self.grid = QGridLayout(self)
        self.grid.setColumnStretch(1, 1)
        self.boxes: list[QCheckBox] = []
        self.notes: list[QLabel] = []
        self.matches: list[PointMatch] = []
        self.focused: int | None = None
        # "n of m points · share", kept up to date here; the page places it where it likes.
        self.score = QLabel()
        self.score.setObjectName(f"{name_prefix}s-score")
        self.changed.connect(self._show_score)

    def show_points(
        self, labels: Sequence[str], matches: Sequence[PointMatch], covered: Sequence[bool]
    ) -> None:
        for widget in (*self.boxes, *self.notes):
            drop(self.grid, widget)
        self.boxes, self.notes = [], []
        self.matches = list(matches)
        self.self_graded = not labels
        self.setTitle(NO_POINTS if self.self_graded else self.title_text)
        for i, label in enumerate(labels or [SELF_GRADE]):
            box = QCheckBox(checkbox_text(f"{i + 1}   {label}" if i < 9 else label))
            box.setObjectName(f"{self.name_prefix}-{i + 1}")
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            box.setChecked(i < len(covered) and covered[i])
            box.toggled.connect(lambda _=False: self.changed.emit())
            match = matches[i] if i < len(matches) else None
            found = match is not None and match.covered
            explained = ("✓ found: " if found else "✗ ") + (match.explanation if match else "")
            note = muted(
                "no key points to check: tick it if you did" if self.self_graded else explained
            )
            note.setTextFormat(Qt.TextFormat.PlainText)
            for widget in (box, note):
                widget.setProperty("point", i)
                widget.installEventFilter(self)
            self.grid.addWidget(box, i, 0)
            self.grid.addWidget(note, i, 1)
            self.boxes.append(box)
            self.notes.append(note)
        self.show_evidence(None)
        self._show_score()

    def covered(self) -> tuple[bool, ...]:
        return tuple(box.isChecked() for box in self.boxes)

    def _show_score(self) -> None:
        covered = self.covered()
        share = sum(covered) / len(covered) if covered else 0.0
        self.score.setText(
            f"<b>{sum(covered)} of {len(covered)}</b> points · "
            f'<span style="color:{score_color(share)}; font-weight:600">{share:.0%}</span>'
        )

    def toggle(self, index: int) -> None:
        if 0 <= index < len(self.boxes):
            self.boxes[index].toggle()
            self.show_evidence(index)

    # -- why a point ticked ------------------------------------------------------------------
    def show_evidence(self, index: int | None) -> None:
        """Highlight in the typed text the words behind the points: every ticked point's
        words lightly, or one point's words strongly (red where the grader found them
        negated or tied to the wrong side, which is why it did not tick)."""
        self.focused = index
        selections = []
        for i, match in enumerate(self.matches):
            if (index is not None and i != index) or (index is None and not match.covered):
                continue
            color = QColor(FOUND if match.covered else RED)
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
            elif event.type() == QEvent.Type.Leave and self.focused == point:
                self.show_evidence(None)
        return super().eventFilter(watched, event)
