"""Parsed content kept between runs, keyed by the bytes of every content file.

Parsing and validating the Markdown bank is most of the cost of opening it, and its result
only changes when a file does. The key hashes each file's path and contents, plus this
format's version and the Python version (the value is a pickle), so an edit, an added or
removed file, or a new Lattice misses and the content is parsed afresh. A cache that cannot
be read or written is ignored: it only ever costs time, never content.

Reading and hashing every file costs a few milliseconds of each start, so, as git's index
does, a second, quick key is taken from what the file system says of each file (size,
modification and change times, inode) and remembered beside the cache, pointing at the
full key. It is remembered only when every file is older than the note itself by a margin
(`SETTLED_NS`), so two edits in one tick of a coarse clock can never look alike; until then
the files are read again on each start.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from app.storage.digest import blake2b

FORMAT_VERSION = 3  # of this file's layout; the classes inside are covered by `schema`
KEEP = 4  # entries kept: the bundled content with a few different sets of user cards
_PREFIX = "content-"
_SUFFIX = ".pickle"
_KEY_PREFIX = "content-stat-"
_KEY_SUFFIX = ".key"
SETTLED_NS = 2_000_000_000  # FAT's modification times tick every two seconds


def content_key(files: Iterable[Path], schema: str = "") -> str:
    """A digest of these files' paths and bytes (a missing file counts as absent), and of
    `schema`, a description of the pickled classes, so changing them misses too."""
    digest = blake2b(digest_size=20)
    digest.update(f"{FORMAT_VERSION}\0{sys.version}\0{schema}\0".encode())
    for path in files:
        digest.update(os.fsencode(path))
        try:
            data = path.read_bytes()
        except OSError:
            digest.update(b"\0missing\0")
            continue
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def stat_key(files: Iterable[Path], schema: str = "") -> str:
    """A digest of what the file system says of each file (no file is read)."""
    digest = blake2b(digest_size=20)
    digest.update(f"{FORMAT_VERSION}\0{sys.version}\0{schema}\0".encode())
    for path in files:
        digest.update(os.fsencode(path))
        try:
            st = os.stat(path)
        except OSError:
            digest.update(b"\0missing\0")
            continue
        digest.update(f"\0{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}\0".encode())
    return digest.hexdigest()


def known_key(cache: Path, quick: str) -> str | None:
    """The full key remembered for the quick key `quick`, if any."""
    try:
        return (cache / f"{_KEY_PREFIX}{quick}{_KEY_SUFFIX}").read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None


def remember_key(cache: Path, quick: str, key: str, files: Iterable[Path]) -> None:
    """Note that `quick` stands for `key`, unless a file is too new to be told apart from a
    next edit by its times (judged by the note's own time: the file system's clock)."""
    note = cache / f"{_KEY_PREFIX}{quick}{_KEY_SUFFIX}"
    try:
        note.write_text(key, encoding="ascii")
        written = note.stat().st_mtime_ns
        newest = max((_modified_ns(path) for path in files), default=0)
        if newest > written - SETTLED_NS:
            note.unlink()
            return
        notes = sorted(
            cache.glob(f"{_KEY_PREFIX}*{_KEY_SUFFIX}"),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in notes[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        return


def _modified_ns(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


def _entry(cache: Path, key: str) -> Path:
    return cache / f"{_PREFIX}{key}{_SUFFIX}"


def load(cache: Path, key: str) -> Any | None:
    """The value stored under `key`, or None when absent or unreadable."""
    try:
        with _entry(cache, key).open("rb") as handle:
            stored_key, value = pickle.load(handle)  # noqa: S301 - our own file, our own key
    except Exception:  # noqa: BLE001 - any damage simply means "parse again"
        return None
    return value if stored_key == key else None


def save(cache: Path, key: str, value: Any) -> None:
    """Store `value` atomically (write, then rename) and keep only the newest entries."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
        target = _entry(cache, key)
        partial = target.with_suffix(f".{os.getpid()}.partial")
        with partial.open("wb") as handle:
            pickle.dump((key, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, target)
        entries = sorted(
            cache.glob(f"{_PREFIX}*{_SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        return
