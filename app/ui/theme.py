"""Light and dark palettes on the Fusion style, following the system scheme by default."""

from __future__ import annotations

from functools import cache
from typing import Any

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#2f6bc4"  # white text on it passes WCAG AA (5.2:1)
# Outlines of unchecked check boxes and radio buttons: at least 3:1 against every background
# they sit on (WCAG 1.4.11), which Fusion's own outline (the window colour, darkened) is not
# in a dark theme.
INDICATOR = {False: "#6e7781", True: "#8b949e"}
STATE_COLORS = {"new": "#3b7ddd", "learning": "#d9534f", "review": "#2e9d5b"}


def system_prefers_dark() -> bool:
    """Qt's own answer: the platform's colour scheme is dark."""
    from PySide6.QtCore import Qt  # after the first card (see qt_numbers)

    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def platform_palette_is_dark() -> bool:
    """The platform's palette (read before ours replaces it) has light text on a dark
    window: how the system's scheme shows before the first card. Asking Qt for the scheme
    itself (`system_prefers_dark`) builds PySide6's whole `Qt` namespace, see qt_numbers;
    the window asks it once the first card is up, and follows if the two disagree."""
    palette = QGuiApplication.palette()
    window = palette.color(QPalette.ColorRole.Window).lightness()
    return window < palette.color(QPalette.ColorRole.WindowText).lightness()


def apply_theme(app: QApplication, dark: bool, indicators: bool = True) -> None:
    """Our palette (the caller has put the application on the Fusion style), and unless
    `indicators` is False, the style that outlines check boxes (see `use_indicator_style`)."""
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
            QPalette.ColorRole.PlaceholderText: "#9aa4ad",
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
            QPalette.ColorRole.PlaceholderText: "#636c76",
            QPalette.ColorRole.Link: "#0b63c5",
            QPalette.ColorRole.Mid: "#d0d7de",
        }
    for role, value in colors.items():
        palette.setColor(role, QColor(value))
    disabled = QColor("#9aa4ad") if dark else QColor("#636c76")  # dimmer, still 4.5:1
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    app.setPalette(palette)
    app.setProperty("lattice_dark", dark)
    if indicators:
        use_indicator_style(app)


def use_indicator_style(app: QApplication) -> None:
    """Fusion with clearly outlined check boxes and radio buttons. Start-up installs it
    after the first card is painted (the Review screen has none): importing QStyle makes
    Qt build several hundred enum members, which the first card need not wait for."""
    style = indicator_style_class()
    if not isinstance(app.style(), style):
        app.setStyle(style(app.style().name()))


def indicator_color(dark: bool) -> QColor:
    return QColor(INDICATOR[dark])


@cache
def indicator_style_class() -> Any:
    """The style class, made on first use (see `use_indicator_style`)."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QPainter, QPainterPath, QPen
    from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption, QWidget

    class IndicatorStyle(QProxyStyle):
        """Fusion, with check boxes and radio buttons outlined clearly in either theme."""

        def drawPrimitive(  # noqa: N802
            self,
            element: QStyle.PrimitiveElement,
            option: QStyleOption,
            painter: QPainter,
            widget: QWidget | None = None,
        ) -> None:
            kinds = {
                QStyle.PrimitiveElement.PE_IndicatorCheckBox: "check",
                QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck: "check",
                QStyle.PrimitiveElement.PE_IndicatorRadioButton: "radio",
            }
            kind = kinds.get(element)
            if kind is None:
                super().drawPrimitive(element, option, painter, widget)
                return
            palette = option.palette
            state = option.state
            enabled = bool(state & QStyle.StateFlag.State_Enabled)
            on = bool(state & QStyle.StateFlag.State_On)
            partial = bool(state & QStyle.StateFlag.State_NoChange)
            accent = palette.color(QPalette.ColorRole.Highlight)
            outline = (
                indicator_color(is_dark())
                if enabled
                else palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            )
            rect = QRectF(option.rect).adjusted(1.5, 1.5, -1.5, -1.5)
            side = min(rect.width(), rect.height())
            rect = QRectF(rect.center().x() - side / 2, rect.center().y() - side / 2, side, side)
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            filled = (on or partial) and enabled
            painter.setPen(QPen(accent if filled else outline, 1.3))
            painter.setBrush(
                accent if filled and kind == "check" else palette.color(QPalette.ColorRole.Base)
            )
            if kind == "radio":
                painter.drawEllipse(rect)
                if on:
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(accent if enabled else outline)
                    painter.drawEllipse(rect.center(), side * 0.26, side * 0.26)
            else:
                painter.drawRoundedRect(rect, 2.5, 2.5)
                mark = QColor("#ffffff") if enabled else outline
                painter.setPen(
                    QPen(mark, max(1.6, side / 8), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
                )
                if partial:
                    y = rect.center().y()
                    painter.drawLine(
                        QPointF(rect.left() + side * 0.25, y),
                        QPointF(rect.right() - side * 0.25, y),
                    )
                elif on:
                    tick = QPainterPath(
                        QPointF(rect.left() + side * 0.22, rect.top() + side * 0.52)
                    )
                    tick.lineTo(rect.left() + side * 0.42, rect.top() + side * 0.72)
                    tick.lineTo(rect.left() + side * 0.78, rect.top() + side * 0.3)
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.drawPath(tick)
            painter.restore()

    return IndicatorStyle


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
