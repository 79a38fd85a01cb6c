"""How a card's scheduling state is written to and read from the database.

Kept apart from the ORM so the review loop's plain-SQL connection (and the start-up path)
can use it without importing SQLAlchemy. Datetimes are stored as naive-UTC text in the same
form SQLAlchemy writes, so the ORM and the plain connection read each other's rows.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from app.domain.scheduling import CardMemory, CardState


def db_time(value: datetime) -> str:
    """Naive-UTC text with microseconds, e.g. '2026-11-23 14:05:00.000000'."""
    if value.tzinfo is None:
        raise ValueError(f"refusing to store naive datetime {value!r}")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def from_db_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None


def memory_to_json(memory: CardMemory) -> str:
    """One review-log snapshot of a card's state (written on every grade, so kept cheap)."""
    due, last = memory.due, memory.last_review
    return json.dumps(
        {  # keys in sorted order, as earlier versions wrote them
            "card_id": memory.card_id,
            "difficulty": memory.difficulty,
            "due": due.isoformat() if due else None,
            "lapses": memory.lapses,
            "last_review": last.isoformat() if last else None,
            "reps": memory.reps,
            "stability": memory.stability,
            "state": int(memory.state),
            "step": memory.step,
        }
    )


def memory_from_json(raw: str) -> CardMemory:
    data = json.loads(raw)
    data["state"] = CardState(data["state"])
    for key in ("due", "last_review"):
        if data[key]:
            data[key] = datetime.fromisoformat(data[key]).astimezone(UTC)
    return CardMemory(**data)
