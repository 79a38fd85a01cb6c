"""Synthetic banks for benchmarks: many concepts and links, many cards."""

from __future__ import annotations

import bisect
import json
import math
import os
import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.domain.graph_layout import GraphShape

AREAS = ["ml-foundations", "deep-learning", "llm", "prompting", "retrieval", "fine-tuning"]


def synthetic_shape(concepts: int = 5000, links: int = 15000, seed: int = 1) -> GraphShape:
    """A prerequisite DAG (2/3 of the links) plus undirected related links (1/3)."""
    rng = random.Random(seed)
    names = [f"c{i:05d}" for i in range(concepts)]
    requires: set[tuple[str, str]] = set()
    related: set[tuple[str, str]] = set()
    while len(requires) < links * 2 // 3:
        a = rng.randrange(concepts - 1)
        b = min(concepts - 1, a + 1 + int(rng.expovariate(1 / 40)))
        requires.add((names[a], names[b]))
    while len(related) < links - len(requires):
        a, b = sorted(rng.sample(range(concepts), 2))
        if (names[a], names[b]) not in requires:
            related.add((names[a], names[b]))
    return GraphShape(
        nodes=tuple(names),
        requires=tuple(sorted(requires)),
        related=tuple(sorted(related)),
        groups={n: i % len(AREAS) for i, n in enumerate(names)},
    )


def write_synthetic_content(
    root: Path, concepts: int, cards_per_concept: int, areas_file: Path
) -> None:
    """A valid content folder of the given size (for loader and review benchmarks)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "areas.yaml").write_text(areas_file.read_text())
    for i in range(concepts):
        requires = f"[s{i - 1:05d}]" if i % 10 else "[]"
        related = f"[s{(i + 7) % concepts:05d}]"
        cards = []
        for j in range(cards_per_concept):
            cards.append(
                f"## Synthetic question {i}.{j} about topic {i}?\n\n```card\nid: s{i:05d}-q{j}\n"
                "difficulty: medium\nseconds: 90\nkey_points:\n  - first point\n  - second point\n"
                f"  - third point\n```\n\nAn answer with **bold** text and `code` number {i * 31 + j}.\n"
            )
        (root / f"s{i:05d}.md").write_text(
            f"---\nid: s{i:05d}\ntitle: Synthetic concept {i}\narea: {AREAS[i % len(AREAS)]}\n"
            f"summary: Concept number {i}.\nrequires: {requires}\nrelated: {related}\n---\n\n"
            + "\n".join(cards)
        )


# -- review history ---------------------------------------------------------------------------
# A learner with years of history: most cards studied (in study order), every studied card in
# review, a tenth of them due today (up to a week overdue), the rest new. Times are
# milliseconds relative to the start of today's study day, so the same history can be laid
# out on our clock and on Anki's. Nothing is reviewed today yet.

TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # naive UTC, as the app stores datetimes
DAY_MS = 86_400_000
MINUTE_MS = 60_000
HISTORY_DAYS = 3 * 365
STUDIED_SHARE = 0.7
DUE_SHARE = 0.1
MAX_OVERDUE_DAYS = 6
MAX_INTERVAL_DAYS = 500
NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3
# FSRS-6 default initial stability and difficulty by first rating.
INITIAL_STABILITY = {1: 0.212, 2: 1.2931, 3: 2.3065, 4: 8.2956}
INITIAL_DIFFICULTY = {1: 6.4133, 2: 5.1122, 3: 2.1184, 4: 1.0}
DIFFICULTY_STEP = {1: 0.6, 2: 0.25, 3: 0.0, 4: -0.4}
# Again / Hard / Good / Easy, cumulative percent
REVIEW_ODDS = (8, 15, 90, 100)
LEARNING_ODDS = (15, 25, 95, 100)


@dataclass(slots=True)
class Review:
    """One graded review and the card's memory after it (FSRS fields and Anki counters)."""

    id: int  # 1..reviews in chronological order over the whole history
    at: int  # ms since today's study-day start (negative: before today)
    rating: int
    duration_ms: int
    state_before: int
    state: int
    step: int | None
    stability: float
    difficulty: float
    due: int  # ms, like `at`
    reps: int
    lapses: int


@dataclass(frozen=True, slots=True)
class CardHistory:
    index: int  # the card's place in study order (Anki: its new-card position)
    reviews: list[Review]  # chronological; the last one left the card in review
    interval: int  # days, from the last review to the due day
    due_day: int  # relative to today: <= 0 means due today


@dataclass(frozen=True, slots=True)
class _Plan:
    times: list[int]
    interval: int
    due_day: int


class ReviewHistory:
    """A deterministic review history of `reviews` reviews over a bank of `cards` cards.

    Iterating it yields one `CardHistory` per studied card, identical on every pass, so our
    database and Anki's collection get the same history, card for card.
    """

    def __init__(self, cards: int, reviews: int, seed: int = 11) -> None:
        self.cards = cards
        self.reviews = reviews
        self.seed = seed
        self.studied = min(round(cards * STUDIED_SHARE), reviews)
        rng = random.Random(seed)
        self._plans = self._schedule(rng)
        self._order = sorted(t for plan in self._plans for t in plan.times)
        assert len(self._order) == reviews

    def _schedule(self, rng: random.Random) -> list[_Plan]:
        studied = self.studied
        if studied == 0:
            return []
        span = HISTORY_DAYS * DAY_MS
        # Cards are first learnt in study order over the first 95 % of the period.
        firsts = [-span + int((i + rng.random()) / studied * span * 0.95) for i in range(studied)]
        # Cards learnt earlier (and some harder ones) have more reviews; each has at least one.
        weights = [-first * rng.uniform(0.5, 1.5) for first in firsts]
        total = sum(weights)
        extra = self.reviews - studied
        counts = [1 + int(extra * w / total) for w in weights]
        for i in rng.sample(range(studied), self.reviews - sum(counts)):
            counts[i] += 1
        plans = []
        for i, (first, count) in enumerate(zip(firsts, counts, strict=True)):
            age_days = -first / DAY_MS
            top = max(2.0, min(MAX_INTERVAL_DAYS, age_days / 2))
            interval = max(2, round(math.exp(rng.uniform(math.log(2), math.log(top)))))
            if rng.random() < DUE_SHARE:
                due_day = -rng.randint(0, MAX_OVERDUE_DAYS)
            else:
                due_day = rng.randint(1, interval - 1)
            # Last reviewed 1 to 20 hours into a study day (5 am to midnight).
            last = (due_day - interval) * DAY_MS + rng.randrange(DAY_MS // 24, DAY_MS * 20 // 24)
            # Times sit on a grid of `studied` ms offset by the card's index: unique over the
            # whole history, as Anki's revlog ids (ms timestamps) must be.
            k_first = -((i - first) // studied)  # ceil((first - i) / studied)
            k_last = (last - i) // studied
            if k_last - k_first + 1 < count:
                raise ValueError(f"{self.reviews:,} reviews do not fit in {HISTORY_DAYS} days")
            ks = [k_last]
            if count > 1:
                ks = [k_first, *sorted(rng.sample(range(k_first + 1, k_last), count - 2)), k_last]
            plans.append(_Plan([k * studied + i for k in ks], interval, due_day))
        return plans

    def __iter__(self) -> Iterator[CardHistory]:
        rng = random.Random(self.seed + 1)
        for index, plan in enumerate(self._plans):
            yield CardHistory(index, self._reviews(rng, plan), plan.interval, plan.due_day)

    def _reviews(self, rng: random.Random, plan: _Plan) -> list[Review]:
        """Walk the card through its reviews: learning steps, reviews whose interval roughly
        matches the gap to the next review, lapses into relearning, and a last review that
        leaves it in review with the planned interval."""
        times = plan.times
        state, step = NEW, None
        stability = difficulty = 0.0
        lapses = 0
        reviews = []
        for j, at in enumerate(times):
            final = j == len(times) - 1
            if final:
                if state == REVIEW:
                    rating = rng.choice((2, 3, 3, 3, 3, 4))
                else:
                    rating = 4 if state == NEW or step == 0 else rng.choice((3, 4))
            else:
                odds = REVIEW_ODDS if state == REVIEW else LEARNING_ODDS
                rating = bisect.bisect(odds, rng.random() * 100) + 1
            before = state
            if state == NEW:
                stability = INITIAL_STABILITY[rating]
                difficulty = INITIAL_DIFFICULTY[rating]
            else:
                moved = difficulty + DIFFICULTY_STEP[rating] + rng.uniform(-0.1, 0.1)
                difficulty = min(10.0, max(1.0, 0.95 * moved + 0.05 * 5.0))
            if state == REVIEW and rating == 1:
                state, step, lapses = RELEARNING, 0, lapses + 1
                stability = max(0.1, stability * rng.uniform(0.2, 0.5))
                due = at + 10 * MINUTE_MS
            elif state == RELEARNING and rating <= 2:
                due = at + 10 * MINUTE_MS
            elif state in (NEW, LEARNING) and (rating <= 2 or (rating == 3 and step != 1)):
                step = 1 if rating == 3 else (step or 0) if rating == 2 else 0
                state = LEARNING
                due = at + (1, 6, 10)[rating - 1] * MINUTE_MS
                stability *= rng.uniform(0.8, 1.0) if rating == 1 else 1.0
            else:
                state, step = REVIEW, None
                if final:
                    days = plan.interval
                else:
                    gap = (times[j + 1] - at) / DAY_MS
                    days = max(1, round(gap * rng.uniform(0.8, 1.25)))
                stability = days * rng.uniform(0.95, 1.05)
                due = at + days * DAY_MS
            duration = min(60_000, int(rng.lognormvariate(math.log(8000), 0.6)))
            reviews.append(
                Review(
                    id=bisect.bisect_left(self._order, at) + 1,
                    at=at,
                    rating=rating,
                    duration_ms=duration,
                    state_before=before,
                    state=state,
                    step=step,
                    stability=stability,
                    difficulty=difficulty,
                    due=due,
                    reps=j + 1,
                    lapses=lapses,
                )
            )
        assert state == REVIEW and due == times[-1] + plan.interval * DAY_MS
        return reviews


def history_label(reviews: int) -> str:
    """1,000,000 -> '1M reviews', 100,000 -> '100k reviews'."""
    if reviews % 1_000_000 == 0:
        return f"{reviews // 1_000_000}M reviews"
    if reviews % 1000 == 0:
        return f"{reviews // 1000}k reviews"
    return f"{reviews:,} reviews"


class _Stamps:
    """Times (ms relative to `today_start`) as the app's database text, formatted without a
    datetime per value (checked against the app's codec)."""

    def __init__(self, today_start: datetime) -> None:
        base = today_start.astimezone(UTC).replace(tzinfo=None)
        self.midnight = base.replace(hour=0, minute=0, second=0, microsecond=0)
        self.shift = (base - self.midnight) // timedelta(milliseconds=1)
        self.dates: dict[int, str] = {}

    def db(self, ms: int) -> str:
        days, rest = divmod(ms + self.shift, DAY_MS)
        date = self.dates.get(days)
        if date is None:
            date = self.dates[days] = (self.midnight + timedelta(days=days)).strftime("%Y-%m-%d")
        hours, rest = divmod(rest, 3_600_000)
        minutes, rest = divmod(rest, 60_000)
        seconds, milli = divmod(rest, 1000)
        return f"{date} {hours:02d}:{minutes:02d}:{seconds:02d}.{milli:03d}000"

    def aware(self, ms: int) -> datetime:
        return (self.midnight + timedelta(milliseconds=ms + self.shift)).replace(tzinfo=UTC)


def _interval_code(ms: int) -> int:
    """`memory_codec.interval_code` for a whole number of seconds given in ms."""
    seconds = ms // 1000
    return seconds // 86_400 if seconds > 0 and seconds % 86_400 == 0 else -seconds


def write_history(db: Path, history: ReviewHistory, today_start: datetime) -> None:
    """Write `history` into our database at `db` (already created and migrated): one
    `review_log` event per review, as `review_log.ProgressLog` writes them, and the
    `progress` row each studied card ends with (checked to be the replay of its events).
    One transaction, plain sqlite3."""
    from app.domain.progress_events import single
    from app.storage.memory_codec import db_time, interval_code, packed_float, to_micros
    from app.storage.review_log import LOG_COLUMNS, ProgressLog

    stamps = _Stamps(today_start)
    base_us = to_micros(today_start)
    for ms in (0, 1234, -DAY_MS - 5, 7 * DAY_MS):
        assert stamps.db(ms) == db_time(stamps.aware(ms)), ms
        assert _interval_code(abs(ms) - abs(ms) % 1000) == interval_code(
            timedelta(milliseconds=abs(ms) - abs(ms) % 1000)
        )
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=5000")
        cards = conn.execute("SELECT key, id FROM card WHERE present ORDER BY ord").fetchall()
        if len(cards) != history.cards:
            raise ValueError(f"the database has {len(cards):,} cards, not {history.cards:,}")
        progress: list[tuple[object, ...]] = []

        def log_rows() -> Iterator[tuple[object, ...]]:
            for card in history:
                key, card_id = cards[card.index]
                interval_before = None
                for r in card.reviews:
                    interval_after = _interval_code(r.due - r.at)
                    yield (
                        base_us + r.at * 1000,
                        key,
                        r.rating,
                        r.duration_ms,
                        r.state_before,
                        r.state,
                        r.step,
                        interval_before,
                        interval_after,
                        packed_float(single(r.stability)),
                        packed_float(single(r.difficulty)),
                    )
                    interval_before = interval_after
                last = card.reviews[-1]
                progress.append(
                    (
                        card_id,
                        last.state,
                        last.step,
                        single(last.stability),
                        single(last.difficulty),
                        stamps.db(last.due),
                        stamps.db(last.at),
                        last.reps,
                        last.lapses,
                    )
                )

        # A fixture, not the app's own writes: no fsync; a big cache, as the log's rows
        # arrive card by card while their ids run in time order.
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-1048576")
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                f"INSERT INTO review_log ({', '.join(LOG_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(LOG_COLUMNS))})",
                log_rows(),
            )
            conn.executemany(
                "INSERT INTO progress (card_id, state, step, stability, difficulty, due, "
                "last_review, reps, lapses, suspended, flagged) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)",
                progress,
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        log = ProgressLog(conn)
        for row in progress[:: max(1, len(progress) // 20)]:  # the app's own replay agrees
            card_id = str(row[0])
            assert log.replayed(card_id) == log.progress(card_id), card_id
        # Into the database file, leaving the write-ahead log's file its size, as the app's
        # own (passive) checkpoints and Anki's do: later commits overwrite it in place.
        conn.execute("PRAGMA wal_checkpoint(RESTART)")
    finally:
        conn.close()
    # Flush the load to disk now, so the first measured fsync does not pay for it (Anki's
    # side loads with its own fsync'd commit).
    with db.open("rb+") as handle:
        os.fsync(handle.fileno())


def bytes_per_row(db: Path, table: str) -> tuple[float, int]:
    """Bytes of `table` and its indexes (pages as stored, with their free space) per row,
    and the row count, read with SQLite's `dbstat`."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        names = [table] + [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table,)
            )
        ]
        marks = ",".join("?" * len(names))
        (size,) = conn.execute(
            f"SELECT sum(pgsize) FROM dbstat WHERE name IN ({marks})", names
        ).fetchone()
        (rows,) = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    finally:
        conn.close()
    return size / max(1, rows), rows


def write_anki_history(col: Any, history: ReviewHistory) -> None:
    """Write `history` into an Anki collection whose cards are all new, in the same order as
    ours: one `revlog` row per review, the studied cards put in review with their FSRS
    memory state. The collection is dated back to before the history starts."""
    day = 86_400
    if col.sched.today < HISTORY_DAYS + 30:
        col.crt = col.crt - (HISTORY_DAYS + 30) * day
        col.close()  # the backend keeps today's timing until the collection is reopened
        col.reopen()
    today = col.sched.today
    base_ms = (col.sched.day_cutoff - day) * 1000
    cards = col.db.all("SELECT id, due FROM cards WHERE type = 0 ORDER BY due, id")
    if len(cards) != history.cards:
        raise ValueError(f"the collection has {len(cards):,} new cards, not {history.cards:,}")
    kinds = {NEW: 0, LEARNING: 0, REVIEW: 1, RELEARNING: 2}  # revlog type: learn/review/relearn
    revlog: list[tuple[int, ...]] = []
    updates: list[tuple[object, ...]] = []

    def flush() -> None:
        col.db.executemany(
            "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
            "VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?)",
            revlog,
        )
        revlog.clear()

    def write() -> None:
        for card in history:
            cid, position = cards[card.index]
            last_ivl = 0
            for r in card.reviews:
                if r.state == REVIEW:
                    ivl = round((r.due - r.at) / DAY_MS)
                else:
                    ivl = -((r.due - r.at) // 1000)  # learning steps in negative seconds
                factor = 100 + round((r.difficulty - 1) / 9 * 1000)  # FSRS difficulty
                revlog.append(
                    (
                        base_ms + r.at,
                        cid,
                        r.rating,
                        ivl,
                        last_ivl,
                        factor,
                        r.duration_ms,
                        kinds[r.state_before],
                    )
                )
                last_ivl = ivl
            if len(revlog) >= 100_000:
                flush()
            last = card.reviews[-1]
            reviewed = (base_ms + last.at) // 1000
            data = json.dumps(
                {
                    "pos": position,
                    "s": round(last.stability, 4),
                    "d": round(last.difficulty, 3),
                    "dr": 0.9,
                    "decay": 0.154,  # FSRS-6's default, as Anki writes it
                    "lrt": reviewed,
                },
                separators=(",", ":"),
            )
            updates.append(
                (today + card.due_day, card.interval, last.reps, last.lapses, data, reviewed, cid)
            )
        flush()
        col.db.executemany(
            "UPDATE cards SET type = 2, queue = 2, due = ?, ivl = ?, factor = 2500, reps = ?, "
            "lapses = ?, left = 0, data = ?, mod = ?, usn = 0 WHERE id = ?",
            updates,
        )

    col.db.transact(write)
