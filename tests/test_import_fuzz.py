"""Random and truncated input for the loaders and importers: a clear error or a correct import,
never a crash and never a partial write."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.domain.card_writer import serialize_concept
from app.domain.content import Card, Concept, Difficulty
from app.domain.content_loader import parse_concept_file
from app.domain.html_markdown import html_to_markdown
from app.domain.import_rules import (
    ImportRefused,
    ImportTarget,
    derive_key_points,
    safe_markdown,
)
from app.services.card_import import CardImportService
from app.services.context import open_context
from app.services.transfer import import_all
from tests.conftest import FIXTURE_CONTENT

ANKI = Path(__file__).parent / "fixtures" / "anki"
FAST = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
TARGET = ImportTarget(new_title="Fuzz", area="llm")

TOKENS = list("ab #-*`~:\n\t[]<>/{}|;,\"'0123456789\u2028\x1c\r") + [
    "```",
    "## ",
    "---\n",
    "```card\n",
    "id: x\n",
    "key_points: [a, b, c]\n",
]
markdownish = st.lists(st.sampled_from(TOKENS), max_size=120).map("".join)


@given(markdownish)
@FAST
def test_concept_parser_never_raises(text: str) -> None:
    parsed = parse_concept_file(Path("x.md"), text)
    assert parsed.problems or parsed.concept is not None
    for problem in parsed.problems:
        assert problem.line >= 1 and problem.message


GOOD = (FIXTURE_CONTENT / "basics" / "alpha.md").read_text()


@given(st.integers(min_value=0, max_value=len(GOOD)), markdownish)
@FAST
def test_truncated_or_spliced_concept_files_fail_cleanly(cut: int, junk: str) -> None:
    parsed = parse_concept_file(Path("alpha.md"), GOOD[:cut] + junk)
    assert parsed.problems or parsed.cards


@given(st.text(max_size=300))
@FAST
def test_any_html_becomes_one_safe_card_answer(fragment: str) -> None:
    answer = safe_markdown(
        html_to_markdown(fragment + "<script>x()</script><img src='http://a/b'>")
    )
    assert "<script" not in answer.lower() and "http://a/b" not in answer
    assume(answer.strip())
    points = derive_key_points(answer, "Q?")
    concept = Concept(id="f", title="F", area="llm", summary="s")
    first = Card("f-1", "f", "Q?", answer, points, Difficulty.EASY, 60)
    second = Card("f-2", "f", "Second?", "Two.", ("a", "b", "c"), Difficulty.EASY, 60)
    text = serialize_concept(concept, [first, second])
    parsed = parse_concept_file(Path("f.md"), text, user=True)
    assert parsed.problems == []
    assert [c.id for c in parsed.cards] == ["f-1", "f-2"]  # the answer never swallows a card
    assert parsed.cards[0].answer == answer.strip("\n")


def _fresh():  # type: ignore[no-untyped-def]
    tmp = Path(tempfile.mkdtemp(prefix="lattice-fuzz-"))
    shutil.copytree(FIXTURE_CONTENT, tmp / "content")
    return tmp, open_context(tmp / "data", content=tmp / "content")


def _state(data: Path) -> list[tuple[str, bytes]]:
    return sorted((str(p.relative_to(data)), p.read_bytes()) for p in data.rglob("*.md"))


def _try_import(source: Path) -> None:
    tmp, ctx = _fresh()
    try:
        before = _state(ctx.data_dir)
        try:
            plan = CardImportService(ctx).import_path(source, TARGET)
        except ImportRefused as refused:
            assert str(refused)
            assert _state(ctx.data_dir) == before
        else:
            assert not [p for p in ctx.bank.problems if p.path and "cards" in p.path.parts]
            for card_id in plan.card_ids:
                assert card_id in ctx.bank.cards
        assert [p.name for p in ctx.data_dir.iterdir() if p.name.startswith(".")] == []
    finally:
        ctx.store.engine.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


CSV_TOKENS = list('ab ,;\t"\n\r<>#`|-\x00é') + ["easy", "hard", "## ", "```", "<b>", "<br>"]
csv_cells = st.lists(st.sampled_from(CSV_TOKENS), max_size=12).map("".join)


@given(st.lists(st.lists(csv_cells, min_size=0, max_size=6), max_size=6), st.booleans())
@FAST
def test_random_csv_imports_or_is_refused_whole(rows: list[list[str]], header: bool) -> None:
    lines = (["question,answer,key_points,concept,difficulty"] if header else []) + [
        ",".join(
            '"' + cell.replace('"', '""') + '"' if i % 2 else cell for i, cell in enumerate(row)
        )
        for row in rows
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cards.csv"
        path.write_text("\n".join(lines), encoding="utf-8")
        _try_import(path)


MODERN = (ANKI / "modern.apkg").read_bytes()


@given(st.integers(min_value=0, max_value=len(MODERN)), st.binary(max_size=64))
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_truncated_or_corrupted_anki_packages(cut: int, junk: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deck.apkg"
        data = bytearray(MODERN)
        if junk and cut < len(data):
            data[cut : cut + len(junk)] = junk
            blob = bytes(data)
        else:
            blob = bytes(data[:cut])
        path.write_bytes(blob)
        _try_import(path)


@given(st.integers(min_value=0, max_value=20_000))
@settings(max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_truncated_export_all_files_change_nothing(cut: int) -> None:
    tmp, ctx = _fresh()
    try:
        out = tmp / "all.zip"
        from app.services.transfer import export_all

        export_all(ctx.data_dir, out, ctx.clock.now())
        data = out.read_bytes()
        assume(cut < len(data))
        out.write_bytes(data[:cut])
        ctx.store.engine.dispose()
        db_before = (ctx.data_dir / "lattice.sqlite3").read_bytes()
        try:
            import_all(out, ctx.data_dir, ctx.clock.now())
        except ImportRefused as refused:
            assert str(refused)
            assert (ctx.data_dir / "lattice.sqlite3").read_bytes() == db_before
            assert not list(ctx.data_dir.glob("*.before-import-*"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_zip_helper_still_reads_fixture() -> None:
    assert "collection.anki21b" in zipfile.ZipFile(ANKI / "modern.apkg").namelist()
