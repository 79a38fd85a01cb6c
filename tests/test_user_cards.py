"""Your own cards: the serializer round-trips the content format; saving validates with the
whole bank before an atomic replace; a refused edit changes nothing on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.card_writer import CardDraft, round_trips, serialize_concept, slugify
from app.domain.content import Card, Concept, Difficulty
from app.domain.content_loader import concept_files, load_bank, parse_concept_file
from app.domain.scheduling import CardState, Grade
from app.services.authoring import AuthoringService, NewConcept
from app.services.review_service import ReviewService
from tests.conftest import FIXTURE_CONTENT


def draft(question: str = "How did I explain QLoRA at Acme?", points: int = 3) -> CardDraft:
    return CardDraft.build(
        question,
        "**Short:** a 4-bit base.\n\n```python\nx = 1\nassert x == 1\n```",
        [f"point {i}" for i in range(points)],
        "medium",
        120,
    )


@pytest.mark.parametrize("path", concept_files(FIXTURE_CONTENT), ids=lambda p: p.name)
def test_serializer_round_trips_every_fixture_file(path: Path) -> None:
    parsed = parse_concept_file(path, path.read_text(encoding="utf-8"))
    assert parsed.concept is not None and not parsed.problems
    text = serialize_concept(parsed.concept, parsed.cards)
    assert round_trips(path, text, parsed.concept, parsed.cards)
    # And the text is stable: writing what was read gives the same text again.
    again = parse_concept_file(path, text)
    assert again.concept is not None
    assert serialize_concept(again.concept, again.cards) == text


def test_awkward_strings_are_quoted_so_they_read_back_exactly() -> None:
    concept = Concept(
        "odd",
        "Odd: a title # with a hash",
        "llm",
        "Summary: with 'quotes' and \"more\".",
        requires=("alpha",),
    )
    card = Card(
        "odd-1",
        "odd",
        "What is `x: y` — and #2?",
        "Answer with a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        ("yes", "42", "- a dash", "key: value", "ends with colon:", "[brackets]", "@at"),
        Difficulty.HARD,
        600,
        seeds=("s001-q01",),
    )
    text = serialize_concept(concept, [card])
    assert round_trips(Path("odd.md"), text, concept, [card])


def test_slugs_are_valid_ids() -> None:
    assert slugify("What is QLoRA, really?") == "what-is-qlora-really"
    assert slugify("!!!") == "card"
    assert len(slugify("word " * 40)) <= 48


def test_add_edit_delete_a_user_card(ctx) -> None:  # type: ignore[no-untyped-def]
    service = AuthoringService(ctx)
    result = service.create(draft(), "beta")
    assert result.ok and result.card_id == "my-how-did-i-explain-qlora-at-acme"
    card = ctx.bank.cards[result.card_id]
    assert card.user and card.concept == "beta" and card.question.startswith("How did I")
    path = ctx.data_dir / "cards" / "beta.md"
    assert card.source == path
    # The file is in the content format: `check-content` rules accept it on its own.
    parsed = parse_concept_file(path, path.read_text(encoding="utf-8"), user=True)
    assert not parsed.problems and [c.id for c in parsed.cards] == [result.card_id]
    # The bundled concept keeps its own front matter; the user file only adds a card.
    assert ctx.bank.concepts["beta"].source != path
    assert ctx.bank.concepts["beta"].requires == ("alpha",)
    # A fresh start sees it too (it lives apart from the bundled content).
    assert result.card_id in load_bank(ctx.content_root, [ctx.data_dir / "cards"]).cards

    edited = service.update(result.card_id, draft("How did I explain QLoRA at Acme, briefly?"))
    assert edited.ok
    assert ctx.bank.cards[result.card_id].question == "How did I explain QLoRA at Acme, briefly?"

    assert service.delete(result.card_id).ok
    assert result.card_id not in ctx.bank.cards
    assert not path.exists()  # its last card gone, the file goes too


def test_a_malformed_edit_is_refused_and_nothing_saved_is_lost(ctx) -> None:  # type: ignore[no-untyped-def]
    service = AuthoringService(ctx)
    card_id = service.create(draft(), "beta").card_id
    assert card_id is not None
    path = ctx.data_dir / "cards" / "beta.md"
    before = path.read_text(encoding="utf-8")

    too_few = service.update(card_id, draft(points=2))
    assert not too_few.ok and "2 key points" in too_few.problems[0]
    heading = service.update(
        card_id,
        CardDraft.build("Q?", "Intro\n## Not allowed here", ["a", "b", "c"], "easy", 60),
    )
    assert not heading.ok and "'## '" in heading.problems[0]
    budget = service.update(card_id, CardDraft.build("Q?", "A", ["a", "b", "c"], "easy", 5))
    assert not budget.ok and "10 to 3600" in budget.problems[0]

    assert path.read_text(encoding="utf-8") == before
    assert ctx.bank.cards[card_id].question == "How did I explain QLoRA at Acme?"
    assert not list(path.parent.glob(".*.tmp"))


def test_bundled_cards_cannot_be_edited(ctx) -> None:  # type: ignore[no-untyped-def]
    result = AuthoringService(ctx).update("alpha-what", draft())
    assert not result.ok and "own cards" in result.problems[0]


def test_new_concept_with_prerequisites_joins_the_graph(ctx) -> None:  # type: ignore[no-untyped-def]
    service = AuthoringService(ctx)
    result = service.create(
        draft(), None, NewConcept("Speculative decoding", "llm", "Draft, then verify.", ("gamma",))
    )
    assert result.ok
    concept = ctx.bank.concepts["speculative-decoding"]
    assert concept.user and concept.requires == ("gamma",)
    assert ctx.bank.cards[result.card_id].concept == "speculative-decoding"  # type: ignore[index]


def test_a_new_concept_is_validated_with_the_whole_bank(ctx) -> None:  # type: ignore[no-untyped-def]
    service = AuthoringService(ctx)
    unknown_area = service.create(draft(), None, NewConcept("Thing", "nowhere", "Summary."))
    assert not unknown_area.ok
    assert unknown_area.problems == ("cards/thing.md:4: unknown area 'nowhere'",)
    no_title = service.create(draft(), None, NewConcept("", "llm", "Summary."))
    assert not no_title.ok
    assert not (ctx.data_dir / "cards").exists() or not list((ctx.data_dir / "cards").iterdir())


def test_card_ids_are_never_reused(ctx) -> None:  # type: ignore[no-untyped-def]
    service = AuthoringService(ctx)
    first = service.create(draft(), "beta").card_id
    assert first is not None
    # Study it, delete it, write the same question again: the new card starts fresh.
    review = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings, scope=[first])
    due = review.next_card()
    assert due is not None and due.card.id == first
    review.answer(due, Grade.GOOD)
    assert service.delete(first).ok
    second = service.create(draft(), "beta").card_id
    assert second == f"{first}-2"
    assert ctx.store.memory(second).state is CardState.NEW


def test_user_cards_are_searchable_and_reviewable(ctx) -> None:  # type: ignore[no-untyped-def]
    from app.services.browse_service import BrowseService

    card_id = AuthoringService(ctx).create(draft(), "alpha").card_id
    hits = BrowseService(ctx).search("acme")
    assert [h.card_id for h in hits] == [card_id]
    review = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings, scope=[card_id])
    due = review.next_card()
    assert due is not None and due.card.id == card_id
