"""The one datetime codec of the database, and the mapping of a progress row to a memory.

Plain Python, no ORM: the review loop's plain-sqlite3 path and start-up use it, and the ORM's
`UTCDateTime` column type (models.py) calls the same two functions, so both read each
other's rows. Two forms, each for one purpose:

- datetime columns (progress due times, quiz times) hold naive-UTC text with microseconds,
  e.g. '2026-11-23 14:05:00.000000', which sorts and compares as time;
- review-log event ids are integer microseconds since the Unix epoch (UTC): the event's
  time, compact, and unique in practice across machines (see `review_log.py`).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from app.domain.scheduling import CARD_STATES, CardMemory

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)
DAY_SECONDS = 86_400


def db_time(value: datetime) -> str:
    """Naive-UTC text with microseconds, e.g. '2026-11-23 14:05:00.000000'."""
    if value.tzinfo is not UTC:
        if value.tzinfo is None:
            raise ValueError(f"refusing to store naive datetime {value!r}")
        value = value.astimezone(UTC)
    return _DB_TIME % (  # isoformat(" ", "microseconds") of the naive value, faster
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    )


_DB_TIME = "%04d-%02d-%02d %02d:%02d:%02d.%06d"


def from_db_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:  # the stored form: parsed with its zone in one call (replace() costs more)
        return _fromisoformat(value + "+00:00")
    except ValueError:  # text that carries its own zone
        return _fromisoformat(value).replace(tzinfo=UTC)


_fromisoformat = datetime.fromisoformat


def to_micros(value: datetime) -> int:
    """Integer microseconds since the epoch: exact for every datetime Python holds."""
    if value.tzinfo is None:
        raise ValueError(f"refusing to store naive datetime {value!r}")
    return (value - EPOCH) // _MICRO


def from_micros(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=value)


def interval_code(value: timedelta | None, exact: bool = True) -> int | None:
    """An interval as Anki's review log keeps one: whole days as a positive number of days
    (one byte up to 127 days), anything else as negative whole seconds (learning steps).
    None when unknown. A fraction of a second is refused when `exact` (the scheduler never
    gives one), else rounded (an interval kept only for the statistics)."""
    if value is None:
        return None
    if value.microseconds:
        if exact:
            raise ValueError(f"interval {value!r} is not a whole number of seconds")
        value = timedelta(seconds=round(value.total_seconds()))
    seconds = value.days * DAY_SECONDS + value.seconds
    if seconds < 0:
        raise ValueError(f"interval {value!r} is negative")
    if seconds > 0 and seconds % DAY_SECONDS == 0:
        return seconds // DAY_SECONDS
    return -seconds


def interval_from_code(code: int | None) -> timedelta | None:
    if code is None:
        return None
    return timedelta(days=code) if code > 0 else timedelta(seconds=-code)


def packed_float(value: float | None) -> float | int | None:
    """A float for the review log in 4 bytes where it can be: a value exactly representable
    in single precision (every new grade's, see `progress_events.single`) as the integer of
    its bits; any other (a migrated review's) as the REAL it is. The column has no type
    affinity, so SQLite keeps each as given."""
    if value is None:
        return None
    bits: int = struct.unpack("<i", struct.pack("<f", value))[0]
    return bits if struct.unpack("<f", struct.pack("<i", bits))[0] == value else value


def unpacked_float(value: float | int | None) -> float | None:
    if value is None or isinstance(value, float):
        return value
    return float(struct.unpack("<f", struct.pack("<i", value))[0])


# The memory columns of `progress` in the order `memory_from_row` reads them (prefix `p.`).
MEMORY_COLUMNS = (
    "card_id",
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "reps",
    "lapses",
)
MEMORY_SELECT = ", ".join(f"p.{name}" for name in MEMORY_COLUMNS)


def memory_from_row(row: Sequence[Any]) -> CardMemory:
    """A `CardMemory` from the `MEMORY_COLUMNS` of a progress row."""
    return CardMemory(
        card_id=row[0],
        state=CARD_STATES[row[1]],
        step=row[2],
        stability=row[3],
        difficulty=row[4],
        due=from_db_time(row[5]),
        last_review=from_db_time(row[6]),
        reps=row[7],
        lapses=row[8],
    )


def memory_to_row(memory: CardMemory) -> tuple[Any, ...]:
    """The `MEMORY_COLUMNS` values of a memory, for an insert or update."""
    due, last = memory.due, memory.last_review
    return (
        memory.card_id,
        int(memory.state),
        memory.step,
        memory.stability,
        memory.difficulty,
        db_time(due) if due else None,
        db_time(last) if last else None,
        memory.reps,
        memory.lapses,
    )
