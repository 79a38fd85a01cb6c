"""A typed answer indexed for the grader: its sentences, windows of up to two neighbouring
sentences and its clauses, each indexed by normalised word.

A point must be stated inside one window, as a candidate naturally spreads one idea, and a
mistaken claim inside one clause: words gathered across the whole answer state nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.domain.grading.words import Token, _canon, _formula_runs, _stop_canon, tokenize

_SENTENCE_END = re.compile(r"(?:[.!?;]+(?=\s|$)|\n+)")
# A point must be stated within this many adjacent sentences.
SENTENCES_PER_WINDOW = 2
# Words that join two claims: a mistaken claim is stated within one of them.
_CLAUSE_JOINS = frozenset({"and", "while", "whilst", "whereas", "but", "so", "because"})


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
