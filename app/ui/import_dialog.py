"""File ▸ Import…: choose an Anki package, a CSV file or a Markdown folder, and a concept.

The dialog only gathers choices and shows what the import service says: what it found, what
would be written, or why it refuses. Nothing is written until Import is pressed. Reading the
source and working out the plan run on a worker thread (a big deck takes seconds), with a
progress bar and a Cancel button; the worker never touches a widget, it only returns a value.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
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
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.import_rules import ImportCancelled, ImportPlan, ImportRefused, ImportTarget
from app.services.card_import import (
    CardImportService,
    ImportSource,
    Written,
    describe,
    read_source,
)
from app.ui.background import Job, run_job

NEW_CONCEPT = "__new__"
PLAN_DELAY_MS = 250
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
        working = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setObjectName("import-progress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress_text = QLabel("")
        self.progress_text.setObjectName("import-progress-text")
        self.cancel_button = QPushButton("Cancel reading")
        self.cancel_button.setObjectName("import-cancel")
        self.cancel_button.clicked.connect(self.cancel_work)
        working.addWidget(self.progress_text)
        working.addWidget(self.progress, 1)
        working.addWidget(self.cancel_button)
        layout.addLayout(working)
        self.job: Job | None = None
        self.writing = False  # an import being written is never cancelled half-way
        self._unlocked: list[bool] = []
        self._show_working(False)
        # Typing a concept's title re-plans once the typing pauses, not at every key.
        self.plan_timer = QTimer(self)
        self.plan_timer.setSingleShot(True)
        self.plan_timer.setInterval(PLAN_DELAY_MS)
        self.plan_timer.timeout.connect(self._start_plan)

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
        """Read `path` on a worker thread; the dialog shows progress until it is read."""
        self._forget_source()
        self._show_found(f"Reading {path.name}…", error=False)
        self._start(lambda job: read_source(path, job.report), lambda r: self._source_read(path, r))

    def _source_read(self, path: Path, result: object) -> None:
        if isinstance(result, ImportSource):
            self.source = result
            self._show_found(describe(result), error=False)
            if not self.title.text():
                self.title.setText(
                    path.stem.replace("_", " ").replace("-", " ").strip().capitalize()
                )
        else:
            self._show_found(f"Cannot import: {_reason(result)}", error=True)
        self._changed()

    def _forget_source(self) -> None:
        if self.source is not None:
            self.source.media.discard()
        self.source = None
        self.plan = None

    # -- work off the GUI thread -------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.job is not None or self.plan_timer.isActive()

    def _stop_job(self) -> None:
        self.plan_timer.stop()
        if self.job is not None:
            self.job.cancel()
            self.job = None
            self._show_working(False)

    def _start(self, work: Callable[[Job], object], then: Callable[[object], None]) -> None:
        self._stop_job()

        def done(result: object) -> None:
            self.job = None
            self._show_working(False)
            then(result)

        self.job = run_job(self, work, done, self._show_progress, ImportCancelled)
        self._show_working(True)

    def cancel_work(self) -> None:
        """Stop reading (or planning): the worker stops at its next step, its result unseen.
        An import being written is never stopped half-way."""
        if not self.busy or self.writing:
            return
        self._stop_job()
        if self.source is None:
            self._show_found("Reading was cancelled; nothing was imported.", error=False)
        else:
            self.preview.setText("Cancelled; choose again to see what importing would add.")
        self.import_button.setEnabled(False)

    def _show_progress(self, text: str, share: float) -> None:
        self.progress_text.setText(text)
        self.progress.setValue(round(share * 1000))

    def _show_working(self, working: bool) -> None:
        for widget in (self.progress, self.progress_text, self.cancel_button):
            widget.setVisible(working)
        for widget in (self.file_button, self.folder_button):
            widget.setEnabled(not working)
        if working:
            self.progress.setValue(0)
            self.progress_text.setText("Starting…")
            self.import_button.setEnabled(False)

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
        if self.writing:  # the choices are locked while the import is written
            return
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
        self.import_button.setEnabled(False)
        if self.source is None:
            if not self.busy:
                self.preview.setText("")
        elif new and not self.title.text().strip() and self.source.needs_target:
            self.preview.setText("Name the new concept, or choose an existing one.")
        else:
            self._stop_job()
            self.preview.setText("Working out what importing would add…")
            self.plan_timer.start()
            return
        if self.source is not None:  # nothing to plan: drop a plan under way (not a reading)
            self._stop_job()

    def _start_plan(self) -> None:
        source, target = self.source, self.target()
        if source is not None:
            self._start(lambda job: self.service.plan(source, target), self._planned)

    def _planned(self, result: object) -> None:
        if isinstance(result, ImportPlan):
            self.plan = result
            self.preview.setText("Importing will add:\n" + result.summary())
        else:
            self.preview.setText(f"Cannot import: {_reason(result)}")
        self.import_button.setEnabled(self.plan is not None and bool(self.plan.files))

    def do_import(self) -> None:
        """Write the import on a worker thread (files, history, the new bank read from
        disk) with progress; the bank is swapped in here, on the GUI thread."""
        plan = self.plan
        if plan is None:
            return
        self._start(lambda job: self._write(job, plan), lambda result: self._written(plan, result))
        self._lock_choices(True)

    def _lock_choices(self, writing: bool) -> None:
        """While an import is written nothing can change it or cancel it half-way; after
        it, each choice is as enabled as it was before."""
        self.writing = writing
        widgets = (self.concept, self.title, self.area, self.by_deck, self.cancel_button)
        if writing:
            self._unlocked = [w.isEnabled() for w in widgets]
        for widget, enabled in zip(widgets, self._unlocked, strict=True):
            widget.setEnabled(enabled and not writing)

    def _write(self, job: Job, plan: ImportPlan) -> Written:
        job.report(f"Importing {len(plan.card_ids)} cards…", 0.1)
        return self.service.write(plan)

    def _written(self, plan: ImportPlan, result: object) -> None:
        self._lock_choices(False)
        if not isinstance(result, Written):
            said = (
                "Nothing was imported" if isinstance(result, ImportRefused) else "Importing stopped"
            )
            self.preview.setText(f"{said}: {_reason(result, 'importing')}")
            self.import_button.setEnabled(False)
            return
        changes = self.service.install(result)
        self.imported.emit(plan.summary(), changes)
        self._forget_source()
        self.accept()

    def done(self, result: int) -> None:  # noqa: D401 - Qt's name
        """Closing (Import, Cancel, Esc) stops any reading still going on; an import being
        written finishes first (the dialog closes itself when it is in)."""
        if self.writing:
            self.progress_text.setText("Importing… the dialog closes when it is done")
            return
        self.cancel_work()
        super().done(result)


def _reason(result: object, doing: str = "reading") -> str:
    """What went wrong, in words for the dialog (an unexpected error is named as such)."""
    if isinstance(result, ImportRefused):
        return str(result)
    return f"an unexpected error while {doing} ({type(result).__name__}: {result})"
