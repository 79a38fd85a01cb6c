"""The schema is declared once, in models.py: the plain-sqlite3 paths (migrations' DDL,
the review log's column lists) must build and use exactly what it declares."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine
from sqlmodel import SQLModel

from app.storage import models
from app.storage.migrations import migrate
from app.storage.review_log import DETAIL_COLUMNS, LOG_COLUMNS, PROGRESS_COLUMNS

VIRTUAL = {"card_search"}  # FTS5: declared for its columns, created by its own DDL


def shape(path: Path) -> dict[str, object]:
    """Every table's columns, indexes and foreign keys, as SQLite reports them."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'card_search%' ORDER BY name"
            )
        ]
        result: dict[str, object] = {}
        for table in tables:
            columns = [
                (name, kind.upper(), bool(notnull), pk)
                for _cid, name, kind, notnull, _default, pk in conn.execute(
                    f"PRAGMA table_info({table})"
                )
            ]
            indexes = sorted(
                (
                    name if not name.startswith("sqlite_autoindex") else "(constraint)",
                    bool(unique),
                    tuple(col for *_, col in conn.execute(f"PRAGMA index_info('{name}')")),
                )
                for _seq, name, unique, _origin, _partial in conn.execute(
                    f"PRAGMA index_list({table})"
                )
            )
            keys = sorted(
                (row[2], row[3], row[4])
                for row in conn.execute(f"PRAGMA foreign_key_list({table})")
            )
            result[table] = (columns, indexes, keys)
        return result
    finally:
        conn.close()


def test_the_migrations_build_exactly_the_declared_schema(tmp_path: Path) -> None:
    migrated = tmp_path / "migrated.sqlite3"
    migrate(migrated)
    declared = tmp_path / "declared.sqlite3"
    engine = create_engine(f"sqlite:///{declared}")
    tables = [t for t in SQLModel.metadata.sorted_tables if t.name not in VIRTUAL]
    SQLModel.metadata.create_all(engine, tables=tables)
    engine.dispose()
    built, wanted = shape(migrated), shape(declared)
    assert set(built) == set(wanted)
    for table in wanted:
        assert built[table] == wanted[table], table


def test_the_fast_paths_column_lists_follow_the_declaration() -> None:
    assert tuple(models.ReviewLogRow.model_fields) == LOG_COLUMNS
    assert tuple(models.ReviewLogDetailRow.model_fields) == DETAIL_COLUMNS
    assert set(PROGRESS_COLUMNS) == set(models.ProgressRow.model_fields)


def test_only_the_review_log_module_writes_progress_and_the_log() -> None:
    """One writer: no other module has SQL that changes these tables or ORM rows of them."""
    import re

    app = Path(__file__).resolve().parent.parent / "app"
    write = re.compile(
        r"(INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"
        r"(progress|review_log|review_log_detail)\b",
        re.IGNORECASE,
    )
    orm_rows = re.compile(r"\b(ProgressRow|ReviewLogRow|ReviewLogDetailRow)\b")
    offenders = []
    for path in app.rglob("*.py"):
        relative = path.relative_to(app).as_posix()
        text = path.read_text()
        if relative != "storage/review_log.py" and write.search(text):
            offenders.append(f"{relative}: SQL write")
        if relative != "storage/models.py" and orm_rows.search(text):
            offenders.append(f"{relative}: ORM row")
    assert offenders == []
