"""Hostile Anki packages: each is refused fast, with a message naming the trap, and nothing
is written (the user's card files stay as they were)."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from pathlib import Path

import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.import_rules import ImportRefused, ImportTarget
from app.services import anki_import
from app.services.archive_safety import CHUNK, MiB, copy_limited
from app.services.card_import import CardImportService
from tests.test_card_import import leftovers, user_files

NEW = ImportTarget(new_title="From Anki", area="llm")
FAST = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)

LEGACY_SCHEMA = """
CREATE TABLE col (id integer primary key, models text not null);
CREATE TABLE notes_data (id integer primary key, guid text, mid integer, tags text, flds text);
"""
MODELS = '{"1": {"type": 0, "flds": [{"name": "Front", "ord": 0}, {"name": "Back", "ord": 1}]}}'


def collection(path: Path, extra_sql: str, notes_as: str = "table") -> bytes:
    """A small legacy collection; `notes` is a real table or whatever `notes_as` makes it."""
    conn = sqlite3.connect(path)
    conn.executescript(LEGACY_SCHEMA)
    conn.execute("INSERT INTO col VALUES (1, ?)", (MODELS,))
    conn.execute("INSERT INTO notes_data VALUES (1, 'g1', 1, 'tag', 'What is RoPE?\x1fRotary.')")
    if notes_as == "table":
        conn.execute("CREATE TABLE notes AS SELECT * FROM notes_data")
    else:
        conn.execute(notes_as)
    if extra_sql:
        conn.executescript(extra_sql)
    conn.commit()
    conn.close()
    return path.read_bytes()


def package(tmp_path: Path, members: dict[str, bytes], name: str = "deck.apkg") -> Path:
    out = tmp_path / name
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return out


def refused_and_untouched(ctx, path: Path, match: str) -> None:  # type: ignore[no-untyped-def]
    before = user_files(ctx)
    with pytest.raises(ImportRefused, match=match):
        CardImportService(ctx).import_path(path, NEW)
    assert user_files(ctx) == before
    assert leftovers(ctx) == []


def test_a_plain_collection_built_here_imports(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    apkg = package(tmp_path, {"collection.anki2": collection(tmp_path / "c.db", "")})
    plan = CardImportService(ctx).import_path(apkg, NEW)
    assert plan.added == 1


def test_recursive_view_named_notes_is_refused_before_any_read(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    view = (
        "CREATE VIEW notes AS WITH RECURSIVE r(id, guid, mid, tags, flds) AS "
        "(SELECT 1, 'g', 1, '', 'a\x1fb' UNION ALL SELECT id + 1, guid, mid, tags, flds FROM r) "
        "SELECT * FROM r"
    )
    apkg = package(tmp_path, {"collection.anki2": collection(tmp_path / "c.db", "", view)})
    refused_and_untouched(ctx, apkg, r"contains a view \(notes\)")


@given(
    kind=st.sampled_from(["view", "trigger"]),
    name=st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12),
)
@FAST
def test_any_view_or_trigger_is_refused_by_name(tmp_path_factory, kind: str, name: str) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("h")
    name = f"x_{name}"
    sql = (
        f"CREATE VIEW {name} AS SELECT 1;"
        if kind == "view"
        else f"CREATE TRIGGER {name} AFTER INSERT ON col BEGIN DELETE FROM notes; END;"
    )
    apkg = package(tmp, {"collection.anki2": collection(tmp / "c.db", sql)})
    with pytest.raises(ImportRefused, match=rf"contains a {kind} \({name}\)"):
        anki_import.read_notes(apkg)


def test_every_query_runs_under_a_step_budget(ctx, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A query that would run for ever on a table (no view): a self-join of many rows.
    many = "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r LIMIT 3000) "
    sql = f"INSERT INTO notes SELECT NULL, 'g' || i, 1, '', 'q' || i || char(31) || 'a' FROM ({many} SELECT i FROM r);"
    apkg = package(tmp_path, {"collection.anki2": collection(tmp_path / "c.db", sql)})
    monkeypatch.setattr(anki_import, "BASE_STEPS", 10)
    monkeypatch.setattr(anki_import, "BYTES_PER_STEP", 10**12)
    refused_and_untouched(ctx, apkg, "took too long")


def _encrypt_flag(data: bytes, only: set[str] | None = None) -> bytes:
    """The same zip with members marked encrypted (flag bit 0), as a password tool writes."""
    blob = bytearray(data)
    for signature, flag_at, length_at, name_at in (
        (b"PK\x03\x04", 6, 26, 30),
        (b"PK\x01\x02", 8, 28, 46),
    ):
        start = 0
        while (at := blob.find(signature, start)) != -1:
            length = int.from_bytes(blob[at + length_at : at + length_at + 2], "little")
            name = blob[at + name_at : at + name_at + length].decode()
            if only is None or name in only:
                blob[at + flag_at] |= 0x1
            start = at + 4
    return bytes(blob)


def test_encrypted_member_is_named_as_such(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    apkg = package(tmp_path, {"collection.anki2": collection(tmp_path / "c.db", "")})
    apkg.write_bytes(_encrypt_flag(apkg.read_bytes()))
    refused_and_untouched(ctx, apkg, r"collection.anki2 is encrypted \(password-protected\)")


@given(st.lists(st.booleans(), min_size=1, max_size=4))
@FAST
def test_any_encrypted_member_is_refused_before_reading(
    tmp_path_factory, flags: list[bool]
) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("z")
    members = {"collection.anki2": collection(tmp / "c.db", "")}
    members |= {f"{i}": b"media" for i in range(len(flags))}
    path = package(tmp, members)
    encrypted = {f"{i}" for i, flag in enumerate(flags) if flag}
    path.write_bytes(_encrypt_flag(path.read_bytes(), encrypted))
    if encrypted:
        with pytest.raises(ImportRefused, match=r"\d+ is encrypted"):
            anki_import.read_notes(path)
    else:
        assert [n.guid for n in anki_import.read_notes(path)] == ["g1"]


def test_small_zstd_bomb_stops_at_the_ratio_cap(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    squeeze = zstandard.ZstdCompressor().compressobj()
    parts = [squeeze.compress(b"SQLite format 3\x00")]
    parts += [squeeze.compress(b"\0" * MiB) for _ in range(256)]  # 256 MiB unpacked
    bomb = b"".join(parts) + squeeze.flush()
    assert len(bomb) < 64 * 1024  # a ~49 KB package, as in the report
    apkg = package(tmp_path, {"collection.anki21b": bomb}, "bomb.apkg")
    refused_and_untouched(ctx, apkg, "more than 64 MiB")


class Endless(io.RawIOBase):
    """A stream of zeros for ever, recording the largest read asked of it."""

    def __init__(self) -> None:
        self.largest = 0

    def read(self, size: int = -1) -> bytes:
        assert size > 0, "an unbounded read would hold everything in memory"
        self.largest = max(self.largest, size)
        return b"\0" * size


@given(st.integers(min_value=0, max_value=5 * MiB))
@FAST
def test_streamed_copy_holds_one_chunk_and_stops_at_the_cap(limit: int) -> None:
    stream, sink = Endless(), io.BytesIO()
    with pytest.raises(ImportRefused, match="unpacks to more than"):
        copy_limited(stream, sink, limit, "x")
    assert stream.largest <= CHUNK
    assert len(sink.getvalue()) <= limit
