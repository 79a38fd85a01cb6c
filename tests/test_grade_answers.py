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
    assert graded[1].output == {
        "card_id": "no-such-card",
        "error": "unknown card id 'no-such-card'",
    }
    assert graded[2].output["line"] == 4 and graded[2].output["error"].startswith("not JSON")
    assert graded[3].output["covered"] == [False, False, False]
    assert graded[3].output["explanations"] == ["nothing typed"] * 3


def test_the_command_answers_every_line_and_fails_at_the_end_for_unknown_ids(
    tmp_path: Path, content_root: Path
) -> None:
    import subprocess
    import sys

    answers = tmp_path / "answers.jsonl"
    answers.write_text(
        json.dumps({"card_id": "no-such-card", "answer": "x"})
        + "\n"
        + json.dumps({"card_id": "gamma-what", "answer": "The third letter; it needs beta."})
        + "\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "grade-answers",
            str(answers),
            "--content",
            str(content_root),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0] == {"card_id": "no-such-card", "error": "unknown card id 'no-such-card'"}
    assert lines[1]["card_id"] == "gamma-what"
    assert lines[1]["covered"] == [True, True, False]
    assert set(lines[1]) == {"card_id", "key_points", "covered", "explanations"}
