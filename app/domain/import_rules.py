"""Rules for turning other apps' notes into Lattice cards: field mapping, key points, ids.

The readers in app/services (one per format) only unpack files and hand over plain records;
everything that decides what a card *is* lives here, without Qt or storage:

- field mapping for Anki notes (front/back, cloze) and CSV rows;
- Markdown made safe to store (no raw HTML, no `## ` line that would start another card,
  no unclosed code fence that would swallow the next card);
- key points derived from the answer when the source has none (Anki never does);
- stable card ids (from Anki's note GUID, or the CSV question) so re-importing updates cards
  instead of duplicating them;
- the plan: which concept file gets which cards, and the text of each file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain import cloze
from app.domain.anki_origin import ImportRecord
from app.domain.anki_progress import ScheduleImport
from app.domain.card_writer import serialize_concept, slugify, unique_id
from app.domain.content import FENCE_INFO, ID_PATTERN, Card, Concept, ContentBank, Difficulty
from app.domain.content_loader import MAX_KEY_POINTS, MIN_KEY_POINTS, ParsedFile
from app.domain.html_markdown import clean_text, html_to_markdown, html_to_text, looks_like_html
from app.domain.media_names import MEDIA_SCHEME, is_media_name

DERIVED_KEY_POINTS = 3
MAX_KEY_POINT_CHARS = 90
MAX_QUESTION_CHARS = 300
MAX_CARDS_PER_IMPORT = 20_000


class ImportRefused(Exception):
    """The source cannot be imported; the message says what is wrong and where."""


class ImportCancelled(ImportRefused):
    """The user stopped reading the source; nothing was written."""

    def __init__(self) -> None:
        super().__init__("reading was cancelled; nothing was imported")


@dataclass(frozen=True)
class SourceCard:
    """One card as a reader found it, already turned into safe text."""

    where: str  # "deck.apkg: note 3", "cards.csv:4"
    stable_key: str  # Anki note GUID, or the CSV question: the card id is derived from it
    question: str
    answer: str  # Markdown, made safe by `safe_markdown`
    key_points: tuple[str, ...] = ()
    difficulty: Difficulty = Difficulty.MEDIUM
    seconds: int | None = None
    concept: str = ""  # a concept id or title from the source (CSV column), else ""
    own_id: str = ""  # a Lattice card id the source carries (our own Anki export)
    deck: str = ""  # the Anki deck, "ML › Fine-tuning": a concept of its own by default


@dataclass(frozen=True)
class ImportTarget:
    """Where cards go: an existing concept, or a new one with a title in an area."""

    concept_id: str = ""
    new_title: str = ""
    area: str = ""
    by_deck: bool = True  # a package with several decks: one concept per deck


@dataclass
class ImportPlan:
    """What an import will write: one concept file per touched concept, and a summary."""

    files: dict[Path, str] = field(default_factory=dict)  # path relative to the cards folder
    replaces: set[Path] = field(default_factory=set)  # of those, the user's files it rewrites
    card_ids: list[str] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    derived: int = 0  # cards whose key points were derived from the answer
    needs_points: list[str] = field(default_factory=list)  # questions left without key points
    new_concepts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # card id -> fingerprint of the text as imported, to tell a card edited in Lattice since
    record: dict[str, str] = field(default_factory=dict)
    kept_edits: list[str] = field(default_factory=list)  # questions of cards left as edited
    # another app's progress to set once the cards are in: history, schedule and marks
    schedules: list[ScheduleImport] = field(default_factory=list)
    # cards Anki had put aside for the rest of the day: buried here too, until the day ends
    buried: list[str] = field(default_factory=list)
    # where this import's Anki cards came from (note, ordinal, note type), for export
    origins: ImportRecord = field(default_factory=ImportRecord)
    # media files to add to the media folder: stored name -> unpacked file
    media: dict[str, Path] = field(default_factory=dict)

    def summary(self) -> str:
        if not self.added and not self.updated and not self.new_concepts and not self.kept_edits:
            count = len(self.card_ids)
            first = (
                f"Nothing to change: all {count} cards were imported before and are unchanged."
                if count
                else "Nothing to import."
            )
            return "\n".join([first, *self.notes])
        parts = [f"{self.added} new card{'s' if self.added != 1 else ''}"]
        if self.updated:
            parts.append(f"{self.updated} updated")
        text = ", ".join(parts)
        if self.new_concepts:
            text += f"; new concept{'s' if len(self.new_concepts) > 1 else ''}: " + ", ".join(
                self.new_concepts
            )
        lines = [text + "."]
        if self.derived:
            lines.append(
                f"Key points for {self.derived} card{'s' if self.derived != 1 else ''} were "
                "derived from the first sentences or list items of the answer; "
                "review them when you study."
            )
        if self.needs_points:
            count = len(self.needs_points)
            lines.append(
                f"{count} card{'s' if count != 1 else ''} had no clear phrases to use as key "
                f"points and {'are' if count != 1 else 'is'} marked “needs key points” (Browse "
                "▸ Status); the quiz lets you grade them yourself until you write some."
            )
        if self.kept_edits:
            shown = "; ".join(self.kept_edits[:3]) + ("; …" if len(self.kept_edits) > 3 else "")
            lines.append(
                f"{len(self.kept_edits)} card{'s' if len(self.kept_edits) != 1 else ''} you "
                f"edited in Lattice since the last import kept as you left them: {shown}"
            )
        return "\n".join(lines + self.notes)


def fingerprint(question: str, answer: str) -> str:
    """What an import wrote for a card, to notice later edits made in Lattice."""
    return hashlib.sha256(f"{question}\x00{answer}".encode()).hexdigest()[:16]


# -- text -------------------------------------------------------------------------------
# Bounded, and stopping at brackets, so a hostile run of `![a](` costs linear time.
_IMAGE = re.compile(r"!\[([^\[\]\n]{0,500})\]\(([^()\n]{0,2000})\)")
_REF_IMAGE = re.compile(r"!\[([^\[\]\n]{0,500})\](?!\()(?:\[[^\[\]\n]{0,500}\])?")
_LINK = re.compile(r"\[([^\[\]\n]{0,500})\]\(((?:[^()\n]|\([^()\n]{0,200}\)){0,2000})\)")
_REF_DEFINITION = re.compile(r"^( {0,3})\[(?=[^\[\]\n]{1,500}\]:)")
WEB_LINK = re.compile(r"\s*https?://[^\s<>]+(?:\s+\"[^\"\n]*\")?\s*")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_INLINE_CODE = re.compile(r"(`+)(.+?)\1")


def _outside_code(line: str, change: Any) -> str:
    """Apply `change` to the parts of a line that are not inline code spans."""
    out, last = [], 0
    for match in _INLINE_CODE.finditer(line):
        out.append(change(line[last : match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(change(line[last:]))
    return "".join(out)


def _media_target(target: str) -> bool:
    """`media:<name>` naming a file the media folder can hold (nothing else, no path)."""
    return target.startswith(MEDIA_SCHEME) and is_media_name(target[len(MEDIA_SCHEME) :])


def _web_only(match: re.Match[str]) -> str:
    target = match.group(2)
    keep = WEB_LINK.fullmatch(target) or _media_target(target)
    return match.group(0) if keep else match.group(1)


def _image_or_alt(match: re.Match[str]) -> str:
    return match.group(0) if _media_target(match.group(2)) else match.group(1)


def _defuse(text: str) -> str:
    text = _REF_IMAGE.sub(lambda m: m.group(1), _IMAGE.sub(_image_or_alt, text))
    text = _LINK.sub(_web_only, _REF_DEFINITION.sub(r"\1\\[", text))
    return _TAG_START.sub("&lt;", text)


def safe_markdown(text: str) -> str:
    """Markdown that stores safely as one card's answer.

    Outside code: raw HTML tags are shown as text, images (inline or reference-style) become
    their alt text unless they show a file of the media folder (`media:<name>`), links keep
    only web targets and `media:<name>` (no file:, data: or other scheme), reference
    definitions are shown as text (so `[zz]: file:///dev/zero` defines nothing), and a `## `
    line becomes `### ` (it would start a new card). An unclosed
    fence is closed, as the card splitter would otherwise swallow the following cards.
    """
    lines = clean_text(text).split("\n")
    out: list[str] = []
    fence: str | None = None
    for line in lines:
        stripped = line.strip()
        if fence is None:
            match = FENCE_INFO.match(stripped)
            if match:
                fence = match.group(1)
                out.append(line)
                continue
            if line.startswith("## "):
                line = "#" + line
            out.append(_outside_code(line, _defuse))
        else:
            if stripped.startswith(fence) and stripped.strip(fence[0]) == "":
                fence = None
            out.append(line)
    if fence is not None:
        out.append(fence)
    return "\n".join(out).strip("\n").rstrip()


def one_line(text: str, limit: int = MAX_QUESTION_CHARS) -> str:
    """A question: one line, no leading '#', at most `limit` characters."""
    line = " ".join(clean_text(text).split()).lstrip("#").strip()
    if len(line) > limit:
        line = line[: limit - 1].rsplit(" ", 1)[0].rstrip() + "…"
    return line


def _plain(markdown_text: str) -> str:
    text = re.sub(r"\\(.)", r"\1", markdown_text)
    text = re.sub(r"[*_`]+", "", text)
    text = _LINK.sub(r"\1", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def _shorten(text: str, limit: int = MAX_KEY_POINT_CHARS) -> str:
    text = text.strip(" .;:,")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") or text[:limit]


def _without_code(markdown_text: str) -> list[str]:
    lines, fence = [], None
    for line in markdown_text.splitlines():
        stripped = line.strip()
        if fence is None:
            match = FENCE_INFO.match(stripped)
            if match:
                fence = match.group(1)
            else:
                lines.append(line)
        elif stripped.startswith(fence) and stripped.strip(fence[0]) == "":
            fence = None
    return lines


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def derive_key_points(
    answer: str, question: str = "", count: int = DERIVED_KEY_POINTS
) -> tuple[str, ...]:
    """`count` short phrases from the answer: its list items, else its sentences or clauses.

    Only real phrases count (words, brackets closed): "TP", "/", "max(0" or "x)" are
    fragments no grader can match fairly. An answer without `count` of them gives none,
    and the card is marked as needing key points instead.
    """
    lines = _without_code(answer)
    items = [_plain(m.group(1)) for line in lines if (m := _LIST_ITEM.match(line))]
    paragraphs = "\n".join(line for line in lines if not _LIST_ITEM.match(line)).split("\n\n")
    sentences = [s for para in paragraphs for s in _SENTENCE_END.split(_plain(para)) if s.strip()]
    clauses = [c for s in sentences for c in re.split(r"[,;:]\s+|\s+[—–-]\s+", s) if c.strip()]
    asked = _plain(question).lower()
    points: list[str] = []
    for source in (items, sentences, clauses):
        for candidate in source:
            point = candidate.strip(" .;:,")
            if (
                len(point) > MAX_KEY_POINT_CHARS
                or not _real_phrase(point)
                or point.lower() == asked
            ):
                continue  # cut short, a long sentence would end mid-phrase; its clauses may do
            if point.lower() not in {p.lower() for p in points}:
                points.append(point)
            if len(points) == count:
                return tuple(points)
    return ()


_WORD = re.compile(r"[^\W\d_]{2,}")
_PAIRS = {")": "(", "]": "[", "}": "{"}


def _real_phrase(text: str) -> bool:
    """At least two words of letters (or one of five letters and more), brackets balanced."""
    words = _WORD.findall(text)
    if len(words) < 2 and not any(len(w) >= 5 for w in words):
        return False
    depth: list[str] = []
    for ch in text:
        if ch in "([{":
            depth.append(ch)
        elif ch in _PAIRS and (not depth or depth.pop() != _PAIRS[ch]):
            return False
    return not depth


def seconds_for(answer: str) -> int:
    """A quiz time budget from the answer's length, as content/README.md suggests."""
    length = len(answer)
    return 60 if length < 200 else 120 if length < 700 else 180


def card_id_for(prefix: str, stable_key: str) -> str:
    """A stable card id: the same source note always maps to the same id."""
    digest = hashlib.sha256(stable_key.encode("utf-8")).hexdigest()[:12]
    return f"{prefix}-{digest}"


# -- Anki -------------------------------------------------------------------------------
@dataclass(frozen=True)
class AnkiTemplate:
    """One card type of a note type: its ordinal and the front and back templates."""

    ord: int
    front: str  # Anki's qfmt, e.g. "{{Back}}"
    back: str  # Anki's afmt, e.g. "{{FrontSide}}<hr id=answer>{{Front}}"
    name: str = ""  # "Card 2": Anki matches note types by field and template names


@dataclass(frozen=True)
class AnkiNote:
    """One Anki note as the package reader found it: field names and their HTML."""

    guid: str
    fields: tuple[tuple[str, str], ...]
    cloze: bool = False
    tags: tuple[str, ...] = ()
    where: str = ""
    templates: tuple[AnkiTemplate, ...] = ()  # card types this note has cards of
    deck: str = ""  # the deck of its first card, levels joined by " › "
    notetype: int = 0  # Anki's note type id


QUESTION_FIELDS = ("front", "question", "text", "prompt", "term")
KEY_POINT_FIELDS = ("key points", "key_points", "keypoints")
ID_FIELDS = ("lattice id",)
_LIST_ITEM_HTML = re.compile(r"<li[^>]*>(.*?)</li>", re.IGNORECASE | re.DOTALL)
ANSWER_FIELDS = ("back", "answer", "definition", "extra", "back extra")
# {{Field}}, {{text:Field}}, {{furigana:Field}}; not {{#Section}}, {{/Section}}, {{^Section}}
_FIELD_REF = re.compile(r"\{\{(?![#/^!])(?:[\w-]+:)*([^{}:]{1,200})\}\}")
SPECIAL_REFS = {"frontside", "tags", "type", "deck", "subdeck", "card", "cardflag", "cloze"}


def _pick(fields: Sequence[tuple[str, str]], names: Sequence[str], fallback: int) -> int | None:
    lowered = [name.strip().lower() for name, _ in fields]
    for wanted in names:
        if wanted in lowered:
            return lowered.index(wanted)
    return fallback if fallback < len(fields) else None


def stable_key(guid: str, ordinal: int) -> str:
    """The first card of a note keeps the key earlier imports used; others add their ordinal."""
    return f"anki:{guid}" if ordinal == 0 else f"anki:{guid}:{ordinal}"


def anki_note_to_cards(note: AnkiNote) -> list[SourceCard]:
    """One card per Anki card: per cloze number of a cloze note, per card type otherwise
    (both directions of a reversed note). Notes with no text left (media only) give none."""
    fields = [f for f in note.fields if f[0].strip().lower() not in KEY_POINT_FIELDS + ID_FIELDS]
    if not fields:
        return []
    q_index = _pick(fields, QUESTION_FIELDS, 0)
    assert q_index is not None
    parts = cloze.parse(fields[q_index][1])
    numbers = cloze.numbers(parts)
    if note.cloze or numbers:
        extra = [f for i, f in enumerate(fields) if i != q_index]
        made = [
            _card(
                note,
                n - 1,
                html_to_text(cloze.front(parts, n), media=True),
                [html_to_markdown(cloze.back(parts, n)), *_extras(extra)],
            )
            for n in numbers or [1]
        ]
        return [c for c in made if c is not None]
    first = anki_note_to_card(note)
    cards = [first] if first is not None else []
    by_name = {name.strip().lower(): (name, value) for name, value in fields}
    for template in note.templates:
        if template.ord == 0:
            continue
        asked = _refs(template.front, by_name)
        shown = [name for name in _refs(template.back, by_name) if name not in asked]
        if not asked or not shown:
            continue
        question = html_to_text(" ".join(by_name[n][1] for n in asked), media=True)
        answer_parts = [
            html_to_markdown(by_name[shown[0]][1]),
            *_extras([by_name[n] for n in shown[1:]]),
        ]
        card = _card(note, template.ord, question, answer_parts)
        if card is not None:
            cards.append(card)
    return cards


def _refs(template: str, by_name: dict[str, tuple[str, str]]) -> list[str]:
    """The note's fields a template shows, in order (lower-cased names)."""
    found = [m.group(1).strip().lower() for m in _FIELD_REF.finditer(template)]
    return list(dict.fromkeys(n for n in found if n in by_name and n not in SPECIAL_REFS))


def _extras(extra: Sequence[tuple[str, str]]) -> list[str]:
    out = []
    for name, value in extra:
        text = html_to_markdown(value)
        if text:
            out.append(f"**{_escape_name(name)}:** {text}" if "\n" not in text else text)
    return out


def _card(
    note: AnkiNote, ordinal: int, question: str, answer_parts: list[str]
) -> SourceCard | None:
    answer = safe_markdown("\n\n".join(p for p in answer_parts if p))
    question = one_line(question)
    if not question or not answer:
        return None
    special = {name.strip().lower(): value for name, value in note.fields}
    points = next((_html_points(special[name]) for name in KEY_POINT_FIELDS if name in special), ())
    own_id = html_to_text(special.get("lattice id", "")) if ordinal == 0 else ""
    return SourceCard(
        where=note.where if ordinal == 0 else f"{note.where} (card {ordinal + 1})",
        stable_key=stable_key(note.guid, ordinal),
        question=question,
        answer=answer,
        key_points=points if MIN_KEY_POINTS <= len(points) <= MAX_KEY_POINTS else (),
        seconds=seconds_for(answer),
        own_id=own_id if ID_PATTERN.match(own_id) else "",
        deck=note.deck,
    )


def basic_field_indexes(names: Sequence[str]) -> tuple[int, int | None]:
    """(question, answer) indexes among a basic note's field names, chosen as
    `anki_note_to_card` chooses them; export writes an edited card back into them."""
    usable = [
        (i, n) for i, n in enumerate(names) if n.strip().lower() not in KEY_POINT_FIELDS + ID_FIELDS
    ]
    pairs = [(n, "") for _, n in usable]
    q = _pick(pairs, QUESTION_FIELDS, 0)
    assert q is not None
    rest = [i for i in range(len(usable)) if i != q]
    a = _pick([pairs[i] for i in rest], ANSWER_FIELDS, 0)
    return usable[q][0], (usable[rest[a]][0] if a is not None else None)


def anki_note_to_card(note: AnkiNote) -> SourceCard | None:
    """The first card of a basic note: the question field on the front, the rest behind."""
    fields = [f for f in note.fields if f[0].strip().lower() not in KEY_POINT_FIELDS + ID_FIELDS]
    if not fields:
        return None
    q_index = _pick(fields, QUESTION_FIELDS, 0)
    assert q_index is not None
    question = html_to_text(fields[q_index][1], media=True)
    rest = [i for i in range(len(fields)) if i != q_index]
    a_index = _pick([fields[i] for i in rest], ANSWER_FIELDS, 0)
    answer_parts = []
    extra: list[tuple[str, str]] = []
    if a_index is not None:
        chosen = rest[a_index]
        answer_parts.append(html_to_markdown(fields[chosen][1]))
        extra = [fields[i] for i in rest if i != chosen]
    return _card(note, 0, question, answer_parts + _extras(extra))


def _html_points(value: str) -> tuple[str, ...]:
    items = [html_to_text(item) for item in _LIST_ITEM_HTML.findall(value)]
    return tuple(_shorten(item, 200) for item in items if item)


def _escape_name(name: str) -> str:
    return re.sub(r"([\\`*_\[\]<&])", r"\\\1", " ".join(name.split()))


# -- CSV --------------------------------------------------------------------------------
CSV_COLUMNS = ("question", "answer", "key_points", "concept", "difficulty")
CSV_ALIASES = {
    "question": "question",
    "front": "question",
    "answer": "answer",
    "back": "answer",
    "key_points": "key_points",
    "key points": "key_points",
    "keypoints": "key_points",
    "points": "key_points",
    "concept": "concept",
    "difficulty": "difficulty",
    "seconds": "seconds",
}
_KEY_POINT_SPLIT = re.compile(r"\s*(?:;|\||\n)\s*")


def csv_header(row: Sequence[str]) -> list[str] | None:
    """Column names if `row` is a header naming at least the question and answer."""
    names = [CSV_ALIASES.get(" ".join(cell.strip().lower().split()), "") for cell in row]
    return names if {"question", "answer"} <= set(names) else None


def csv_row_to_card(values: dict[str, str], where: str) -> SourceCard:
    """One CSV row (by column name) as a card; refuses bad cells, naming the row."""
    raw_question = values.get("question", "").strip()
    raw_answer = values.get("answer", "").strip()
    if not raw_question:
        raise ImportRefused(f"{where}: the question is empty")
    if not raw_answer:
        raise ImportRefused(f"{where}: the answer is empty")
    question = one_line(
        html_to_text(raw_question) if looks_like_html(raw_question) else raw_question
    )
    if not question:
        raise ImportRefused(f"{where}: the question has no text")
    answer = safe_markdown(
        html_to_markdown(raw_answer) if looks_like_html(raw_answer) else raw_answer
    )
    if not answer:
        raise ImportRefused(f"{where}: the answer has no text")
    raw_points = values.get("key_points", "").strip()
    points = tuple(
        _shorten(" ".join(clean_text(p).split()), 200)
        for p in _KEY_POINT_SPLIT.split(raw_points)
        if p.strip(" .;:,")
    )
    if points and not MIN_KEY_POINTS <= len(points) <= MAX_KEY_POINTS:
        raise ImportRefused(
            f"{where}: {len(points)} key points; give {MIN_KEY_POINTS} to {MAX_KEY_POINTS} "
            "separated by ';', or leave the column empty to derive them from the answer"
        )
    raw_difficulty = values.get("difficulty", "").strip().lower()
    try:
        difficulty = Difficulty(raw_difficulty) if raw_difficulty else Difficulty.MEDIUM
    except ValueError:
        raise ImportRefused(
            f"{where}: difficulty {values.get('difficulty', '')!r}: use easy, medium or hard"
        ) from None
    seconds: int | None = None
    raw_seconds = values.get("seconds", "").strip()
    if raw_seconds:
        if not raw_seconds.isdigit() or not 10 <= int(raw_seconds) <= 3600:
            raise ImportRefused(
                f"{where}: seconds {raw_seconds!r}: use a whole number from 10 to 3600"
            )
        seconds = int(raw_seconds)
    return SourceCard(
        where=where,
        stable_key=f"csv:{question.lower()}",
        question=question,
        answer=answer,
        key_points=points,
        difficulty=difficulty,
        seconds=seconds,
        concept=" ".join(clean_text(values.get("concept", "")).split()),
    )


# -- writing concept files --------------------------------------------------------------
@dataclass
class _ConceptFile:
    concept: Concept
    cards: list[Card]
    path: Path  # relative to the cards folder
    touched: bool = False
    existing: bool = False


def _user_files(user_files: Sequence[ParsedFile], cards_root: Path) -> dict[str, _ConceptFile]:
    found: dict[str, _ConceptFile] = {}
    for parsed in user_files:
        if parsed.concept is None or parsed.problems:
            continue
        try:
            relative = parsed.path.relative_to(cards_root)
        except ValueError:
            relative = Path(parsed.path.name)
        found.setdefault(
            parsed.concept.id,
            _ConceptFile(parsed.concept, list(parsed.cards), relative, existing=True),
        )
    return found


def _card_home(files: dict[str, _ConceptFile]) -> dict[str, str]:
    return {card.id: cid for cid, f in files.items() for card in f.cards}


def plan_import(
    cards: Sequence[SourceCard],
    target: ImportTarget,
    bank: ContentBank,
    user_files: Sequence[ParsedFile],
    cards_root: Path,
    *,
    id_prefix: str,
    source_name: str,
    record: dict[str, str] | None = None,
) -> ImportPlan:
    """Decide each card's concept and id and produce the concept files to write.

    A card whose id already exists among the user's cards is updated where it lives, so
    importing the same deck twice changes nothing but what changed in the deck; but a card
    edited in Lattice since its last import (its text no longer matches `record`) is kept.
    """
    if not cards:
        raise ImportRefused(f"{source_name}: no cards found")
    if len(cards) > MAX_CARDS_PER_IMPORT:
        raise ImportRefused(
            f"{source_name}: {len(cards)} cards; import at most {MAX_CARDS_PER_IMPORT} at once"
        )
    files = _user_files(user_files, cards_root)
    home = _card_home(files)
    plan = ImportPlan(record=dict(record or {}))
    default_concept = ""
    by_title = {c.title.strip().lower(): c.id for c in bank.concepts.values()}
    seen: dict[str, str] = {}
    lattice_own = 0
    by_deck = target.by_deck and len({c.deck for c in cards if c.deck}) > 1
    for source in cards:
        card_id = _id_for(source, id_prefix)
        if source.own_id and source.own_id in bank.cards and not bank.cards[source.own_id].user:
            lattice_own += 1  # one of Lattice's own cards coming back from Anki
            continue
        if card_id in seen:
            # The same note twice in one file: the later one wins, like a re-import.
            plan.notes.append(f"{source.where}: repeats {seen[card_id]}; the later one is kept")
        seen[card_id] = source.where
        existing = bank.cards.get(card_id)
        if existing is not None and not existing.user:
            raise ImportRefused(
                f"{source.where}: card id {card_id} is taken by the bundled content"
            )
        if card_id in home:
            concept_id = home[card_id]
        elif source.concept or (by_deck and source.deck):
            concept_id = _concept_for_name(
                source.concept or source.deck, target, bank, files, by_title, plan, source.where
            )
        else:
            default_concept = default_concept or _resolve_target(
                target, bank, files, plan, source_name
            )
            concept_id = default_concept
        points = source.key_points
        derived = not points
        if derived:
            points = derive_key_points(source.answer, source.question)
        card = Card(
            id=card_id,
            concept=concept_id,
            question=source.question,
            answer=source.answer,
            key_points=points,
            difficulty=source.difficulty,
            seconds=source.seconds or seconds_for(source.answer),
            user=True,
        )
        _put(files[concept_id], card, plan, derived, card_id in home)
        home[card_id] = concept_id
    _write_files(files, plan)
    plan.card_ids = list(dict.fromkeys(seen))
    if lattice_own:
        were = "cards are" if lattice_own != 1 else "card is"
        plan.notes.append(
            f"{lattice_own} {were} part of Lattice's own bank already and not imported again."
        )
    return plan


def _id_for(source: SourceCard, prefix: str) -> str:
    """The source's own Lattice id when it carries one, else one derived from its key."""
    return source.own_id or card_id_for(prefix, source.stable_key)


def _put(
    concept_file: _ConceptFile, card: Card, plan: ImportPlan, derived: bool, known: bool
) -> None:
    imported = plan.record.get(card.id)
    plan.record[card.id] = fingerprint(card.question, card.answer)
    for index, existing in enumerate(concept_file.cards):
        if existing.id == card.id:
            if _same(existing, card, derived):
                concept_file.cards[index] = existing
            elif (
                imported is not None and fingerprint(existing.question, existing.answer) != imported
            ):
                plan.record[card.id] = imported  # still protected at the next import
                concept_file.cards[index] = existing
                plan.kept_edits.append(existing.question)
            else:
                keep_points = existing.key_points if derived else card.key_points
                concept_file.cards[index] = _with(card, keep_points, existing)
                concept_file.touched = True
                if known:
                    plan.updated += 1
            return
    concept_file.cards.append(card)
    concept_file.touched = True
    plan.added += 1
    if derived and card.key_points:
        plan.derived += 1
    elif not card.key_points:
        plan.needs_points.append(card.question)


def _same(old: Card, new: Card, derived: bool) -> bool:
    same_text = (old.question, old.answer) == (new.question, new.answer)
    return same_text and (derived or old.key_points == new.key_points)


def _with(card: Card, key_points: tuple[str, ...], old: Card) -> Card:
    """An updated card keeps key points the user may have edited when the source has none."""
    return Card(
        id=card.id,
        concept=old.concept,
        question=card.question,
        answer=card.answer,
        key_points=key_points,
        difficulty=card.difficulty,
        seconds=card.seconds,
        seeds=old.seeds,
        user=True,
    )


def _new_concept(
    title: str,
    area: str,
    bank: ContentBank,
    files: dict[str, _ConceptFile],
    plan: ImportPlan,
    source_name: str,
) -> str:
    title = one_line(title, 120)
    if not title:
        raise ImportRefused("the new concept needs a title")
    if area not in bank.areas:
        known = ", ".join(sorted(bank.areas)) or "none"
        raise ImportRefused(f"unknown area {area!r} for the new concept; choose one of: {known}")
    concept_id = unique_id(slugify(title, fallback="imported"), set(bank.concepts) | set(files))
    concept = Concept(
        id=concept_id,
        title=title,
        area=area,
        summary=f"Cards imported from {one_line(source_name, 120)}.",
        user=True,
    )
    files[concept_id] = _ConceptFile(concept, [], Path(area) / f"{concept_id}.md", touched=True)
    plan.new_concepts.append(title)
    return concept_id


def _resolve_target(
    target: ImportTarget,
    bank: ContentBank,
    files: dict[str, _ConceptFile],
    plan: ImportPlan,
    source_name: str,
) -> str:
    if target.concept_id:
        return _attach(target.concept_id, bank, files)
    if not target.new_title:
        raise ImportRefused("choose a concept for the imported cards, or name a new one")
    wanted = one_line(target.new_title, 120).lower()
    for concept_id, concept_file in files.items():
        if concept_file.concept.user and concept_file.concept.title.lower() == wanted:
            return concept_id  # importing into "the same new concept" again
    return _new_concept(target.new_title, target.area, bank, files, plan, source_name)


def _attach(concept_id: str, bank: ContentBank, files: dict[str, _ConceptFile]) -> str:
    """A user concept file for `concept_id` (an existing user file, or one extending a bundled concept)."""
    if concept_id in files:
        return concept_id
    concept = bank.concepts.get(concept_id)
    if concept is None or not ID_PATTERN.match(concept_id):
        raise ImportRefused(f"unknown concept {concept_id!r}")
    files[concept_id] = _ConceptFile(
        Concept(
            id=concept.id,
            title=concept.title,
            area=concept.area,
            summary=concept.summary,
            user=True,
        ),
        [],
        Path(concept.area) / f"{concept.id}.md",
    )
    return concept_id


def _concept_for_name(
    name: str,
    target: ImportTarget,
    bank: ContentBank,
    files: dict[str, _ConceptFile],
    by_title: dict[str, str],
    plan: ImportPlan,
    where: str,
) -> str:
    if name in bank.concepts or name in files:
        return _attach(name, bank, files)
    by_file_title = {f.concept.title.strip().lower(): cid for cid, f in files.items()}
    lowered = name.strip().lower()
    if lowered in by_title:
        return _attach(by_title[lowered], bank, files)
    if lowered in by_file_title:
        return by_file_title[lowered]
    area = target.area or (
        bank.concepts[target.concept_id].area if target.concept_id in bank.concepts else ""
    )
    if not area:
        raise ImportRefused(
            f"{where}: concept {name!r} does not exist; choose an area for new concepts"
        )
    return _new_concept(name, area, bank, files, plan, where.split(":")[0])


def plan_markdown_import(
    parsed: Sequence[ParsedFile],
    bank: ContentBank,
    user_files: Sequence[ParsedFile],
    cards_root: Path,
    *,
    source_name: str,
) -> ImportPlan:
    """Concept files in our own format: each names its concept; cards keep their ids.

    A file for a concept the user already has merges into that concept's file (same ids are
    updated); a file for a bundled concept adds its cards to it; any other file is a new
    concept. Answers are made safe like any imported text.
    """
    problems = [p for f in parsed for p in f.problems]
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise ImportRefused(first.format() + more)
    if not parsed:
        raise ImportRefused(f"{source_name}: no concept files (*.md) found")
    files = _user_files(user_files, cards_root)
    home = _card_home(files)
    plan = ImportPlan()
    for item in parsed:
        concept = item.concept
        assert concept is not None
        if concept.id in files:
            target_id = concept.id
        elif concept.id in bank.concepts:
            target_id = _attach(concept.id, bank, files)
        else:
            files[concept.id] = _ConceptFile(
                Concept(
                    id=concept.id,
                    title=one_line(concept.title, 120) or concept.id,
                    area=concept.area,
                    summary=" ".join(clean_text(concept.summary).split()) or concept.title,
                    requires=concept.requires,
                    related=concept.related,
                    user=True,
                ),
                [],
                Path(concept.area) / f"{concept.id}.md",
                touched=True,
            )
            plan.new_concepts.append(concept.title)
            target_id = concept.id
        for card in item.cards:
            existing = bank.cards.get(card.id)
            if existing is not None and not existing.user:
                raise ImportRefused(
                    f"{card.source}:{card.line}: card id '{card.id}' is taken by the bundled content"
                )
            if card.id in home and home[card.id] != target_id:
                raise ImportRefused(
                    f"{card.source}:{card.line}: card id '{card.id}' already belongs to your "
                    f"concept '{home[card.id]}'"
                )
            safe = Card(
                id=card.id,
                concept=target_id,
                question=one_line(card.question),
                answer=safe_markdown(card.answer),
                key_points=card.key_points,
                difficulty=card.difficulty,
                seconds=card.seconds,
                seeds=card.seeds,
                user=True,
            )
            _put(files[target_id], safe, plan, False, card.id in home)
            home[card.id] = target_id
            plan.card_ids.append(card.id)
    _write_files(files, plan)
    return plan


def _write_files(files: dict[str, _ConceptFile], plan: ImportPlan) -> None:
    for concept_file in files.values():
        if concept_file.touched:
            text = serialize_concept(concept_file.concept, concept_file.cards)
            plan.files[concept_file.path] = text
            if concept_file.existing:
                plan.replaces.add(concept_file.path)
