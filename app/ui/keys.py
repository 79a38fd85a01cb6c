"""Every keyboard shortcut of the app is made here, with a few words on what it does, so
Help ▸ Keyboard shortcuts is read from the shortcuts that exist and cannot drift from them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from app.ui.qt_numbers import WIDGET_WITH_CHILDREN_SHORTCUT, set_property

if TYPE_CHECKING:
    from PySide6.QtCore import Qt


def bind(
    owner: QWidget,
    keys: Iterable[str],
    slot: Callable[[], object],
    what: str,
    context: int | Qt.ShortcutContext = WIDGET_WITH_CHILDREN_SHORTCUT,
) -> list[QShortcut]:
    """Shortcuts for `keys` on `owner` (by default active while focus is inside it; screens
    built before the first card give `context` by number, see qt_numbers); `what` is the
    line Help ▸ Keyboard shortcuts shows for them."""
    made = []
    for key in keys:
        shortcut = QShortcut(QKeySequence(key), owner)
        set_property(shortcut, "context", context if isinstance(context, int) else context.value)
        shortcut.setWhatsThis(what)
        shortcut.activated.connect(slot)
        made.append(shortcut)
    return made


@dataclass(frozen=True)
class KeyRow:
    where: str
    keys: str
    what: str


def key_text(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def _joined(keys: list[str]) -> str:
    digits = [k for k in keys if k.isdigit()]
    if len(digits) >= 3 and digits == [str(n) for n in range(int(digits[0]), int(digits[-1]) + 1)]:
        rest = [k for k in keys if not k.isdigit()]
        return ", ".join([f"{digits[0]} … {digits[-1]}", *rest])
    return ", ".join(keys)


def key_rows(areas: Iterable[tuple[str, QWidget]], actions: Iterable[QAction]) -> list[KeyRow]:
    """What every shortcut under each (name, widget) area does, and every menu action's key
    (under "Everywhere"); keys doing the same thing in one area share a row."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for action in actions:
        for sequence in action.shortcuts():
            what = action.toolTip() if action.toolTip() != action.text() else ""
            label = action.text().replace("&", "").rstrip("…")
            grouped.setdefault(("Everywhere", what or label), []).append(key_text(sequence))
    for where, widget in areas:
        for shortcut in widget.findChildren(QShortcut):
            key = key_text(shortcut.key())
            keys = grouped.setdefault((where, shortcut.whatsThis()), [])
            if key not in keys:
                keys.append(key)
    return [KeyRow(where, _joined(keys), what) for (where, what), keys in grouped.items()]
