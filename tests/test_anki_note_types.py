"""Anki note types become the cards Anki would show: one per cloze number, both directions of
a reversed note; cloze fields are parsed in linear time whatever they hold."""

from __future__ import annotations

import time
from pathlib import Path

import genanki
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain import cloze
from app.domain.import_rules import AnkiNote, ImportTarget, anki_note_to_cards
from app.services.card_import import CardImportService

NEW = ImportTarget(new_title="From Anki", area="llm")
FAST = settings(
    max_examples=80, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


def deck_file(tmp_path: Path, notes: list[genanki.Note], name: str = "deck.apkg") -> Path:
    deck = genanki.Deck(1_600_000_001, "Deck")
    for note in notes:
        deck.add_note(note)
    path = tmp_path / name
    genanki.Package(deck).write_to_file(str(path), timestamp=1.7e9)
    return path


def by_question(ctx) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {c.question: c.answer for c in ctx.bank.cards.values() if c.user}


def test_a_cloze_note_gives_one_card_per_number_showing_that_blank(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    note = genanki.Note(
        model=genanki.CLOZE_MODEL,
        fields=["{{c1::ReLU}} is max(0, x); {{c2::GELU::smooth}} weights x by Φ(x).", ""],
        guid="act",
    )
    plan = CardImportService(ctx).import_path(deck_file(tmp_path, [note]), NEW)
    assert plan.added == 2
    cards = by_question(ctx)
    assert set(cards) == {
        "[…] is max(0, x); GELU weights x by Φ(x).",
        "ReLU is max(0, x); [smooth] weights x by Φ(x).",
    }
    assert "**ReLU**" in cards["[…] is max(0, x); GELU weights x by Φ(x)."]
    assert "**GELU**" in cards["ReLU is max(0, x); [smooth] weights x by Φ(x)."]
    again = CardImportService(ctx).import_path(deck_file(tmp_path, [note], "again.apkg"), NEW)
    assert (again.added, again.updated) == (0, 0)


def test_a_reversed_note_gives_both_directions(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    note = genanki.Note(
        model=genanki.BASIC_AND_REVERSED_CARD_MODEL,
        fields=["Low-rank adaptation of weight updates", "LoRA"],
        guid="lora",
    )
    plan = CardImportService(ctx).import_path(deck_file(tmp_path, [note]), NEW)
    assert plan.added == 2
    cards = by_question(ctx)
    assert cards["Low-rank adaptation of weight updates"] == "LoRA"
    assert cards["LoRA"] == "Low-rank adaptation of weight updates"


def test_optional_reverse_only_when_anki_made_that_card(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    model = genanki.BASIC_OPTIONAL_REVERSED_CARD_MODEL
    without = genanki.Note(model=model, fields=["What is a KV cache?", "Cached keys", ""], guid="a")
    with_it = genanki.Note(model=model, fields=["Perplexity", "exp of the loss", "y"], guid="b")
    plan = CardImportService(ctx).import_path(deck_file(tmp_path, [without, with_it]), NEW)
    assert plan.added == 3
    assert "exp of the loss" in by_question(ctx)


def test_a_hostile_cloze_field_is_read_in_linear_time() -> None:
    field = "{{c1::" * 2000 + "::" * 1000 + "}}" * 10  # 12 KB, as in the report (83 s before)
    note = AnkiNote(guid="g", fields=(("Text", field), ("Back Extra", "")), cloze=True)
    started = time.perf_counter()
    for _ in range(10):
        anki_note_to_cards(note)
    assert time.perf_counter() - started < 2.0
    big = "{{c1::a::" * 200_000
    started = time.perf_counter()
    parts = cloze.parse(big)
    assert time.perf_counter() - started < 5.0
    assert "".join(cloze.back(parts, 2)) == big  # all unclosed: the text is given back as is


plain = st.text(alphabet="ab :{}c1", max_size=12)


@st.composite
def cloze_fields(draw):  # type: ignore[no-untyped-def]
    pieces, expected = [], []
    for _ in range(draw(st.integers(0, 6))):
        word = draw(st.text(alphabet="xyz ", min_size=1, max_size=5))
        number = draw(st.integers(1, 4))
        hint = draw(st.one_of(st.none(), st.text(alphabet="hij", min_size=1, max_size=3)))
        pieces.append(draw(st.text(alphabet="pq .", max_size=4)))
        pieces.append(f"{{{{c{number}::{word}{'::' + hint if hint else ''}}}}}")
        expected.append((number, word, hint))
    return "".join(pieces), expected


@given(cloze_fields())
@FAST
def test_well_formed_clozes_give_each_number_and_its_blanks(case) -> None:  # type: ignore[no-untyped-def]
    text, expected = case
    parts = cloze.parse(text)
    assert cloze.numbers(parts) == sorted({n for n, _, _ in expected})
    for number in cloze.numbers(parts):
        blanks = [f"[{hint or '…'}]" for n, _, hint in expected if n == number]
        front = cloze.front(parts, number)
        assert sum(front.count(b) for b in set(blanks)) >= len(blanks)
        assert all(
            f"<b>{w}</b>" in cloze.back(parts, number) for n, w, _ in expected if n == number
        )


@given(st.lists(st.sampled_from(["{{c1::", "{{c2::", "::", "}}", "a", "{", "}", "c"]), max_size=60))
@FAST
def test_any_field_parses_and_loses_no_text(tokens: list[str]) -> None:
    text = "".join(tokens)
    parts = cloze.parse(text)
    # With no cloze shown, the text outside the markers is there in order (hints aside).
    shown = [ch for ch in cloze.back(parts, 0) if ch not in "{}:c12"]
    source = [ch for ch in text if ch not in "{}:c12"]
    if "::" not in tokens:
        assert shown == source
    remaining = iter(source)
    assert all(ch in remaining for ch in shown)  # a subsequence: nothing invented
    for number in cloze.numbers(parts):
        cloze.front(parts, number)


def test_superscripts_subscripts_and_adjacent_or_nested_lists_survive() -> None:
    from app.domain.html_markdown import html_to_markdown
    from app.domain.import_rules import safe_markdown
    from app.services.render import render_markdown

    text = safe_markdown(html_to_markdown("E = mc<sup>2</sup>, H<sub>2</sub>O, 2<sup>-k</sup>"))
    assert text == "E = mc², H₂O, 2^(-k)"
    lists = safe_markdown(
        html_to_markdown(
            "<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li></ul><ol><li>one</li></ol>"
        )
    )
    html = render_markdown(lists)
    assert html.count("<ul>") == 2 and html.count("<ol>") == 2  # nested kept, not merged
    assert html.index("<li>one</li>") > html.rindex("</ul>")  # the <ol> after the <ul>


def _two_deck_package(tmp_path: Path) -> Path:
    first, second = (
        genanki.Deck(1_700_000_001, "ML::Fine-tuning"),
        genanki.Deck(1_700_000_002, "ML"),
    )
    first.add_note(
        genanki.Note(model=genanki.BASIC_MODEL, fields=["What is LoRA?", "Low-rank"], guid="l")
    )
    second.add_note(
        genanki.Note(model=genanki.BASIC_MODEL, fields=["What is ReLU?", "max(0, x)"], guid="r")
    )
    path = tmp_path / "two.apkg"
    genanki.Package([first, second]).write_to_file(str(path), timestamp=1.7e9)
    return path


def test_each_deck_becomes_a_concept_by_default(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    plan = CardImportService(ctx).import_path(_two_deck_package(tmp_path), NEW)
    assert sorted(plan.new_concepts) == ["ML", "ML › Fine-tuning"]
    lora = next(c for c in ctx.bank.cards.values() if c.question == "What is LoRA?")
    assert ctx.bank.concepts[lora.concept].title == "ML › Fine-tuning"
    assert ctx.bank.concepts[lora.concept].area == "llm"


def test_or_all_decks_into_one_concept(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = ImportTarget(new_title="From Anki", area="llm", by_deck=False)
    plan = CardImportService(ctx).import_path(_two_deck_package(tmp_path), target)
    assert plan.new_concepts == ["From Anki"] and plan.added == 2


def test_the_import_dialog_offers_the_deck_choice(window, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = window.interop.import_cards()
    dialog.set_source(_two_deck_package(tmp_path))
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.by_deck.isVisible() and dialog.by_deck.isChecked()
    assert "ML › Fine-tuning" in dialog.preview.text()
    dialog.by_deck.setChecked(False)
    qtbot.waitUntil(lambda: not dialog.busy)
    assert "ML › Fine-tuning" not in dialog.preview.text()
    dialog.reject()


@given(st.text(alphabet="ab (),;:/x0 .-", max_size=80))
@FAST
def test_derived_key_points_are_never_unbalanced_fragments(answer: str) -> None:
    from app.domain.import_rules import _real_phrase, derive_key_points

    points = derive_key_points(answer, "Question?")
    assert len(points) in (0, 3)  # three real phrases, or none: the card needs key points
    assert all(_real_phrase(p) for p in points)


def test_junk_fragments_from_the_report_are_not_key_points() -> None:
    from app.domain.import_rules import derive_key_points

    points = derive_key_points("ReLU is max(0, x).", "Define ReLU")
    assert "max(0" not in " | ".join(p for p in points if p != "ReLU is max(0, x)")
    assert not {"x)", "TP", "/"} & set(derive_key_points("TP / (TP + FP)", "What is precision?"))
