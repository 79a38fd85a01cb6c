"""Regression guard for PySide6 6.12.0, which leaked references to None on paint calls
and aborted Python 3.11 with `none_dealloc` after a few thousand of them."""

from __future__ import annotations

import sys

from PySide6.QtCore import QRect
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen


def test_painting_does_not_drop_references_to_none(qapp) -> None:  # type: ignore[no-untyped-def]
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    brush = QBrush(QColor("#3b7ddd"))
    pen = QPen(QColor("#000000"))
    rect = QRect(2, 2, 20, 20)
    before = sys.getrefcount(None)
    painter = QPainter(image)
    for _ in range(5000):
        painter.save()
        painter.setBrush(brush)
        painter.setPen(pen)
        painter.drawRect(rect)
        painter.restore()
    painter.end()
    after = sys.getrefcount(None)
    assert after >= before - 50, f"None lost {before - after} references over 5000 paint rounds"
