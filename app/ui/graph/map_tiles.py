"""Far out, the map is drawn once into image tiles and then only copied.

A fitted 25,000-concept map shows every node and link at once; drawing them all on every
repaint took most of a second. Tiles are 256-pixel squares rendered at power-of-two zooms
(at or above the view's, so they are scaled down, never blurred up), made when first
exposed and kept, the least recently used dropped beyond a budget. Hover, selection and
next-up marks are drawn live on top, so they never invalidate a tile; moving nodes, hiding
areas or switching theme does.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from math import ceil, floor, log2

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter

TILE_PX = 256
BUDGET = 96  # tiles kept: 24 MB at most, enough for a 2x-scaled full-screen view
MAX_LEVEL = -2  # a quarter scale: the nearest zoom at which the map is tiled

Draw = Callable[[QPainter, QRectF, float], None]  # painter in pixels, scene rect, scale


class MapTiles:
    """A cache of rendered tiles: `paint` copies the exposed ones, rendering what is missing."""

    def __init__(self, draw: Draw) -> None:
        self._draw = draw
        self._tiles: OrderedDict[tuple[int, int, int], QImage] = OrderedDict()
        self.rendered = 0  # tiles drawn since made (tests and benchmarks read it)

    def clear(self) -> None:
        self._tiles.clear()

    def __len__(self) -> int:
        return len(self._tiles)

    @staticmethod
    def level_for(zoom: float) -> int:
        """The power-of-two scale at or above `zoom` (device pixels per scene unit)."""
        return min(MAX_LEVEL, ceil(log2(max(zoom, 1e-6)) - 1e-9))

    def paint(self, painter: QPainter, exposed: QRectF, bounds: QRectF, zoom: float) -> None:
        """Copy the tiles under `exposed` (clipped to the map's `bounds`) at `zoom`."""
        area = exposed.intersected(bounds)
        if area.isEmpty():
            return
        level = self.level_for(zoom)
        span = TILE_PX / 2.0**level  # scene units per tile
        x0, x1 = floor(area.left() / span), floor(area.right() / span)
        y0, y1 = floor(area.top() / span), floor(area.bottom() / span)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        for tx in range(x0, x1 + 1):
            for ty in range(y0, y1 + 1):
                target = QRectF(tx * span, ty * span, span, span)
                painter.drawImage(target, self._tile(level, tx, ty, target))
        painter.restore()

    def _tile(self, level: int, tx: int, ty: int, rect: QRectF) -> QImage:
        key = (level, tx, ty)
        image = self._tiles.get(key)
        if image is not None:
            self._tiles.move_to_end(key)
            return image
        image = QImage(TILE_PX, TILE_PX, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        self._draw(painter, rect, 2.0**level)
        painter.end()
        self.rendered += 1
        self._tiles[key] = image
        while len(self._tiles) > BUDGET:
            self._tiles.popitem(last=False)
        return image
