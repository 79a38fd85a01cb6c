"""The labelled answers the quiz grader is measured on stay true to the bundled bank.

If a content edit changes a card's key points, these tests name each record to relabel.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.domain.content import ContentBank
from app.domain.content_loader import load_bank
from app.locations import content_dir

GRADING_DIR = Path(__file__).parent / "grading"
SETS = {  # file -> number of cards
    "dev.jsonl": 50,
    "dev2.jsonl": 30,
    "dev3.jsonl": 30,
    "dev4.jsonl": 30,
    "dev5.jsonl": 30,
    "holdout.jsonl": 30,
    "holdout2.jsonl": 30,
    "holdout3.jsonl": 30,
    "holdout4.jsonl": 30,
    "holdout5.jsonl": 30,
    "holdout6.jsonl": 30,
}
KINDS = ("strong", "partial", "wrong")


@dataclass(frozen=True)
class Record:
    where: str  # "dev.jsonl:12", for messages that point at the line to fix
    card_id: str
    kind: str
    answer: str
    points: list[str]
    covered: list[bool]


def read_set(name: str) -> list[Record]:
    records = []
    path = GRADING_DIR / name
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{name}:{number}"
        assert line.strip(), f"{where}: blank line"
        row = json.loads(line)
        assert set(row) == {"card_id", "kind", "answer", "points"}, f"{where}: fields {sorted(row)}"
        points = row["points"]
        assert all(set(p) == {"point", "covered"} for p in points), f"{where}: point fields"
        assert all(isinstance(p["covered"], bool) for p in points), f"{where}: covered not bool"
        records.append(
            Record(
                where=where,
                card_id=row["card_id"],
                kind=row["kind"],
                answer=row["answer"],
                points=[p["point"] for p in points],
                covered=[p["covered"] for p in points],
            )
        )
    return records


@pytest.fixture(scope="module")
def bank() -> ContentBank:
    return load_bank(content_dir())


@pytest.fixture(scope="module", params=sorted(SETS))
def labelled(request: pytest.FixtureRequest) -> tuple[str, list[Record]]:
    return request.param, read_set(request.param)


def test_every_card_id_is_in_the_bank(
    bank: ContentBank, labelled: tuple[str, list[Record]]
) -> None:
    _, records = labelled
    unknown = [f"{r.where} {r.card_id}" for r in records if r.card_id not in bank.cards]
    assert not unknown, f"card ids not in the bank (renamed or retired?): {unknown}"


def test_each_card_has_one_strong_one_partial_one_wrong_answer(
    labelled: tuple[str, list[Record]],
) -> None:
    name, records = labelled
    kinds_per_card: dict[str, list[str]] = {}
    for r in records:
        assert r.kind in KINDS, f"{r.where}: kind {r.kind!r}"
        kinds_per_card.setdefault(r.card_id, []).append(r.kind)
    unbalanced = {c: k for c, k in kinds_per_card.items() if sorted(k) != sorted(KINDS)}
    assert not unbalanced, f"{name}: cards without exactly one answer of each kind: {unbalanced}"
    assert len(kinds_per_card) == SETS[name]
    assert Counter(r.kind for r in records) == {k: SETS[name] for k in KINDS}


def test_records_list_their_cards_key_points_in_bank_order(
    bank: ContentBank, labelled: tuple[str, list[Record]]
) -> None:
    _, records = labelled
    stale = []
    for r in records:
        card = bank.cards.get(r.card_id)
        if card is not None and list(card.key_points) != r.points:
            stale.append(
                f"{r.where} ({r.card_id}, {r.kind}): relabel against the bank's key points "
                f"{list(card.key_points)}; the record has {r.points}"
            )
    assert not stale, "key points changed in the bank:\n" + "\n".join(stale)


def test_every_area_is_represented(bank: ContentBank, labelled: tuple[str, list[Record]]) -> None:
    name, records = labelled
    seen = set()
    for r in records:
        card = bank.cards.get(r.card_id)
        area = bank.area_of_card(card) if card else None
        if area is not None:
            seen.add(area.id)
    # An area whose every card is labelled in another set already (the interview area is
    # small) cannot be in a new set: each card is in one set only.
    elsewhere = {r.card_id for other in sorted(SETS) if other != name for r in read_set(other)}
    exhausted = {
        area
        for area in bank.areas
        if all(
            card_id in elsewhere
            for card_id, card in bank.cards.items()
            if (found := bank.area_of_card(card)) is not None and found.id == area
        )
    }
    missing = set(bank.areas) - seen - exhausted
    assert not missing, f"{name} has no card from areas {sorted(missing)}"


def test_answers_never_copy_a_key_point(labelled: tuple[str, list[Record]]) -> None:
    _, records = labelled
    copied = [
        f"{r.where} ({r.card_id}, {r.kind}) contains {p!r}"
        for r in records
        for p in r.points
        if len(p.split()) >= 4 and p.lower() in r.answer.lower()
    ]
    assert not copied, "answers must say the idea in the candidate's own words:\n" + "\n".join(
        copied
    )


def test_labels_match_the_kind_of_answer(labelled: tuple[str, list[Record]]) -> None:
    """Strong ticks nearly every point, partial some but clearly fewer, wrong at most one."""
    _, records = labelled
    bad = []
    for r in records:
        ticked, total = sum(r.covered), len(r.covered)
        ok = {
            "strong": ticked >= total - 1,
            "partial": 1 <= ticked <= (total + 1) // 2 + 1 and ticked < total - 1,
            "wrong": ticked <= 1,
        }[r.kind]
        if not ok:
            bad.append(f"{r.where} ({r.card_id}, {r.kind}): {ticked}/{total} points ticked")
    assert not bad, "\n".join(bad)


def test_no_card_is_in_two_sets() -> None:
    """A held-out card that also sits in another set would leak its answers into tuning."""
    cards = {name: {r.card_id for r in read_set(name)} for name in sorted(SETS)}
    shared = [
        f"{a} and {b}: {sorted(cards[a] & cards[b])}"
        for i, a in enumerate(sorted(cards))
        for b in sorted(cards)[i + 1 :]
        if cards[a] & cards[b]
    ]
    assert not shared, "cards in two sets:\n" + "\n".join(shared)
