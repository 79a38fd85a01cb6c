"""The map's scene: nodes keyed by concept id and one edge layer. The scene keeps Qt's BSP
index: nodes move only when the layout changes or one is dragged, while every repaint asks
which nodes are exposed (on a 25,000-concept map, 1 ms with the index against 60 without)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, QRectF, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneHelpEvent,
    QToolTip,
)

from app.ui.graph.edge_layer import EdgeLayer
from app.ui.graph.node_item import NodeItem


class ConceptScene(QGraphicsScene):
    """The map: nodes keyed by concept id, one edge layer, hover and drag bookkeeping."""

    node_dropped = Signal(str, float, float)

    def __init__(self, dark: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
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

    def set_dark(self, dark: bool) -> None:
        self.colors = _colors(dark)
        self.setBackgroundBrush(self.colors["background"])
        for node in self.nodes.values():
            node.update()
        self.edges.update()

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
