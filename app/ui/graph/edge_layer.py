"""Every link of the map in one item: one path per kind instead of thousands of items,
so repaints stay cheap on large maps."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from math import atan2, cos, sin
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from app.ui.graph.map_tiles import MapTiles
from app.ui.graph.node_layer import NODE_HEIGHT

if TYPE_CHECKING:  # the scene holds the items; the items only read it
    from app.ui.graph.scene import ConceptScene

SMOOTH_EDGE_LIMIT = 600


def clip_line(
    x1: float, y1: float, x2: float, y2: float, rect: QRectF
) -> tuple[float, float, float, float] | None:
    """The part of a segment inside `rect` (Liang-Barsky), or None when none of it is."""
    dx, dy = x2 - x1, y2 - y1
    low, high = 0.0, 1.0
    for p, q in (
        (-dx, x1 - rect.left()),
        (dx, rect.right() - x1),
        (-dy, y1 - rect.top()),
        (dy, rect.bottom() - y1),
    ):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return None
    return x1 + low * dx, y1 + low * dy, x1 + high * dx, y1 + high * dy


@dataclass
class ExposedEdges:
    count: int
    requires: QPainterPath = field(default_factory=QPainterPath)
    related: QPainterPath = field(default_factory=QPainterPath)
    chords: list[QLineF] = field(default_factory=list)

    @property
    def crowded(self) -> bool:
        return self.count > SMOOTH_EDGE_LIMIT


class EdgeLayer(QGraphicsItem):
    """Every link, bucketed in a coarse grid so a repaint only draws what is exposed.

    Links are kept as plain coordinates and turned into Qt paths only when they are drawn,
    which keeps a map of tens of thousands of links small in memory. Zoomed out,
    prerequisite links are drawn as straight lines in one call and related links are left
    out: at that scale they are noise and cost most of the paint time.
    """

    CELL = 800.0
    STRAIGHT, PREREQUISITE, BOW = 0, 1, 2

    def __init__(self, scene: ConceptScene) -> None:
        super().__init__()
        self.graph = scene
        # Per link, packed: (x1, y1, x2, y2, bow offset) as doubles, its shape as a byte and
        # its bounding box. Tuples of floats cost several times as much on a 25,000-concept map.
        self._coords = array("d")
        self._shapes = array("b")
        self._boxes = array("d")  # left, top, right, bottom per link, for the grid lookups
        self._ends = array("i")  # the two nodes' rows in the node layer, per link
        self.grid: dict[tuple[int, int], array[int]] = {}
        # Each node's links, compressed: node row r's are _links[_first[r]:_first[r + 1]].
        self._first = array("i")
        self._links = array("i")
        self._exposed: tuple[tuple[float, float, float, float], ExposedEdges] | None = None
        self.tiles = MapTiles(self._draw_tile)  # far out: links and nodes, drawn once
        self.highlight_path = QPainterPath()
        self._bounds = QRectF()
        self.setZValue(0)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    def rebuild(self) -> None:
        self.prepareGeometryChange()
        layer = self.graph.layer
        index_of, shown, xs, ys, half = layer.index, layer.visible, layer.xs, layer.ys, layer.half
        self._coords, self._shapes, self._boxes = array("d"), array("b"), array("d")
        self._ends = array("i")
        self.grid = {}
        left = top = float("inf")
        right = bottom = float("-inf")
        pairs = [(a, b, True) for a, b in self.graph.requires] + [
            (a, b, False) for a, b in self.graph.related
        ]
        for a, b, is_prerequisite in pairs:
            ia, ib = index_of.get(a), index_of.get(b)
            if ia is None or ib is None or not shown[ia] or not shown[ib]:
                continue
            ax, ay, bx, by = xs[ia], ys[ia], xs[ib], ys[ib]
            bow = 0.0
            if is_prerequisite:
                shape = self.PREREQUISITE
                x1, y1, x2, y2 = ax + half[ia], ay, bx - half[ib], by
            elif abs(ax - bx) < 1.0:
                # Same column: bow out to the side instead of running through the nodes between.
                shape = self.BOW
                x1, y1, x2, y2 = ax + half[ia], ay, bx + half[ib], by
                bow = 30 + abs(y2 - y1) * 0.12 + max(half[ia], half[ib]) / 2
            else:
                shape = self.STRAIGHT
                x1, y1, x2, y2 = ax, ay, bx, by
            box = (min(x1, x2) - 10, min(y1, y2) - 10, max(x1, x2) + bow + 10, max(y1, y2) + 10)
            index = len(self._shapes)
            self._coords.extend((x1, y1, x2, y2, bow))
            self._shapes.append(shape)
            self._boxes.extend(box)
            self._ends.extend((ia, ib))
            left, top = min(left, box[0]), min(top, box[1])
            right, bottom = max(right, box[2]), max(bottom, box[3])
            for cell in self._cells(*box):
                self.grid.setdefault(cell, array("i")).append(index)
        self._index_links(len(layer.ids))
        bounds = QRectF(left, top, right - left, bottom - top) if self._shapes else QRectF()
        bounds |= layer.visible_rect()
        self._exposed = None
        self._bounds = bounds.adjusted(-10, -10, 10, 10)
        self.tiles.clear()
        self.refresh_highlight()

    def _index_links(self, nodes: int) -> None:
        """Each node's links as one compressed array (a list per node cost megabytes)."""
        ends = self._ends
        first = array("i", bytes(4 * (nodes + 1)))
        for row in ends:
            first[row + 1] += 1
        for row in range(nodes):
            first[row + 1] += first[row]
        links = array("i", bytes(4 * len(ends)))
        filled = array("i", first)
        for k, row in enumerate(ends):
            links[filled[row]] = k // 2
            filled[row] += 1
        self._first, self._links = first, links

    def links_of(self, concept_id: str) -> array[int]:
        row = self.graph.layer.index.get(concept_id)
        if row is None or row + 1 >= len(self._first):
            return array("i")
        return self._links[self._first[row] : self._first[row + 1]]

    def neighbours_of(self, concept_id: str) -> list[str]:
        """The nodes a shown node is linked to (each once)."""
        row = self.graph.layer.index.get(concept_id)
        ids, ends = self.graph.layer.ids, self._ends
        found = {
            ends[2 * k + 1] if ends[2 * k] == row else ends[2 * k]
            for k in self.links_of(concept_id)
        }
        return [ids[other] for other in sorted(found)]

    def move_node(self, concept_id: str) -> None:
        """Follow one dragged node: only its own links are recomputed."""
        layer = self.graph.layer
        xs, ys, half = layer.xs, layer.ys, layer.half
        for index in self.links_of(concept_id):
            x1, y1, x2, y2, shape, bow = self.link(index)
            ia, ib = self._ends[2 * index], self._ends[2 * index + 1]
            ax, ay, bx, by = xs[ia], ys[ia], xs[ib], ys[ib]
            if shape == self.PREREQUISITE:
                x1, y1, x2, y2 = ax + half[ia], ay, bx - half[ib], by
            elif shape == self.BOW:
                x1, y1, x2, y2 = ax + half[ia], ay, bx + half[ib], by
            else:
                x1, y1, x2, y2 = ax, ay, bx, by
            box = (min(x1, x2) - 10, min(y1, y2) - 10, max(x1, x2) + bow + 10, max(y1, y2) + 10)
            self._coords[index * 5 : index * 5 + 4] = array("d", (x1, y1, x2, y2))
            self._boxes[index * 4 : index * 4 + 4] = array("d", box)
            for cell in self._cells(*box):
                found = self.grid.setdefault(cell, array("i"))
                if index not in found:
                    found.append(index)  # stale cells are harmless: lookups test the box
            self.prepareGeometryChange()
            self._bounds |= QRectF(box[0], box[1], box[2] - box[0], box[3] - box[1])
        self._exposed = None
        self.refresh_highlight()

    def link(self, index: int) -> tuple[float, float, float, float, int, float]:
        """Link `index` as (x1, y1, x2, y2, shape, bow offset)."""
        c, k = self._coords, index * 5
        return c[k], c[k + 1], c[k + 2], c[k + 3], self._shapes[index], c[k + 4]

    def _add_curve(self, path: QPainterPath, index: int, within: QRectF | None = None) -> None:
        """Append link `index` to `path` as it is drawn up close; a straight link is cut to
        `within`, as Qt strokes the whole of a line however little of it shows."""
        x1, y1, x2, y2, shape, bow = self.link(index)
        if shape == self.STRAIGHT and within is not None:
            cut = clip_line(x1, y1, x2, y2, within)
            if cut is None:
                return
            x1, y1, x2, y2 = cut
        start, end = QPointF(x1, y1), QPointF(x2, y2)
        path.moveTo(start)
        if shape == self.PREREQUISITE:
            bend = max(40.0, abs(x2 - x1) / 2)
            path.cubicTo(start + QPointF(bend, 0), end - QPointF(bend, 0), end)
            self._arrow(path, end, end - QPointF(bend, 0))
        elif shape == self.BOW:
            path.cubicTo(QPointF(x1 + bow, y1), QPointF(x2 + bow, y2), end)
        else:
            path.lineTo(end)

    def refresh_highlight(self) -> None:
        """Re-draw only the focused node's links (cheap, so hover stays smooth)."""
        highlight = QPainterPath()
        focus = self.graph.focus()
        for index in self.links_of(focus) if focus else ():
            self._add_curve(highlight, index)
        self.highlight_path = highlight
        self.update()

    def _cells(self, left: float, top: float, right: float, bottom: float) -> list[tuple[int, int]]:
        size = self.CELL
        x0, x1 = int(left // size), int(right // size)
        y0, y1 = int(top // size), int(bottom // size)
        return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]

    def edges_in(self, rect: QRectF) -> ExposedEdges:
        """What to draw for the links that cross `rect`.

        Few links: smooth curves with arrows, and the related links. Many (a crowded or
        zoomed-out view): straight prerequisite chords only, drawn in one C++ call; related
        links are then left to hover highlighting. The last answer is kept, because hover,
        selection and timer repaints expose the same rect again.
        """
        key = (rect.x(), rect.y(), rect.width(), rect.height())
        if self._exposed is not None and self._exposed[0] == key:
            return self._exposed[1]
        indices = self._indices_in(rect)
        exposed = ExposedEdges(count=len(indices))
        within = rect.adjusted(-20, -20, 20, 20)
        if exposed.crowded:
            for i in indices:
                if self._shapes[i] == self.PREREQUISITE:
                    cut = clip_line(*self.link(i)[:4], within)
                    if cut is not None:
                        exposed.chords.append(QLineF(*cut))
        else:
            for i in indices:
                is_prerequisite = self._shapes[i] == self.PREREQUISITE
                path = exposed.requires if is_prerequisite else exposed.related
                self._add_curve(path, i, within)
        self._exposed = (key, exposed)
        return exposed

    def _indices_in(self, rect: QRectF) -> list[int]:
        seen: set[int] = set()
        found: list[int] = []
        left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
        b = self._boxes
        for cell in self._cells(left, top, right, bottom):
            for index in self.grid.get(cell, ()):
                if index not in seen:
                    seen.add(index)
                    k = index * 4
                    if (
                        b[k] <= right
                        and b[k + 2] >= left
                        and b[k + 1] <= bottom
                        and b[k + 3] >= top
                    ):
                        found.append(index)
        return found

    @staticmethod
    def _arrow(path: QPainterPath, tip: QPointF, towards: QPointF) -> None:
        angle = atan2(tip.y() - towards.y(), tip.x() - towards.x())
        size = 9.0
        left = QPointF(tip.x() - size * cos(angle - 0.45), tip.y() - size * sin(angle - 0.45))
        right = QPointF(tip.x() - size * cos(angle + 0.45), tip.y() - size * sin(angle + 0.45))
        path.moveTo(tip)
        path.lineTo(left)
        path.moveTo(tip)
        path.lineTo(right)

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._bounds

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        colors = self.graph.colors
        faded = self.graph.hovered is not None
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setOpacity(0.25 if faded else 1.0)
        # One device pixel wide: Qt's fast cosmetic stroker clips each curve to the view,
        # while wider pens stroke the whole of every long curve (20 times slower here).
        edge = QPen(colors["edge"], 1.0)
        edge.setCosmetic(True)
        if self.graph.overview:
            lod = option.levelOfDetailFromTransform(painter.worldTransform())
            scale = lod * painter.device().devicePixelRatioF()
            self.tiles.paint(painter, option.exposedRect, self._bounds, scale)
        else:
            exposed = self.edges_in(option.exposedRect)
            if exposed.crowded:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
                painter.setPen(edge)
                painter.drawLines(exposed.chords)
            else:
                # Related links are faint hairlines: without antialiasing they look the
                # same and cost a third (they are long, and there are many).
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
                light = QPen(colors["related"], 1.0)
                light.setCosmetic(True)
                painter.setPen(light)
                painter.drawPath(exposed.related)
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                painter.setPen(edge)
                painter.drawPath(exposed.requires)
        painter.setOpacity(1.0)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if not self.highlight_path.isEmpty():
            strong = QPen(colors["highlight"], 2.4)
            strong.setCosmetic(True)
            painter.setPen(strong)
            painter.drawPath(self._highlight_in(option.exposedRect))

    def _highlight_in(self, rect: QRectF) -> QPainterPath:
        """The highlighted links cut to `rect`: a pen this wide is stroked along the whole
        of every curve, and a hub's links can run across the whole map."""
        path = self.highlight_path
        within = rect.adjusted(-20, -20, 20, 20)
        if within.contains(path.boundingRect()):
            return path
        cut = QPainterPath()
        for polygon in path.toSubpathPolygons():
            points = [polygon.at(k) for k in range(polygon.size())]
            for a, b in zip(points, points[1:], strict=False):
                piece = clip_line(a.x(), a.y(), b.x(), b.y(), within)
                if piece is not None:
                    cut.moveTo(piece[0], piece[1])
                    cut.lineTo(piece[2], piece[3])
        return cut

    def _draw_tile(self, painter: QPainter, rect: QRectF, scale: float) -> None:
        """One far-out tile, in its own pixels: prerequisite links as straight lines, then
        every node as a dot in its area's colour (never under two pixels, so none vanish)."""
        colors, layer = self.graph.colors, self.graph.layer
        ox, oy = rect.left(), rect.top()
        c = self._coords
        lines = []
        for i in self._indices_in(rect):
            if self._shapes[i] == self.PREREQUISITE:
                k = i * 5
                lines.append(
                    QLineF(
                        (c[k] - ox) * scale,
                        (c[k + 1] - oy) * scale,
                        (c[k + 2] - ox) * scale,
                        (c[k + 3] - oy) * scale,
                    )
                )
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, len(lines) < 4000)
        edge = QPen(colors["edge"], 1.0)
        painter.setPen(edge)
        painter.drawLines(lines)
        painter.setPen(Qt.PenStyle.NoPen)
        xs, ys, half, colour = layer.xs, layer.ys, layer.half, layer.color
        height = max(2.0, NODE_HEIGHT * scale)
        rounded = height >= 6
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, rounded)
        brush = -1
        # In map order, so where dots fall on one pixel the mix of areas still shows.
        for i in layer.in_rect(rect):
            if colour[i] != brush:
                brush = colour[i]
                painter.setBrush(layer.palette[brush])
            width = max(2.0, 2 * half[i] * scale)
            dot = QRectF(
                (xs[i] - ox) * scale - width / 2, (ys[i] - oy) * scale - height / 2, width, height
            )
            if rounded:
                painter.drawRoundedRect(dot, height / 2, height / 2)
            else:
                painter.drawRect(dot)
