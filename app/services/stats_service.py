"""Counts for tools and the status bar."""

from __future__ import annotations

from datetime import timedelta

from app.domain.scheduling import CardState
from app.domain.study_day import study_day_start
from app.services.context import AppContext
from app.storage.progress_store import LEARNING_STATES
from app.storage.quiz_store import QuizStore


def summary_counts(ctx: AppContext) -> dict[str, int]:
    """The numbers `stats --json` prints."""
    now = ctx.clock.now()
    by_state = ctx.store.state_counts()
    day_start = study_day_start(now, ctx.clock.local_tz, ctx.settings.day_starts_at_hour)
    due_now = ctx.store.count_due(LEARNING_STATES, now) + ctx.store.count_due(
        (int(CardState.REVIEW),), now
    )
    quiz_sessions, quiz_answers = QuizStore(ctx.store.engine).counts()
    return {
        "cards": sum(by_state.values()),
        "new": by_state.get(int(CardState.NEW), 0),
        "learning": by_state.get(int(CardState.LEARNING), 0)
        + by_state.get(int(CardState.RELEARNING), 0),
        "review": by_state.get(int(CardState.REVIEW), 0),
        "due_now": due_now,
        "reviews_total": ctx.store.review_count(),
        "reviews_today": sum(ctx.store.reviews_since(day_start).values()),
        "quiz_sessions": quiz_sessions,
        "quiz_answers": quiz_answers,
    }


def humanize_until(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{hours // 24} days"
