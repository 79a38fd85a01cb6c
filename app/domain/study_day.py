"""Anki-style study days and daily limits.

A study day starts at a fixed local hour (4 am by default), so a late-night session
still counts toward the evening's day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from app.domain.scheduling import SchedulerSettings


@dataclass(frozen=True)
class StudySettings:
    new_per_day: int = 20
    max_reviews_per_day: int = 200
    day_starts_at_hour: int = 4
    learn_ahead_minutes: int = 20
    desired_retention: float = 0.9
    # The learner's own FSRS parameters once fitted and applied (empty: FSRS's defaults),
    # and the set they replaced, to revert to.
    fsrs_parameters: tuple[float, ...] = ()
    previous_fsrs_parameters: tuple[float, ...] = ()
    # A Good or Easy answer lightly refreshes the cards of the concept's prerequisites
    # (domain/prerequisite_credit.py). Off: in simulation it pays only when reviewing a
    # concept really refreshes what it requires.
    prerequisite_credit: bool = False

    def __post_init__(self) -> None:
        for name in ("fsrs_parameters", "previous_fsrs_parameters"):  # lists, from JSON
            object.__setattr__(self, name, tuple(float(p) for p in getattr(self, name)))

    def scheduler_settings(self) -> SchedulerSettings:
        return SchedulerSettings(
            desired_retention=self.desired_retention, parameters=self.fsrs_parameters
        )


def study_day_start(now: datetime, local_tz: tzinfo, hour: int = 4) -> datetime:
    """UTC start of the study day containing `now`."""
    local = now.astimezone(local_tz)
    start = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    return start.astimezone(UTC)


def study_day_end(now: datetime, local_tz: tzinfo, hour: int = 4) -> datetime:
    start_local = study_day_start(now, local_tz, hour).astimezone(local_tz)
    # Add a calendar day in local time, so DST changes keep the rollover at `hour`.
    next_local = (start_local + timedelta(days=1)).replace(hour=hour)
    return next_local.astimezone(UTC)


@dataclass(frozen=True)
class QueueCounts:
    """What is left today: Anki's blue / red / green numbers."""

    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


def remaining(limit: int, done_today: int) -> int:
    return max(0, limit - done_today)
