"""Light and dark palettes on the Fusion style, following the system scheme by default."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#3b7ddd"
STATE_COLORS = {"new": "#3b7ddd", "learning": "#d9534f", "review": "#2e9d5b"}


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, dark: bool) -> None:
    """Our palette (the caller has put the application on the Fusion style)."""
    palette = QPalette()
    if dark:
        colors = {
            QPalette.ColorRole.Window: "#1e2227",
            QPalette.ColorRole.WindowText: "#e6edf3",
            QPalette.ColorRole.Base: "#15181c",
            QPalette.ColorRole.AlternateBase: "#1b1f24",
            QPalette.ColorRole.Text: "#e6edf3",
            QPalette.ColorRole.Button: "#2a2f36",
            QPalette.ColorRole.ButtonText: "#e6edf3",
            QPalette.ColorRole.Highlight: ACCENT,
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#2a2f36",
            QPalette.ColorRole.ToolTipText: "#e6edf3",
            QPalette.ColorRole.PlaceholderText: "#8b949e",
            QPalette.ColorRole.Link: "#58a6ff",
            QPalette.ColorRole.Mid: "#3d444d",
        }
    else:
        colors = {
            QPalette.ColorRole.Window: "#f3f4f6",
            QPalette.ColorRole.WindowText: "#1f2328",
            QPalette.ColorRole.Base: "#ffffff",
            QPalette.ColorRole.AlternateBase: "#f6f8fa",
            QPalette.ColorRole.Text: "#1f2328",
            QPalette.ColorRole.Button: "#ffffff",
            QPalette.ColorRole.ButtonText: "#1f2328",
            QPalette.ColorRole.Highlight: ACCENT,
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#ffffff",
            QPalette.ColorRole.ToolTipText: "#1f2328",
            QPalette.ColorRole.PlaceholderText: "#6e7781",
            QPalette.ColorRole.Link: "#0b63c5",
            QPalette.ColorRole.Mid: "#d0d7de",
        }
    for role, value in colors.items():
        palette.setColor(role, QColor(value))
    disabled = QColor("#6e7681") if dark else QColor("#8c959f")
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    app.setPalette(palette)
    app.setProperty("lattice_dark", dark)


def is_dark() -> bool:
    app = QApplication.instance()
    return bool(app.property("lattice_dark")) if app is not None else False


def sidebar_style(dark: bool) -> str:
    """Flat navigation buttons; the current screen is marked with the accent colour."""
    hover = "#2a2f36" if dark else "#e6e9ee"
    text = "#c9d1d9" if dark else "#3d444d"
    return (
        "QToolButton { border: none; border-radius: 8px; padding: 6px; "
        f"color: {text}; background: transparent; }}"
        f"QToolButton:hover {{ background: {hover}; }}"
        f"QToolButton:checked {{ background: {ACCENT}; color: white; font-weight: 600; }}"
    )
