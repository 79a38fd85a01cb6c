"""Run a plain function on a worker thread and hand its result to the GUI thread.

For work that reads a whole database file (the integrity check, backups), which would
otherwise freeze the window for seconds on a big history. The function must not touch Qt
objects; its result (or the exception it raised) arrives through a queued signal, so the
callback runs on the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress

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


def run_detached(job: Callable[[], object], name: str = "lattice-prepare") -> threading.Thread:
    """Start `job` on a worker thread and forget it: for work that only fills caches ahead of
    need, whose result nobody waits for. An error is dropped here, since the same work runs
    again where it is needed and reports there."""

    def work() -> None:
        with suppress(Exception):
            job()

    thread = threading.Thread(target=work, name=name, daemon=True)
    thread.start()
    return thread


class Job(QObject):
    """Work on a worker thread that reports progress and can be cancelled.

    The worker calls `report(text, share)`; the GUI thread hears it through `progress` (a
    queued signal) and may call `cancel()`, after which the next `report` raises the
    job's `stop` exception, and its result, if it still arrives, is dropped unseen."""

    progress = Signal(str, float)
    finished = Signal(object)

    def __init__(self, parent: QObject, stop: Callable[[], Exception]) -> None:
        super().__init__(parent)
        self._cancelled = threading.Event()
        self._stop = stop

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()

    def report(self, text: str, share: float) -> None:
        """Called on the worker: hand the news to the GUI thread, or stop if cancelled."""
        if self._cancelled.is_set():
            raise self._stop()
        try:
            self.progress.emit(text, share)
        except RuntimeError:  # the window that asked is gone: nobody is waiting
            raise self._stop() from None


def run_job(
    parent: QObject,
    work: Callable[[Job], object],
    then: Callable[[object], None],
    progress: Callable[[str, float], None],
    stop: Callable[[], Exception],
) -> Job:
    """Start `work(job)` on a worker thread. `progress` and `then(result or exception)` run
    on the GUI thread; `then` is not called for a job cancelled meanwhile."""
    job = Job(parent, stop)
    job.progress.connect(progress)

    def finish(result: object) -> None:
        if not job.cancelled:
            then(result)
        job.deleteLater()

    job.finished.connect(finish)

    def body() -> None:
        try:
            result: object = work(job)
        except Exception as exc:  # noqa: BLE001 - handed to `then`, never lost
            result = exc
        with suppress(RuntimeError):  # the window that asked is gone: nobody is waiting
            job.finished.emit(result)

    threading.Thread(target=body, name="lattice-job", daemon=True).start()
    return job
