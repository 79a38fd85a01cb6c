"""Is a database from elsewhere exactly one Lattice wrote? Checked before it replaces ours.

A file whose checksums match its manifest can still carry a trigger that wipes the review
log on the first grade, a view that never finishes, a missing table or dates that do not
parse. So the file's schema is compared, object by object, with the schema this Lattice
creates at the same version (tables, columns with their types, defaults and keys, indexes,
constraints; nothing more, nothing less: no triggers, no views), and then every value is
checked against its column's declared type and the domain's ranges. Every query runs under
a step budget (SQLite's progress handler), so no file can hang the check.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from app.storage.memory_codec import packed_float
from app.storage.migrations import migrate

STEP = 100  # VM instructions between progress-handler calls
BASE_STEPS = 2_000_000  # calls allowed for the whole check, plus one per 4 bytes of file:
# ample for a real database (a few passes over every row), finite for a hostile one

# What each declared column type may hold (SQLite's typeof), besides NULL where allowed.
TYPEOF = {
    "INTEGER": "('integer')",
    "BOOLEAN": "('integer')",
    "FLOAT": "('real', 'integer')",
    "VARCHAR": "('text')",
    "DATETIME": "('text')",
}
# Domain ranges, checked where the column exists (so a new schema version keeps them).
RULES = {
    "rating": "{c} BETWEEN 1 AND 4",
    "state": "{c} BETWEEN 0 AND 3",
    "state_before": "{c} BETWEEN 0 AND 3",
    "state_after": "{c} BETWEEN 0 AND 3",
    "reps": "{c} >= 0",
    "lapses": "{c} >= 0",
    "duration_ms": "{c} >= 0",
    "stability": "{c} > 0",
    "difficulty": "{c} BETWEEN 1 AND 10",
    "kind": "{c} BETWEEN 1 AND 13",  # review_log: a rating 1-4 or another EventKind
}
# The review log's floats (declared BLOB, for no type affinity) are a REAL or, mostly, the
# integer of their single-precision bits, which order as the floats do when positive.
PACKED = {
    "stability": (packed_float(1e-30), packed_float(3.0e38)),
    "difficulty": (packed_float(1.0), packed_float(10.0)),
}


class SchemaRefused(ValueError):
    """The file is not exactly a Lattice database; the message says what differs."""


def _normalised(sql: str | None) -> str:
    text = re.sub(r"\s+", " ", (sql or "").lower()).strip()
    return re.sub(r" ?([(),]) ?", r"\1", text).replace('"', "")


def _connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)


@contextmanager
def bounded(
    conn: sqlite3.Connection, max_steps: int, refusal: Callable[[], Exception]
) -> Iterator[None]:
    """Abort any query that runs longer than `max_steps` progress calls, raising `refusal()`."""
    calls = 0

    def tick() -> int:
        nonlocal calls
        calls += 1
        return 1 if calls > max_steps else 0

    conn.set_progress_handler(tick, STEP)
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise refusal() from None
        raise
    finally:
        conn.set_progress_handler(None, STEP)


def _too_long() -> SchemaRefused:
    return SchemaRefused("checking the database took too long; it is not Lattice's")


Objects = dict[tuple[str, str], dict[str, object]]


def _describe(conn: sqlite3.Connection) -> Objects:
    """Every schema object with what defines it (sqlite_* internals are SQLite's own)."""
    found: Objects = {}
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    for kind, name, table, sql in rows:
        shape: dict[str, object] = {"table": table, "sql": _normalised(sql)}
        if kind == "table":
            shape["columns"] = conn.execute(f"PRAGMA table_xinfo('{name}')").fetchall()
            shape["foreign_keys"] = conn.execute(f"PRAGMA foreign_key_list('{name}')").fetchall()
        elif kind == "index":
            shape["columns"] = conn.execute(f"PRAGMA index_xinfo('{name}')").fetchall()
        found[(kind, name)] = shape
    return found


def _reference(version: int) -> Objects:
    """The schema this Lattice creates at `version` (made afresh in a scratch file)."""
    with tempfile.TemporaryDirectory(prefix="lattice-schema-") as tmp:
        path = Path(tmp) / "reference.sqlite3"
        migrate(path, target=version)
        conn = _connect_read_only(path)
        try:
            return _describe(conn)
        finally:
            conn.close()


def _schema_version(conn: sqlite3.Connection) -> int:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0
    except (sqlite3.Error, ValueError):
        return 0


def _compare(found: Objects, expected: Objects) -> None:
    for kind, name in sorted(set(found) - set(expected)):
        if kind in ("trigger", "view"):
            raise SchemaRefused(f"the database has a {kind} ({name}); Lattice's never do")
        raise SchemaRefused(f"the database has an unexpected {kind} {name}")
    for kind, name in sorted(set(expected) - set(found)):
        raise SchemaRefused(f"the database lacks the {kind} {name}")
    for key in sorted(expected):
        if found[key] != expected[key]:
            raise SchemaRefused(f"the {key[0]} {key[1]} is not defined as Lattice defines it")


def _column_checks(expected: Objects) -> Iterator[tuple[str, str, str]]:
    """(table, column, SQL condition every row must meet)."""
    for (kind, name), shape in sorted(expected.items()):
        sql = str(shape["sql"])
        if kind != "table" or "virtual table" in sql or name.startswith("card_search"):
            continue
        for column in shape["columns"]:  # type: ignore[attr-defined]
            _cid, col, declared, notnull, _default, _pk, _hidden = column
            c = f'"{col}"'
            conditions = []
            allowed = TYPEOF.get(str(declared).upper())
            if allowed:
                conditions.append(f"typeof({c}) IN {allowed}")
            if str(declared).upper() == "DATETIME":
                conditions.append(f"datetime({c}) IS NOT NULL")
            if str(declared).upper() == "BOOLEAN":
                conditions.append(f"{c} IN (0, 1)")
            if col.endswith("_json"):
                conditions.append(f"json_valid({c})")
            if str(declared).upper() == "BLOB":
                conditions.append(f"typeof({c}) IN ('integer', 'real')")
                if col in PACKED:
                    low, high = PACKED[col]
                    real = RULES[col].format(c=c)
                    conditions.append(
                        f"(typeof({c}) = 'real' AND {real}) OR "
                        f"(typeof({c}) = 'integer' AND {c} BETWEEN {low} AND {high})"
                    )
            elif col in RULES:
                conditions.append(RULES[col].format(c=c))
            if not conditions:
                continue
            rule = " AND ".join(conditions)
            yield name, col, rule if notnull else f"{c} IS NULL OR ({rule})"


def check_database(path: Path, max_steps: int | None = None) -> int:
    """Raise SchemaRefused unless `path` is exactly a Lattice database with sane values;
    returns its schema version. Reads the file only (read-only connection), every query
    within one budget of `max_steps` progress calls (by default scaled to the file)."""
    from app.storage.migrations import SCHEMA_VERSION

    budget = max_steps if max_steps is not None else BASE_STEPS + path.stat().st_size // 4
    conn = _connect_read_only(path)
    try:
        with bounded(conn, budget, _too_long):
            problem = conn.execute("PRAGMA integrity_check").fetchall()
            if [r[0] for r in problem] != ["ok"]:
                raise SchemaRefused(f"the database is damaged ({problem[0][0]})")
            version = _schema_version(conn)
            if not 1 <= version <= SCHEMA_VERSION:
                raise SchemaRefused(f"the database has schema version {version}")
            expected = _reference(version)
            _compare(_describe(conn), expected)
            for table, column, rule in _column_checks(expected):
                bad = conn.execute(
                    f'SELECT count(*) FROM "{table}" WHERE NOT ({rule})'  # noqa: S608
                ).fetchone()[0]
                if bad:
                    raise SchemaRefused(
                        f"{bad} rows of {table} have an impossible {column} (failing {rule})"
                    )
    except sqlite3.DatabaseError as exc:
        raise SchemaRefused(f"the database cannot be read ({exc})") from None
    finally:
        conn.close()
    return version
