"""The map's view: zoom with the wheel, pinch or +/-; pan by dragging or the arrow keys;
a short animated flight to a node."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QEasingCurve,
    QEvent,
    QPointF,
    QRectF,
    Qt,
    QVariantAnimation,
    Signal,
)
from PySide6.QtGui import (
    QNativeGestureEvent,
    QPainter,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGestureEvent,
    QGraphicsView,
    QPinchGesture,
)

from app.ui.graph.scene import ConceptScene

MIN_ZOOM, MAX_ZOOM = 0.05, 4.0
READABLE_ZOOM = 0.6  # labels are easy to read from here up
FRAME_MAX_ZOOM = 1.6
FLIGHT_MS = 260


class MapView(QGraphicsView):
    """Zoom with the wheel, pinch or +/-; pan by dragging the background or the arrow keys."""

    zoomed = Signal(float)

    def __init__(self, scene: ConceptScene) -> None:
        super().__init__(scene)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        # Where +/- zoom about: the selected node when it is in sight (set by the screen).
        self.zoom_anchor: Callable[[], QPointF | None] = lambda: None
        self._flight = QVariantAnimation(self)
        self._flight.setDuration(FLIGHT_MS)
        self._flight.setEasingCurve(QEasingCurve.Type.InOutCubic)
        self._flight.setStartValue(0.0)
        self._flight.setEndValue(1.0)
        self._flight.valueChanged.connect(self._fly_step)
        self._route: tuple[QPointF, float, QPointF, float] | None = None

    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, value: float) -> None:
        value = max(MIN_ZOOM, min(MAX_ZOOM, value))
        factor = value / self.zoom()
        self.scale(factor, factor)
        self.zoomed.emit(self.zoom())

    def zoom_by(self, factor: float) -> None:
        self.set_zoom(self.zoom() * factor)

    def centre(self) -> QPointF:
        return self.mapToScene(self.viewport().rect().center())

    def zoom_about(self, factor: float, point: QPointF) -> None:
        """Zoom keeping the scene `point` where it is on screen."""
        before = self.mapFromScene(point)
        anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.zoom_by(factor)
        self.setTransformationAnchor(anchor)
        after = self.mapFromScene(point)
        self.horizontalScrollBar().setValue(
            self.horizontalScrollBar().value() + after.x() - before.x()
        )
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + after.y() - before.y())

    def zoom_key(self, factor: float) -> None:
        """+/-: about the selected node if it is in sight, else the middle of the view."""
        self.zoom_about(factor, self.zoom_anchor() or self.centre())

    def framing(self, rect: QRectF, centre: QPointF | None = None) -> tuple[QPointF, float]:
        """The centre and zoom that show `rect` whole, but never smaller than readable: when
        it does not fit at a readable zoom, the view centres on `centre` (or the middle)."""
        viewport = self.viewport().rect()
        width, height = max(1.0, rect.width() + 80), max(1.0, rect.height() + 80)
        zoom = min(viewport.width() / width, viewport.height() / height, FRAME_MAX_ZOOM)
        if zoom < READABLE_ZOOM:
            return self._within_map(centre or rect.center(), READABLE_ZOOM), READABLE_ZOOM
        return rect.center(), zoom

    def _within_map(self, point: QPointF, zoom: float) -> QPointF:
        """`point`, moved so the view does not show empty canvas beside the map where the
        map could fill it (a node at the map's edge then sits near the view's edge)."""
        scene = self.scene()
        bounds = scene.visible_rect() if isinstance(scene, ConceptScene) else QRectF()
        if bounds.isEmpty():
            return point
        half_w = self.viewport().width() / zoom / 2 - 40
        half_h = self.viewport().height() / zoom / 2 - 40
        x, y = point.x(), point.y()
        if bounds.width() > 2 * half_w:
            x = min(max(x, bounds.left() + half_w), bounds.right() - half_w)
        if bounds.height() > 2 * half_h:
            y = min(max(y, bounds.top() + half_h), bounds.bottom() - half_h)
        return QPointF(x, y)

    def frame(self, rect: QRectF, centre: QPointF | None = None) -> None:
        """Show `rect` at once, readable (see `framing`)."""
        point, zoom = self.framing(rect, centre)
        self._flight.stop()
        self.set_zoom(zoom)
        self.centerOn(point)

    def fly_to(self, rect: QRectF, centre: QPointF | None = None) -> None:
        """Frame `rect` in a short animated flight, so the eye can follow where it went."""
        point, zoom = self.framing(rect, centre)
        self._flight.stop()
        self._route = (self.centre(), self.zoom(), point, zoom)
        self._flight.start()

    def flying(self) -> bool:
        return self._flight.state() == QVariantAnimation.State.Running

    def _fly_step(self, value: object) -> None:
        if self._route is None:
            return
        t = float(value)  # type: ignore[arg-type]
        start, zoom0, end, zoom1 = self._route
        anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.set_zoom(zoom0 * (zoom1 / zoom0) ** t)
        self.setTransformationAnchor(anchor)
        self.centerOn(start + (end - start) * t)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        delta = event.angleDelta().y() or event.pixelDelta().y()
        self.zoom_by(1.0015**delta)
        event.accept()

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if (
            isinstance(event, QNativeGestureEvent)
            and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture
        ):
            self.zoom_by(1.0 + event.value())  # trackpad pinch (macOS, Wayland)
            return True
        if isinstance(event, QGestureEvent):
            pinch = event.gesture(Qt.GestureType.PinchGesture)
            if isinstance(pinch, QPinchGesture):
                self.zoom_by(pinch.scaleFactor())  # touch-screen pinch
                return True
        return super().viewportEvent(event)

    def pan(self, dx: int, dy: int) -> None:
        """Arrow keys: move the view a step (the screen binds the keys)."""
        step = 80
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + dx * step)
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + dy * step)

    def fit(self, rect: Any) -> None:
        if rect.isEmpty():
            return
        self.fitInView(rect.adjusted(-40, -40, 40, 40), Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > 1.6:
            self.set_zoom(1.6)
        self.zoomed.emit(self.zoom())
