"""The user's media folder as the screens and the exporters see it.

The screens ask for a file by the name a card gives (`media:<name>`) and get a path only for
a regular file inside the folder; the Anki exporter turns the rendered references back into
what Anki expects (`<img src="name">`, `[sound:name]`) and lists the files to pack.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from app.domain.media_names import is_image, is_sound
from app.storage.media_store import MediaStore, media_dir


class MediaLibrary:
    """Read-only look-ups in `DATA/media/`."""

    def __init__(self, data_dir: Path) -> None:
        self.store = MediaStore(media_dir(data_dir))

    @property
    def folder(self) -> Path:
        return self.store.folder

    def image_path(self, name: str) -> Path | None:
        return self.store.path_of(name) if is_image(name) else None

    def sound_path(self, name: str) -> Path | None:
        """A sound (or video) to hand to the system's player; never any other kind of file,
        so a link can not make the system open, say, a program."""
        return self.store.path_of(name) if is_sound(name) else None

    def path_of(self, name: str) -> Path | None:
        return self.store.path_of(name)


_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")media:([^"]+)(")')
_SOUND_LINK = re.compile(r'<a href="media:([^"]+)">[^<]*</a>')


def anki_media_html(rendered: str, library: MediaLibrary | None) -> tuple[str, list[Path]]:
    """Rendered card HTML as Anki shows media: `<img src="name">` and `[sound:name]`; with
    the files to pack. A reference to a file not in the folder is left as its name."""
    files: dict[str, Path] = {}

    def found(name: str) -> Path | None:
        name = html.unescape(name)
        path = library.path_of(name) if library is not None else None
        if path is not None:
            files[name] = path
        return path

    def image(match: re.Match[str]) -> str:
        if found(match.group(2)) is None:
            return f"{match.group(1)}{match.group(3)}"
        return f"{match.group(1)}{match.group(2)}{match.group(3)}"

    def sound(match: re.Match[str]) -> str:
        name = match.group(1)
        if found(name) is None:
            return html.escape(html.unescape(name))
        return f"[sound:{name}]"

    out = _SOUND_LINK.sub(sound, _IMG_SRC.sub(image, rendered))
    return out, list(files.values())


_FIELD_MEDIA = re.compile(
    r"""<img\b[^>]*?\bsrc=(?:"([^"]+)"|'([^']+)')|\[sound:([^\]\n]{1,300})\]""", re.IGNORECASE
)


def _renamed(stored: str, name: str) -> bool:
    """Whether `stored` is `name` given a digest because the name was taken (media_store)."""
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, f".{suffix}") if dot else (name, "")
    head, tail = f"{stem[:100]}-", suffix
    middle = stored[len(head) : len(stored) - len(tail)] if tail else stored[len(head) :]
    return (
        stored.startswith(head)
        and stored.endswith(tail)
        and re.fullmatch(r"[0-9a-f]{10}", middle) is not None
    )


def original_media(
    fields: list[str], lattice_texts: list[str], library: MediaLibrary | None
) -> dict[str, Path]:
    """The files an Anki note's own fields show (a card going back as the note it came
    from), by the names those fields use, found in the media folder under the names the
    import gave them (`lattice_texts` are the cards' Lattice texts, which refer to those)."""
    from app.domain.html_markdown import media_name_of
    from app.domain.media_names import referenced

    if library is None:
        return {}
    stored = list(dict.fromkeys(n for text in lattice_texts for n in referenced(text)))
    found: dict[str, Path] = {}
    for value in fields:
        for match in _FIELD_MEDIA.finditer(value):
            raw = html.unescape(next(g for g in match.groups() if g))
            name = media_name_of(raw)
            if name is None:
                continue
            chosen = (
                name if name in stored else next((s for s in stored if _renamed(s, name)), name)
            )
            path = library.path_of(chosen)
            if path is not None:
                found[raw] = path
    return found
