"""Write concepts and cards back out in exactly the content format, for the user's own cards.

`serialize_concept` is the inverse of `parse_concept_file`: parsing its output gives the same
concept and cards back. `draft_problems` says, in the loader's words, why a draft cannot be
written, so the editor can refuse it before anything on disk changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from app.domain.content import ID_PATTERN, Card, Concept, Difficulty
from app.domain.content_loader import (
    MAX_KEY_POINTS,
    MIN_KEY_POINTS,
    parse_concept_file,
    yaml_loader,
)

_SLUG_DROP = re.compile(r"[^a-z0-9]+")
_HEADING = re.compile(r"^## ", re.MULTILINE)
MAX_SLUG = 48


def slugify(text: str, limit: int = MAX_SLUG, fallback: str = "card") -> str:
    """A lowercase id made of the text's words: 'What is QLoRA?' -> 'what-is-qlora'."""
    slug = _SLUG_DROP.sub("-", text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] or slug[:limit]
    return slug.strip("-") or fallback


def unique_id(base: str, taken: Iterable[str]) -> str:
    """`base`, or `base-2`, `base-3`… whichever is not taken yet."""
    used = set(taken)
    if base not in used:
        return base
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"


def _scalar(value: str) -> str:
    """A YAML scalar that loads back as exactly `value`: plain when safe, else quoted."""
    if value and "\n" not in value and value == value.strip():
        try:
            loaded: Any = yaml.load(f"k: {value}", Loader=yaml_loader())  # noqa: S506 - safe loader
        except yaml.YAMLError:
            loaded = None
        if isinstance(loaded, dict) and loaded.get("k") == value:
            return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _flow_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def serialize_concept(concept: Concept, cards: Sequence[Card]) -> str:
    """One concept file: front matter, then each card's heading, metadata block and answer."""
    lines = [
        "---",
        f"id: {concept.id}",
        f"title: {_scalar(concept.title)}",
        f"area: {concept.area}",
        f"summary: {_scalar(concept.summary)}",
    ]
    if concept.requires:
        lines.append(f"requires: {_flow_list(concept.requires)}")
    if concept.related:
        lines.append(f"related: {_flow_list(concept.related)}")
    lines += ["---", ""]
    for card in cards:
        lines += [
            f"## {card.question}",
            "",
            "```card",
            f"id: {card.id}",
            f"difficulty: {card.difficulty.value}",
            f"seconds: {card.seconds}",
        ]
        if card.seeds:
            lines.append(f"seeds: {_flow_list(card.seeds)}")
        lines.append("key_points:" if card.key_points else "key_points: []")
        phrasings = card.phrasings or ((),) * len(card.key_points)
        wrongs = card.misconceptions or ((),) * len(card.key_points)
        for point, also, wrong in zip(card.key_points, phrasings, wrongs, strict=True):
            if also or wrong:
                lines.append(f"  - point: {_scalar(point)}")
                if also:
                    lines.append(f"    also: {_flow_list(also)}")
                if wrong:
                    lines.append(f"    not: {_flow_list(wrong)}")
            else:
                lines.append(f"  - {_scalar(point)}")
        lines += ["```", "", card.answer.strip("\n"), ""]
    return "\n".join(lines)


@dataclass(frozen=True)
class CardDraft:
    """What the editor collects; normalised the way the loader would read it back."""

    question: str
    answer: str
    key_points: tuple[str, ...]
    difficulty: Difficulty
    seconds: int

    @classmethod
    def build(
        cls,
        question: str,
        answer: str,
        key_points: Iterable[str],
        difficulty: Difficulty | str,
        seconds: int,
    ) -> CardDraft:
        return cls(
            question=" ".join(question.split()),
            answer=answer.strip("\n").rstrip(),
            key_points=tuple(" ".join(p.split()) for p in key_points if p.strip()),
            difficulty=Difficulty(difficulty),
            seconds=int(seconds),
        )

    def to_card(self, card_id: str, concept_id: str, seeds: tuple[str, ...] = ()) -> Card:
        return Card(
            id=card_id,
            concept=concept_id,
            question=self.question,
            answer=self.answer,
            key_points=self.key_points,
            difficulty=self.difficulty,
            seconds=self.seconds,
            seeds=seeds,
            user=True,
        )


def draft_problems(draft: CardDraft) -> list[str]:
    """Reasons the draft cannot be written, before it is even put in a file."""
    problems = []
    if not draft.question:
        problems.append("the question is empty")
    elif draft.question.startswith("#"):
        problems.append("the question may not start with '#'")
    if not draft.answer.strip():
        problems.append("the answer is empty")
    elif _HEADING.search(_outside_fences(draft.answer)):
        problems.append(
            "the answer has a line starting with '## ', which would start a new card; "
            "use '###' for headings inside an answer"
        )
    # None is allowed: the card then "needs key points" (content/README.md), as imports leave
    # an answer with no real phrases to grade by; an edit need not add them at once.
    if draft.key_points and not MIN_KEY_POINTS <= len(draft.key_points) <= MAX_KEY_POINTS:
        problems.append(
            f"{len(draft.key_points)} key points; write {MIN_KEY_POINTS} to {MAX_KEY_POINTS}, "
            "one per line"
        )
    if not 10 <= draft.seconds <= 3600:
        problems.append(f"time budget {draft.seconds} s; choose 10 to 3600 seconds")
    return problems


def _outside_fences(markdown_text: str) -> str:
    kept, fence = [], None
    for line in markdown_text.splitlines():
        stripped = line.strip()
        if fence is None and stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
        elif fence is not None and stripped.startswith(fence) and stripped.strip(fence[0]) == "":
            fence = None
        elif fence is None:
            kept.append(line)
    return "\n".join(kept)


def concept_problems(concept: Concept) -> list[str]:
    problems = []
    if not ID_PATTERN.match(concept.id):
        problems.append(f"concept id {concept.id!r}: use lowercase letters, digits and dashes")
    if not concept.title.strip():
        problems.append("the new concept has no title")
    if not concept.summary.strip():
        problems.append("the new concept has no summary")
    return problems


def round_trips(path: Path, text: str, concept: Concept, cards: Sequence[Card]) -> bool:
    """Whether `text` parses back to the same concept fields and cards (ignoring positions)."""
    parsed = parse_concept_file(path, text, user=True)
    if parsed.problems or parsed.concept is None:
        return False
    got = parsed.concept
    same_concept = (got.id, got.title, got.area, got.summary, got.requires, got.related) == (
        concept.id,
        concept.title,
        concept.area,
        concept.summary,
        concept.requires,
        concept.related,
    )

    def key(card: Card) -> tuple[object, ...]:
        return (
            card.id,
            card.question,
            card.answer,
            card.key_points,
            card.difficulty,
            card.seconds,
            card.seeds,
        )

    return same_concept and [key(c) for c in parsed.cards] == [key(c) for c in cards]


# The story writer (domain/stories.py) writes YAML and checks Markdown by the same rules.
yaml_scalar = _scalar
yaml_flow_list = _flow_list
outside_fences = _outside_fences
