"""Statistics: counts for tools, and the Stats screen's snapshot of progress and plans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.domain.changes import Changes
from app.domain.mastery import DEFAULT_MASTERY_THRESHOLD, all_mastery
from app.domain.scheduling import CardState, Scheduler
from app.domain.stats import (
    HEATMAP_DAYS,
    AreaMastery,
    DaySummary,
    Retention,
    ReviewEvent,
    StudyPlan,
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


INTERVIEW_KEY = "interview_date"


@dataclass(frozen=True)
class StatsSnapshot:
    """Everything the Stats screen shows, computed at one moment."""

    today: date
    today_summary: DaySummary
    heatmap: dict[date, int]
    streak: int
    forecast: list[int]
    retention: dict[str, Retention]  # period label -> retention
    counts: dict[str, int]
    areas: list[AreaMastery]
    quiz_scores: list[tuple[datetime, float]]
    plan: StudyPlan | None
    reviews_year: int


class StatsService:
    """Reads the review log, schedule and quizzes; the arithmetic lives in `domain/stats.py`."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.quizzes = QuizStore(ctx.store.engine)

    def _hour(self) -> int:
        return self.ctx.settings.day_starts_at_hour

    def today(self) -> date:
        return study_date(self.ctx.clock.now(), self.ctx.clock.local_tz, self._hour())

    def events(self, days: int = HEATMAP_DAYS) -> list[ReviewEvent]:
        since = self.ctx.clock.now() - timedelta(days=days + 1)
        return [ReviewEvent(*row) for row in self.ctx.store.review_events(since)]

    # -- interview date -------------------------------------------------------------------
    def interview_date(self) -> date | None:
        raw = self.ctx.store.get_setting(INTERVIEW_KEY)
        try:
            return date.fromisoformat(raw) if isinstance(raw, str) else None
        except ValueError:
            return None

    def set_interview_date(self, day: date | None) -> Changes:
        self.ctx.store.set_setting(INTERVIEW_KEY, day.isoformat() if day else None)
        return Changes.SETTINGS

    # -- the snapshot ---------------------------------------------------------------------
    def snapshot(self) -> StatsSnapshot:
        ctx = self.ctx
        now = ctx.clock.now()
        tz, hour = ctx.clock.local_tz, self._hour()
        today = study_date(now, tz, hour)
        events = self.events()
        days = heatmap(events, today, tz, hour)
        progress = ctx.store.all_progress()
        memories = {cid: memory for cid, (memory, _s, _f) in progress.items()}
        suspended = {cid for cid, (_m, held, _f) in progress.items() if held}
        scheduler = Scheduler(ctx.settings.scheduler_settings())  # the learner's parameters
        mastery = all_mastery(ctx.bank, memories, scheduler, now)
        threshold = self.mastery_threshold()
        interview = self.interview_date()
        plan = None
        if interview is not None:
            cards_left, concepts_left = cards_left_to_learn(
                ctx.bank, mastery, memories, threshold, suspended
            )
            plan = study_plan(cards_left, concepts_left, today, interview, ctx.settings.new_per_day)
        day_start = study_day_start(now, tz, hour)
        return StatsSnapshot(
            today=today,
            today_summary=day_summary(events, today, tz, hour),
            heatmap=days,
            streak=streak(days, today),
            forecast=forecast(ctx.store.due_dates(), now, tz, hour),
            retention={
                "Today": true_retention(events, day_start),
                "Last 7 days": true_retention(events, day_start - timedelta(days=6)),
                "Last 30 days": true_retention(events, day_start - timedelta(days=29)),
                "Last year": true_retention(events),
            },
            counts=card_counts(ctx.bank.cards, memories, suspended & set(ctx.bank.cards)),
            areas=mastery_by_area(ctx.bank, mastery, threshold),
            quiz_scores=[
                (row.started_at, row.score if row.score is not None else 0.0)
                for row in self.quizzes.history()
                if row.status == "finished"
            ],
            plan=plan,
            reviews_year=sum(days.values()),
        )

    def mastery_threshold(self) -> float:
        value = self.ctx.store.get_setting("mastery_threshold", DEFAULT_MASTERY_THRESHOLD)
        return float(value) if isinstance(value, int | float) else DEFAULT_MASTERY_THRESHOLD
