"""A point's mistaken claims (the content's `not:` list): an answer that seems to state the point
but states one of its mistakes ("PPO is off-policy" for "PPO is on-policy") does not get it,
and a right answer that happens to share a mistake's words keeps it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cache, lru_cache

from app.domain.grading.answer_index import AnswerIndex, _sentences
from app.domain.grading.judging import ALTERNATIVE_SHARE, _best, _passes, _Verdict
from app.domain.grading.point import _Point, _prepare
from app.domain.grading.words import Token, _canon, _phrasing_tokens, _stop_canon

# How a point refused for a mistake the answer states is explained (then the mistake).
MISTAKE_STATED = "states a common mistake"


def _mistaken(
    verdict: _Verdict,
    phrasings: tuple[str, ...],
    mistakes: tuple[str, ...],
    index: AnswerIndex,
    weights: Mapping[str, float],
    topic: frozenset[str] = frozenset(),
) -> tuple[str, _Verdict] | None:
    """The first of the point's mistaken claims ("PPO is off-policy" for "PPO is on-policy")
    the answer states where it seems to state the point, with how it states it.

    The same words serve both claims, so the claim counts only when the answer says, at a
    mention of a word both share, the words that make it wrong (see `_telling`); and the
    point keeps its tick when one of its own words that the mistake lacks ("two" of "Cohen's
    kappa for two raters") is closer to those shared words than the mistake's: "Cohen's
    kappa is for two raters, Fleiss' for many" is right, "Cohen's kappa is for many raters"
    is not. The mistake's subject must be there too, unless it is the question's `topic`
    ("ALiBi" of "How does ALiBi encode position?"), which an answer need not repeat, and the
    clause names no other thing of the question ("the query says what a token looks for" is
    not said of the key). A mistake the answer names as one ("a common pitfall is judging
    on perplexity alone") is not made."""
    if not mistakes:
        return None
    family = _symbols_of(phrasings)
    ours = dict(verdict.places)
    said = index.whole.at.keys()
    for mistake in mistakes:
        wrong = _prepare(mistake)
        if wrong is None or not (_telling_words(wrong) - family - topic) & said:
            continue  # none of the words that would make it wrong: not stated (the quick test)
        clauses = index.clauses()
        # Stated as a phrasing of a point is, in one clause, and of its subject.
        claim = replace(_best(wrong, clauses, weights), needs=ALTERNATIVE_SHARE)
        if not _passes(claim) or not claim.places:
            continue
        clause = _clause_at(clauses, min(at for _, at in claim.places))
        subject = wrong.wanted[0]
        if subject not in claim.canon and (
            subject not in topic
            or any(t.canon in topic and t.canon not in wrong.symbols for t in clause)
        ):
            continue
        shared = [at for word, at in claim.places if ours.get(word) == at]
        if not shared or _named_as_mistake(index, max(at for _, at in claim.places)):
            continue
        telling = _telling(wrong, family | topic, claim, index.whole.tokens)
        if not telling:
            continue
        own = [at for word, at in ours.items() if word not in wrong.symbols]
        if own and _distance(own, shared) < _distance(telling, shared):
            continue
        return mistake, claim
    return None


@lru_cache(maxsize=8192)
def _symbols_of(texts: tuple[str, ...]) -> frozenset[str]:
    """Every normalised word of a point and its phrasings."""
    return frozenset().union(*(p.symbols for text in texts if (p := _prepare(text))))


def _telling_words(wrong: _Point) -> frozenset[str]:
    """The words of a mistake that may tell it from its point: all but its subject, small
    words that carry a claim included (see `_telling`)."""
    return frozenset(wrong.wanted[1:]) | (wrong.symbols & _quantities())


def _clause_at(clauses: AnswerIndex, at: int) -> tuple[Token, ...]:
    return next(
        (w.tokens for w in clauses.windows if w.tokens[0].start <= at <= w.tokens[-1].start), ()
    )


# Words that name what follows them as a mistake ("a common pitfall: judging on perplexity
# alone", "the myth that bigger is always better").
_MISTAKE_NAMES = frozenset(
    "pitfall pitfalls mistake mistakes myth myths misconception misconceptions fallacy trap "
    "wrongly incorrectly mistakenly avoid".split()
)


def _named_as_mistake(index: AnswerIndex, at: int) -> bool:
    """Whether the answer's sentence names what it says at `at` as a mistake before it."""
    begin = next((a for a, b in _sentences(index.text) if a <= at < b), 0)
    return any(t.word in _MISTAKE_NAMES for t in index.whole.tokens if begin <= t.start <= at)


# Small words that carry a mistaken claim ("only", "many", "once"), though the matcher does
# not look for them in a point.
@cache
def _quantities() -> frozenset[str]:
    return frozenset(_canon(w) for w in ("many", "more", "most", "only", "once"))


# The answer says a mistake's word of what stands this many tokens from it at most.
BOUND_REACH = 2
# A small word of a mistake counts this many characters around the words that state it.
QUANTITY_SLACK = 30


def _telling(
    wrong: _Point,
    known: frozenset[str],
    claim: _Verdict,
    answer: Sequence[Token],
) -> list[int]:
    """Where the answer says the words that make a mistaken claim wrong: its telling words,
    the words of the mistake that are not its subject and that neither the point, its
    phrasings nor the question have (`known`) — "off" of "PPO is off-policy", "edit" and
    "distance" of "ROUGE-L is edit distance" — each said of what the mistake says it of
    (see `_bound`), inside the stretch where the answer states the claim; or a small word
    that carries the mistake ("many") near it."""
    places = dict(claim.places)
    low, high = min(places.values()), max(places.values())
    stop = _stop_canon()
    quantities = _quantities()
    claim_tokens = _phrasing_tokens(wrong.text)
    found: dict[str, int] = {}  # each telling word, where the answer first says it
    for i, token in enumerate(answer):
        word = token.canon
        if word in known or word not in wrong.symbols or word == wrong.wanted[0]:
            continue
        if word in stop and word not in quantities:
            continue
        if places.get(word, -1) != token.start and not (
            word in quantities and low - QUANTITY_SLACK <= token.start <= high + QUANTITY_SLACK
        ):
            continue
        if _bound(word, claim_tokens, answer, i):
            found.setdefault(word, token.start)
    return list(found.values())


def _bound(word: str, claim: Sequence[Token], answer: Sequence[Token], at: int) -> bool:
    """Whether the answer says `word` of what the mistake says it of: the word right before
    it in the mistake stands just before it in the answer, or the word right after it just
    after ("across" before and "key/value" after "many" in "one query head across many
    key/value heads"). "Many query heads share one key/value head" says "many" of the query
    heads, and is right."""
    stop = _stop_canon()
    before: set[str] = set()
    after: set[str] = set()
    for i, token in enumerate(claim):
        if token.canon != word:
            continue
        before.update([t.canon for t in claim[:i] if t.canon not in stop][-1:])
        after.update([t.canon for t in claim[i + 1 :] if t.canon not in stop][:1])
    if not before and not after:
        return True  # the mistake is that word alone
    return any(t.canon in before for t in answer[max(0, at - BOUND_REACH) : at]) or any(
        t.canon in after for t in answer[at + 1 : at + BOUND_REACH + 1]
    )


def _distance(places: Sequence[int], anchors: Sequence[int]) -> int:
    return min(abs(place - anchor) for place in places for anchor in anchors)
