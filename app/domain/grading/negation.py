"""Is a word of a text denied? A negation within reach before it in its clause, a dismissal
right after it ("feature scaling doesn't matter") or a verb that takes it away ("removes the
KL penalty"); and what is no denial: what a check looks for ("check the test set didn't
leak"), a thing past a verb that keeps ("dropping the recurrence and keeping the attention")
or a phrase of time or place ("no neural model at query time").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from app.domain.grading.lexicon import DEPENDENCE_DENIALS
from app.domain.grading.words import Token, _canon, _stop_canon

# Negation this many tokens before a matched word (in the same clause) flips it.
NEGATION_REACH = 3


def _asserts_negative(tokens: Iterable[Token]) -> bool:
    """A negation that denies something: not one of a dependence, nor one that ends its
    clause ("when to use it and when not": an ellipsis that repeats, not denies)."""
    tokens = list(tokens)
    return any(
        t.negation
        and t.word not in DEPENDENCE_DENIALS
        and i + 1 < len(tokens)
        and not tokens[i + 1].after_pause
        for i, t in enumerate(tokens)
    )


def _negated(tokens: Sequence[Token], index: int) -> bool:
    """A negation within reach before tokens[index], in the same clause; small words
    ("can't really use the full window") do not count towards the reach. Or the word is
    dismissed right after it ("feature scaling doesn't matter", "human review isn't needed")."""
    return _dismissed(tokens, index) or _negated_before(tokens, index)


# Predicates that, negated right after a thing, deny the thing itself: "X doesn't matter",
# "X isn't needed", "X is not used", "X is unnecessary"; as written, for "X doesn't need Y"
# denies Y, not X.
_DISMISSALS = frozenset(
    "matter matters needed used included required necessary important help helps".split()
)
_DISMISSIVE = frozenset({"unnecessary", "irrelevant", "pointless", "unaffected", "unchanged"})
DISMISSAL_REACH = 3  # tokens after the thing (small words count)


def _dismissed(tokens: Sequence[Token], index: int) -> bool:
    dismissals, dismissive = _DISMISSALS, _DISMISSIVE
    negated = False
    for j in range(index + 1, min(len(tokens), index + 1 + DISMISSAL_REACH + 1)):
        token = tokens[j]
        if token.after_pause or token.breaks_clause:
            return False
        if token.negation:
            negated = True
        elif (negated and token.word in dismissals) or token.word in dismissive:
            return True
    return False


# Prepositions that start a phrase of place or time, after the thing a negation denies
# ("in" and "on" often take its object instead: "no effect on the size").
_WHERE_WHEN = frozenset({"at", "during"})


# Verbs whose object is a clause to check: "check the test set didn't leak" watches for the
# leak, it does not deny one.
_CHECKS = frozenset(
    "check checks checked checking verify verifies verifying ensure ensures ensuring "
    "confirm confirms confirming validate validates validating".split()
)
CHECK_REACH = 4  # tokens from the checking verb to the negation


def _checked(tokens: Sequence[Token], negation: int) -> bool:
    """The negation at `negation` states what a check looks for ("check it didn't leak",
    "make sure the test set doesn't overlap")."""
    for j in range(negation - 1, max(-1, negation - 1 - CHECK_REACH), -1):
        word = tokens[j].word
        if word in _CHECKS or (word == "sure" and j > 0 and tokens[j - 1].word == "make"):
            return True
        if tokens[j].after_pause or tokens[j].breaks_clause or tokens[j].negation:
            return False
    return False


# Verbs that keep or put in what follows them: a negation or a removal before one does not
# reach past it ("dropping the recurrence and keeping only the attention", "no critic, uses
# the group mean instead").
_COUNTER_ACTIONS = (
    "keep",
    "kept",
    "add",
    "use",
    "replace",
    "introduce",
    "adopt",
    "substitute",
    "swap",
)


@cache
def _counter_actions() -> frozenset[str]:
    return frozenset(_canon(word) for word in _COUNTER_ACTIONS)


def _removed(tokens: Sequence[Token], index: int) -> bool:
    """A verb that takes away, within reach before tokens[index] in the same clause
    ("it removes the KL penalty entirely")."""
    return _negated_before(tokens, index, removal=True)


def _negated_before(tokens: Sequence[Token], index: int, removal: bool = False) -> bool:
    stop = _stop_canon()
    counters = _counter_actions()
    reach = NEGATION_REACH
    kept = -1  # a verb that keeps or puts in, between the word and a negation before it
    where = -1  # the first preposition of place or time before the word
    for j in range(index - 1, -1, -1):
        if tokens[j].breaks_clause or tokens[j + 1].after_pause:
            return False
        if tokens[j].removal if removal else tokens[j].negation:
            if not removal and _checked(tokens, j):
                return False
            # "dropping the recurrence and keeping the attention": the removal takes the
            # recurrence, the keeping the attention; "can't just add the scores" negates both.
            # "no neural model at query time": the negation takes the model, not the time.
            return all(
                at < 0 or all(t.canon in stop for t in tokens[j + 1 : at]) for at in (kept, where)
            )
        if kept < 0 and tokens[j].canon in counters:
            kept = j
        if tokens[j].word in _WHERE_WHEN:
            where = j
        if tokens[j].canon not in stop:
            reach -= 1
            if reach == 0:
                return False
    return False
