"""The quiz history's chart: the scores of the last quizzes as a small line (0–100 %)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.ui.quiz.palette import score_color


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
