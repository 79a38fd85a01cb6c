"""The window at laptop size, its help, its themes and the interview date picker, as a user
meets them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QRadioButton

from app.services.application import Application
from app.services.stats_service import StatsService
from app.ui.application import build_window, make_app
from app.ui.keys import key_text
from app.ui.theme import apply_theme, indicator_color


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2.1 contrast ratio of two colours."""

    def luminance(color: QColor) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(color.redF())
            + 0.7152 * channel(color.greenF())
            + 0.0722 * channel(color.blueF())
        )

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_first_size_fits_the_screen_with_the_status_bar(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    make_app("light")
    window = build_window(Application(ctx))
    qtbot.addWidget(window)
    window.show()
    free = (window.screen() or QGuiApplication.primaryScreen()).availableGeometry()
    assert free.contains(window.frameGeometry())
    assert window.statusBar().isVisible()
    bottom = window.statusBar().mapTo(window, window.statusBar().rect().bottomLeft()).y()
    assert bottom <= window.height()


def test_geometry_and_maximised_state_are_remembered(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    make_app("light")
    app = Application(ctx)
    first = build_window(app)
    qtbot.addWidget(first)
    first.show()
    first.resize(700, 480)
    first.move(40, 30)
    QApplication.processEvents()
    first.close()
    second = build_window(app)
    qtbot.addWidget(second)
    assert second.restore_geometry()
    assert second.size() == first.size()
    second.show()
    second.showMaximized()
    QApplication.processEvents()
    second.close()
    third = build_window(app)
    qtbot.addWidget(third)
    third.restore_geometry()
    third.show()
    assert third.isMaximized()


def test_f1_lists_every_key_the_app_registers(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window.review, Qt.Key.Key_F1)
    dialog = window.findChild(type(window.show_keys()), "keyboard-shortcuts")
    assert dialog is not None and dialog.isVisible()
    model = dialog.model
    listed = " | ".join(
        f"{model.item(r, 0).text()}: {model.item(r, 1).text()}" for r in range(model.rowCount())
    )
    # Every shortcut on every screen says what it does and is listed under its screen.
    for name, slot in window.screens.items():
        for shortcut in slot.widget.findChildren(QShortcut):
            assert shortcut.whatsThis(), (name, key_text(shortcut.key()))
            key = key_text(shortcut.key())
            rows = [
                model.item(r, 1).text()
                for r in range(model.rowCount())
                if model.item(r, 0).text() == slot.entry.title
                and model.item(r, 2).text() == shortcut.whatsThis()
            ]
            assert rows and (key in rows[0] or key.isdigit()), (name, key, listed)
    for key in ("Ctrl+1", "Ctrl+6", "Ctrl+Z", "Ctrl+F", "Ctrl+Q", "F1"):
        assert (
            f"Everywhere: {QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)}"
            in listed
        )
    for expected in (
        "Review: E",
        "Review: -",
        "Review: @",
        "Review: Ctrl+K",
        "Graph: P",
        "Graph: /",
    ):
        assert expected in listed


def test_welcome_shows_once_and_help_reopens_it(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    dialog = window.welcome_once()
    assert dialog is not None and dialog.isVisible()
    shown = dialog.findChild(QLabel, "welcome-text").text()
    for screen in ("Review", "Quiz", "Graph", "Browse", "Stats", "Stories"):
        assert f"<b>{screen}</b>" in shown
    assert "interview date" in shown and str(window.app.data_dir) in shown
    dialog.accept()
    assert window.welcome_once() is None  # shown once only
    window.welcome_action.trigger()
    assert window.findChild(type(dialog), "welcome") is not None


def test_theme_follows_the_system_and_can_be_chosen(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    assert window.theme_choice() == "system"
    assert window.theme_actions["system"].isChecked()
    window.theme_actions["dark"].trigger()
    assert QApplication.instance().property("lattice_dark") is True
    assert window.theme_choice() == "dark"
    window.theme_actions["light"].trigger()
    assert QApplication.instance().property("lattice_dark") is False
    window.theme_actions["system"].trigger()
    assert window.theme_choice() == "system"


def test_a_dark_system_is_followed_once_the_first_card_is_up(  # type: ignore[no-untyped-def]
    qtbot, ctx, monkeypatch
) -> None:
    """Before the first card the platform's palette tells the system's scheme (Qt's own
    answer costs PySide6 its whole `Qt` namespace); Qt is asked right after the first
    card, and wins where the two disagree."""
    from app.ui import main_window as module

    app = make_app("light")
    window = module.MainWindow(Application(ctx), defer_startup=True)
    qtbot.addWidget(window)
    monkeypatch.setattr(module, "system_prefers_dark", lambda: True)
    try:
        window.apply_theme_choice("system")
        assert app.property("lattice_dark") is False  # the offscreen palette is light
        window.finish_startup()
        assert app.property("lattice_dark") is True
        assert window.theme_actions["system"].isChecked()
    finally:
        apply_theme(app, False)


@pytest.mark.parametrize("dark", [False, True])
def test_every_palette_pair_meets_wcag_aa(qtbot, dark: bool) -> None:  # type: ignore[no-untyped-def]
    app = make_app("light")
    apply_theme(app, dark)
    try:
        palette = app.palette()
        role, group = QPalette.ColorRole, QPalette.ColorGroup
        text_pairs = [
            (role.WindowText, role.Window),
            (role.Text, role.Base),
            (role.Text, role.AlternateBase),
            (role.ButtonText, role.Button),
            (role.HighlightedText, role.Highlight),
            (role.ToolTipText, role.ToolTipBase),
            (role.PlaceholderText, role.Base),
            (role.Link, role.Base),
        ]
        for g in (group.Active, group.Disabled):
            for fore, back in text_pairs:
                if g == group.Disabled and fore in (
                    role.HighlightedText,
                    role.Link,
                    role.ToolTipText,
                ):
                    continue
                ratio = contrast(palette.color(g, fore), palette.color(g, back))
                assert ratio >= 4.5, (dark, g, fore, back, ratio)
        # Unchecked check boxes and radio buttons: their outline against what they sit on.
        for back in (role.Window, role.Base, role.Button):
            assert contrast(indicator_color(dark), palette.color(back)) >= 3.0, (dark, back)
    finally:
        apply_theme(app, False)


@pytest.mark.parametrize("dark", [False, True])
@pytest.mark.parametrize("kind", [QCheckBox, QRadioButton])
def test_unchecked_boxes_are_drawn_with_a_visible_outline(qtbot, dark: bool, kind: type) -> None:  # type: ignore[no-untyped-def]
    app = make_app("light")
    apply_theme(app, dark)
    try:
        box = kind("Option")
        qtbot.addWidget(box)
        box.resize(box.sizeHint())
        image = box.grab().toImage().convertToFormat(QImage.Format.Format_ARGB32)
        back = app.palette().color(QPalette.ColorRole.Window)
        best = max(
            contrast(QColor(image.pixel(x, y)), back)
            for x in range(min(image.width(), 20))
            for y in range(image.height())
        )
        assert best >= 3.0, (dark, kind.__name__, best)
    finally:
        apply_theme(app, False)


def test_interview_date_is_typed_and_never_in_the_past(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    window.show_screen("stats")
    stats = window.stats
    today = StatsService(ctx).today()
    qtbot.mouseClick(
        stats.interview_check, Qt.MouseButton.LeftButton, pos=stats.interview_check.rect().center()
    )
    assert stats.interview_check.isChecked()
    editor = stats.interview_date
    assert editor.isEnabled()
    assert editor.minimumDate() == QDate(today.year, today.month, today.day)
    editor.setFocus()
    wanted = today + timedelta(days=40)
    editor.setDate(QDate(today.year, today.month, today.day))
    for section, value in (
        (editor.Section.MonthSection, wanted.month),
        (editor.Section.DaySection, wanted.day),
    ):
        editor.setSelectedSection(section)
        qtbot.keyClicks(editor, f"{value:02d}")
    if wanted.year != today.year:
        editor.setSelectedSection(editor.Section.YearSection)
        qtbot.keyClicks(editor, str(wanted.year))
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert StatsService(ctx).interview_date() == wanted
    # A year back is refused: the box keeps a date from today on.
    editor.setSelectedSection(editor.Section.YearSection)
    qtbot.keyClicks(editor, str(today.year - 1))
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert StatsService(ctx).interview_date() >= today
