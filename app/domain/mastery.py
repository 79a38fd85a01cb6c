"""How well the user knows each concept, and what to learn next."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import networkx as nx

from app.domain.content import ContentBank
from app.domain.scheduling import CardMemory, Scheduler

DEFAULT_MASTERY_THRESHOLD = 0.8


def concept_mastery(
    card_ids: Iterable[str],
    memories: Mapping[str, CardMemory],
    scheduler: Scheduler,
    now: datetime,
) -> float:
    """Mean predicted recall now over a concept's cards; unseen cards count as zero.

    A concept with no cards has mastery 0: nothing about it has been shown to be known.
    """
    values = []
    for card_id in card_ids:
        memory = memories.get(card_id)
        values.append(scheduler.retrievability(memory, now) if memory else 0.0)
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
    prerequisites: nx.DiGraph,
    mastery: Mapping[str, float],
    threshold: float = DEFAULT_MASTERY_THRESHOLD,
    order: Mapping[str, int] | None = None,
) -> list[str]:
    """Concepts not yet mastered whose prerequisites all are, in prerequisite order.

    With no progress at all this is the set of entry concepts (those with no prerequisites).
    `prerequisites` has an edge from each prerequisite to the concept that needs it.
    """
    position = order or {node: i for i, node in enumerate(prerequisites.nodes)}
    ready = [
        node
        for node in nx.lexicographical_topological_sort(
            prerequisites, key=lambda n: position.get(n, 0)
        )
        if mastery.get(node, 0.0) < threshold
        and all(mastery.get(p, 0.0) >= threshold for p in prerequisites.predecessors(node))
    ]
    return ready
