"""Small pieces the quiz pages share: labels, key bindings, the question header."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from app.domain.content import ContentBank
from app.services.quiz_service import QuizRun
from app.ui.keys import bind


def muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setStyleSheet("color: palette(placeholder-text);")
    label.setWordWrap(True)
    return label


def heading(text: str, size: int = 15) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"font-size: {size}pt; font-weight: 600;")
    return label


def drop(layout: QGridLayout, widget: QWidget) -> None:
    """Take a widget out now (deleteLater alone would leave it painted until the loop runs)."""
    layout.removeWidget(widget)
    widget.hide()
    widget.deleteLater()


def bind_keys(page: QWidget, keys: list[str], slot: Callable[[], object], what: str) -> None:
    """Keys that work while focus is anywhere on `page` (`what`: for the key list)."""
    bind(page, keys, slot, what)


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
