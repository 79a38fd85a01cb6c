"""Export cards to an Anki package (.apkg) with genanki.

One note per card: the question on the front; on the back the answer rendered as HTML (code
highlighted with inline styles, so it needs no stylesheet) and the key points. Each note's GUID
is derived from the card id, and the note type and deck ids are fixed, so exporting again and
importing into Anki updates the notes instead of adding duplicates. One subdeck per area.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import genanki

from app.domain.content import Card, ContentBank
from app.domain.content_loader import study_order
from app.services.media import MediaLibrary, anki_media_html
from app.services.render import question_html, render_markdown, web_code_css

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


def card_fields(card: Card, media: MediaLibrary | None = None, files: set[Path] | None = None) -> list[str]:
    """The note's fields; the media files they show are added to `files`."""
    question, shown = anki_media_html(question_html(card.question), media)
    answer, more = anki_media_html(answer_html(card.answer), media)
    if files is not None:
        files.update(shown + more)
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


def export_anki(
    bank: ContentBank,
    out: Path,
    now: datetime,
    areas: Sequence[str] = (),
    media: MediaLibrary | None = None,
) -> AnkiExport:
    """Write the cards (of `areas`, or all) to `out`; the file appears only when complete."""
    unknown = sorted(set(areas) - set(bank.areas))
    if unknown:
        raise ValueError(
            f"unknown area {unknown[0]!r}; choose from {', '.join(sorted(bank.areas))}"
        )
    the_model = model()
    files: set[Path] = set()  # the media the cards show, packed with them
    decks: dict[str, genanki.Deck] = {}
    count = 0
    for card_id in study_order(bank):
        card = bank.cards[card_id]
        concept = bank.concepts.get(card.concept)
        if concept is None or (areas and concept.area not in areas):
            continue
        area = bank.areas.get(concept.area)
        title = area.title if area else concept.area
        deck_name = f"{ROOT_DECK}::{title}"
        if deck_name not in decks:
            decks[deck_name] = genanki.Deck(_stable_id(f"deck:{concept.area}"), deck_name)
        decks[deck_name].add_note(
            genanki.Note(
                model=the_model,
                fields=card_fields(card, media, files),
                tags=card_tags(bank, card),
                guid=note_guid(card.id),
            )
        )
        count += 1
    if not count:
        raise ValueError("no cards to export")
    out = out.with_suffix(".apkg") if out.suffix.lower() != ".apkg" else out
    partial = out.with_name(out.name + ".partial")
    try:
        package = genanki.Package(list(decks.values()), media_files=sorted(map(str, files)))
        package.write_to_file(str(partial), timestamp=now.timestamp())
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return AnkiExport(out, count, len(decks))
