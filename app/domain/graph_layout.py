"""Positions of concepts on the map: a layered left-to-right layout and a local force layout.

The layered layout reads along the prerequisites: layers come from networkx's topological
generations, then barycentre sweeps reorder each layer to reduce crossings. It is
deterministic, so the map looks the same every time it opens.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from app.domain.spring import spring_layout

LAYER_GAP = 280.0
ROW_GAP = 64.0
MIN_CLEARANCE = 70.0
SWEEPS = 4
NODE_HEIGHT = 34.0  # a node's drawn height (the UI's pill)
ROW_PITCH = 52.0  # force layouts snap to rows this far apart, so pills never touch vertically
NODE_GAP = 24.0  # the least space between two pills side by side

Point = tuple[float, float]


@dataclass(frozen=True)
class GraphShape:
    """Just what a layout depends on: nodes in a stable order, prerequisite and related edges."""

    nodes: tuple[str, ...]
    requires: tuple[tuple[str, str], ...]  # (prerequisite, dependent)
    related: tuple[tuple[str, str], ...]
    groups: Mapping[str, int] | None = None  # e.g. area order, to keep areas together
    widths: Mapping[str, float] | None = None  # drawn width of each node, to space layers

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for part in (self.nodes, self.requires, self.related):
            digest.update(repr(part).encode())
        for extra in (self.groups, self.widths):
            if extra:
                digest.update(repr(sorted(extra.items())).encode())
        return digest.hexdigest()[:16]

    def prerequisite_graph(self) -> nx.DiGraph:
        graph: nx.DiGraph = nx.DiGraph()
        graph.add_nodes_from(self.nodes)
        graph.add_edges_from(self.requires)
        return graph


def assign_layers(shape: GraphShape) -> dict[str, int]:
    """Topological generations, with pure sources pulled next to what needs them."""
    graph = shape.prerequisite_graph()
    layer: dict[str, int] = {}
    for depth, generation in enumerate(nx.topological_generations(graph)):
        for node in generation:
            layer[node] = depth
    # A source sits just before its earliest dependent instead of far left.
    for node in graph.nodes:
        if graph.in_degree(node) == 0 and graph.out_degree(node) > 0:
            layer[node] = max(0, min(layer[s] for s in graph.successors(node)) - 1)
    # Concepts with no prerequisite links at all go beside a related concept.
    neighbours: dict[str, list[str]] = {n: [] for n in shape.nodes}
    for a, b in shape.related:
        neighbours[a].append(b)
        neighbours[b].append(a)
    for node in graph.nodes:
        if graph.degree(node) == 0:
            linked = [layer[n] for n in neighbours[node] if graph.degree(n) > 0]
            layer[node] = round(sum(linked) / len(linked)) if linked else 0
    return layer


def _barycentre_order(
    layers: list[list[str]],
    up: Mapping[str, list[str]],
    down: Mapping[str, list[str]],
) -> list[list[str]]:
    position: dict[str, float] = {}

    def index(layer: list[str]) -> None:
        for i, node in enumerate(layer):
            position[node] = float(i)

    for layer in layers:
        index(layer)
    for _ in range(SWEEPS):
        for neighbours, sequence in (
            (up, range(1, len(layers))),
            (down, range(len(layers) - 2, -1, -1)),
        ):
            for i in sequence:
                layer = layers[i]
                keyed = []
                for rank, node in enumerate(layer):
                    linked = [position[n] for n in neighbours[node] if n in position]
                    key = sum(linked) / len(linked) if linked else position[node]
                    keyed.append((key, rank, node))
                keyed.sort()
                layers[i] = [node for _, _, node in keyed]
                index(layers[i])
    return layers


def layered_layout(shape: GraphShape) -> dict[str, Point]:
    """Left-to-right layered positions; each layer is centred vertically on y = 0."""
    if not shape.nodes:
        return {}
    layer_of = assign_layers(shape)
    count = max(layer_of.values()) + 1
    groups = shape.groups or {}
    order = {node: i for i, node in enumerate(shape.nodes)}
    layers: list[list[str]] = [[] for _ in range(count)]
    for node in sorted(shape.nodes, key=lambda n: (groups.get(n, 0), order[n])):
        layers[layer_of[node]].append(node)
    up: dict[str, list[str]] = {n: [] for n in shape.nodes}
    down: dict[str, list[str]] = {n: [] for n in shape.nodes}
    for a, b in shape.requires:
        if layer_of[a] < layer_of[b]:
            down[a].append(b)
            up[b].append(a)
    for a, b in shape.related:
        if layer_of[a] < layer_of[b]:
            down[a].append(b)
            up[b].append(a)
        elif layer_of[b] < layer_of[a]:
            down[b].append(a)
            up[a].append(b)
    layers = _barycentre_order(layers, up, down)
    positions: dict[str, Point] = {}
    widths = shape.widths or {}
    x = 0.0
    previous_half = 0.0
    for depth, layer in enumerate(layers):
        # Layers are LAYER_GAP apart, or further when wide labels would otherwise touch.
        half = max((widths.get(n, 0.0) / 2 for n in layer), default=0.0)
        if depth:
            x += max(LAYER_GAP, previous_half + half + MIN_CLEARANCE)
        previous_half = half
        top = -(len(layer) - 1) * ROW_GAP / 2
        for row, node in enumerate(layer):
            positions[node] = (x, top + row * ROW_GAP)
    return positions


def count_crossings(shape: GraphShape, positions: Mapping[str, Point]) -> int:
    """Crossings between prerequisite edges that join adjacent layers (a quality measure)."""
    columns = sorted({x for x, _ in positions.values()})
    next_column = dict(zip(columns, columns[1:], strict=False))
    by_gap: dict[float, list[tuple[float, float]]] = {}
    for a, b in shape.requires:
        (xa, ya), (xb, yb) = positions[a], positions[b]
        if next_column.get(xa) == xb:
            by_gap.setdefault(xa, []).append((ya, yb))
    crossings = 0
    for edges in by_gap.values():
        for i, (a1, b1) in enumerate(edges):
            for a2, b2 in edges[i + 1 :]:
                if (a1 - a2) * (b1 - b2) < 0:
                    crossings += 1
    return crossings


def neighbourhood(shape: GraphShape, centre: str, depth: int) -> set[str]:
    """Concepts within `depth` links of `centre`, following links in either direction."""
    graph = nx.Graph()
    graph.add_nodes_from(shape.nodes)
    graph.add_edges_from(shape.requires)
    graph.add_edges_from(shape.related)
    if centre not in graph:
        return set()
    return set(nx.single_source_shortest_path_length(graph, centre, cutoff=depth))


def force_layout(
    shape: GraphShape,
    nodes: Iterable[str],
    start: Mapping[str, Point] | None = None,
    iterations: int = 60,
) -> dict[str, Point]:
    """Force-directed positions for a small set of nodes, warm-started from `start`.

    Seeded, so the same input always gives the same picture.
    """
    chosen = set(nodes)
    ordered = [n for n in shape.nodes if n in chosen]
    if not ordered:
        return {}
    edges = [(a, b) for a, b in shape.requires + shape.related if a in chosen and b in chosen]
    initial = None
    if start:
        scale = max(1.0, max(max(abs(x), abs(y)) for x, y in start.values()))
        initial = {n: (start[n][0] / scale, start[n][1] / scale) for n in ordered if n in start}
        if len(initial) != len(ordered):
            initial = None
    spread = 110.0 * max(3.0, len(ordered) ** 0.5)
    placed = spring_layout(ordered, edges, initial, iterations=iterations, seed=7, scale=spread)
    return separated(placed, shape.widths or {})


def separated(positions: Mapping[str, Point], widths: Mapping[str, float]) -> dict[str, Point]:
    """The same picture with no two pills overlapping.

    A force layout treats nodes as points, but pills are wide. Each node snaps to the
    nearest row (rows are further apart than a pill is tall), then each row is swept left
    to right, pushing a pill right until it clears its neighbour, and the row is moved back
    so its nodes keep their mean position. The result cannot overlap, whatever the input."""
    rows: dict[int, list[tuple[float, str]]] = {}
    for node, (x, y) in positions.items():
        rows.setdefault(round(y / ROW_PITCH), []).append((x, node))
    result: dict[str, Point] = {}
    for row, members in rows.items():
        members.sort()
        placed: list[tuple[str, float]] = []
        right_edge = float("-inf")
        for x, node in members:
            half = widths.get(node, 0.0) / 2
            centre = max(x, right_edge + NODE_GAP + half)
            placed.append((node, centre))
            right_edge = centre + half
        shift = sum(x for x, _ in members) / len(members) - sum(c for _, c in placed) / len(placed)
        for node, centre in placed:
            result[node] = (centre + shift, row * ROW_PITCH)
    return result


def overlaps(
    positions: Mapping[str, Point], widths: Mapping[str, float], height: float = NODE_HEIGHT
) -> list[tuple[str, str]]:
    """Pairs of nodes whose pills (centred boxes `width` x `height`) overlap."""
    boxes = sorted(
        (x - widths.get(n, 0.0) / 2, x + widths.get(n, 0.0) / 2, y, n)
        for n, (x, y) in positions.items()
    )
    found: list[tuple[str, str]] = []
    for i, (_left, right, y, node) in enumerate(boxes):
        for other_left, _other_right, other_y, other in boxes[i + 1 :]:
            if other_left >= right:
                break
            if abs(other_y - y) < height:
                found.append((node, other))
    return found
