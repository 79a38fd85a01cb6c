"""Offscreen checks for tools and packaging: open every screen, render a card and highlighted
code, save PNGs."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QSize, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from app.services.application import Application
from app.services.render import render_markdown
from app.ui.application import build_window, grab_screen, make_app
from app.ui.main_window import MainWindow

# The offscreen platform plugin says this whenever a window is shown; it is not a defect.
HARMLESS_QT_MESSAGES = ("This plugin does not support propagateSizeHints",)


def run_self_test(data: Path) -> int:
    warnings: list[str] = []

    def handler(mode: QtMsgType, _context: object, message: str) -> None:
        if mode != QtMsgType.QtDebugMsg and not message.startswith(HARMLESS_QT_MESSAGES):
            warnings.append(message)

    previous = qInstallMessageHandler(handler)
    try:
        make_app("light")
        app = Application.open(data)
        window = build_window(app)
        window.resize(1100, 760)
        window.show()
        for name in window.screens:
            window.show_screen(name)
            QApplication.processEvents()
        _exercise_force_layout(window)
        window.show_screen("review")
        review = window.review
        if review.current is None:
            raise RuntimeError("no card to review in a fresh data directory")
        review.reveal()
        QApplication.processEvents()
        if not review.view.toPlainText().strip():
            raise RuntimeError("the card rendered as an empty page")
        if "font-weight: bold" not in render_markdown("```python\nimport os\n```"):
            raise RuntimeError("Python code is not highlighted: is Pygments' lexer bundled?")
        image = window.grab()
        if image.isNull():
            raise RuntimeError("the window could not be painted")
        window.close()
    except Exception as exc:  # noqa: BLE001 - report any failure as the test's result
        traceback.print_exc()
        print(f"self-test failed: {exc}", file=sys.stderr)
        return 1
    finally:
        qInstallMessageHandler(previous)
    if warnings:
        for message in warnings:
            print(f"Qt warning: {message}", file=sys.stderr)
        return 1
    problems = len(app.bank.problems)
    print(
        f"self-test ok: {len(window.screens)} screens, {len(app.bank.cards)} cards"
        + (f", {problems} content problems" if problems else "")
    )
    return 0


def _exercise_force_layout(window: MainWindow) -> None:
    """Lay the map out by force once: it is the one screen path with its own numeric code,
    so a frozen build missing a module fails here rather than in a user's hands."""
    window.show_screen("graph")
    mode = window.graph.toolbar.layout_mode
    previous = mode.currentText()
    mode.setCurrentText("Force")
    QApplication.processEvents()
    mode.setCurrentText(previous)
    QApplication.processEvents()


def take_screenshot(
    view: str,
    out: Path,
    width: int,
    height: int,
    data: str | None,
    theme: str | None,
    reveal: bool,
) -> int:
    make_app(theme or "light")
    window = build_window(Application.open(data))
    if view not in window.screens:
        print(f"unknown view {view!r}; choose from {', '.join(window.screens)}", file=sys.stderr)
        return 2
    if reveal and view == "review":
        window.review.reveal()
    out.parent.mkdir(parents=True, exist_ok=True)
    grab_screen(window, view, out, QSize(width, height))
    print(out)
    return 0
