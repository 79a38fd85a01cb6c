"""Reading Anki packages (.apkg): the notes and their field names, nothing else.

An .apkg is a zip holding an SQLite collection: `collection.anki21b` (zstd-compressed, Anki
2.1.50 and later), `collection.anki21` or the legacy `collection.anki2`. Newer exports also
carry a stub `collection.anki2` whose only note asks the user to update Anki, so the newest
collection present is read. Media files are not imported. The collection is opened read-only
from a private temporary copy; the note-to-card rules live in app/domain/import_rules.py.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from app.domain.import_rules import AnkiNote, ImportRefused
from app.services.archive_safety import MiB, open_archive, read_limited, read_member

MAX_COLLECTION_BYTES = 1024 * MiB
MAX_NOTES = 50_000
OLDER_VERSIONS_OPTION = "Support older Anki versions"
STUB_TEXT = "please update to the latest anki version"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def _zstd_decompress(data: bytes, label: str) -> bytes:
    try:
        import zstandard
    except ImportError:  # pragma: no cover - zstandard is a dependency
        raise ImportRefused(
            f"{label} uses Anki's newer compressed format. In Anki, choose File ▸ Export, "
            f"tick “{OLDER_VERSIONS_OPTION}” and import that file instead."
        ) from None
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(data)
        return read_limited(reader, MAX_COLLECTION_BYTES, label)
    except zstandard.ZstdError as exc:
        raise ImportRefused(f"{label}: the compressed collection is damaged ({exc})") from None


def read_collection_bytes(path: Path) -> tuple[str, bytes]:
    """(member name, SQLite bytes) of the newest collection in the package."""
    label = path.name
    with open_archive(path, "Anki package") as archive:
        names = set(archive.namelist())
        for name in ("collection.anki21b", "collection.anki21", "collection.anki2"):
            if name in names:
                data = read_member(archive, name, MAX_COLLECTION_BYTES, label)
                break
        else:
            raise ImportRefused(
                f"{label}: no Anki collection inside (expected collection.anki2, "
                "collection.anki21 or collection.anki21b); is this an Anki package?"
            )
    if data.startswith(ZSTD_MAGIC):
        data = _zstd_decompress(data, label)
    if not data.startswith(b"SQLite format 3\x00"):
        raise ImportRefused(f"{label}: {name} is not an Anki collection database")
    return name, data


def _models(conn: sqlite3.Connection) -> dict[int, tuple[list[str], bool]]:
    """Note type id -> (field names in order, is cloze), from either schema."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    models: dict[int, tuple[list[str], bool]] = {}
    if {"notetypes", "fields"} <= tables:
        fields: dict[int, list[tuple[int, str]]] = {}
        for ntid, ord_, name in conn.execute("SELECT ntid, ord, name FROM fields"):
            fields.setdefault(int(ntid), []).append((int(ord_), str(name)))
        cloze_ids: set[int] = set()
        if "templates" in tables:
            for ntid, config in conn.execute("SELECT ntid, config FROM templates"):
                if isinstance(config, bytes) and b"{{cloze:" in config:
                    cloze_ids.add(int(ntid))
        for (ntid,) in conn.execute("SELECT id FROM notetypes"):
            names = [name for _, name in sorted(fields.get(int(ntid), []))]
            models[int(ntid)] = (names, int(ntid) in cloze_ids)
        return models
    if "col" in tables:
        row = conn.execute("SELECT models FROM col").fetchone()
        raw: Any = json.loads(row[0]) if row and row[0] else {}
        if isinstance(raw, dict):
            for mid, model in raw.items():
                if not isinstance(model, dict):
                    continue
                flds = model.get("flds") or []
                names = [
                    str(f.get("name", ""))
                    for f in sorted(
                        (f for f in flds if isinstance(f, dict)), key=lambda f: f.get("ord", 0)
                    )
                ]
                models[int(mid)] = (names, model.get("type") == 1)
    return models


def read_notes(path: Path) -> list[AnkiNote]:
    """Every note of the package, with its field names; refuses what is not a collection."""
    member, data = read_collection_bytes(path)
    label = path.name
    with tempfile.TemporaryDirectory(prefix="lattice-anki-") as tmp:
        db_file = Path(tmp) / "collection.sqlite"
        db_file.write_bytes(data)
        try:
            conn = sqlite3.connect(f"file:{db_file}?mode=ro&immutable=1", uri=True)
        except sqlite3.Error as exc:
            raise ImportRefused(f"{label}: cannot open {member} ({exc})") from None
        try:
            return _notes(conn, label, member)
        except sqlite3.Error as exc:
            raise ImportRefused(
                f"{label}: {member} is damaged or not an Anki collection ({exc})"
            ) from None
        except (ValueError, TypeError) as exc:
            raise ImportRefused(f"{label}: {member} has unreadable note types ({exc})") from None
        finally:
            conn.close()


def _unicase(a: str, b: str) -> int:
    """Anki's case-insensitive collation, which its newer schema's indexes name."""
    x, y = a.casefold(), b.casefold()
    return (x > y) - (x < y)


def _notes(conn: sqlite3.Connection, label: str, member: str) -> list[AnkiNote]:
    conn.create_collation("unicase", _unicase)
    conn.execute("PRAGMA trusted_schema=OFF")
    problem = conn.execute("PRAGMA quick_check").fetchone()
    if not problem or problem[0] != "ok":
        raise ImportRefused(
            f"{label}: {member} is damaged ({problem[0] if problem else 'unreadable'})"
        )
    models = _models(conn)
    (count,) = conn.execute("SELECT count(*) FROM notes").fetchone()
    if count > MAX_NOTES:
        raise ImportRefused(f"{label}: {count} notes; import at most {MAX_NOTES} at once")
    notes: list[AnkiNote] = []
    for position, (guid, mid, tags, flds) in enumerate(
        conn.execute("SELECT guid, mid, tags, flds FROM notes ORDER BY id"), start=1
    ):
        values = str(flds or "").split("\x1f")
        names, cloze = models.get(int(mid), ([], False))
        names = names + [f"Field {i + 1}" for i in range(len(names), len(values))]
        notes.append(
            AnkiNote(
                guid=str(guid),
                fields=tuple(zip(names, values, strict=False)),
                cloze=cloze,
                tags=tuple(str(tags or "").split()),
                where=f"{label}: note {position}",
            )
        )
    if len(notes) == 1 and member == "collection.anki2" and _is_stub(notes[0]):
        raise ImportRefused(
            f"{label} was exported for newer Anki versions only. In Anki, choose File ▸ Export, "
            f"tick “{OLDER_VERSIONS_OPTION}” and import that file instead."
        )
    return notes


def _is_stub(note: AnkiNote) -> bool:
    text = " ".join(re.sub(r"<[^>]*>", " ", v).lower() for _, v in note.fields)
    return STUB_TEXT in " ".join(text.split())
