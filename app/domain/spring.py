"""Fruchterman-Reingold spring layout in plain Python, for the map's local force layout.

networkx's `spring_layout` needs numpy, a 40 MB dependency (with its BLAS) that the packaged
app would carry for this one feature. The force layout only ever runs on neighbourhoods and
small views (at most a few hundred concepts), where this version of the same algorithm is
fast enough: every step moves each node a fixed, cooling distance along its net force, as
networkx does, so the pictures are alike. Seeded, so the same input gives the same output.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence

Point = tuple[float, float]

MIN_DISTANCE = 0.01
STOP_THRESHOLD = 1e-4


def spring_layout(
    nodes: Sequence[str],
    edges: Iterable[tuple[str, str]],
    start: Mapping[str, Point] | None = None,
    iterations: int = 50,
    seed: int = 7,
    scale: float = 1.0,
) -> dict[str, Point]:
    """Positions for `nodes`, centred on the origin with the farthest coordinate at `scale`.

    `start` warm-starts the nodes it places; the others start at seeded random points.
    """
    count = len(nodes)
    if count == 0:
        return {}
    if count == 1:
        return {nodes[0]: (0.0, 0.0)}
    rng = random.Random(seed)
    index = {node: i for i, node in enumerate(nodes)}
    xs: list[float] = []
    ys: list[float] = []
    for node in nodes:
        x, y = start[node] if start and node in start else (rng.random(), rng.random())
        xs.append(float(x))
        ys.append(float(y))
    links = sorted(
        {
            (min(index[a], index[b]), max(index[a], index[b]))
            for a, b in edges
            if a in index and b in index and a != b
        }
    )
    _relax(xs, ys, links, iterations)
    return _rescaled(nodes, xs, ys, scale)


def _relax(xs: list[float], ys: list[float], links: list[tuple[int, int]], iterations: int) -> None:
    count = len(xs)
    k = math.sqrt(1.0 / count)
    k2 = k * k
    temperature = 0.1 * max(max(xs) - min(xs), max(ys) - min(ys))
    cooling = temperature / (iterations + 1)
    min_d2 = MIN_DISTANCE * MIN_DISTANCE
    for _ in range(iterations):
        fx = [0.0] * count
        fy = [0.0] * count
        for i in range(count):  # every pair repels
            xi, yi = xs[i], ys[i]
            for j in range(i + 1, count):
                dx, dy = xi - xs[j], yi - ys[j]
                factor = k2 / max(dx * dx + dy * dy, min_d2)
                fx[i] += dx * factor
                fy[i] += dy * factor
                fx[j] -= dx * factor
                fy[j] -= dy * factor
        for a, b in links:  # linked nodes attract
            dx, dy = xs[a] - xs[b], ys[a] - ys[b]
            factor = max(math.hypot(dx, dy), MIN_DISTANCE) / k
            fx[a] -= dx * factor
            fy[a] -= dy * factor
            fx[b] += dx * factor
            fy[b] += dy * factor
        moved = 0.0
        for i in range(count):
            length = math.hypot(fx[i], fy[i])
            if length < MIN_DISTANCE:
                length = 0.1
            step = temperature / length
            xs[i] += fx[i] * step
            ys[i] += fy[i] * step
            moved += (fx[i] * step) ** 2 + (fy[i] * step) ** 2
        temperature -= cooling
        if math.sqrt(moved) / count < STOP_THRESHOLD:
            break


def _rescaled(
    nodes: Sequence[str], xs: list[float], ys: list[float], scale: float
) -> dict[str, Point]:
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    reach = max(max(abs(x - mean_x) for x in xs), max(abs(y - mean_y) for y in ys))
    factor = scale / reach if reach > 0 else 0.0
    return {
        node: ((x - mean_x) * factor, (y - mean_y) * factor)
        for node, x, y in zip(nodes, xs, ys, strict=True)
    }
