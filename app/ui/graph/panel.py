"""The selected concept: summary, links, cards and the study and quiz actions."""

from __future__ import annotations

import html
from datetime import datetime, tzinfo

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.content import ContentBank
from app.domain.scheduling import CardState
from app.services.graph_service import CardStatus
from app.services.render import render_markdown
from app.ui.graph.card_status_model import CardStatusModel
from app.ui.markdown_view import MarkdownView
from app.ui.theme import is_dark


class ConceptPanel(QWidget):
    """Summary, links, cards and study actions of the selected concept."""

    link_clicked = Signal(str)
    study = Signal(str, bool)  # concept id, with prerequisites
    quiz = Signal(str)

    def __init__(self, bank: ContentBank) -> None:
        super().__init__()
        self.bank = bank
        self.setObjectName("concept-panel")
        self.concept_id: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.title = QLabel()
        self.title.setObjectName("concept-title")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.mastery = QLabel()
        self.mastery.setObjectName("concept-mastery")
        self.summary = MarkdownView(reading_width=None)
        self.summary.setObjectName("concept-summary")
        self.summary.document().setDocumentMargin(2)
        self.summary.setMaximumHeight(170)
        self.links = QLabel()
        self.links.setObjectName("concept-links")
        self.links.setWordWrap(True)
        self.links.setTextFormat(Qt.TextFormat.RichText)
        self.links.linkActivated.connect(self.link_clicked.emit)
        self.cards = QTableView()
        self.cards.setObjectName("concept-cards")
        self.card_model = CardStatusModel()
        self.cards.setModel(self.card_model)
        self.cards.verticalHeader().hide()
        self.cards.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.cards.setWordWrap(False)
        header = self.cards.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QHBoxLayout()
        self.study_button = QPushButton("Study this concept")
        self.study_button.setObjectName("study-concept")
        self.study_prereq_button = QPushButton("With prerequisites")
        self.study_prereq_button.setObjectName("study-with-prerequisites")
        self.quiz_button = QPushButton("Quiz me on this")
        self.quiz_button.setObjectName("quiz-concept")
        self.study_button.clicked.connect(lambda: self._emit_study(False))
        self.study_prereq_button.clicked.connect(lambda: self._emit_study(True))
        self.quiz_button.clicked.connect(
            lambda: self.concept_id and self.quiz.emit(self.concept_id)
        )
        for button in (self.study_button, self.study_prereq_button, self.quiz_button):
            buttons.addWidget(button)
        layout.addWidget(self.title)
        layout.addWidget(self.mastery)
        layout.addWidget(self.summary)
        layout.addWidget(self.links)
        layout.addLayout(buttons)
        layout.addWidget(self.cards, 1)
        self.show_nothing()

    def _emit_study(self, with_prerequisites: bool) -> None:
        if self.concept_id:
            self.study.emit(self.concept_id, with_prerequisites)

    def show_nothing(self) -> None:
        self.concept_id = None
        self.title.setText("<h3>Select a concept</h3>")
        self.mastery.setText("Click a node to see its summary, links and cards.")
        self.summary.show_html("")
        self.links.setText("")
        self.card_model.set_rows([], None, None)
        for button in (self.study_button, self.study_prereq_button, self.quiz_button):
            button.setEnabled(False)

    def show_concept(
        self,
        concept_id: str,
        mastery: float,
        cards: list[CardStatus],
        links: tuple[list[str], list[str]],
        now: datetime,
        tz: tzinfo,
    ) -> None:
        """The concept with its mastery, cards and (prerequisites, dependents) as links."""
        concept = self.bank.concepts[concept_id]
        area = self.bank.areas.get(concept.area)
        self.concept_id = concept_id
        color = area.color if area else "#888"
        self.title.setText(
            f'<h3 style="margin:0">{html.escape(concept.title)}</h3>'
            f'<span style="color:{color}">● {html.escape(area.title if area else concept.area)}</span>'
        )
        seen = sum(1 for c in cards if c.state is not CardState.NEW)
        self.mastery.setText(
            f"Mastery {round(mastery * 100)}% · {seen} of {len(cards)} cards studied"
        )
        self.summary.show_html(render_markdown(concept.summary, is_dark()))
        prerequisites, dependents = links
        related = [r for r in concept.related if r in self.bank.concepts]
        self.links.setText(
            f"<b>Builds on:</b> {self._links(prerequisites)}<br>"
            f"<b>Leads to:</b> {self._links(dependents)}<br>"
            f"<b>Related:</b> {self._links(related)}"
        )
        self.card_model.set_rows(cards, now, tz)
        for button in (self.study_button, self.study_prereq_button, self.quiz_button):
            button.setEnabled(True)

    def _links(self, ids: list[str]) -> str:
        if not ids:
            return "<i>none</i>"
        return ", ".join(
            f'<a href="{cid}">{html.escape(self.bank.concepts[cid].title)}</a>' for cid in ids
        )
