"""Names of the files in the user's media folder, and how cards refer to them.

A card refers to a file in the media folder as `media:<name>`: `![alt](media:curve.png)` shows
an image, `[▶ hello.mp3](media:hello.mp3)` is a sound to play. A stored name is one plain
file name (no folder, no `..`, no leading dot, no control or shell-special characters, at
most MAX_NAME_CHARS), so resolving it inside the media folder can never reach another file.
Names from elsewhere (an Anki package) are made safe by `safe_media_name`; a name that tries
to leave its folder is refused outright rather than quietly renamed.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

MEDIA_SCHEME = "media:"
MAX_NAME_CHARS = 120
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".svg"})
# What `[sound:…]` may play (Anki plays video the same way); nothing else is ever opened.
SOUND_SUFFIXES = frozenset(
    {".mp3", ".ogg", ".oga", ".opus", ".wav", ".m4a", ".aac", ".flac", ".mp4", ".webm"}
)
# Windows refuses these as file names whatever the extension.
RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)
_UNSAFE_CHARS = re.compile(r"[^\w.\- ]+|\s+")
_RUNS = re.compile(r"-{2,}")
_DOTS = re.compile(r"\.{2,}")
_STORED = re.compile(r"^[\w\-][\w.\-]{0,119}$")
# A media reference in stored Markdown: an image or a link whose target is media:<name>.
MEDIA_REF = re.compile(r"(!?)\[([^\[\]\n]{0,500})\]\(media:([\w.\-]{1,200})\)")


class MediaNameRefused(ValueError):
    """A file name that names a folder or tries to leave the media folder."""


def escapes_folder(raw: str) -> bool:
    """Whether `raw` names anything but a file directly in its folder."""
    if not raw or "\x00" in raw or "/" in raw or "\\" in raw:
        return True
    path = PurePosixPath(raw)
    return path.is_absolute() or raw in (".", "..") or ":" in raw[:3]


def safe_media_name(raw: str) -> str:
    """The name a file from elsewhere is stored under: NFC letters, digits, `.`, `_`, `-`;
    other characters become `-`; no leading dot; the suffix kept; at most MAX_NAME_CHARS.

    Raises MediaNameRefused for a name with a folder part, `..` or a drive letter."""
    if escapes_folder(raw):
        raise MediaNameRefused(f"the media file name {raw!r} points outside the media folder")
    name = _cleaned(raw)
    for _ in range(8):  # each pass only shortens or keeps: stop at the fixed point
        again = _cleaned(name)
        if again == name:
            break
        name = again
    return name


def _cleaned(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw)
    stem, dot, suffix = text.rpartition(".")
    if not dot or not stem.strip(". "):
        stem, suffix = text, ""
    suffix = re.sub(r"[^A-Za-z0-9]", "", suffix).lower()[:10]
    stem = _RUNS.sub("-", _UNSAFE_CHARS.sub("-", stem))
    stem = _DOTS.sub(".", stem).strip("-. ")
    stem = "".join(ch for ch in stem if ch.isalnum() or ch in "._-") or "file"
    if stem.split(".")[0].lower() in RESERVED:
        stem = f"file-{stem}"
    room = MAX_NAME_CHARS - (len(suffix) + 1 if suffix else 0)
    stem = stem[:room].rstrip("-. ") or "file"
    return f"{stem}.{suffix}" if suffix else stem


def is_media_name(name: str) -> bool:
    """Whether `name` is a name the media folder can hold (what `safe_media_name` makes)."""
    if not _STORED.fullmatch(name) or escapes_folder(name) or ".." in name:
        return False
    return safe_media_name(name) == name


def is_image(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES


def is_sound(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in SOUND_SUFFIXES


def image_ref(name: str, alt: str = "") -> str:
    """Markdown showing the media file `name` (a stored name) as an image."""
    return f"![{alt}]({MEDIA_SCHEME}{name})"


def sound_ref(name: str) -> str:
    """Markdown for the media file `name` as a link that plays it."""
    return f"[▶ {name.replace('_', chr(92) + '_')}]({MEDIA_SCHEME}{name})"


def referenced(text: str) -> list[str]:
    """The media names a Markdown text refers to, in order, once each."""
    return list(dict.fromkeys(m.group(3) for m in MEDIA_REF.finditer(text)))


def rename_refs(text: str, renames: dict[str, str]) -> str:
    """`text` with each `media:<old>` reference pointing at `renames[old]` instead."""
    if not renames:
        return text

    def swap(match: re.Match[str]) -> str:
        bang, label, name = match.groups()
        new = renames.get(name, name)
        if new == name:
            return match.group(0)
        if not bang:
            label = label.replace(name.replace("_", "\\_"), new.replace("_", "\\_"))
        return f"{bang}[{label}]({MEDIA_SCHEME}{new})"

    return MEDIA_REF.sub(swap, text)


def drop_refs(text: str, missing: set[str]) -> str:
    """`text` with references to `missing` files shown as text: an image as its alt text
    (or name), a sound as its name."""
    if not missing:
        return text

    def plain(match: re.Match[str]) -> str:
        bang, label, name = match.groups()
        if name not in missing:
            return match.group(0)
        return (label or name.replace("_", "\\_")) if bang else label

    return MEDIA_REF.sub(plain, text)


def plain_text(text: str) -> str:
    """`text` with its media references as short plain words, for one-line lists."""

    def word(match: re.Match[str]) -> str:
        bang, label, name = match.groups()
        return f"[image: {label or name}]" if bang else f"[sound: {name}]"

    return MEDIA_REF.sub(word, text)


def without_refs(text: str) -> str:
    """`text` with its media references left out (shown beside it instead)."""
    return " ".join(MEDIA_REF.sub(" ", text).split())
