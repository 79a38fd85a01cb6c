"""Export to Anki: a valid package, one note per card, stable GUIDs, and our importer reads it."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from app.cli import main
from app.services.anki_export import MODEL_ID, export_anki, note_guid
from app.services.anki_import import read_notes
from app.services.card_import import CardImportService, read_source


def _collection(apkg: Path, tmp_path: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(apkg) as archive:
        assert "collection.anki2" in archive.namelist()
        target = tmp_path / "collection.anki2"
        target.write_bytes(archive.read("collection.anki2"))
    return sqlite3.connect(target)


def test_package_is_an_anki_collection_with_one_note_per_card(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = export_anki(ctx.bank, tmp_path / "deck.apkg", ctx.clock.now())
    conn = _collection(result.path, tmp_path)
    notes = conn.execute("SELECT guid, mid, tags, flds FROM notes").fetchall()
    cards = conn.execute("SELECT nid FROM cards").fetchall()
    assert len(notes) == len(ctx.bank.cards) == len(cards) == result.notes
    (models_json, decks_json) = conn.execute("SELECT models, decks FROM col").fetchone()
    models = json.loads(models_json)
    assert [m["name"] for m in models.values()] == ["Lattice card"]
    assert [f["name"] for f in models[str(MODEL_ID)]["flds"]] == [
        "Question",
        "Answer",
        "Key points",
        "Lattice id",
    ]
    deck_names = {d["name"] for d in json.loads(decks_json).values()}
    assert {"Lattice::ML foundations", "Lattice::Deep learning & transformers"} <= deck_names
    by_id = {
        flds.split("\x1f")[3]: (guid, tags, flds.split("\x1f")) for guid, _, tags, flds in notes
    }
    guid, tags, fields = by_id["alpha-what"]
    assert guid == note_guid("alpha-what")
    assert "lattice::area::ml-foundations" in tags.split()
    assert "lattice::concept::alpha" in tags.split()
    assert fields[0] == "What is alpha?"
    assert "<strong>first</strong>" in fields[1]
    # code highlighted by classes the note type's stylesheet colours for day and night
    assert '<div class="code"><pre>' in fields[1] and '<span class="k">' in fields[1]
    assert (
        fields[2]
        == "<ul><li>first letter</li><li>comes before beta</li><li>starts the chain</li></ul>"
    )
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_second_export_keeps_note_guids_so_anki_updates(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = export_anki(ctx.bank, tmp_path / "a.apkg", ctx.clock.now())
    second = export_anki(ctx.bank, tmp_path / "b.apkg", ctx.clock.now() + timedelta(days=1))
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    a = _collection(first.path, tmp_path / "one")
    b = _collection(second.path, tmp_path / "two")
    guids_a = sorted(r[0] for r in a.execute("SELECT guid FROM notes"))
    guids_b = sorted(r[0] for r in b.execute("SELECT guid FROM notes"))
    assert guids_a == guids_b
    mod_a = a.execute("SELECT max(mod) FROM notes").fetchone()[0]
    mod_b = b.execute("SELECT max(mod) FROM notes").fetchone()[0]
    assert mod_b > mod_a  # Anki updates notes whose modification time is newer


def test_area_filter_and_unknown_area(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = export_anki(ctx.bank, tmp_path / "dl.apkg", ctx.clock.now(), ["deep-learning"])
    expected = [
        c for c in ctx.bank.cards.values() if ctx.bank.concepts[c.concept].area == "deep-learning"
    ]
    assert result.notes == len(expected) and result.decks == 1
    with pytest.raises(ValueError, match="unknown area 'nope'"):
        export_anki(ctx.bank, tmp_path / "x.apkg", ctx.clock.now(), ["nope"])
    assert not (tmp_path / "x.apkg").exists()


def test_our_importer_reads_the_export_back(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = export_anki(ctx.bank, tmp_path / "deck.apkg", ctx.clock.now())
    notes = {n.fields[3][1]: n for n in read_notes(result.path)}
    assert set(notes) == set(ctx.bank.cards)
    source = read_source(result.path)
    card = next(c for c in source.cards if c.own_id == "alpha-what")
    assert card.question == "What is alpha?"
    assert card.key_points == ("first letter", "comes before beta", "starts the chain")
    assert "total = sum(range(4))" in card.answer and "```" in card.answer
    # Re-importing Lattice's own cards adds nothing and says so.
    plan = CardImportService(ctx).plan(source, source_target())
    assert plan.files == {}
    assert "already" in plan.summary()


def source_target():  # type: ignore[no-untyped-def]
    from app.domain.import_rules import ImportTarget

    return ImportTarget(new_title="Back from Anki", area="llm")


def test_cli_export_anki(ctx, data_dir, content_root, tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("app.services.context.content_dir", lambda: content_root)
    out = tmp_path / "cli.apkg"
    assert (
        main(["export-anki", str(out), "--area", "ml-foundations", "--data-dir", str(data_dir)])
        == 0
    )
    assert "wrote 2 notes in 1 decks" in capsys.readouterr().out
    assert out.is_file()


def test_cli_export_anki_with_and_without_progress(
    ctx, data_dir, content_root, tmp_path, capsys, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from app.domain.scheduling import Grade
    from app.services.review_service import ReviewService

    monkeypatch.setattr("app.services.context.content_dir", lambda: content_root)
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    due = service.next_card()
    assert due is not None
    service.answer(due, Grade.GOOD)
    service.close()
    ctx.close()
    out = tmp_path / "cli.apkg"
    assert main(["export-anki", str(out), "--data-dir", str(data_dir)]) == 0
    assert "with the progress of 1 studied cards and 1 reviews" in capsys.readouterr().out
    conn = _collection(out, tmp_path)
    assert conn.execute("SELECT count(*) FROM revlog").fetchone() == (1,)
    assert conn.execute("SELECT count(*) FROM cards WHERE type != 0").fetchone() == (1,)
    conn.close()
    plain = tmp_path / "plain.apkg"
    assert main(["export-anki", str(plain), "--without-progress", "--data-dir", str(data_dir)]) == 0
    assert "progress" not in capsys.readouterr().out
    (tmp_path / "p").mkdir()
    conn = _collection(plain, tmp_path / "p")
    assert conn.execute("SELECT count(*) FROM revlog").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM cards WHERE type != 0").fetchone() == (0,)
