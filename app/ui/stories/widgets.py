"""Small building blocks shared by the Stories screen and the behavioural round."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QWidget

from app.ui.keys import bind


def muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("color: palette(placeholder-text);")
    label.setWordWrap(True)
    return label


def heading(text: str = "", size: int = 15) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"font-size: {size}pt; font-weight: 600;")
    return label


def shortcut(owner: QWidget, keys: list[str], slot: Callable[[], None], what: str) -> None:
    """Keys that work while focus is anywhere inside `owner` (`what`: for the key list)."""
    bind(owner, keys, slot, what)
