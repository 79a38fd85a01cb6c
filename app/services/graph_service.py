"""The concept map's data: cached positions, mastery, next-up and concept details."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from app.domain.changes import Changes
from app.domain.clock import Clock
from app.domain.content import ContentBank
from app.domain.graph_layout import GraphShape, Point, force_layout, layered_layout, neighbourhood
from app.domain.mastery import DEFAULT_MASTERY_THRESHOLD, all_mastery, next_up
from app.domain.scheduling import CardMemory, CardState, Scheduler
from app.services.context import AppContext

LAYOUT_KEY = "graph_layout"
PINNED_KEY = "graph_pinned"
VIEW_KEY = "graph_view"
FORCE_LIMIT = 400  # force layout is for neighbourhoods and small views, not the whole map


@dataclass(frozen=True)
class MapFilter:
    """What the map's toolbar asks for: areas hidden, the local graph, the layout mode."""

    hidden_areas: frozenset[str] = frozenset()
    local: bool = False
    centre: str | None = None  # the local graph's centre, when one was chosen
    depth: int = 2
    force: bool = False


@dataclass(frozen=True)
class Arrangement:
    """The nodes a filter shows and where they go."""

    visible: frozenset[str]
    positions: dict[str, Point]  # of the visible nodes only
    centre: str | None  # the local graph's centre actually used


@dataclass(frozen=True)
class CardStatus:
    card_id: str
    question: str
    state: CardState
    due: datetime | None
    suspended: bool = False


def shape_of(bank: ContentBank) -> GraphShape:
    """The map's nodes and links; `related` links are undirected, so each pair appears once."""
    order = {area.id: area.order for area in bank.areas.values()}
    seen: set[tuple[str, str]] = set()
    related: list[tuple[str, str]] = []
    for concept in bank.concepts.values():
        for other in concept.related:
            a, b = sorted((concept.id, other))
            if (a, b) not in seen:
                seen.add((a, b))
                related.append((a, b))
    return GraphShape(
        nodes=tuple(bank.concepts),
        requires=tuple((p, c.id) for c in bank.concepts.values() for p in c.requires),
        related=tuple(related),
        groups={c.id: order.get(c.area, 0) for c in bank.concepts.values()},
        widths={c.id: estimated_width(c.title) for c in bank.concepts.values()},
    )


def estimated_width(title: str) -> float:
    """Approximate drawn width of a node label (10 pt sans); the UI measures exactly."""
    return 7.0 * len(title) + 28.0


class GraphService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.shape = shape_of(ctx.bank)
        self._layout: dict[str, Point] | None = None

    @property
    def bank(self) -> ContentBank:
        return self.ctx.bank

    @property
    def clock(self) -> Clock:
        return self.ctx.clock

    @property
    def local_tz(self) -> tzinfo:
        return self.ctx.clock.local_tz

    def reload(self) -> bool:
        """Follow a change to the bank; True when the map's shape changed (nodes or links)."""
        shape = shape_of(self.ctx.bank)
        if shape.fingerprint() == self.shape.fingerprint():
            return False
        self.shape = shape
        self._layout = None
        return True

    # -- positions ------------------------------------------------------------------------
    def layout(self) -> dict[str, Point]:
        """Layered positions, computed once per content shape and kept in the database."""
        if self._layout is None:
            fingerprint = self.shape.fingerprint()
            cached = self.ctx.store.get_setting(LAYOUT_KEY)
            if isinstance(cached, dict) and cached.get("fingerprint") == fingerprint:
                saved = cached["positions"]
                # Keyed by the bank's own id strings, so the decoded copies can be freed.
                positions = {
                    cid: (float(saved[cid][0]), float(saved[cid][1]))
                    for cid in self.ctx.bank.concepts
                    if cid in saved
                }
            else:
                positions = layered_layout(self.shape)
                self.ctx.store.set_setting(
                    LAYOUT_KEY,
                    {
                        "fingerprint": fingerprint,
                        "positions": {k: list(v) for k, v in positions.items()},
                    },
                )
            positions.update(self.pinned())
            self._layout = positions
        return dict(self._layout)

    def pinned(self) -> dict[str, Point]:
        raw = self.ctx.store.get_setting(PINNED_KEY, {})
        if not isinstance(raw, dict):
            return {}
        return {
            k: (float(v[0]), float(v[1])) for k, v in raw.items() if k in self.ctx.bank.concepts
        }

    def pin(self, concept_id: str, position: Point) -> Changes:
        """Remember where the user dragged a node."""
        pinned = {k: list(v) for k, v in self.pinned().items()}
        pinned[concept_id] = [position[0], position[1]]
        self.ctx.store.set_setting(PINNED_KEY, pinned)
        if self._layout is not None:
            self._layout[concept_id] = position
        return Changes.MAP

    def local_positions(self, centre: str, depth: int) -> dict[str, Point]:
        """Force layout of a neighbourhood, warm-started from the map's positions."""
        nodes = neighbourhood(self.shape, centre, depth)
        base = self.layout()
        positions = force_layout(self.shape, nodes, start={n: base[n] for n in nodes})
        if centre in positions:
            cx, cy = positions[centre]
            positions = {n: (x - cx, y - cy) for n, (x, y) in positions.items()}
        return positions

    def arrange(self, wanted: MapFilter, next_up: Sequence[str] = ()) -> Arrangement:
        """Which concepts the filter shows and where: areas hidden, then the neighbourhood of
        the local graph's centre (the one asked for, else the first 'next up', else the first
        concept), laid out in layers or by force (force only for small views)."""
        bank = self.ctx.bank
        visible = {c.id for c in bank.concepts.values() if c.area not in wanted.hidden_areas}
        centre = None
        if wanted.local:
            centre = wanted.centre or (next_up[0] if next_up else None)
            if centre is None and bank.concepts:
                centre = next(iter(bank.concepts))
            if centre:
                visible &= neighbourhood(self.shape, centre, wanted.depth) | {centre}
        if wanted.local and centre and wanted.force:
            positions = self.local_positions(centre, wanted.depth)
        elif wanted.force and len(visible) <= FORCE_LIMIT:
            base = self.layout()
            positions = force_layout(self.shape, visible, start={n: base[n] for n in visible})
        else:
            positions = self.layout()
        shown = {cid: pos for cid, pos in positions.items() if cid in visible}
        return Arrangement(frozenset(visible), shown, centre)

    # -- knowledge ------------------------------------------------------------------------
    def memories(self) -> dict[str, CardMemory]:
        return self.ctx.store.memories()

    def mastery(self, memories: Mapping[str, CardMemory] | None = None) -> dict[str, float]:
        return all_mastery(
            self.ctx.bank,
            memories if memories is not None else self.memories(),
            Scheduler(self.ctx.settings.scheduler_settings()),  # the learner's own parameters
            self.ctx.clock.now(),
        )

    @property
    def threshold(self) -> float:
        value = self.ctx.store.get_setting("mastery_threshold", DEFAULT_MASTERY_THRESHOLD)
        return float(value) if isinstance(value, int | float) else DEFAULT_MASTERY_THRESHOLD

    def set_threshold(self, value: float) -> Changes:
        self.ctx.store.set_setting("mastery_threshold", min(0.99, max(0.5, value)))
        return Changes.SETTINGS

    def next_up(self, mastery: Mapping[str, float] | None = None) -> list[str]:
        bank = self.ctx.bank
        areas = {area.id: area.order for area in bank.areas.values()}
        count = len(bank.concepts)
        order = {
            cid: areas.get(concept.area, len(areas)) * count + i
            for i, (cid, concept) in enumerate(bank.concepts.items())
        }
        requires = {cid: concept.requires for cid, concept in bank.concepts.items()}
        return next_up(requires, mastery or self.mastery(), self.threshold, order)

    def card_statuses(self, concept_id: str) -> list[CardStatus]:
        cards = self.ctx.bank.cards_of(concept_id)
        memories = self.ctx.store.memories(c.id for c in cards)
        flags = self.ctx.store.flags([c.id for c in cards])
        result = []
        for card in cards:
            memory = memories.get(card.id) or CardMemory(card_id=card.id)
            result.append(
                CardStatus(
                    card.id,
                    card.question,
                    memory.state,
                    memory.due,
                    flags.get(card.id, (False, False))[0],
                )
            )
        return result

    def prerequisites_of(self, concept_id: str) -> list[str]:
        return list(self.ctx.bank.concepts[concept_id].requires)

    def dependents_of(self, concept_id: str) -> list[str]:
        return sorted(c.id for c in self.ctx.bank.concepts.values() if concept_id in c.requires)

    def with_prerequisites(self, concept_id: str) -> set[str]:
        concepts = self.ctx.bank.concepts
        found, todo = {concept_id}, [concept_id]
        while todo:
            concept = concepts.get(todo.pop())
            for prerequisite in concept.requires if concept else ():
                if prerequisite not in found:
                    found.add(prerequisite)
                    todo.append(prerequisite)
        return found

    def card_ids(self, concept_ids: set[str]) -> list[str]:
        return [c.id for c in self.ctx.bank.cards.values() if c.concept in concept_ids]

    def search(self, text: str) -> str | None:
        """Best title match: exact, then prefix, then word prefix, then substring."""
        needle = text.strip().lower()
        if not needle:
            return None
        concepts = list(self.ctx.bank.concepts.values())
        for test in (
            lambda t: t == needle,
            lambda t: t.startswith(needle),
            lambda t: any(w.startswith(needle) for w in t.replace("-", " ").split()),
            lambda t: needle in t,
        ):
            for concept in concepts:
                if test(concept.title.lower()) or test(concept.id):
                    return concept.id
        return None

    # -- persisted view -------------------------------------------------------------------
    def view_state(self) -> dict[str, Any]:
        raw = self.ctx.store.get_setting(VIEW_KEY, {})
        return raw if isinstance(raw, dict) else {}

    def save_view_state(self, state: dict[str, Any]) -> Changes:
        self.ctx.store.set_setting(VIEW_KEY, state)
        return Changes.MAP
