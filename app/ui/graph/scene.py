"""The map's scene: two layers (every link, every concept), the selection, hover and drags.

Nodes are rows of the node layer rather than items of their own, so the scene keeps no
index of its own (`NoIndex`): it holds two items, and the layers bucket their contents in
grids to answer "what is exposed" and "what is under the pointer"."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Set

from PySide6.QtCore import QObject, QPointF, QRectF, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsSceneHelpEvent,
    QGraphicsSceneMouseEvent,
    QToolTip,
)

from app.ui.graph.edge_layer import EdgeLayer
from app.ui.graph.node_layer import MapNode, NodeLayer


class Nodes(Mapping[str, MapNode]):
    """The map's concepts by id, each read as a `MapNode` when asked for."""

    def __init__(self, layer: NodeLayer) -> None:
        self._layer = layer

    def __getitem__(self, concept_id: str) -> MapNode:
        return self._layer.node(self._layer.index[concept_id])

    def __contains__(self, concept_id: object) -> bool:
        return concept_id in self._layer.index

    def __iter__(self) -> Iterator[str]:
        return iter(self._layer.ids)

    def __len__(self) -> int:
        return len(self._layer.ids)


class ConceptScene(QGraphicsScene):
    """The map: a node layer and an edge layer, the selected and hovered concepts."""

    node_dropped = Signal(str, float, float)
    node_selected = Signal(str)  # a concept was selected (by click or by the screen)

    def __init__(self, dark: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.node_font = QFont()
        self.node_font.setPointSizeF(10.0)
        self.metrics = QFontMetricsF(self.node_font)
        self.colors = _colors(dark)
        self.setBackgroundBrush(self.colors["background"])
        self.requires: list[tuple[str, str]] = []
        self.related: list[tuple[str, str]] = []
        self.hovered: str | None = None
        self.overview = False
        self.dragged: set[str] = set()
        self.layer = NodeLayer(self)
        self.nodes = Nodes(self.layer)
        self.edges = EdgeLayer(self)
        self.addItem(self.edges)
        self.addItem(self.layer)
        self.on_hover: Callable[[str | None], None] | None = None

    def set_dark(self, dark: bool) -> None:
        self.colors = _colors(dark)
        self.setBackgroundBrush(self.colors["background"])
        self.edges.tiles.clear()
        self.layer.update()
        self.edges.update()

    def helpEvent(self, event: QGraphicsSceneHelpEvent) -> None:  # noqa: N802
        """A node's tooltip, made when asked for instead of stored on every node."""
        found = self.layer.at(event.scenePos())
        if found is not None:
            node = self.layer.node(found)
            tip = f"{node.title} — {round(node.mastery * 100)}% mastered"
            QToolTip.showText(event.screenPos(), tip, event.widget())
            event.accept()
        else:
            QToolTip.hideText()
            event.ignore()

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        super().mousePressEvent(event)
        if not event.isAccepted():  # a press on the background: nothing is selected
            self.select(None)

    def populate(
        self,
        concepts: Mapping[str, tuple[str, str]],
        requires: list[tuple[str, str]],
        related: list[tuple[str, str]],
        positions: Mapping[str, tuple[float, float]],
    ) -> None:
        """One node per concept (`id -> (title, colour)`) at the given positions."""
        self.layer.populate(concepts, positions)
        self.requires, self.related = list(requires), list(related)
        self.hovered = None
        self.dragged.clear()
        self.edges.rebuild()
        self.update_bounds()

    def update_bounds(self) -> None:
        """Leave room around the map so any node, even at an edge, can be centred."""
        rect = self.visible_rect() | self.layer.boundingRect()
        self.setSceneRect(rect.adjusted(-2000, -2000, 2000, 2000))

    def show_only(self, shown: Set[str]) -> None:
        self.layer.show_only(shown)
        if self.hovered is not None and self.hovered not in shown:
            self.set_hovered(None)

    def move_nodes(self, positions: Mapping[str, tuple[float, float]]) -> None:
        self.layer.move(positions)
        self.dragged.clear()
        self.edges.rebuild()
        self.update_bounds()

    def node_moved(self, concept_id: str) -> None:
        self.dragged.add(concept_id)
        self.edges.move_node(concept_id)

    def finish_drag(self) -> None:
        self.edges.rebuild()  # the far-out tiles and the bounds follow the dropped nodes
        for concept_id in sorted(self.dragged):
            pos = self.nodes[concept_id].pos
            self.node_dropped.emit(concept_id, pos.x(), pos.y())
        self.dragged.clear()

    def set_overview(self, on: bool) -> None:
        """Zoomed far out, the edge layer copies tiles of links and dots, and the node
        layer draws only the nodes that must stand out."""
        if on == self.overview:
            return
        self.overview = on
        self.layer.update()
        self.edges.update()

    # -- selection and hover --------------------------------------------------------------
    @property
    def selected(self) -> str | None:
        i = self.layer.selected
        return None if i is None else self.layer.ids[i]

    def select(self, concept_id: str | None) -> None:
        """Select one concept (or none); listeners hear of a new selection only."""
        i = None if concept_id is None else self.layer.index.get(concept_id)
        if i == self.layer.selected:
            return
        self.layer.selected = i
        self.layer.update()
        self.edges.refresh_highlight()
        if concept_id is not None and i is not None:
            self.node_selected.emit(concept_id)

    def focus(self) -> str | None:
        """The node whose links are highlighted: the hovered one, else the selected one."""
        return self.hovered if self.hovered is not None else self.selected

    def set_hovered(self, concept_id: str | None) -> None:
        if concept_id == self.hovered:
            return
        self.hovered = concept_id
        self.layer.update()
        self.edges.refresh_highlight()
        if self.on_hover:
            self.on_hover(concept_id)

    def set_knowledge(self, mastery: Mapping[str, float], next_up: set[str]) -> None:
        self.layer.set_knowledge(mastery, next_up)

    # -- geometry -------------------------------------------------------------------------
    def visible_rect(self) -> QRectF:
        return self.layer.visible_rect()

    def node_rect(self, concept_id: str) -> QRectF:
        """A node's pill with its ring: what framing it shows."""
        return self.layer.bounds(self.layer.index[concept_id])

    def node_centre(self, concept_id: str) -> QPointF:
        i = self.layer.index[concept_id]
        return QPointF(self.layer.xs[i], self.layer.ys[i])

    def is_shown(self, concept_id: str) -> bool:
        i = self.layer.index.get(concept_id)
        return i is not None and bool(self.layer.visible[i])


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
