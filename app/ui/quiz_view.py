"""The Quiz screen: setup and history, a timed question, key-point grading, results.

The countdown is the domain's; a QTimer only asks it how much time is left (from the
injected clock) and repaints, so tests move a FakeClock and call `tick()`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.content import Difficulty
from app.domain.quiz import (
    DEFAULT_COUNT,
    PointMatch,
    QuizSettings,
    ScopeKind,
    Timing,
    format_clock,
    trend,
    urgency,
)
from app.services.quiz_service import QuizResults, QuizRun, QuizService
from app.ui.markdown_view import MarkdownView
from app.ui.quiz_models import (
    AMBER,
    RED,
    ConceptChoices,
    HistoryModel,
    ResultsModel,
    TrendChart,
    score_color,
)
from app.ui.theme import ACCENT

TICK_MS = 200
DRAFT_EVERY = timedelta(seconds=5)
WEAKEST_SHOWN = 3
BAR_COLORS = {"normal": ACCENT, "amber": AMBER, "red": RED}
SETUP, QUESTION, GRADING, RESULTS = range(4)


def _muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setStyleSheet("color: palette(placeholder-text);")
    label.setWordWrap(True)
    return label


def _drop(layout: QGridLayout, widget: QWidget) -> None:
    """Take a widget out now (deleteLater alone would leave it painted until the loop runs)."""
    layout.removeWidget(widget)
    widget.hide()
    widget.deleteLater()


def _heading(text: str, size: int = 15) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"font-size: {size}pt; font-weight: 600;")
    return label


class QuizView(QWidget):
    """A mock interview: one question at a time against the clock, then honest grading."""

    study_requested = Signal(list, str)  # card ids, title: restrict Review to them
    graph_requested = Signal(str)  # concept id
    changed = Signal()  # a quiz answer or result was stored
    schedule_changed = Signal()  # missed cards were rated Again

    def __init__(self, service: QuizService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quiz")
        self.service = service
        self.bank = service.bank
        self.run: QuizRun | None = None
        self.results: QuizResults | None = None
        self.matches: list[PointMatch] = []
        self.graph_handler: Callable[[str], None] | None = None
        self._last_draft: tuple[datetime, str] | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.pages = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 16)
        layout.addWidget(self.pages)
        self.pages.addWidget(self._build_setup())
        self.pages.addWidget(self._build_question())
        self.pages.addWidget(self._build_grading())
        self.pages.addWidget(self._build_results())
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.show_setup()

    # == setup page ========================================================================
    def _build_setup(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
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
        self.resume_button.clicked.connect(self.resume_unfinished)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setObjectName("discard")
        self.discard_button.clicked.connect(self.discard_unfinished)
        banner.addWidget(self.resume_label, 1)
        banner.addWidget(self.resume_button)
        banner.addWidget(self.discard_button)
        outer.addWidget(self.resume_banner)

        columns = QHBoxLayout()
        outer.addLayout(columns, 1)
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

        self.available_label = _muted("")
        form.addRow("", self.available_label)
        self.start_button = QPushButton("Start quiz   (Ctrl+Enter)")
        self.start_button.setObjectName("start-quiz")
        self.start_button.setMinimumHeight(40)
        self.start_button.clicked.connect(self.start_from_setup)
        form.addRow("", self.start_button)
        form_column = QVBoxLayout()
        form_column.addWidget(form_box)
        form_column.addStretch(1)
        self.setup_column = form_column
        for signal in (
            self.scope_group.idToggled,
            self.count_spin.valueChanged,
            self.difficulty_combo.currentIndexChanged,
        ):
            signal.connect(lambda *_: self._update_available())
        columns.addLayout(form_column, 3)

        history_box = QGroupBox("History")
        history = QVBoxLayout(history_box)
        self.trend_label = _muted("")
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
        history.addWidget(_muted("Double-click (or Enter on) a quiz to reopen its results."))
        columns.addWidget(history_box, 2)
        self._shortcut(page, ["Ctrl+Return", "Ctrl+Enter"], self.start_from_setup)
        return page

    def _area_ticked(self, _item: QStandardItem) -> None:
        if self.selected_areas():
            self.scope_areas.setChecked(True)
        self._update_available()

    def _concept_chosen(self) -> None:
        self.scope_concept.setChecked(True)
        self._update_available()

    def selected_areas(self) -> tuple[str, ...]:
        items = (self.area_model.item(row) for row in range(self.area_model.rowCount()))
        return tuple(
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        )

    def settings(self) -> QuizSettings:
        """The settings the setup page shows."""
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
        """Show `settings` on the setup page (command-line options, Quiz me on this)."""
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
        self._update_available()

    def _update_available(self) -> None:
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

    def show_setup(self) -> None:
        self.timer.stop()
        self.run = None
        pending = self.service.unfinished()
        if pending is not None:
            when = pending.started_at.astimezone(self.service.clock.local_tz)
            self.resume_label.setText(
                f"<b>Unfinished quiz</b> from {when:%a %d %b, %H:%M}: "
                f"{pending.answered} of {pending.total} questions answered and saved. "
                "Resume where you left off, or discard it."
            )
        self.resume_banner.setVisible(pending is not None)
        entries = self.service.history()
        self.history_model.set_entries(entries, self.service.clock.local_tz)
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
        self._update_available()
        self._show_page(SETUP)

    def reload_content(self) -> None:
        """The bank changed: offer its concepts (user ones too) and recount what matches."""
        chosen = self.concept_combo.currentData()
        self.concept_combo.blockSignals(True)
        self.concept_choices.set_bank(self.bank)
        self.concept_combo.setCurrentIndex(max(0, self.concept_combo.findData(chosen)))
        self.concept_combo.blockSignals(False)
        self._update_available()

    def has_unfinished(self) -> bool:
        return self.service.unfinished() is not None

    # == starting ==========================================================================
    def start_from_setup(self) -> None:
        if self.pages.currentIndex() == SETUP and self.start_button.isEnabled():
            self.start(self.settings())

    def start(self, settings: QuizSettings) -> bool:
        """Begin a new quiz now; False if no card matches."""
        if not self.service.candidates(settings):
            self.apply_settings(settings)
            self.show_setup()
            return False
        self.apply_settings(settings)
        self.run = self.service.start(settings)
        self._enter_current()
        return True

    def start_for_concept(self, concept_id: str) -> bool:
        """Quiz on one concept and its prerequisites (the graph's *Quiz me on this*)."""
        if concept_id not in self.bank.concepts:
            return False
        base = self.settings()
        settings = QuizSettings(
            count=base.count,
            scope=ScopeKind.CONCEPT,
            concept=concept_id,
            difficulty=None,
            timing=base.timing,
            seconds=base.seconds,
        )
        return self.start(settings)

    def resume_unfinished(self) -> None:
        pending = self.service.unfinished()
        if pending is None:
            self.show_setup()
            return
        self.run = self.service.resume(pending.session_id)
        self._enter_current()

    def discard_unfinished(self) -> None:
        pending = self.service.unfinished()
        if pending is not None:
            self.service.discard(pending.session_id)
        self.show_setup()

    def _enter_current(self) -> None:
        run = self.run
        if run is None:
            self.show_setup()
        elif run.phase == "answering":
            self._show_question()
        elif run.phase == "grading":
            self.matches = self.service.matches(run)
            self._show_grading()
        else:
            self.show_results(run.session_id)

    # == question page =====================================================================
    def _build_question(self) -> QWidget:
        page = QWidget()
        page.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.question_page = page
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        self.q_progress = QLabel()
        self.q_progress.setObjectName("quiz-progress")
        self.q_concept = QLabel()
        self.q_timing = _muted("")
        self.clock_label = QLabel()
        self.clock_label.setObjectName("quiz-clock")
        header.addWidget(self.q_progress)
        header.addWidget(self.q_concept)
        header.addStretch(1)
        header.addWidget(self.q_timing)
        header.addWidget(self.clock_label)
        layout.addLayout(header)
        self.clock_bar = QProgressBar()
        self.clock_bar.setObjectName("quiz-clock-bar")
        self.clock_bar.setRange(0, 1000)
        self.clock_bar.setTextVisible(False)
        self.clock_bar.setFixedHeight(8)
        layout.addWidget(self.clock_bar)
        self.question_label = _heading("", 17)
        self.question_label.setObjectName("quiz-question")
        self.question_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.question_label.setContentsMargins(0, 18, 0, 12)
        layout.addWidget(self.question_label)
        self.answer_stack = QStackedWidget()
        self.answer_box = QPlainTextEdit()
        self.answer_box.setObjectName("quiz-answer")
        self.answer_box.setPlaceholderText(
            "Type your answer here, or answer out loud: typing is optional.\n"
            "Ctrl+Enter submits; when the clock reaches zero the answer is locked."
        )
        self.answer_box.setTabChangesFocus(True)
        paused = QWidget()
        paused_layout = QVBoxLayout(paused)
        paused_layout.addStretch(1)
        paused_title = _heading("Paused", 20)
        paused_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        paused_layout.addWidget(paused_title)
        hint = _muted("The question is hidden and the clock is stopped. Ctrl+P resumes.")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        paused_layout.addWidget(hint)
        paused_layout.addStretch(1)
        self.answer_stack.addWidget(self.answer_box)
        self.answer_stack.addWidget(paused)
        layout.addWidget(self.answer_stack, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(
            _muted("Answer as you would in the interview: structure first, then detail.")
        )
        buttons.addStretch(1)
        self.pause_button = QPushButton("Pause   (Ctrl+P)")
        self.pause_button.setObjectName("quiz-pause")
        self.pause_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.submit_button = QPushButton("Submit   (Ctrl+Enter)")
        self.submit_button.setObjectName("quiz-submit")
        self.submit_button.setMinimumHeight(36)
        self.submit_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.submit_button.clicked.connect(self.submit)
        buttons.addWidget(self.pause_button)
        buttons.addWidget(self.submit_button)
        layout.addLayout(buttons)
        self._shortcut(page, ["Ctrl+Return", "Ctrl+Enter"], self.submit)
        self._shortcut(page, ["Ctrl+P"], self.toggle_pause)
        return page

    def _header_text(self) -> tuple[str, str]:
        run = self.run
        assert run is not None and run.question is not None
        card = run.question.card
        concept = self.bank.concepts.get(card.concept)
        area = self.bank.areas.get(concept.area) if concept else None
        color = area.color if area else "#888888"
        title = html.escape(concept.title if concept else card.concept)
        return (
            f"<b>Question {run.current + 1} of {len(run.questions)}</b>",
            f'&nbsp;&nbsp;<span style="color:{color}; font-weight:600">● {title}</span>',
        )

    def _show_question(self) -> None:
        run = self.run
        assert run is not None and run.question is not None
        progress, concept = self._header_text()
        self.q_progress.setText(progress)
        self.q_concept.setText(concept)
        self.q_timing.setText(
            "whole quiz"
            if run.total_budget is not None
            else f"{format_clock(run.question.budget)} for this question"
        )
        self.question_label.setText(html.escape(run.question.card.question))
        self.answer_box.setReadOnly(False)
        self.answer_box.setPlainText(run.draft_text)
        self.answer_box.moveCursor(self.answer_box.textCursor().MoveOperation.End)
        self.answer_stack.setCurrentIndex(0)
        self.pause_button.setText("Pause   (Ctrl+P)")
        self.service.begin_question(run)
        self._last_draft = (self.service.clock.now(), run.draft_text)
        self._show_page(QUESTION)
        self.answer_box.setFocus(Qt.FocusReason.OtherFocusReason)
        self.tick()
        self.timer.start()

    def tick(self) -> None:
        """Repaint the countdown from the domain clock; lock the answer when it hits zero."""
        run = self.run
        if run is None or run.phase != "answering" or run.countdown is None:
            self.timer.stop()
            return
        countdown = run.countdown
        expired = countdown.expired
        fraction = countdown.fraction_left()
        band = urgency(fraction)
        self.clock_label.setText(format_clock(countdown.remaining()))
        color = BAR_COLORS[band]
        self.clock_label.setStyleSheet(
            f"font-size: 20pt; font-weight: 600; color: {color if band != 'normal' else 'palette(window-text)'};"
        )
        self.clock_label.setProperty("urgency", band)
        self.clock_bar.setValue(round(fraction * 1000))
        self.clock_bar.setProperty("urgency", band)
        self.clock_bar.setStyleSheet(
            f"QProgressBar {{ border: none; border-radius: 4px; background: palette(mid); }}"
            f"QProgressBar::chunk {{ border-radius: 4px; background: {color}; }}"
        )
        if expired:
            self.time_up()
            return
        now = self.service.clock.now()
        text = self.answer_box.toPlainText()
        if self._last_draft is None or (
            now - self._last_draft[0] >= DRAFT_EVERY and text != self._last_draft[1]
        ):
            self.save_draft()

    def save_draft(self) -> None:
        """Keep the unsubmitted answer (on a timer, on pause, on quit)."""
        run = self.run
        if run is not None and run.phase == "answering" and run.countdown is not None:
            text = self.answer_box.toPlainText()
            self.service.save_draft(run, text)
            self._last_draft = (self.service.clock.now(), text)

    def toggle_pause(self) -> None:
        run = self.run
        if run is None or run.phase != "answering" or run.countdown is None:
            return
        countdown = run.countdown
        if countdown.state.value == "paused":
            countdown.resume()
            self.answer_stack.setCurrentIndex(0)
            self.question_label.setText(
                html.escape(run.question.card.question if run.question else "")
            )
            self.pause_button.setText("Pause   (Ctrl+P)")
            self.answer_box.setFocus(Qt.FocusReason.OtherFocusReason)
            self.timer.start()
        else:
            countdown.pause()
            if countdown.state.value != "paused":
                return
            self.save_draft()
            self.question_label.setText("…")
            self.answer_stack.setCurrentIndex(1)
            self.pause_button.setText("Resume   (Ctrl+P)")
            self.question_page.setFocus(Qt.FocusReason.OtherFocusReason)
        self.tick()

    @property
    def paused(self) -> bool:
        run = self.run
        return bool(run and run.countdown and run.countdown.state.value == "paused")

    def submit(self) -> None:
        """Ctrl+Enter: hand in the answer early (a paused clock resumes and stops at once)."""
        run = self.run
        if run is None or run.phase != "answering" or self.pages.currentIndex() != QUESTION:
            return
        self.timer.stop()
        self.answer_box.setReadOnly(True)
        self.matches = self.service.submit(run, self.answer_box.toPlainText())
        self._show_grading()

    def time_up(self) -> None:
        self.submit()

    # == grading page ======================================================================
    def _build_grading(self) -> QWidget:
        page = QWidget()
        page.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.grading_page = page
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        self.g_progress = QLabel()
        self.g_concept = QLabel()
        self.outcome_label = QLabel()
        self.outcome_label.setObjectName("quiz-outcome")
        header.addWidget(self.g_progress)
        header.addWidget(self.g_concept)
        header.addStretch(1)
        header.addWidget(self.outcome_label)
        layout.addLayout(header)
        self.g_question = _heading("", 14)
        self.g_question.setContentsMargins(0, 8, 0, 4)
        layout.addWidget(self.g_question)
        sides = QHBoxLayout()
        mine = QVBoxLayout()
        mine.addWidget(_heading("Your answer", 11))
        self.typed_view = QPlainTextEdit()
        self.typed_view.setObjectName("quiz-typed")
        self.typed_view.setReadOnly(True)
        self.typed_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.typed_view.setPlaceholderText("Nothing typed: grade what you said aloud.")
        mine.addWidget(self.typed_view, 1)
        model = QVBoxLayout()
        model.addWidget(_heading("Model answer", 11))
        self.model_view = MarkdownView()
        self.model_view.setObjectName("quiz-model-answer")
        self.model_view.setFrameShape(QFrame.Shape.StyledPanel)
        model.addWidget(self.model_view, 1)
        sides.addLayout(mine, 1)
        sides.addLayout(model, 1)
        layout.addLayout(sides, 1)
        points_box = QGroupBox("Key points: tick what your answer covered  (keys 1–9)")
        self.points_layout = QGridLayout(points_box)
        self.points_layout.setColumnStretch(1, 1)
        self.point_boxes: list[QCheckBox] = []
        self.point_notes: list[QLabel] = []
        layout.addWidget(points_box)
        bottom = QHBoxLayout()
        self.points_score = QLabel()
        self.points_score.setObjectName("quiz-points-score")
        bottom.addWidget(
            _muted(
                "Pre-ticked points were found in your text by a simple word match; change any you disagree with."
            ),
            1,
        )
        bottom.addWidget(self.points_score)
        self.next_button = QPushButton()
        self.next_button.setObjectName("quiz-next")
        self.next_button.setMinimumHeight(36)
        self.next_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.next_button.clicked.connect(self.confirm_grading)
        bottom.addWidget(self.next_button)
        layout.addLayout(bottom)
        for n in range(1, 10):
            self._shortcut(page, [str(n)], partial(self.toggle_point, n - 1))
        self._shortcut(page, ["Return", "Enter"], self.confirm_grading)
        return page

    def _show_grading(self) -> None:
        run = self.run
        assert run is not None and run.question is not None
        answer = run.answers[run.current]
        progress, concept = self._header_text()
        self.g_progress.setText(progress)
        self.g_concept.setText(concept)
        card = run.question.card
        used = format_clock(answer.seconds_used)
        if answer.timed_out:
            self.outcome_label.setText(
                f'<span style="color:{RED}; font-weight:600">Time\'s up</span> — answer locked at {used}'
            )
        else:
            self.outcome_label.setText(f"Submitted after {used} of {format_clock(answer.budget)}")
        self.g_question.setText(html.escape(card.question))
        self.typed_view.setPlainText(answer.typed)
        self.model_view.show_markdown(card.answer)
        for widget in (*self.point_boxes, *self.point_notes):
            _drop(self.points_layout, widget)
        self.point_boxes, self.point_notes = [], []
        matches = self.matches or self.service.matches(run)
        for i, point in enumerate(card.key_points):
            box = QCheckBox(f"{i + 1}   {point}" if i < 9 else point)
            box.setObjectName(f"quiz-point-{i + 1}")
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            box.setChecked(i < len(answer.covered) and answer.covered[i])
            box.toggled.connect(lambda _=False: self._update_points_score())
            explanation = matches[i].explanation if i < len(matches) else ""
            auto = matches[i].covered if i < len(matches) else False
            note = _muted(("✓ found: " if auto else "✗ ") + explanation)
            self.points_layout.addWidget(box, i, 0)
            self.points_layout.addWidget(note, i, 1)
            self.point_boxes.append(box)
            self.point_notes.append(note)
        last = run.current + 1 >= len(run.questions)
        self.next_button.setText("See results   (Enter)" if last else "Next question   (Enter)")
        self._update_points_score()
        self._show_page(GRADING)
        self.grading_page.setFocus(Qt.FocusReason.OtherFocusReason)

    def covered(self) -> tuple[bool, ...]:
        return tuple(box.isChecked() for box in self.point_boxes)

    def _update_points_score(self) -> None:
        covered = self.covered()
        share = sum(covered) / len(covered) if covered else 0.0
        self.points_score.setText(
            f"<b>{sum(covered)} of {len(covered)}</b> points · "
            f'<span style="color:{score_color(share)}; font-weight:600">{share:.0%}</span>'
        )

    def toggle_point(self, index: int) -> None:
        if self.pages.currentIndex() == GRADING and 0 <= index < len(self.point_boxes):
            self.point_boxes[index].toggle()

    def confirm_grading(self) -> None:
        run = self.run
        if run is None or run.phase != "grading" or self.pages.currentIndex() != GRADING:
            return
        self.service.grade(run, self.covered())
        self.matches = []
        self._enter_current()
        self.changed.emit()

    # == results page ======================================================================
    def _build_results(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.score_label = QLabel()
        self.score_label.setObjectName("quiz-score")
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        top.addWidget(self.score_label)
        top.addSpacing(16)
        top.addWidget(self.summary_label, 1)
        self.back_button = QPushButton("New quiz")
        self.back_button.setObjectName("quiz-new")
        self.back_button.clicked.connect(self.show_setup)
        top.addWidget(self.back_button)
        layout.addLayout(top)
        self.results_model = ResultsModel(self.bank)
        self.results_table = QTableView()
        self.results_table.setObjectName("quiz-results")
        self.results_table.setModel(self.results_model)
        self.results_table.verticalHeader().hide()
        self.results_table.setShowGrid(False)
        self.results_table.setWordWrap(False)
        self.results_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.results_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.results_table, 3)
        bottom = QHBoxLayout()
        concepts_box = QGroupBox("By concept, weakest first")
        self.concepts_layout = QGridLayout(concepts_box)
        self.concepts_layout.setColumnStretch(0, 1)
        self.concepts_layout.setRowStretch(99, 1)
        self.concept_widgets: list[QWidget] = []
        bottom.addWidget(concepts_box, 3)
        actions_box = QGroupBox("What next")
        actions = QVBoxLayout(actions_box)
        self.study_button = QPushButton()
        self.study_button.setObjectName("quiz-study-these")
        self.study_button.clicked.connect(self.study_weakest)
        self.again_button = QPushButton()
        self.again_button.setObjectName("quiz-rate-again")
        self.again_button.clicked.connect(self.rate_missed_again)
        self.again_note = _muted("")
        actions.addWidget(self.study_button)
        actions.addWidget(self.again_button)
        actions.addWidget(self.again_note)
        actions.addStretch(1)
        bottom.addWidget(actions_box, 2)
        layout.addLayout(bottom, 2)
        return page

    def show_results(self, session_id: int) -> None:
        self.timer.stop()
        results = self.service.results(session_id)
        if results is None:
            self.show_setup()
            return
        self.results = results
        self.run = None
        color = score_color(results.score)
        self.score_label.setText(
            f'<span style="font-size:30pt; font-weight:700; color:{color}">{results.score:.0%}</span>'
        )
        answers = results.answers
        used = sum(a.seconds_used for a in answers)
        budget = sum(a.budget for a in answers)
        out = results.timed_out
        unreached = sum(1 for a in answers if not a.reached)
        pauses = sum(a.pauses for a in answers)
        when = results.started_at.astimezone(self.service.clock.local_tz)
        parts = [
            f"<b>{len(answers)} questions</b> on {when:%a %d %b, %H:%M}",
            f"{format_clock(used)} used of {format_clock(budget)}",
            f"{len(out)} ran out of time" if out else "none ran out of time",
        ]
        if unreached:
            parts.append(f"{unreached} not reached")
        if pauses:
            parts.append(f"paused {pauses}×")
        self.summary_label.setText(" · ".join(parts))
        self.results_model.set_answers(answers)
        self._fill_concepts(results)
        missed = len(results.missed)
        if results.again_applied:
            self.again_button.setText("Missed cards rated Again")
            self.again_button.setEnabled(False)
            self.again_note.setText("They are back in your learning queue.")
        else:
            self.again_button.setText(
                f"Rate {missed} missed card{'s' if missed != 1 else ''} Again"
            )
            self.again_button.setEnabled(missed > 0)
            self.again_note.setText(
                "Missed: under half the key points. Nothing changes in your schedule unless you choose this."
            )
        self._show_page(RESULTS)
        self.changed.emit()

    def weakest_concepts(self) -> list[str]:
        if self.results is None:
            return []
        return [row.concept for row in self.results.concepts if row.score < 1.0][:WEAKEST_SHOWN]

    def _fill_concepts(self, results: QuizResults) -> None:
        for widget in self.concept_widgets:
            _drop(self.concepts_layout, widget)
        self.concept_widgets = []
        weakest = set(self.weakest_concepts())
        for row, entry in enumerate(results.concepts[:8]):
            concept = self.bank.concepts.get(entry.concept)
            title = html.escape(concept.title if concept else entry.concept)
            label = QLabel(
                f"{'<b>' if entry.concept in weakest else ''}{title}{'</b>' if entry.concept in weakest else ''}"
                f' <span style="color:palette(placeholder-text)">· {entry.questions} question{"s" if entry.questions != 1 else ""}</span>'
            )
            score = QLabel(
                f'<span style="color:{score_color(entry.score)}; font-weight:600">{entry.score:.0%}</span>'
            )
            self.concepts_layout.addWidget(label, row, 0)
            self.concepts_layout.addWidget(score, row, 1)
            self.concept_widgets += [label, score]
            if entry.concept in weakest and self.graph_handler is not None:
                graph = QPushButton("Show on graph")
                graph.setObjectName(f"quiz-graph-{entry.concept}")
                graph.setFlat(True)
                graph.clicked.connect(lambda _=False, c=entry.concept: self.show_on_graph(c))
                self.concepts_layout.addWidget(graph, row, 2)
                self.concept_widgets.append(graph)
        count = len(weakest)
        self.study_button.setText(
            f"Study these: review the {count} weakest concept{'s' if count != 1 else ''}"
            if count
            else "Nothing weak to study: every point covered"
        )
        self.study_button.setEnabled(bool(count))

    def study_weakest(self) -> None:
        concepts = self.weakest_concepts()
        ids = [card.id for c in concepts for card in self.bank.cards_of(c)]
        if ids:
            titles = [self.bank.concepts[c].title for c in concepts if c in self.bank.concepts]
            self.study_requested.emit(ids, "Weakest in quiz: " + ", ".join(titles))

    def show_on_graph(self, concept_id: str) -> None:
        self.graph_requested.emit(concept_id)
        if self.graph_handler is not None:
            self.graph_handler(concept_id)

    def set_graph_handler(self, handler: Callable[[str], None] | None) -> None:
        """Where *Show on graph* goes; without one the buttons are hidden."""
        self.graph_handler = handler
        if self.results is not None and self.pages.currentIndex() == RESULTS:
            self._fill_concepts(self.results)

    def rate_missed_again(self) -> None:
        if self.results is None:
            return
        count = self.service.rate_missed_again(self.results.session_id)
        self.show_results(self.results.session_id)
        self.again_note.setText(
            f"{count} card{'s' if count != 1 else ''} rated Again: back in your learning queue."
        )
        self.schedule_changed.emit()

    def _open_history(self, index: QModelIndex) -> None:
        if index.isValid():
            self.show_results(self.history_model.entry(index.row()).session_id)

    # == other rounds (the behavioural round hooks in here) =================================
    def add_setup_panel(self, panel: QWidget) -> None:
        """Another way to start a round, shown under *New quiz* on the setup page."""
        self.setup_column.insertWidget(self.setup_column.count() - 1, panel)

    def show_page(self, page: QWidget) -> None:
        """Show another round's page inside the Quiz screen (added on first use)."""
        if self.pages.indexOf(page) < 0:
            self.pages.addWidget(page)
        if self.run is not None and self.run.phase == "answering" and not self.paused:
            self.toggle_pause()  # a running question waits, saved, to be resumed
        self.timer.stop()
        self.pages.setCurrentWidget(page)
        self.setFocusProxy(page)

    # == shared ============================================================================
    def _shortcut(self, page: QWidget, keys: list[str], slot: Callable[[], None]) -> None:
        for key in keys:
            shortcut = QShortcut(QKeySequence(key), page)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        target: QWidget = {
            SETUP: self.start_button,
            QUESTION: self.answer_box,
            GRADING: self.grading_page,
            RESULTS: self.results_table,
        }[index]
        self.setFocusProxy(target)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        # Leaving the screen mid-question pauses the clock rather than letting it run out.
        if self.run is not None and self.run.phase == "answering" and not self.paused:
            self.toggle_pause()
        super().hideEvent(event)
