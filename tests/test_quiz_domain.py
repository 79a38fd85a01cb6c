"""Quiz rules without Qt or a database: drawing, the countdown, key-point matching, scores."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from app.domain.clock import FakeClock
from app.domain.content import Card, Difficulty
from app.domain.quiz import (
    ConceptScore,
    Countdown,
    CountdownState,
    QuizSettings,
    ScopeKind,
    Timing,
    concept_breakdown,
    draw_questions,
    format_clock,
    match_key_point,
    question_budgets,
    question_score,
    quiz_score,
    quiz_totals,
    trend,
    urgency,
    weakest_concepts,
)


def card(card_id: str, seconds: int = 60) -> Card:
    return Card(card_id, "c", "Q?", "A.", ("x", "y", "z"), Difficulty.EASY, seconds)


def test_draw_has_no_repeats_and_respects_count() -> None:
    ids = [f"c{i}" for i in range(20)]
    drawn = draw_questions(ids + ids[:5], {}, 10, random.Random(1))
    assert len(drawn) == 10 and len(set(drawn)) == 10
    assert sorted(draw_questions(ids[:3], {}, 10, random.Random(1))) == sorted(ids[:3])


def test_draw_favours_cards_the_user_knows_least() -> None:
    ids = [f"c{i}" for i in range(10)]
    recall = {cid: (0.97 if i < 5 else 0.1) for i, cid in enumerate(ids)}
    rng = random.Random(7)
    counts: Counter[str] = Counter()
    for _ in range(2000):
        counts.update(draw_questions(ids, recall, 3, rng))
    weak = sum(counts[c] for c in ids[5:])
    strong = sum(counts[c] for c in ids[:5])
    assert weak > 4 * strong
    assert strong > 0  # known cards still come up now and then


def test_budgets_for_each_timing_mode() -> None:
    cards = [card("a", 60), card("b", 180)]
    assert question_budgets(cards, Timing.CARD, 999) == [60, 180]
    assert question_budgets(cards, Timing.FIXED, 45) == [45, 45]
    assert question_budgets(cards, Timing.TOTAL, 600) == [150, 450]


def test_countdown_runs_pauses_and_expires_on_the_injected_clock() -> None:
    clock = FakeClock()
    countdown = Countdown(clock, 60)
    countdown.start()
    clock.advance(seconds=20)
    assert countdown.remaining() == 40
    countdown.pause()
    clock.advance(seconds=300)  # a long pause costs nothing
    assert countdown.remaining() == 40 and countdown.state is CountdownState.PAUSED
    countdown.resume()
    assert (countdown.pauses, countdown.paused_seconds) == (1, 300)
    clock.advance(seconds=35)
    assert urgency(countdown.fraction_left()) == "red"
    clock.advance(seconds=10)
    assert countdown.expired and countdown.remaining() == 0 and countdown.elapsed() == 60
    countdown.stop()  # submitting after the end keeps it expired
    assert countdown.state is CountdownState.EXPIRED


def test_countdown_stop_freezes_time_and_used_before_shortens_it() -> None:
    clock = FakeClock()
    countdown = Countdown(clock, 100, used_before=70)
    countdown.start()
    clock.advance(seconds=10)
    countdown.stop()
    clock.advance(seconds=100)
    assert countdown.state is CountdownState.STOPPED
    assert (countdown.elapsed(), countdown.remaining()) == (10, 20)
    assert countdown.fraction_left() == pytest.approx(0.2)


def test_urgency_bands_and_clock_format() -> None:
    assert [urgency(f) for f in (1.0, 0.26, 0.25, 0.11, 0.10, 0.0)] == [
        "normal",
        "normal",
        "amber",
        "amber",
        "red",
        "red",
    ]
    assert [format_clock(s) for s in (0, 0.2, 59.5, 61, 600)] == [
        "0:00",
        "0:01",
        "1:00",
        "1:01",
        "10:00",
    ]


@pytest.mark.parametrize(
    ("point", "answer", "covered"),
    [
        ("first letter", "Alpha is the First Letter.", True),
        ("ANN index for sublinear search", "use an ANN index so search is sublinear", True),
        ("metadata filtering and updates", "supports filtering of metadata", True),
        ("persistence, replication, access control", "it has replication", False),
        ("needs alpha", "", False),
        ("Laplace noise scale sensitivity/ε", "noise with scale set by the sensitivity", True),
    ],
)
def test_key_point_matching(point: str, answer: str, covered: bool) -> None:
    assert match_key_point(point, answer).covered is covered


def test_key_point_matching_explains_itself() -> None:
    assert (
        match_key_point("first letter", "the first letter").explanation == "mentions “first letter”"
    )
    partial = match_key_point("persistence, replication, access control", "replication")
    assert partial.explanation == "only 1 of 3 key words together (replication); needs 2"
    assert match_key_point("needs alpha", "  ").explanation == "nothing typed"
    assert "none of the key words" in match_key_point("needs alpha", "beta").explanation


def test_scores_and_concept_breakdown() -> None:
    assert question_score([True, False, True, False]) == 0.5
    assert quiz_score([1.0, 0.5, 0.0]) == 0.5
    rows = concept_breakdown([("a", 1.0), ("b", 0.0), ("a", 0.5), ("c", 0.6)])
    assert [(r.concept, r.questions, r.score) for r in rows] == [
        ("b", 1, 0.0),
        ("c", 1, 0.6),
        ("a", 2, 0.75),
    ]
    assert trend([0.2]) is None
    assert trend([0.2, 0.6]) == pytest.approx(0.4)


def test_settings_round_trip() -> None:
    settings = QuizSettings(5, ScopeKind.AREAS, ("llm",), None, "hard", Timing.TOTAL, 900)
    assert QuizSettings.from_dict(settings.to_dict()) == settings


def test_the_weakest_concepts_are_the_lowest_few_not_fully_covered() -> None:
    rows = [
        ConceptScore("a", 1, 0.0),
        ConceptScore("b", 2, 0.25),
        ConceptScore("c", 1, 0.5),
        ConceptScore("d", 1, 0.9),
        ConceptScore("e", 3, 1.0),
    ]
    assert weakest_concepts(rows) == ["a", "b", "c"]
    assert weakest_concepts(rows, limit=5) == ["a", "b", "c", "d"]  # a perfect one is not weak
    assert weakest_concepts([ConceptScore("e", 1, 1.0)]) == []


def test_quiz_totals_sum_time_clocks_out_unreached_and_pauses() -> None:
    from types import SimpleNamespace

    answers = [
        SimpleNamespace(seconds_used=30.5, budget=60, timed_out=False, reached=True, pauses=1),
        SimpleNamespace(seconds_used=90.0, budget=90, timed_out=True, reached=True, pauses=0),
        SimpleNamespace(seconds_used=0.0, budget=45, timed_out=False, reached=False, pauses=2),
    ]
    totals = quiz_totals(answers)
    assert (totals.questions, totals.seconds_used, totals.budget) == (3, 120.5, 195)
    assert (totals.timed_out, totals.unreached, totals.pauses) == (1, 1, 3)
