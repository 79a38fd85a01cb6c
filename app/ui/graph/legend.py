"""The map's legend: a swatch beside each area's name, in a grid, and what the marks mean."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QWidget

COLUMNS = 6


class ElidedLabel(QLabel):
    """A name that shortens with an ellipsis when its column is narrow (its tooltip keeps
    it whole), so the legend never forces the window wider."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(
            self.fontMetrics().horizontalAdvance("Wxyz…"), super().minimumSizeHint().height()
        )

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.width())
        painter.drawText(
            self.rect(), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text
        )
        painter.end()


class Swatch(QWidget):
    """A small drawn sample: an area's dot, or a link or ring style."""

    def __init__(self, color: str, kind: str = "dot") -> None:
        super().__init__()
        self.color = QColor(color)
        self.kind = kind
        self.setFixedSize(QSize(22 if kind != "dot" else 12, 12))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.rect().adjusted(1, 1, -1, -1)
        if self.kind == "dot":
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.color)
            painter.drawEllipse(rect)
        elif self.kind in ("arrow", "related"):
            style = Qt.PenStyle.SolidLine if self.kind == "arrow" else Qt.PenStyle.DotLine
            painter.setPen(QPen(self.color, 1.6, style))
            y = rect.center().y()
            painter.drawLine(rect.left(), y, rect.right(), y)
            if self.kind == "arrow":
                painter.drawLine(rect.right() - 5, y - 4, rect.right(), y)
                painter.drawLine(rect.right() - 5, y + 4, rect.right(), y)
        else:  # a pill: "fill" half filled, "next" with a dashed ring
            dashed = self.kind == "next"
            painter.setPen(
                QPen(self.color, 1.6, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
            )
            if not dashed:
                fill = QColor(self.color)
                fill.setAlpha(110)
                half = rect.adjusted(0, 0, -rect.width() // 2, 0)
                painter.fillRect(half, fill)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, 5, 5)
        painter.end()


class MapLegend(QWidget):
    """Areas in a grid of (swatch, name) cells, then one row of the map's marks, so every
    colour sits beside its own name at any width."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("legend")
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 4, 0, 0)
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(2)
        self.entries: list[tuple[Swatch, QLabel]] = []

    def show_areas(self, areas: Sequence[tuple[str, str]], marks: dict[str, str]) -> None:
        """`areas` as (title, colour); `marks` the colours of links and rings."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.entries = []
        for i, (title, color) in enumerate(areas):
            self.grid.addWidget(self._cell(Swatch(color), title), i // COLUMNS, i % COLUMNS)
        row = (len(areas) + COLUMNS - 1) // COLUMNS
        for i, (kind, text, color) in enumerate(
            (
                ("arrow", "prerequisite", marks["edge"]),
                ("related", "related", marks["edge"]),
                ("fill", "fill = mastery", marks["text"]),
                ("next", "next up", marks["next"]),
            )
        ):
            self.grid.addWidget(self._cell(Swatch(color, kind), text), row, i)
        for column in range(COLUMNS):
            self.grid.setColumnStretch(column, 1)

    def _cell(self, swatch: Swatch, text: str) -> QWidget:
        cell = QWidget()
        layout = QHBoxLayout(cell)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        label = ElidedLabel(text)
        label.setToolTip(text)
        layout.addWidget(swatch, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(label, 1, Qt.AlignmentFlag.AlignVCenter)
        self.entries.append((swatch, label))
        return cell
