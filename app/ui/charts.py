"""Small charts painted with QPainter: calendar heatmap, bars, horizontal bars, line, stack.

Colours come from the widget palette (so light and dark themes both read well) plus a few
fixed accents. Each chart answers `tooltip_at(point)`, shown on hover.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

HEAT = "#2e9d5b"
BAR = "#3b7ddd"
LINE = "#3b7ddd"


def blend(a: QColor, b: QColor, t: float) -> QColor:
    t = max(0.0, min(1.0, t))
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


class Chart(QWidget):
    """Tooltips on hover for every chart; subclasses implement `tooltip_at` and painting."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def tooltip_at(self, point: QPointF) -> str | None:
        raise NotImplementedError

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tip = self.tooltip_at(QPointF(event.pos()))
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def colors(self) -> tuple[QColor, QColor, QColor]:
        """(text, muted text, grid line) from the current palette."""
        palette = self.palette()
        return (
            palette.color(QPalette.ColorRole.WindowText),
            palette.color(QPalette.ColorRole.PlaceholderText),
            palette.color(QPalette.ColorRole.Mid),
        )

    def _empty(self, painter: QPainter, text: str) -> None:
        painter.setPen(self.colors()[1])
        painter.drawText(QRectF(self.rect()), int(Qt.AlignmentFlag.AlignCenter), text)


# -- calendar heatmap -----------------------------------------------------------------------------
class Heatmap(Chart):
    """Reviews per study day over a year: weeks as columns, Monday on top, like GitHub."""

    CELL = 12
    GAP = 2
    LEFT = 30
    TOP = 18

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: dict[date, int] = {}
        self.today = date.min  # set by set_counts
        self.setMinimumHeight(self.TOP + 7 * (self.CELL + self.GAP) + 4)

    def set_counts(self, counts: dict[date, int], today: date) -> None:
        self.counts = dict(counts)
        self.today = today
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.LEFT + 53 * (self.CELL + self.GAP) + 8, self.minimumHeight())

    def _first_monday(self) -> date:
        first = min(self.counts) if self.counts else self.today
        return first - timedelta(days=first.weekday())

    def cell_rect(self, day: date) -> QRectF:
        offset = (day - self._first_monday()).days
        week, weekday = divmod(offset, 7)
        step = self.CELL + self.GAP
        return QRectF(self.LEFT + week * step, self.TOP + weekday * step, self.CELL, self.CELL)

    def level_color(self, count: int, peak: int) -> QColor:
        palette = self.palette()
        empty = blend(
            palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Mid), 0.6
        )
        if count <= 0:
            return empty
        return blend(empty, QColor(HEAT), 0.3 + 0.7 * (count / max(1, peak)) ** 0.6)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text, muted, _grid = self.colors()
        peak = max(self.counts.values(), default=0)
        painter.setPen(muted)
        font = painter.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
        painter.setFont(font)
        for row, label in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
            y = self.TOP + row * (self.CELL + self.GAP)
            painter.drawText(
                QRectF(0, y - 2, self.LEFT - 4, self.CELL + 4),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                label,
            )
        last_month = None
        for day in sorted(self.counts):
            rect = self.cell_rect(day)
            if day.month != last_month and day.day <= 7:
                painter.setPen(muted)
                painter.drawText(QPointF(rect.left(), self.TOP - 5), f"{day:%b}")
                last_month = day.month
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.level_color(self.counts[day], peak))
            painter.drawRoundedRect(rect, 2, 2)
            if day == self.today:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(text, 1.2))
                painter.drawRoundedRect(rect.adjusted(-1, -1, 1, 1), 2, 2)
        painter.end()

    def day_at(self, point: QPointF) -> date | None:
        for day in self.counts:
            if self.cell_rect(day).adjusted(-1, -1, 1, 1).contains(point):
                return day
        return None

    def tooltip_at(self, point: QPointF) -> str | None:
        day = self.day_at(point)
        if day is None:
            return None
        n = self.counts[day]
        return f"{n} review{'s' if n != 1 else ''} on {day:%a %d %b %Y}"


# -- vertical bars ----------------------------------------------------------------------------------
class BarChart(Chart):
    """One bar per slot (e.g. cards due on each of the next 30 days) with a labelled axis."""

    LEFT = 36
    BOTTOM = 20

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: list[int] = []
        self.labels: list[str] = []  # axis label under a bar ("" for none)
        self.tips: list[str] = []
        self.empty_text = "Nothing to show yet"
        self.setMinimumHeight(150)

    def set_bars(self, values: Sequence[int], labels: Sequence[str], tips: Sequence[str]) -> None:
        self.values, self.labels, self.tips = list(values), list(labels), list(tips)
        self.update()

    def plot_rect(self) -> QRectF:
        return QRectF(self.rect()).adjusted(self.LEFT, 10, -8, -self.BOTTOM)

    def bar_rect(self, index: int) -> QRectF:
        area = self.plot_rect()
        slot = area.width() / max(1, len(self.values))
        peak = max(max(self.values, default=0), 1)
        height = area.height() * self.values[index] / peak
        return QRectF(
            area.left() + index * slot + slot * 0.15,
            area.bottom() - height,
            slot * 0.7,
            height,
        )

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text, muted, grid = self.colors()
        area = self.plot_rect()
        peak = max(self.values, default=0)
        for fraction in (0.0, 0.5, 1.0):
            y = area.bottom() - fraction * area.height()
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            if peak and fraction > 0:
                painter.setPen(muted)
                painter.drawText(
                    QRectF(0, y - 8, self.LEFT - 6, 16),
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                    f"{round(peak * fraction)}",
                )
        if not peak:
            painter.setPen(muted)
            painter.drawText(area, int(Qt.AlignmentFlag.AlignCenter), self.empty_text)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(BAR))
        for i in range(len(self.values)):
            if self.values[i]:
                painter.drawRoundedRect(self.bar_rect(i), 2, 2)
        painter.setPen(muted)
        slot = area.width() / max(1, len(self.values))
        for i, label in enumerate(self.labels):
            if label:
                x = area.left() + i * slot + slot / 2
                painter.drawText(
                    QRectF(x - 30, area.bottom() + 2, 60, self.BOTTOM - 2),
                    int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                    label,
                )
        painter.end()

    def index_at(self, point: QPointF) -> int | None:
        area = self.plot_rect()
        if not self.values or not (area.left() <= point.x() <= area.right()):
            return None
        index = int((point.x() - area.left()) / (area.width() / len(self.values)))
        return index if 0 <= index < len(self.values) else None

    def tooltip_at(self, point: QPointF) -> str | None:
        index = self.index_at(point)
        return self.tips[index] if index is not None and index < len(self.tips) else None


# -- horizontal bars (mastery by area) --------------------------------------------------------------
@dataclass(frozen=True)
class HBar:
    label: str
    value: float  # 0..1
    color: str
    tip: str
    note: str = ""


class HBarChart(Chart):
    ROW = 24
    LABEL = 190

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[HBar] = []
        self.setMinimumHeight(self.ROW)

    def set_bars(self, bars: Sequence[HBar]) -> None:
        self.bars = list(bars)
        self.setMinimumHeight(max(1, len(self.bars)) * self.ROW + 4)
        self.updateGeometry()
        self.update()

    def row_rect(self, index: int) -> QRectF:
        return QRectF(0, index * self.ROW, self.width(), self.ROW)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text, muted, grid = self.colors()
        if not self.bars:
            self._empty(painter, "No areas yet")
            painter.end()
            return
        track_width = max(40.0, self.width() - self.LABEL - 110)
        for i, bar in enumerate(self.bars):
            row = self.row_rect(i)
            painter.setPen(text)
            painter.drawText(
                QRectF(0, row.top(), self.LABEL - 10, row.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                painter.fontMetrics().elidedText(
                    bar.label, Qt.TextElideMode.ElideRight, self.LABEL - 12
                ),
            )
            track = QRectF(self.LABEL, row.top() + 6, track_width, row.height() - 12)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(blend(self.palette().color(QPalette.ColorRole.Base), grid, 0.7))
            painter.drawRoundedRect(track, 3, 3)
            if bar.value > 0:
                painter.setBrush(QColor(bar.color))
                filled = QRectF(track)
                filled.setWidth(max(4.0, track.width() * min(1.0, bar.value)))
                painter.drawRoundedRect(filled, 3, 3)
            painter.setPen(muted)
            painter.drawText(
                QRectF(track.right() + 8, row.top(), 110, row.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                bar.note or f"{bar.value:.0%}",
            )
        painter.end()

    def tooltip_at(self, point: QPointF) -> str | None:
        index = int(point.y() // self.ROW)
        return self.bars[index].tip if 0 <= index < len(self.bars) else None


# -- line chart (quiz scores) -----------------------------------------------------------------------
class LineChart(Chart):
    """Values in 0..1 as a line with dots; the y axis is a percentage."""

    LEFT = 44

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: list[float] = []
        self.tips: list[str] = []
        self.empty_text = "Nothing to show yet"
        self.setMinimumHeight(130)

    def set_points(self, values: Sequence[float], tips: Sequence[str]) -> None:
        self.values, self.tips = list(values), list(tips)
        self.update()

    def points(self) -> list[QPointF]:
        area = QRectF(self.rect()).adjusted(self.LEFT, 10, -12, -10)
        n = len(self.values)
        step = area.width() / max(1, n - 1)
        return [
            QPointF(
                area.left() + (i * step if n > 1 else area.width() / 2),
                area.bottom() - max(0.0, min(1.0, v)) * area.height(),
            )
            for i, v in enumerate(self.values)
        ]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text, muted, grid = self.colors()
        area = QRectF(self.rect()).adjusted(self.LEFT, 10, -12, -10)
        for fraction in (0.0, 0.5, 1.0):
            y = area.bottom() - fraction * area.height()
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(muted)
            painter.drawText(
                QRectF(0, y - 8, self.LEFT - 6, 16),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                f"{fraction:.0%}",
            )
        points = self.points()
        if not points:
            painter.setPen(muted)
            painter.drawText(area, int(Qt.AlignmentFlag.AlignCenter), self.empty_text)
            painter.end()
            return
        pen = QPen(QColor(LINE), 2)
        painter.setPen(pen)
        path = QPainterPath(points[0])
        for point in points[1:]:
            path.lineTo(point)
        painter.drawPath(path)
        painter.setBrush(QColor(LINE))
        for point in points:
            painter.drawEllipse(point, 3.5, 3.5)
        painter.end()

    def tooltip_at(self, point: QPointF) -> str | None:
        best, best_distance = None, 12.0
        for i, p in enumerate(self.points()):
            distance = abs(p.x() - point.x())
            if distance < best_distance:
                best, best_distance = i, distance
        return self.tips[best] if best is not None and best < len(self.tips) else None


# -- stacked bar (cards by state) -------------------------------------------------------------------
class StackBar(Chart):
    """One bar split into coloured parts, with a legend underneath."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.parts: list[tuple[str, int, str]] = []  # label, count, colour
        self.setMinimumHeight(56)

    def set_parts(self, parts: Sequence[tuple[str, int, str]]) -> None:
        self.parts = list(parts)
        self._fit_legend()
        self.update()

    def _fit_legend(self) -> None:
        last = self.legend_positions()[-1][1] if self.parts else 45.0
        self.setMinimumHeight(int(last + 8))

    def segments(self) -> list[tuple[QRectF, int]]:
        total = sum(n for _l, n, _c in self.parts)
        bar = QRectF(0, 4, self.width(), 20)
        result, x = [], bar.left()
        for i, (_label, n, _color) in enumerate(self.parts):
            width = bar.width() * n / total if total else 0.0
            result.append((QRectF(x, bar.top(), width, bar.height()), i))
            x += width
        return result

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text, muted, grid = self.colors()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(blend(self.palette().color(QPalette.ColorRole.Base), grid, 0.7))
        painter.drawRoundedRect(QRectF(0, 4, self.width(), 20), 3, 3)
        for rect, i in self.segments():
            if rect.width() > 0:
                painter.setBrush(QColor(self.parts[i][2]))
                painter.drawRect(rect)
        for (label, n, color), (x, y) in zip(self.parts, self.legend_positions(), strict=True):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(color))
            painter.drawRoundedRect(QRectF(x, y - 9, 10, 10), 2, 2)
            painter.setPen(text)
            painter.drawText(QPointF(x + 14, y), f"{label} {n}")
        painter.end()

    def legend_positions(self) -> list[tuple[float, float]]:
        """Baseline positions of the legend entries, wrapping onto new lines as needed."""
        metrics = self.fontMetrics()
        x, y, line = 0.0, 45.0, metrics.height() + 6
        positions = []
        for label, n, _color in self.parts:
            width = 14 + metrics.horizontalAdvance(f"{label} {n}") + 16
            if x > 0 and x + width > self.width():
                x, y = 0.0, y + line
            positions.append((x, y))
            x += width
        return positions

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_legend()

    def tooltip_at(self, point: QPointF) -> str | None:
        total = sum(n for _l, n, _c in self.parts)
        for rect, i in self.segments():
            if rect.contains(point) and total:
                label, n, _c = self.parts[i]
                return f"{label}: {n} card{'s' if n != 1 else ''} ({n / total:.0%})"
        return None
