"""The user's media folder, `DATA/media/`: the images and sounds cards show, one flat folder.

The only writer of that folder. A file is looked up only by a stored name
(app/domain/media_names.py) and only if it is a regular file directly inside the folder (no
link leading elsewhere), so no card can make the app read another file. Files are added
de-duplicated by content: the same bytes already stored under another name are reused; a
name already taken by other bytes gets the content's digest appended. Each file is written
to a temporary name, fsynced and renamed, so a file is either whole or absent.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from app.domain.media_names import is_media_name

MEDIA_FOLDER = "media"
MiB = 1024 * 1024
MAX_MEDIA_BYTES = 50 * MiB  # one image or sound; a longer recording belongs elsewhere


def media_dir(data_dir: Path) -> Path:
    return data_dir / MEDIA_FOLDER


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(MiB), b""):
            digest.update(chunk)
    return digest.hexdigest()


class MediaStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_of(self, name: str) -> Path | None:
        """The stored file `name`, or None if the name is not a media name or no such regular
        file sits directly in the folder."""
        if not is_media_name(name):
            return None
        path = self.folder / name
        try:
            if path.is_symlink() or not path.is_file():
                return None
            if path.resolve().parent != self.folder.resolve():
                return None
        except OSError:
            return None
        return path

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.name for p in self.folder.iterdir() if self.path_of(p.name) is not None)

    def _by_size(self) -> dict[int, list[Path]]:
        found: dict[int, list[Path]] = {}
        for name in self.names():
            path = self.folder / name
            found.setdefault(path.stat().st_size, []).append(path)
        return found

    def placement(self, incoming: dict[str, Path]) -> dict[str, str]:
        """The stored name each incoming file (by its safe name) will have: the name of the
        same bytes already stored, its own name if free, else its name with a digest."""
        by_size = self._by_size()
        digests: dict[Path, str] = {}

        def digest_of(path: Path) -> str:
            if path not in digests:
                digests[path] = file_digest(path)
            return digests[path]

        placed: dict[str, str] = {}
        taken: dict[str, str] = {}  # name -> digest of names given in this placement
        for name, source in incoming.items():
            digest = digest_of(source)
            same = [p for p in by_size.get(source.stat().st_size, []) if digest_of(p) == digest]
            if same:
                placed[name] = same[0].name
                continue
            final = name
            existing = self.folder / name
            clash = (existing.exists() or existing.is_symlink()) or (
                name in taken and taken[name] != digest
            )
            if clash:
                stem, dot, suffix = name.rpartition(".")
                stem, suffix = (stem, f".{suffix}") if dot else (name, "")
                final = f"{stem[:100]}-{digest[:10]}{suffix}"
            placed[name] = final
            taken[final] = digest
        return placed

    def add(self, files: dict[str, Path]) -> list[str]:
        """Copy `files` (stored name -> source file) into the folder; the names written.

        A name already holding the same bytes is left alone. On a failure the files written
        by this call are removed again and the OSError is raised."""
        self.folder.mkdir(parents=True, exist_ok=True)
        written: list[str] = []
        try:
            for name, source in files.items():
                if not is_media_name(name):
                    raise OSError(f"{name!r} is not a media file name")
                final = self.folder / name
                if final.exists():
                    if final.is_file() and file_digest(final) == file_digest(source):
                        continue
                    raise OSError(f"{name} is already in the media folder with other content")
                partial = self.folder / f".{name}.partial"
                with open(source, "rb") as src, open(partial, "wb") as out:
                    shutil.copyfileobj(src, out, MiB)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(partial, final)
                written.append(name)
        except OSError:
            for name in written:
                (self.folder / name).unlink(missing_ok=True)
            for partial in self.folder.glob(".*.partial"):
                partial.unlink(missing_ok=True)
            raise
        return written
