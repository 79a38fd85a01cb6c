"""Interview mode for the real learner: today's memory in, a plan toward the date out.

The bank is handed to the planner (domain/interview_plan.py) in the order new cards should
be learnt: prerequisites before what builds on them and, among concepts that are ready,
the ones more others build on first (they matter most in an interview), then the weaker
ones, then the study order. Memories are the cards' FSRS state today (a suspended card is
left out), answer times and grade odds are the learner's own (`MemoryService.profile`), and
the parameters are the learner's once fitted. Planned again on every call, so each day's
plan starts from what really happened.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

import networkx as nx

from app.domain.content_loader import prerequisite_graph
from app.domain.interview_plan import LearnerProfile, Plan, PlanCard, plain_plan, plan_interview
from app.domain.mastery import all_mastery
from app.domain.memory_model import Memory, MemoryModel
from app.domain.scheduling import CardMemory, CardState, Scheduler
from app.domain.stats import study_date
from app.domain.study_day import study_day_start
from app.services.context import AppContext
from app.services.memory_service import MemoryService
from app.services.stats_service import INTERVIEW_KEY

MINUTES_KEY = "interview_minutes"
FOLLOW_KEY = "interview_follow"  # Review follows the plan (the learner's one click)
HISTORY_KEY = "interview_history"  # {study day: [planned minutes, expected recall on the day]}
HISTORY_DAYS = 60
DEFAULT_MINUTES = 30
MAX_DAYS = 365  # a plan is for an interview that is coming; beyond a year, study as usual


class PlanRefused(ValueError):
    """The interview date or minutes cannot be planned for; the message says why."""


@dataclass(frozen=True)
class InterviewForecast:
    interview: date
    today: date
    minutes: float
    plan: Plan
    plain: Plan  # the plain daily-limit schedule at the same minutes
    spent_today: float  # minutes already studied today

    @property
    def days_left(self) -> int:
        return len(self.plan.days)

    def to_json(self) -> dict[str, object]:
        return {
            "interview": self.interview.isoformat(),
            "today": self.today.isoformat(),
            "days_left": self.days_left,
            "minutes_per_day": self.minutes,
            "minutes_spent_today": round(self.spent_today, 1),
            "expected_recall": round(self.plan.expected_recall, 4),
            "plain_expected_recall": round(self.plain.expected_recall, 4),
            "policy": self.plan.policy.describe(),
            "days": [
                {
                    "date": (self.today + timedelta(days=day.day)).isoformat(),
                    "new": len(day.new),
                    "reviews": len(day.reviews),
                    "minutes": round(day.minutes, 1),
                    "new_cards": list(day.new),
                    "review_cards": list(day.reviews),
                }
                for day in self.plan.days
            ],
        }


@dataclass(frozen=True)
class DayRecord:
    day: date
    planned: float  # minutes
    studied: float  # minutes
    expected_recall: float  # on the interview morning, as forecast that day


@dataclass(frozen=True)
class PlanInputs:
    interview: date
    today: date
    minutes: float
    cards: tuple[PlanCard, ...]
    parameters: tuple[float, ...]
    profile: LearnerProfile
    retention: float
    new_per_day: int
    spent_today: float

    def forecast(self) -> InterviewForecast:
        model = MemoryModel(self.parameters)
        left_today = max(0.0, self.minutes - self.spent_today)
        horizon = (self.interview - self.today).days
        common = (self.retention, self.new_per_day, left_today)
        plan = plan_interview(self.cards, horizon, self.minutes, model, self.profile, *common)
        plain = plain_plan(self.cards, horizon, self.minutes, model, self.profile, *common)
        return InterviewForecast(
            self.interview, self.today, self.minutes, plan, plain, self.spent_today
        )


class InterviewService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.memory = MemoryService(ctx)

    # -- the stored choice ----------------------------------------------------------------
    def interview_date(self) -> date | None:
        raw = self.ctx.store.get_setting(INTERVIEW_KEY)
        try:
            return date.fromisoformat(raw) if isinstance(raw, str) else None
        except ValueError:
            return None

    def minutes(self) -> float:
        raw = self.ctx.store.get_setting(MINUTES_KEY, DEFAULT_MINUTES)
        return float(raw) if isinstance(raw, int | float) and raw > 0 else DEFAULT_MINUTES

    def following(self) -> bool:
        return self.ctx.store.get_setting(FOLLOW_KEY, False) is True

    def set_following(self, on: bool) -> None:
        self.ctx.store.set_setting(FOLLOW_KEY, bool(on))

    def set_minutes(self, minutes: float) -> None:
        self.ctx.store.set_setting(MINUTES_KEY, _checked_minutes(minutes))

    # -- plan against reality -------------------------------------------------------------
    def record(self, forecast: InterviewForecast) -> None:
        """Keep today's planned minutes and expected recall on the day, so Stats can show
        the plan against what really happened as the days go by."""
        raw = self.ctx.store.get_setting(HISTORY_KEY, {})
        history = dict(raw) if isinstance(raw, dict) else {}
        first = forecast.plan.today
        planned = forecast.spent_today + (first.minutes if first else 0.0)
        history[forecast.today.isoformat()] = [
            round(planned, 1),
            round(forecast.plan.expected_recall, 4),
        ]
        kept = sorted(history)[-HISTORY_DAYS:]
        self.ctx.store.set_setting(HISTORY_KEY, {day: history[day] for day in kept})

    def history(self) -> list[DayRecord]:
        """Each recorded day: planned minutes, minutes really studied, expected recall."""
        raw = self.ctx.store.get_setting(HISTORY_KEY, {})
        if not isinstance(raw, dict) or not raw:
            return []
        ctx = self.ctx
        tz, hour = ctx.clock.local_tz, ctx.settings.day_starts_at_hour
        records = []
        for key, value in sorted(raw.items()):
            try:
                day = date.fromisoformat(key)
                planned, recall = float(value[0]), float(value[1])
            except (ValueError, TypeError, IndexError):
                continue  # a damaged entry is skipped, not fatal
            records.append(DayRecord(day, planned, 0.0, recall))
        if not records:
            return []
        start = study_day_start(
            datetime.combine(records[0].day, time(12), tzinfo=UTC), tz, hour
        ) - timedelta(days=1)
        studied: dict[date, float] = {}
        for at, _rating, ms, _state, _interval in ctx.store.review_events(start):
            day = study_date(at, tz, hour)
            studied[day] = studied.get(day, 0.0) + ms / 60000
        return [replace(r, studied=studied.get(r.day, 0.0)) for r in records]

    # -- the plan -------------------------------------------------------------------------
    def today(self) -> date:
        ctx = self.ctx
        return study_date(ctx.clock.now(), ctx.clock.local_tz, ctx.settings.day_starts_at_hour)

    def forecast(
        self, interview: date, minutes: float, profile: LearnerProfile | None = None
    ) -> InterviewForecast:
        """The plan from today to the morning of `interview`, and the plain schedule's
        expected recall at the same minutes. Raises `PlanRefused`."""
        return self.inputs(interview, minutes, profile).forecast()

    def inputs(
        self, interview: date, minutes: float, profile: LearnerProfile | None = None
    ) -> PlanInputs:
        """Everything the plan needs, read now (on the GUI thread: the database is read
        here); `PlanInputs.forecast` is plain computation, for a worker thread."""
        minutes = _checked_minutes(minutes)
        today = self.today()
        if interview <= today:
            raise PlanRefused(
                f"the interview date {interview.isoformat()} is not after today "
                f"({today.isoformat()}): there is no study day left to plan"
            )
        if (interview - today).days > MAX_DAYS:
            raise PlanRefused(
                f"the interview date {interview.isoformat()} is more than {MAX_DAYS} days away: "
                "plan for it once it is within a year"
            )
        return PlanInputs(
            interview,
            today,
            minutes,
            tuple(self.plan_cards(today)),
            self.memory.current_parameters(),
            profile or self.memory.profile(),
            self.ctx.settings.desired_retention,
            self.ctx.settings.new_per_day,
            self._minutes_spent_today(),
        )

    def _minutes_spent_today(self) -> float:
        ctx = self.ctx
        start = study_day_start(
            ctx.clock.now(), ctx.clock.local_tz, ctx.settings.day_starts_at_hour
        )
        return sum(row[2] for row in ctx.store.review_events(start)) / 60000

    def plan_cards(self, today: date) -> list[PlanCard]:
        """Every unsuspended card, in the order new cards should be learnt."""
        ctx = self.ctx
        progress = ctx.store.all_progress()
        memories = {cid: memory for cid, (memory, _s, _f) in progress.items()}
        held = {cid for cid, (_m, suspended, _f) in progress.items() if suspended}
        order = self.learning_order(memories)
        tz, hour = ctx.clock.local_tz, ctx.settings.day_starts_at_hour
        cards = []
        for card_id in order:
            if card_id in held:
                continue
            memory = memories.get(card_id)
            cards.append(_plan_card(card_id, memory, today, tz, hour))
        return cards

    def learning_order(self, memories: dict[str, CardMemory]) -> list[str]:
        ctx = self.ctx
        position = {card_id: i for i, card_id in enumerate(ctx.card_order)}
        by_concept: dict[str, list[str]] = {}
        for card in ctx.bank.cards.values():
            by_concept.setdefault(card.concept, []).append(card.id)
        for ids in by_concept.values():
            ids.sort(key=lambda cid: position.get(cid, len(position)))
        graph = prerequisite_graph(ctx.bank)
        mastery = all_mastery(
            ctx.bank, memories, Scheduler(ctx.settings.scheduler_settings()), ctx.clock.now()
        )
        first_card = {
            c: position.get(ids[0], len(position)) for c, ids in by_concept.items() if ids
        }

        def priority(concept: str) -> tuple[int, float, int]:
            return (
                -len(nx.descendants(graph, concept)),
                round(mastery.get(concept, 0.0), 2),
                first_card.get(concept, len(position)),
            )

        concepts = list(nx.lexicographical_topological_sort(graph, key=priority))
        concepts += [c for c in by_concept if c not in graph]
        return [card_id for concept in concepts for card_id in by_concept.get(concept, [])]


def _plan_card(
    card_id: str, memory: CardMemory | None, today: date, tz: object, hour: int
) -> PlanCard:
    if (
        memory is None
        or memory.state is CardState.NEW
        or memory.stability is None
        or memory.difficulty is None
        or memory.last_review is None
    ):
        return PlanCard(card_id)
    last = study_date(memory.last_review, tz, hour)  # type: ignore[arg-type]
    return PlanCard(
        card_id, Memory(memory.stability, memory.difficulty), float((last - today).days)
    )


def _checked_minutes(minutes: float) -> float:
    if not 1 <= minutes <= 600:
        raise PlanRefused(f"minutes a day must be between 1 and 600, got {minutes:g}")
    return float(minutes)
