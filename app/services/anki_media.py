"""The media files of an Anki package: the images and sounds its notes show.

An .apkg lists its media in the `media` member: JSON `{"0": "curve.png", …}` in older
packages; in newer ones (Anki 2.1.50 and later) a zstd-compressed protobuf list whose n-th
entry is member `n`, each member itself zstd-compressed. Only the files the notes refer to
are unpacked, each streamed to a private temporary folder under MAX_MEDIA_BYTES. A listed
file the package does not hold, a file over the cap and a name that points outside its
folder refuse the import with a message saying which; a file the notes name that the
package never listed (Anki's "missing media") is reported, and the card shows its name.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import weakref
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.domain.import_rules import ImportRefused
from app.domain.media_names import MediaNameRefused, safe_media_name
from app.domain.protobuf_fields import fields
from app.services.archive_safety import MiB, copy_limited, open_archive, read_limited
from app.storage.media_store import MAX_MEDIA_BYTES

MEDIA_MEMBER = "media"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
MAX_MAP_BYTES = 64 * MiB


@dataclass
class PackageMedia:
    """The unpacked files (safe name -> file in `folder`) and the names the package lacks.

    The folder is private and removed by `discard()`, or when this object is dropped."""

    folder: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.folder is not None:
            self._remove = weakref.finalize(self, shutil.rmtree, self.folder, True)

    def discard(self) -> None:
        if self.folder is not None:
            self._remove()


def _protobuf_map(data: bytes) -> dict[str, str]:
    """Member -> file name from Anki's MediaEntries (entry n is member n unless it says)."""
    found: dict[str, str] = {}
    index = 0
    for number, wire, entry in fields(data):
        if number != 1 or wire != 2 or not isinstance(entry, bytes):
            continue
        name, member = "", str(index)
        for sub, sub_wire, value in fields(entry):
            if sub == 1 and sub_wire == 2 and isinstance(value, bytes):
                name = value.decode("utf-8", "replace")
            elif sub == 255 and sub_wire == 0 and isinstance(value, int):
                member = str(value)
        found[member] = name
        index += 1
    return found


def media_map(archive: zipfile.ZipFile, label: str) -> tuple[dict[str, str], bool]:
    """(member -> original file name, whether members are zstd-compressed)."""
    import zstandard

    if MEDIA_MEMBER not in archive.namelist():
        return {}, False
    try:
        with archive.open(MEDIA_MEMBER) as stream:
            raw = read_limited(stream, MAX_MAP_BYTES, f"{label}: its media list")
        if raw.startswith(ZSTD_MAGIC):
            reader = zstandard.ZstdDecompressor().stream_reader(raw)
            return _protobuf_map(
                read_limited(reader, MAX_MAP_BYTES, f"{label}: its media list")
            ), True
        data = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
        raise ImportRefused(f"{label}: its media list is damaged ({exc})") from None
    except zstandard.ZstdError as exc:
        raise ImportRefused(f"{label}: its media list is damaged ({exc})") from None
    if not isinstance(data, dict):
        raise ImportRefused(f"{label}: its media list is damaged (not a list of files)")
    return {str(k): str(v) for k, v in data.items()}, False


def read_media(
    path: Path, wanted: set[str], step: Callable[[int, int], None] | None = None
) -> PackageMedia:
    """Unpack the package's files named in `wanted` (safe names) into a temporary folder.

    `step(done, total)` is called after each file (it may raise to cancel)."""
    import zstandard

    label = path.name
    if not wanted:
        return PackageMedia()
    with open_archive(path, "Anki package") as archive:
        members, compressed = media_map(archive, label)
        by_name: dict[str, str] = {}
        for member, original in members.items():
            try:
                name = safe_media_name(original)
            except MediaNameRefused:
                raise ImportRefused(
                    f"{label}: its media file {original!r} points outside the media folder; "
                    "nothing was imported"
                ) from None
            by_name.setdefault(name, member)
        present = set(archive.namelist())
        chosen = {name: by_name[name] for name in sorted(wanted) if name in by_name}
        for member in chosen.values():
            if member not in present:
                raise ImportRefused(
                    f"{label}: its media list names {members[member]!r} (file {member}), but "
                    "the package does not hold it; the package is incomplete, nothing was imported"
                )
            declared = archive.getinfo(member).file_size
            if not compressed and declared > MAX_MEDIA_BYTES:
                raise ImportRefused(_too_big(label, members[member]))
        result = PackageMedia(
            Path(tempfile.mkdtemp(prefix="lattice-media-")), {}, sorted(wanted - set(by_name))
        )
        try:
            for done, (name, member) in enumerate(chosen.items(), start=1):
                target = Path(str(result.folder)) / name
                what = f"{label}: media file {members[member]!r}"
                with archive.open(member) as stream, target.open("wb") as out:
                    source = (
                        zstandard.ZstdDecompressor().stream_reader(stream) if compressed else stream
                    )
                    try:
                        copy_limited(source, out, MAX_MEDIA_BYTES, what)
                    except ImportRefused:
                        raise ImportRefused(_too_big(label, members[member])) from None
                result.files[name] = target
                if step is not None:
                    step(done, len(chosen))
        except zstandard.ZstdError as exc:
            result.discard()
            raise ImportRefused(f"{label}: a media file is damaged ({exc})") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, zlib.error) as exc:
            result.discard()
            raise ImportRefused(f"{label}: a media file is damaged ({exc})") from None
        except BaseException:
            result.discard()
            raise
    return result


def _too_big(label: str, name: str) -> str:
    return (
        f"{label}: its media file {name!r} is larger than {_size(MAX_MEDIA_BYTES)}, "
        "more than Lattice keeps for one card; nothing was imported"
    )


def _size(count: int) -> str:
    return f"{count // MiB} MiB" if count >= MiB else f"{count} bytes"
