"""Moving to another computer: export-all and import-all, checked before anything is replaced."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from app.cli import main
from app.domain.import_rules import ImportRefused, ImportTarget
from app.locations import user_content_dir
from app.services.card_import import CardImportService
from app.services.context import open_context
from app.services.transfer import export_all, import_all, inspect_export
from app.storage.database import database_path
from app.storage.migrations import SCHEMA_VERSION
from app.storage.snapshot import table_counts
from tests.test_backup_recovery import grade_one

SCHEMA3_DATABASE = Path(__file__).parent / "fixtures" / "schema3-history.sqlite3"


def _prepare(ctx, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Some history, a setting and a user card, exported; returns the export file."""
    grade_one(ctx)
    grade_one(ctx)
    ctx.store.set_setting("theme_choice", "dark")
    csv_file = tmp_path / "mine.csv"
    csv_file.write_text("question,answer\nWhat is mine?,Something I wrote myself.\n")
    CardImportService(ctx).import_path(csv_file, ImportTarget(new_title="Mine", area="llm"))
    out = tmp_path / "move.zip"
    export_all(ctx.data_dir, out, ctx.clock.now())
    return out


def test_everything_arrives_on_the_other_laptop(ctx, tmp_path, content_root, clock) -> None:  # type: ignore[no-untyped-def]
    out = _prepare(ctx, tmp_path)
    other = tmp_path / "other"
    fresh = open_context(other, content=content_root, clock=clock)
    fresh.store.set_setting("theme_choice", "light")
    fresh.store.engine.dispose()
    result = import_all(out, other, clock.now())
    assert result.summary.counts["review_log"] == 2 and result.summary.cards == 1
    assert result.database_aside is not None and result.database_aside.is_file()
    moved = open_context(other, content=content_root, clock=clock)
    assert table_counts(database_path(other)) == table_counts(database_path(ctx.data_dir))
    assert moved.store.get_setting("theme_choice") == "dark"
    mine = next(c for c in moved.bank.cards.values() if c.question == "What is mine?")
    assert mine.user and moved.bank.concepts["mine"].title == "Mine"
    assert moved.store.memories().keys() == ctx.store.memories().keys()
    moved.store.engine.dispose()
    assert [p.name for p in other.iterdir() if p.name.startswith(".")] == []


def test_manifest_lists_versions_counts_and_checksums(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = _prepare(ctx, tmp_path)
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = sorted(archive.namelist())
    record = "cards/.import-record.json"  # what earlier imports wrote: re-imports keep edits
    assert names == [record, "cards/llm/mine.md", "lattice.sqlite3", "manifest.json"]
    assert manifest["format"] == "lattice-export" and manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["counts"]["review_log"] == 2 and manifest["user_cards"] == 1
    assert set(manifest["files"]) == {record, "cards/llm/mine.md", "lattice.sqlite3"}
    assert "2 reviews of 2 cards" in inspect_export(out, ctx.data_dir).describe()


def _rewrite(src: Path, dest: Path, change) -> Path:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dest, "w") as new:
        members = {name: old.read(name) for name in old.namelist()}
        for name, data in change(members).items():
            new.writestr(name, data)
    return dest


def _manifest_change(**updates):  # type: ignore[no-untyped-def]
    def change(members: dict[str, bytes]) -> dict[str, bytes]:
        manifest = json.loads(members["manifest.json"])
        for key, value in updates.items():
            if key == "review_log":
                manifest["counts"]["review_log"] = value
            else:
                manifest[key] = value
        members["manifest.json"] = json.dumps(manifest).encode()
        return members

    return change


def _corrupt_db(members: dict[str, bytes]) -> dict[str, bytes]:
    data = bytearray(members["lattice.sqlite3"])
    data[5000:9000] = b"\xff" * 4000
    members["lattice.sqlite3"] = bytes(data)
    return members


def _junk_record(members: dict[str, bytes]) -> dict[str, bytes]:
    import hashlib

    name = "cards/.import-record.json"
    members[name] = b"[1, 2, 3]"
    manifest = json.loads(members["manifest.json"])
    manifest["files"][name] = hashlib.sha256(members[name]).hexdigest()
    members["manifest.json"] = json.dumps(manifest).encode()
    return members


def _extra(members: dict[str, bytes]) -> dict[str, bytes]:
    members["../escape.md"] = b"x"
    return members


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_manifest_change(review_log=99), "rows in review_log, the manifest says 99"),
        (_manifest_change(schema_version=99), "schema version 99"),
        (_manifest_change(format="something-else"), "not a Lattice export"),
        (_manifest_change(user_cards=5), "number of your cards"),
        (_corrupt_db, "checksum does not match"),
        (_extra, "points outside the archive"),
        (_junk_record, "not a Lattice import record"),
        (lambda m: {k: v for k, v in m.items() if k != "manifest.json"}, "no manifest.json"),
    ],
)
def test_bad_exports_are_refused_and_nothing_is_replaced(ctx, tmp_path, change, message) -> None:  # type: ignore[no-untyped-def]
    out = _prepare(ctx, tmp_path)
    bad = _rewrite(out, tmp_path / "bad.zip", change)
    db = database_path(ctx.data_dir)
    before = table_counts(db)
    cards_before = sorted(p.name for p in user_content_dir(ctx.data_dir).rglob("*"))
    ctx.store.engine.dispose()
    with pytest.raises(ImportRefused, match=message):
        import_all(bad, ctx.data_dir, ctx.clock.now())
    assert table_counts(db) == before
    assert sorted(p.name for p in user_content_dir(ctx.data_dir).rglob("*")) == cards_before
    assert not list(ctx.data_dir.glob("*.before-import-*"))


def test_damaged_database_with_matching_checksum_fails_integrity_check(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = _prepare(ctx, tmp_path)

    def corrupt_and_rehash(members: dict[str, bytes]) -> dict[str, bytes]:
        import hashlib

        members = _corrupt_db(members)
        manifest = json.loads(members["manifest.json"])
        manifest["files"]["lattice.sqlite3"] = hashlib.sha256(
            members["lattice.sqlite3"]
        ).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()
        return members

    bad = _rewrite(out, tmp_path / "bad.zip", corrupt_and_rehash)
    with pytest.raises(ImportRefused, match="damaged|malformed|not a database"):
        inspect_export(bad, ctx.data_dir)


def test_older_schema_is_upgraded_on_the_copy(ctx, tmp_path, content_root, clock) -> None:  # type: ignore[no-untyped-def]
    out = _prepare(ctx, tmp_path)

    def downgrade(members: dict[str, bytes]) -> dict[str, bytes]:
        import hashlib

        # A database written by schema 3 (tests/fixtures/README.md): 4 cards studied.
        members["lattice.sqlite3"] = SCHEMA3_DATABASE.read_bytes()
        manifest = json.loads(members["manifest.json"])
        manifest["schema_version"] = 3
        with sqlite3.connect(SCHEMA3_DATABASE) as conn:
            tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
            for table in manifest["counts"]:
                if table in tables:
                    (count,) = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
                    manifest["counts"][table] = count
        conn.close()
        manifest["files"]["lattice.sqlite3"] = hashlib.sha256(
            members["lattice.sqlite3"]
        ).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()
        return members

    old = _rewrite(out, tmp_path / "old.zip", downgrade)
    other = tmp_path / "other"
    other.mkdir()
    import_all(old, other, clock.now())
    moved = open_context(other, content=content_root, clock=clock)
    assert len(moved.store.memories()) == 4
    assert moved.store.review_count() == 21
    moved.store.engine.dispose()


def test_cli_export_all_and_import_all(
    ctx, data_dir, content_root, tmp_path, capsys, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("app.services.context.content_dir", lambda: content_root)
    grade_one(ctx)
    out = tmp_path / "all.zip"
    assert main(["export-all", str(out), "--data-dir", str(data_dir)]) == 0
    assert "1 reviews of 1 cards" in capsys.readouterr().out
    other = tmp_path / "other"
    assert main(["import-all", str(out), "--data-dir", str(other)]) == 0
    printed = capsys.readouterr().out
    assert "imported 1 reviews" in printed
    assert table_counts(database_path(other))["review_log"] == 1
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    assert main(["import-all", str(bad), "--data-dir", str(other)]) == 1
    assert "nothing was changed" in capsys.readouterr().err


def test_your_stories_travel_with_everything_else(ctx, tmp_path, content_root, clock) -> None:  # type: ignore[no-untyped-def]
    from app.domain.stories import serialize_story
    from app.services.stories import stories_dir
    from tests.test_stories import story

    folder = stories_dir(ctx.data_dir)
    folder.mkdir()
    (folder / "feature-store.md").write_text(serialize_story(story()), encoding="utf-8")
    out = _prepare(ctx, tmp_path)
    with zipfile.ZipFile(out) as archive:
        assert "stories/feature-store.md" in archive.namelist()
        assert json.loads(archive.read("manifest.json"))["user_story_files"] == 1
    assert "1 of your stories" in inspect_export(out, ctx.data_dir).describe()
    other = tmp_path / "other"
    fresh = open_context(other, content=content_root, clock=clock)
    mine = stories_dir(other)
    mine.mkdir()
    (mine / "old.md").write_text(serialize_story(story("old")), encoding="utf-8")
    fresh.close()
    result = import_all(out, other, clock.now())
    assert result.summary.stories == 1
    assert (mine / "feature-store.md").read_text(encoding="utf-8") == serialize_story(story())
    kept = [p for p in other.iterdir() if p.name.startswith("stories.before-import-")]
    assert len(kept) == 1 and (kept[0] / "old.md").is_file()  # the replaced ones are kept aside


def test_a_broken_story_in_an_export_is_refused_and_nothing_is_replaced(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.domain.stories import serialize_story
    from app.services.stories import stories_dir
    from tests.test_stories import story

    folder = stories_dir(ctx.data_dir)
    folder.mkdir()
    (folder / "feature-store.md").write_text(serialize_story(story()), encoding="utf-8")
    out = _prepare(ctx, tmp_path)

    def break_story(members: dict[str, bytes]) -> dict[str, bytes]:
        import hashlib

        members["stories/feature-store.md"] = b"---\nid: [broken\n---\n"
        manifest = json.loads(members["manifest.json"])
        manifest["files"]["stories/feature-store.md"] = hashlib.sha256(
            members["stories/feature-store.md"]
        ).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()
        return members

    bad = _rewrite(out, tmp_path / "bad.zip", break_story)
    before = table_counts(database_path(ctx.data_dir))
    with pytest.raises(ImportRefused, match=r"stories/feature-store\.md:\d+"):
        import_all(bad, ctx.data_dir, ctx.clock.now())
    assert table_counts(database_path(ctx.data_dir)) == before
    assert (folder / "feature-store.md").read_text(encoding="utf-8") == serialize_story(story())


def test_your_media_travels_with_everything_else(ctx, tmp_path, content_root, clock) -> None:  # type: ignore[no-untyped-def]
    from app.storage.media_store import media_dir

    folder = media_dir(ctx.data_dir)
    folder.mkdir()
    (folder / "curve.png").write_bytes(b"\x89PNG fake picture")
    (folder / "hello.mp3").write_bytes(b"ID3 fake sound")
    out = _prepare(ctx, tmp_path)
    with zipfile.ZipFile(out) as archive:
        assert {"media/curve.png", "media/hello.mp3"} <= set(archive.namelist())
        assert json.loads(archive.read("manifest.json"))["user_media_files"] == 2
    assert "2 images and sounds" in inspect_export(out, ctx.data_dir).describe()
    other = tmp_path / "other"
    open_context(other, content=content_root, clock=clock).close()
    media_dir(other).mkdir()
    (media_dir(other) / "old.png").write_bytes(b"old")
    result = import_all(out, other, clock.now())
    assert result.summary.media == 2
    assert sorted(p.name for p in media_dir(other).iterdir()) == ["curve.png", "hello.mp3"]
    assert (media_dir(other) / "curve.png").read_bytes() == b"\x89PNG fake picture"
    kept = [p for p in other.iterdir() if p.name.startswith("media.before-import-")]
    assert len(kept) == 1 and (kept[0] / "old.png").read_bytes() == b"old"


@pytest.mark.parametrize("name", ["media/../escape.png", "media/sub/x.png", "media/.hidden"])
def test_a_media_member_with_a_bad_name_is_refused(ctx, tmp_path, name) -> None:  # type: ignore[no-untyped-def]
    out = _prepare(ctx, tmp_path)

    def add(members: dict[str, bytes]) -> dict[str, bytes]:
        import hashlib

        members[name] = b"x"
        manifest = json.loads(members["manifest.json"])
        manifest["files"][name] = hashlib.sha256(b"x").hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()
        return members

    bad = _rewrite(out, tmp_path / "bad.zip", add)
    before = table_counts(database_path(ctx.data_dir))
    with pytest.raises(ImportRefused, match="refused|unexpected file"):
        import_all(bad, ctx.data_dir, ctx.clock.now())
    assert table_counts(database_path(ctx.data_dir)) == before
    assert not (ctx.data_dir / "escape.png").exists()


def test_cards_edited_after_an_anki_import_stay_protected_on_the_new_laptop(
    ctx, tmp_path, content_root, clock
) -> None:  # type: ignore[no-untyped-def]
    """The import record travels: re-importing the deck on the other computer still keeps
    the answer the user rewrote in Lattice."""
    from tests.test_card_import import basic_deck

    def deck(answer: str, name: str) -> Path:
        return basic_deck(tmp_path / name, {"kv": ("What is a KV cache?", answer)})

    target = ImportTarget(new_title="From Anki", area="llm")
    CardImportService(ctx).import_path(deck("Cached keys.", "a.apkg"), target)
    file = user_content_dir(ctx.data_dir) / "llm" / "from-anki.md"
    file.write_text(file.read_text().replace("Cached keys.\n", "My own words.\n", 1))
    out = tmp_path / "move.zip"
    export_all(ctx.data_dir, out, clock.now())
    other = tmp_path / "other"
    open_context(other, content=content_root, clock=clock).close()
    import_all(out, other, clock.now())
    moved = open_context(other, content=content_root, clock=clock)
    try:
        plan = CardImportService(moved).import_path(
            deck("Cached keys and values.", "b.apkg"), target
        )
        assert "1 card you edited in Lattice since the last import kept" in plan.summary()
        kv = next(c for c in moved.bank.cards.values() if c.question == "What is a KV cache?")
        assert kv.answer == "My own words."
    finally:
        moved.close()
