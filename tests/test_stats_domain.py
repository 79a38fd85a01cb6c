"""Statistics rules pinned by a crafted history: study-day buckets, forecast, retention, plan."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from app.domain.content import Area, Card, Concept, ContentBank, Difficulty
from app.domain.scheduling import CardMemory, CardState, Grade
from app.domain.stats import (
    ReviewEvent,
    card_counts,
    cards_left_to_learn,
    day_summary,
    forecast,
    heatmap,
    mastery_by_area,
    streak,
    study_date,
    study_plan,
    true_retention,
)

TOKYO = timezone(timedelta(hours=9))


def at(y: int, m: int, d: int, h: int = 12, minute: int = 0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=UTC)


def event(
    when: datetime, rating: int = 3, state: int = 2, interval: float | None = 5.0
) -> ReviewEvent:
    return ReviewEvent(when, rating, 10_000, state, interval)


def test_study_day_rolls_over_at_4am_local_time() -> None:
    # 02:30 in Tokyo on 11 March is still the study day of 10 March.
    assert study_date(datetime(2026, 3, 10, 17, 30, tzinfo=UTC), TOKYO) == date(2026, 3, 10)
    # 04:00 in Tokyo starts 11 March.
    assert study_date(datetime(2026, 3, 10, 19, 0, tzinfo=UTC), TOKYO) == date(2026, 3, 11)


def test_heatmap_buckets_by_local_study_day() -> None:
    events = [
        event(datetime(2026, 3, 10, 17, 30, tzinfo=UTC)),  # 02:30 Tokyo -> 10 March
        event(datetime(2026, 3, 10, 19, 0, tzinfo=UTC)),  # 04:00 Tokyo -> 11 March
        event(datetime(2026, 3, 11, 1, 0, tzinfo=UTC)),  # 10:00 Tokyo -> 11 March
        event(datetime(2024, 1, 1, tzinfo=UTC)),  # older than a year: not shown
    ]
    counts = heatmap(events, date(2026, 3, 11), TOKYO)
    assert len(counts) == 365
    assert min(counts) == date(2025, 3, 12) and max(counts) == date(2026, 3, 11)
    assert counts[date(2026, 3, 10)] == 1
    assert counts[date(2026, 3, 11)] == 2
    assert sum(counts.values()) == 3
    assert streak(counts, date(2026, 3, 11)) == 2
    assert streak(counts, date(2026, 3, 12)) == 2  # today not studied yet: the streak holds
    assert streak(counts, date(2026, 3, 13)) == 0


def test_today_summary_counts_reviews_time_and_again() -> None:
    day = date(2026, 3, 2)
    events = [
        ReviewEvent(at(2026, 3, 2, 9), Grade.GOOD, 20_000, 2),
        ReviewEvent(at(2026, 3, 2, 10), Grade.AGAIN, 40_000, 2),
        ReviewEvent(at(2026, 3, 3, 3), Grade.GOOD, 60_000, 1),  # 3 am: still 2 March
        ReviewEvent(at(2026, 3, 1, 9), Grade.GOOD, 99_000, 1),
    ]
    summary = day_summary(events, day, UTC)
    assert (summary.reviews, summary.milliseconds, summary.again) == (3, 120_000, 1)
    assert summary.minutes == 2.0


def test_forecast_puts_overdue_cards_today_and_stops_at_30_days() -> None:
    now = at(2026, 3, 2, 9)
    due = [
        at(2026, 2, 20),  # overdue -> today
        at(2026, 3, 2, 20),  # later today
        at(2026, 3, 3, 2),  # 2 am on the 3rd: still today's study day
        at(2026, 3, 3, 5),  # tomorrow
        at(2026, 3, 31, 12),  # day 29, the last one shown
        at(2026, 4, 1, 12),  # day 30: beyond the window
    ]
    buckets = forecast(due, now, UTC)
    assert len(buckets) == 30
    assert buckets[0] == 3
    assert buckets[1] == 1
    assert buckets[29] == 1
    assert sum(buckets) == 5


def test_true_retention_counts_review_cards_only_split_young_and_mature() -> None:
    events = [
        event(at(2026, 3, 1), Grade.GOOD, 2, 3.0),  # young pass
        event(at(2026, 3, 1), Grade.AGAIN, 2, 20.9),  # young fail
        event(at(2026, 3, 1), Grade.HARD, 2, 21.0),  # mature pass (21 days is mature)
        event(at(2026, 3, 1), Grade.EASY, 2, 60.0),  # mature pass
        event(at(2026, 3, 1), Grade.AGAIN, 2, 90.0),  # mature fail
        event(at(2026, 3, 1), Grade.AGAIN, 1, None),  # learning step: not counted
        event(at(2026, 3, 1), Grade.GOOD, 0, None),  # new card: not counted
        event(at(2026, 3, 1), Grade.GOOD, 3, 1.0),  # relearning step: not counted
    ]
    r = true_retention(events)
    assert (r.young_passed, r.young_total, r.mature_passed, r.mature_total) == (1, 2, 2, 3)
    assert r.young == 0.5
    assert r.mature == 2 / 3
    assert r.total == 3 / 5
    assert true_retention(events, since=at(2026, 3, 2)).total is None


def test_card_counts_use_anki_categories() -> None:
    now = at(2026, 3, 1)
    memories = {
        "learning": CardMemory("learning", CardState.LEARNING, 0, 1.0, 5.0, now, now, 1, 0),
        "relearn": CardMemory("relearn", CardState.RELEARNING, 0, 1.0, 5.0, now, now, 5, 1),
        "young": CardMemory(
            "young", CardState.REVIEW, None, 9.0, 5.0, now + timedelta(days=9), now, 3, 0
        ),
        "mature": CardMemory(
            "mature", CardState.REVIEW, None, 40.0, 5.0, now + timedelta(days=40), now, 8, 0
        ),
        "held": CardMemory(
            "held", CardState.REVIEW, None, 40.0, 5.0, now + timedelta(days=40), now, 8, 0
        ),
    }
    ids = ["never-seen", *memories]
    assert card_counts(ids, memories, {"held"}) == {
        "new": 1,
        "learning": 1,
        "relearning": 1,
        "young": 1,
        "mature": 1,
        "suspended": 1,
    }


def _bank() -> ContentBank:
    def card(cid: str, concept: str) -> Card:
        return Card(cid, concept, "Q?", "A.", ("a", "b", "c"), Difficulty.EASY, 60)

    return ContentBank(
        areas={
            "one": Area("one", "One", "#111111", 1),
            "two": Area("two", "Two", "#222222", 2),
            "empty": Area("empty", "Empty", "#333333", 3),
        },
        concepts={
            "a": Concept("a", "A", "one", "s"),
            "b": Concept("b", "B", "one", "s"),
            "c": Concept("c", "C", "two", "s"),
        },
        cards={
            c.id: c
            for c in (
                card("a1", "a"),
                card("a2", "a"),
                card("b1", "b"),
                card("b2", "b"),
                card("c1", "c"),
            )
        },
    )


def test_mastery_by_area_averages_concepts_and_counts_the_mastered() -> None:
    areas = mastery_by_area(_bank(), {"a": 0.9, "b": 0.5, "c": 0.2}, 0.8)
    assert [(a.area_id, round(a.mastery, 2), a.mastered, a.concepts) for a in areas] == [
        ("one", 0.7, 1, 2),
        ("two", 0.2, 0, 1),
    ]


def test_plan_counts_new_cards_of_unmastered_concepts_and_divides_by_days_left() -> None:
    bank = _bank()
    now = at(2026, 3, 1)
    seen = CardMemory("b1", CardState.REVIEW, None, 3.0, 5.0, now, now, 2, 0)
    cards, concepts = cards_left_to_learn(
        bank, {"a": 0.95, "b": 0.3, "c": 0.0}, {"b1": seen}, 0.8, suspended={"c1"}
    )
    # a is mastered; b has b2 left (b1 seen); c's only card is suspended.
    assert (cards, concepts) == (1, 2)

    plan = study_plan(45, 6, date(2026, 3, 1), date(2026, 3, 11), new_per_day=20)
    assert plan.days_left == 10 and plan.per_day == 5 and plan.on_track
    tight = study_plan(45, 6, date(2026, 3, 1), date(2026, 3, 3), new_per_day=20)
    assert tight.per_day == 23 and not tight.on_track
    assert tight.finish_at_current_limit == 3
    due = study_plan(45, 6, date(2026, 3, 3), date(2026, 3, 3), new_per_day=20)
    assert due.days_left == 0 and due.per_day == 45 and not due.on_track
    done = study_plan(0, 0, date(2026, 3, 1), date(2026, 3, 2), new_per_day=20)
    assert done.per_day == 0 and done.on_track
