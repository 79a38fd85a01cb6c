"""Does a typed answer state a key point? Graded the way a fair interviewer listens.

An interviewer credits the idea, not the vocabulary, and never credits an idea the candidate
contradicted. The matcher therefore:

- compares *normalised* words: UK and US spelling meet ("quantisation", "quantized"),
  abbreviations and typed shorthand meet their long forms ("KV" and "key-value", "RAG",
  "grads", "ckpt"), an acronym's plural its singular ("GPUs"), words candidates use for the
  same idea meet through a lexicon of the field (`grading_lexicon.py`: "logloss", "cross-entropy"),
  inflections meet through the Snowball stemmer, "100GB" is 100 GB, "8 thousand" is 8k, "≥1"
  is "at least 1", a figure to fewer decimals meets the point's ("1.44" for "1.443"), a
  possessive "'s" is not a word, and filler such as "versus" is ignored;
- weighs the words: rare ones more, and the card's question's own words (or words several of
  its points share) less, since every answer on the topic, wrong ones included, uses them;
- looks for the point inside **one sentence** (or two neighbouring ones) of the answer, and
  there in a short stretch, so words gathered from different sentences, or from different
  claims of one long sentence, do not add up to an idea nobody stated;
- lets the card's **own model answer** widen a point's vocabulary: a stretch a word or two
  short of the point still states it when it also holds telling words of the clause of the
  model answer that states the point (`model_statements`), or twice as many of the point's
  alternative phrasings, not words the question or the card's other points use (and not for
  a stretch that holds only the question's topic words of the point);
- refuses a sentence that **negates** what the point asserts ("non-convex even for logistic
  regression" does not state "convex for logistic regression"), or asserts what it negates; a
  negation reaches to the next comma or sentence end, no further, and each word keeps its own
  side of the point's negation; a thing **dismissed** right after it is named ("feature
  scaling doesn't matter", "the KV cache is unaffected") is negated too; a negation or a
  removal stops at a verb that keeps ("dropping the recurrence and keeping the attention")
  and at a phrase of time or place ("no neural model at query time"); "regardless of X"
  denies depending on X; what a check looks for ("check the test set didn't leak") is no
  denial;
- refuses a **swapped relation**: when the point ties its subject to one side of a contrast
  ("tensor parallelism within a node"), a sentence tying it to the other side ("tensor
  parallelism across nodes") does not state it, even if the first word appears later on (the
  two ends of one scale are opposite sides: "larger", "higher", "more" against "smaller",
  "lower", "fewer", "halves"); so does a qualifier swapped before its noun ("smaller vocab"
  for "larger vocab");
- refuses the **opposite action** on the point's thing ("adds a second critic" for "drops
  the learned critic", "removes the KL penalty"), a **comparison the other way round**
  ("demonstrating is easier than judging"), a comparison for an equality ("micro-F1 is lower
  than accuracy" for "micro-F1 equals accuracy"), **crossed claims** ("the encoder is causal
  and the decoder bidirectional" for "encoder bidirectional, decoder causal") and words said
  under **another labelled thing** ("stage 3 shards the optimizer state" for "stage 1
  shards optimizer state");
- refuses a **different formula**: an answer that gives the point's defined word a formula
  with other terms ("precision = TP/(TP+FN)") states it in none of its sentences;
- refuses a claim about **another of the things the question compares** ("micro averages the
  per-class scores equally" for the point "macro averages per-class scores equally"), and
  figures tied to the wrong words ("8 query heads and 32 KV heads");
- accepts any of the point's alternative phrasings written in the content (`also:`), so a
  paraphrase the author foresaw is credited.

Every verdict carries its explanation and the character spans of the answer that made it,
so the grading page can highlight them and the learner can see through (and override) it.
Deterministic and fast: about a millisecond per key point, no model to load.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from app.domain.grading_lexicon import (
    ABBREVIATIONS,
    CONTRASTS,
    DEPENDENCE_DENIALS,
    MAGNITUDES,
    NEGATIONS,
    SPELLING,
    STOPWORDS,
    SYNONYM_GROUPS,
)

if TYPE_CHECKING:
    from app.domain.content import Card

# -- words ----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\d+(?:[.,]\d+)*(?:[A-Za-z]+)?(?![A-Za-z0-9])|[A-Za-z0-9]+(?:['’][A-Za-z]+)?|[²³≥$€£]|>="
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
}
# Between two words of a formula: operators, brackets and spaces only ("/(", " + ", " = ").
# ("=" is not one: it ends the defined word, "precision = tp/(tp+fp)".)
_OPERATOR_GAP = re.compile(r"[\s()\[\]]*(?:[+*/÷×−^·]|\s-\s)[\s()\[\]+*/÷×−^·-]*")
# Marks after which a negation no longer reaches: the next clause or list item.
_PAUSE = re.compile(r"[,;:()\[\]—–]|\s-\s|[.!?](?=\s|$)|\n")
_PLAIN_WORD = re.compile(r"[a-z0-9]+")
_SENTENCE_END = re.compile(r"(?:[.!?;]+(?=\s|$)|\n+)")
# How much of a point's weighted key words one window must state.
COVER_SHARE = 0.45
# An alternative phrasing is the author's guess at how candidates say it, wordier than the
# point; it must be stated more fully, or on-topic wrong answers would tick it.
ALTERNATIVE_SHARE = 0.5
# A point must be stated within this many adjacent sentences.
SENTENCES_PER_WINDOW = 2
# Negation this many tokens before a matched word (in the same clause) flips it.
NEGATION_REACH = 3
_CLAUSE_BREAKS = frozenset({"but", "however", "whereas", "although", "though", "unlike"})
# Words that join two claims: a mistaken claim is stated within one of them.
_CLAUSE_JOINS = frozenset({"and", "while", "whilst", "whereas", "but", "so", "because"})


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


def _phrases() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Multi-word forms by their first word, longest first (so a word is looked up once)."""
    multi = [(tuple(long.split()), short) for long, short in ABBREVIATIONS.items()]
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
        word = _SYMBOL_WORDS.get(m.group(), m.group()).lower().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        if word[:1].isdigit():
            word = word.replace(",", "")
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


# -- matching -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PointMatch:
    """Whether a typed answer states a key point, why the matcher thinks so, and where."""

    point: str
    covered: bool
    explanation: str
    # (start, end) character spans of the answer that made the point tick.
    evidence: tuple[tuple[int, int], ...] = ()


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[start : m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


@dataclass(frozen=True)
class _Window:
    """A few adjacent sentences of the answer, indexed by normalised word."""

    tokens: tuple[Token, ...]
    at: Mapping[str, tuple[int, ...]]  # word -> every position it (or a joined pair) holds
    formulas: tuple[tuple[int, frozenset[str]], ...] = ()  # see _formula_runs
    split: int = 0  # where its second sentence starts (0: one sentence)


def _window(tokens: Sequence[Token], split: int = 0) -> _Window:
    at: dict[str, list[int]] = {}
    for i, token in enumerate(tokens):
        at.setdefault(token.canon, []).append(i)
    stop = _stop_canon()
    for i in range(len(tokens) - 1):  # "warm up" states "warmup", "pseudo label" "pseudolabel"
        first, second = tokens[i], tokens[i + 1]
        if first.canon in stop or first.word[:1].isdigit() or second.word[:1].isdigit():
            continue  # ("in the", "3 GPUs": no word of the field is written so)
        at.setdefault(_canon(first.word + second.word), []).append(i)
    places = {word: tuple(places) for word, places in at.items()}
    return _Window(tuple(tokens), places, tuple(_formula_runs(tokens)), split)


class AnswerIndex:
    """A typed answer split into windows of up to `SENTENCES_PER_WINDOW` adjacent sentences.

    A point must be stated inside one window: one or two neighbouring sentences, as a
    candidate naturally spreads one idea, never words gathered across the whole answer."""

    def __init__(self, answer: str) -> None:
        self.text = answer
        tokens = tokenize(answer)
        spans = _sentences(answer)
        by_sentence = [[t for t in tokens if a <= t.start < b] for a, b in spans]
        self.windows = [
            _window(
                [t for part in by_sentence[i : i + n] for t in part],
                len(by_sentence[i]) if n > 1 else 0,
            )
            for n in range(1, SENTENCES_PER_WINDOW + 1)
            for i in range(max(0, len(by_sentence) - n + 1))
        ]
        self.whole = _window(tokens)
        self._clauses: AnswerIndex | None = None

    def clauses(self) -> AnswerIndex:
        """The answer split finer, into clauses (at a pause, "but", "while", "and"): where a
        mistaken claim must be stated whole. "Cohen's kappa for two raters and Fleiss' for
        many" says nothing of Fleiss' kappa for two raters."""
        if self._clauses is None:
            parts: list[list[Token]] = [[]]
            for token in self.whole.tokens:
                if parts[-1] and (
                    token.after_pause or token.breaks_clause or token.word in _CLAUSE_JOINS
                ):
                    parts.append([])
                parts[-1].append(token)
            clauses = object.__new__(AnswerIndex)
            clauses.text = self.text
            clauses.windows = [_window(part) for part in parts if part]
            clauses.whole = self.whole
            clauses._clauses = clauses
            self._clauses = clauses
        return self._clauses


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
    # "pseudolabel"), see `_closed_compounds`.
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


# A point's words must be stated close together: within this many tokens per key word (and
# at least SPAN_MIN), so a long sentence cannot lend one claim's words to another.
SPAN_PER_WORD = 3.0
SPAN_MIN = 12


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


# Figures every formula or list has ("1 − …", "pass@1", "one of"): alone, they state nothing.
_COMMONPLACE_FIGURES = frozenset({"0", "1", "2"})


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


@lru_cache(maxsize=65536)
def _phrasing_tokens(text: str) -> tuple[Token, ...]:
    return tuple(tokenize(text))


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


def _qualifiers(tokens: Sequence[Token], at: int, reach: int = 2) -> Sequence[Token]:
    """The (up to) two (`reach`) words right before tokens[at] in its own clause."""
    start = at
    while start > max(0, at - reach) and not tokens[start].after_pause:
        start -= 1
    return tokens[start:at]


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
# Only a telling word supports ("overflow", not "model"): one at least this rare in the bank.
SUPPORT_MIN_WEIGHT = 5.0


# Small words rare in the bank's terse points, so weighed as telling, that tell nothing.
@cache
def _function_words() -> frozenset[str]:
    return frozenset(_canon(w) for w in ("both", "either", "because", "whether"))


# A supporting word is part of the same statement: this many tokens at most from a word of
# the point the answer has.
SUPPORT_REACH = SPAN_MIN
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


def _supported(
    verdict: _Verdict, window: _Window, helpers: Mapping[str, float], topic: frozenset[str]
) -> _Verdict:
    """`helpers`: each supporting word and what it counts for (`PHRASING_SUPPORT` for a word
    only the point's alternative phrasings use). The point's own words found must say more
    than the question's topic ("calibration" of "What is probability calibration?")."""
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
    (see `_rival_subject`). `others`: words that cannot support this point, since the
    question or the card's other points use them. `mistakes`: the mistaken claims candidates
    make about the point (see `_mistaken`)."""
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


def grade_card(
    card: Card,
    answer: str,
    bank_points: tuple[str, ...] = (),
    weights: Mapping[str, float] | None = None,
) -> list[PointMatch]:
    """A card's key points against a typed answer, crediting the phrasings the content gives
    and the model answer's own statement of each point (`card_phrasings`); `bank_points`
    (every key point and phrasing of the bank, see `bank_texts`) makes rare words weigh more.
    A caller grading many answers passes the bank's `weights` (`word_weights`) instead: looking
    them up by the texts hashes every text of the bank again, a millisecond or more."""
    phrasings = card_phrasings(card)
    if weights is None:
        weights = word_weights(bank_points) if bank_points else {}
    support = model_statements(card)
    mistakes = card_misconceptions(card)
    weights = topic_weights(weights, card.question, card.key_points, phrasings, support, mistakes)
    return match_key_points(
        card.key_points,
        answer,
        phrasings,
        weights,
        support=support,
        question=card.question,
        misconceptions=mistakes,
    )


# -- the model answer's own words ------------------------------------------------------------

# A clause of the model answer states a point when it holds this share of the point's words.
MODEL_CLAUSE_SHARE = 0.5
_FENCED = re.compile(r"^(`{3,}|~{3,}).*?^\1[ \t]*$", re.M | re.S)
_MARKUP = re.compile(r"[*_`#>|]+|\[(?=[^\]]*\]\()|\]\([^)]*\)")
_CLAUSE_END = re.compile(r"(?:[.!?;:]+(?=\s|$)|,\s|\n+|\s[-—–]\s|[—–()])")


def model_clauses(answer: str) -> list[str]:
    """The model answer as short clauses of prose: code and table rules left out, markup
    stripped, split at sentence ends, commas, dashes and brackets."""
    prose = _FENCED.sub("\n", answer)
    lines = [line for line in prose.splitlines() if not set(line.strip()) <= set("|-: ")]
    text = _MARKUP.sub(" ", "\n".join(lines))
    return [c.strip() for c in _CLAUSE_END.split(text) if len(c.split()) >= 2]


@lru_cache(maxsize=4096)
def model_statements(card: Card) -> tuple[str, ...]:
    """For each key point, the clause (with the one after it) of the card's own model answer
    that states it best (the shortest of equals) ("" if none holds `MODEL_CLAUSE_SHARE` of its words, or its
    negation differs). The bank's text says the idea at length, in more words than the
    point: they widen each point's vocabulary without a hand-written list."""
    clauses = model_clauses(card.answer)
    spans = [" ".join(clauses[i : i + 2]) for i in range(len(clauses))]
    words = [set(_point_words(span)) for span in spans]
    negative = [_asserts_negative(tokenize(span)) for span in spans]
    result: list[str] = []
    for point in card.key_points:
        wanted = set(_point_words(point))
        polarity = _asserts_negative(tokenize(point))
        best, best_share = "", 0.0
        for span, present, negated in zip(spans, words, negative, strict=True):
            if negated != polarity:  # "no longer equals" does not state "equals"
                continue
            share = len(wanted & present) / len(wanted) if wanted else 0.0
            if share > best_share or (share == best_share and best and len(span) < len(best)):
                best, best_share = span, share
        result.append(best if best_share >= MODEL_CLAUSE_SHARE - 1e-9 else "")
    return tuple(result)


def card_phrasings(card: Card) -> tuple[tuple[str, ...], ...]:
    """Each key point's phrasings as the content gives them (`()` where none)."""
    return tuple(card.phrasings) + ((),) * (len(card.key_points) - len(card.phrasings))


def own_answer_refusals(card: Card, weights: Mapping[str, float]) -> list[PointMatch]:
    """The card's points its own model answer does not get because it seems to state one of
    their mistakes: a mistake written so that a right answer loses the point too. Quick for
    a card whose answer has no telling word of any of its mistakes (most cards)."""
    index = AnswerIndex(card.answer)
    topic = frozenset(key_words(card.question))
    suspects = []
    every = zip(card.key_points, card_phrasings(card), card_misconceptions(card), strict=True)
    for i, (point, phrasings, mistakes) in enumerate(every):
        known = topic | _symbols_of((point, *phrasings))
        wrongs = [p for text in mistakes if (p := _prepare(text))]
        if any((_telling_words(w) - known) & index.whole.at.keys() for w in wrongs):
            suspects.append(i)
    if not suspects:
        return []
    matches = grade_card(card, card.answer, weights=weights)
    return [matches[i] for i in suspects if matches[i].explanation.startswith(MISTAKE_STATED)]


def card_misconceptions(card: Card) -> tuple[tuple[str, ...], ...]:
    """Each key point's mistaken claims as the content gives them (`()` where none)."""
    return tuple(card.misconceptions) + ((),) * (len(card.key_points) - len(card.misconceptions))


# How much a word of the card's question, or one several of its points share, still weighs.
TOPIC_WEIGHT = 0.35
SHARED_WEIGHT = 0.5


def topic_weights(
    weights: Mapping[str, float],
    question: str,
    points: Sequence[str],
    phrasings: Sequence[Sequence[str]] = (),
    support: Sequence[str] = (),
    mistakes: Sequence[Sequence[str]] = (),
) -> dict[str, float]:
    """The weights of the words of a card's points and phrasings, where the question's own
    words, and words several of the points share, weigh less: they name the topic rather
    than a claim about it, and any answer on topic, wrong ones included, uses them. The
    words of the model answer's `support` statements keep the bank's weight (a word no
    point uses is as rare as the rarest), and so do the words of the points' `mistakes`."""
    texts = [*points, *(text for group in phrasings for text in group)]
    adjusted = {w: weights.get(w, 1.0) for text in texts for w in _point_words(text)}
    rarest = max(weights.values(), default=1.0)
    for text in (*support, *(text for group in mistakes for text in group)):
        for word in _point_words(text):
            adjusted.setdefault(word, weights.get(word, rarest))
    counts: dict[str, int] = {}
    for point in points:
        for word in set(_point_words(point)):
            counts[word] = counts.get(word, 0) + 1
    for word, n in counts.items():
        if n >= 2:
            adjusted[word] *= SHARED_WEIGHT
    for word in set(key_words(question)) & adjusted.keys():
        adjusted[word] *= TOPIC_WEIGHT
    return adjusted


def bank_texts(cards: Iterable[Card]) -> tuple[str, ...]:
    """Every key point and phrasing: the texts word weights are counted over, so a telling
    word that only a phrasing uses is rare, not unknown."""
    texts: list[str] = []
    for card in cards:
        texts += card.key_points
        for phrasings in card.phrasings:
            texts += phrasings
    return tuple(texts)


@lru_cache(maxsize=2)
def word_weights(texts: tuple[str, ...]) -> dict[str, float]:
    """Rarer words weigh more (inverse document frequency over the bank's key points), so
    "model" or "data" cannot tick a point on their own."""
    counts: dict[str, int] = {}
    total = 0
    for text in texts:
        total += 1
        for word in set(_point_words(text)):
            counts[word] = counts.get(word, 0) + 1
    if not total:
        return {}
    return {word: 1.0 + math.log(total / n) for word, n in counts.items()}


def prepare_card(card: Card, weights: Mapping[str, float] | None = None) -> None:
    """Work out, ahead of an answer, what grading `card` needs of its own texts: the model
    answer's statements of its points and each point and phrasing prepared (their words
    stemmed). Cached, so the answer is then graded in milliseconds. With the bank's
    `weights`, the card is also graded once against its own key points, which works out
    the parts of its phrasings that only the checks of a claim read."""
    statements = model_statements(card)
    key_words(card.question)
    every = zip(
        card.key_points, card_phrasings(card), card_misconceptions(card), statements, strict=True
    )
    for point, phrasings, mistakes, statement in every:
        for text in (point, *phrasings, *mistakes):
            _prepare(text)
        # The words that may support the point, as `match_key_point` asks for them.
        _support_words(" ".join((statement, *phrasings)), point)
        _support_words(statement, point)
    if weights is not None:
        grade_card(card, ". ".join(card.key_points), weights=weights)
