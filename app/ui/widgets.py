"""Small widgets every screen shares: muted and heading labels, keys bound to a page."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from app.ui.keys import bind


def muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setStyleSheet("color: palette(placeholder-text);")
    label.setWordWrap(True)
    return label


def heading(text: str = "", size: int = 15) -> QLabel:
    """A bold line of plain text: a question with ', ", & or < shows as written."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet(f"font-size: {size}pt; font-weight: 600;")
    return label


def checkbox_text(text: str) -> str:
    """QCheckBox reads '&' as a mnemonic marker; '&&' shows one ampersand."""
    return text.replace("&", "&&")


def drop(layout: QGridLayout, widget: QWidget) -> None:
    """Take a widget out now (deleteLater alone would leave it painted until the loop runs)."""
    layout.removeWidget(widget)
    widget.hide()
    widget.deleteLater()


def bind_keys(page: QWidget, keys: list[str], slot: Callable[[], object], what: str) -> None:
    """Keys that work while focus is anywhere on `page`; `what` is their line in
    Help ▸ Keyboard shortcuts."""
    bind(page, keys, slot, what)
