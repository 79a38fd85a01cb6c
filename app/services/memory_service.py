"""The learner's own memory: FSRS parameters fitted from the review log, and answer habits.

Fitting reads every card's history (`ProgressStore.review_history`), so it runs off the GUI
thread; applying stores the new set in the study settings and keeps the one it replaced, so
one click reverts. Parameters that predict the held-out reviews worse are never applied.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import timedelta

from app.domain.interview_plan import LearnerProfile
from app.domain.memory_fit import FitResult, History, Progress, fit
from app.domain.memory_model import DEFAULT_PARAMETERS, MemoryModel
from app.domain.scheduling import CardState, Grade
from app.domain.stats import ReviewEvent, study_date
from app.domain.study_day import StudySettings
from app.services.context import AppContext

PROFILE_DAYS = 365
ATTENDANCE_DAYS = 28
MAX_INTERVAL_DAYS = 36500
MIN_SAMPLES = 20  # answers of a kind before the learner's own mean replaces the default


@dataclass(frozen=True)
class Optimization:
    result: FitResult
    applied: bool

    def to_json(self) -> dict[str, object]:
        r = self.result
        return {
            "reviews": r.reviews,
            "parameters": list(r.parameters),
            "log_loss_before": round(r.log_loss_before, 5),
            "log_loss_after": round(r.log_loss_after, 5),
            "rmse_before": round(r.rmse_before, 5),
            "rmse_after": round(r.rmse_after, 5),
            "applied": self.applied,
        }


class MemoryService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # -- parameters -----------------------------------------------------------------------
    def current_parameters(self) -> tuple[float, ...]:
        return self.ctx.settings.fsrs_parameters or DEFAULT_PARAMETERS

    def histories(self) -> dict[str, History]:
        """Every card's grades as (study day, rating), oldest first."""
        ctx = self.ctx
        tz, hour = ctx.clock.local_tz, ctx.settings.day_starts_at_hour
        histories: dict[str, History] = {}
        for card_id in sorted(set(ctx.bank.cards) | ctx.store.known_card_ids()):
            rows = ctx.store.review_history(card_id)
            grades = [
                (study_date(row.reviewed_at, tz, hour), int(row.rating))
                for row in rows
                if Grade.AGAIN <= int(row.rating) <= Grade.EASY
            ]
            if grades:
                histories[card_id] = grades
        return histories

    def optimize(self, progress: Progress | None = None) -> FitResult:
        """Fit on the review log and measure on held-out cards. Raises `NotEnoughReviews`."""
        return fit(self.histories(), self.current_parameters(), progress)

    def applied(self, result: FitResult) -> StudySettings | None:
        """The study settings with the fitted parameters, if they predict the held-out
        reviews better (None otherwise); the set they replace is kept for `reverted`."""
        if not result.better:
            return None
        settings = self.ctx.settings
        return replace(
            settings,
            fsrs_parameters=result.parameters,
            previous_fsrs_parameters=settings.fsrs_parameters,
        )

    def reverted(self) -> StudySettings:
        """The study settings back on the set used before the last apply (FSRS's defaults
        if none)."""
        settings = self.ctx.settings
        return replace(
            settings,
            fsrs_parameters=settings.previous_fsrs_parameters,
            previous_fsrs_parameters=(),
        )

    def apply(self, result: FitResult) -> bool:
        """Save `applied` and reschedule (for the command line; the GUI saves through the
        application, which reschedules the same way)."""
        settings = self.applied(result)
        if settings is not None:
            self.ctx.save_settings(settings)
            self.reschedule(settings)
        return settings is not None

    def revert(self) -> None:
        settings = self.reverted()
        self.ctx.save_settings(settings)
        self.reschedule(settings)

    def reschedule(self, settings: StudySettings) -> int:
        """What Anki calls rescheduling cards on a change of parameters: every card in review
        gets the stability and difficulty its own history gives under `settings`' parameters,
        and is due when recall from its last review falls to the desired retention. Cards in
        learning keep their step. One transaction; each change is an event in the log, so
        nothing is lost and the previous schedule can be replayed. Returns the cards changed."""
        model = MemoryModel(settings.fsrs_parameters or DEFAULT_PARAMETERS)
        histories = self.histories()
        changed = []
        for card_id, memory in self.ctx.store.memories().items():
            history = histories.get(card_id)
            if memory.state is not CardState.REVIEW or memory.last_review is None or not history:
                continue
            replayed = model.replay(history)
            days = model.interval(replayed.stability, settings.desired_retention)
            days = min(MAX_INTERVAL_DAYS, max(1, round(days)))
            new = replace(
                memory,
                stability=replayed.stability,
                difficulty=replayed.difficulty,
                due=memory.last_review + timedelta(days=days),
            )
            if new != memory:
                changed.append(new)
        if changed:
            self.ctx.store.set_schedules(changed)
        return len(changed)

    # -- answer habits --------------------------------------------------------------------
    def profile(self) -> LearnerProfile:
        """The learner's mean seconds and grade odds over the last year, each from the
        defaults until there are `MIN_SAMPLES` answers of its kind, and the share of the
        last four weeks' days studied (once there are four weeks since the first review)."""
        ctx = self.ctx
        now = ctx.clock.now()
        events = [
            ReviewEvent(*row) for row in ctx.store.review_events(now - timedelta(days=PROFILE_DAYS))
        ]
        profile = profile_from(events)
        tz, hour = ctx.clock.local_tz, ctx.settings.day_starts_at_hour
        today = study_date(now, tz, hour)
        days = {study_date(e.reviewed_at, tz, hour) for e in events}
        if days and (today - min(days)).days >= ATTENDANCE_DAYS:
            recent = {d for d in days if 0 < (today - d).days <= ATTENDANCE_DAYS}
            profile = replace(profile, attendance=max(0.2, len(recent) / ATTENDANCE_DAYS))
        return profile


def profile_from(events: Iterable[ReviewEvent]) -> LearnerProfile:
    default = LearnerProfile()
    first: Counter[int] = Counter()
    recall: Counter[int] = Counter()
    new_ms = learning_ms = recalled_ms = forgotten_ms = relearn_ms = 0
    recalled_n = forgotten_n = 0
    for event in events:
        state = event.state_before
        if state == CardState.NEW:
            first[event.rating] += 1
            new_ms += event.duration_ms
        elif state == CardState.LEARNING:
            learning_ms += event.duration_ms
        elif state == CardState.RELEARNING:
            relearn_ms += event.duration_ms
        elif event.rating == Grade.AGAIN:
            forgotten_n += 1
            forgotten_ms += event.duration_ms
        else:
            recall[event.rating] += 1
            recalled_n += 1
            recalled_ms += event.duration_ms
    new_n = sum(first.values())
    values: dict[str, object] = {}
    if new_n >= MIN_SAMPLES:
        values["new_card"] = (new_ms + learning_ms) / new_n / 1000
        values["first_grades"] = tuple(first[g] / new_n for g in Grade)
    if recalled_n >= MIN_SAMPLES:
        values["recalled"] = recalled_ms / recalled_n / 1000
        values["recall_grades"] = tuple(
            recall[g] / recalled_n for g in (Grade.HARD, Grade.GOOD, Grade.EASY)
        )
    if forgotten_n >= MIN_SAMPLES:
        values["forgotten"] = (forgotten_ms + relearn_ms) / forgotten_n / 1000
    # A learner who times out nothing has zero-second answers (imports): keep the defaults.
    values = {k: v for k, v in values.items() if not (isinstance(v, float) and v <= 0)}
    return replace(default, **values)  # type: ignore[arg-type]
