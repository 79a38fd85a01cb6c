"""The whole bundled bank: valid ids and links, one connected map, runnable code, seed coverage."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import networkx as nx
import pytest

from app.domain.content import ContentBank
from app.domain.content_loader import load_bank, prerequisite_graph
from app.locations import content_dir

SEED_ID = re.compile(r"^s\d{3}-q\d{2}$")
SEED_LIST = Path(__file__).resolve().parents[2] / "shared" / "seed-questions.tsv"

PART_1 = """s000-q01 s000-q02 s000-q03 s000-q04 s000-q05 s000-q06 s000-q07 s000-q08 s000-q09 s000-q10
s000-q11 s000-q12 s000-q13 s000-q14 s000-q16 s000-q17 s000-q21 s000-q22 s000-q37 s001-q06
s001-q07 s001-q11 s003-q01 s003-q02 s003-q05 s003-q06 s003-q07 s003-q08 s003-q09 s003-q10
s003-q11 s003-q14 s003-q17 s003-q19 s003-q20 s003-q22 s003-q23 s003-q24 s003-q28 s003-q29
s003-q34 s002-q01 s002-q02 s002-q04 s002-q06 s002-q07 s002-q09 s002-q10 s002-q14 s002-q15
s002-q16 s002-q18 s002-q19 s002-q20 s002-q24 s004-q01 s004-q03 s004-q04 s004-q06 s004-q18
s004-q27""".split()
PART_2 = """s000-q15 s000-q18 s000-q19 s000-q20 s000-q23 s000-q24 s000-q25 s000-q26 s000-q27 s000-q28
s000-q29 s000-q31 s000-q39 s001-q08 s001-q09 s001-q10 s003-q03 s003-q04 s003-q12 s003-q13
s003-q15 s003-q16 s003-q18 s003-q21 s003-q25 s003-q26 s003-q27 s003-q30 s003-q39 s003-q49
s002-q03 s002-q05 s002-q08 s002-q11 s002-q12 s002-q13 s002-q17 s004-q02 s004-q05 s004-q07""".split()
PART_3 = """s000-q30 s000-q32 s000-q33 s000-q34 s000-q35 s000-q36 s000-q38 s000-q40 s001-q01 s001-q02
s001-q03 s001-q04 s001-q05 s003-q31 s003-q32 s003-q33 s003-q35 s003-q36 s003-q37 s003-q38
s003-q40 s003-q41 s003-q42 s003-q43 s003-q44 s003-q45 s003-q46 s003-q47 s003-q48 s003-q50
s002-q21 s002-q22 s002-q23 s004-q08 s004-q09 s004-q10 s004-q11 s004-q12 s004-q13 s004-q14
s004-q15 s004-q16 s004-q17 s004-q19 s004-q20 s004-q21 s004-q22 s004-q23 s004-q24 s004-q25
s004-q26 s004-q28""".split()

PART_AREAS = {
    "part 1": ({"deep-learning", "llm", "prompting", "retrieval"}, 35, 110),
    "part 2": ({"fine-tuning", "evaluation", "agents", "production"}, 30, 90),
    "part 3": ({"ml-foundations", "safety", "product", "interview"}, 35, 90),
}


@pytest.fixture(scope="module")
def bank() -> ContentBank:
    return load_bank(content_dir())


def test_bank_loads_without_problems(bank: ContentBank) -> None:
    assert [p.format(content_dir()) for p in bank.problems] == []


def test_every_concept_is_linked_and_the_map_is_one_piece(bank: ContentBank) -> None:
    lonely = [c.id for c in bank.concepts.values() if not c.requires and not c.related]
    assert lonely == []
    graph = prerequisite_graph(bank).to_undirected()
    for concept in bank.concepts.values():
        graph.add_edges_from((concept.id, other) for other in concept.related)
    components = sorted(nx.connected_components(graph), key=len, reverse=True)
    assert len(components[0]) >= len(bank.concepts) - 3, [sorted(c) for c in components[1:]]
    assert nx.is_directed_acyclic_graph(prerequisite_graph(bank))


@pytest.mark.parametrize(
    "chain",
    [
        ["neural-networks", "attention", "self-attention", "transformer", "llm"],
        ["embeddings", "vector-database", "rag"],
        ["prompt-engineering", "chain-of-thought", "react"],
        ["transformer", "fine-tuning", "lora", "qlora"],
    ],
)
def test_learning_chains_read_naturally(bank: ContentBank, chain: list[str]) -> None:
    graph = prerequisite_graph(bank)
    for earlier, later in zip(chain, chain[1:], strict=False):
        assert nx.has_path(graph, earlier, later), f"{earlier} should lead to {later}"


def test_card_fields_are_sane(bank: ContentBank) -> None:
    for card in bank.cards.values():
        assert card.id.startswith(card.concept) or card.user, card.id
        assert all(SEED_ID.match(s) for s in card.seeds), (card.id, card.seeds)
        words = len(card.answer.split())
        assert 30 <= words <= 900, (card.id, words)
        assert card.question.rstrip().endswith(("?", ".", ")")) or len(card.question) > 10


def test_seed_ids_exist_in_the_seed_list(bank: ContentBank) -> None:
    if not SEED_LIST.is_file():
        pytest.skip("seed question list not present beside this checkout")
    known = {line.split("\t")[0] for line in SEED_LIST.read_text(encoding="utf-8").splitlines()[1:]}
    used = {s for card in bank.cards.values() for s in card.seeds}
    assert used - known == set()


@pytest.mark.parametrize(
    ("part", "ids"), [("part 1", PART_1), ("part 2", PART_2), ("part 3", PART_3)]
)
def test_seed_questions_are_covered(bank: ContentBank, part: str, ids: list[str]) -> None:
    covered = {s for card in bank.cards.values() for s in card.seeds}
    assert sorted(set(ids) - covered) == []


@pytest.mark.parametrize("part", sorted(PART_AREAS))
def test_each_part_has_depth(bank: ContentBank, part: str) -> None:
    areas, min_concepts, min_cards = PART_AREAS[part]
    concepts = [c for c in bank.concepts.values() if c.area in areas]
    cards = [c for c in bank.cards.values() if bank.concepts[c.concept].area in areas]
    assert len(concepts) >= min_concepts
    assert len(cards) >= min_cards


def _runnable_blocks() -> list[tuple[str, str]]:
    bank = load_bank(content_dir())
    blocks = []
    for card in bank.cards.values():
        for block in card.code_blocks():
            if block.language in ("python", "py") and block.runnable:
                blocks.append((f"{card.source.name}:{block.line}", block.code))
    return blocks


def test_the_bank_has_runnable_code() -> None:
    assert len(_runnable_blocks()) >= 20


@pytest.mark.parametrize(("where", "code"), _runnable_blocks())
def test_code_block_runs(where: str, code: str) -> None:
    namespace: dict[str, object] = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, where, "exec"), namespace)  # noqa: S102 - our own content
