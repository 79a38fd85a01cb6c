"""The Quiz screen: four pages (setup, question, grading, results) and the quiz's flow.

The countdown is the domain's; a QTimer only asks it how much time is left (from the
injected clock) and repaints, so tests move a FakeClock and call `tick()`.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from app.domain.changes import Changes
from app.domain.quiz import PointMatch, QuizSettings, ScopeKind
from app.services.application import Application
from app.services.quiz_service import QuizResults, QuizRun
from app.ui.background import run_detached
from app.ui.quiz.grading_page import GradingPage
from app.ui.quiz.question_page import QuestionPage
from app.ui.quiz.results_page import ResultsPage
from app.ui.quiz.setup_page import SetupPage
from app.ui.quiz.widgets import header_text
from app.ui.screen import Screen

TICK_MS = 200
DRAFT_EVERY = timedelta(seconds=5)
SETUP, QUESTION, GRADING, RESULTS = range(4)


class QuizScreen(Screen):
    """A mock interview: one question at a time against the clock, then honest grading."""

    study_requested = Signal(list, str)  # card ids, title: restrict Review to them
    graph_requested = Signal(str)  # concept id
    WATCHES = Changes.CONTENT | Changes.PROGRESS | Changes.QUIZZES

    def __init__(self, app: Application) -> None:
        super().__init__()
        self.setObjectName("quiz")
        self.service = app.quiz
        self.bank = app.bank
        self.clock = app.clock
        self.run: QuizRun | None = None
        self.results: QuizResults | None = None
        self.matches: list[PointMatch] = []
        self.grading_warmup: threading.Thread | None = None  # see _prepare_grading
        self._last_draft: tuple[datetime, str] | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setup_page = SetupPage(self.service, app.local_tz)
        self.question_page = QuestionPage()
        self.grading_page = GradingPage()
        self.results_page = ResultsPage(self.bank, app.local_tz)
        self.pages = QStackedWidget()
        for page in (self.setup_page, self.question_page, self.grading_page, self.results_page):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 16)
        layout.addWidget(self.pages)
        self.setup_page.start_requested.connect(self.start_from_setup)
        self.setup_page.resume_requested.connect(self.resume_unfinished)
        self.setup_page.discard_requested.connect(self.discard_unfinished)
        self.setup_page.history_opened.connect(self.show_results)
        self.question_page.submit_requested.connect(self.submit)
        self.question_page.pause_requested.connect(self.toggle_pause)
        self.grading_page.confirm_requested.connect(self.confirm_grading)
        self.results_page.new_quiz_requested.connect(self.show_setup)
        self.results_page.study_requested.connect(self.study_weakest)
        self.results_page.rate_again_requested.connect(self.rate_missed_again)
        self.results_page.review_missed_requested.connect(self.review_missed)
        self.results_page.export_requested.connect(self.export_labelled)
        self.results_page.graph_requested.connect(self.graph_requested.emit)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.show_setup()

    def refresh_for(self, changes: Changes) -> None:
        """New cards or concepts, schedules or quizzes: the setup page shows them (a quiz
        under way is left alone)."""
        if changes & Changes.CONTENT:
            self.setup_page.reload_content()
        if self.pages.currentIndex() == SETUP:
            self.setup_page.show_stored()

    # == setup =============================================================================
    def show_setup(self) -> None:
        self.timer.stop()
        self.run = None
        self.setup_page.show_stored()
        self._show_page(SETUP)

    def start_from_setup(self) -> None:
        if self.pages.currentIndex() == SETUP and self.setup_page.can_start():
            self.start(self.setup_page.settings())

    def start(self, settings: QuizSettings) -> bool:
        """Begin a new quiz now; False if no card matches."""
        if not self.service.candidates(settings):
            self.setup_page.apply_settings(settings)
            self.show_setup()
            return False
        self.setup_page.apply_settings(settings)
        opened = self.service.start(settings)
        self.run = opened.run
        self._prepare_grading()
        self._enter_current()
        self.report(opened.changes)
        return True

    def start_for_concept(self, concept_id: str) -> bool:
        """Quiz on one concept and its prerequisites (the graph's *Quiz me on this*)."""
        if concept_id not in self.bank.concepts:
            return False
        base = self.setup_page.settings()
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
        opened = self.service.resume(pending.session_id)
        self.run = opened.run if opened else None
        self._prepare_grading()
        self._enter_current()
        if opened:
            self.report(opened.changes)

    def discard_unfinished(self) -> None:
        pending = self.service.unfinished()
        if pending is not None:
            self.report(self.service.discard(pending.session_id))
        self.show_setup()

    def _prepare_grading(self) -> None:
        """The grader's first answer of a session would wait a second or two for the bank's
        word weights: work them out on a worker thread while the question is answered."""
        run = self.run
        if run is not None:
            self.grading_warmup = run_detached(lambda: self.service.prepare_grading(run))

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

    # == a question ========================================================================
    def _show_question(self) -> None:
        run = self.run
        assert run is not None and run.question is not None
        self.question_page.show_question(run, header_text(run, self.bank))
        self.service.begin_question(run)
        self._last_draft = (self.clock.now(), run.draft_text)
        self._show_page(QUESTION)
        self.question_page.answer_box.setFocus(Qt.FocusReason.OtherFocusReason)
        self.tick()
        self.timer.start()

    def tick(self) -> None:
        """Repaint the countdown from the domain clock; lock the answer when it hits zero."""
        run = self.run
        if run is None or run.phase != "answering" or run.countdown is None:
            self.timer.stop()
            return
        expired = run.countdown.expired
        self.question_page.show_clock(run.countdown)
        if expired:
            self.time_up()
            return
        now = self.clock.now()
        text = self.question_page.typed()
        if self._last_draft is None or (
            now - self._last_draft[0] >= DRAFT_EVERY and text != self._last_draft[1]
        ):
            self.save_draft()

    def save_draft(self) -> None:
        """Keep the unsubmitted answer (on a timer, on pause, on quit)."""
        run = self.run
        if run is not None and run.phase == "answering" and run.countdown is not None:
            text = self.question_page.typed()
            self.report(self.service.save_draft(run, text))
            self._last_draft = (self.clock.now(), text)

    def toggle_pause(self) -> None:
        run = self.run
        if run is None or run.phase != "answering" or run.countdown is None:
            return
        countdown = run.countdown
        if countdown.state.value == "paused":
            countdown.resume()
            self.question_page.show_paused(run, False)
            self.timer.start()
        else:
            countdown.pause()
            if countdown.state.value != "paused":
                return
            self.save_draft()
            self.question_page.show_paused(run, True)
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
        self.question_page.lock()
        submitted = self.service.submit(run, self.question_page.typed())
        self.matches = submitted.matches
        self._show_grading()
        self.report(submitted.changes)

    def time_up(self) -> None:
        self.submit()

    # == grading ===========================================================================
    def _show_grading(self) -> None:
        run = self.run
        assert run is not None and run.question is not None
        matches = self.matches or self.service.matches(run)
        self.grading_page.show_answer(run, header_text(run, self.bank), matches)
        self._show_page(GRADING)
        self.grading_page.setFocus(Qt.FocusReason.OtherFocusReason)

    def covered(self) -> tuple[bool, ...]:
        return self.grading_page.covered()

    def confirm_grading(self) -> None:
        run = self.run
        if run is None or run.phase != "grading" or self.pages.currentIndex() != GRADING:
            return
        changes = self.service.grade(run, self.covered())
        self.matches = []
        self._enter_current()
        self.report(changes)

    # == results ===========================================================================
    def show_results(self, session_id: int) -> None:
        self.timer.stop()
        results = self.service.results(session_id)
        if results is None:
            self.show_setup()
            return
        self.results = results
        self.run = None
        self.results_page.show_results(results)
        self._show_page(RESULTS)

    def weakest_concepts(self) -> list[str]:
        return self.results.weakest if self.results is not None else []

    def study_weakest(self) -> None:
        concepts = self.weakest_concepts()
        ids = [card.id for c in concepts for card in self.bank.cards_of(c)]
        if ids:
            titles = [self.bank.concepts[c].title for c in concepts if c in self.bank.concepts]
            self.study_requested.emit(ids, "Weakest in quiz: " + ", ".join(titles))

    def rate_missed_again(self) -> None:
        if self.results is None:
            return
        rated = self.service.rate_missed_again(self.results.session_id)
        self.show_results(self.results.session_id)
        self.results_page.say_rated_again(rated.count)
        self.report(rated.changes)

    def review_missed(self) -> None:
        """Straight from the results to a review of the missed cards: they are rated Again
        first (unless already), so they are due now in the Review screen."""
        if self.results is None or not self.results.missed:
            return
        if not self.results.again_applied:
            self.rate_missed_again()
        assert self.results is not None
        ids = [a.card_id for a in self.results.missed if a.card_id in self.bank.cards]
        if ids:
            self.study_requested.emit(ids, f"Missed in the quiz ({len(ids)})")

    def export_labelled(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export graded answers", "graded-answers.jsonl", "JSON lines (*.jsonl)"
        )
        if not path:
            return
        try:
            count = self.service.export_labelled(Path(path))
        except OSError as exc:
            QMessageBox.warning(self, "Export graded answers", f"Could not write {path}: {exc}")
            return
        self.results_page.again_note.setText(
            f"{count} graded answer{'s' if count != 1 else ''} written to {Path(path).name}."
        )

    # == other rounds (the behavioural round hooks in here) =================================
    def add_setup_panel(self, panel: QWidget) -> None:
        """Another way to start a round, shown under *New quiz* on the setup page."""
        self.setup_page.add_panel(panel)

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
    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        target: QWidget = {
            SETUP: self.setup_page.start_button,
            QUESTION: self.question_page.answer_box,
            GRADING: self.grading_page,
            RESULTS: self.results_page.results_table,
        }[index]
        self.setFocusProxy(target)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        # Leaving the screen mid-question pauses the clock rather than letting it run out.
        if self.run is not None and self.run.phase == "answering" and not self.paused:
            self.toggle_pause()
        super().hideEvent(event)
