"""The map's force layout: plain Python, seeded, and shaped by the links."""

from __future__ import annotations

import math
import subprocess
import sys

from app.domain.spring import spring_layout
from tests.conftest import PROJECT_ROOT


def distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def test_linked_nodes_end_closer_than_unlinked_ones() -> None:
    nodes = ["a", "b", "c", "x", "y", "z"]
    edges = [("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z")]
    positions = spring_layout(nodes, edges, iterations=80, scale=100.0)
    inside = max(distance(positions[p], positions[q]) for p, q in edges)
    across = min(distance(positions[p], positions[q]) for p in "abc" for q in "xyz")
    assert inside < across


def test_fits_the_scale_around_the_origin_and_is_repeatable() -> None:
    nodes = [f"n{i}" for i in range(30)]
    edges = [(f"n{i}", f"n{(i * 7 + 3) % 30}") for i in range(30)]
    start = {n: (float(i % 5), float(i // 5)) for i, n in enumerate(nodes)}
    first = spring_layout(nodes, edges, start, iterations=60, scale=250.0)
    assert first == spring_layout(nodes, edges, start, iterations=60, scale=250.0)
    reach = max(max(abs(x), abs(y)) for x, y in first.values())
    assert math.isclose(reach, 250.0)
    assert abs(sum(x for x, _ in first.values())) < 1e-6
    assert len({(round(x), round(y)) for x, y in first.values()}) == len(nodes)


def test_degenerate_inputs() -> None:
    assert spring_layout([], []) == {}
    assert spring_layout(["only"], [("only", "only")]) == {"only": (0.0, 0.0)}
    two = spring_layout(["a", "b"], [("a", "b"), ("a", "ghost")], scale=10.0)
    assert distance(two["a"], two["b"]) > 0


def test_force_layout_needs_no_numpy() -> None:
    """The packaged app leaves numpy out; the force layout must not need it."""
    script = (
        "import sys; sys.modules['numpy'] = None\n"
        "from app.domain.graph_layout import GraphShape, force_layout, layered_layout\n"
        "shape = GraphShape(('a', 'b', 'c', 'd'), (('a', 'b'), ('b', 'c')), (('c', 'd'),))\n"
        "print(len(force_layout(shape, shape.nodes, start=layered_layout(shape))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "4"
