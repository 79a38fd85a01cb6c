"""A concept on the map: a rounded label filled by mastery, simplified when zoomed out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

if TYPE_CHECKING:  # the scene holds the items; the items only read it
    from app.ui.graph.scene import ConceptScene

NODE_HEIGHT = 34.0
LABEL_LOD = 0.3
DETAIL_LOD = 0.18


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
