"""Where an imported card came from in Anki, so it can go back as the same note.

Anki updates a note in place on import only when the package's note has the same GUID and
the same note type (the same id, with the same field and template names), and it matches a
card to an existing one by its note and ordinal. So an Anki card imported into Lattice keeps
its note's GUID, its ordinal, its note type and the note's fields as they were, in the import
record beside the user's cards (`.import-record.json`), and export writes that note again.

The record's older form was a flat map of card id -> fingerprint; it is still read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AnkiNotetype:
    """An Anki note type as export must write it back (legacy JSON form's essentials)."""

    id: int
    name: str
    cloze: bool
    fields: tuple[str, ...]
    templates: tuple[tuple[str, str, str], ...]  # (name, front, back) in ordinal order
    css: str = ""


@dataclass(frozen=True)
class NoteOrigin:
    """An Anki note as imported: its note type, its fields' HTML and its deck."""

    notetype: int
    fields: tuple[str, ...]
    deck: str = ""  # Anki's full deck name, levels joined by "::"


@dataclass
class ImportRecord:
    """What imports wrote: each card's fingerprint (to tell a card edited in Lattice since)
    and, for Anki cards, their note GUID and ordinal, the note and its note type."""

    fingerprints: dict[str, str] = field(default_factory=dict)
    cards: dict[str, tuple[str, int]] = field(default_factory=dict)  # card id -> (guid, ord)
    notes: dict[str, NoteOrigin] = field(default_factory=dict)  # by GUID
    notetypes: dict[int, AnkiNotetype] = field(default_factory=dict)
    flag_colours: dict[str, int] = field(default_factory=dict)  # Anki's colour (1-7) by card

    def flag_colour(self, card_id: str) -> int:
        """The colour a flagged card gets in Anki: the one it had there, else red (1)."""
        return self.flag_colours.get(card_id, 1)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 2,
            "fingerprints": self.fingerprints,
            "anki_cards": {cid: [guid, ord_] for cid, (guid, ord_) in self.cards.items()},
            "anki_flags": self.flag_colours,
            "anki_notes": {
                guid: {"notetype": n.notetype, "fields": list(n.fields), "deck": n.deck}
                for guid, n in self.notes.items()
            },
            "anki_notetypes": {
                str(t.id): {
                    "name": t.name,
                    "cloze": t.cloze,
                    "fields": list(t.fields),
                    "templates": [list(tmpl) for tmpl in t.templates],
                    "css": t.css,
                }
                for t in self.notetypes.values()
            },
        }

    @classmethod
    def from_json(cls, raw: object) -> ImportRecord:
        """The record from its JSON; what is malformed is left out (never an error: the
        record only protects edits and keeps origins)."""
        if not isinstance(raw, Mapping):
            return cls()
        if "version" not in raw:  # the first form: card id -> fingerprint
            return cls(fingerprints={str(k): str(v) for k, v in raw.items()})
        record = cls()
        prints = raw.get("fingerprints")
        if isinstance(prints, Mapping):
            record.fingerprints = {str(k): str(v) for k, v in prints.items()}
        try:
            for cid, (guid, ord_) in _mapping(raw.get("anki_cards")).items():
                record.cards[str(cid)] = (str(guid), int(ord_))
            for cid, colour in _mapping(raw.get("anki_flags")).items():
                if 1 <= int(colour) <= 7:
                    record.flag_colours[str(cid)] = int(colour)
            for guid, note in _mapping(raw.get("anki_notes")).items():
                record.notes[str(guid)] = NoteOrigin(
                    int(note["notetype"]),
                    tuple(str(v) for v in note["fields"]),
                    str(note.get("deck", "")),
                )
            for ntid, kind in _mapping(raw.get("anki_notetypes")).items():
                record.notetypes[int(ntid)] = AnkiNotetype(
                    int(ntid),
                    str(kind["name"]),
                    bool(kind["cloze"]),
                    tuple(str(f) for f in kind["fields"]),
                    tuple((str(n), str(q), str(a)) for n, q, a in kind["templates"]),
                    str(kind.get("css", "")),
                )
        except (KeyError, TypeError, ValueError):
            return cls(fingerprints=record.fingerprints)
        return record

    def origin(self, card_id: str) -> tuple[str, int, NoteOrigin, AnkiNotetype] | None:
        """(GUID, ordinal, note, note type) of a card that came from Anki, if all are known."""
        found = self.cards.get(card_id)
        if found is None:
            return None
        note = self.notes.get(found[0])
        kind = self.notetypes.get(note.notetype) if note else None
        if note is None or kind is None:
            return None
        return found[0], found[1], note, kind


def _mapping(value: object) -> Mapping[Any, Any]:
    return value if isinstance(value, Mapping) else {}
