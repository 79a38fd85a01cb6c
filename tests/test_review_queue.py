"""Today's in-memory queue: order, learning steps coming back, and noticing other writers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.review_queue import DayQueue
from app.domain.scheduling import CardMemory, CardState, Grade
from app.services.review_service import ReviewService

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AHEAD = timedelta(minutes=20)


def learning(card_id: str, minutes: float) -> CardMemory:
    return CardMemory(
        card_id,
        CardState.LEARNING,
        step=0,
        stability=1.0,
        difficulty=5.0,
        due=NOW + timedelta(minutes=minutes),
        last_review=NOW,
        reps=1,
    )


def review(card_id: str, hours: float) -> CardMemory:
    return CardMemory(
        card_id,
        CardState.REVIEW,
        stability=5.0,
        difficulty=5.0,
        due=NOW + timedelta(hours=hours),
        last_review=NOW - timedelta(days=5),
        reps=3,
    )


def test_order_learning_due_then_reviews_then_new_then_learning_ahead() -> None:
    queue = DayQueue.build(
        NOW + timedelta(hours=19),
        [learning("l-soon", 5), learning("l-now", -1)],
        [review("r1", -2)],
        ["n1"],
    )
    assert queue.counts(NOW, AHEAD).new == 1 and queue.counts(NOW, AHEAD).learning == 2
    order = []
    while (memory := queue.next(NOW, AHEAD)) is not None:
        order.append(memory.card_id)
        queue.answered(CardMemory(memory.card_id, CardState.REVIEW, due=NOW + timedelta(days=3)))
    assert order == ["l-now", "r1", "n1", "l-soon"]


def test_a_learning_step_due_today_comes_back_and_one_due_tomorrow_does_not() -> None:
    queue = DayQueue.build(NOW + timedelta(hours=2), [], [], ["a", "b"])
    queue.answered(learning("a", 10))
    queue.answered(learning("b", 600))  # after the study day ends
    assert queue.counts(NOW, AHEAD).learning == 1
    assert queue.next(NOW, AHEAD).card_id == "a"
    assert queue.next(NOW, timedelta(0)) is None


def test_changes_made_elsewhere_rebuild_the_queue(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    assert service.next_card().card.id == "alpha-what"
    ctx.store.set_suspended(["alpha-what"], True)  # e.g. from Browse, another connection
    assert service.next_card().card.id == "alpha-why"
    assert service.counts().new == 3
    service.close()


def test_new_day_brings_new_cards(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    from app.domain.study_day import StudySettings

    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, StudySettings(new_per_day=1))
    service.answer(service.next_card(), Grade.EASY)
    assert service.next_card() is None
    clock.advance(days=1)
    assert service.counts().new == 1
    service.close()
