"""Run a plain function on a worker thread and hand its result to the GUI thread.

For work that reads a whole database file (the integrity check, backups), which would
otherwise freeze the window for seconds on a big history. The function must not touch Qt
objects; its result (or the exception it raised) arrives through a queued signal, so the
callback runs on the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal


class _Carrier(QObject):
    done = Signal(object)


def run_in_background(
    parent: QObject, job: Callable[[], object], then: Callable[[object], None]
) -> threading.Thread:
    """Start `job` on a worker thread; `then(result)` runs on the GUI thread when it is done
    (with the exception instead of a result if it raised)."""
    carrier = _Carrier(parent)  # lives on the GUI thread, so the signal is queued to it
    carrier.done.connect(then)
    carrier.done.connect(carrier.deleteLater)

    def work() -> None:
        try:
            result: object = job()
        except Exception as exc:  # noqa: BLE001 - handed to `then`, never lost
            result = exc
        carrier.done.emit(result)

    thread = threading.Thread(target=work, name="lattice-background", daemon=True)
    thread.start()
    return thread
