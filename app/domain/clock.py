"""Injected time source, so schedules and timers are testable without sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...

    @property
    def local_tz(self) -> tzinfo: ...


class SystemClock:
    """The real wall clock; the only place in the app that reads the system time."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    @property
    def local_tz(self) -> tzinfo:
        tz = datetime.now().astimezone().tzinfo
        return tz if tz is not None else UTC


class FakeClock:
    """A clock that only moves when told to; used by tests and benchmarks."""

    def __init__(self, start: datetime | None = None, local_tz: tzinfo = UTC) -> None:
        start = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._tz = local_tz

    def now(self) -> datetime:
        return self._now

    @property
    def local_tz(self) -> tzinfo:
        return self._tz

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> None:
        self._now += delta if delta is not None else timedelta(**kwargs)

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)
