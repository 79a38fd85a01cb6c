"""The question header the quiz pages share."""

from __future__ import annotations

import html

from app.domain.content import ContentBank
from app.services.quiz_service import QuizRun


def header_text(run: QuizRun, bank: ContentBank) -> tuple[str, str]:
    """'Question n of m' and the concept's coloured chip, for the question and grading pages."""
    assert run.question is not None
    card = run.question.card
    concept = bank.concepts.get(card.concept)
    area = bank.areas.get(concept.area) if concept else None
    color = area.color if area else "#888888"
    title = html.escape(concept.title if concept else card.concept)
    return (
        f"<b>Question {run.current + 1} of {len(run.questions)}</b>",
        f'&nbsp;&nbsp;<span style="color:{color}; font-weight:600">● {title}</span>',
    )
