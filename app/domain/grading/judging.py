"""One phrasing of a point judged against each window of an answer.

In a window, the point's words must stand close together (within `SPAN_PER_WORD` tokens a
word), each on the point's side of a negation, and hold `COVER_SHARE` of the point's weight
(`ALTERNATIVE_SHARE` for a phrasing), with no check of `claims` refusing them; a window a word
or two short still states it with enough supporting words (the model answer's statement of
the point, its phrasings). The best window's verdict is the phrasing's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

from app.domain.grading.answer_index import AnswerIndex, _Window
from app.domain.grading.claims import (
    _crossed_pairs,
    _label_rebound,
    _negates_the_rest,
    _numbers_rebound,
    _only_directions,
    _other_formula,
    _other_side_instead,
    _reversed_comparison,
    _rival_subject,
    _swapped_relation,
    _unequal,
)
from app.domain.grading.negation import _negated, _removed
from app.domain.grading.point import _COMMONPLACE_FIGURES, _Point

# How much of a point's weighted key words one window must state.
COVER_SHARE = 0.45
# An alternative phrasing is the author's guess at how candidates say it, wordier than the
# point; it must be stated more fully, or on-topic wrong answers would tick it.
ALTERNATIVE_SHARE = 0.5


# A point's words must be stated close together: within this many tokens per key word (and
# at least SPAN_MIN), so a long sentence cannot lend one claim's words to another.
SPAN_PER_WORD = 3.0
SPAN_MIN = 12


@dataclass(frozen=True)
class _Verdict:
    share: float
    found: tuple[str, ...]  # as the answer writes them
    missing: tuple[str, ...]  # as the point writes them
    evidence: tuple[tuple[int, int], ...]
    problem: str = ""
    needs: float = COVER_SHARE  # the share of weight this phrasing must reach
    # Words of the model answer's statement of the point that make up for a missing one.
    supported: tuple[str, ...] = ()
    canon: tuple[str, ...] = ()  # the point's words found, normalised
    phrased: tuple[str, ...] = ()  # words of the point's phrasings that make up for one
    # Where in the answer (character offset) each of the point's words found is.
    places: tuple[tuple[str, int], ...] = ()


def _near_figures(word: str, window: _Window) -> tuple[int, ...]:
    """A decimal figure the point gives more precisely than the answer ("1.443" and "1.44"
    or "1.4"): the answer's figure is the point's, rounded."""
    if "." not in word or not word.replace(".", "").isdigit():
        return ()
    value = float(word)
    places: list[int] = []
    for i, token in enumerate(window.tokens):
        text = token.canon
        if "." in text and text.replace(".", "").isdigit() and text != word:
            decimals = len(text.split(".")[1])
            if decimals < len(word.split(".")[1]) and round(value, decimals) == float(text):
                places.append(i)
    return tuple(places)


def _closed_compounds(point: _Point, window: _Window) -> dict[str, tuple[int, ...]]:
    """Two of the point's words written as one in the answer ("pseudo-label" and
    "pseudolabels", "mini batch" and "minibatch"): where each of the two is."""
    found: dict[str, tuple[int, ...]] = {}
    for a, b, joined in point.compounds:
        places = window.at.get(joined, ())
        if places:
            found.setdefault(a, places)
            found.setdefault(b, places)
    return found


def _agreeing_places(point: _Point, window: _Window) -> list[tuple[int, str]]:
    """Where each of the point's words is, leaving out a mention the answer negates when it
    also says the word plainly ("doesn't drown in tool output ... only the tools they need")."""
    places = []
    for word in point.wanted:
        at = window.at.get(word, ())
        if len(at) > 1 and word not in point.negated:
            plain = tuple(i for i in at if not _negated(window.tokens, i))
            at = plain or at
        places += [(i, word) for i in at]
    return places


def _closest_stretch(
    point: _Point, window: _Window, weights: Mapping[str, float]
) -> tuple[int, int]:
    """The stretch of tokens, no longer than the point allows, that holds the most of the
    point's weight (the earliest such); the whole window when its words already fit."""
    length = max(SPAN_MIN, math.ceil(SPAN_PER_WORD * len(point.wanted)))
    places = sorted((i, w) for w in point.wanted for i in window.at.get(w, ()))
    if places and places[-1][0] - places[0][0] >= length:
        places = sorted(_agreeing_places(point, window))
    if not places or places[-1][0] - places[0][0] < length:
        return 0, len(window.tokens)
    best, best_weight = (0, len(window.tokens)), -1.0
    for start, _ in places:
        inside = {w for i, w in places if start <= i < start + length}
        weight = sum(weights.get(w, 1.0) for w in inside)
        if weight > best_weight + 1e-9:
            best, best_weight = (start, start + length), weight
    return best


def _judge_window(
    point: _Point,
    window: _Window,
    weights: Mapping[str, float],
    total: float,
    whole: _Window,
    rivals: tuple[str, frozenset[str]] = ("", frozenset()),
) -> _Verdict:
    tokens = window.tokens
    positions: dict[str, int] = {}
    flipped: list[str] = []
    contrary: dict[str, list[int]] = {}  # a word's mentions of the other polarity
    low, high = _closest_stretch(point, window, weights)
    closed = _closed_compounds(point, window)
    for word in point.wanted:
        places = [
            i
            for i in window.at.get(word) or _near_figures(word, window) or closed.get(word, ())
            if low <= i < high
        ]
        if not places:
            continue
        # Prefer an occurrence whose polarity agrees with the point's for that word.
        negated = word in point.negated
        # An answer that takes away what the point asserts ("removes the KL penalty" for
        # "KL penalty moved into the loss") negates it.
        removable = not negated and word not in point.taken and word not in point.lowered
        agreeing = [
            i
            for i in places
            if (_negated(tokens, i) == negated and not (removable and _removed(tokens, i)))
            or (word in point.taken and (_negated(tokens, i) or _removed(tokens, i)))
        ]
        positions[word] = agreeing[0] if agreeing else places[0]
        if not agreeing and not negated:
            flipped.append(word)
        elif window.split and len(agreeing) < len(places):
            contrary[word] = [i for i in places if i not in agreeing]
    for word, others in contrary.items():
        # Said both ways, in the two sentences: the mention that counts is in the sentence
        # of the point's other words ("... there's no drift. ... AUC 0.5 means strong drift").
        side = {i >= window.split for w, i in positions.items() if w != word}
        if len(side) == 1 and (positions[word] >= window.split) not in side:
            moved = [i for i in others if (i >= window.split) in side]
            if moved:
                positions[word] = moved[0]
                if word not in point.negated:
                    flipped.append(word)
    share = sum(weights[w] for w in positions) / total if total else 0.0
    found = tuple(tokens[positions[w]].word for w in point.wanted if w in positions)
    missing = tuple(point.written.get(w, w) for w in point.wanted if w not in positions)
    evidence = tuple(sorted((tokens[i].start, tokens[i].end) for i in positions.values()))
    problem = ""
    wanted = len(point.wanted)
    if len(found) + SUPPORT_SHORT < min(wanted, _needed(wanted)):
        # Too few of the point's words for this window to state it, even with the model
        # answer's support: no need to ask what else it says (the slow part, per window).
        return _Verdict(
            share,
            found,
            missing,
            evidence,
            canon=tuple(w for w in point.wanted if w in positions),
            places=tuple((w, tokens[i].start) for w, i in positions.items()),
        )
    # Numbers the point writes as digits must be there; "one" or "ZeRO" are words, not figures.
    numbers = [
        w
        for w in point.wanted
        if w[:1].isdigit() and point.written.get(w, w)[:1].isdigit() and w not in point.constants
    ]
    if (
        positions
        and all(w in _COMMONPLACE_FIGURES for w in positions)
        and not (point.formulas and frozenset().union(*point.formulas) <= window.at.keys())
    ):  # the terms of the point's formula ("1 − binom(n-c, k)/binom(n, k)") are its words
        problem = "only a figure any formula has, none of the point's words"
    elif _only_directions(positions):
        problem = "only a direction word (“more”, “after”), none of the point's things"
    elif positions and any(n not in positions for n in numbers):
        absent = next(point.written.get(n, n) for n in numbers if n not in positions)
        problem = f"the point's number {absent} is not in the answer"
    elif (
        positions
        and point.negative
        and not any(_negated(tokens, i) for i in positions.values())
        and not _negates_the_rest(point, positions, tokens)
    ):
        problem = "leaves out the point's negation"
    elif flipped:
        problem = f"says the opposite: “{tokens[positions[flipped[0]]].word}” is negated"
    elif swap := _swapped_relation(point, positions, tokens):
        problem = swap
    elif instead := _other_side_instead(point, positions, tokens, window):
        problem = instead
    elif rival := _rival_subject(point, positions, tokens, rivals):
        problem = rival
    elif crossed := _crossed_pairs(point, positions, tokens):
        problem = crossed
    elif relabelled := _label_rebound(point, positions, tokens):
        problem = relabelled
    elif reversed_ := _reversed_comparison(point, positions, tokens):
        problem = reversed_
    elif _unequal(point, positions, tokens):
        problem = "compares where the point equates"
    elif bound := _numbers_rebound(point, tokens, low, high):
        problem = bound
    elif point.formulas and (formula := _other_formula(point, whole)):
        problem = formula
    canon = tuple(w for w in point.wanted if w in positions)
    at = tuple((w, tokens[i].start) for w, i in positions.items())
    return _Verdict(share, found, missing, evidence, problem, canon=canon, places=at)


def _rank(verdict: _Verdict) -> tuple[bool, float, int]:
    return (_passes(verdict), verdict.share, -len(verdict.evidence))


def _needed(count: int, share: float = COVER_SHARE) -> int:
    """Key words one window must hold: the share, and never a single word of a longer point."""
    return max(min(count, 2), math.ceil(share * count))


def _enough(verdict: _Verdict) -> bool:
    if verdict.supported or verdict.phrased:
        return True
    wanted = len(verdict.found) + len(verdict.missing)
    return verdict.share >= verdict.needs - 1e-9 and len(verdict.found) >= min(
        wanted, _needed(wanted, verdict.needs)
    )


def _passes(verdict: _Verdict) -> bool:
    return _enough(verdict) and not verdict.problem


def _best(
    point: _Point,
    index: AnswerIndex,
    weights: Mapping[str, float],
    helpers: Mapping[str, float] | None = None,
    rivals: tuple[str, frozenset[str]] = ("", frozenset()),
    topic: frozenset[str] = frozenset(),
) -> _Verdict:
    own = {w: weights.get(w, 1.0) for w in point.wanted}
    total = sum(own.values())
    nothing = _Verdict(0.0, (), tuple(point.written.get(w, w) for w in point.wanted), ())
    verdicts = [
        _supported(
            _judge_window(point, w, own, total, index.whole, rivals), w, helpers or {}, topic
        )
        for w in index.windows
        if not w.at.keys().isdisjoint(point.wanted)  # a window without its words says nothing
    ]
    return max(verdicts, key=_rank, default=nothing)


# A window short of a point by at most this many key words still states it when it holds
# SUPPORT_WORDS other words of the model answer's statement of the point per missing word.
SUPPORT_SHORT = 2
SUPPORT_WORDS = 1
# A supporting word is part of the same statement: this many tokens at most from a word of
# the point the answer has.
SUPPORT_REACH = SPAN_MIN


def _supported(
    verdict: _Verdict, window: _Window, helpers: Mapping[str, float], topic: frozenset[str]
) -> _Verdict:
    """`helpers`: each supporting word and what it counts for (`matching.PHRASING_SUPPORT`
    for a word only the point's alternative phrasings use). The point's own words found must
    say more than the question's topic ("calibration" of "What is probability calibration?")."""
    if not helpers or verdict.problem or _enough(verdict) or not verdict.found:
        return verdict
    if set(verdict.canon) <= topic:
        return verdict
    wanted = len(verdict.found) + len(verdict.missing)
    short = max(1, _needed(wanted, verdict.needs) - len(verdict.found))
    if short > SUPPORT_SHORT:
        return verdict
    tokens = window.tokens
    starts = {start for start, _ in verdict.evidence}
    found = [i for i, t in enumerate(tokens) if t.start in starts]
    places = {
        w: i
        for w in helpers
        for i in reversed(window.at.get(w, ()))
        if not _negated(tokens, i) and any(abs(i - j) <= SUPPORT_REACH for j in found)
    }
    if sum(helpers[w] for w in places) < SUPPORT_WORDS * short - 1e-9:
        return verdict
    # By place in the answer; a helper found as two words ("warm up" for "warmup") is at its
    # first word, whose own form is not the helper's: keep the helper with its place.
    ordered = sorted(places.items(), key=lambda found: found[1])
    spans = tuple(
        sorted({*verdict.evidence, *((tokens[i].start, tokens[i].end) for _, i in ordered)})
    )
    stated = tuple(tokens[i].word for w, i in ordered if helpers[w] >= 1.0)
    phrased = tuple(tokens[i].word for w, i in ordered if helpers[w] < 1.0)
    return replace(verdict, supported=stated, phrased=phrased, evidence=spans)
