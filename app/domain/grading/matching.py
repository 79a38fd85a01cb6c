"""Does a typed answer state a key point? The verdict the quiz shows (`PointMatch`): the best of
the point's phrasings, refused if the answer states one of the point's mistakes, explained in
words, with the spans of the answer that made it; and every point of a card against one
answer, each point kept to its own subject among the things the question compares.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from app.domain.grading.answer_index import AnswerIndex
from app.domain.grading.judging import (
    ALTERNATIVE_SHARE,
    _best,
    _enough,
    _needed,
    _passes,
    _rank,
    _Verdict,
)
from app.domain.grading.mistakes import MISTAKE_STATED, _mistaken
from app.domain.grading.point import _prepare
from app.domain.grading.words import _canon, _point_words, key_words, tokenize


@dataclass(frozen=True)
class PointMatch:
    """Whether a typed answer states a key point, why the matcher thinks so, and where."""

    point: str
    covered: bool
    explanation: str
    # (start, end) character spans of the answer that made the point tick.
    evidence: tuple[tuple[int, int], ...] = ()


# Only a telling word supports ("overflow", not "model"): one at least this rare in the bank.
SUPPORT_MIN_WEIGHT = 5.0


# Small words rare in the bank's terse points, so weighed as telling, that tell nothing.
@cache
def _function_words() -> frozenset[str]:
    return frozenset(_canon(w) for w in ("both", "either", "because", "whether"))


# A telling word of the point's alternative phrasings (not of the model answer's statement)
# supports it too, but counts for this much of a missing word: the phrasings are guesses at
# how candidates word it, the model answer states it.
PHRASING_SUPPORT = 0.5


@lru_cache(maxsize=65536)
def _support_words(statement: str, point: str) -> frozenset[str]:
    """The model statement's key words the point does not already have."""
    return (
        frozenset(_point_words(statement)) - frozenset(_point_words(point))
        if statement
        else frozenset()
    )


def match_key_point(
    point: str,
    answer: str | AnswerIndex,
    alternatives: Iterable[str] = (),
    weights: Mapping[str, float] | None = None,
    support: str = "",
    rivals: tuple[str, frozenset[str]] = ("", frozenset()),
    others: frozenset[str] = frozenset(),
    topic: frozenset[str] = frozenset(),
    mistakes: Iterable[str] = (),
) -> PointMatch:
    """Whether `answer` states `point` (or one of its `alternatives`) in one window.
    `support` is the model answer's own statement of the point: a window a word or so short
    of the point is enough when it also holds enough of that statement's other words.
    `rivals`: the point's subject (if one of them) and the things the question compares
    (see `claims._rival_subject`). `others`: words that cannot support this point, since the
    question or the card's other points use them. `mistakes`: the mistaken claims candidates
    make about the point (see `mistakes._mistaken`)."""
    index = answer if isinstance(answer, AnswerIndex) else AnswerIndex(answer)
    if not index.text.strip():
        return PointMatch(point, False, "nothing typed")
    weights = weights or {}
    alternatives = tuple(alternatives)
    telling = {
        w
        for w in _support_words(" ".join((support, *alternatives)), point) - others
        if weights.get(w, SUPPORT_MIN_WEIGHT) >= SUPPORT_MIN_WEIGHT and w not in _function_words()
    }
    stated = _support_words(support, point)
    helpers = {w: 1.0 if w in stated else PHRASING_SUPPORT for w in telling}
    best: tuple[str, _Verdict] | None = None
    main = _prepare(point)
    for phrasing in (point, *alternatives):
        prepared = _prepare(phrasing)
        if prepared is None:
            continue
        if main and phrasing != point and len(prepared.wanted) < min(2, len(main.wanted)):
            continue  # "what I did versus what the team did" is just "team": no statement
        verdict = _best(
            prepared, index, weights, helpers if phrasing == point else {}, rivals, topic
        )
        if phrasing != point:
            verdict = replace(verdict, needs=ALTERNATIVE_SHARE)
        if best is None or _rank(verdict) > _rank(best[1]):
            best = (phrasing, verdict)
    if best is None:
        return PointMatch(point, False, "the point has no words to look for")
    phrasing, verdict = best
    wanted = len(verdict.found) + len(verdict.missing)
    via = "" if phrasing == point else f" (as “{phrasing}”)"
    if _passes(verdict):
        if mistaken := _mistaken(
            verdict, (point, *alternatives), tuple(mistakes), index, weights, topic
        ):
            mistake, claim = mistaken
            return PointMatch(point, False, f"{MISTAKE_STATED}: “{mistake}”", claim.evidence)
        if _verbatim(phrasing, index.text):
            return PointMatch(point, True, f"mentions “{phrasing.strip()}”", verdict.evidence)
        what = ", ".join(verdict.found)
        explanation = f"{len(verdict.found)} of {wanted} key words{via}: {what}"
        if verdict.supported:
            explanation += f"; with the model answer's {', '.join(verdict.supported)}"
        if verdict.phrased:
            explanation += f"; with its phrasings' {', '.join(verdict.phrased)}"
        return PointMatch(point, True, explanation, verdict.evidence)
    if verdict.problem and _enough(verdict):  # the words are there, but not the idea
        return PointMatch(point, False, f"{verdict.problem}{via}", verdict.evidence)
    if verdict.found and len(verdict.found) >= _needed(wanted, verdict.needs):  # too light
        return PointMatch(
            point,
            False,
            f"{len(verdict.found)} of {wanted} key words together "
            f"({', '.join(verdict.found)}), but not the ones that carry the point "
            f"({', '.join(verdict.missing)})",
            verdict.evidence,
        )
    if verdict.found:
        return PointMatch(
            point,
            False,
            f"only {len(verdict.found)} of {wanted} key words together "
            f"({', '.join(verdict.found)}); needs {_needed(wanted, verdict.needs)}",
            verdict.evidence,
        )
    return PointMatch(point, False, f"none of the key words ({', '.join(verdict.missing)})")


_PLAIN_WORD = re.compile(r"[a-z0-9]+")


def _verbatim(phrasing: str, answer: str) -> bool:
    words = " ".join(_PLAIN_WORD.findall(phrasing.lower()))
    return bool(words) and f" {words} " in f" {' '.join(_PLAIN_WORD.findall(answer.lower()))} "


def match_key_points(
    points: Iterable[str],
    answer: str,
    alternatives: Sequence[Sequence[str]] = (),
    weights: Mapping[str, float] | None = None,
    support: Sequence[str] = (),
    question: str = "",
    misconceptions: Sequence[Sequence[str]] = (),
) -> list[PointMatch]:
    """Every point against one answer (indexed once); `support` as in `match_key_point`.
    With the card's `question`, a point about one thing it compares ("macro" of "macro,
    micro and weighted averaging") is not credited for a claim about another."""
    points = list(points)
    alts = list(alternatives) + [()] * (len(points) - len(alternatives))
    helps = list(support) + [""] * (len(points) - len(support))
    wrongs = list(misconceptions) + [()] * (len(points) - len(misconceptions))
    index = AnswerIndex(answer)
    compared = set(key_words(question))
    firsts = [next(iter(_point_words(p)), "") for p in points]
    subjects = _compared_things(question, firsts)
    texts = [[p, *a] for p, a in zip(points, alts, strict=True)]
    words = [frozenset(w for text in group for w in _point_words(text)) for group in texts]
    topic = frozenset(compared)
    return [
        match_key_point(
            p,
            index,
            a,
            weights,
            h,
            (w if w in subjects else "", subjects),
            topic.union(*(words[:i] + words[i + 1 :])),
            topic,
            m,
        )
        for i, (p, a, h, w, m) in enumerate(zip(points, alts, helps, firsts, wrongs, strict=True))
    ]


# Things a question compares are named close together ("macro, micro and weighted", "PPO and
# GRPO", "L1 vs L2"): at most this many words apart.
COMPARED_GAP = 3


def _compared_things(question: str, firsts: Sequence[str]) -> frozenset[str]:
    """The points' subjects (their first words) that the question names as things it compares:
    each next to another within `COMPARED_GAP` words, as a list or a contrast. "What is data
    drift, and how would you detect it in production?" compares nothing: "production" is
    where, not a rival of "drift"."""
    wanted = set(firsts)
    places = [(i, t.canon) for i, t in enumerate(tokenize(question)) if t.canon in wanted]
    things: set[str] = set()
    for (a, first), (b, second) in zip(places, places[1:], strict=False):
        if first != second and b - a <= COMPARED_GAP + 1:
            things.update((first, second))
    return frozenset(things)
