"""Which backups to keep: like Anki, recent ones plus one per day, week and month."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo


@dataclass(frozen=True)
class RetentionPolicy:
    recent: int = 8
    daily: int = 7
    weekly: int = 4
    monthly: int = 12
    interval: timedelta = timedelta(minutes=30)
    at_start_after: timedelta = timedelta(days=1)


def backups_to_keep(
    times: Iterable[datetime], local_tz: tzinfo, policy: RetentionPolicy | None = None
) -> set[datetime]:
    """The backup times worth keeping; the rest can be deleted.

    Keeps the `recent` newest, then the newest backup of each of the last `daily` days,
    `weekly` ISO weeks and `monthly` months that have one.
    """
    policy = policy or RetentionPolicy()
    ordered = sorted(set(times), reverse=True)
    keep = set(ordered[: policy.recent])
    buckets: dict[str, set[object]] = {"daily": set(), "weekly": set(), "monthly": set()}
    limits = {"daily": policy.daily, "weekly": policy.weekly, "monthly": policy.monthly}
    for when in ordered:
        local = when.astimezone(local_tz)
        keys = {
            "daily": local.date(),
            "weekly": tuple(local.isocalendar())[:2],
            "monthly": (local.year, local.month),
        }
        for name, key in keys.items():
            seen = buckets[name]
            if key not in seen and len(seen) < limits[name]:
                seen.add(key)
                keep.add(when)
    return keep


def backup_due(last: datetime | None, now: datetime, interval: timedelta) -> bool:
    return last is None or now - last >= interval
