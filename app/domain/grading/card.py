"""A card graded: its key points against a typed answer, with the phrasings, mistakes and model
answer the content gives them; the card prepared ahead (on the quiz's worker thread) so an
answer is graded in milliseconds; and the check that a card's own model answer trips none of
its points' mistakes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from app.domain.grading.answer_index import AnswerIndex
from app.domain.grading.matching import PointMatch, _support_words, match_key_points
from app.domain.grading.mistakes import MISTAKE_STATED, _symbols_of, _telling_words
from app.domain.grading.model_answer import model_statements
from app.domain.grading.point import _prepare
from app.domain.grading.weights import topic_weights, word_weights
from app.domain.grading.words import key_words

if TYPE_CHECKING:
    from app.domain.content import Card


def grade_card(
    card: Card,
    answer: str,
    bank_points: tuple[str, ...] = (),
    weights: Mapping[str, float] | None = None,
) -> list[PointMatch]:
    """A card's key points against a typed answer, crediting the phrasings the content gives
    and the model answer's own statement of each point (`card_phrasings`); `bank_points`
    (every key point and phrasing of the bank, see `bank_texts`) makes rare words weigh more.
    A caller grading many answers passes the bank's `weights` (`word_weights`) instead: looking
    them up by the texts hashes every text of the bank again, a millisecond or more."""
    phrasings = card_phrasings(card)
    if weights is None:
        weights = word_weights(bank_points) if bank_points else {}
    support = model_statements(card)
    mistakes = card_misconceptions(card)
    weights = topic_weights(weights, card.question, card.key_points, phrasings, support, mistakes)
    return match_key_points(
        card.key_points,
        answer,
        phrasings,
        weights,
        support=support,
        question=card.question,
        misconceptions=mistakes,
    )


def card_phrasings(card: Card) -> tuple[tuple[str, ...], ...]:
    """Each key point's phrasings as the content gives them (`()` where none)."""
    return tuple(card.phrasings) + ((),) * (len(card.key_points) - len(card.phrasings))


def card_misconceptions(card: Card) -> tuple[tuple[str, ...], ...]:
    """Each key point's mistaken claims as the content gives them (`()` where none)."""
    return tuple(card.misconceptions) + ((),) * (len(card.key_points) - len(card.misconceptions))


def own_answer_refusals(card: Card, weights: Mapping[str, float]) -> list[PointMatch]:
    """The card's points its own model answer does not get because it seems to state one of
    their mistakes: a mistake written so that a right answer loses the point too. Quick for
    a card whose answer has no telling word of any of its mistakes (most cards)."""
    index = AnswerIndex(card.answer)
    topic = frozenset(key_words(card.question))
    suspects = []
    every = zip(card.key_points, card_phrasings(card), card_misconceptions(card), strict=True)
    for i, (point, phrasings, mistakes) in enumerate(every):
        known = topic | _symbols_of((point, *phrasings))
        wrongs = [p for text in mistakes if (p := _prepare(text))]
        if any((_telling_words(w) - known) & index.whole.at.keys() for w in wrongs):
            suspects.append(i)
    if not suspects:
        return []
    matches = grade_card(card, card.answer, weights=weights)
    return [matches[i] for i in suspects if matches[i].explanation.startswith(MISTAKE_STATED)]


def prepare_card(card: Card, weights: Mapping[str, float] | None = None) -> None:
    """Work out, ahead of an answer, what grading `card` needs of its own texts: the model
    answer's statements of its points and each point and phrasing prepared (their words
    stemmed). Cached, so the answer is then graded in milliseconds. With the bank's
    `weights`, the card is also graded once against its own key points, which works out
    the parts of its phrasings that only the checks of a claim read."""
    statements = model_statements(card)
    key_words(card.question)
    every = zip(
        card.key_points, card_phrasings(card), card_misconceptions(card), statements, strict=True
    )
    for point, phrasings, mistakes, statement in every:
        for text in (point, *phrasings, *mistakes):
            _prepare(text)
        # The words that may support the point, as `match_key_point` asks for them.
        _support_words(" ".join((statement, *phrasings)), point)
        _support_words(statement, point)
    if weights is not None:
        grade_card(card, ". ".join(card.key_points), weights=weights)
