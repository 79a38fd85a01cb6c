"""The quiz grader's agreement with an interviewer's labels may only go up.

The labelled answers (tests/grading/) were written as candidates type and labelled point by
point; the held-out files are never used to tune the grader. The second development set,
by another author, is the check that tuning on the first generalises. The floors are the agreement
measured when they were last raised (`python tests/benchmarks/grader.py` prints the table).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.content_loader import load_bank
from tests.grading.evaluate import evaluate, load_records

CONTENT = Path(__file__).resolve().parents[1] / "content"

# (per-point F1 at least, strong answers below half at most, wrong answers at half at most)
FLOORS = {
    "dev.jsonl": (0.92, 0.0, 0.0),
    "dev2.jsonl": (0.90, 1 / 30, 2 / 30),
    "dev3.jsonl": (0.81, 2 / 30, 5 / 30),
    "dev4.jsonl": (0.79, 1 / 30, 2 / 30),
    "dev5.jsonl": (0.84, 0.0, 4 / 30),
    "holdout.jsonl": (0.85, 0.0, 1 / 30),
    "holdout2.jsonl": (0.79, 0.0, 2 / 30),
    "holdout3.jsonl": (0.84, 0.0, 2 / 30),
    "holdout4.jsonl": (0.80, 2 / 30, 4 / 30),
    "holdout5.jsonl": (0.81, 1 / 30, 5 / 30),
    "holdout6.jsonl": (0.86, 0.0, 4 / 30),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_grader_agrees_with_the_interviewer_at_least_this_well(name: str) -> None:
    report = evaluate(load_records(name), load_bank(CONTENT))
    min_f1, max_strong_low, max_wrong_high = FLOORS[name]
    assert report.overall.f1 >= min_f1
    # (a share such as 1 in 50 is compared as written, not as 1 - 49/50 rounds)
    assert report.strong_below_half <= max_strong_low + 1e-9
    assert report.wrong_at_half_or_more <= max_wrong_high + 1e-9
    # Wrong answers must score below partial ones, and partial below strong.
    means = [report.by_kind[k].mean_score for k in ("wrong", "partial", "strong")]
    assert means == sorted(means) and len(set(means)) == 3
