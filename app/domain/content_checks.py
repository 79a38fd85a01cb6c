"""Editorial rules for the bundled bank, checked by `check-content` on top of parsing.

Parsing (content_loader) decides what the app can load; these rules decide what the project
is willing to ship: every concept says when its facts were last checked, every answer can be
rehearsed (at most 350 words of prose), and every key point a grader listens for is an idea
the model answer actually states. The user's own cards are exempt: they are notes, not a bank.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app.domain.content import FENCE_INFO, Card, Concept, ContentBank, ContentProblem

MAX_PROSE_WORDS = 350
REVIEW_MAX_AGE_MONTHS = 12
PARAPHRASE_FILE = "keypoint-paraphrases.yaml"
# A key point is supported when at least this share of its content words occur in the answer.
SUPPORT_SHARE = 0.5

_WORD = re.compile(r"[a-z0-9]+")
_PROSE_WORD = re.compile(r"[A-Za-z0-9]")
_STOPWORDS = frozenset(
    """a an and are as at be by can could did do does each for from has have how if in into is
    it its may might more most much must no not of on once one only or other our over per so
    such than that the their them then there these they this those to too up us vs was we what
    when where which while who why will with without would you your""".split()
)
_SUFFIXES = (
    "izations", "isations", "ization", "isation", "ations", "ation", "ings", "ing", "ies",
    "ied", "es", "ed", "ly", "er", "s",
)  # fmt: skip
_STEM_LENGTH = 5


# -- length -------------------------------------------------------------------------------
def prose_words(answer: str) -> int:
    """Words a candidate would say: fenced code and table rows are not counted."""
    count = 0
    fence: str | None = None
    for line in answer.splitlines():
        stripped = line.strip()
        if fence is None:
            match = FENCE_INFO.match(stripped)
            if match:
                fence = match.group(1)
                continue
            if stripped.startswith("|"):
                continue
            count += sum(1 for token in stripped.split() if _PROSE_WORD.search(token))
        elif stripped.startswith(fence) and stripped.strip(fence[0]) == "":
            fence = None
    return count


# -- key points ---------------------------------------------------------------------------
def _normal(word: str) -> str:
    """A crude stem: common endings off, then the first five letters ("monitoring" and
    "monitored" meet at "monit"); numbers stay whole, so "2" never matches "2027"."""
    if word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:_STEM_LENGTH]


def content_words(text: str) -> list[str]:
    """The normalised words of `text` that carry meaning, in order, without repeats."""
    words = (w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS)
    return list(dict.fromkeys(_normal(w) for w in words))


def key_point_supported(point: str, answer: str) -> bool:
    """True when at least half of the point's content words appear in the answer."""
    wanted = content_words(point)
    if not wanted:
        return True
    present = set(content_words(answer))
    found = sum(1 for w in wanted if w in present)
    return found >= math.ceil(SUPPORT_SHARE * len(wanted))


def unsupported_key_points(card: Card) -> list[str]:
    """Key points the answer states neither as written nor in one of their `also:` phrasings."""
    unsupported = []
    for index, point in enumerate(card.key_points):
        others = card.phrasings[index] if index < len(card.phrasings) else ()
        if not any(key_point_supported(text, card.answer) for text in (point, *others)):
            unsupported.append(point)
    return unsupported


def repeated_phrasings(card: Card) -> list[str]:
    """A point's `also:` or `not:` item written twice (letter case aside): the second says
    nothing more, and two writers adding to one list is how it happens."""
    problems = []
    for index, point in enumerate(card.key_points):
        for kind, lists in (("also", card.phrasings), ("not", card.misconceptions)):
            seen: set[str] = set()
            for item in lists[index] if index < len(lists) else ():
                key = " ".join(item.lower().split())
                if key in seen:
                    problems.append(
                        f"{kind}: item '{item}' of key point '{point}' is written twice"
                    )
                seen.add(key)
    return problems


def misconception_problems(card: Card) -> list[str]:
    """What is wrong with a card's `not:` lists: a mistaken claim that repeats its point or
    one of the point's phrasings (the grader would refuse the point's own wording), or one
    that shares no word with them (it is about something else, so it says nothing here)."""
    problems = []
    for index, wrongs in enumerate(card.misconceptions):
        point = card.key_points[index]
        others = card.phrasings[index] if index < len(card.phrasings) else ()
        right = {" ".join(content_words(text)) for text in (point, *others)}
        vocabulary = {w for text in (point, *others) for w in content_words(text)}
        for wrong in wrongs:
            words = content_words(wrong)
            if " ".join(words) in right:
                problems.append(f"mistaken claim '{wrong}' repeats key point '{point}'")
            elif not vocabulary.intersection(words):
                problems.append(f"mistaken claim '{wrong}' shares no word with key point '{point}'")
    return problems


@dataclass(frozen=True)
class Paraphrase:
    """A key point deliberately worded differently from its answer, and why that is right."""

    card: str
    point: str
    reason: str
    line: int


def load_paraphrases(path: Path) -> tuple[list[Paraphrase], list[ContentProblem]]:
    """The allow-list: a YAML list of {card, point, reason}; a missing file allows nothing."""
    if not path.is_file():
        return [], []
    import yaml

    text = path.read_text(encoding="utf-8")
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return [], [ContentProblem(path, 1, f"malformed YAML: {exc}")]
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [ContentProblem(path, 1, "must be a YAML list of {card, point, reason}")]
    starts = [i + 1 for i, line in enumerate(text.splitlines()) if line.startswith("- ")]
    entries: list[Paraphrase] = []
    problems: list[ContentProblem] = []
    for index, item in enumerate(data):
        line = starts[index] if index < len(starts) else 1
        if not isinstance(item, dict) or not all(
            isinstance(item.get(key), str) and item[key].strip()
            for key in ("card", "point", "reason")
        ):
            problems.append(ContentProblem(path, line, "each entry needs card, point and reason"))
            continue
        entries.append(Paraphrase(item["card"], item["point"], item["reason"].strip(), line))
    return entries, problems


# -- review dates -------------------------------------------------------------------------
def months_since(reviewed: str, today: date) -> int:
    """Whole calendar months from a "YYYY-MM" review to today's month."""
    year, month = (int(part) for part in reviewed.split("-"))
    return (today.year - year) * 12 + (today.month - month)


def stale_concepts(
    bank: ContentBank, today: date, max_age: int = REVIEW_MAX_AGE_MONTHS
) -> list[Concept]:
    """Bundled concepts not reviewed in the last `max_age` months (or never)."""
    return [
        c
        for c in bank.concepts.values()
        if not c.user and (not c.reviewed or months_since(c.reviewed, today) > max_age)
    ]


# -- everything check-content adds --------------------------------------------------------
def editorial_problems(bank: ContentBank, paraphrase_file: Path) -> list[ContentProblem]:
    """Every bundled concept without `reviewed:`, answer over the word limit, and key point
    the answer does not state (unless the allow-list explains why)."""
    problems: list[ContentProblem] = []
    for concept in bank.concepts.values():
        if not concept.user and not concept.reviewed:
            problems.append(
                ContentProblem(
                    concept.source, 1, "front matter lacks 'reviewed: YYYY-MM' (when last checked)"
                )
            )
    entries, problems_in_list = load_paraphrases(paraphrase_file)
    problems.extend(problems_in_list)
    allowed = {(e.card, e.point) for e in entries}
    used: set[tuple[str, str]] = set()
    for card in bank.cards.values():
        if card.user:
            continue
        words = prose_words(card.answer)
        if words > MAX_PROSE_WORDS:
            problems.append(
                ContentProblem(
                    card.source,
                    card.line,
                    f"answer of '{card.id}' has {words} words of prose; at most "
                    f"{MAX_PROSE_WORDS} (split it into steps)",
                )
            )
        problems.extend(
            ContentProblem(card.source, card.line, f"{problem} of '{card.id}'")
            for problem in (*misconception_problems(card), *repeated_phrasings(card))
        )
        for point in unsupported_key_points(card):
            if (card.id, point) in allowed:
                used.add((card.id, point))
                continue
            problems.append(
                ContentProblem(
                    card.source,
                    card.line,
                    f"key point '{point}' of '{card.id}' is not stated in the answer",
                )
            )
    for entry in entries:
        if (entry.card, entry.point) not in used:
            problems.append(
                ContentProblem(
                    paraphrase_file,
                    entry.line,
                    f"allowed paraphrase for '{entry.card}' is not needed: no such flagged "
                    f"key point '{entry.point}'",
                )
            )
    return problems
