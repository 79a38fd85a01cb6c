"""Models and the trend chart of the Quiz screen: the concept picker, results per question
and past quizzes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QPointF,
    QRectF,
    Qt,
)
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.domain.content import ContentBank
from app.domain.quiz import format_clock
from app.services.quiz_service import Answer, HistoryEntry
from app.ui.table_model import ROOT, Index, RowsTableModel

RED = "#d9534f"
GREEN = "#2e9d5b"
AMBER = "#c98a1b"


def score_color(score: float) -> str:
    return GREEN if score >= 0.75 else AMBER if score >= 0.5 else RED


class ConceptChoices(QAbstractListModel):
    """The quiz's concept picker: titles shown, ids as the item data, nothing stored per
    row in Qt (a bank can hold tens of thousands of concepts)."""

    def __init__(self) -> None:
        super().__init__()
        self.choices: list[tuple[str, str]] = []

    def set_bank(self, bank: ContentBank) -> None:
        self.beginResetModel()
        self.choices = sorted(
            ((c.title, c.id) for c in bank.concepts.values()), key=lambda t: t[0].lower()
        )
        self.endResetModel()

    def rowCount(self, parent: Index = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.choices)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        title, concept_id = self.choices[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role == Qt.ItemDataRole.UserRole:
            return concept_id
        return None


class ResultsModel(RowsTableModel):
    """One row per question: what was asked, time used against its budget, points, score."""

    HEADERS = ("#", "Question", "Concept", "Time used / budget", "Points", "Score")

    def __init__(self, bank: ContentBank) -> None:
        super().__init__()
        self.bank = bank
        self.rows: list[Answer] = []

    def set_answers(self, answers: list[Answer]) -> None:
        self.beginResetModel()
        self.rows = list(answers)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        answer = self.rows[index.row()]
        column = index.column()
        card = self.bank.cards.get(answer.card_id)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(answer.position + 1)
            if column == 1:
                return card.question if card else answer.card_id
            if column == 2:
                concept = self.bank.concepts.get(answer.concept_id)
                return concept.title if concept else answer.concept_id
            if column == 3:
                if not answer.reached:
                    return "not reached"
                used = f"{format_clock(answer.seconds_used)} / {format_clock(answer.budget)}"
                return f"{used}  ran out" if answer.timed_out else used
            if column == 4:
                return f"{sum(answer.covered)} of {len(answer.covered)}"
            if column == 5:
                return f"{answer.score:.0%}"
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 3 and answer.timed_out:
                return QColor(RED)
            if column == 5:
                return QColor(score_color(answer.score))
        if role == Qt.ItemDataRole.ToolTipRole and column == 1 and card:
            return card.question
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 3, 4, 5):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class HistoryModel(RowsTableModel):
    """Past quizzes, newest first."""

    HEADERS = ("When", "Score", "Questions", "Ran out")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[HistoryEntry] = []
        self.local_tz: Any = None

    def set_entries(self, entries: list[HistoryEntry], local_tz: Any) -> None:
        self.beginResetModel()
        self.rows = list(reversed(entries))
        self.local_tz = local_tz
        self.endResetModel()

    def entry(self, row: int) -> HistoryEntry:
        return self.rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                when = entry.started_at.astimezone(self.local_tz)
                return f"{when:%d %b %H:%M}" + ("" if entry.finished else "  (unfinished)")
            if column == 1:
                return f"{entry.score:.0%}"
            if column == 2:
                if entry.answered == entry.questions:
                    return str(entry.questions)
                return f"{entry.answered} of {entry.questions}"
            if column == 3:
                return str(entry.timed_out) if entry.timed_out else "—"
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QColor(score_color(entry.score))
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class TrendChart(QWidget):
    """Scores of the last quizzes as a small line chart (0–100 %)."""

    LAST = 20

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scores: list[float] = []
        self.setMinimumHeight(90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_scores(self, scores: list[float]) -> None:
        self.scores = scores[-self.LAST :]
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        area = QRectF(self.rect()).adjusted(44, 8, -8, -8)
        grid = QPen(palette.color(QPalette.ColorRole.Mid))
        grid.setWidthF(1.0)
        painter.setPen(grid)
        text = palette.color(QPalette.ColorRole.PlaceholderText)
        for fraction in (0.0, 0.5, 1.0):
            y = area.bottom() - fraction * area.height()
            painter.setPen(grid)
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(text)
            painter.drawText(
                QRectF(0, y - 8, 38, 16),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                f"{fraction:.0%}",
            )
        if not self.scores:
            painter.setPen(text)
            painter.drawText(
                area, int(Qt.AlignmentFlag.AlignCenter), "Your quiz scores will show here"
            )
            painter.end()
            return
        step = area.width() / max(1, len(self.scores) - 1)
        points = [
            QPointF(
                area.left() + (i * step if len(self.scores) > 1 else area.width() / 2),
                area.bottom() - s * area.height(),
            )
            for i, s in enumerate(self.scores)
        ]
        line = QPen(palette.color(QPalette.ColorRole.Highlight))
        line.setWidthF(2.0)
        painter.setPen(line)
        path = QPainterPath(points[0])
        for point in points[1:]:
            path.lineTo(point)
        painter.drawPath(path)
        for point, score in zip(points, self.scores, strict=True):
            color = QColor(score_color(score))
            painter.setPen(QPen(color))
            painter.setBrush(color)
            painter.drawEllipse(point, 3.5, 3.5)
        painter.end()
