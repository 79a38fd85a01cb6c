"""Grade typed answers in bulk (`lattice grade-answers FILE`): one JSON line in, one out.

For scripts and for checking the grader against labelled answers: the same verdicts the quiz
pre-ticks, with the same explanations, in input order. A bad line is answered with an error
line and does not stop the rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from app.domain.content import ContentBank
from app.domain.grading import bank_texts, grade_card, word_weights


@dataclass(frozen=True)
class GradedLine:
    output: dict[str, Any]
    ok: bool


def grade_answer_lines(bank: ContentBank, lines: Iterable[str]) -> Iterator[GradedLine]:
    """`{"card_id": ..., "answer": ...}` per line -> `{"card_id", "key_points", "covered",
    "explanations"}`, or `{"card_id", "error"}` for an unknown card or a malformed line."""
    weights = word_weights(bank_texts(bank.cards.values()))
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield GradedLine({"line": number, "error": f"not JSON: {exc.msg}"}, False)
            continue
        if not isinstance(item, dict) or not isinstance(item.get("answer"), str):
            error = 'expected {"card_id": "...", "answer": "..."}'
            card_id = item.get("card_id") if isinstance(item, dict) else None
            yield GradedLine({"line": number, "card_id": card_id, "error": error}, False)
            continue
        card_id = item.get("card_id")
        card = (
            bank.cards.get(bank.retired.get(card_id, card_id)) if isinstance(card_id, str) else None
        )
        if card is None:
            yield GradedLine({"card_id": card_id, "error": f"unknown card id {card_id!r}"}, False)
            continue
        matches = grade_card(card, item["answer"], weights=weights)
        output = {
            "card_id": card_id,
            "key_points": list(card.key_points),
            "covered": [m.covered for m in matches],
            "explanations": [m.explanation for m in matches],
        }
        yield GradedLine(output, True)
