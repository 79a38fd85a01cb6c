"""How often the quiz grader agrees with an interviewer: `python tests/benchmarks/grader.py`.

Prints precision, recall and F1 of the per-point verdicts, by kind of answer (strong, partial,
wrong), the share of strong answers scored below half and of wrong answers at half or more, and
the p95 time to grade one answer, on the labelled development set and the two held-out sets
(tests/grading/), and on both held-out sets together. `-v` lists every disagreement of the development set; `--only dev.jsonl`
measures the development set alone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.domain.content_loader import load_bank  # noqa: E402
from tests.grading.evaluate import evaluate, load_records, table  # noqa: E402

SETS = ("dev.jsonl", "holdout.jsonl", "holdout2.jsonl")
HELD_OUT = ("holdout.jsonl", "holdout2.jsonl")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="list the disagreements")
    parser.add_argument(
        "--only",
        choices=SETS,
        help="measure one file (while tuning: dev.jsonl, so the held-out answers stay unseen)",
    )
    args = parser.parse_args()
    bank = load_bank(ROOT / "content")
    for name in [args.only] if args.only else SETS:
        report = evaluate(load_records(name), bank)
        print(table(name, report))
        if args.verbose and name == "dev.jsonl":
            print("\n".join(report.disagreements))
        print()
    if not args.only:  # both held-out sets together: 180 answers by two authors
        both = [record for name in HELD_OUT for record in load_records(name)]
        print(table("held-out sets together", evaluate(both, bank)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
