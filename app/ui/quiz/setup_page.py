"""The quiz's first page: choose scope, size, difficulty and timing; past quizzes beside it;
the banner offering to resume or discard an unfinished quiz."""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.content import Difficulty
from app.domain.quiz import DEFAULT_COUNT, QuizSettings, ScopeKind, Timing, trend
from app.services.quiz_service import QuizService
from app.ui.quiz.models import ConceptChoices, HistoryModel
from app.ui.quiz.palette import AMBER
from app.ui.quiz.trend_chart import TrendChart
from app.ui.widgets import bind_keys, muted


class SetupPage(QWidget):
    """Reads the quiz service (what matches, history, an unfinished quiz); writes nothing."""

    start_requested = Signal()
    resume_requested = Signal()
    discard_requested = Signal()
    history_opened = Signal(int)  # a past quiz's session id

    def __init__(self, service: QuizService, local_tz: tzinfo) -> None:
        super().__init__()
        self.service = service
        self.bank = service.bank
        self.local_tz = local_tz
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._build_banner())
        columns = QHBoxLayout()
        outer.addLayout(columns, 1)
        columns.addLayout(self._build_form(), 3)
        columns.addWidget(self._build_history(), 2)
        bind_keys(self, ["Ctrl+Return", "Ctrl+Enter"], self.start_requested.emit, "start the quiz")

    def _build_banner(self) -> QFrame:
        self.resume_banner = QFrame()
        self.resume_banner.setObjectName("resume-banner")
        self.resume_banner.setStyleSheet(
            f"#resume-banner {{ border: 1px solid {AMBER}; border-radius: 6px; }}"
        )
        banner = QHBoxLayout(self.resume_banner)
        self.resume_label = QLabel()
        self.resume_label.setWordWrap(True)
        self.resume_button = QPushButton("Resume")
        self.resume_button.setObjectName("resume")
        self.resume_button.clicked.connect(self.resume_requested.emit)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setObjectName("discard")
        self.discard_button.clicked.connect(self.discard_requested.emit)
        banner.addWidget(self.resume_label, 1)
        banner.addWidget(self.resume_button)
        banner.addWidget(self.discard_button)
        return self.resume_banner

    def _build_form(self) -> QVBoxLayout:
        form_box = QGroupBox("New quiz")
        form = QFormLayout(form_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        scope = QVBoxLayout()
        self.scope_group = QButtonGroup(self)
        self.scope_all = QRadioButton("Everything")
        self.scope_areas = QRadioButton("These areas:")
        self.scope_concept = QRadioButton("A concept and its prerequisites:")
        for i, button in enumerate((self.scope_all, self.scope_areas, self.scope_concept)):
            self.scope_group.addButton(button, i)
        self.scope_all.setChecked(True)
        self.area_model = QStandardItemModel(self)
        for area in sorted(self.bank.areas.values(), key=lambda a: a.order):
            if not any(c.area == area.id for c in self.bank.concepts.values()):
                continue
            item = QStandardItem(area.title)
            item.setData(area.id, Qt.ItemDataRole.UserRole)
            item.setCheckable(True)
            item.setEditable(False)
            self.area_model.appendRow(item)
        self.area_list = QListView()
        self.area_list.setObjectName("quiz-areas")
        self.area_list.setModel(self.area_model)
        self.area_list.setMaximumHeight(110)
        self.area_model.itemChanged.connect(self._area_ticked)
        self.concept_combo = QComboBox()
        self.concept_combo.setObjectName("quiz-concept")
        self.concept_choices = ConceptChoices()
        self.concept_choices.set_bank(self.bank)
        self.concept_combo.setModel(self.concept_choices)
        self.concept_combo.currentIndexChanged.connect(lambda _=0: self._concept_chosen())
        scope.addWidget(self.scope_all)
        scope.addWidget(self.scope_areas)
        scope.addWidget(self.area_list)
        scope.addWidget(self.scope_concept)
        scope.addWidget(self.concept_combo)
        form.addRow("Scope", scope)

        self.count_spin = QSpinBox()
        self.count_spin.setObjectName("quiz-count")
        self.count_spin.setRange(1, 200)
        self.count_spin.setValue(DEFAULT_COUNT)
        form.addRow("Questions", self.count_spin)

        self.difficulty_combo = QComboBox()
        self.difficulty_combo.setObjectName("quiz-difficulty")
        self.difficulty_combo.addItem("Any", None)
        for level in Difficulty:
            self.difficulty_combo.addItem(level.value.capitalize(), level.value)
        form.addRow("Difficulty", self.difficulty_combo)

        timing = QGridLayout()
        self.timing_group = QButtonGroup(self)
        self.timing_card = QRadioButton("Each card's own time budget")
        self.timing_fixed = QRadioButton("The same time for every question")
        self.timing_total = QRadioButton("One budget for the whole quiz")
        self.fixed_spin = QSpinBox()
        self.fixed_spin.setRange(10, 3600)
        self.fixed_spin.setValue(120)
        self.fixed_spin.setSuffix(" s each")
        self.total_spin = QSpinBox()
        self.total_spin.setRange(1, 300)
        self.total_spin.setValue(15)
        self.total_spin.setSuffix(" min")
        for row, (button, spin) in enumerate(
            (
                (self.timing_card, None),
                (self.timing_fixed, self.fixed_spin),
                (self.timing_total, self.total_spin),
            )
        ):
            self.timing_group.addButton(button, row)
            timing.addWidget(button, row, 0)
            if spin is not None:
                timing.addWidget(spin, row, 1)
        self.timing_card.setChecked(True)
        form.addRow("Timing", timing)

        self.available_label = muted("")
        form.addRow("", self.available_label)
        self.start_button = QPushButton("Start quiz   (Ctrl+Enter)")
        self.start_button.setObjectName("start-quiz")
        self.start_button.setMinimumHeight(40)
        self.start_button.clicked.connect(self.start_requested.emit)
        form.addRow("", self.start_button)
        form_column = QVBoxLayout()
        form_column.addWidget(form_box)
        form_column.addStretch(1)
        self.form_column = form_column
        for signal in (
            self.scope_group.idToggled,
            self.count_spin.valueChanged,
            self.difficulty_combo.currentIndexChanged,
        ):
            signal.connect(lambda *_: self.update_available())
        return form_column

    def _build_history(self) -> QGroupBox:
        history_box = QGroupBox("History")
        history = QVBoxLayout(history_box)
        self.trend_label = muted("")
        self.trend_chart = TrendChart()
        self.history_model = HistoryModel()
        self.history_table = QTableView()
        self.history_table.setObjectName("quiz-history")
        self.history_table.setModel(self.history_model)
        self.history_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history_table.verticalHeader().hide()
        history_header = self.history_table.horizontalHeader()
        history_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        history_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.history_table.setShowGrid(False)
        self.history_table.activated.connect(self._open_history)
        self.history_table.doubleClicked.connect(self._open_history)
        history.addWidget(self.trend_chart)
        history.addWidget(self.trend_label)
        history.addWidget(self.history_table, 1)
        history.addWidget(muted("Double-click (or Enter on) a quiz to reopen its results."))
        return history_box

    # -- the choices ----------------------------------------------------------------------
    def _area_ticked(self, _item: QStandardItem) -> None:
        if self.selected_areas():
            self.scope_areas.setChecked(True)
        self.update_available()

    def _concept_chosen(self) -> None:
        self.scope_concept.setChecked(True)
        self.update_available()

    def selected_areas(self) -> tuple[str, ...]:
        items = (self.area_model.item(row) for row in range(self.area_model.rowCount()))
        return tuple(
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        )

    def settings(self) -> QuizSettings:
        """The settings the page shows."""
        if self.timing_fixed.isChecked():
            timing, seconds = Timing.FIXED, self.fixed_spin.value()
        elif self.timing_total.isChecked():
            timing, seconds = Timing.TOTAL, self.total_spin.value() * 60
        else:
            timing, seconds = Timing.CARD, self.fixed_spin.value()
        scope = ScopeKind.ALL
        if self.scope_areas.isChecked():
            scope = ScopeKind.AREAS
        elif self.scope_concept.isChecked():
            scope = ScopeKind.CONCEPT
        return QuizSettings(
            count=self.count_spin.value(),
            scope=scope,
            areas=self.selected_areas(),
            concept=self.concept_combo.currentData(),
            difficulty=self.difficulty_combo.currentData(),
            timing=timing,
            seconds=seconds,
        )

    def apply_settings(self, settings: QuizSettings) -> None:
        """Show `settings` (command-line options, Quiz me on this)."""
        self.count_spin.setValue(settings.count)
        for row in range(self.area_model.rowCount()):
            item = self.area_model.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in settings.areas
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        if settings.concept:
            index = self.concept_combo.findData(settings.concept)
            if index >= 0:
                self.concept_combo.setCurrentIndex(index)
        {
            ScopeKind.ALL: self.scope_all,
            ScopeKind.AREAS: self.scope_areas,
            ScopeKind.CONCEPT: self.scope_concept,
        }[settings.scope].setChecked(True)
        self.difficulty_combo.setCurrentIndex(
            max(0, self.difficulty_combo.findData(settings.difficulty))
        )
        if settings.timing is Timing.FIXED:
            self.timing_fixed.setChecked(True)
            self.fixed_spin.setValue(settings.seconds)
        elif settings.timing is Timing.TOTAL:
            self.timing_total.setChecked(True)
            self.total_spin.setValue(max(1, round(settings.seconds / 60)))
        else:
            self.timing_card.setChecked(True)
        self.update_available()

    def update_available(self) -> None:
        settings = self.settings()
        available = len(self.service.candidates(settings))
        if available == 0:
            text = "No cards match this choice."
        elif available < settings.count:
            text = f"Only {available} cards match; the quiz will ask all of them."
        else:
            text = f"{available} cards match; {settings.count} will be drawn, favouring the ones you know least."
        self.available_label.setText(text)
        self.start_button.setEnabled(available > 0)

    def add_panel(self, panel: QWidget) -> None:
        """Another way to start a round, under *New quiz*."""
        self.form_column.insertWidget(self.form_column.count() - 1, panel)

    def can_start(self) -> bool:
        return self.start_button.isEnabled()

    # -- what is stored -------------------------------------------------------------------
    def show_stored(self) -> None:
        """The unfinished quiz (if any), the history and its trend, what matches now."""
        pending = self.service.unfinished()
        if pending is not None:
            when = pending.started_at.astimezone(self.local_tz)
            self.resume_label.setText(
                f"<b>Unfinished quiz</b> from {when:%a %d %b, %H:%M}: "
                f"{pending.answered} of {pending.total} questions answered and saved. "
                "Resume where you left off, or discard it."
            )
        self.resume_banner.setVisible(pending is not None)
        entries = self.service.history()
        self.history_model.set_entries(entries, self.local_tz)
        scores = [e.score for e in entries]
        self.trend_chart.set_scores(scores)
        change = trend(scores)
        if not entries:
            self.trend_label.setText("No quizzes yet.")
        elif change is None:
            self.trend_label.setText(f"1 quiz, {scores[0]:.0%}.")
        else:
            direction = "up" if change > 0.005 else "down" if change < -0.005 else "steady"
            amount = f" {abs(change):.0%}" if direction != "steady" else ""
            self.trend_label.setText(
                f"{len(entries)} quizzes; recent scores {direction}{amount} on the ones before."
            )
        self.update_available()

    def reload_content(self) -> None:
        """The bank changed: offer its concepts (user ones too) and recount what matches."""
        chosen = self.concept_combo.currentData()
        self.concept_combo.blockSignals(True)
        self.concept_choices.set_bank(self.bank)
        self.concept_combo.setCurrentIndex(max(0, self.concept_combo.findData(chosen)))
        self.concept_combo.blockSignals(False)
        self.update_available()

    def _open_history(self, index: QModelIndex) -> None:
        if index.isValid():
            self.history_opened.emit(self.history_model.entry(index.row()).session_id)
