"""Layout, mastery and next-up rules of the concept map, without a GUI."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import networkx as nx
import pytest

from app.domain.graph_layout import (
    LAYER_GAP,
    GraphShape,
    assign_layers,
    count_crossings,
    force_layout,
    layered_layout,
    neighbourhood,
)
from app.domain.mastery import (
    DEFAULT_MASTERY_THRESHOLD,
    MASTERY_HORIZON,
    concept_mastery,
    next_up,
)
from app.domain.scheduling import CardMemory, CardState, Grade, Scheduler, new_memory
from tests.benchmarks.synthetic import synthetic_shape

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def chain_shape() -> GraphShape:
    return GraphShape(
        nodes=("nn", "attention", "self-attention", "transformer", "llm", "tokens", "loner"),
        requires=(
            ("nn", "attention"),
            ("attention", "self-attention"),
            ("self-attention", "transformer"),
            ("transformer", "llm"),
            ("tokens", "llm"),
        ),
        related=(("llm", "loner"),),
    )


def test_layers_read_left_to_right_along_prerequisites() -> None:
    shape = chain_shape()
    positions = layered_layout(shape)
    for prerequisite, dependent in shape.requires:
        assert positions[prerequisite][0] < positions[dependent][0]
    layers = assign_layers(shape)
    # A source is pulled next to what needs it rather than left at layer 0.
    assert layers["tokens"] == layers["llm"] - 1
    # A concept with only related links sits beside its neighbour.
    assert layers["loner"] == layers["llm"]


def test_layout_is_deterministic() -> None:
    assert layered_layout(chain_shape()) == layered_layout(chain_shape())


def random_dag(nodes: int, edges: int, seed: int) -> GraphShape:
    rng = random.Random(seed)
    names = [f"n{i}" for i in range(nodes)]
    rng.shuffle(names)
    pairs = set()
    while len(pairs) < edges:
        a, b = sorted(rng.sample(range(nodes), 2))
        if b - a < 30:
            pairs.add((names[a], names[b]))
    return GraphShape(nodes=tuple(sorted(names)), requires=tuple(sorted(pairs)), related=())


def test_barycentre_sweeps_reduce_crossings() -> None:
    shape = random_dag(300, 600, seed=3)
    layers = assign_layers(shape)
    # The same layers in the initial (alphabetical) order, before any sweep.
    rows: dict[int, int] = {}
    naive = {}
    for node in shape.nodes:
        row = rows.get(layers[node], 0)
        rows[layers[node]] = row + 1
        naive[node] = (layers[node] * LAYER_GAP, float(row))
    assert count_crossings(shape, layered_layout(shape)) < 0.6 * count_crossings(shape, naive)


def test_neighbourhood_depth_and_force_layout() -> None:
    shape = chain_shape()
    assert neighbourhood(shape, "transformer", 1) == {"transformer", "self-attention", "llm"}
    assert neighbourhood(shape, "transformer", 2) == {
        "transformer",
        "self-attention",
        "llm",
        "attention",
        "tokens",
        "loner",
    }
    nodes = neighbourhood(shape, "llm", 1)
    first = force_layout(shape, nodes, start=layered_layout(shape))
    assert set(first) == nodes
    assert first == force_layout(shape, nodes, start=layered_layout(shape))


def reviewed(card_id: str, days_ago: float, grades: list[Grade]) -> CardMemory:
    scheduler = Scheduler()
    memory = CardMemory(card_id=card_id)
    when = NOW - timedelta(days=days_ago)
    for grade in grades:
        memory = scheduler.grade(memory, grade, when)
        when = memory.due or when
    return memory


def test_mastery_is_mean_recall_a_month_ahead_with_unseen_as_zero() -> None:
    scheduler = Scheduler()
    known = reviewed("a", 0, [Grade.GOOD, Grade.GOOD])  # left learning: a review card
    assert known.state is CardState.REVIEW
    now = NOW + timedelta(days=1)
    ahead = scheduler.retrievability(known, now + MASTERY_HORIZON)
    assert 0.3 < ahead < scheduler.retrievability(known, now) <= 1.0
    assert concept_mastery(["a", "b"], {"a": known}, scheduler, now) == pytest.approx(ahead / 2)
    # Recall decays with time, so mastery does too.
    later = concept_mastery(["a"], {"a": known}, scheduler, NOW + timedelta(days=60))
    assert later < ahead
    assert concept_mastery([], {}, scheduler, NOW) == 0.0


def test_a_single_viewing_does_not_master_a_concept() -> None:
    """Three presses of Easy on a new concept used to show 100 % and unlock what follows."""
    scheduler = Scheduler()
    cards = ["c1", "c2", "c3"]
    easy_once = {cid: scheduler.grade(new_memory(cid), Grade.EASY, NOW) for cid in cards}
    value = concept_mastery(cards, easy_once, scheduler, NOW)
    assert 0.6 < value < DEFAULT_MASTERY_THRESHOLD
    assert next_up({"basics": (), "next": ("basics",)}, {"basics": value}) == ["basics"]


def test_cards_still_in_learning_count_as_zero() -> None:
    scheduler = Scheduler()
    cards = [f"c{i}" for i in range(6)]
    learning = {cid: scheduler.grade(new_memory(cid), Grade.GOOD, NOW) for cid in cards}
    assert all(m.state is CardState.LEARNING for m in learning.values())
    assert all(scheduler.retrievability(m, NOW) > 0.99 for m in learning.values())
    assert concept_mastery(cards, learning, scheduler, NOW) == 0.0


def test_spaced_reviews_build_mastery() -> None:
    scheduler = Scheduler()
    cards = ["c1", "c2", "c3"]
    memories = {cid: reviewed(cid, 60, [Grade.EASY, Grade.GOOD, Grade.GOOD]) for cid in cards}
    assert concept_mastery(cards, memories, scheduler, NOW) >= DEFAULT_MASTERY_THRESHOLD


def test_next_up_follows_prerequisites() -> None:
    shape = chain_shape()
    requires = {n: tuple(p for p, c in shape.requires if c == n) for n in shape.nodes}
    assert next_up(requires, {}) == ["nn", "tokens", "loner"]
    mastery = {"nn": 0.95, "tokens": 0.9, "loner": 0.2}
    assert next_up(requires, mastery) == ["attention", "loner"]
    assert next_up(requires, mastery, threshold=0.96) == ["nn", "tokens", "loner"]


def test_next_up_keeps_the_order_networkx_gave() -> None:
    """The same prerequisite order as networkx's lexicographic topological sort, which it
    replaced, on a bank-sized random graph with partial mastery."""
    shape = synthetic_shape(concepts=800, links=2000, seed=5)
    requires = {n: tuple(p for p, c in shape.requires if c == n) for n in shape.nodes}
    rng = random.Random(3)
    mastery = {n: rng.random() for n in shape.nodes}
    order = {n: rng.randrange(50) for n in shape.nodes}
    graph = shape.prerequisite_graph()
    position = order
    expected = [
        node
        for node in nx.lexicographical_topological_sort(graph, key=lambda n: position.get(n, 0))
        if mastery[node] < 0.8 and all(mastery[p] >= 0.8 for p in graph.predecessors(node))
    ]
    assert next_up(requires, mastery, 0.8, order) == expected
    assert len(expected) > 20
