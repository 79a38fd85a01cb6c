"""Scene items of the concept map: one item per node and a single item for all edges.

Drawing every edge in one path (instead of thousands of items) and simplifying nodes when
zoomed out keeps repaints cheap on large maps; the scene uses no BSP index because nodes move.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from math import atan2, cos, sin

from PySide6.QtCore import QLineF, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneHelpEvent,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QToolTip,
    QWidget,
)

NODE_HEIGHT = 34.0
LABEL_LOD = 0.3
DETAIL_LOD = 0.18
SMOOTH_EDGE_LIMIT = 600


@dataclass
class ExposedEdges:
    count: int
    requires: QPainterPath = field(default_factory=QPainterPath)
    related: QPainterPath = field(default_factory=QPainterPath)
    chords: list[QLineF] = field(default_factory=list)

    @property
    def crowded(self) -> bool:
        return self.count > SMOOTH_EDGE_LIMIT


class NodeItem(QGraphicsItem):
    """A concept: a pill in its area's colour, filled from the left by mastery.

    Maps can hold tens of thousands of these, so an item keeps little of its own: its
    colour is shared per area, its state flags stay class defaults until they change, and
    its tooltip is made by the scene when asked for."""

    mastery = 0.0
    next_up = False
    faded = False
    highlighted = False

    def __init__(self, concept_id: str, title: str, color: str, scene: ConceptScene) -> None:
        super().__init__()
        self.concept_id = concept_id
        self.title = title
        self.color = scene.shared_color(color)
        self.graph = scene
        width = scene.metrics.horizontalAdvance(title) + 28
        # Asked for thousands of times a paint, so kept rather than computed.
        self._bounds = QRectF(-width / 2 - 4, -NODE_HEIGHT / 2 - 4, width + 8, NODE_HEIGHT + 8)
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(1)
        # Repaints during pans and hovers reuse a pixmap instead of calling paint() again.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._bounds

    @property
    def rect(self) -> QRectF:
        """The pill itself (the bounds leave room for the selection ring)."""
        return self._bounds.adjusted(4, 4, -4, -4)

    def tooltip(self) -> str:
        return f"{self.title} — {round(self.mastery * 100)}% mastered"

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.rect, NODE_HEIGHT / 2, NODE_HEIGHT / 2)
        return path

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        palette = self.graph.colors
        opacity = 0.18 if self.faded else 1.0
        painter.setOpacity(opacity)
        if lod < DETAIL_LOD:
            painter.fillRect(self.rect, self.color)
            return
        rect = self.rect
        radius = NODE_HEIGHT / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette["node"])
        painter.drawRoundedRect(rect, radius, radius)
        if self.mastery > 0:
            fill = QColor(self.color)
            fill.setAlpha(110)
            clip = QPainterPath()
            clip.addRoundedRect(rect, radius, radius)
            painter.save()
            painter.setClipPath(clip)
            filled = QRectF(rect)
            filled.setWidth(rect.width() * min(1.0, self.mastery))
            painter.fillRect(filled, fill)
            painter.restore()
        ring = QPen(self.color, 3.0 if (self.isSelected() or self.highlighted) else 2.0)
        if self.next_up:
            ring = QPen(palette["next"], 3.0, Qt.PenStyle.DashLine)
        painter.setPen(ring)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect, radius, radius)
        if self.isSelected():
            painter.setPen(QPen(palette["selection"], 2.0))
            painter.drawRoundedRect(rect.adjusted(-3, -3, 3, 3), radius + 3, radius + 3)
        if lod >= LABEL_LOD:
            painter.setPen(palette["text"])
            painter.setFont(self.graph.node_font)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.title)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:  # noqa: N802
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            self.graph.node_moved(self)
        return super().itemChange(change, value)

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802
        self.graph.set_hovered(self.concept_id)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802
        self.graph.set_hovered(None)
        super().hoverLeaveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        if self.graph.dragged:
            self.graph.finish_drag()


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
        self.grid: dict[tuple[int, int], list[int]] = {}
        self.by_node: dict[str, list[int]] = {}
        self._exposed: tuple[tuple[float, float, float, float], ExposedEdges] | None = None
        self.overview: list[QLineF] = []  # every prerequisite link as a straight chord
        self.node_rects: dict[str, list[QRectF]] = {}  # by colour, drawn in bulk far out
        self.highlight_path = QPainterPath()
        self._bounds = QRectF()
        self.setZValue(0)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    def rebuild(self) -> None:
        self.prepareGeometryChange()
        nodes = self.graph.nodes
        self._coords, self._shapes, self._boxes = array("d"), array("b"), array("d")
        self.grid, self.by_node = {}, {}
        overview: list[QLineF] = []
        left = top = float("inf")
        right = bottom = float("-inf")
        pairs = [(a, b, True) for a, b in self.graph.requires] + [
            (a, b, False) for a, b in self.graph.related
        ]
        for a, b, is_prerequisite in pairs:
            na, nb = nodes.get(a), nodes.get(b)
            if na is None or nb is None or not na.isVisible() or not nb.isVisible():
                continue
            pa, pb = na.pos(), nb.pos()
            bow = 0.0
            if is_prerequisite:
                shape = self.PREREQUISITE
                x1, y1, x2, y2 = pa.x() + na.rect.right(), pa.y(), pb.x() + nb.rect.left(), pb.y()
                overview.append(QLineF(x1, y1, x2, y2))
            elif abs(pa.x() - pb.x()) < 1.0:
                # Same column: bow out to the side instead of running through the nodes between.
                shape = self.BOW
                x1, y1 = pa.x() + na.rect.right(), pa.y()
                x2, y2 = pb.x() + nb.rect.right(), pb.y()
                bow = 30 + abs(y2 - y1) * 0.12 + max(na.rect.right(), nb.rect.right()) / 2
            else:
                shape = self.STRAIGHT
                x1, y1, x2, y2 = pa.x(), pa.y(), pb.x(), pb.y()
            box = (min(x1, x2) - 10, min(y1, y2) - 10, max(x1, x2) + bow + 10, max(y1, y2) + 10)
            index = len(self._shapes)
            self._coords.extend((x1, y1, x2, y2, bow))
            self._shapes.append(shape)
            self._boxes.extend(box)
            self.by_node.setdefault(a, []).append(index)
            self.by_node.setdefault(b, []).append(index)
            left, top = min(left, box[0]), min(top, box[1])
            right, bottom = max(right, box[2]), max(bottom, box[3])
            for cell in self._cells(*box):
                self.grid.setdefault(cell, []).append(index)
        bounds = QRectF(left, top, right - left, bottom - top) if self._shapes else QRectF()
        self.overview = overview
        self.node_rects = {}
        for node in nodes.values():
            if node.isVisible():
                self.node_rects.setdefault(node.color.name(), []).append(node.sceneBoundingRect())
                bounds |= node.sceneBoundingRect()
        self._exposed = None
        self._bounds = bounds.adjusted(-10, -10, 10, 10)
        self.refresh_highlight()

    def link(self, index: int) -> tuple[float, float, float, float, int, float]:
        """Link `index` as (x1, y1, x2, y2, shape, bow offset)."""
        c, k = self._coords, index * 5
        return c[k], c[k + 1], c[k + 2], c[k + 3], self._shapes[index], c[k + 4]

    def _add_curve(self, path: QPainterPath, index: int) -> None:
        """Append link `index` to `path` as it is drawn up close."""
        x1, y1, x2, y2, shape, bow = self.link(index)
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
        for index in self.by_node.get(focus, []) if focus else []:
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
        if exposed.crowded:
            exposed.chords = [
                QLineF(*self.link(i)[:4]) for i in indices if self._shapes[i] == self.PREREQUISITE
            ]
        else:
            for i in indices:
                is_prerequisite = self._shapes[i] == self.PREREQUISITE
                self._add_curve(exposed.requires if is_prerequisite else exposed.related, i)
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
        edge = QPen(colors["edge"], 1.4)
        edge.setCosmetic(True)
        if self.graph.overview:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(edge)
            painter.drawLines(self.overview)
            painter.setPen(Qt.PenStyle.NoPen)
            for color, rects in self.node_rects.items():
                painter.setBrush(QColor(color))
                painter.drawRects(rects)
        else:
            exposed = self.edges_in(option.exposedRect)
            if exposed.crowded:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
                painter.setPen(edge)
                painter.drawLines(exposed.chords)
            else:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                light = QPen(colors["related"], 1.0)
                light.setCosmetic(True)
                painter.setPen(light)
                painter.drawPath(exposed.related)
                painter.setPen(edge)
                painter.drawPath(exposed.requires)
        painter.setOpacity(1.0)
        if not self.highlight_path.isEmpty():
            strong = QPen(colors["highlight"], 2.4)
            strong.setCosmetic(True)
            painter.setPen(strong)
            painter.drawPath(self.highlight_path)


class ConceptScene(QGraphicsScene):
    """The map: nodes keyed by concept id, one edge layer, hover and drag bookkeeping."""

    node_dropped = Signal(str, float, float)

    def __init__(self, dark: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.node_font = QFont()
        self.node_font.setPointSizeF(10.0)
        self.metrics = QFontMetricsF(self.node_font)
        self._colors: dict[str, QColor] = {}
        self.colors = _colors(dark)
        self.setBackgroundBrush(self.colors["background"])
        self.nodes: dict[str, NodeItem] = {}
        self.requires: list[tuple[str, str]] = []
        self.related: list[tuple[str, str]] = []
        self.neighbours: dict[str, tuple[str, ...]] = {}
        self.hovered: str | None = None
        self.overview = False
        self.dragged: set[str] = set()
        self.edges = EdgeLayer(self)
        self.addItem(self.edges)
        self.selectionChanged.connect(self._on_selection_changed)
        self._batch = False
        self.on_hover: Callable[[str | None], None] | None = None

    def shared_color(self, name: str) -> QColor:
        """One QColor per distinct colour, shared by every node of that area."""
        color = self._colors.get(name)
        if color is None:
            color = self._colors[name] = QColor(name)
        return color

    def helpEvent(self, event: QGraphicsSceneHelpEvent) -> None:  # noqa: N802
        """A node's tooltip, made when asked for instead of stored on every node."""
        item = self.itemAt(event.scenePos(), self.views()[0].transform()) if self.views() else None
        if isinstance(item, NodeItem):
            QToolTip.showText(event.screenPos(), item.tooltip(), event.widget())
            event.accept()
        else:
            QToolTip.hideText()
            event.ignore()

    def populate(
        self,
        concepts: Mapping[str, tuple[str, str]],
        requires: list[tuple[str, str]],
        related: list[tuple[str, str]],
        positions: Mapping[str, tuple[float, float]],
    ) -> None:
        """Create one node per concept (`id -> (title, colour)`) at the given positions."""
        self._batch = True
        for concept_id, (title, color) in concepts.items():
            node = NodeItem(concept_id, title, color, self)
            x, y = positions.get(concept_id, (0.0, 0.0))
            node.setPos(x, y)
            self.addItem(node)
            self.nodes[concept_id] = node
        self.requires, self.related = list(requires), list(related)
        linked: dict[str, set[str]] = {cid: set() for cid in concepts}
        for a, b in self.requires + self.related:
            if a in linked and b in linked:
                linked[a].add(b)
                linked[b].add(a)
        # Tuples, not sets: a third of the memory, and only ever read whole.
        self.neighbours = {cid: tuple(found) for cid, found in linked.items()}
        self._batch = False
        self.dragged.clear()
        self.edges.rebuild()
        self.update_bounds()

    def update_bounds(self) -> None:
        """Leave room around the map so any node, even at an edge, can be centred."""
        rect = self.visible_rect() | self.itemsBoundingRect()
        self.setSceneRect(rect.adjusted(-2000, -2000, 2000, 2000))

    def move_nodes(self, positions: Mapping[str, tuple[float, float]]) -> None:
        self._batch = True
        for concept_id, (x, y) in positions.items():
            node = self.nodes.get(concept_id)
            if node is not None:
                node.setPos(x, y)
        self._batch = False
        self.dragged.clear()
        self.edges.rebuild()
        self.update_bounds()

    def node_moved(self, node: NodeItem) -> None:
        if self._batch:
            return
        self.dragged.add(node.concept_id)
        self.edges.rebuild()

    def finish_drag(self) -> None:
        for concept_id in sorted(self.dragged):
            pos = self.nodes[concept_id].pos()
            self.node_dropped.emit(concept_id, pos.x(), pos.y())
        self.dragged.clear()

    def set_overview(self, on: bool) -> None:
        """Zoomed far out, nodes are drawn in bulk by the edge layer as plain coloured
        rectangles; the node items then have no contents, so Qt skips them while painting."""
        if on == self.overview:
            return
        self.overview = on
        for node in self.nodes.values():
            node.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, on)
        self.edges.update()

    def _on_selection_changed(self) -> None:
        self.edges.refresh_highlight()

    def focus(self) -> str | None:
        """The node whose links are highlighted: the hovered one, else the selected one."""
        if self.hovered is not None:
            return self.hovered
        selected = [item for item in self.selectedItems() if isinstance(item, NodeItem)]
        return selected[0].concept_id if selected else None

    def set_hovered(self, concept_id: str | None) -> None:
        if concept_id == self.hovered:
            return
        self.hovered = concept_id
        keep = {concept_id, *self.neighbours.get(concept_id, ())} if concept_id else None
        for cid, node in self.nodes.items():
            faded = keep is not None and cid not in keep
            highlighted = keep is not None and cid in keep
            if node.faded != faded or node.highlighted != highlighted:
                node.faded, node.highlighted = faded, highlighted
                node.update()
        self.edges.refresh_highlight()
        if self.on_hover:
            self.on_hover(concept_id)

    def set_knowledge(self, mastery: Mapping[str, float], next_up: set[str]) -> None:
        for cid, node in self.nodes.items():
            value, ready = mastery.get(cid, 0.0), cid in next_up
            if value != node.mastery or ready != node.next_up:  # most nodes keep the defaults
                node.mastery, node.next_up = value, ready
                node.update()

    def visible_rect(self) -> QRectF:
        rect = QRectF()
        for node in self.nodes.values():
            if node.isVisible():
                rect |= node.sceneBoundingRect()
        return rect


def _colors(dark: bool) -> dict[str, QColor]:
    if dark:
        values = {
            "background": "#15181c",
            "node": "#22272e",
            "text": "#e6edf3",
            "edge": "#6e7681",
            "related": "#30363d",
            "highlight": "#58a6ff",
            "selection": "#58a6ff",
            "next": "#e3b341",
        }
    else:
        values = {
            "background": "#fbfbfc",
            "node": "#ffffff",
            "text": "#1f2328",
            "edge": "#8c959f",
            "related": "#e3e7eb",
            "highlight": "#0b63c5",
            "selection": "#0b63c5",
            "next": "#bf8700",
        }
    return {k: QColor(v) for k, v in values.items()}
