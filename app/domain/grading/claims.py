"""The checks that refuse a stretch of an answer which holds a point's words but not its claim.

Each takes the point and where the answer has its words, and names the problem ("" if none):
a negation the answer leaves out, only direction words, a swapped relation or qualifier, the
opposite action, a claim about another of the things the question compares, crossed claims,
words said under another labelled thing, a comparison the other way round or for an equality,
figures tied to the wrong words, a different formula.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache, lru_cache

from app.domain.grading.answer_index import _Window
from app.domain.grading.lexicon import MAGNITUDES
from app.domain.grading.point import _Point, _qualifiers
from app.domain.grading.words import (
    Token,
    _canon,
    _contrast_of,
    _phrasing_tokens,
    _point_words,
)


def _only_directions(positions: Mapping[str, int]) -> bool:
    """The answer has only words of one side of the point's contrasts ("less" of "minimised
    at k about √L"): any answer says "less" or "after". Both sides ("from before to after")
    are a relation between them."""
    contrast_of, directions = _contrast_of(), _directions()
    return bool(positions) and all(
        w in directions and not contrast_of[w] & positions.keys() for w in positions
    )


# Words of a contrast that say which way or when, not what ("memory", "sparse" say what).
_DIRECTION_WORDS = ("before", "after", "above", "below", "early", "late", "first", "last")


@cache
def _directions() -> frozenset[str]:
    return frozenset(_canon(w) for w in (*_DIRECTION_WORDS, *MAGNITUDES[0], *MAGNITUDES[1]))


def _negates_the_rest(point: _Point, positions: Mapping[str, int], tokens: Sequence[Token]) -> bool:
    """The point negates words the answer does not have ("after 2000 steps without
    overflow"); the answer negates something else right among the point's words it has
    ("go 2000 steps with no trouble, double it"): its own words for the negated part."""
    if point.negated & positions.keys():
        return False
    found = sorted(positions.values())
    return any(t.negation for t in tokens[found[0] : found[-1] + 1])


def _swapped_relation(point: _Point, positions: Mapping[str, int], tokens: Sequence[Token]) -> str:
    """The point ties its subject to one side of a contrast ("tensor parallelism within a
    node"); does the answer tie it to the other ("tensor parallelism across nodes")? The side
    that counts is the first one after the subject that governs the same word as in the point
    ("across GPUs within a node" still says "within a node"). A point that names both sides
    ("trades compute for memory") is checked only word by word (`_qualified_otherwise`)."""
    contrast_of = _contrast_of()
    wanted = set(point.wanted)
    for side in (w for w in point.wanted if contrast_of.get(w, frozenset()) & wanted):
        # Both sides, each on its own word ("lowers bias, raises variance"): neither word
        # may carry only the other side ("lower bias and lower variance"). (Not when both
        # sides qualify one word: "easy ones to small models, hard ones to large models".)
        governed = _governed(point.text, side)
        shared = {_governed(point.text, other)[:1] for other in contrast_of[side] & wanted}
        if governed[:1] in shared:
            continue
        if qualified := _qualified_otherwise(tokens, side, contrast_of[side], governed):
            return qualified
    sides = [w for w in point.wanted if w in contrast_of and not contrast_of[w] & wanted]
    subjects = [w for w in point.wanted if w not in contrast_of and w in positions]
    if not sides or not subjects:
        return ""
    subject_at = positions[subjects[0]]
    for side in sides:
        others = contrast_of[side]
        governed = _governed(point.text, side)
        if qualified := _qualified_otherwise(tokens, side, others, governed):
            return qualified
        for at in range(subject_at + 1, len(tokens)):
            token = tokens[at]
            if token.canon != side and token.canon not in others:
                continue
            if governed and governed[0] not in (t.canon for t in tokens[at + 1 : at + 4]):
                continue  # a contrast about something else
            if token.canon == side:
                break
            subject = tokens[subject_at].word
            return f"ties “{subject}” to “{token.word}”, not “{point.written.get(side, side)}”"
    return ""


def _other_side_instead(
    point: _Point, positions: Mapping[str, int], tokens: Sequence[Token], window: _Window
) -> str:
    """The point does one of two opposite things to something ("drops the learned critic");
    the answer does not say it there, and does the other right before one of the point's
    words instead ("adds a second critic")."""
    contrast_of = _contrast_of()
    wanted = set(point.wanted)
    for side in point.wanted:
        others = contrast_of.get(side, frozenset()) & _actions()
        if side not in _actions() or others & wanted or side in positions:
            continue
        for at in positions.values():
            for before in reversed(tokens[max(0, at - _QUALIFIER_REACH) : at]):
                if before.canon in others:
                    return f"says “{before.word}”, the other side of “{point.written[side]}”"
                if before.after_pause or before.breaks_clause:
                    break
    return ""


_QUALIFIER_REACH = 3  # tokens before a word that act on it ("adds a second critic")
# Opposite actions on a thing (of `CONTRASTS`); not adjectives such as "first" and "last",
# which an answer often uses in another sense ("last month's logs").
_ACTIONS = (("add", "remove"), ("increase", "decrease"), ("improve", "worsen"))


@cache
def _actions() -> frozenset[str]:
    return frozenset(_canon(word) for pair in _ACTIONS for word in pair)


def _qualified_otherwise(
    tokens: Sequence[Token], side: str, others: frozenset[str], governed: tuple[str, ...]
) -> str:
    """ "larger vocab" in the point, "smaller vocabularies" in the answer: the word the point
    qualifies with one side of a contrast is qualified with the other side, and never with
    the point's side. Of the words the side governs ("long wrong answers"), the first the
    answer has is the one that counts ("short answers")."""
    said = next((word for word in governed if any(t.canon == word for t in tokens)), "")
    if not said:
        return ""
    before = [_qualifiers(tokens, i) for i, t in enumerate(tokens) if t.canon == said]
    sides = {t.canon for pair in before for t in pair}
    if sides & others and side not in sides:
        word = next(t.word for pair in before for t in pair if t.canon in others)
        return f"says “{word}”, the other side of the point's contrast"
    return ""


@lru_cache(maxsize=65536)
def _governed(text: str, side: str) -> tuple[str, ...]:
    """The point's words a contrast word acts on: the (up to two) key words right after it in
    its clause ("node" in "within a node", "scale" in "halves the scale on overflow", "wrong",
    "answers" in "long wrong answers"); none if another contrast word comes first."""
    own = _phrasing_tokens(text)
    wanted, contrasts = set(_point_words(text)), _contrast_of()
    at = next((i for i, t in enumerate(own) if t.canon == side), len(own))
    governed: list[str] = []
    for token in own[at + 1 :]:
        if token.after_pause or token.breaks_clause or token.canon in contrasts:
            break
        if token.canon in wanted and token.canon != side:
            governed.append(token.canon)
            if len(governed) == 2:
                break
    return tuple(governed)


def _rival_subject(
    point: _Point,
    positions: Mapping[str, int],
    tokens: Sequence[Token],
    rivals: tuple[str, frozenset[str]],
) -> str:
    """The card's question compares things ("macro, micro and weighted averaging"); each of
    the point's other words is said of one of them (the one its clause names first, or the
    point's subject, "macro", if none). The answer must say them of the same things: "macro
    pools ...; micro averages the per-class scores equally" says nothing about macro, nor
    "L1 is a Gaussian prior, L2 a Laplace one" that L2 is the Gaussian one."""
    subject, things = rivals
    if not things:
        return ""
    own = _phrasing_tokens(point.text)
    agree, differ, named = 0, 0, ""
    for word, at in positions.items():
        if word in things:
            continue
        meant = (
            next((_said_of(own, i, things) for i, t in enumerate(own) if t.canon == word), "")
            or subject
        )
        said = _said_of(tokens, at, things)
        if not meant or not said:
            continue
        if said == meant:
            agree += 1
        else:
            differ, named = differ + 1, named or said
    if differ > agree:
        word = next(t.word for t in tokens if t.canon == named)
        return f"says it of “{word}”, not “{subject or point.written.get(named, named)}”"
    return ""


def _said_of(tokens: Sequence[Token], at: int, things: frozenset[str]) -> str:
    """Which of `things` the word at `at` is said of: the first one named in its clause
    before it, else the last one named before that clause ("" if none)."""
    start = at
    while start > 0 and not tokens[start].after_pause and not tokens[start].breaks_clause:
        start -= 1
    named = next((t.canon for t in tokens[start:at] if t.canon in things), "")
    if named:
        return named
    return next((t.canon for t in reversed(tokens[:start]) if t.canon in things), "")


# Where a point's parts divide: "encoder bidirectional, decoder causal"; "L1 sparse vs L2 smooth".
_PART_BREAK = re.compile(r"[,;]|\s(?:and|but|vs\.?|versus|whereas|while)\s")


@lru_cache(maxsize=65536)
def _point_parts(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The point's parts that each say something of their own subject (the part's first key
    word): ("encod", {"bidirect"}), ("decod", {"causal", ...}). Parts of one word (a list such
    as "clustering, dedup, classification") say nothing of a subject and are left out."""
    parts = []
    for piece in _PART_BREAK.split(text):
        words = _point_words(piece)
        if len(words) >= 2:
            parts.append((words[0], frozenset(words[1:])))
    return tuple(parts)


def _crossed_pairs(point: _Point, positions: Mapping[str, int], tokens: Sequence[Token]) -> str:
    """The point says one thing of each of two subjects ("encoder bidirectional, decoder
    causal"); the answer says them the other way round ("the encoder is causal and the decoder
    is bidirectional"). Each of the point's words is taken as said of the nearest of the
    subjects named before it; more words said of the wrong subject than of the right one (two
    at least) is a crossed claim, whatever words it shares with the point."""
    parts = [part for part in _point_parts(point.text) if part[0] in positions]
    subjects = {subject for subject, _ in parts}
    if len(subjects) < 2:
        return ""
    meant: dict[str, str] = {}
    order = {word: i for i, word in enumerate(point.wanted)}  # to name the first, every run
    for subject, words in parts:
        for word in sorted(words - subjects, key=lambda w: (order.get(w, len(order)), w)):
            meant[word] = "" if word in meant else subject  # in two parts: says nothing
    agree, differ, crossed = 0, 0, ""
    moved: set[str] = set()  # the subjects some of whose words the answer says of another
    for word, subject in meant.items():
        if not subject or word not in positions:
            continue
        at = positions[word]
        said = next((t.canon for t in reversed(tokens[:at]) if t.canon in subjects), "")
        if said == subject:
            agree += 1
        elif said:
            differ, crossed = differ + 1, crossed or word
            moved.add(subject)
    # Two crossings at least (one could be a shared word), and both ways: "AUC ~0.5, can't
    # tell them apart" says the classifier's words after "AUC", but nothing of AUC's of it.
    if differ > max(agree, 1) and len(moved) >= 2:
        word, subject = tokens[positions[crossed]].word, point.written.get(meant[crossed], "")
        return f"says “{word}” of another thing than “{subject}”"
    return ""


@lru_cache(maxsize=65536)
def _point_label(text: str) -> tuple[str, str]:
    """A word the point labels with a figure right after it ("stage 1", "layer 0"), and the
    figure; ("", "") if none."""
    wanted = set(_point_words(text))
    own = _phrasing_tokens(text)
    for word, figure in zip(own, own[1:], strict=False):
        label, number = word.canon, figure.canon
        if label in wanted and not label[:1].isdigit() and number[:1].isdigit():
            return label, number
    return "", ""


def _label_rebound(point: _Point, positions: Mapping[str, int], tokens: Sequence[Token]) -> str:
    """The point says something of one labelled thing ("stage 1 shards optimizer state"); the
    answer names several ("stage 1 ..., stage 2 ..., stage 3 ...") and says the point's words
    under another of them ("stage 3 finally shards the optimizer states"). Each mention of a
    word is taken as said of the labelled thing named last before it."""
    label, figure = _point_label(point.text)
    if not label:
        return ""
    named = [
        (i, tokens[i + 1].canon)
        for i, t in enumerate(tokens[:-1])
        if t.canon == label and tokens[i + 1].canon[:1].isdigit()
    ]
    if len({number for _, number in named}) < 2:
        return ""
    agree, differ, other = 0, 0, ""
    for word in positions:
        if word in (label, figure) or word[:1].isdigit():
            continue
        said = {  # the labelled thing each of the word's mentions falls under
            next((number for i, number in reversed(named) if i < at), "")
            for at, token in enumerate(tokens)
            if token.canon == word
        } - {""}
        if figure in said:
            agree += 1
        elif said:
            differ, other = differ + 1, other or min(said)
    if differ > agree:
        word = point.written.get(label, label)
        return f"says it of {word} {other}, not {word} {figure}"
    return ""


@lru_cache(maxsize=65536)
def _compared_sides(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The point's words before and after its "than" ("judging is easier than
    demonstrating"); two empty sets if it compares nothing."""
    own = _phrasing_tokens(text)
    at = next((i for i, t in enumerate(own) if t.word == "than"), -1)
    if at < 0:
        return frozenset(), frozenset()
    wanted = set(_point_words(text))
    # (the comparative itself, "easier", stands before "than" on either side's telling)
    before = frozenset(t.canon for t in own[: at - 1] if t.canon in wanted)
    after = frozenset(t.canon for t in own[at + 1 :] if t.canon in wanted)
    return before - after, after - before


def _reversed_comparison(
    point: _Point, positions: Mapping[str, int], tokens: Sequence[Token]
) -> str:
    """The point compares one thing with another ("comparing answers is easier than writing
    them"); the answer puts them the other way round ("writing demonstrations is cheaper than
    comparing answers"): the point's words are on the wrong sides of the answer's "than"."""
    before, after = _compared_sides(point.text)
    if not before or not after:
        return ""
    thans = [i for i, t in enumerate(tokens) if t.word == "than"]
    if not thans:
        return ""
    found = sorted(positions.values())
    middle = found[len(found) // 2]
    than = min(thans, key=lambda i: abs(i - middle))  # the comparison the words are about
    crossed = sum(
        1
        for w, at in positions.items()
        if (w in before and at > than) or (w in after and at < than)
    )
    kept = sum(
        1
        for w, at in positions.items()
        if (w in before and at < than) or (w in after and at > than)
    )
    if crossed > kept:
        return "compares the other way round"
    return ""


def _unequal(point: _Point, positions: Mapping[str, int], tokens: Sequence[Token]) -> bool:
    """The point equates two things ("micro-F1 equals accuracy"); the answer does not say
    so, but puts the point's words on the two sides of a "than" ("micro-F1 is always lower
    than accuracy")."""
    if not _equals() & set(point.wanted) or _equals() & positions.keys():
        return False
    found = sorted(positions.values())
    return any(t.word == "than" for t in tokens[found[0] + 1 : found[-1]]) if found else False


@cache
def _equals() -> frozenset[str]:
    return frozenset({_canon("equals"), _canon("same")})


def _numbers_rebound(point: _Point, tokens: Sequence[Token], low: int, high: int) -> str:
    """The point ties a figure to a word ("32 query, 8 KV"); the answer ties one of the
    point's other figures to that word ("8 query heads and 32 KV heads")."""
    figures = {w for w in point.wanted if w[:1].isdigit()}
    if len(figures) < 2:
        return ""
    ties = {
        b: a
        for a, b in zip(point.wanted, point.wanted[1:], strict=False)
        if a in figures and b not in figures  # "8k to 1M tokens" is a range, not a tie
    }
    stretch = tokens[low:high]
    for before, token in zip(stretch, stretch[1:], strict=False):
        wanted_figure = ties.get(token.canon)
        tied = before.canon in ties.values()
        if wanted_figure and tied and before.canon != wanted_figure:
            return f"ties “{token.word}” to {before.word}, not {wanted_figure}"
    return ""


def _other_formula(point: _Point, window: _Window) -> str:
    """Does the answer, anywhere, give the point's defined word ("precision") a formula with
    other terms ("TP/(TP+FN)" for "TP ÷ (TP + FP)")? Then no sentence of it states the point,
    as an interviewer would not credit "TP, FP" listed elsewhere. The first formula after
    each mention of the word is the one it gives (one of them must hold the point's terms);
    without the word, a formula on some of the same terms must hold them all."""
    runs = window.formulas
    if not runs:
        return ""
    places = window.at.get(point.defines, ()) if point.defines else ()
    candidates = [terms for _, terms in runs]
    if places:
        candidates = []
        for at in places:
            nearest = next((r for r in runs if r[0] > at), None)
            if nearest is not None and nearest[0] - at <= _FORMULA_REACH:
                candidates.append(nearest[1])
    for formula in point.formulas:
        related = [terms for terms in candidates if terms & formula]
        if related and not any(formula <= terms for terms in related):
            # A term the point never uses ("fn" for "fp"), not just notation ("A(s, a)").
            foreign = sorted(set().union(*related) - point.symbols)
            if foreign:
                return f"gives a different formula (with {', '.join(foreign)})"
    return ""


_FORMULA_REACH = 12  # tokens from a word to the formula that defines it
