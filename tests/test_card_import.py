"""Importing cards from Anki, CSV and Markdown: safe text, stable ids, all or nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import genanki
import pytest
import zstandard

from app.cli import main
from app.domain.import_rules import ImportRefused, ImportTarget
from app.locations import user_content_dir
from app.services.card_import import IMPORT_RECORD, CardImportService

ANKI = Path(__file__).parent / "fixtures" / "anki"
NEW = ImportTarget(new_title="From Anki", area="llm")


def user_files(ctx) -> dict[str, str]:  # type: ignore[no-untyped-def]
    root = user_content_dir(ctx.data_dir)
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_text()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != IMPORT_RECORD
    }


def leftovers(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.name for p in ctx.data_dir.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("name", ["modern.apkg", "legacy.apkg"])
def test_anki_package_from_current_anki_imports_safely(ctx, name) -> None:  # type: ignore[no-untyped-def]
    before = len(ctx.bank.cards)
    plan = CardImportService(ctx).import_path(ANKI / name, NEW)
    assert plan.added == 4 and plan.new_concepts == ["From Anki"]  # the cloze note: 2 cards
    assert "Key points for 4 cards were derived" in plan.summary()
    assert "1 note with no text" in plan.summary()
    assert len(ctx.bank.cards) == before + 4 and not ctx.bank.problems
    text = user_files(ctx)["llm/from-anki.md"]
    assert "alert" not in text and "example.com" not in text and "javascript" not in text
    assert "<script" not in text and "<img" not in text
    softmax = next(c for c in ctx.bank.cards.values() if c.question == "What does softmax do?")
    assert softmax.user and softmax.concept == "from-anki"
    assert softmax.key_points == (
        "exponentiate each score",
        "divide by the sum",
        "outputs sum to one",
    )
    assert "```python\nimport numpy as np" in softmax.answer
    first = next(c for c in ctx.bank.cards.values() if c.question.startswith("The […]"))
    assert first.question == "The […] was introduced in 2017."
    assert "**transformer**" in first.answer and "**2017**" not in first.answer
    second = next(c for c in ctx.bank.cards.values() if c.question.endswith("[year]."))
    assert second.question == "The transformer was introduced in [year]."
    assert "**2017**" in second.answer
    link = next(c for c in ctx.bank.cards.values() if "complexity" in c.question)
    assert "[paper](https://arxiv.org/abs/1706.03762)" in link.answer
    assert "`O(n<sup>2</sup> d)`" in link.answer  # code stays code, shown literally
    assert leftovers(ctx) == []


def test_reimport_updates_instead_of_duplicating(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    model = genanki.Model(
        1_500_000_001,
        "Basic",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "c", "qfmt": "{{Front}}", "afmt": "{{Back}}"}],
    )

    def deck(answer: str) -> Path:
        d = genanki.Deck(1_500_000_002, "D")
        d.add_note(genanki.Note(model=model, fields=["What is a KV cache?", answer], guid="kv1"))
        d.add_note(
            genanki.Note(
                model=model, fields=["What is RoPE?", "Rotary position embeddings."], guid="rope"
            )
        )
        path = tmp_path / f"deck-{len(answer)}.apkg"
        genanki.Package(d).write_to_file(str(path), timestamp=1.7e9)
        return path

    service = CardImportService(ctx)
    first = service.import_path(deck("Cached keys and values."), NEW)
    assert (first.added, first.updated) == (2, 0)
    count = len(ctx.bank.cards)
    again = service.import_path(deck("Cached keys and values."), NEW)
    assert (again.added, again.updated) == (0, 0) and "Nothing to change" in again.summary()
    changed = service.import_path(
        deck("Keys and values of past tokens, kept to skip recomputation."), NEW
    )
    assert (changed.added, changed.updated) == (0, 1)
    assert len(ctx.bank.cards) == count
    kv = next(c for c in ctx.bank.cards.values() if c.question == "What is a KV cache?")
    assert kv.answer.startswith("Keys and values of past tokens")
    assert list(user_files(ctx)) == ["llm/from-anki.md"]


def test_import_into_an_existing_bundled_concept(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    csv_file = tmp_path / "cards.csv"
    csv_file.write_text("question,answer\nWhat is alpha squared?,Alpha times alpha.\n")
    plan = CardImportService(ctx).import_path(csv_file, ImportTarget(concept_id="alpha"))
    assert plan.added == 1
    card = next(c for c in ctx.bank.cards.values() if c.question == "What is alpha squared?")
    assert card.concept == "alpha" and card.user
    assert ctx.bank.concepts["alpha"].user is False  # the bundled concept stays the bundled one
    assert len(ctx.bank.cards_of("alpha")) == 3


def test_csv_with_header_concepts_difficulty_and_key_points(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    csv_file = tmp_path / "mine.csv"
    csv_file.write_text(
        "Question;Answer;Key points;Concept;Difficulty\n"
        'What is top-p?;"Sample from the smallest set whose probability reaches p.\n\n## not a card";'
        '"nucleus; cumulative probability; cut-off p";Sampling;hard\n'
        "What is beta again?;The second letter.;;beta;easy\n",
        encoding="utf-8",
    )
    plan = CardImportService(ctx).import_path(csv_file, ImportTarget(area="llm"))
    assert plan.added == 2 and plan.new_concepts == ["Sampling"] and plan.derived == 0
    top_p = next(c for c in ctx.bank.cards.values() if c.question == "What is top-p?")
    assert top_p.concept == "sampling" and top_p.difficulty == "hard"
    assert top_p.key_points == ("nucleus", "cumulative probability", "cut-off p")
    assert "### not a card" in top_p.answer  # would otherwise start a new card
    again = next(c for c in ctx.bank.cards.values() if c.question == "What is beta again?")
    # "The second letter." holds one phrase, not three: no fragments, the card is marked
    assert again.concept == "beta" and again.key_points == () and again.needs_key_points
    assert plan.needs_points == ["What is beta again?"]
    assert "1 card had no clear phrases to use as key points" in plan.summary()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("question,answer\nQ1,A1\n,A2\n", "mine.csv:3: the question is empty"),
        (
            "question,answer,difficulty\nQ1,A1,easy\nQ2,A2,brutal\n",
            "mine.csv:3: difficulty 'brutal'",
        ),
        ("question,answer,key_points\nQ1,A1,one; two\n", "mine.csv:2: 2 key points"),
        ('question,answer\nQ1,"never closed\n', "mine.csv"),
        ("just one column\n", "mine.csv:1: expected at least a question and an answer"),
        ("", "mine.csv: no cards found"),
    ],
)
def test_malformed_csv_is_refused_with_where_and_nothing_written(
    ctx, tmp_path, content, message
) -> None:  # type: ignore[no-untyped-def]
    csv_file = tmp_path / "mine.csv"
    csv_file.write_text(content)
    with pytest.raises(ImportRefused) as refused:
        CardImportService(ctx).import_path(csv_file, NEW)
    assert message in str(refused.value)
    assert user_files(ctx) == {} and leftovers(ctx) == []


def test_non_utf8_csv_names_the_line(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    csv_file = tmp_path / "latin.csv"
    csv_file.write_bytes(b"question,answer\nQ,ok\nCaf\xe9,bad\n")
    with pytest.raises(ImportRefused, match=r"latin.csv:3: not UTF-8"):
        CardImportService(ctx).import_path(csv_file, NEW)


def test_markdown_folder_in_our_format(ctx, tmp_path, content_root) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "shared"
    folder.mkdir()
    text = (content_root / "basics" / "gamma.md").read_text()
    text = text.replace("id: gamma", "id: delta", 1).replace("gamma-", "delta-")
    (folder / "delta.md").write_text(text + "\n<script>alert(1)</script>\n")
    plan = CardImportService(ctx).import_path(folder, ImportTarget())
    assert plan.added >= 1 and "delta" in ctx.bank.concepts
    assert "<script" not in "".join(user_files(ctx).values())


def test_markdown_folder_with_a_bad_file_is_refused_whole(ctx, tmp_path, content_root) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "shared"
    folder.mkdir()
    good = (content_root / "basics" / "gamma.md").read_text().replace("id: gamma", "id: delta", 1)
    (folder / "a.md").write_text(good.replace("gamma-", "delta-"))
    (folder / "b.md").write_text(
        "---\nid: broken\ntitle: B\narea: llm\nsummary: s\n---\n\n## Q?\n\nno card block\n"
    )
    with pytest.raises(ImportRefused, match=r"shared/b.md:8: card heading must be followed"):
        CardImportService(ctx).import_path(folder, ImportTarget())
    assert user_files(ctx) == {}


def test_markdown_card_ids_may_not_take_bundled_ones(ctx, tmp_path, content_root) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "copy.md").write_text(
        (content_root / "basics" / "gamma.md").read_text().replace("id: gamma", "id: other", 1)
    )
    with pytest.raises(ImportRefused, match="taken by the bundled content"):
        CardImportService(ctx).import_path(folder, ImportTarget())


def _zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_path_traversal_in_an_archive_is_refused(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    legacy = zipfile.ZipFile(ANKI / "legacy.apkg").read("collection.anki21")
    apkg = _zip(tmp_path / "evil.apkg", {"collection.anki21": legacy, "../../outside.txt": b"x"})
    with pytest.raises(ImportRefused, match="points outside the archive"):
        CardImportService(ctx).import_path(apkg, NEW)
    assert not (tmp_path.parent / "outside.txt").exists() and user_files(ctx) == {}


def test_zip_bomb_is_refused_before_inflating(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    apkg = _zip(tmp_path / "bomb.apkg", {"collection.anki2": b"\0" * (64 * 1024 * 1024)})
    with pytest.raises(ImportRefused, match="zip bomb"):
        CardImportService(ctx).import_path(apkg, NEW)


def test_zstd_bomb_is_refused_while_inflating(ctx, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("app.services.anki_import.MAX_COLLECTION_BYTES", 1024 * 1024)
    blob = zstandard.ZstdCompressor().compress(b"SQLite format 3\x00" + b"\0" * (8 * 1024 * 1024))
    apkg = _zip(tmp_path / "bomb.apkg", {"collection.anki21b": blob}, zipfile.ZIP_STORED)
    with pytest.raises(ImportRefused, match="more than 1 MiB"):
        CardImportService(ctx).import_path(apkg, NEW)


def test_newer_only_export_names_the_anki_option(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    stub = zipfile.ZipFile(ANKI / "modern.apkg").read("collection.anki2")
    apkg = _zip(tmp_path / "stub.apkg", {"collection.anki2": stub})
    with pytest.raises(ImportRefused, match="Support older Anki versions"):
        CardImportService(ctx).import_path(apkg, NEW)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notzip.apkg", b"hello", "not a readable Anki package"),
        ("empty.apkg", None, "no Anki collection inside"),
        ("junk.apkg", {"collection.anki2": b"SQLite format 3\x00garbage"}, "damaged"),
        ("whole.colpkg", b"", "export a deck"),
        ("notes.docx", b"", "import an Anki package"),
    ],
)
def test_unusable_files_get_a_clear_message(ctx, tmp_path, name, data, message) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    if isinstance(data, dict):
        _zip(path, data)
    elif data is None:
        _zip(path, {"readme.txt": b"hi"})
    else:
        path.write_bytes(data)
    with pytest.raises(ImportRefused, match=message):
        CardImportService(ctx).import_path(path, NEW)
    assert user_files(ctx) == {}


def test_a_card_file_that_would_not_load_is_never_moved_in(ctx, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    csv_file = tmp_path / "c.csv"
    csv_file.write_text("question,answer\nQ one?,A one.\n")
    monkeypatch.setattr(
        "app.domain.import_rules.serialize_concept", lambda concept, cards: "---\nbroken: [\n---\n"
    )
    with pytest.raises(ImportRefused, match="would not load, nothing was imported"):
        CardImportService(ctx).import_path(csv_file, NEW)
    assert user_files(ctx) == {} and leftovers(ctx) == []


def test_cli_import_cards(ctx, data_dir, content_root, tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("app.services.context.content_dir", lambda: content_root)
    args = ["import-cards", str(ANKI / "modern.apkg"), "--new-concept", "Deck", "--area", "llm"]
    assert main([*args, "--data-dir", str(data_dir)]) == 0
    assert "4 new cards" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("question,answer\n ,An answer\n")
    assert main(["import-cards", str(bad), "--concept", "alpha", "--data-dir", str(data_dir)]) == 1
    assert "bad.csv:2: the question is empty" in capsys.readouterr().err


def basic_deck(path: Path, notes: dict[str, tuple[str, str]]) -> Path:
    """An Anki package of Basic notes (guid -> question, answer) with fixed ids, as one
    Anki deck exported twice would be: notes keep their guid, so re-imports match them."""
    model = genanki.Model(
        1_500_000_011,
        "Basic",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "c", "qfmt": "{{Front}}", "afmt": "{{Back}}"}],
    )
    d = genanki.Deck(1_500_000_012, "D")
    for guid, (question, answer) in notes.items():
        d.add_note(genanki.Note(model=model, fields=[question, answer], guid=guid))
    genanki.Package(d).write_to_file(str(path), timestamp=1.7e9)
    return path


def test_reimport_keeps_a_card_edited_in_lattice_and_says_so(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    def deck(answer: str, name: str) -> Path:
        notes = {"kv": ("What is a KV cache?", answer), "ro": ("What is RoPE?", answer + " R")}
        return basic_deck(tmp_path / name, notes)

    service = CardImportService(ctx)
    service.import_path(deck("Cached keys.", "a.apkg"), NEW)
    file = user_content_dir(ctx.data_dir) / "llm" / "from-anki.md"
    edited = file.read_text().replace("Cached keys.\n", "My own words on cached keys.\n", 1)
    assert edited != file.read_text()
    file.write_text(edited)  # the user edits the KV card in Lattice
    ctx.reload_user_content()
    plan = service.import_path(deck("Cached keys and values.", "b.apkg"), NEW)
    assert "1 card you edited in Lattice since the last import kept" in plan.summary()
    assert plan.updated == 1  # RoPE was not edited: it follows Anki
    kv = next(c for c in ctx.bank.cards.values() if c.question == "What is a KV cache?")
    rope = next(c for c in ctx.bank.cards.values() if c.question == "What is RoPE?")
    assert (
        kv.answer == "My own words on cached keys." and rope.answer == "Cached keys and values. R"
    )
    again = service.import_path(deck("Cached keys, values, once more.", "c.apkg"), NEW)
    assert "kept as you left them" in again.summary()  # still protected the time after
