"""Studying past the day's limits (Anki's Custom Study), without borrowing from tomorrow."""

from __future__ import annotations

from datetime import timedelta

from app.domain.scheduling import CardState, Grade
from app.domain.study_day import StudySettings, study_day_start
from app.services.context import AppContext
from app.services.review_service import ReviewService


def _finish_today(service: ReviewService) -> list[str]:
    seen = []
    while (due := service.next_card()) is not None:
        seen.append(due.card.id)
        service.answer(due, Grade.EASY)
    return seen


def test_more_new_cards_today_leave_tomorrows_limit_alone(ctx: AppContext, clock) -> None:  # type: ignore[no-untyped-def]
    service = ReviewService(ctx.bank, ctx.db_path, clock, StudySettings(new_per_day=1))
    assert _finish_today(service) == ["alpha-what"]
    assert service.more_available() == (3, 0)  # three unseen; nothing due tomorrow

    service.study_more_new(2)
    assert service.counts().new == 2
    assert _finish_today(service) == ["alpha-why", "beta-what"]

    clock.advance(days=1)
    assert service.counts().new == 1  # tomorrow's limit is whole again, and not extended
    assert _finish_today(service) == ["gamma-what"]


def test_a_concepts_unseen_cards_past_the_limit(ctx: AppContext, clock) -> None:  # type: ignore[no-untyped-def]
    settings = StudySettings(new_per_day=1)
    _finish_today(ReviewService(ctx.bank, ctx.db_path, clock, settings))
    concept = ReviewService(
        ctx.bank, ctx.db_path, clock, settings, scope=["alpha-what", "alpha-why"]
    )
    assert concept.next_card() is None  # the day's one new card is spent
    unseen, _tomorrow = concept.more_available()
    assert unseen == 1
    concept.study_more_new(unseen)
    assert _finish_today(concept) == ["alpha-why"]


def test_cards_due_tomorrow_can_be_reviewed_today(ctx: AppContext, clock) -> None:  # type: ignore[no-untyped-def]
    service = ReviewService(ctx.bank, ctx.db_path, clock, ctx.settings)
    _finish_today(service)  # Easy: every card graduates to a review days away
    ids = sorted(ctx.bank.cards)
    memories = ctx.store.memories(ids)
    assert all(m.state is CardState.REVIEW for m in memories.values())
    first_due = min(m.due for m in memories.values() if m.due)
    # the afternoon of the study day before the first card falls due
    clock.set(study_day_start(first_due, clock.local_tz) - timedelta(hours=12))
    assert service.next_card() is None
    _unseen, tomorrow = service.more_available()
    assert tomorrow >= 1
    service.study_ahead(1)
    assert service.counts().review == tomorrow
    reviewed = _finish_today(service)
    assert len(reviewed) == tomorrow


def test_all_caught_up_offers_more_new_cards_and_tomorrows_reviews(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from PySide6.QtCore import Qt

    window.apply_settings(replace(ctx.settings, new_per_day=1))
    review = window.review
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_4)  # the day's one new card, Easy
    assert review.current is None
    assert "All caught up" in review.view.toPlainText()
    assert review.more_new_button.isVisibleTo(window)
    assert review.more_new_button.text() == "Learn 1 more new card today"
    assert not review.ahead_button.isVisibleTo(window)  # nothing is due tomorrow

    qtbot.mouseClick(review.more_new_button, Qt.MouseButton.LeftButton)
    assert review.current is not None and review.current.card.id == "alpha-why"
    assert ctx.settings.new_per_day == 1  # the limit itself is unchanged


def test_a_concept_session_offers_all_its_unseen_cards(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    window.apply_settings(replace(ctx.settings, new_per_day=0))
    window.review.study(["alpha-what", "alpha-why"], "Alpha")
    assert window.review.current is None
    assert window.review.more_new_button.text() == "Learn this selection's 2 unseen cards"
    window.review.study_more_new()
    assert window.review.current is not None
    assert window.review.service.counts().new == 2
