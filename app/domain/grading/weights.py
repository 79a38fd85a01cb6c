"""How much each word of a point weighs: rare words of the bank's key points more, so "model" or
"data" cannot tick a point on their own; the card's question's words and words several of its
points share less, since every answer on the topic, wrong ones included, uses them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from app.domain.grading.words import _point_words, key_words

if TYPE_CHECKING:
    from app.domain.content import Card


# How much a word of the card's question, or one several of its points share, still weighs.
TOPIC_WEIGHT = 0.35
SHARED_WEIGHT = 0.5


def topic_weights(
    weights: Mapping[str, float],
    question: str,
    points: Sequence[str],
    phrasings: Sequence[Sequence[str]] = (),
    support: Sequence[str] = (),
    mistakes: Sequence[Sequence[str]] = (),
) -> dict[str, float]:
    """The weights of the words of a card's points and phrasings, where the question's own
    words, and words several of the points share, weigh less: they name the topic rather
    than a claim about it, and any answer on topic, wrong ones included, uses them. The
    words of the model answer's `support` statements keep the bank's weight (a word no
    point uses is as rare as the rarest), and so do the words of the points' `mistakes`."""
    texts = [*points, *(text for group in phrasings for text in group)]
    adjusted = {w: weights.get(w, 1.0) for text in texts for w in _point_words(text)}
    rarest = max(weights.values(), default=1.0)
    for text in (*support, *(text for group in mistakes for text in group)):
        for word in _point_words(text):
            adjusted.setdefault(word, weights.get(word, rarest))
    counts: dict[str, int] = {}
    for point in points:
        for word in set(_point_words(point)):
            counts[word] = counts.get(word, 0) + 1
    for word, n in counts.items():
        if n >= 2:
            adjusted[word] *= SHARED_WEIGHT
    for word in set(key_words(question)) & adjusted.keys():
        adjusted[word] *= TOPIC_WEIGHT
    return adjusted


def bank_texts(cards: Iterable[Card]) -> tuple[str, ...]:
    """Every key point and phrasing: the texts word weights are counted over, so a telling
    word that only a phrasing uses is rare, not unknown."""
    texts: list[str] = []
    for card in cards:
        texts += card.key_points
        for phrasings in card.phrasings:
            texts += phrasings
    return tuple(texts)


@lru_cache(maxsize=2)
def word_weights(texts: tuple[str, ...]) -> dict[str, float]:
    """Rarer words weigh more (inverse document frequency over the bank's key points), so
    "model" or "data" cannot tick a point on their own."""
    counts: dict[str, int] = {}
    total = 0
    for text in texts:
        total += 1
        for word in set(_point_words(text)):
            counts[word] = counts.get(word, 0) + 1
    if not total:
        return {}
    return {word: 1.0 + math.log(total / n) for word, n in counts.items()}
