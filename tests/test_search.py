"""Full-text search (FTS5): ranking, highlighted matches, safe queries, index kept in sync."""

from __future__ import annotations

import pytest

from app.services.browse_service import BrowseService, marked_to_html
from app.services.context import open_context
from app.storage.search_store import MARK_END, MARK_START, fts_query


def test_a_question_match_ranks_above_an_answer_match(ctx) -> None:  # type: ignore[no-untyped-def]
    # "beta" is in beta-what's question and in alpha-what's key points ("comes before beta").
    hits = BrowseService(ctx).search("beta")
    ids = [h.card_id for h in hits]
    assert ids[0] == "beta-what"
    assert set(ids) == {"beta-what", "alpha-what", "gamma-what"}
    assert [h.rank for h in hits] == [0, 1, 2]
    assert hits[0].score <= hits[1].score <= hits[2].score


def test_matches_are_marked_for_highlighting(ctx) -> None:  # type: ignore[no-untyped-def]
    hit = BrowseService(ctx).search("alph")[0]  # a prefix, as typed
    assert hit.card_id.startswith("alpha")
    assert f"{MARK_START}alpha{MARK_END}" in hit.question
    assert MARK_START in hit.snippet
    assert marked_to_html(hit.question).count("<span style=") == hit.question.count(MARK_START)
    assert marked_to_html("a <b>" + MARK_START + "x" + MARK_END) == (
        'a &lt;b&gt;<span style="background-color: #f5d76e; color: #1f2328;">x</span>'
    )


@pytest.mark.parametrize(
    "text", ['"', "alpha OR", "NOT", "(", "a*b", "col:alpha", "^alpha", "alpha NEAR(", "''"]
)
def test_no_input_is_a_query_syntax_error(ctx, text: str) -> None:  # type: ignore[no-untyped-def]
    BrowseService(ctx).search(text)  # must not raise


def test_every_word_must_match() -> None:
    assert fts_query('What is "QLoRA"?') == '"what"* "is"* "qlora"*'
    assert fts_query("  -- ") == ""


def test_the_index_follows_content_edits(data_dir, content_root, clock) -> None:  # type: ignore[no-untyped-def]
    ctx = open_context(data_dir, content=content_root, clock=clock)
    assert BrowseService(ctx).search("zeppelin") == []
    ctx.store.engine.dispose()
    gamma = content_root / "basics" / "gamma.md"
    gamma.write_text(gamma.read_text().replace("third letter.", "third letter, like a zeppelin."))
    ctx = open_context(data_dir, content=content_root, clock=clock)
    assert [h.card_id for h in BrowseService(ctx).search("zeppelin")] == ["gamma-what"]
    ctx.store.engine.dispose()
