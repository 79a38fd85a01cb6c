"""Synthetic banks for benchmarks: many concepts and links, many cards."""

from __future__ import annotations

import random
from pathlib import Path

from app.domain.graph_layout import GraphShape

AREAS = ["ml-foundations", "deep-learning", "llm", "prompting", "retrieval", "fine-tuning"]


def synthetic_shape(concepts: int = 5000, links: int = 15000, seed: int = 1) -> GraphShape:
    """A prerequisite DAG (2/3 of the links) plus undirected related links (1/3)."""
    rng = random.Random(seed)
    names = [f"c{i:05d}" for i in range(concepts)]
    requires: set[tuple[str, str]] = set()
    related: set[tuple[str, str]] = set()
    while len(requires) < links * 2 // 3:
        a = rng.randrange(concepts - 1)
        b = min(concepts - 1, a + 1 + int(rng.expovariate(1 / 40)))
        requires.add((names[a], names[b]))
    while len(related) < links - len(requires):
        a, b = sorted(rng.sample(range(concepts), 2))
        if (names[a], names[b]) not in requires:
            related.add((names[a], names[b]))
    return GraphShape(
        nodes=tuple(names),
        requires=tuple(sorted(requires)),
        related=tuple(sorted(related)),
        groups={n: i % len(AREAS) for i, n in enumerate(names)},
    )


def write_synthetic_content(
    root: Path, concepts: int, cards_per_concept: int, areas_file: Path
) -> None:
    """A valid content folder of the given size (for loader and review benchmarks)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "areas.yaml").write_text(areas_file.read_text())
    for i in range(concepts):
        requires = f"[s{i - 1:05d}]" if i % 10 else "[]"
        related = f"[s{(i + 7) % concepts:05d}]"
        cards = []
        for j in range(cards_per_concept):
            cards.append(
                f"## Synthetic question {i}.{j} about topic {i}?\n\n```card\nid: s{i:05d}-q{j}\n"
                "difficulty: medium\nseconds: 90\nkey_points:\n  - first point\n  - second point\n"
                f"  - third point\n```\n\nAn answer with **bold** text and `code` number {i * 31 + j}.\n"
            )
        (root / f"s{i:05d}.md").write_text(
            f"---\nid: s{i:05d}\ntitle: Synthetic concept {i}\narea: {AREAS[i % len(AREAS)]}\n"
            f"summary: Concept number {i}.\nrequires: {requires}\nrelated: {related}\n---\n\n"
            + "\n".join(cards)
        )
