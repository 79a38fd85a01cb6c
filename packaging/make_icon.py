"""Draw Lattice's application icon: `python packaging/make_icon.py`.

Writes resources/icons/lattice.png (512 px, the window and Linux icon), lattice.ico (Windows,
16 to 256 px) and lattice.icns (macOS, 16 to 1024 px). The picture is a small prerequisite
graph, three layers of concepts, one of them lit as "next up", on a rounded indigo tile.
Each size is painted on its own so lines stay crisp at 16 px. ICO and ICNS are written here
(both are a directory of PNG images), so no image plugin or extra package is needed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"

# Concept positions on a 0..1 grid, and prerequisite links between them (by index).
NODES = [(0.5, 0.24), (0.27, 0.5), (0.73, 0.5), (0.16, 0.77), (0.5, 0.77), (0.84, 0.77)]
LINKS = [(0, 1), (0, 2), (1, 3), (1, 4), (2, 4), (2, 5)]
NEXT_UP = 2
# At 24 px and below six nodes blur together: three larger ones read better.
SMALL_NODES = [(0.5, 0.2), (0.2, 0.8), (0.8, 0.8)]
SMALL_LINKS = [(0, 1), (0, 2)]
SMALL = 24
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_TYPES = {
    16: b"icp4",
    32: b"icp5",
    64: b"icp6",
    128: b"ic07",
    256: b"ic08",
    512: b"ic09",
    1024: b"ic10",
}


def render(size: int) -> bytes:
    """The icon at `size` x `size` pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
    from PySide6.QtGui import QBrush, QColor, QImage, QLinearGradient, QPainter, QPen

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    margin = size * 0.04
    tile = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    gradient = QLinearGradient(tile.topLeft(), tile.bottomRight())
    gradient.setColorAt(0.0, QColor("#4f6ef7"))
    gradient.setColorAt(1.0, QColor("#2a2f8f"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(gradient))
    painter.drawRoundedRect(tile, size * 0.2, size * 0.2)

    inner = QRectF(tile.adjusted(size * 0.06, size * 0.06, -size * 0.06, -size * 0.06))

    small = size <= SMALL
    nodes, links = (SMALL_NODES, SMALL_LINKS) if small else (NODES, LINKS)

    def at(index: int) -> QPointF:
        x, y = nodes[index]
        return QPointF(inner.left() + x * inner.width(), inner.top() + y * inner.height())

    line = max(1.5, size * (0.06 if small else 0.035))
    painter.setPen(
        QPen(QColor(255, 255, 255, 200), line, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    )
    for a, b in links:
        painter.drawLine(at(a), at(b))
    radius = size * (0.14 if small else 0.085)
    for index in range(len(nodes)):
        lit = index == (len(nodes) - 1 if small else NEXT_UP)
        if small:
            painter.setPen(Qt.PenStyle.NoPen)
        else:
            painter.setPen(QPen(QColor("#ffffff"), size * 0.022))
        painter.setBrush(QColor("#ffb020") if lit else QColor("#dfe6ff"))
        painter.drawEllipse(at(index), radius, radius)
    painter.end()

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """A Windows icon holding PNG images (supported since Windows Vista)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in sorted(images.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
        blobs += png
    return header + entries + blobs


def icns(images: dict[int, bytes]) -> bytes:
    """A macOS icon family of PNG images."""
    body = b"".join(
        ICNS_TYPES[size] + struct.pack(">I", 8 + len(png)) + png
        for size, png in sorted(images.items())
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    ICONS.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(ICO_SIZES) | set(ICNS_TYPES))
    images = {size: render(size) for size in sizes}
    (ICONS / "lattice.png").write_bytes(images[512])
    (ICONS / "lattice.ico").write_bytes(ico({s: images[s] for s in ICO_SIZES}))
    (ICONS / "lattice.icns").write_bytes(icns({s: images[s] for s in ICNS_TYPES}))
    for name in ("lattice.png", "lattice.ico", "lattice.icns"):
        print(ICONS / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
