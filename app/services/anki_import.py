"""Reading Anki packages (.apkg): the notes and their field names, nothing else.

An .apkg is a zip holding an SQLite collection: `collection.anki21b` (zstd-compressed, Anki
2.1.50 and later), `collection.anki21` or the legacy `collection.anki2`. Newer exports also
carry a stub `collection.anki2` whose only note asks the user to update Anki, so the newest
collection present is read. Media files are not imported. Nothing in a package is trusted: the
collection is streamed to a private temporary file under a size cap, opened read-only, refused
when it holds a view or trigger, and every query runs under a step budget; the note-to-card
rules live in app/domain/import_rules.py.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.anki_origin import AnkiNotetype
from app.domain.anki_progress import AnkiCard, AnkiReview
from app.domain.import_rules import AnkiNote, AnkiTemplate, ImportRefused
from app.domain.protobuf_fields import strings as proto_strings
from app.services.archive_safety import MiB, copy_limited, open_archive
from app.storage.schema_check import bounded

MAX_COLLECTION_BYTES = 1024 * MiB
MAX_NOTES = 50_000
OLDER_VERSIONS_OPTION = "Support older Anki versions"
STUB_TEXT = "please update to the latest anki version"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
SQLITE_MAGIC = b"SQLite format 3\x00"
# A real collection compresses a few times over; a bomb thousands of times. Decompression
# stops at the larger of the floor and RATIO x the compressed size.
ZSTD_FLOOR = 64 * MiB
ZSTD_RATIO = 200
# Progress-handler calls allowed for all queries of one import (every STEP VM instructions),
# plus one per 4 bytes of collection: a few passes over every row, finite for a hostile file.
BASE_STEPS = 2_000_000
BYTES_PER_STEP = 4
COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")


def _zstd_cap(compressed: int) -> int:
    return min(MAX_COLLECTION_BYTES, max(ZSTD_FLOOR, ZSTD_RATIO * compressed))


def extract_collection(path: Path, folder: Path) -> tuple[str, Path]:
    """(member name, file) of the newest collection in the package, unpacked into `folder`.

    Both the zip member and a zstd frame inside it are streamed to disk a chunk at a time
    under a size cap, so memory stays small whatever the package claims.
    """
    import zstandard

    label = path.name
    target = folder / "collection.sqlite"
    with open_archive(path, "Anki package") as archive:
        names = set(archive.namelist())
        name = next((n for n in COLLECTIONS if n in names), "")
        if not name:
            raise ImportRefused(
                f"{label}: no Anki collection inside (expected collection.anki2, "
                "collection.anki21 or collection.anki21b); is this an Anki package?"
            )
        what = f"{label}: {name}"
        try:
            with archive.open(name) as stream:
                head = stream.read(len(ZSTD_MAGIC))
            with archive.open(name) as stream, target.open("wb") as out:
                if head == ZSTD_MAGIC:
                    cap = _zstd_cap(archive.getinfo(name).file_size)
                    reader = zstandard.ZstdDecompressor().stream_reader(stream)
                    copy_limited(reader, out, cap, f"{what} (compressed)")
                else:
                    copy_limited(stream, out, MAX_COLLECTION_BYTES, what)
        except zstandard.ZstdError as exc:
            raise ImportRefused(f"{what}: the compressed collection is damaged ({exc})") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, zlib.error) as exc:
            raise ImportRefused(f"{what} is damaged ({exc})") from None
        except (NotImplementedError, RuntimeError) as exc:
            raise ImportRefused(f"{what} cannot be unpacked ({exc})") from None
    with target.open("rb") as unpacked:
        if unpacked.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise ImportRefused(f"{label}: {name} is not an Anki collection database")
    return name, target


@dataclass(frozen=True)
class _Model:
    names: list[str]
    cloze: bool
    templates: tuple[AnkiTemplate, ...]
    name: str = ""
    css: str = ""

    def notetype(self, ntid: int) -> AnkiNotetype:
        """What export needs to write this note type back (template names in order)."""
        ordered = sorted(self.templates, key=lambda t: t.ord)
        return AnkiNotetype(
            ntid,
            self.name,
            self.cloze,
            tuple(self.names),
            tuple((t.name or f"Card {t.ord + 1}", t.front, t.back) for t in ordered),
            self.css,
        )


def _template_formats(config: bytes) -> tuple[str, str]:
    """(front, back) from a newer collection's template config (protobuf fields 1 and 2)."""
    found = proto_strings(config, (1, 2))
    return found[1], found[2]


def _models(conn: sqlite3.Connection) -> dict[int, _Model]:
    """Note type id -> field names in order, whether it is a cloze type, its card templates."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    models: dict[int, _Model] = {}
    if {"notetypes", "fields"} <= tables:
        fields: dict[int, list[tuple[int, str]]] = {}
        for ntid, ord_, name in conn.execute("SELECT ntid, ord, name FROM fields"):
            fields.setdefault(int(ntid), []).append((int(ord_), str(name)))
        cloze_ids: set[int] = set()
        templates: dict[int, list[AnkiTemplate]] = {}
        if "templates" in tables:
            for ntid, ord_, name, config in conn.execute(
                "SELECT ntid, ord, name, config FROM templates"
            ):
                if isinstance(config, bytes):
                    if b"{{cloze:" in config:
                        cloze_ids.add(int(ntid))
                    front, back = _template_formats(config)
                    templates.setdefault(int(ntid), []).append(
                        AnkiTemplate(int(ord_), front, back, str(name))
                    )
        for ntid, name, config in conn.execute("SELECT id, name, config FROM notetypes"):
            names = [name for _, name in sorted(fields.get(int(ntid), []))]
            kind = proto_strings(config, (3,)) if isinstance(config, bytes) else {3: ""}
            models[int(ntid)] = _Model(
                names,
                int(ntid) in cloze_ids,
                tuple(templates.get(int(ntid), [])),
                str(name),
                kind[3],
            )
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
                tmpls = tuple(
                    AnkiTemplate(
                        int(t.get("ord", 0)),
                        str(t.get("qfmt", "")),
                        str(t.get("afmt", "")),
                        str(t.get("name", "")),
                    )
                    for t in model.get("tmpls") or []
                    if isinstance(t, dict)
                )
                models[int(mid)] = _Model(
                    names,
                    model.get("type") == 1,
                    tmpls,
                    str(model.get("name", "")),
                    str(model.get("css", "")),
                )
    return models


@dataclass(frozen=True)
class AnkiPackage:
    """What a package holds: its notes, and its cards' scheduling and answers."""

    notes: list[AnkiNote]
    cards: list[AnkiCard]
    reviews: list[AnkiReview]
    created: int  # `col.crt`: the collection's first day, epoch seconds
    notetypes: dict[int, AnkiNotetype] = field(default_factory=dict)  # of the notes read


def read_notes(path: Path) -> list[AnkiNote]:
    """Every note of the package, with its field names; refuses what is not a collection."""
    return read_package(path).notes


def read_package(path: Path) -> AnkiPackage:
    """Notes, cards and review history of the package; refuses what is not a collection."""
    label = path.name
    with tempfile.TemporaryDirectory(prefix="lattice-anki-") as tmp:
        member, db_file = extract_collection(path, Path(tmp))
        try:
            conn = sqlite3.connect(f"file:{db_file}?mode=ro&immutable=1", uri=True)
        except sqlite3.Error as exc:
            raise ImportRefused(f"{label}: cannot open {member} ({exc})") from None

        def too_long() -> ImportRefused:
            return ImportRefused(
                f"{label}: reading {member} took too long; it is not a normal Anki collection"
            )

        budget = BASE_STEPS + db_file.stat().st_size // BYTES_PER_STEP
        try:
            with bounded(conn, budget, too_long):
                notes, notetypes = _notes(conn, label, member)
                cards, reviews, created = _scheduling(conn)
                return AnkiPackage(notes, cards, reviews, created, notetypes)
        except sqlite3.Error as exc:
            raise ImportRefused(
                f"{label}: {member} is damaged or not an Anki collection ({exc})"
            ) from None
        except (ValueError, TypeError, RecursionError, OverflowError) as exc:
            raise ImportRefused(f"{label}: {member} has unreadable note types ({exc})") from None
        finally:
            conn.close()


def _scheduling(conn: sqlite3.Connection) -> tuple[list[AnkiCard], list[AnkiReview], int]:
    """Cards with their scheduling, answers, and the collection's first day."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not {"cards", "col"} <= tables:
        return [], [], 0
    row = conn.execute("SELECT crt FROM col").fetchone()
    created = int(row[0]) if row and isinstance(row[0], int) else 0
    guids = {int(nid): str(guid) for nid, guid in conn.execute("SELECT id, guid FROM notes")}
    cards = [
        AnkiCard(
            card_id=int(cid),
            note_guid=guids[int(nid)],
            ord=int(ord_),
            type=int(type_),
            queue=int(queue),
            due=int(due),
            interval=int(ivl),
            factor=int(factor),
            reps=int(reps),
            lapses=int(lapses),
            flags=int(flags),
            original_due=int(odue or 0),
            data=str(data or ""),
        )
        for cid, nid, ord_, type_, queue, due, ivl, factor, reps, lapses, flags, odue, data in (
            conn.execute(
                "SELECT id, nid, ord, type, queue, due, ivl, factor, reps, lapses, flags, odue, "
                "data FROM cards ORDER BY id"
            )
        )
        if int(nid) in guids
    ]
    reviews: list[AnkiReview] = []
    if "revlog" in tables:
        reviews = [
            AnkiReview(
                int(cid), int(at), int(ease), int(spent), int(kind), int(ivl), int(last), int(f)
            )
            for at, cid, ease, spent, kind, ivl, last, f in conn.execute(
                "SELECT id, cid, ease, time, type, ivl, lastIvl, factor FROM revlog ORDER BY id"
            )
        ]
    return cards, reviews, created


def _unicase(a: str, b: str) -> int:
    """Anki's case-insensitive collation, which its newer schema's indexes name."""
    x, y = a.casefold(), b.casefold()
    return (x > y) - (x < y)


def _notes(
    conn: sqlite3.Connection, label: str, member: str
) -> tuple[list[AnkiNote], dict[int, AnkiNotetype]]:
    conn.create_collation("unicase", _unicase)
    conn.execute("PRAGMA trusted_schema=OFF")
    _refuse_active_schema(conn, label, member)
    problem = conn.execute("PRAGMA quick_check").fetchone()
    if not problem or problem[0] != "ok":
        raise ImportRefused(
            f"{label}: {member} is damaged ({problem[0] if problem else 'unreadable'})"
        )
    models = _models(conn)
    (count,) = conn.execute("SELECT count(*) FROM notes").fetchone()
    if count > MAX_NOTES:
        raise ImportRefused(f"{label}: {count} notes; import at most {MAX_NOTES} at once")
    card_ords = _card_ords(conn)
    decks = _note_decks(conn)
    notes: list[AnkiNote] = []
    for position, (nid, guid, mid, tags, flds) in enumerate(
        conn.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id"), start=1
    ):
        values = str(flds or "").split("\x1f")
        model = models.get(int(mid), _Model([], False, ()))
        names = model.names + [f"Field {i + 1}" for i in range(len(model.names), len(values))]
        ords = card_ords.get(int(nid))
        notes.append(
            AnkiNote(
                guid=str(guid),
                fields=tuple(zip(names, values, strict=False)),
                cloze=model.cloze,
                tags=tuple(str(tags or "").split()),
                where=f"{label}: note {position}",
                templates=tuple(t for t in model.templates if ords is None or t.ord in ords),
                deck=decks.get(int(nid), ""),
                notetype=int(mid),
            )
        )
    if len(notes) == 1 and member == "collection.anki2" and _is_stub(notes[0]):
        raise ImportRefused(
            f"{label} was exported for newer Anki versions only. In Anki, choose File ▸ Export, "
            f"tick “{OLDER_VERSIONS_OPTION}” and import that file instead."
        )
    used = {note.notetype for note in notes}
    return notes, {ntid: model.notetype(ntid) for ntid, model in models.items() if ntid in used}


def _deck_names(conn: sqlite3.Connection, tables: set[str]) -> dict[int, str]:
    """Deck id -> "Parent › Child" from either schema."""
    names: dict[int, str] = {}
    if "decks" in tables:
        for did, name in conn.execute("SELECT id, name FROM decks"):
            names[int(did)] = " › ".join(str(name).split("\x1f"))
    elif "col" in tables:
        row = conn.execute("SELECT decks FROM col").fetchone()
        raw: Any = json.loads(row[0]) if row and row[0] else {}
        if isinstance(raw, dict):
            for did, deck in raw.items():
                if isinstance(deck, dict):
                    names[int(did)] = " › ".join(str(deck.get("name", "")).split("::"))
    return names


def _note_decks(conn: sqlite3.Connection) -> dict[int, str]:
    """Note id -> the deck of its first card (a filtered deck's card: its home deck)."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "cards" not in tables:
        return {}
    names = _deck_names(conn, tables)
    decks: dict[int, str] = {}
    for nid, did, odid in conn.execute("SELECT nid, did, odid FROM cards ORDER BY ord, id"):
        decks.setdefault(int(nid), names.get(int(odid or did), ""))
    return decks


def _card_ords(conn: sqlite3.Connection) -> dict[int, set[int]]:
    """Note id -> the card ordinals it has (a reversed note may lack its reverse card)."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    ords: dict[int, set[int]] = {}
    if "cards" in tables:
        for nid, ord_ in conn.execute("SELECT nid, ord FROM cards"):
            ords.setdefault(int(nid), set()).add(int(ord_))
    return ords


def _refuse_active_schema(conn: sqlite3.Connection, label: str, member: str) -> None:
    """Anki collections hold tables and indexes only; a view or trigger is someone's trap
    (a recursive view named `notes` never finishes), so it is refused before any read."""
    for kind, name in conn.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('view', 'trigger') ORDER BY name"
    ):
        raise ImportRefused(
            f"{label}: {member} contains a {kind} ({name}); Anki collections never do, "
            "so it was not read"
        )
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "notes" not in tables:
        raise ImportRefused(f"{label}: {member} has no notes table; is this an Anki collection?")


def _is_stub(note: AnkiNote) -> bool:
    text = " ".join(re.sub(r"<[^>]*>", " ", v).lower() for _, v in note.fields)
    return STUB_TEXT in " ".join(text.split())
