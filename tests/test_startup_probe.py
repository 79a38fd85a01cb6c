"""`--startup-probe` reports once, after the first card has been painted."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.cli import build_parser
from app.services.application import Application
from app.services.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.startup_probe import MARKER, install_startup_probe


def test_the_flag_is_parsed() -> None:
    assert build_parser().parse_args(["--startup-probe"]).startup_probe is True
    assert build_parser().parse_args([]).startup_probe is False


def test_reports_after_the_card_view_paints(
    qtbot: QtBot, ctx: AppContext, capsys: pytest.CaptureFixture[str]
) -> None:
    window = MainWindow(Application(ctx))
    qtbot.addWidget(window)
    install_startup_probe(window)
    assert MARKER not in capsys.readouterr().out  # nothing before the window is shown
    window.resize(900, 600)
    window.show()
    seen: list[str] = []

    def reported() -> bool:
        seen.append(capsys.readouterr().out)
        return MARKER in "".join(seen)

    qtbot.waitUntil(reported)
    assert window.review.current is not None
    window.review.view.viewport().repaint()
    QApplication.processEvents()
    assert "".join(seen + [capsys.readouterr().out]).count(MARKER) == 1
