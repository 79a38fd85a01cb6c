"""Interview mode against the plain daily-limit schedule, at equal minutes, in simulation.

For each interview horizon (1, 2 and 6 weeks) and bank size, three simulated learners (their
own FSRS parameters, answer times and odds, each missing a tenth of the days at random) study
the same bank from scratch for the same minutes a day, once with each schedule:

- plain, limit 20: reviews due at 90 % recall first, then up to 20 new cards a day;
- plain, fill: the same, with as many new cards as the minutes allow;
- interview: the plan of `app/domain/interview_plan.py`, re-planned every day from the
  learner's real memory (which the planner sees, with the learner's parameters, answer
  times and attendance), never with more minutes in all than the plain schedules really
  spent (`compare_at_equal_minutes`: a small bank is all learnt before the date, after
  which a plain schedule has less to do).

The score is the expected recall of the bank on the interview morning (mean over learners
and seeds); the minutes are those really spent, per learner and run. Interview mode must win
every cell against both plain schedules: the script exits 1 if it does not.

    .venv/bin/python tests/benchmarks/interview.py [--quick] [--minutes 30]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.domain.interview_plan import LearnerProfile, PlanCard  # noqa: E402
from app.domain.learner_sim import SimulatedLearner, compare_at_equal_minutes  # noqa: E402
from app.domain.memory_model import DEFAULT_PARAMETERS  # noqa: E402


def _scaled(parameters: tuple[float, ...], factors: dict[int, float]) -> tuple[float, ...]:
    return tuple(p * factors.get(i, 1.0) for i, p in enumerate(parameters))


LEARNERS = {
    "typical": SimulatedLearner(LearnerProfile(), DEFAULT_PARAMETERS),
    "slow, forgets more": SimulatedLearner(
        LearnerProfile(
            new_card=130, recalled=30, forgotten=60, first_grades=(0.3, 0.15, 0.5, 0.05)
        ),
        _scaled(DEFAULT_PARAMETERS, {0: 0.6, 1: 0.6, 2: 0.6, 3: 0.6, 8: 0.85}),
    ),
    "quick, remembers well": SimulatedLearner(
        LearnerProfile(
            new_card=60, recalled=12, forgotten=35, first_grades=(0.08, 0.07, 0.6, 0.25)
        ),
        _scaled(DEFAULT_PARAMETERS, {0: 1.5, 1: 1.5, 2: 1.5, 3: 1.3, 8: 1.1}),
    ),
}
HORIZONS = (7, 14, 42)
SIZES = (100, 400, 1200)


@dataclass
class Cell:
    recall: dict[str, float]
    minutes: dict[str, float]
    wins: int = 0
    runs: int = 0


def run_cell(horizon: int, size: int, minutes: float, seeds: range) -> Cell:
    bank = [PlanCard(f"card-{i:05d}") for i in range(size)]
    names = ("plain, limit 20", "plain, fill", "interview")
    recall = dict.fromkeys(names, 0.0)
    spent = dict.fromkeys(names, 0.0)
    cell = Cell(recall, spent)
    for learner in LEARNERS.values():
        for seed in seeds:
            run = compare_at_equal_minutes(learner, bank, horizon, minutes, seed)
            results = {
                "plain, limit 20": run.plain_limit,
                "plain, fill": run.plain_fill,
                "interview": run.interview,
            }
            for name, result in results.items():
                recall[name] += result.expected_recall
                spent[name] += result.minutes
            best_plain = max(run.plain_limit.expected_recall, run.plain_fill.expected_recall)
            cell.wins += run.interview.expected_recall > best_plain
            cell.runs += 1
    for name in names:
        recall[name] /= cell.runs
        spent[name] /= cell.runs
    return cell


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one seed per learner")
    parser.add_argument("--minutes", type=float, default=30.0, help="daily budget (default 30)")
    parser.add_argument(
        "--horizon", type=int, action="append", help="only this horizon in days (repeatable)"
    )
    args = parser.parse_args()
    seeds = range(1) if args.quick else range(2)
    print(f"Expected recall of the bank on the interview morning, {args.minutes:g} min a day")
    print(
        f"{'horizon':>8} {'cards':>6} | {'limit 20':>9} {'fill':>9} {'interview':>9} | "
        f"{'gain':>6} | {'min limit 20':>12} {'min fill':>9} {'min interview':>13} | runs won"
    )
    every = True
    started = time.perf_counter()
    for horizon in args.horizon or HORIZONS:
        for size in SIZES:
            cell = run_cell(horizon, size, args.minutes, seeds)
            r, m = cell.recall, cell.minutes
            plain_best = max(r["plain, limit 20"], r["plain, fill"])
            won = r["interview"] > plain_best
            every &= won
            print(
                f"{horizon:>6} d {size:>6} | {r['plain, limit 20']:>9.3f} {r['plain, fill']:>9.3f} "
                f"{r['interview']:>9.3f} | {r['interview'] - plain_best:>+6.3f} | "
                f"{m['plain, limit 20']:>12.0f} {m['plain, fill']:>9.0f} {m['interview']:>13.0f} | "
                f"{cell.wins}/{cell.runs}{'' if won else '  LOST'}"
            )
    print(
        f"interview mode wins every cell: {'yes' if every else 'NO'} ({time.perf_counter() - started:.0f} s)"
    )
    return 0 if every else 1


if __name__ == "__main__":
    raise SystemExit(main())
