"""Every concept of the map in one item: pills filled by mastery, drawn only where exposed.

A map can hold tens of thousands of concepts. One `QGraphicsItem` each cost about 4 KB
(the C++ item, its Python wrapper, its cached pixmap) and made Qt visit every item on each
repaint; here a concept is a row of a few packed arrays, a coarse grid finds the ones in a
rectangle or under the pointer, and this item does the hit-testing, hover, selection and
dragging the items did.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QStaticText, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

if TYPE_CHECKING:  # the scene holds the layers; the layers only read it
    from app.ui.graph.scene import ConceptScene

NODE_HEIGHT = 34.0
LABEL_LOD = 0.3  # labels from this zoom up: below it they are too small to read
DETAIL_LOD = 0.18  # pills from this zoom up; below it, dots drawn from cached tiles
MARGIN = 4.0  # room around a pill for the selection ring
RADIUS = NODE_HEIGHT / 2
FADED_OPACITY = 0.18
MARKER_PX = 5.0  # far out, the selected dot gets a ring this many pixels out (next up: half)
LABEL_CACHE = 3000  # laid-out labels kept: more than a 4K screen shows at the label zoom
MAX_MARKERS = 60
EMPTY = array("i")  # far out, next-up rings are drawn while at most this many are in view


@dataclass(frozen=True)
class MapNode:
    """What the map shows of one concept, read from the layer when asked for."""

    concept_id: str
    title: str
    pos: QPointF  # the pill's centre, in scene coordinates
    pill: QRectF  # the pill as drawn, in scene coordinates
    visible: bool
    mastery: float
    next_up: bool
    selected: bool

    @property
    def bounds(self) -> QRectF:
        """The pill with room for its selection ring: what framing a node shows."""
        return self.pill.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)


class NodeLayer(QGraphicsItem):
    """All concepts: geometry in arrays, a grid for lookups, level of detail when painting."""

    CELL = 512.0

    def __init__(self, scene: ConceptScene) -> None:
        super().__init__()
        self.graph = scene
        self.ids: list[str] = []
        self.titles: list[str] = []
        self.index: dict[str, int] = {}
        self.xs, self.ys, self.half = array("d"), array("d"), array("d")  # centres, half widths
        self.color = array("H")  # index into `palette`
        self.mastery = array("f")
        self.next_up = bytearray()
        self.ready: list[int] = []  # the next-up rows, for far-out markers
        self.visible = bytearray()
        self.palette: list[QColor] = []
        self.grid: dict[tuple[int, int], array[int]] = {}
        self.selected: int | None = None
        self._labels: OrderedDict[str, QStaticText] = OrderedDict()
        self._bounds = QRectF()
        self._drag: tuple[int, QPointF, bool] | None = None  # node, grab offset, moved yet
        self.setZValue(1)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)  # shown only over a node (`contains`)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    # -- contents -------------------------------------------------------------------------
    def populate(
        self,
        concepts: Mapping[str, tuple[str, str]],
        positions: Mapping[str, tuple[float, float]],
    ) -> None:
        """One row per concept (`id -> (title, colour)`), every one visible."""
        metrics = self.graph.metrics
        colours: dict[str, int] = {}
        self.ids, self.titles, self.index = [], [], {}
        self.xs, self.ys, self.half = array("d"), array("d"), array("d")
        self.color, self.mastery = array("H"), array("f")
        self.palette = []
        widths: dict[str, float] = {}  # titles repeat in synthetic banks; measure each once
        for concept_id, (title, colour) in concepts.items():
            if colour not in colours:
                colours[colour] = len(self.palette)
                self.palette.append(QColor(colour))
            width = widths.get(title)
            if width is None:
                width = widths[title] = metrics.horizontalAdvance(title) + 28
            x, y = positions.get(concept_id, (0.0, 0.0))
            self.index[concept_id] = len(self.ids)
            self.ids.append(concept_id)
            self.titles.append(title)
            self.xs.append(x)
            self.ys.append(y)
            self.half.append(width / 2)
            self.color.append(colours[colour])
            self.mastery.append(0.0)
        self.next_up = bytearray(len(self.ids))
        self.ready = []
        self.visible = bytearray(b"\x01" * len(self.ids))
        self.selected = None
        self.reindex()

    def move(self, positions: Mapping[str, tuple[float, float]]) -> None:
        for concept_id, (x, y) in positions.items():
            i = self.index.get(concept_id)
            if i is not None:
                self.xs[i], self.ys[i] = x, y
        self.reindex()

    def show_only(self, shown: Iterable[str]) -> None:
        wanted = set(shown)
        self.visible = bytearray(cid in wanted for cid in self.ids)
        self.reindex()

    def reindex(self) -> None:
        """Rebuild the grid and the bounds after positions or visibility changed."""
        self.prepareGeometryChange()
        grid: dict[tuple[int, int], array[int]] = {}
        for i in self.visible_indices():
            for cell in self._cells(self._box(i)):
                grid.setdefault(cell, array("i")).append(i)
        self.grid = grid
        rect = self.visible_rect()
        self._bounds = rect if not rect.isNull() else QRectF()
        self.update()

    def visible_indices(self) -> list[int]:
        return [i for i, shown in enumerate(self.visible) if shown]

    # -- geometry -------------------------------------------------------------------------
    def _box(self, i: int) -> tuple[float, float, float, float]:
        """Node `i`'s bounds (pill and ring) as left, top, right, bottom."""
        reach = self.half[i] + MARGIN
        x, y, h = self.xs[i], self.ys[i], RADIUS + MARGIN
        return x - reach, y - h, x + reach, y + h

    def pill(self, i: int) -> QRectF:
        half = self.half[i]
        return QRectF(self.xs[i] - half, self.ys[i] - RADIUS, 2 * half, NODE_HEIGHT)

    def bounds(self, i: int) -> QRectF:
        return self.pill(i).adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)

    def node(self, i: int) -> MapNode:
        return MapNode(
            self.ids[i],
            self.titles[i],
            QPointF(self.xs[i], self.ys[i]),
            self.pill(i),
            bool(self.visible[i]),
            float(self.mastery[i]),
            bool(self.next_up[i]),
            i == self.selected,
        )

    def visible_rect(self) -> QRectF:
        """The bounds of every shown node (ring included)."""
        left = top = float("inf")
        right = bottom = float("-inf")
        x, y, half = self.xs, self.ys, self.half
        for i, shown in enumerate(self.visible):
            if shown:
                reach = half[i]
                left, right = min(left, x[i] - reach), max(right, x[i] + reach)
                top, bottom = min(top, y[i]), max(bottom, y[i])
        if left > right:
            return QRectF()
        m, h = MARGIN, RADIUS + MARGIN
        return QRectF(left - m, top - h, right - left + 2 * m, bottom - top + 2 * h)

    def _cells(self, box: tuple[float, float, float, float]) -> list[tuple[int, int]]:
        size = self.CELL
        x0, x1 = int(box[0] // size), int(box[2] // size)
        y0, y1 = int(box[1] // size), int(box[3] // size)
        return [(cx, cy) for cx in range(x0, x1 + 1) for cy in range(y0, y1 + 1)]

    def in_rect(self, rect: QRectF) -> list[int]:
        """Shown nodes whose bounds meet `rect`, in a stable order."""
        left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
        size = self.CELL
        x0, x1 = int(left // size), int(right // size)
        y0, y1 = int(top // size), int(bottom // size)
        if (x1 - x0 + 1) * (y1 - y0 + 1) > len(self.grid):
            # A rect wider than the map: walk the cells there are, not the ones it spans.
            cells: Iterable[array[int]] = (
                members
                for (cx, cy), members in self.grid.items()
                if x0 <= cx <= x1 and y0 <= cy <= y1
            )
        else:
            cells = (
                self.grid.get((cx, cy), EMPTY)
                for cx in range(x0, x1 + 1)
                for cy in range(y0, y1 + 1)
            )
        found: set[int] = set()
        x, y, half = self.xs, self.ys, self.half
        h = RADIUS + MARGIN
        for cell in cells:
            for i in cell:
                reach = half[i] + MARGIN
                if (
                    x[i] - reach <= right
                    and x[i] + reach >= left
                    and y[i] - h <= bottom
                    and y[i] + h >= top
                ):
                    found.add(i)
        return sorted(found)

    def at(self, point: QPointF) -> int | None:
        """The shown node whose pill (rounded ends included) is under `point`."""
        px, py = point.x(), point.y()
        for i in self.grid.get((int(px // self.CELL), int(py // self.CELL)), EMPTY):
            dx, dy = abs(px - self.xs[i]), abs(py - self.ys[i])
            straight = self.half[i] - RADIUS
            if dy <= RADIUS and (dx <= straight or (dx - straight) ** 2 + dy**2 <= RADIUS * RADIUS):
                return i
        return None

    # -- state ----------------------------------------------------------------------------
    def set_knowledge(self, mastery: Mapping[str, float], next_up: set[str]) -> None:
        self.mastery = array("f", (mastery.get(cid, 0.0) for cid in self.ids))
        self.next_up = bytearray(cid in next_up for cid in self.ids)
        self.ready = [self.index[cid] for cid in next_up if cid in self.index]
        self.update()

    def focus_keep(self) -> set[int] | None:
        """While a node is hovered: it and its neighbours (the rest is faded)."""
        hovered = self.graph.hovered
        if hovered is None or hovered not in self.index:
            return None
        keep = {self.index[hovered]}
        keep.update(self.index[n] for n in self.graph.edges.neighbours_of(hovered))
        return keep

    # -- Qt item --------------------------------------------------------------------------
    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._bounds

    def contains(self, point: QPointF | QPoint) -> bool:  # type: ignore[override]
        """Only the pills count, so the background between them pans the view."""
        return self.at(QPointF(point)) is not None

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        keep = self.focus_keep()
        if self.graph.overview:
            self._paint_markers(painter, option.exposedRect, lod, keep)
            return
        colors = self.graph.colors
        labels = lod >= LABEL_LOD
        if labels:
            painter.setFont(self.graph.node_font)
        for i in self.in_rect(option.exposedRect):
            self._paint_pill(painter, i, colors, labels, keep is not None and i not in keep, keep)
        painter.setOpacity(1.0)

    def _paint_pill(
        self,
        painter: QPainter,
        i: int,
        colors: dict[str, QColor],
        labels: bool,
        faded: bool,
        keep: set[int] | None,
    ) -> None:
        rect = self.pill(i)
        colour = self.palette[self.color[i]]
        selected = i == self.selected
        highlighted = keep is not None and i in keep
        painter.setOpacity(FADED_OPACITY if faded else 1.0)
        if self.next_up[i]:
            ring = QPen(colors["next"], 3.0, Qt.PenStyle.DashLine)
        else:
            ring = QPen(colour, 3.0 if (selected or highlighted) else 2.0)
        mastery = self.mastery[i]
        if mastery > 0:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colors["node"])
            painter.drawRoundedRect(rect, RADIUS, RADIUS)
            fill = QColor(colour)
            fill.setAlpha(110)
            clip = QPainterPath()
            clip.addRoundedRect(rect, RADIUS, RADIUS)
            painter.save()
            painter.setClipPath(clip, Qt.ClipOperation.IntersectClip)
            filled = QRectF(rect)
            filled.setWidth(rect.width() * min(1.0, mastery))
            painter.fillRect(filled, fill)
            painter.restore()
            painter.setBrush(Qt.BrushStyle.NoBrush)
        else:  # most nodes: the fill and the ring in one call
            painter.setBrush(colors["node"])
        painter.setPen(ring)
        painter.drawRoundedRect(rect, RADIUS, RADIUS)
        if selected:
            painter.setPen(QPen(colors["selection"], 2.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(-3, -3, 3, 3), RADIUS + 3, RADIUS + 3)
        if labels:
            label = self._label(i)
            size = label.size()
            painter.setPen(colors["text"])
            painter.drawStaticText(
                QPointF(self.xs[i] - size.width() / 2, self.ys[i] - size.height() / 2), label
            )

    def _label(self, i: int) -> QStaticText:
        """A node's title laid out once and kept while it is in use (a few thousand at
        most), so a repaint only places glyphs instead of shaping text again."""
        title = self.titles[i]
        label = self._labels.get(title)
        if label is None:
            label = QStaticText(title)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.prepare(QTransform(), self.graph.node_font)
            self._labels[title] = label
            if len(self._labels) > LABEL_CACHE:
                self._labels.popitem(last=False)
        else:
            self._labels.move_to_end(title)
        return label

    def _paint_markers(
        self, painter: QPainter, exposed: QRectF, lod: float, keep: set[int] | None
    ) -> None:
        """Far out the tiles show every node as a dot; drawn live on top are only the
        nodes that must stand out: the selected one, the hovered one with its neighbours
        (the tiles under them are faded), and next-up ones while few enough to tell apart."""
        colors = self.graph.colors
        pad = MARKER_PX / max(lod, 1e-6)
        seen = exposed.adjusted(-pad, -pad, pad, pad)
        left, top, right, bottom = seen.left(), seen.top(), seen.right(), seen.bottom()
        xs, ys, shown = self.xs, self.ys, self.visible
        special: set[int] = set()
        for i in self.ready:
            if shown[i] and left <= xs[i] <= right and top <= ys[i] <= bottom:
                special.add(i)
                if len(special) > MAX_MARKERS:  # too many to tell apart: none are ringed
                    special.clear()
                    break
        if self.selected is not None and self.visible[self.selected]:
            special.add(self.selected)
        special |= keep or set()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for i in sorted(special):
            rect = self.pill(i)
            if not rect.adjusted(-pad, -pad, pad, pad).intersects(exposed):
                continue
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.palette[self.color[i]])
            painter.drawRect(rect)
            ring = None
            if i == self.selected:
                ring = QPen(colors["selection"], 2.5)
            elif self.next_up[i]:
                ring = QPen(colors["next"], 1.5)
            if ring is not None:
                ring.setCosmetic(True)
                painter.setPen(ring)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                reach = pad if i == self.selected else pad / 2
                painter.drawEllipse(
                    rect.center(), rect.width() / 2 + reach, rect.height() / 2 + reach
                )
        painter.setBrush(Qt.BrushStyle.NoBrush)

    # -- pointer --------------------------------------------------------------------------
    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802
        self._hover(event.pos())

    def hoverMoveEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802
        self._hover(event.pos())

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802
        self.graph.set_hovered(None)

    def _hover(self, point: QPointF) -> None:
        i = self.at(point)
        self.graph.set_hovered(None if i is None else self.ids[i])

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        i = self.at(event.pos())
        if i is None or event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        self.graph.select(self.ids[i])
        self._drag = (i, event.pos() - QPointF(self.xs[i], self.ys[i]), False)
        event.accept()

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self._drag is None:
            return
        i, offset, _moved = self._drag
        target = event.pos() - offset
        self._drag = (i, offset, True)
        self.prepareGeometryChange()
        self.xs[i], self.ys[i] = target.x(), target.y()
        for cell in self._cells(self._box(i)):
            found = self.grid.setdefault(cell, array("i"))
            if i not in found:
                found.append(i)  # stale cells are harmless: lookups test the real bounds
        self._bounds = self._bounds.united(self.bounds(i))
        self.graph.node_moved(self.ids[i])
        self.update()

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        drag, self._drag = self._drag, None
        if drag is not None and drag[2]:
            self.reindex()
            self.graph.finish_drag()
