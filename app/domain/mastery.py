"""How well the user knows each concept, and what to learn next."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from app.domain.content import ContentBank
from app.domain.scheduling import CardMemory, CardState, Scheduler

DEFAULT_MASTERY_THRESHOLD = 0.8
# Mastery asks "will you still recall this in a month?", not "can you recall it right now?":
# straight after a first answer recall is 100 % for any card, so "now" rewards a single
# viewing. A month ahead, one Easy press on a new card predicts about 79 % (FSRS-6 defaults)
# and a card that has come back through two or three spaced reviews about 90 % or more.
MASTERY_HORIZON = timedelta(days=30)
# Cards still in their first learning steps have not shown any durable memory yet.
_NOT_YET_DURABLE = (CardState.NEW, CardState.LEARNING)


def durable_recall(memory: CardMemory | None, scheduler: Scheduler, now: datetime) -> float:
    """Predicted recall `MASTERY_HORIZON` from now; 0 for new cards and cards in learning."""
    if memory is None or memory.state in _NOT_YET_DURABLE:
        return 0.0
    return scheduler.retrievability(memory, now + MASTERY_HORIZON)


def concept_mastery(
    card_ids: Iterable[str],
    memories: Mapping[str, CardMemory],
    scheduler: Scheduler,
    now: datetime,
) -> float:
    """Mean durable recall over all of a concept's cards (see `durable_recall`).

    Unseen cards and cards still in learning count as zero, so a concept is only mastered
    once most of its cards have left learning and are predicted to stick for a month. A
    concept with no cards has mastery 0: nothing about it has been shown to be known.
    """
    values = [durable_recall(memories.get(card_id), scheduler, now) for card_id in card_ids]
    return sum(values) / len(values) if values else 0.0


def all_mastery(
    bank: ContentBank, memories: Mapping[str, CardMemory], scheduler: Scheduler, now: datetime
) -> dict[str, float]:
    by_concept: dict[str, list[str]] = {cid: [] for cid in bank.concepts}
    for card in bank.cards.values():
        by_concept.setdefault(card.concept, []).append(card.id)
    return {
        concept: concept_mastery(ids, memories, scheduler, now)
        for concept, ids in by_concept.items()
    }


def next_up(
    requires: Mapping[str, Sequence[str]],
    mastery: Mapping[str, float],
    threshold: float = DEFAULT_MASTERY_THRESHOLD,
    order: Mapping[str, int] | None = None,
) -> list[str]:
    """Concepts not yet mastered whose prerequisites all are, in prerequisite order.

    With no progress at all this is the set of entry concepts (those with no prerequisites).
    `requires` maps each concept to its prerequisites (the bank's own tuples: a graph
    object of 25,000 concepts would cost megabytes for what this reads once). Ties in
    prerequisite order go to the lower `order`, then to the earlier concept.
    """
    nodes = list(requires)
    known = set(nodes)
    for prerequisites in requires.values():
        for p in prerequisites:
            if p not in known:
                known.add(p)
                nodes.append(p)
    rank = {node: i for i, node in enumerate(nodes)}
    position = order or rank
    waiting = {node: len(requires.get(node, ())) for node in nodes}
    dependents: dict[str, list[str]] = {}
    for node in nodes:
        for p in requires.get(node, ()):
            dependents.setdefault(p, []).append(node)
    heap = [(position.get(n, 0), rank[n], n) for n in nodes if not waiting[n]]
    heapq.heapify(heap)
    ready = []
    while heap:
        _, _, node = heapq.heappop(heap)
        if mastery.get(node, 0.0) < threshold and all(
            mastery.get(p, 0.0) >= threshold for p in requires.get(node, ())
        ):
            ready.append(node)
        for dependent in dependents.get(node, ()):
            waiting[dependent] -= 1
            if not waiting[dependent]:
                heapq.heappush(heap, (position.get(dependent, 0), rank[dependent], dependent))
    return ready
