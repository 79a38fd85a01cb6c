"""The content model: areas, concepts and cards, as loaded from `content/`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
FENCE_INFO = re.compile(r"^(`{3,}|~{3,})\s*([\w+#.-]*)\s*(.*)$")


FRONT_MATTER_KEYS = ("id", "title", "area", "summary", "requires", "related", "reviewed")


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    color: str
    order: int


@dataclass(frozen=True)
class CodeBlock:
    """A fenced code block inside an answer; `runnable` is false for marked fragments."""

    language: str
    code: str
    runnable: bool
    line: int


@dataclass(frozen=True, slots=True)
class Card:
    id: str
    concept: str
    question: str
    answer: str
    key_points: tuple[str, ...]
    difficulty: Difficulty
    seconds: int
    seeds: tuple[str, ...] = ()
    source: Path | None = None
    line: int = 0
    answer_line: int = 0
    user: bool = False
    # Other ways of stating each key point (aligned with key_points; () where none), which
    # the quiz grader credits as well: written as `- point: ...` with `also: [...]`.
    phrasings: tuple[tuple[str, ...], ...] = ()
    # For each key point, the mistaken claims a candidate commonly makes about it with the
    # point's own words (aligned with key_points; () where none): an answer that states one
    # of them does not get the point. Written as `not: [...]` beside `also:`.
    misconceptions: tuple[tuple[str, ...], ...] = ()

    def __reduce__(self) -> tuple[type[Card], tuple[object, ...]]:
        """Pickled as its field values (the parse cache holds every card): rebuilt through
        `__init__`, a quarter quicker to load than a slotted dataclass's own state."""
        return (Card, tuple([getattr(self, name) for name in self.__slots__]))

    def code_blocks(self) -> list[CodeBlock]:
        return extract_code_blocks(self.answer, self.answer_line)

    @property
    def needs_key_points(self) -> bool:
        """An own card with no key points yet (an import found no real phrases to use): the
        quiz lets the learner grade it themselves until some are written."""
        return not self.key_points


@dataclass(frozen=True, slots=True)
class Concept:
    id: str
    title: str
    area: str
    summary: str
    requires: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    # When a person last checked the concept's facts, as "YYYY-MM" ("" if never said).
    reviewed: str = ""
    source: Path | None = None
    line: int = 1
    user: bool = False
    # Line of each FRONT_MATTER_KEYS entry, in that order. A tuple, not a dict: a bank can
    # hold tens of thousands of concepts, and this is only read for error messages.
    key_lines: tuple[int, ...] = field(default=(), compare=False, hash=False)

    def __reduce__(self) -> tuple[type[Concept], tuple[object, ...]]:
        """Pickled as its field values, as `Card` is."""
        return (Concept, tuple([getattr(self, name) for name in self.__slots__]))

    def line_of(self, key: str) -> int:
        """Line of a front-matter key in the source file, for error messages."""
        if key in FRONT_MATTER_KEYS and self.key_lines:
            return self.key_lines[FRONT_MATTER_KEYS.index(key)]
        return self.line


@dataclass(frozen=True)
class ContentProblem:
    """One thing wrong with the content, pointing at the file and line to fix."""

    path: Path | None
    line: int
    message: str

    def format(self, root: Path | None = None) -> str:
        if self.path is None:
            return f"content:{self.line}: {self.message}"
        shown = self.path
        if root is not None:
            try:
                shown = self.path.relative_to(root)
            except ValueError:
                shown = self.path
        return f"{shown}:{self.line}: {self.message}"


@dataclass
class ContentBank:
    """Everything the app studies: areas, concepts and cards, in a stable order."""

    areas: dict[str, Area] = field(default_factory=dict)
    concepts: dict[str, Concept] = field(default_factory=dict)
    cards: dict[str, Card] = field(default_factory=dict)
    problems: list[ContentProblem] = field(default_factory=list)
    # Retired card id -> the card that replaced it (content/retired.yaml); never reused.
    retired: dict[str, str] = field(default_factory=dict)

    def cards_of(self, concept_id: str) -> list[Card]:
        return [c for c in self.cards.values() if c.concept == concept_id]

    def area_of_card(self, card: Card) -> Area | None:
        concept = self.concepts.get(card.concept)
        return self.areas.get(concept.area) if concept else None

    def to_json_dict(self) -> dict[str, list[dict[str, object]]]:
        """The stable machine-readable shape used by `dump-content --json`."""
        return {
            "areas": [
                {"id": a.id, "title": a.title, "color": a.color}
                for a in sorted(self.areas.values(), key=lambda a: a.order)
            ],
            "concepts": [
                {
                    "id": c.id,
                    "title": c.title,
                    "area": c.area,
                    "summary": c.summary,
                    "requires": list(c.requires),
                    "related": list(c.related),
                    "reviewed": c.reviewed,
                }
                for c in self.concepts.values()
            ],
            "retired": [{"id": old, "replaced_by": new} for old, new in self.retired.items()],
            "cards": [
                {
                    "id": c.id,
                    "concept": c.concept,
                    "question": c.question,
                    "answer": c.answer,
                    "key_points": list(c.key_points),
                    "difficulty": c.difficulty.value,
                    "seconds": c.seconds,
                    "seeds": list(c.seeds),
                }
                for c in self.cards.values()
            ],
        }


def extract_code_blocks(markdown_text: str, first_line: int = 0) -> list[CodeBlock]:
    """Fenced code blocks of a Markdown text; `python fragment` marks non-runnable code."""
    blocks: list[CodeBlock] = []
    fence: str | None = None
    language = ""
    runnable = True
    start = 0
    body: list[str] = []
    for offset, line in enumerate(markdown_text.splitlines()):
        stripped = line.strip()
        if fence is None:
            match = FENCE_INFO.match(stripped)
            if match:
                fence, language = match.group(1), match.group(2).lower()
                runnable = "fragment" not in match.group(3).lower().split()
                start, body = first_line + offset, []
        elif stripped.startswith(fence) and stripped.strip(fence[0]) == "":
            blocks.append(CodeBlock(language, "\n".join(body), runnable, start))
            fence = None
        else:
            body.append(line)
    return blocks
