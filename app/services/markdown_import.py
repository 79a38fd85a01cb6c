"""Reading a folder of concept files in Lattice's own Markdown format (content/README.md)."""

from __future__ import annotations

from pathlib import Path

from app.domain.content_loader import ParsedFile, concept_files, parse_concept_file
from app.domain.import_rules import ImportRefused
from app.services.archive_safety import MiB

MAX_FILES = 5_000
MAX_FILE_BYTES = 4 * MiB


def read_folder(folder: Path) -> list[ParsedFile]:
    """Every concept file below `folder`, parsed; unreadable files refuse the import."""
    if not folder.is_dir():
        raise ImportRefused(f"{folder}: not a folder")
    paths = concept_files(folder)
    if len(paths) > MAX_FILES:
        raise ImportRefused(f"{folder.name}: {len(paths)} Markdown files; too many at once")
    parsed: list[ParsedFile] = []
    for path in paths:
        shown = path.relative_to(folder.parent)
        try:
            if path.is_symlink() or path.stat().st_size > MAX_FILE_BYTES:
                raise ImportRefused(f"{shown}: a link or a file over {MAX_FILE_BYTES // MiB} MiB")
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise ImportRefused(f"{shown}: not UTF-8 text") from None
        except OSError as exc:
            raise ImportRefused(f"{shown}: cannot be read ({exc.strerror or exc})") from None
        parsed.append(parse_concept_file(shown, text, user=True))
    return parsed
