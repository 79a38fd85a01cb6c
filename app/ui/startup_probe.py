"""`lattice --startup-probe`: quit once the first card is painted, for cold-start benchmarks.

The benchmark times a process from launch until it prints `first-card-painted`, so the
frozen and the source builds are measured the same way, to a window that is ready to use.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from app.ui.main_window import MainWindow

MARKER = "first-card-painted"


def _report() -> None:
    print(MARKER, flush=True)
    QApplication.quit()


def install_startup_probe(window: MainWindow) -> None:
    """Report and quit after the review screen's card view first paints."""
    window.review.view.after_next_paint(_report)
