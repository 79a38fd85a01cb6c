"""The selected concept: summary, links, cards and the study and quiz actions."""

from __future__ import annotations

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

from app.ui.graph.card_status_model import CardStatusModel
from app.ui.markdown_view import MarkdownView


class ConceptPanel(QWidget):
    """Summary, links, cards and study actions of the selected concept."""

    link_clicked = Signal(str)
    study = Signal(str, bool)  # concept id, with prerequisites
    quiz = Signal(str)

    def __init__(self) -> None:
        super().__init__()
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
