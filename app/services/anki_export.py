"""Export cards to an Anki package (.apkg): genanki writes the notes, then their scheduling.

One note per card: the question on the front; on the back the answer rendered as HTML (code
highlighted with inline styles, so it needs no stylesheet) and the key points. Each note's GUID
is derived from the card id, and the note type and deck ids are fixed, so exporting again and
importing into Anki updates the notes instead of adding duplicates. One subdeck per area.

A card that came from Anki goes back as the note it came from (its GUID, note type, fields,
deck and card ordinal, kept in the import record), so Anki updates that note in place.

With progress (the default), genanki's collection is finished before it is zipped: every
card gets its type, queue, due day, interval, ease, counts and FSRS memory (`cards.data`),
and every review in Lattice's log becomes a `revlog` row (its id is the review's millisecond,
so a review exported twice is added to Anki once). Anki imports scheduling only into cards
it does not have yet (a fresh profile, or notes it has never seen).
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import os
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

import genanki

from app.domain.anki_origin import AnkiNotetype, ImportRecord
from app.domain.anki_progress import anki_schedule, revlog_rows
from app.domain.content import Card, ContentBank
from app.domain.content_loader import study_order
from app.domain.import_rules import basic_field_indexes, fingerprint
from app.domain.progress_events import Event
from app.domain.scheduling import CardMemory
from app.services.media import MediaLibrary, anki_media_html, original_media
from app.services.render import question_html, render_markdown, web_code_css

if TYPE_CHECKING:
    from app.services.context import AppContext

MODEL_ID = 1_607_400_211  # never change: Anki matches notes to this note type on re-import
MODEL_NAME = "Lattice card"
ROOT_DECK = "Lattice"
GUID_NAMESPACE = "lattice-card"
FIELDS = ["Question", "Answer", "Key points", "Lattice id"]

# On a narrow phone (390 px) only a code block scrolls sideways: the card wraps long words,
# a wide table or picture shrinks or scrolls inside itself. Code takes Pygments' day colours,
# and its night colours under Anki's night mode (render.web_code_css, appended in `model`).
CSS = """
.card { font-family: -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 18px;
        text-align: left; color: #1f2328; background: #ffffff; line-height: 1.45;
        overflow-wrap: anywhere; }
.nightMode .card, .card.nightMode { color: #e6edf3; background: #0d1117; }
.nightMode a, .card.nightMode a { color: #58a6ff; }
.question { font-size: 21px; font-weight: 600; }
.keypoints { margin-top: 14px; padding: 8px 12px; border-left: 4px solid #0b63c5;
             background: rgba(11, 99, 197, 0.08); }
.nightMode .keypoints, .card.nightMode .keypoints { background: rgba(88, 166, 255, 0.12); }
.keypoints ul { margin: 4px 0 0 0; }
pre, code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 15px; }
code { background: rgba(127, 127, 127, 0.15); padding: 0 3px; border-radius: 3px; }
.code { max-width: 100%; overflow-x: auto; border-radius: 6px; margin: 10px 0; }
.code pre { margin: 0; padding: 10px 12px; overflow-wrap: normal; white-space: pre; }
.code code, pre code { background: none; padding: 0; }
table { display: block; max-width: 100%; overflow-x: auto; border-collapse: collapse; }
img { max-width: 100%; height: auto; }
"""
# After Pygments' rules, which would give code the card's own background.
CODE_BACKGROUNDS = """
.code { background: #f6f8fa; border: 1px solid #d0d7de; }
.nightMode .code, .card.nightMode .code { background: #161b22; border-color: #3d444d; }
"""

FRONT = '<div class="question">{{Question}}</div>'
BACK = (
    "{{FrontSide}}<hr id=answer>{{Answer}}"
    '{{#Key points}}<div class="keypoints"><b>Key points</b>{{Key points}}</div>{{/Key points}}'
)


def note_guid(card_id: str) -> str:
    """The Anki GUID of a card's note: a function of the card id alone."""
    return str(genanki.guid_for(GUID_NAMESPACE, card_id))


def _stable_id(text: str) -> int:
    """A deck id in genanki's recommended range, fixed for a given name."""
    value = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
    return (1 << 30) + value % (1 << 30)


def model() -> genanki.Model:
    return genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Question and answer", "qfmt": FRONT, "afmt": BACK}],
        css=CSS + web_code_css() + CODE_BACKGROUNDS,
    )


# What Anki (and genanki's check) rejects as a tag: a '<' that starts no valid tag, as in a
# formula like "i<j} ... >" that Markdown passed through. It was text, so it is shown as text.
_NOT_A_TAG = re.compile(r"<(?!/?[a-zA-Z0-9]+(?: [^<>]*|/?)>|!--)")


def answer_html(answer: str) -> str:
    return _NOT_A_TAG.sub("&lt;", render_markdown(answer, False, web=True))


def card_fields(
    card: Card, media: MediaLibrary | None = None, files: dict[str, Path] | None = None
) -> list[str]:
    """The note's fields; the media files they show are added to `files` (by name)."""
    question, shown = anki_media_html(question_html(card.question), media)
    answer, more = anki_media_html(answer_html(card.answer), media)
    if files is not None:
        files.update({path.name: path for path in shown + more})
    points = "".join(f"<li>{html.escape(p)}</li>" for p in card.key_points)
    return [
        question,
        answer,
        f"<ul>{points}</ul>" if points else "",
        html.escape(card.id),
    ]


def card_tags(bank: ContentBank, card: Card) -> list[str]:
    concept = bank.concepts.get(card.concept)
    tags = ["lattice", f"lattice::concept::{card.concept}"]
    if concept is not None:
        tags.insert(1, f"lattice::area::{concept.area}")
    if card.user:
        tags.append("lattice::mine")
    return tags


@dataclass(frozen=True)
class AnkiExport:
    path: Path
    notes: int
    decks: int
    studied: int = 0  # cards that went with their progress
    reviews: int = 0  # review-log rows that went as Anki revlog rows
    edits_not_exported: int = 0  # edits of cloze or reverse cards from Anki (kept here)


@dataclass(frozen=True)
class CardProgressOut:
    """One card's progress as export needs it: its schedule, marks and reviews."""

    memory: CardMemory
    suspended: bool = False
    flagged: bool = False
    events: tuple[Event, ...] = ()  # reviews (and reschedules imported from Anki)


@dataclass(frozen=True)
class Scheduling:
    """Progress to export with the cards, and what turns it into Anki's terms."""

    cards: Mapping[str, CardProgressOut]
    local_tz: tzinfo = UTC
    day_starts_at_hour: int = 4
    desired_retention: float = 0.9
    decay: float = 0.1542  # FSRS-6's default; the learner's own when fitted


# Review cards are due on a day counted from the collection's creation (`col.crt`). The
# package's collection is dated this many study days before the export, so every due day of
# a card studied here is a positive number; Anki shifts them to its own days on import.
CREATED_DAYS_BEFORE = 10_000


@dataclass
class _Planned:
    """A note to write and the cards of it that carry Lattice cards (ordinal -> card id)."""

    note: genanki.Note
    cards: dict[int, str]


def _origin_model(kind: AnkiNotetype) -> genanki.Model:
    """An Anki note type written back with its own id, names, templates and styling."""
    return genanki.Model(
        kind.id,
        kind.name,
        fields=[{"name": name} for name in kind.fields],
        templates=[{"name": n, "qfmt": q, "afmt": a} for n, q, a in kind.templates],
        css=kind.css,
        model_type=genanki.Model.CLOZE if kind.cloze else genanki.Model.FRONT_BACK,
    )


def _write_edit(
    note: genanki.Note,
    kind: AnkiNotetype,
    card: Card,
    media: MediaLibrary | None,
    files: dict[str, Path],
) -> None:
    """A card from a basic Anki note, edited in Lattice: its question and answer go into
    the fields the import read them from."""
    question, answer = basic_field_indexes(kind.fields)
    shown = card_fields(card, media, files)
    note.fields[question] = shown[0]
    if answer is not None:
        note.fields[answer] = shown[1]


def export_anki(
    bank: ContentBank,
    out: Path,
    now: datetime,
    areas: Sequence[str] = (),
    scheduling: Scheduling | None = None,
    origins: ImportRecord | None = None,
    media: MediaLibrary | None = None,
) -> AnkiExport:
    """Write the cards (of `areas`, or all) to `out`; the file appears only when complete.

    With `scheduling`, each card goes with its progress and reviews, so Anki continues
    where Lattice left off. Cards that came from Anki (`origins`) go back as the notes they
    came from (same GUID, note type and card ordinal), so Anki updates them in place.
    """
    unknown = sorted(set(areas) - set(bank.areas))
    if unknown:
        raise ValueError(
            f"unknown area {unknown[0]!r}; choose from {', '.join(sorted(bank.areas))}"
        )
    the_model = model()
    origins = origins or ImportRecord()
    models: dict[int, genanki.Model] = {}
    files: dict[str, Path] = {}  # the media the cards show, by their name in the package
    decks: dict[str, genanki.Deck] = {}
    planned: dict[str, _Planned] = {}  # by note GUID
    kept_in_lattice = 0  # edits Anki's note cannot take (a cloze or reverse card's)
    order: dict[str, int] = {}  # card id -> position in study order (new cards' due)

    def deck(name: str, key: str) -> genanki.Deck:
        if name not in decks:
            decks[name] = genanki.Deck(_stable_id(key), name)
        return decks[name]

    for card_id in study_order(bank):
        card = bank.cards[card_id]
        concept = bank.concepts.get(card.concept)
        if concept is None or (areas and concept.area not in areas):
            continue
        order[card_id] = len(order)
        origin = origins.origin(card_id)
        if origin is not None:
            guid, ordinal, note, kind = origin
            if guid not in planned:
                if kind.id not in models:
                    models[kind.id] = _origin_model(kind)
                planned[guid] = _Planned(
                    genanki.Note(model=models[kind.id], fields=list(note.fields), guid=guid), {}
                )
                deck_name = note.deck or ROOT_DECK
                deck(deck_name, f"anki-deck:{deck_name}").add_note(planned[guid].note)
            imported = origins.fingerprints.get(card_id)
            if imported and imported != fingerprint(card.question, card.answer):
                if ordinal == 0 and not kind.cloze:
                    _write_edit(planned[guid].note, kind, card, media, files)
                else:
                    kept_in_lattice += 1
            planned[guid].cards[ordinal] = card_id
            continue
        area = bank.areas.get(concept.area)
        title = area.title if area else concept.area
        guid = note_guid(card.id)
        planned[guid] = _Planned(
            genanki.Note(
                model=the_model,
                fields=card_fields(card, media, files),
                tags=card_tags(bank, card),
                guid=guid,
            ),
            {0: card_id},
        )
        deck(f"{ROOT_DECK}::{title}", f"deck:{concept.area}").add_note(planned[guid].note)
    for kept in planned.values():  # notes going back as they came: the media they show
        if kept.note.model is not the_model:
            texts = [
                bank.cards[c].question + "\n" + bank.cards[c].answer for c in kept.cards.values()
            ]
            files.update(original_media(list(kept.note.fields), texts, media))
    if not order:
        raise ValueError("no cards to export")
    out = out.with_suffix(".apkg") if out.suffix.lower() != ".apkg" else out
    partial = out.with_name(out.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="lattice-export-") as tmp:
        collection = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(collection)
        try:
            ids = itertools.count(int(now.timestamp() * 1000))
            genanki.Package(list(decks.values())).write_to_db(conn.cursor(), now.timestamp(), ids)
            studied = reviews = 0
            if scheduling is not None:
                studied, reviews = _write_scheduling(
                    conn, planned, order, scheduling, origins, now, ids
                )
            conn.commit()
        finally:
            conn.close()
        try:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.write(collection, "collection.anki2")
                names = sorted(files)
                archive.writestr(
                    "media", json.dumps({str(n): name for n, name in enumerate(names)})
                )
                for n, name in enumerate(names):
                    archive.write(files[name], str(n))
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
    return AnkiExport(out, len(planned), len(decks), studied, reviews, kept_in_lattice)


def scheduling_of(ctx: AppContext, card_ids: Sequence[str]) -> Scheduling:
    """The cards' progress and reviews, and the learner's settings, for an export."""
    stored = ctx.store.progress_with_history(card_ids)
    settings = ctx.settings
    parameters = settings.fsrs_parameters
    return Scheduling(
        {
            cid: CardProgressOut(p.memory, p.suspended, p.flagged, tuple(events))
            for cid, (p, events) in stored.items()
        },
        ctx.clock.local_tz,
        settings.day_starts_at_hour,
        settings.desired_retention,
        parameters[20] if len(parameters) > 20 else Scheduling.decay,
    )


def export_from(
    ctx: AppContext, out: Path, areas: Sequence[str] = (), *, with_progress: bool = True
) -> AnkiExport:
    """Export the bank of an opened data folder: with progress by default, and the cards
    that came from Anki as their own notes (the import record)."""
    from app.services.card_import import CardImportService

    origins = CardImportService(ctx).record()
    scheduling = scheduling_of(ctx, list(ctx.bank.cards)) if with_progress else None
    media = MediaLibrary(ctx.data_dir)
    return export_anki(ctx.bank, out, ctx.clock.now(), areas, scheduling, origins, media)


def _write_scheduling(
    conn: sqlite3.Connection,
    planned: Mapping[str, _Planned],
    order: Mapping[str, int],
    scheduling: Scheduling,
    origins: ImportRecord,
    now: datetime,
    ids: Iterator[int],
) -> tuple[int, int]:
    """Give the package's cards their Lattice schedules and add their reviews as revlog
    rows (genanki writes every card as new). Returns (studied cards, revlog rows)."""
    from app.domain.study_day import study_day_start

    tz, hour = scheduling.local_tz, scheduling.day_starts_at_hour
    today = study_day_start(now, tz, hour)
    created = today - timedelta(days=CREATED_DAYS_BEFORE)
    (conf,) = conn.execute("SELECT conf FROM col").fetchone()
    # Scheduler version 2: without it Anki reads the collection as version 1 and converts
    # its learning answers (three buttons then), so Good would arrive as Easy.
    conf = json.dumps(json.loads(conf) | {"schedVer": 2})
    conn.execute("UPDATE col SET crt = ?, conf = ?", (int(created.timestamp()), conf))

    def day_number(when: datetime) -> int:
        day = study_day_start(max(when, created), tz, hour).astimezone(tz).date()
        return CREATED_DAYS_BEFORE + (day - today.astimezone(tz).date()).days

    nids = {guid: nid for nid, guid in conn.execute("SELECT id, guid FROM notes")}
    taken: set[int] = set()
    studied = rows = 0
    for guid, note in planned.items():
        nid = nids[guid]
        existing = {
            o: (cid, did)
            for cid, o, did in conn.execute("SELECT id, ord, did FROM cards WHERE nid = ?", (nid,))
        }
        for ordinal, card_id in note.cards.items():
            progress = scheduling.cards.get(card_id) or CardProgressOut(CardMemory(card_id))
            if ordinal not in existing:  # a card genanki did not make (an unusual template)
                any_deck = next(iter(existing.values()))[1] if existing else 1
                cid = next(ids)
                conn.execute(
                    "INSERT INTO cards VALUES (?,?,?,?,?,-1,0,0,0,0,0,0,0,0,0,0,0,'')",
                    (cid, nid, any_deck, ordinal, int(now.timestamp())),
                )
                existing[ordinal] = (cid, any_deck)
            cid = existing[ordinal][0]
            schedule = anki_schedule(
                progress.memory,
                progress.suspended,
                progress.flagged,
                order[card_id],
                day_number,
                scheduling.desired_retention,
                scheduling.decay,
                origins.flag_colour(card_id),
            )
            conn.execute(
                "UPDATE cards SET type=?, queue=?, due=?, ivl=?, factor=?, reps=?, lapses=?, "
                "left=?, flags=?, data=? WHERE id = ?",
                (
                    schedule.type,
                    schedule.queue,
                    schedule.due,
                    schedule.interval,
                    schedule.factor,
                    schedule.reps,
                    schedule.lapses,
                    schedule.left,
                    schedule.flags,
                    schedule.data,
                    cid,
                ),
            )
            studied += not progress.memory.is_new
            for row in revlog_rows(progress.events, schedule.factor, taken):
                conn.execute(
                    "INSERT INTO revlog VALUES (?,?,-1,?,?,?,?,?,?)",
                    (
                        row.id,
                        cid,
                        row.ease,
                        row.interval,
                        row.last_interval,
                        row.factor,
                        row.duration_ms,
                        row.kind,
                    ),
                )
                rows += 1
    return studied, rows
