"""The grader gives the same verdicts and explanations on every run: nothing it says may
depend on the order Python happens to keep a set in (which changes from run to run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRADE_A_SET = """
import json, sys
from pathlib import Path
from app.domain.content_loader import load_bank
from app.domain.grading import bank_texts, grade_card
bank = load_bank(Path("content"))
every_point = bank_texts(bank.cards.values())
for line in Path(sys.argv[1]).read_text(encoding="utf-8").splitlines():
    record = json.loads(line)
    for m in grade_card(bank.cards[record["card_id"]], record["answer"], every_point):
        print(m.covered, m.explanation, m.evidence)
"""


def grade_in_a_fresh_process(hash_seed: str, labelled: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", GRADE_A_SET, labelled],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_verdicts_and_explanations_do_not_change_from_run_to_run() -> None:
    labelled = str(ROOT / "tests" / "grading" / "dev3.jsonl")
    runs = [grade_in_a_fresh_process(seed, labelled) for seed in ("1", "2")]
    assert runs[0].count("\n") == 522  # 90 answers, every point of their cards
    assert runs[0] == runs[1]
