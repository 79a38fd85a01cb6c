"""Which FSRS memory should an SM-2 card imported from Anki get? A measurement.

Anki users on SM-2 have no FSRS memory in `cards.data`. Two ways to give them one:

- **replay**: run the card's answers (the revlog) through FSRS with the default parameters,
  as Lattice would have scheduled them (what `domain/anki_progress.py` does when a card has
  answers);
- **from SM-2**: fsrs-rs's `memory_state_from_sm2(ease, interval, 0.9)`, which reads only the
  card's current ease and interval (what Anki itself uses for a card without usable history).

Simulated learners whose true memory follows FSRS-6 with parameters of their own (the defaults
scaled by a random factor each) study with Anki's SM-2 for a year (learning steps 1 and 10
minutes, graduating interval 1 day, easy 4 days, starting ease 250 %, Hard x1.2 and -15 %,
Good x ease, Easy x ease x 1.3 and +15 %, a lapse -20 % and back to 1 day after a 10-minute
step). Before every review at least a day after the last one, each method predicts the recall
from the card's history up to then; the prediction is scored against what the learner did:
log loss and RMSE (lower is better). Two more rows score a card whose history was cut short
(its revlog rows before the second review deleted, as Anki users do to shrink a collection):
replaying what is left as if the first row left were the first answer, or starting from the
SM-2 memory at the cut and replaying the rest.

    .venv/bin/python tests/benchmarks/anki_sm2_memory.py [--learners 20 --cards 300 --seed 1]
"""

from __future__ import annotations

import argparse
import math
import random
from dataclasses import dataclass

import fsrs_rs_python as rs

from app.domain.memory_model import DEFAULT_PARAMETERS, Memory, MemoryModel

DAYS = 365
MINUTE = 1 / 1440


@dataclass
class Sm2Card:
    ease: float = 2.5
    interval: float = 0.0  # days; 0 while learning
    due: float = 0.0
    last: float = 0.0
    true: Memory | None = None


def grade_for(rng: random.Random, recalled: bool) -> int:
    if not recalled:
        return 1
    return rng.choices((2, 3, 4), weights=(15, 75, 10))[0]


def sm2_answer(card: Sm2Card, grade: int, now: float) -> None:
    """Anki's SM-2 after one answer (learning steps folded: a learning card graduates)."""
    delay = max(0.0, now - card.due)
    if card.interval == 0:  # learning: Good and Easy graduate after their steps
        card.interval = 4.0 if grade == 4 else 1.0
    elif grade == 1:
        card.ease = max(1.3, card.ease - 0.2)
        card.interval = 1.0
    elif grade == 2:
        card.ease = max(1.3, card.ease - 0.15)
        card.interval = max(card.interval + 1, card.interval * 1.2)
    elif grade == 3:
        card.interval = max(card.interval + 1, (card.interval + delay / 2) * card.ease)
    else:
        card.interval = max(card.interval + 1, (card.interval + delay) * card.ease * 1.3)
        card.ease += 0.15
    card.interval = float(round(min(card.interval, 36500)))
    card.last, card.due = now, now + card.interval


def simulate(
    rng: random.Random, cards: int, truth: MemoryModel
) -> list[list[tuple[float, int, float, float]]]:
    """Each card's history: (day, grade, SM-2 ease before, SM-2 interval before)."""
    histories: list[list[tuple[float, int, float, float]]] = []
    for index in range(cards):
        start = float(index * DAYS // (2 * cards))  # new cards over the first half year
        card = Sm2Card(due=start)
        history: list[tuple[float, int, float, float]] = []
        # first day: the first answer, then the learning steps answered until graduated
        first = rng.choices((1, 2, 3, 4), weights=(20, 10, 60, 10))[0]
        card.true = truth.learn(first)
        history.append((start, first, card.ease, 0.0))
        sm2_answer(card, first, start)
        while card.due < DAYS:
            now = card.due
            recalled = rng.random() < truth.retrievability(now - card.last, card.true.stability)
            grade = grade_for(rng, recalled)
            history.append((now, grade, card.ease, card.interval))
            if grade == 1:
                card.true = truth.relearn(card.true, now - card.last)
            else:
                card.true = truth.review(card.true, now - card.last, grade)
            sm2_answer(card, grade, now)
        histories.append(history)
    return histories


@dataclass
class Score:
    loss: float = 0.0
    squared: float = 0.0
    count: int = 0

    def add(self, predicted: float, recalled: bool) -> None:
        p = min(max(predicted, 1e-6), 1 - 1e-6)
        self.loss -= math.log(p if recalled else 1 - p)
        self.squared += (p - recalled) ** 2
        self.count += 1

    def text(self) -> str:
        return f"log loss {self.loss / self.count:.4f}, RMSE {math.sqrt(self.squared / self.count):.4f}"


FULL = ("replay", "from SM-2")
CUT = ("cut history: replay from new", "cut history: SM-2 start + replay")


def evaluate(histories: list[list[tuple[float, int, float, float]]]) -> dict[str, Score]:
    """Every method scored on the same reviews: from the third review on (so that a history
    cut before the second review has an answer left to replay)."""
    model = MemoryModel()
    fsrs = rs.FSRS(rs.DEFAULT_PARAMETERS)
    scores = {name: Score() for name in FULL + CUT}
    for history in histories:
        memory = model.learn(history[0][1])
        last = history[0][0]
        cut: dict[str, Memory] = {}
        for position, (day, grade, ease, interval) in enumerate(history[1:], start=1):
            elapsed = day - last
            recalled = grade > 1
            state = fsrs.memory_state_from_sm2(ease, max(interval, 1.0), 0.9)
            if position >= 3:
                predicted = {
                    "replay": memory.stability,
                    "from SM-2": state.stability,
                    **{name: m.stability for name, m in cut.items()},
                }
                for name, stability in predicted.items():
                    scores[name].add(model.retrievability(elapsed, stability), recalled)
            if position == 2:  # the revlog's rows before this one were deleted
                cut[CUT[0]] = model.initial(grade)  # ... and this answer taken as the first
                cut[CUT[1]] = Memory(state.stability, min(max(state.difficulty, 1.0), 10.0))
            for name, known in list(cut.items()):
                if position == 2 and name == CUT[0]:
                    continue
                cut[name] = (
                    model.relearn(known, elapsed)
                    if grade == 1
                    else model.review(known, elapsed, grade)
                )
            memory = (
                model.relearn(memory, elapsed)
                if grade == 1
                else model.review(memory, elapsed, grade)
            )
            last = day
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--cards", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    totals: dict[str, Score] = {}
    for _ in range(args.learners):
        scale = [rng.uniform(0.6, 1.5) for _ in DEFAULT_PARAMETERS]
        truth = [p * s for p, s in zip(DEFAULT_PARAMETERS, scale, strict=True)]
        truth[20] = DEFAULT_PARAMETERS[20]  # the same forgetting curve's shape
        truth[0:4] = sorted(truth[0:4])  # first stabilities rise from Again to Easy
        scores = evaluate(simulate(rng, args.cards, MemoryModel(truth)))
        for name, score in scores.items():
            total = totals.setdefault(name, Score())
            total.loss += score.loss
            total.squared += score.squared
            total.count += score.count
    print(f"{args.learners} simulated SM-2 learners x {args.cards} cards, one year each")
    for name, score in totals.items():
        print(f"  {name:34} {score.text()}  ({score.count:,} predictions)")


if __name__ == "__main__":
    main()
