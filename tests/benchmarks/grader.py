"""How often the quiz grader agrees with an interviewer: `python tests/benchmarks/grader.py`.

Prints precision, recall and F1 of the per-point verdicts, by kind of answer (strong, partial,
wrong), the share of strong answers scored below half and of wrong answers at half or more, and
the p95 time to grade one answer, on the labelled development sets and the held-out sets
(tests/grading/), and on each group together. `--dev` measures the development sets alone
(while tuning: the held-out answers stay unseen); `--only FILE` measures one file; `-v` lists
every disagreement of the development sets. `--own-answers` lists instead the points whose
card's own model answer trips one of their mistakes (`not:`): each is a mistake worded so that
a right answer loses the point too (a minute or two).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.domain.content_loader import load_bank  # noqa: E402
from app.domain.grading import bank_texts, own_answer_refusals, word_weights  # noqa: E402
from tests.grading.evaluate import (  # noqa: E402
    DEVELOPMENT,
    HELD_OUT,
    SETS,
    evaluate,
    load_records,
    table,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="list the disagreements")
    parser.add_argument(
        "--only",
        choices=SETS,
        help="measure one file",
    )
    parser.add_argument(
        "--dev",
        action="store_true",
        help="measure the development sets only (while tuning, so the held-out answers stay unseen)",
    )
    parser.add_argument(
        "--own-answers",
        action="store_true",
        help="list the points a card's own model answer loses to one of their mistakes",
    )
    args = parser.parse_args()
    bank = load_bank(ROOT / "content")
    if args.own_answers:
        weights = word_weights(bank_texts(bank.cards.values()))
        refused = [
            f"{card.id}: “{match.point}” — {match.explanation}"
            for card in bank.cards.values()
            for match in own_answer_refusals(card, weights)
        ]
        print("\n".join(refused) or "no model answer trips its own points' mistakes")
        return 1 if refused else 0
    names = [args.only] if args.only else list(DEVELOPMENT) if args.dev else list(SETS)
    for name in names:
        report = evaluate(load_records(name), bank)
        print(table(name, report))
        if args.verbose and name in DEVELOPMENT:
            print("\n".join(report.disagreements))
        print()
    if len(names) > 1:  # the development sets together
        both = [record for name in DEVELOPMENT for record in load_records(name)]
        print(table("development sets together", evaluate(both, bank)))
        print()
    if names == list(SETS):  # the held-out sets together
        both = [record for name in HELD_OUT for record in load_records(name)]
        print(table("held-out sets together", evaluate(both, bank)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
