"""The grader's words: a text as normalised tokens, so an answer and a point meet on the idea,
not on the spelling.

UK and US spelling meet, words meet their Snowball stem and the lexicon's synonyms and long
forms, figures keep their units and symbols become words; each token keeps where it sits in
the text and what the marks around it say (a pause, an operator, a negation, a verb that takes
its object away). Also: a phrase's key words, the sides of the lexicon's contrasts, and the
formulas a run of tokens writes with symbols.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from app.domain.grading.lexicon import (
    ABBREVIATIONS,
    BARE_CONTRACTIONS,
    CONTRASTS,
    FIGURE_PHRASES,
    MAGNITUDES,
    NEGATIONS,
    SPELLING,
    STOPWORDS,
    SYNONYM_GROUPS,
)

_TOKEN = re.compile(
    r"(?<![A-Za-z0-9/])(?:[Ww]/[Oo]|[Bb]/[Cc]|[Ww]/)(?![A-Za-z0-9/])"
    r"|(?<=[A-Za-z])[@^][A-Za-z](?![A-Za-z0-9])"
    r"|\d+(?:[.,]\d+)*(?:[A-Za-z]+)?(?![A-Za-z0-9])|[A-Za-z0-9]+(?:['’][A-Za-z]+)?|[²³≥$€£]|>="
)
# Spelled-out numbers meet digits ("sixteen bytes", "16 bytes").
_NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": "30", "fifty": "50", "hundred": "100", "twice": "2", "zeros": "0", "squared": "2"}
# A figure run together with a unit or a second figure: "100gb", "224x224", "2nd" (a one-letter
# unit stays on: "7b" is a model size, "10k" a count).
# "100GB" is 100 GB, "224x224" 224 by 224, and a multiplier ("3x", "1.5x") its figure, as
# "3×" and "3 times" are.
_NUMBER_WITH_UNIT = re.compile(r"(\d+(?:\.\d+)?)(?:(x)(\d+(?:\.\d+)?)|([a-z]{2,})|(x))")
_PERCENTILE = re.compile(r"p(\d{2}(?:\.\d+)?)")
_MULTIPLIER = "times"  # after a figure: the figure alone ("3 times faster" is "3× faster")
_SCALES = {"thousand": "k", "million": "m", "billion": "b", "trillion": "t"}
_ORDINALS = frozenset({"st", "nd", "rd", "th", "x"})
# Symbols that are words: "≥1" is "at least 1", "more $$" is more cost.
_SYMBOL_WORDS = {
    "²": "2",
    "³": "3",
    "≥": "least",
    ">=": "least",
    "$": "cost",
    "€": "cost",
    "£": "cost",
    # Shorthands typed in a hurry: "w/o" denies as "without" does.
    "w/o": "without",
    "w/": "with",
    "b/c": "because",
}
# Between two words of a formula: operators, brackets and spaces only ("/(", " + ", " = ").
# ("=" is not one: it ends the defined word, "precision = tp/(tp+fp)".)
_OPERATOR_GAP = re.compile(r"[\s()\[\]]*(?:[+*/÷×−^·]|\s-\s)[\s()\[\]+*/÷×−^·-]*")
# Marks after which a negation no longer reaches: the next clause or list item.
_PAUSE = re.compile(r"[,;:()\[\]—–]|\s-\s|[.!?](?=\s|$)|\n")
_CLAUSE_BREAKS = frozenset({"but", "however", "whereas", "although", "though", "unlike"})


_PER_THREAD = threading.local()


def _stemmer() -> Any:
    """One stemmer per thread: a Snowball stemmer keeps the word it works on in itself, and
    the quiz prepares a card's words on a worker thread while the window may grade."""
    stemmer = getattr(_PER_THREAD, "stemmer", None)
    if stemmer is None:
        import snowballstemmer  # small, pure Python; imported on first use, not at start-up

        stemmer = _PER_THREAD.stemmer = snowballstemmer.stemmer("english")
    return stemmer


# Words whose "-ise" is no British "-ize" (US English writes them so too): left as they are,
# or "noise" would meet no "noisy", "precise" no "precision" and "supervised" no "supervision".
_ISE_WORDS = frozenset(
    "advertise advise apprise arise chastise comprise compromise concise demise despise devise "
    "disguise enterprise excise exercise expertise franchise improvise incise merchandise noise "
    "otherwise likewise clockwise paradise poise praise precise premise promise raise revise "
    "rise surmise surprise supervise televise treatise wise cruise bruise guise reprise".split()
)
_ISE_ENDINGS = ("e", "ed", "es", "ing", "er", "ers")


_ISE_PREFIXES = ("", "un", "re", "non", "self", "semi", "over", "under")


def _ise_word(word: str) -> bool:
    for ending in _ISE_ENDINGS:
        base = word.removesuffix(ending)
        if base == word:
            continue
        for prefix in _ISE_PREFIXES:
            if base.startswith(prefix) and base.removeprefix(prefix) + "e" in _ISE_WORDS:
                return True
    return False


@cache
def _spell(word: str) -> str:
    keep_ise = "is" in word and _ise_word(word)
    for pattern, repl in SPELLING:
        if keep_ise and pattern is SPELLING[1][0]:
            continue
        word = pattern.sub(repl, word)
    return word


@cache
def _stem(word: str) -> str:
    stem = str(_stemmer().stemWord(_spell(word)))
    # The stemmer keeps the "s" of an acronym's plural ("GPUs", "LLMs", "CNNs"): drop it.
    if len(stem) >= 3 and stem.endswith("s") and not stem.endswith("ss"):
        stem = stem[:-1]
    return stem


@cache
def _synonyms() -> dict[str, str]:
    table: dict[str, str] = {}
    for group in SYNONYM_GROUPS:
        head = _stem(group[0].split()[0])
        for word in group:
            if " " not in word:
                table[_stem(word)] = head
    return table


@cache
def _canon(word: str) -> str:
    stem = _stem(word)
    return _synonyms().get(stem, stem)


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text: its normalised form and where it sits in the original."""

    canon: str
    word: str  # as written (lower case), for explanations
    start: int
    end: int
    negation: bool = False
    breaks_clause: bool = False
    # A comma, dash, colon, bracket or sentence end comes just before it: a negation
    # does not reach across ("nothing is OOV, split numbers" does not negate "split").
    after_pause: bool = False
    # Joined to the word before by an operator ("tp/(tp+fp)"): part of a formula.
    after_operator: bool = False
    # Takes its object away ("removes the KL penalty"): in an answer, as good as "no".
    removal: bool = False
    # A one-letter name of a function, called right after ("C(n, k)", "P(x)"): notation.
    called: bool = False


def _scaled(figure: int) -> str:
    """A round figure as its scale: 1000 is 1k, 2,000,000 is 2m (either way of writing meets)."""
    for zeros, scale in ((9, "b"), (6, "m"), (3, "k")):
        if figure % 10**zeros == 0:
            return f"{figure // 10**zeros}{scale}"
    return str(figure)


def _phrases() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Multi-word forms by their first word, longest first (so a word is looked up once)."""
    multi = [(tuple(long.split()), short) for long, short in ABBREVIATIONS.items()]
    multi += [(tuple(long.split()), short) for long, short in FIGURE_PHRASES.items()]
    multi += [(tuple(w.split()), group[0]) for group in SYNONYM_GROUPS for w in group if " " in w]
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for words, short in sorted(multi, key=lambda item: -len(item[0])):
        by_first.setdefault(words[0], []).append((words, short))
    return by_first


_PHRASES = _phrases()


def _emphasis(raw: Sequence[tuple[str, int, int]], i: int) -> bool:
    """ "not only", "not just": emphasis that adds, not a negation."""
    return raw[i][0] == "not" and i + 1 < len(raw) and raw[i + 1][0] in ("only", "just")


# Verbs that take their object away ("removes the KL penalty", "drops the critic"): as "no".
_REMOVALS = frozenset(
    "remove removes removed removing eliminate eliminates eliminated discard discards "
    "discarded delete deletes deleted rid".split()
)
# "drop" takes away only what it governs ("drops the critic"), not in "quality drops on".
_DROPS = frozenset("drop drops dropped dropping".split())
_DETERMINERS = frozenset("the a an its their any all this that these those".split())


def _removes(raw: Sequence[tuple[str, int, int]], i: int) -> bool:
    word, after = raw[i][0], raw[i + 1][0] if i + 1 < len(raw) else ""
    if word in _REMOVALS:
        return True
    if (word, after) in _SET_ASIDE:  # "instead of the clipped ratio it uses ..."
        return True
    return word in _DROPS and (after in _DETERMINERS or _object_like(after))


def _object_like(word: str) -> bool:
    """A word that can be what "drop" takes away ("drops recurrence"), not how or where
    something drops ("drops sharply", "drops below", "drops on long inputs", "dropped 3%")."""
    return (
        word.isalpha()
        and word not in STOPWORDS
        and word not in NEGATIONS
        and not word.endswith("ly")
        and word not in _SIDE_WORDS
    )


# The words of the contrasts, as written ("below", "after"): where or how, not a thing.
_SIDE_WORDS = frozenset(word for pair in (*CONTRASTS, *MAGNITUDES) for word in pair)


_SET_ASIDE = frozenset({("instead", "of"), ("rather", "than")})


def tokenize(text: str) -> list[Token]:
    """Words of `text`, normalised, with multi-word forms folded into one token."""
    raw: list[tuple[str, int, int]] = []
    paused: set[int] = set()  # raw indices that follow a clause-breaking mark
    operated: set[int] = set()  # raw indices joined to the one before by an operator
    previous_end = 0
    for m in _TOKEN.finditer(text):
        gap = text[previous_end : m.start()]
        if gap != " ":  # the common case, a plain space, is neither
            if _PAUSE.search(gap):
                paused.add(len(raw))
            if raw and _OPERATOR_GAP.fullmatch(gap):
                operated.add(len(raw))
        previous_end = m.end()
        word = _SYMBOL_WORDS.get(m.group().lower(), m.group()).lower().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        percentile = _PERCENTILE.fullmatch(word)
        if percentile:  # "p99" is the 99th percentile
            raw += [
                (percentile.group(1), m.start() + 1, m.end()),
                ("percentile", m.start(), m.end()),
            ]
            continue
        if word[:1].isdigit():
            word = word.replace(",", "")
            if len(word) > 3 and word.isdigit() and word.endswith("000"):
                word = _scaled(int(word))
            if "." in word and word.replace(".", "").isdigit():  # 1.0 is 1, 0.50 is 0.5
                word = word.rstrip("0").rstrip(".") or "0"
            parts = _NUMBER_WITH_UNIT.fullmatch(word)
            if parts:  # "100GB" is 100 GB, "224x224" is 224 by 224, "1.50x" is 1.5
                for part in (g for g in parts.groups() if g and g not in _ORDINALS):
                    if "." in part and part.replace(".", "").isdigit():
                        part = part.rstrip("0").rstrip(".") or "0"
                    raw.append((part, m.start(), m.end()))
                continue
        if word == _MULTIPLIER and raw and raw[-1][0].replace(".", "").isdigit():
            continue
        word = _NUMBER_WORDS.get(word, word)
        scale = _SCALES.get(word)
        if scale and raw and raw[-1][0].replace(".", "").isdigit():  # "8 thousand" is 8k
            figure, start, _ = raw.pop()
            raw.append((figure + scale, start, m.end()))
            continue
        raw.append((word, m.start(), m.end()))
    tokens: list[Token] = []
    i = 0
    while i < len(raw):
        for words, short in _PHRASES.get(raw[i][0], ()):
            n = len(words)
            if tuple(w for w, _, _ in raw[i : i + n]) == words:
                written = " ".join(words)
                pause, joined = i in paused, i in operated
                for part in short.split():
                    tokens.append(
                        Token(
                            _canon(part),
                            written,
                            raw[i][1],
                            raw[i + n - 1][2],
                            after_pause=pause,
                            after_operator=joined,
                        )
                    )
                i += n
                break
        else:
            word, start, end = raw[i]
            pause, joined = i in paused, i in operated
            if word.endswith("n't"):
                canon, negation, clause = _canon(word[:-3]), True, False
            elif word in BARE_CONTRACTIONS:
                canon, negation, clause = _canon(word[:-2]), True, False
            elif word in NEGATIONS and not _emphasis(raw, i):
                canon, negation, clause = word, True, False
            else:
                canon, negation, clause = _canon(word), False, word in _CLAUSE_BREAKS
            written = text[start:end].lower() if word.isdigit() else word
            removal = _removes(raw, i)
            called = len(word) == 1 and word.isalpha() and text[end : end + 1] == "("
            tokens.append(
                Token(canon, written, start, end, negation, clause, pause, joined, removal, called)
            )
            i += 1
    return tokens


def key_words(text: str) -> list[str]:
    """The normalised words that carry a phrase's idea (no small words, no negations)."""
    return _key_words_of(tokenize(text))


def _key_words_of(tokens: Iterable[Token]) -> list[str]:
    seen: dict[str, None] = {}
    for token in tokens:
        if token.negation or token.breaks_clause:
            continue
        if token.canon in _stop_canon() or (len(token.canon) < 2 and not token.canon.isdigit()):
            continue
        seen.setdefault(token.canon, None)
    return list(seen)


@lru_cache(maxsize=65536)
def _point_words(text: str) -> tuple[str, ...]:
    """`key_words` of a point or phrasing, cached: the bank's texts recur on every answer."""
    return tuple(_key_words_of(_phrasing_tokens(text)))


@cache
def _stop_canon() -> frozenset[str]:
    return frozenset(_stem(w) for w in STOPWORDS) | STOPWORDS


@cache
def _contrast_of() -> dict[str, frozenset[str]]:
    """Each side of a contrast and its other sides, compared after synonyms are folded
    ("lower" and "decrease" are one side, "larger" and "smaller" are two)."""
    pairs = [*CONTRASTS, *((a, b) for a in MAGNITUDES[0] for b in MAGNITUDES[1])]
    table: dict[str, set[str]] = {}
    for a, b in pairs:
        one, other = _canon(a), _canon(b)
        if one != other:
            table.setdefault(one, set()).add(other)
            table.setdefault(other, set()).add(one)
    return {side: frozenset(others) for side, others in table.items()}


@lru_cache(maxsize=65536)
def _phrasing_tokens(text: str) -> tuple[Token, ...]:
    return tuple(tokenize(text))


def _formula_runs(tokens: Sequence[Token]) -> list[tuple[int, frozenset[str]]]:
    """Formulas written with symbols ("tp/(tp+fn)", "w - lr * grad"): where each starts and
    the set of its terms; two or more different short symbols joined by operators. (Formulas
    in words, "input tokens × price", are matched as words.)"""
    runs: list[tuple[int, frozenset[str]]] = []
    start = 0
    for i in range(1, len(tokens) + 1):
        if i < len(tokens) and tokens[i].after_operator:
            continue
        terms = frozenset(
            t.canon
            for t in tokens[start:i]
            if not t.canon[:1].isdigit() and t.canon not in _CODE and not t.called
        )
        if len(terms) >= 2 and all(len(t) <= _SYMBOL for t in terms):
            runs.append((start, terms))
        start = i
    return runs


_SYMBOL = 3  # the longest term of a symbolic formula ("tp", "lr", "ndcg" is a word)
# Notation, not terms: "np.log(r)" is "log r", "binom(n-c, k)" and "C(n-c, k)" have the
# same terms.
_CODE = frozenset({"np", "jnp", "tf", "torch", "math", "binom", "comb", "sqrt", "exp", "log", "ln"})
