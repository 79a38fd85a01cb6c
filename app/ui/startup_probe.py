"""`lattice --startup-probe`: quit once the first card is painted, for cold-start benchmarks.

The benchmark times a process from launch until it prints `first-card-painted`, so the
frozen and the source builds are measured the same way, to a window that is ready to use.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from app.ui.main_window import MainWindow

MARKER = "first-card-painted"


class _FirstPaint(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and not self._done:
            self._done = True
            QTimer.singleShot(0, self._report)  # after this paint has finished
        return False

    def _report(self) -> None:
        print(MARKER, flush=True)
        QApplication.quit()


def install_startup_probe(window: MainWindow) -> None:
    """Report and quit after the review screen's card view first paints."""
    window.review.view.viewport().installEventFilter(_FirstPaint(window))
