"""Reading zip archives from elsewhere without trusting them.

Member names are checked for path traversal (absolute paths, `..`, drive letters, backslashes)
before anything is read, and sizes are capped both as declared and as actually decompressed,
so a small archive that inflates to gigabytes (a "zip bomb") is refused early.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from app.domain.import_rules import ImportRefused

MiB = 1024 * 1024
CHUNK = 1 * MiB
ENCRYPTED = 0x1  # general-purpose flag bit 0 of a zip member


@dataclass(frozen=True)
class Limits:
    max_entries: int = 20_000
    max_entry_bytes: int = 512 * MiB
    max_total_bytes: int = 2048 * MiB
    max_ratio: int = 200  # uncompressed / compressed, for entries above 1 MiB


def unsafe_name(name: str) -> bool:
    """Whether a member name could escape the folder it is extracted into."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return True
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        return True
    return bool(path.parts) and ":" in path.parts[0]


def open_archive(path: Path, what: str, limits: Limits | None = None) -> zipfile.ZipFile:
    """A checked zip file; refuses traversal names and sizes over `limits`."""
    limits = limits or Limits()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportRefused(f"{path.name}: not a readable {what} ({exc})") from None
    try:
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise ImportRefused(f"{path.name}: {len(infos)} files inside; too many for a {what}")
        total = 0
        for info in infos:
            if info.flag_bits & ENCRYPTED:
                raise ImportRefused(
                    f"{path.name}: {info.filename} is encrypted (password-protected); "
                    "Lattice cannot read it. Export it again without a password."
                )
            if unsafe_name(info.filename):
                raise ImportRefused(
                    f"{path.name}: refused, it holds a file named {info.filename!r} "
                    "that points outside the archive"
                )
            if info.file_size > limits.max_entry_bytes:
                raise ImportRefused(
                    f"{path.name}: {info.filename} would unpack to {info.file_size // MiB} MiB; "
                    "too large"
                )
            if info.file_size > MiB and info.file_size > limits.max_ratio * max(
                1, info.compress_size
            ):
                raise ImportRefused(
                    f"{path.name}: {info.filename} is compressed suspiciously well "
                    f"({info.file_size // max(1, info.compress_size)}:1); refused as a zip bomb"
                )
            total += info.file_size
        if total > limits.max_total_bytes:
            raise ImportRefused(f"{path.name}: would unpack to {total // MiB} MiB; too large")
    except ImportRefused:
        archive.close()
        raise
    return archive


def read_limited(stream: IO[bytes], limit: int, what: str) -> bytes:
    """Read at most `limit` bytes, refusing a stream that holds more."""
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(min(CHUNK, limit + 1 - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
        if size > limit:
            raise ImportRefused(f"{what} unpacks to more than {limit // MiB} MiB; refused")
    return b"".join(parts)


def read_member(archive: zipfile.ZipFile, name: str, limit: int, label: str) -> bytes:
    """One member's bytes, with the size checked while decompressing."""
    try:
        with archive.open(name) as stream:
            return read_limited(stream, limit, f"{label}: {name}")
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, zlib.error) as exc:
        raise ImportRefused(f"{label}: {name} is damaged ({exc})") from None
    except (NotImplementedError, RuntimeError) as exc:  # unknown method, or a password
        raise ImportRefused(f"{label}: {name} cannot be unpacked ({exc})") from None


def copy_limited(stream: IO[bytes], out: IO[bytes], limit: int, what: str) -> int:
    """Copy at most `limit` bytes chunk by chunk (memory stays at one chunk); the size copied."""
    size = 0
    while True:
        chunk = stream.read(min(CHUNK, limit + 1 - size))
        if not chunk:
            return size
        size += len(chunk)
        if size > limit:
            raise ImportRefused(f"{what} unpacks to more than {limit // MiB} MiB; refused")
        out.write(chunk)
