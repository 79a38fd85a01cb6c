"""`lattice grade-answers FILE`: one JSON line per typed answer in, one verdict line out."""

from __future__ import annotations

import json
from pathlib import Path

from app.domain.content_loader import load_bank
from app.services.answer_grading import grade_answer_lines


def test_each_line_is_answered_in_order_and_unknown_ids_are_errors(content_root: Path) -> None:
    bank = load_bank(content_root)
    lines = [
        json.dumps({"card_id": "alpha-what", "answer": "It's the first letter; beta follows it."}),
        json.dumps({"card_id": "no-such-card", "answer": "anything"}),
        "",
        "{not json",
        json.dumps({"card_id": "alpha-what", "answer": ""}),
    ]
    graded = list(grade_answer_lines(bank, lines))
    assert [g.ok for g in graded] == [True, False, False, True]
    first = graded[0].output
    assert first["card_id"] == "alpha-what"
    assert first["key_points"] == ["first letter", "comes before beta", "starts the chain"]
    assert first["covered"] == [True, False, False]
    assert first["explanations"][0] == "mentions “first letter”"
    assert len(first["explanations"]) == 3
    assert graded[1].output == {"card_id": "no-such-card", "error": "unknown card id 'no-such-card'"}
    assert graded[2].output["line"] == 4 and graded[2].output["error"].startswith("not JSON")
    assert graded[3].output["covered"] == [False, False, False]
    assert graded[3].output["explanations"] == ["nothing typed"] * 3
