"""Editorial rules `check-content` enforces: review dates, rehearsable length, supported key
points, and retired card ids whose history follows the card that replaced them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.cli import main
from app.domain.clock import FakeClock
from app.domain.content_checks import (
    PARAPHRASE_FILE,
    editorial_problems,
    key_point_supported,
    prose_words,
    stale_concepts,
)
from app.domain.content_loader import RETIRED_FILE, load_bank
from app.domain.scheduling import CardState, Grade
from app.services.context import open_context
from app.services.review_service import ReviewService


def messages(root: Path) -> list[str]:
    bank = load_bank(root)
    return [
        p.format(root) for p in bank.problems + editorial_problems(bank, root / PARAPHRASE_FILE)
    ]


def test_prose_words_leave_out_code_and_tables() -> None:
    answer = (
        "One two three.\n\n| a | b |\n| --- | --- |\n| x y z | w |\n\n```python\nx = 1\n```\nfour"
    )
    assert prose_words(answer) == 4


def test_a_key_point_the_answer_never_states_is_flagged() -> None:
    answer = "Rank a randomised held-out set by predicted uplift and compare arms per decile."
    assert not key_point_supported("final check is an online test", answer)
    # Endings and small words do not matter: "monitored" states "monitoring".
    assert key_point_supported("monitoring after launch", "It is monitored once launched.")
    assert key_point_supported("rank by predicted uplift", answer)


def test_check_content_requires_a_review_month_for_bundled_concepts(content_root: Path) -> None:
    alpha = content_root / "basics" / "alpha.md"
    alpha.write_text(alpha.read_text().replace("reviewed: 2026-11\n", ""))
    assert messages(content_root) == [
        "basics/alpha.md:1: front matter lacks 'reviewed: YYYY-MM' (when last checked)"
    ]
    assert main(["check-content", "--content", str(content_root)]) == 1


def test_user_concepts_need_no_review_month(content_root: Path, tmp_path: Path) -> None:
    user = tmp_path / "cards"
    user.mkdir()
    (user / "mine.md").write_text(
        "---\nid: mine\ntitle: Mine\narea: llm\nsummary: My notes.\nrelated: [alpha]\n---\n\n"
        "## What is mine?\n\n```card\nid: mine-what\ndifficulty: easy\nseconds: 60\n"
        "key_points:\n  - a thought\n  - another idea\n  - written quickly\n```\n\nNotes.\n"
    )
    bank = load_bank(content_root, [user])
    assert "mine" in bank.concepts
    assert editorial_problems(bank, content_root / PARAPHRASE_FILE) == []


def test_long_answers_and_unstated_key_points_are_reported(content_root: Path) -> None:
    gamma = content_root / "basics" / "gamma.md"
    text = gamma.read_text()
    gamma.write_text(
        text.replace("ends the chain\n", "ends the chain\n  - quantum entanglement\n").replace(
            "It needs beta and ends the chain.",
            "It needs beta and ends the chain. " + "word " * 351,
        )
    )
    found = messages(content_root)
    assert len(found) == 2, found
    assert "has 363 words of prose; at most 350" in found[0]
    assert found[1].endswith(
        "key point 'quantum entanglement' of 'gamma-what' is not stated in the answer"
    )


def test_an_also_phrasing_the_answer_states_supports_the_point(content_root: Path) -> None:
    gamma = content_root / "basics" / "gamma.md"
    gamma.write_text(
        gamma.read_text().replace(
            "  - ends the chain\n",
            "  - ends the chain\n  - point: omega position\n    also: [third letter]\n",
        )
    )
    assert messages(content_root) == []
    gamma.write_text(gamma.read_text().replace("also: [third letter]", "also: [final rune]"))
    assert messages(content_root) == [
        "basics/gamma.md:10: key point 'omega position' of 'gamma-what' is not stated in the answer"
    ]


def test_allowed_paraphrases_need_a_reason_and_a_flagged_point(content_root: Path) -> None:
    gamma = content_root / "basics" / "gamma.md"
    gamma.write_text(gamma.read_text().replace("ends the chain\n", "ends the chain\n  - omega\n"))
    allow = content_root / PARAPHRASE_FILE
    allow.write_text(
        "- card: gamma-what\n  point: omega\n  reason: the last letter, named as the answer's 'end'\n"
        "- card: gamma-what\n  point: ends the chain\n  reason: stated plainly already\n"
        "- card: beta-what\n  point: needs alpha\n"
    )
    assert messages(content_root) == [
        f"{PARAPHRASE_FILE}:7: each entry needs card, point and reason",
        f"{PARAPHRASE_FILE}:4: allowed paraphrase for 'gamma-what' is not needed: no such "
        "flagged key point 'ends the chain'",
    ]


def test_stale_concepts_are_listed_relative_to_the_clock(content_root: Path) -> None:
    bank = load_bank(content_root)
    clock = FakeClock(datetime(2027, 11, 30, tzinfo=UTC))
    assert stale_concepts(bank, clock.now().date()) == []  # 12 months after 2026-11
    clock.advance(days=1)
    assert sorted(c.id for c in stale_concepts(bank, clock.now().date())) == [
        "alpha",
        "beta",
        "gamma",
    ]


def test_every_bundled_concept_was_reviewed_in_the_last_twelve_months() -> None:
    from app.domain.clock import SystemClock
    from app.locations import content_dir

    today = SystemClock().now().date()
    stale = stale_concepts(load_bank(content_dir()), today)
    assert [f"{c.id} (reviewed {c.reviewed or 'never'})" for c in stale] == []


def test_the_bundled_bank_passes_every_editorial_rule() -> None:
    from app.locations import content_dir

    root = content_dir()
    bank = load_bank(root)
    assert [p.format(root) for p in editorial_problems(bank, root / PARAPHRASE_FILE)] == []


# -- retired ids --------------------------------------------------------------------------
def retire(root: Path, old: str, new: str, mapping: str | None = None) -> None:
    """Rename card `old` to `new` in the fixture bank and declare the retirement."""
    for path in root.rglob("*.md"):
        text = path.read_text()
        if f"id: {old}\n" in text:
            path.write_text(text.replace(f"id: {old}\n", f"id: {new}\n"))
    (root / RETIRED_FILE).write_text(mapping if mapping is not None else f"{old}: {new}\n")


def test_the_loader_reads_the_retired_mapping(content_root: Path) -> None:
    retire(content_root, "alpha-what", "alpha-first")
    bank = load_bank(content_root)
    assert bank.problems == []
    assert bank.retired == {"alpha-what": "alpha-first"}


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        (
            "alpha-what: nowhere\n",
            "retired.yaml:1: 'alpha-what' is retired to 'nowhere', which is not a card",
        ),
        (
            "alpha-what: alpha-first\nbeta-what: alpha-first\n",
            "basics/beta.md:10: card id 'beta-what' is retired (replaced by 'alpha-first'); "
            "ids are never reused, choose a new one",
        ),
        (
            "alpha-what: old-one\nold-one: alpha-first\n",
            "retired.yaml:1: 'alpha-what' is retired to 'old-one', which is retired too; "
            "point it at the final card",
        ),
        ("- alpha-what\n", "retired.yaml:1: must map each retired card id to its replacement"),
    ],
)
def test_bad_retirements_are_reported(content_root: Path, mapping: str, expected: str) -> None:
    retire(content_root, "alpha-what", "alpha-first", mapping)
    assert expected in [p.format(content_root) for p in load_bank(content_root).problems]
    assert main(["check-content", "--content", str(content_root)]) == 1


def study(ctx, card_id: str, *grades: Grade) -> None:  # type: ignore[no-untyped-def]
    review = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings, scope=[card_id])
    for grade in grades:
        due = review.next_card()
        assert due is not None and due.card.id == card_id
        review.answer(due, grade)
        ctx.clock.advance(days=3)


def test_a_retired_cards_history_moves_to_its_replacement(
    content_root: Path, data_dir: Path, clock: FakeClock
) -> None:
    from app.services.browse_service import BrowseService

    ctx = open_context(data_dir, content=content_root, clock=clock)
    study(ctx, "alpha-what", Grade.GOOD, Grade.GOOD)
    before = ctx.store.memory("alpha-what")
    ctx.close()

    retire(content_root, "alpha-what", "alpha-first")
    ctx = open_context(data_dir, content=content_root, clock=clock)
    try:
        moved = ctx.store.memory("alpha-first")
        assert (moved.state, moved.reps, moved.due) == (before.state, 2, before.due)
        assert ctx.store.memory("alpha-what").state is CardState.NEW
        history = BrowseService(ctx).history("alpha-first")
        assert [entry.rating for entry in history] == ["Good", "Good"]
        assert BrowseService(ctx).history("alpha-what") == []
    finally:
        ctx.close()
    # Opening again changes nothing: the mapping is applied once.
    ctx = open_context(data_dir, content=content_root, clock=clock)
    try:
        assert len(BrowseService(ctx).history("alpha-first")) == 2
    finally:
        ctx.close()


def test_merging_two_studied_duplicates_keeps_the_latest_schedule(
    content_root: Path, data_dir: Path, clock: FakeClock
) -> None:
    ctx = open_context(data_dir, content=content_root, clock=clock)
    study(ctx, "beta-what", Grade.AGAIN)
    study(ctx, "alpha-what", Grade.GOOD)  # reviewed later: its schedule wins
    latest = ctx.store.memory("alpha-what")
    ctx.close()
    # alpha-what becomes a duplicate of beta-what and is retired into it.
    alpha = content_root / "basics" / "alpha.md"
    alpha.write_text(alpha.read_text().replace("id: alpha-what\n", "id: alpha-when\n"))
    (content_root / RETIRED_FILE).write_text("alpha-what: beta-what\n")
    ctx = open_context(data_dir, content=content_root, clock=clock)
    try:
        kept = ctx.store.memory("beta-what")
        assert (kept.due, kept.stability) == (latest.due, latest.stability)
        assert len(ctx.store.review_history("beta-what")) == 2
    finally:
        ctx.close()


def test_retired_ids_with_no_history_open_cleanly(
    content_root: Path, data_dir: Path, clock: FakeClock
) -> None:
    retire(content_root, "alpha-what", "alpha-first")
    ctx = open_context(data_dir, content=content_root, clock=clock)
    try:
        assert ctx.store.memory("alpha-first").state is CardState.NEW
        # Nothing to move: the renamed card opens with an empty history, the old id is gone.
        assert ctx.store.review_history("alpha-first") == []
        assert "alpha-first" in ctx.bank.cards and "alpha-what" not in ctx.bank.cards
    finally:
        ctx.close()
