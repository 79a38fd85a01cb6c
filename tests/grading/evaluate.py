"""Agreement between the quiz grader and an interviewer's labels, point by point.

Used by the benchmark (`tests/benchmarks/grader.py`, prints the table) and by the test that
holds the floor (`tests/test_grading_floor.py`). A labelled record is one typed answer:
`{"card_id", "kind": strong|partial|wrong, "answer", "points": [{"point", "covered"}]}`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.content import ContentBank
from app.domain.grading import (
    bank_texts,
    card_misconceptions,
    card_phrasings,
    match_key_points,
    model_statements,
    prepare_card,
    topic_weights,
    word_weights,
)

HERE = Path(__file__).resolve().parent
KINDS = ("strong", "partial", "wrong")
# The labelled sets, by use (tests/grading/README.md): the grader may be tuned on the
# development sets; the held-out ones only report.
DEVELOPMENT = ("dev.jsonl", "dev2.jsonl", "dev3.jsonl", "dev4.jsonl", "dev5.jsonl")
HELD_OUT = (
    "holdout.jsonl",
    "holdout2.jsonl",
    "holdout3.jsonl",
    "holdout4.jsonl",
    "holdout5.jsonl",
    "holdout6.jsonl",
)
SETS = (*DEVELOPMENT, *HELD_OUT)


def load_records(name: str) -> list[dict[str, Any]]:
    path = HERE / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    scores: list[float] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def mean_score(self) -> float:
        return sum(self.scores) / len(self.scores) if self.scores else 0.0

    def share_at_or_above_half(self) -> float:
        return sum(s >= 0.5 for s in self.scores) / len(self.scores) if self.scores else 0.0


@dataclass
class Report:
    overall: Tally
    by_kind: dict[str, Tally]
    # Grading one answer, its card prepared ahead (`prepare_card`, as the quiz does while
    # the question is answered); the answer's own words are new to the grader.
    latencies_ms: list[float]
    disagreements: list[str]

    @property
    def strong_below_half(self) -> float:
        return 1.0 - self.by_kind["strong"].share_at_or_above_half()

    @property
    def wrong_at_half_or_more(self) -> float:
        return self.by_kind["wrong"].share_at_or_above_half()

    @property
    def p95_ms(self) -> float:
        return _p95(self.latencies_ms)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else 0.0


def evaluate(records: list[dict[str, Any]], bank: ContentBank) -> Report:
    every_point = bank_texts(bank.cards.values())
    weights = word_weights(every_point)
    overall = Tally()
    by_kind = {kind: Tally() for kind in KINDS}
    latencies: list[float] = []
    prepared: set[str] = set()
    disagreements: list[str] = []
    for record in records:
        card = bank.cards.get(record["card_id"])
        points = [p["point"] for p in record["points"]]
        labels = [bool(p["covered"]) for p in record["points"]]
        every = card_phrasings(card) if card is not None else ()
        phrasings: list[tuple[str, ...]] = []
        for point in points:
            if card is not None and point in card.key_points:
                phrasings.append(every[card.key_points.index(point)])
            else:
                phrasings.append(())
        if card is not None and card.id not in prepared:
            prepare_card(card, weights)  # what the quiz does while the question is answered
            prepared.add(card.id)
        start = time.perf_counter()
        support = [
            model_statements(card)[card.key_points.index(p)]
            if card and p in card.key_points
            else ""
            for p in points
        ]
        mistakes = [
            card_misconceptions(card)[card.key_points.index(p)]
            if card and p in card.key_points
            else ()
            for p in points
        ]
        card_weights = (
            topic_weights(weights, card.question, points, phrasings, support, mistakes)
            if card
            else weights
        )
        question = card.question if card else ""
        matches = match_key_points(
            points, record["answer"], phrasings, card_weights, support, question, mistakes
        )
        latencies.append((time.perf_counter() - start) * 1000)
        tally = by_kind[record["kind"]]
        for match, label in zip(matches, labels, strict=True):
            for t in (overall, tally):
                if match.covered and label:
                    t.tp += 1
                elif match.covered:
                    t.fp += 1
                elif label:
                    t.fn += 1
                else:
                    t.tn += 1
            if match.covered != label:
                verdict = "ticked, label says not" if match.covered else "missed"
                disagreements.append(
                    f"{record['card_id']} [{record['kind']}] {verdict}: “{match.point}” — "
                    f"{match.explanation}"
                )
        tally.scores.append(sum(m.covered for m in matches) / len(matches) if matches else 0.0)
    return Report(overall, by_kind, latencies, disagreements)


def table(name: str, report: Report) -> str:
    lines = [f"{name}: {sum(len(t.scores) for t in report.by_kind.values())} answers"]
    lines.append(f"{'':10} {'precision':>9} {'recall':>7} {'F1':>6} {'mean score':>10}")
    for label, t in [("all", report.overall), *report.by_kind.items()]:
        mean = "" if label == "all" else f"{t.mean_score:10.2f}"
        lines.append(f"{label:10} {t.precision:9.2f} {t.recall:7.2f} {t.f1:6.2f} {mean}")
    lines.append(f"strong answers scored below half: {report.strong_below_half:.0%}")
    lines.append(f"wrong answers scored at half or more: {report.wrong_at_half_or_more:.0%}")
    lines.append(
        f"grading time per answer: p95 {report.p95_ms:.1f} ms "
        "(its card prepared ahead, as the quiz does)"
    )
    return "\n".join(lines)
