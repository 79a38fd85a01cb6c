"""The widgets of the first card are set by number (app/ui/qt_numbers.py), so that PySide6
need not build its whole `Qt` namespace before the card is up: the numbers must be Qt's."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QPushButton, QToolButton
from pytestqt.qtbot import QtBot

from app.ui import qt_numbers
from app.ui.qt_numbers import set_property, set_shortcut


def test_each_number_is_the_value_of_the_enum_it_stands_for() -> None:
    assert Qt.FocusPolicy.NoFocus.value == qt_numbers.NO_FOCUS
    assert Qt.FocusPolicy.StrongFocus.value == qt_numbers.STRONG_FOCUS
    assert Qt.TextFormat.RichText.value == qt_numbers.RICH_TEXT
    assert Qt.ToolButtonStyle.ToolButtonTextOnly.value == qt_numbers.TEXT_ONLY
    assert Qt.ShortcutContext.ApplicationShortcut.value == qt_numbers.APPLICATION_SHORTCUT
    assert (
        Qt.ShortcutContext.WidgetWithChildrenShortcut.value
        == qt_numbers.WIDGET_WITH_CHILDREN_SHORTCUT
    )


def test_settings_made_by_number_read_back_as_qts_own(qtbot: QtBot) -> None:
    button, label, tool = QPushButton("Show"), QLabel("<b>x</b>"), QToolButton()
    for widget in (button, label, tool):
        qtbot.addWidget(widget)
    qt_numbers.no_focus(button)
    set_property(label, "textFormat", qt_numbers.RICH_TEXT)
    set_property(tool, "toolButtonStyle", qt_numbers.TEXT_ONLY)
    action = QAction("Quit")
    set_property(action, "shortcutContext", qt_numbers.APPLICATION_SHORTCUT)
    set_shortcut(action, "Ctrl+Q")
    assert button.focusPolicy() == Qt.FocusPolicy.NoFocus
    assert label.textFormat() == Qt.TextFormat.RichText
    assert tool.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextOnly
    assert action.shortcutContext() == Qt.ShortcutContext.ApplicationShortcut
    assert action.shortcut() == QKeySequence("Ctrl+Q")


def test_a_misspelt_property_is_refused_not_added(qtbot: QtBot) -> None:
    button = QPushButton()
    qtbot.addWidget(button)
    with pytest.raises(ValueError, match="focusPolcy"):
        set_property(button, "focusPolcy", qt_numbers.NO_FOCUS)
