"""Settings of the `Qt` namespace's types, made by number through Qt's property system.

PySide6 builds every enum of the `Qt` namespace (93 of them, `Qt.Key` alone with some 500
members) the first time any one of them is touched: about 15 ms, on the way to the first
card, that a bare PySide6 window never pays. The screen the first card is on sets the few
such values it needs here instead: Qt's property system takes the enum's number, so the
widget ends up set exactly the same and no Python enum is built. Code that runs after the
first card uses `Qt` as usual. Each number is checked against PySide6's own enum by a test.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

# Qt::FocusPolicy
NO_FOCUS = 0
STRONG_FOCUS = 11
# Qt::TextFormat
RICH_TEXT = 1
# Qt::ToolButtonStyle
TEXT_ONLY = 1
# Qt::ShortcutContext
APPLICATION_SHORTCUT = 2
WIDGET_WITH_CHILDREN_SHORTCUT = 3


def set_property(target: QObject, name: str, number: int) -> None:
    """Set the Qt property `name` of `target` (an enum-typed one) to `number`."""
    if not target.setProperty(name, number):  # False: no such property, or refused
        raise ValueError(f"{type(target).__name__} has no settable property {name!r}")


def no_focus(*widgets: QObject) -> None:
    """Buttons the keyboard should pass over (Review is driven by its own keys)."""
    for widget in widgets:
        set_property(widget, "focusPolicy", NO_FOCUS)


def set_shortcut(action: QAction, keys: str) -> None:
    """`action.setShortcut(QKeySequence(keys))`, without it: choosing among that method's
    overloads makes PySide6 build the `Qt` namespace; `setShortcuts` takes the one sequence."""
    action.setShortcuts([QKeySequence(keys)])
