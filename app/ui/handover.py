"""Hand a second launch over to the Lattice already running on the same data folder.

Double-clicking an `.apkg` while Lattice is open runs `lattice FILE.apkg` again. Two
processes must never write one database, so the second one cannot simply start; instead
it drops a small request file into the data folder and waits for the running window to
take it (the running window watches that folder). The running window then comes to the
front and, for a file, opens the import dialog with it previewed: the user still decides.

A plain file drop needs nothing beyond QtCore (no local sockets, which would pull
QtNetwork into the bundle), works the same on every platform, and stays inside the
folder only this user can write.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Literal
from uuid import uuid4

from PySide6.QtCore import QFileSystemWatcher, QObject, QThread

REQUESTS_FOLDER = "requests"
REQUEST_SUFFIX = ".json"
MAX_REQUEST_BYTES = 8192  # a path and a verb; anything bigger is not ours
WAIT_STEP_MS = 50


def requests_folder(data: Path) -> Path:
    return data / REQUESTS_FOLDER


def send_request(data: Path, file: Path | None, wait_ms: int = 3000) -> bool:
    """Ask the running Lattice to come forward (and open `file`); True once it took the
    request. A request nobody takes (a hung or older Lattice) is withdrawn, so it cannot
    fire by surprise the next time Lattice starts."""
    request = drop_request(data, file)
    return request is not None and wait_taken(request, wait_ms)


def drop_request(data: Path, file: Path | None) -> Path | None:
    """Write the request where the running Lattice looks; None when the folder refuses."""
    folder = requests_folder(data)
    try:
        folder.mkdir(exist_ok=True)
        body = {"open": str(file.resolve())} if file is not None else {"activate": True}
        partial = folder / f"{uuid4().hex}.partial"
        partial.write_text(json.dumps(body), encoding="utf-8")
        request = partial.with_suffix(REQUEST_SUFFIX)
        partial.replace(request)  # appears whole, never half-written
    except OSError:
        return None
    return request


def wait_taken(request: Path, wait_ms: int) -> bool:
    """Wait (blocking: this process has nothing else to do) until the request is taken."""
    for _ in range(max(1, wait_ms // WAIT_STEP_MS)):
        if not request.exists():
            return True
        QThread.msleep(WAIT_STEP_MS)
    try:
        request.unlink()
    except FileNotFoundError:
        return True  # taken at the last moment
    except OSError:
        pass
    return False


def read_request(path: Path) -> Path | None | Literal[False]:
    """The file a request asks to open, None for "come forward", False for junk."""
    try:
        if path.stat().st_size > MAX_REQUEST_BYTES:
            return False
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(body, dict):
        return False
    if body.get("activate") is True:
        return None
    opened = body.get("open")
    return Path(opened) if isinstance(opened, str) and opened else False


class RequestInbox(QObject):
    """Watches the requests folder of the running Lattice and answers each request once:
    the request file is removed first (that is the sender's acknowledgement), then
    `on_request` gets the file to open, or None to just come forward."""

    def __init__(
        self, data: Path, on_request: Callable[[Path | None], None], parent: QObject
    ) -> None:
        super().__init__(parent)
        self.folder = requests_folder(data)
        self.on_request = on_request
        self.watcher = QFileSystemWatcher(self)
        try:
            self.folder.mkdir(exist_ok=True)
        except OSError:
            return  # a read-only folder: second launches are refused as before
        for stale in self.folder.glob(f"*{REQUEST_SUFFIX}"):  # left by a launch that gave up
            stale.unlink(missing_ok=True)
        for stale in self.folder.glob("*.partial"):
            stale.unlink(missing_ok=True)
        self.watcher.addPath(str(self.folder))
        self.watcher.directoryChanged.connect(self.take_requests)

    def take_requests(self, _folder: str = "") -> None:
        for request in sorted(self.folder.glob(f"*{REQUEST_SUFFIX}")):
            wanted = read_request(request)
            try:
                request.unlink()
            except OSError:
                continue  # the sender withdrew it a moment ago
            if wanted is not False:
                self.on_request(wanted)
