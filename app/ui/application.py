"""Start the GUI: QApplication, theme, window; and offscreen helpers for tools and tests."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLockFile, QSize, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app import APP_NAME, ORG_NAME, __version__
from app.domain.storage_fault import StorageFault
from app.locations import data_dir, resource_path
from app.services.application import Application
from app.ui.main_window import MainWindow
from app.ui.theme import apply_theme, platform_palette_is_dark

if TYPE_CHECKING:
    from app.domain.quiz import QuizSettings

FUSION = "fusion"
STARTUP_FALLBACK_MS = 3000  # finish start-up even if the first card is never painted
HANDOVER_WAIT_MS = 3000  # how long a second launch waits for the running one to answer


def make_app(theme: str | None = None, indicators: bool = True) -> QApplication:
    """The QApplication on Fusion with our palette; `indicators=False` leaves the check
    box style to the window's `finish_startup` (start-up: after the first paint)."""
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
        app.setStyle(FUSION)
    else:  # chosen at construction: cheaper than replacing the platform's style afterwards
        app = QApplication([*sys.argv[:1], "-style", FUSION])
    app.setDesktopFileName("lattice")  # Wayland matches the window to lattice.desktop
    icon = resource_path("icons", "lattice.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    choice = theme or os.environ.get("LATTICE_THEME")
    # Following the system: the platform's palette tells (the window checks Qt's own
    # answer once the first card is up, see MainWindow.finish_startup).
    dark = choice == "dark" if choice in ("dark", "light") else platform_palette_is_dark()
    apply_theme(app, dark, indicators)
    return app


def build_window(app: Application) -> MainWindow:
    return MainWindow(app)


def single_instance_lock(data: Path) -> QLockFile | None:
    """A lock on the data folder, or None when another Lattice already holds it.

    Two instances writing one database would interleave their schedules; the second
    one is refused instead. A lock left by a crashed process is taken over. A folder
    where no lock file can be written raises StorageFault (it is not "already running").
    """
    lock = QLockFile(str(data / "lattice.lock"))
    if lock.tryLock(100):
        return lock
    if lock.error() == QLockFile.LockError.LockFailedError:
        return None
    kind = StorageFault.READ_ONLY if data.is_dir() else StorageFault.UNAVAILABLE
    raise StorageFault(kind, data / "lattice.lock", f"cannot create {data / 'lattice.lock'}")


def _refuse(title: str, message: str, code: int) -> int:
    print(message, file=sys.stderr)
    QMessageBox.warning(None, title, message)
    return code


def _start(args: argparse.Namespace) -> tuple[QApplication, MainWindow, QLockFile] | int:
    app = make_app(getattr(args, "theme", None), indicators=False)
    try:
        data = data_dir(args.data_dir)
        lock = single_instance_lock(data)
        if lock is None:
            return _hand_over(data, getattr(args, "file", None))
        try:
            opened = Application.open(data, index_search=False, full_check=False)
        except BaseException:
            lock.unlock()
            raise
    except StorageFault as fault:  # read-only, full, locked: one sentence, no traceback
        return _refuse("Lattice cannot open your data", str(fault), 4)
    except OSError as exc:
        return _refuse("Lattice cannot open your data", f"Lattice cannot open its data: {exc}", 4)
    window = MainWindow(opened, defer_startup=True)
    choice = getattr(args, "theme", None) or os.environ.get("LATTICE_THEME")
    if choice not in ("light", "dark"):  # --theme is for this run; else the saved choice
        window.apply_theme_choice(window.theme_choice())
    window.restore_geometry()
    report_storage_faults(window)
    if getattr(args, "startup_probe", False):
        from app.ui.startup_probe import install_startup_probe

        # Installed first, so it reports the first card before the rest of start-up runs,
        # as a user would see it.
        install_startup_probe(window)
    window.review.view.after_next_paint(lambda: _finish_startup(window))
    QTimer.singleShot(STARTUP_FALLBACK_MS, lambda: _finish_startup(window))  # e.g. minimised
    window.show()
    if not getattr(args, "startup_probe", False):
        QTimer.singleShot(0, window, window.welcome_once)
    return app, window, lock


def _hand_over(data: Path, file: str | None) -> int:
    """Another Lattice holds the data folder: bring it forward (with `file` for its import
    dialog) and end here; refuse in words only when it does not answer."""
    from app.ui.handover import send_request

    if send_request(data, Path(file) if file else None, HANDOVER_WAIT_MS):
        what = f"{file} was handed to it" if file else "its window was brought forward"
        print(f"Lattice is already running with the data folder {data}; {what}.", file=sys.stderr)
        return 0
    message = f"Lattice is already running with the data folder {data}. Use that window."
    return _refuse("Lattice is already running", message, 3)


def report_storage_faults(window: MainWindow) -> None:
    """A StorageFault that reaches the event loop (a write from Quiz, Browse or Settings
    refused by a full or read-only disk) is said in the status bar, in one sentence,
    instead of a traceback; any other exception is reported as before."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: object) -> None:
        if isinstance(exc, StorageFault):
            window.statusBar().showMessage(f"Not saved: {exc}", 30000)
            print(f"Lattice: not saved: {exc}", file=sys.stderr)
        else:
            previous(kind, exc, tb)  # type: ignore[arg-type]

    sys.excepthook = hook


def _finish_startup(window: MainWindow) -> None:
    """The rest of start-up, then garbage collection back on. The objects made so far (the
    content bank above all) live as long as the app, so they are frozen out of the
    collector's walks, which would otherwise stall a keypress now and then on a big bank."""
    window.finish_startup()
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def run_gui(args: argparse.Namespace) -> int:
    started = _start(args)
    if isinstance(started, int):
        return started
    app, window, lock = started
    file = getattr(args, "file", None)
    if file:  # `lattice FILE.apkg`, as the desktop file's MIME association runs it
        QTimer.singleShot(0, lambda: open_for_import(window, Path(file)))
    try:
        return app.exec()
    finally:
        window.app.close()  # the last grade's fsync, then every other connection
        lock.unlock()


def open_for_import(window: MainWindow, path: Path) -> None:
    """The import dialog (File ▸ Import…) with `path` already chosen and previewed."""
    window.interop.import_cards().set_source(path)


def run_quiz_gui(args: argparse.Namespace, settings: QuizSettings) -> int:
    """Open straight into a quiz with `settings` (the `quiz` command)."""
    started = _start(args)
    if isinstance(started, int):
        return started
    app, window, lock = started
    _finish_startup(window)
    window.show_screen("quiz")
    if not window.quiz.start(settings):
        window.statusBar().showMessage("No cards match these quiz settings", 8000)
    try:
        return app.exec()
    finally:
        window.app.close()
        lock.unlock()


def grab_screen(window: MainWindow, view: str, out: Path, size: QSize) -> None:
    window.resize(size)
    window.show()
    window.show_screen(view)
    QApplication.processEvents()
    window.grab().save(str(out))
