"""The card editor: write or edit one of your own cards, with a live preview of the answer.

A refused save keeps the dialog open with everything typed, and the reasons shown in red.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QFontDatabase,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.card_writer import CardDraft
from app.domain.content import Card, Difficulty
from app.services.authoring import AuthoringService, NewConcept, SaveResult
from app.services.render import render_markdown
from app.ui.editor_parts import ProblemsLabel, preview_pane, preview_timer, save_cancel_buttons
from app.ui.theme import is_dark

NEW_CONCEPT = "__new__"


class CardEditor(QDialog):
    """Add a card (`card` None) or edit one of the user's cards."""

    saved = Signal(str, object)  # card id, the Changes the save made

    def __init__(
        self,
        service: AuthoringService,
        card: Card | None = None,
        concept_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("card-editor")
        self.service = service
        self.card = card
        self.last_result: SaveResult | None = None
        self.setWindowTitle("Edit your card" if card else "New card")
        self.resize(1000, 720)
        self._preview_timer = preview_timer(self, self.update_preview)
        self._build()
        if card is not None:
            self._load(card)
        elif concept_id:
            self.select_concept(concept_id)
        self._on_concept_changed()
        self.update_preview()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.concept_box = QComboBox()
        self.concept_box.setObjectName("editor-concept")
        self.concept_box.addItem("＋ New concept…", NEW_CONCEPT)
        for concept in self.service.concepts():
            area = self.service.bank.areas.get(concept.area)
            self.concept_box.addItem(
                f"{concept.title}  ·  {area.title if area else concept.area}", concept.id
            )
        self.concept_box.setCurrentIndex(1 if self.concept_box.count() > 1 else 0)
        self.concept_box.currentIndexChanged.connect(self._on_concept_changed)
        form.addRow("Concept", self.concept_box)

        self.new_concept = QGroupBox("New concept")
        self.new_concept.setObjectName("editor-new-concept")
        concept_form = QFormLayout(self.new_concept)
        self.concept_title = QLineEdit()
        self.concept_title.setObjectName("editor-concept-title")
        self.concept_title.setPlaceholderText("e.g. Speculative decoding")
        self.concept_area = QComboBox()
        self.concept_area.setObjectName("editor-concept-area")
        for area in sorted(self.service.bank.areas.values(), key=lambda a: a.order):
            self.concept_area.addItem(area.title, area.id)
        self.concept_summary = QLineEdit()
        self.concept_summary.setObjectName("editor-concept-summary")
        self.concept_summary.setPlaceholderText("One sentence: what it is and why it matters")
        self.requires_model = QStandardItemModel(self)
        for concept in self.service.concepts():
            item = QStandardItem(concept.title)
            item.setData(concept.id, Qt.ItemDataRole.UserRole)
            item.setCheckable(True)
            item.setEditable(False)
            self.requires_model.appendRow(item)
        self.requires_list = QListView()
        self.requires_list.setObjectName("editor-requires")
        self.requires_list.setModel(self.requires_model)
        self.requires_list.setMaximumHeight(110)
        concept_form.addRow("Title", self.concept_title)
        concept_form.addRow("Area", self.concept_area)
        concept_form.addRow("Summary", self.concept_summary)
        concept_form.addRow("Prerequisites", self.requires_list)
        form.addRow(self.new_concept)

        self.question = QLineEdit()
        self.question.setObjectName("editor-question")
        self.question.setPlaceholderText("The question, as an interviewer would ask it")
        form.addRow("Question", self.question)
        row = QHBoxLayout()
        self.difficulty = QComboBox()
        self.difficulty.setObjectName("editor-difficulty")
        for level in Difficulty:
            self.difficulty.addItem(level.value, level.value)
        self.difficulty.setCurrentIndex(1)
        self.seconds = QSpinBox()
        self.seconds.setObjectName("editor-seconds")
        self.seconds.setRange(10, 3600)
        self.seconds.setSingleStep(30)
        self.seconds.setValue(120)
        self.seconds.setSuffix(" s")
        row.addWidget(QLabel("Difficulty"))
        row.addWidget(self.difficulty)
        row.addSpacing(16)
        row.addWidget(QLabel("Time budget"))
        row.addWidget(self.seconds)
        row.addStretch(1)
        form.addRow(row)

        self.answer = QPlainTextEdit()
        self.answer.setObjectName("editor-answer")
        self.answer.setPlaceholderText(
            "The model answer in Markdown: short answer first, then detail, lists, code…"
        )
        self.answer.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.answer.textChanged.connect(self._preview_timer.start)
        self.preview = preview_pane("editor-preview")
        answer_split = QSplitter()
        answer_split.addWidget(self.answer)
        answer_split.addWidget(self.preview)
        answer_split.setSizes([500, 500])
        self.key_points = QPlainTextEdit()
        self.key_points.setObjectName("editor-key-points")
        self.key_points.setPlaceholderText("3 to 7 key points, one per line")
        self.key_points.setMaximumHeight(110)

        self.problems = ProblemsLabel("editor-problems")
        buttons = save_cancel_buttons(self, self.save, ["Ctrl+Return"], "save the card")

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Answer (Markdown) and preview"))
        layout.addWidget(answer_split, 1)
        layout.addWidget(QLabel("Key points"))
        layout.addWidget(self.key_points)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)

    # -- values ---------------------------------------------------------------------------
    def _load(self, card: Card) -> None:
        self.select_concept(card.concept)
        self.concept_box.setEnabled(False)  # a card stays in its concept (and its file)
        self.question.setText(card.question)
        self.answer.setPlainText(card.answer)
        self.key_points.setPlainText("\n".join(card.key_points))
        self.difficulty.setCurrentIndex(self.difficulty.findData(card.difficulty.value))
        self.seconds.setValue(card.seconds)

    def select_concept(self, concept_id: str) -> None:
        index = self.concept_box.findData(concept_id)
        if index >= 0:
            self.concept_box.setCurrentIndex(index)

    def _on_concept_changed(self) -> None:
        self.new_concept.setVisible(self.concept_box.currentData() == NEW_CONCEPT)

    def draft(self) -> CardDraft:
        return CardDraft.build(
            self.question.text(),
            self.answer.toPlainText(),
            self.key_points.toPlainText().splitlines(),
            str(self.difficulty.currentData()),
            self.seconds.value(),
        )

    def new_concept_spec(self) -> NewConcept | None:
        if self.concept_box.currentData() != NEW_CONCEPT:
            return None
        requires = tuple(
            str(self.requires_model.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.requires_model.rowCount())
            if self.requires_model.item(i).checkState() == Qt.CheckState.Checked
        )
        return NewConcept(
            title=self.concept_title.text(),
            area=str(self.concept_area.currentData()),
            summary=self.concept_summary.text(),
            requires=requires,
        )

    def update_preview(self) -> None:
        text = self.answer.toPlainText()
        if text.strip():
            self.preview.show_html(render_markdown(text, is_dark()))
        else:
            self.preview.show_html('<p class="muted">The rendered answer appears here.</p>')

    # -- saving ---------------------------------------------------------------------------
    def save(self) -> None:
        draft = self.draft()
        if self.card is not None:
            result = self.service.update(self.card.id, draft)
        else:
            spec = self.new_concept_spec()
            concept = None if spec else str(self.concept_box.currentData())
            result = self.service.create(draft, concept, spec)
        self.last_result = result
        if not result.ok:
            self.problems.show_problems(result.problems)
            return
        assert result.card_id is not None
        self.saved.emit(result.card_id, result.changes)
        self.accept()
