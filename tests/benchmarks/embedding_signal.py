"""Would a sentence-embedding model help the quiz grader? Measured on the development sets.

For every labelled (answer, key point) pair this takes the highest cosine similarity between
the point (its text, its `also:` phrasings and the model answer's statement of it) and any
window of one or two sentences of the answer, then tries the rule "ticked by the grader, or
similar enough" over a grid of thresholds (optionally also asking the point to be the answer's
closest point by a margin). It prints the grader alone and the best combinations.

Not part of the app or the suite: it needs `sentence-transformers` (and PyTorch) installed
beside the project, and a local copy of a model such as all-MiniLM-L6-v2:

    python tests/benchmarks/embedding_signal.py --model PATH_OR_NAME [--sets dev.jsonl dev2.jsonl]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.domain.content_loader import load_bank  # noqa: E402
from app.domain.grading import (  # noqa: E402
    bank_texts,
    card_phrasings,
    grade_card,
    model_statements,
)
from app.domain.grading.answer_index import _sentences  # noqa: E402
from tests.grading.evaluate import load_records  # noqa: E402


def windows(answer: str) -> list[str]:
    sentences = [answer[a:b].strip() for a, b in _sentences(answer)]
    return sentences + [f"{a} {b}" for a, b in zip(sentences, sentences[1:], strict=False)]


def pairs(sets: list[str]) -> list[dict[str, Any]]:
    """One row per labelled point: the grader's verdict, the label and the texts to embed."""
    bank = load_bank(ROOT / "content")
    every_point = bank_texts(bank.cards.values())
    rows: list[dict[str, Any]] = []
    for name in sets:
        for number, record in enumerate(load_records(name)):
            card = bank.cards[record["card_id"]]
            verdicts = grade_card(card, record["answer"], every_point)
            labels = [p["covered"] for p in record["points"]]
            statements = model_statements(card)
            for i, phrasings in enumerate(card_phrasings(card)):
                point = card.key_points[i]
                texts = [point, *phrasings] + ([statements[i]] if statements[i] else [])
                rows.append(
                    {
                        "answer": (name, number),
                        "label": labels[i],
                        "grader": verdicts[i].covered,
                        "point_texts": texts,
                        "windows": windows(record["answer"]),
                    }
                )
    return rows


def scores(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return f"P {p:.3f}  R {r:.3f}  F1 {2 * p * r / (p + r) if p + r else 0.0:.3f}"


def tally(rows: list[dict[str, Any]], ticks: list[bool]) -> str:
    tp = sum(t and r["label"] for r, t in zip(rows, ticks, strict=True))
    fp = sum(t and not r["label"] for r, t in zip(rows, ticks, strict=True))
    fn = sum(not t and r["label"] for r, t in zip(rows, ticks, strict=True))
    return scores(tp, fp, fn)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="a sentence-transformers model path or name")
    parser.add_argument("--sets", nargs="+", default=["dev.jsonl", "dev2.jsonl"])
    args = parser.parse_args()
    if any(name.startswith("holdout") for name in args.sets):
        parser.error("the held-out sets are for reporting only: measure on development sets")
    from sentence_transformers import SentenceTransformer  # optional, see the docstring

    rows = pairs(args.sets)
    texts = sorted({t for r in rows for t in (*r["point_texts"], *r["windows"])})
    model = SentenceTransformer(args.model, device="cpu")
    vectors = dict(zip(texts, model.encode(texts, normalize_embeddings=True), strict=True))
    for row in rows:
        row["similarity"] = max(
            float(vectors[p] @ vectors[w]) for p in row["point_texts"] for w in row["windows"]
        )
    by_answer: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in rows:
        by_answer.setdefault(row["answer"], []).append(row)
    for group in by_answer.values():
        for row in group:
            rivals = [o["similarity"] for o in group if o is not row]
            row["margin"] = row["similarity"] - max(rivals, default=0.0)
    print(f"{len(rows)} labelled points in {', '.join(args.sets)}")
    print(f"grader alone:              {tally(rows, [r['grader'] for r in rows])}")
    for threshold in (0.55, 0.6, 0.65, 0.7, 0.75, 0.8):
        alone = [r["similarity"] >= threshold for r in rows]
        print(f"similarity >= {threshold:.2f} alone:  {tally(rows, alone)}")
        for margin in (None, 0.0, 0.05, 0.1):
            ticks = [
                r["grader"]
                or (r["similarity"] >= threshold and (margin is None or r["margin"] >= margin))
                for r in rows
            ]
            label = "" if margin is None else f", closest by {margin:.2f}"
            print(f"  grader or similar{label}: {tally(rows, ticks)}")


if __name__ == "__main__":
    main()
