"""The card's own model answer as the grader reads it: short clauses of prose, and for each key
point the clause that states it. The bank's text says the idea at length, in more words than
the point: they widen each point's vocabulary without a hand-written list.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from app.domain.grading.negation import _asserts_negative
from app.domain.grading.words import _point_words, tokenize

if TYPE_CHECKING:
    from app.domain.content import Card


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
