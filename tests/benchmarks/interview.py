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

`--credit` prints instead the table of review credit for prerequisites (issue 18 item 5):
on a synthetic concept graph shaped like the bundled bank, for each truth about transfer
(how much answering a concept really refreshes its prerequisites: none, a little, a lot),
horizon and bank size, the minutes in all that the plain schedule needs, with credit and
without, to reach the recall on the day that it gets without credit at the usual settings,
each side at its best retention and daily minutes; `--interview-check` compares credit off
and on in interview mode at equal minutes.

    .venv/bin/python tests/benchmarks/interview.py --credit [--transfer none] [--horizon 42]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.domain.interview_plan import LearnerProfile, PlanCard  # noqa: E402
from app.domain.learner_sim import (  # noqa: E402
    SimulatedLearner,
    compare_at_equal_minutes,
    interview_schedule,
    minutes_for_recall,
    plain_schedule,
    simulate,
    synthetic_concepts,
)
from app.domain.memory_model import DEFAULT_PARAMETERS, MemoryModel  # noqa: E402
from app.domain.prerequisite_credit import DEFAULT_SHARE, CreditRule, card_targets  # noqa: E402


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


# -- review credit for prerequisites (issue 18 item 5) ------------------------------------------
TRANSFERS = {"none": 0.0, "a little": 0.1, "a lot": 0.4}  # the truth: share of a Good review
RETENTIONS = (0.75, 0.8, 0.85, 0.9, 0.95)  # the settings either side may use instead
BUDGETS = (0.8, 1.0, 1.2)  # daily minutes, as a share of the learner's


@dataclass
class CreditCell:
    saved: float  # minutes in all at equal recall, mean over the learners where defined
    reached: int  # learners for whom credit on reached credit off's recall at all
    recall_on: float  # at the usual settings (90 %, the learner's minutes)
    recall_off: float
    minutes_on: float
    minutes_off: float


Targets = dict[str, tuple[tuple[str, float], ...]]


def _grid(
    learner: SimulatedLearner,
    bank: list[PlanCard],
    horizon: int,
    minutes: float,
    seeds: range,
    truth: Targets | None,
    credit: Targets | None,
) -> list[tuple[float, float]]:
    """(minutes, recall on the day), mean over seeds, for every retention x daily budget."""
    model = MemoryModel(learner.parameters)
    points = []
    for retention in RETENTIONS:
        for budget in BUDGETS:
            runs = [
                simulate(plain_schedule(model, retention, 20), learner, bank, horizon,
                         minutes * budget, seed, truth, credit)
                for seed in seeds
            ]  # fmt: skip
            points.append(
                (
                    sum(r.minutes for r in runs) / len(runs),
                    sum(r.expected_recall for r in runs) / len(runs),
                )
            )
    return points


USUAL = RETENTIONS.index(0.9) * len(BUDGETS) + BUDGETS.index(1.0)
# Equal recall means within half a point: where the daily new-card limit caps what any
# setting can reach, both sides reach that cap only up to noise.
TOLERANCE = 0.005


def credit_cell(
    horizon: int, size: int, transfer: float, rule: CreditRule, minutes: float, seeds: range
) -> CreditCell:
    """Per learner (means over seeds): the recall credit off gets at the usual settings (90 %
    recall, `minutes` a day, up to 20 new cards), then the fewest minutes each side needs
    for that recall (less `TOLERANCE`), each at its own best retention and daily minutes
    among those tried. So credit must beat simply asking for less recall."""
    bank = [PlanCard(f"card-{i:05d}") for i in range(size)]
    concept_of, requires = synthetic_concepts([c.card_id for c in bank], seed=size)
    truth = card_targets(CreditRule(transfer), requires, concept_of) if transfer else None
    credit = card_targets(rule, requires, concept_of)
    saved: list[float] = []
    on_r = off_r = on_m = off_m = 0.0
    for learner in LEARNERS.values():
        off = _grid(learner, bank, horizon, minutes, seeds, truth, None)
        on = _grid(learner, bank, horizon, minutes, seeds, truth, credit)
        target = off[USUAL][1] - TOLERANCE
        needed_off = minutes_for_recall(off, target)
        needed_on = minutes_for_recall(on, target)
        if needed_off is not None and needed_on is not None:
            saved.append(needed_off - needed_on)
        on_m, on_r = on_m + on[USUAL][0], on_r + on[USUAL][1]
        off_m, off_r = off_m + off[USUAL][0], off_r + off[USUAL][1]
    n = len(LEARNERS)
    mean_saved = sum(saved) / len(saved) if saved else float("nan")
    return CreditCell(mean_saved, len(saved), on_r / n, off_r / n, on_m / n, off_m / n)


def credit_table(
    minutes: float,
    seeds: range,
    horizons: tuple[int, ...],
    rule: CreditRule,
    transfers: list[str] | None = None,
) -> None:
    print(
        f"\nReview credit for prerequisites (share {rule.share:g}, depth {rule.depth}), plain "
        f"schedule, {minutes:g} min a day: minutes in all to reach credit off's usual recall"
    )
    print(
        f"{'transfer':>8} {'horizon':>8} {'cards':>6} | {'recall off':>10} {'on':>6} | "
        f"{'min off':>7} {'on':>6} | {'saved at equal recall':>21}"
    )
    for name, transfer in TRANSFERS.items():
        if transfers and name not in transfers:
            continue
        for horizon in horizons:
            for size in SIZES:
                c = credit_cell(horizon, size, transfer, rule, minutes, seeds)
                if c.reached < len(LEARNERS):
                    verdict = f"lost: never reached for {len(LEARNERS) - c.reached} of 3"
                else:
                    verdict = f"{c.saved:>+9.0f} min {'saved' if c.saved > 0 else 'lost'}"
                print(
                    f"{name:>8} {horizon:>6} d {size:>6} | {c.recall_off:>10.3f} "
                    f"{c.recall_on:>6.3f} | {c.minutes_off:>7.0f} {c.minutes_on:>6.0f} | "
                    f"{verdict}",
                    flush=True,
                )


def credit_in_interview_mode(
    minutes: float, horizon: int, size: int, rule: CreditRule, seeds: range
) -> None:
    """Interview mode, credit off and on at the same daily minutes: it spends them while a
    review or a new card still gains recall on the day, so the difference is mostly in
    recall; the minutes really spent are shown too."""
    bank = [PlanCard(f"card-{i:05d}") for i in range(size)]
    concept_of, requires = synthetic_concepts([c.card_id for c in bank], seed=size)
    credit = card_targets(rule, requires, concept_of)
    print(
        f"\nInterview mode, {horizon} days, {size} cards, {minutes:g} min a day, "
        f"{len(seeds)} seeds per learner: recall on the day, credit off and on"
    )
    runs = len(LEARNERS) * len(seeds)
    for name, transfer in TRANSFERS.items():
        truth = card_targets(CreditRule(transfer), requires, concept_of) if transfer else None
        off = on = spent_off = spent_on = 0.0
        better = 0
        for learner in LEARNERS.values():
            model = MemoryModel(learner.parameters)
            profile = replace(learner.profile, attendance=1 - learner.miss_day_probability)
            schedule = interview_schedule(model, profile, minutes)
            for seed in seeds:
                a = simulate(schedule, learner, bank, horizon, minutes, seed, truth, None)
                b = simulate(schedule, learner, bank, horizon, minutes, seed, truth, credit)
                off, on = off + a.expected_recall / runs, on + b.expected_recall / runs
                spent_off, spent_on = spent_off + a.minutes / runs, spent_on + b.minutes / runs
                better += b.expected_recall > a.expected_recall
        print(
            f"{name:>8}: off {off:.3f} ({spent_off:.0f} min), on {on:.3f} ({spent_on:.0f} min), "
            f"{on - off:+.3f}, credit better in {better} of {runs} runs",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one seed per learner")
    parser.add_argument("--minutes", type=float, default=30.0, help="daily budget (default 30)")
    parser.add_argument(
        "--horizon", type=int, action="append", help="only this horizon in days (repeatable)"
    )
    parser.add_argument("--credit", action="store_true", help="only the prerequisite-credit table")
    parser.add_argument("--share", type=float, default=DEFAULT_SHARE, help="credit share")
    parser.add_argument("--depth", type=int, default=1, help="credit depth (1: direct only)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per learner (credit table)")
    parser.add_argument(
        "--interview-check",
        action="store_true",
        help="with --credit: interview mode, credit off and on, 400 cards, each --horizon",
    )
    parser.add_argument(
        "--transfer", action="append", choices=list(TRANSFERS), help="only this truth (repeatable)"
    )
    args = parser.parse_args()
    seeds = range(1) if args.quick else range(2)
    if args.credit:
        started = time.perf_counter()
        rule = CreditRule(args.share, args.depth)
        if args.interview_check:
            for horizon in args.horizon or [14]:
                credit_in_interview_mode(args.minutes, horizon, 400, rule, range(args.seeds))
        else:
            credit_table(
                args.minutes,
                range(args.seeds),
                tuple(args.horizon or HORIZONS),
                rule,
                args.transfer,
            )
        print(f"({time.perf_counter() - started:.0f} s)")
        return 0
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
