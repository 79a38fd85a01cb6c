"""File ▸ Import…: choose an Anki package, a CSV file or a Markdown folder, and a concept.

The dialog only gathers choices and shows what the import service says: what it found, what
would be written, or why it refuses. Nothing is written until Import is pressed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.import_rules import ImportPlan, ImportRefused, ImportTarget
from app.services.card_import import CardImportService, ImportSource, describe, read_source

NEW_CONCEPT = "__new__"
FILE_FILTER = "Cards (*.apkg *.csv *.tsv *.txt);;Anki package (*.apkg);;CSV (*.csv *.tsv *.txt)"


class ImportDialog(QDialog):
    imported = Signal(str, object)  # the summary of what was imported, its Changes

    def __init__(self, service: CardImportService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import cards")
        self.setObjectName("import-dialog")
        self.service = service
        self.source: ImportSource | None = None
        self.plan: ImportPlan | None = None
        self.resize(600, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Import an Anki package (.apkg), a CSV file (question, answer, key points, concept, "
            "difficulty) or a folder of Markdown files in Lattice's format. "
            "Imported cards become your own cards."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.file_button = QPushButton("Choose file…")
        self.file_button.clicked.connect(self.choose_file)
        self.folder_button = QPushButton("Choose folder…")
        self.folder_button.clicked.connect(self.choose_folder)
        row.addWidget(self.file_button)
        row.addWidget(self.folder_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.found = QLabel("No file chosen yet.")
        self.found.setObjectName("import-found")
        self.found.setWordWrap(True)
        layout.addWidget(self.found)

        form = QFormLayout()
        self.concept = QComboBox()
        self.concept.setObjectName("import-concept")
        self.concept.addItem("New concept…", NEW_CONCEPT)
        bank = service.bank
        for concept in sorted(bank.concepts.values(), key=lambda c: c.title.lower()):
            area = bank.areas.get(concept.area)
            self.concept.addItem(
                f"{concept.title}  ({area.title if area else concept.area})", concept.id
            )
        self.title = QLineEdit()
        self.title.setObjectName("import-title")
        self.title.setPlaceholderText("Title of the new concept")
        self.area = QComboBox()
        self.area.setObjectName("import-area")
        for area in sorted(bank.areas.values(), key=lambda a: a.order):
            self.area.addItem(area.title, area.id)
        self.by_deck = QCheckBox("One concept per Anki deck (new concepts in the area below)")
        self.by_deck.setObjectName("import-by-deck")
        self.by_deck.setChecked(True)
        self.by_deck.setVisible(False)
        form.addRow("", self.by_deck)
        form.addRow("Add the cards to", self.concept)
        form.addRow("New concept", self.title)
        form.addRow("In area", self.area)
        layout.addLayout(form)
        self.preview = QLabel("")
        self.preview.setObjectName("import-preview")
        self.preview.setWordWrap(True)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.preview, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setObjectName("import-go")
        self.buttons.accepted.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.concept.currentIndexChanged.connect(self._changed)
        self.title.textChanged.connect(self._changed)
        self.area.currentIndexChanged.connect(self._changed)
        self.by_deck.toggled.connect(self._changed)
        self._changed()

    # -- choices ---------------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import cards", str(Path.home()), FILE_FILTER)
        if path:
            self.set_source(Path(path))

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Folder of Markdown cards", str(Path.home()))
        if path:
            self.set_source(Path(path))

    def set_source(self, path: Path) -> None:
        try:
            self.source = read_source(path)
        except ImportRefused as refused:
            self.source = None
            self._show_found(f"Cannot import: {refused}", error=True)
        else:
            self._show_found(describe(self.source), error=False)
            if not self.title.text():
                self.title.setText(
                    path.stem.replace("_", " ").replace("-", " ").strip().capitalize()
                )
        self._changed()

    def target(self) -> ImportTarget:
        chosen = self.concept.currentData()
        if chosen == NEW_CONCEPT:
            return ImportTarget(
                new_title=self.title.text().strip(),
                area=self.area.currentData() or "",
                by_deck=self.by_deck.isChecked(),
            )
        return ImportTarget(
            concept_id=chosen, area=self.area.currentData() or "", by_deck=self.by_deck.isChecked()
        )

    # -- state -----------------------------------------------------------------------------
    def _show_found(self, text: str, error: bool) -> None:
        self.found.setText(text)
        self.found.setProperty("error", error)
        self.found.setStyleSheet("color: #d9534f;" if error else "")

    def _changed(self) -> None:
        new = self.concept.currentData() == NEW_CONCEPT
        markdown = self.source is not None and not self.source.needs_target
        decks = {c.deck for c in self.source.cards if c.deck} if self.source else set()
        self.by_deck.setVisible(len(decks) > 1)
        self.by_deck.setText(
            f"One concept per Anki deck ({len(decks)} decks; new concepts in the area below)"
        )
        self.concept.setEnabled(not markdown)
        self.title.setEnabled(new and not markdown)
        self.area.setEnabled((new or self.by_deck.isVisible()) and not markdown)
        self.plan = None
        if self.source is None:
            self.preview.setText("")
        elif new and not self.title.text().strip() and self.source.needs_target:
            self.preview.setText("Name the new concept, or choose an existing one.")
        else:
            try:
                self.plan = self.service.plan(self.source, self.target())
            except ImportRefused as refused:
                self.preview.setText(f"Cannot import: {refused}")
            else:
                self.preview.setText("Importing will add:\n" + self.plan.summary())
        self.import_button.setEnabled(self.plan is not None and bool(self.plan.files))

    def do_import(self) -> None:
        if self.plan is None:
            return
        try:
            changes = self.service.commit(self.plan)
        except ImportRefused as refused:
            self.preview.setText(f"Nothing was imported: {refused}")
            self.import_button.setEnabled(False)
            return
        self.imported.emit(self.plan.summary(), changes)
        self.accept()
