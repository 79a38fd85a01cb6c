"""A key point, one of its phrasings or a mistaken claim, prepared once for matching (cached, as
the bank's texts recur on every answer): its key words and how it writes them, the words its
own negation reaches, what it takes away or lowers, its formulas and the word they define.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from app.domain.grading.negation import _asserts_negative, _counter_actions, _negated
from app.domain.grading.words import (
    Token,
    _canon,
    _formula_runs,
    _phrasing_tokens,
    _point_words,
)


@dataclass(frozen=True)
class _Point:
    """A phrasing of a key point, prepared once."""

    text: str
    wanted: tuple[str, ...]
    written: Mapping[str, str]  # normalised word -> as the point writes it
    negative: bool  # the point itself asserts a negative ("no value network")
    # The point's formulas ("TP ÷ (TP + FP)") as sets of their terms, and the word they
    # define ("precision"), if the point gives any.
    formulas: tuple[frozenset[str], ...] = ()
    defines: str = ""
    symbols: frozenset[str] = frozenset()  # every normalised word of the point
    # The words the point's own negation reaches ("patched" in "designed around, not
    # patched"); the others it asserts, and an answer that negates them says the opposite.
    negated: frozenset[str] = frozenset()
    removes: bool = False  # the point itself takes something away ("drops the critic")
    taken: frozenset[str] = frozenset()  # the words it takes away
    # Figures every formula has, inside the point's formula ("1/(1 + λ)"): notation, which
    # an answer may write otherwise, not a figure it must give.
    constants: frozenset[str] = frozenset()
    # Two neighbouring words and the word they make written as one ("pseudo", "label",
    # "pseudolabel"), see `judging._closed_compounds`.
    compounds: tuple[tuple[str, str, str], ...] = ()
    # The words the point lowers ("lower the learning rate"): an answer that drops them
    # ("drop the LR") lowers them too, it does not take them away.
    lowered: frozenset[str] = frozenset()


@lru_cache(maxsize=65536)
def _prepare(phrasing: str) -> _Point | None:
    """Cached: the bank's points and phrasings are prepared once, not per answer."""
    wanted = _point_words(phrasing)
    if not wanted:
        return None
    tokens = _phrasing_tokens(phrasing)
    written = {t.canon: t.word for t in reversed(tokens)}
    runs = _formula_runs(tokens)
    first = runs[0][0] if runs else 0
    defines = next((t.canon for t in tokens[:first] if t.canon in wanted), "")
    formulas = tuple(terms for _, terms in runs)
    symbols = frozenset(t.canon for t in tokens)
    negative = _asserts_negative(tokens)
    negated = frozenset(
        t.canon for i, t in enumerate(tokens) if not t.negation and _negated(tokens, i)
    )
    if negative and not negated & set(wanted):  # a negation reaching none of its words
        negated = frozenset(wanted)
    removes = any(t.removal for t in tokens)
    # What the point takes away ("gets rid of the critic") an answer may deny ("no critic").
    taken = _taken(tokens) if removes else frozenset()
    constants = frozenset(
        t.canon
        for i, t in enumerate(tokens)
        if t.canon in _COMMONPLACE_FIGURES
        and (t.after_operator or (i + 1 < len(tokens) and tokens[i + 1].after_operator))
    )
    return _Point(
        phrasing,
        wanted,
        written,
        negative,
        formulas,
        defines,
        symbols,
        negated,
        removes,
        taken,
        constants,
        tuple(
            (a, b, joined)
            for a, b in zip(wanted, wanted[1:], strict=False)
            if (joined := _canon(written.get(a, a) + written.get(b, b))) not in (a, b)
        ),
        frozenset(
            t.canon
            for i, t in enumerate(tokens)
            if any(u.canon == _lower() for u in _qualifiers(tokens, i, _LOWER_REACH))
        ),
    )


@cache
def _lower() -> str:
    return _canon("lower")


_LOWER_REACH = 3  # "reduce the learning rate": tokens after the verb it acts on


def _taken(tokens: Sequence[Token]) -> frozenset[str]:
    """What a point takes away: its words after its removal, to the end of the claim or a
    verb that keeps ("drops the learned critic (value network)"; "drops the critic, keeps
    the KL term" takes only the critic)."""
    counters = _counter_actions()
    taken: set[str] = set()
    removing = False
    for token in tokens:
        if token.breaks_clause or token.canon in counters:
            removing = False
        elif removing:
            taken.add(token.canon)
        removing = removing or token.removal
    return frozenset(taken)


def _qualifiers(tokens: Sequence[Token], at: int, reach: int = 2) -> Sequence[Token]:
    """The (up to) two (`reach`) words right before tokens[at] in its own clause."""
    start = at
    while start > max(0, at - reach) and not tokens[start].after_pause:
        start -= 1
    return tokens[start:at]


# Figures every formula or list has ("1 − …", "pass@1", "one of"): alone, they state nothing.
_COMMONPLACE_FIGURES = frozenset({"0", "1", "2"})
