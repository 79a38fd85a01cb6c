"""The main window: a sidebar of screens (Ctrl+1…), menus, and the content-problem notice.

Start-up is in two steps so the first card is on screen as soon as possible: the window
is built with only the Review screen, and `finish_startup` (run right after the first paint
when launched as the app, at once otherwise) does the rest: the search index, the daily
backup, an unfinished quiz. Every other screen is built the first time it is needed.
"""

from __future__ import annotations

import linecache
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QProcess, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.domain.study_day import StudySettings
from app.services.context import AppContext
from app.services.review_service import ReviewService
from app.ui.background import run_in_background
from app.ui.interop_menu import InteropActions
from app.ui.review_view import ReviewView
from app.ui.theme import is_dark, sidebar_style

if TYPE_CHECKING:  # the other screens are imported when first built, not at start-up
    from app.services.backup_service import BackupService
    from app.services.stories import StoryService
    from app.ui.browse_view import BrowseScreen
    from app.ui.graph_view import GraphScreen
    from app.ui.quiz_view import QuizView
    from app.ui.stats_view import StatsScreen
    from app.ui.stories.round import BehaviouralRound
    from app.ui.stories.screen import StoriesScreen


def forget_imported_sources() -> None:
    """Drop the source text PySide6 read while modules were being imported.

    PySide6 reads the source of every module imported after it (looking for its
    `__feature__` switches) and Python's line cache keeps it: the ORM and networkx alone
    leave tens of megabytes of text behind that nothing else uses. Tracebacks read
    sources again on demand."""
    linecache.clearcache()


@dataclass
class Screen:
    name: str
    title: str
    button: QToolButton
    index: int
    build: Callable[[], QWidget]
    placeholder: QWidget  # holds the screen's place in the stack until it is built
    widget: QWidget | None = None


class MainWindow(QMainWindow):
    """Hosts every screen; screens are added with `add_screen` and reached by Ctrl+N."""

    bank_changed = Signal()  # the user's own cards changed (edit or import); ctx.bank reloaded

    def __init__(self, ctx: AppContext, *, defer_startup: bool = False) -> None:
        super().__init__()
        self.ctx = ctx
        self.screens: dict[str, Screen] = {}
        self.started = False
        self._backups: BackupService | None = None
        self._stories: StoryService | None = None
        self.behavioural: BehaviouralRound | None = None  # the Quiz's behavioural round
        self.setObjectName("main-window")
        self.resize(1100, 760)
        central = QWidget()
        outer = QHBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.sidebar = QWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar_layout = QVBoxLayout(self.sidebar)
        self.sidebar_layout.setContentsMargins(8, 12, 8, 12)
        self.sidebar_layout.setSpacing(4)
        self.sidebar_layout.addStretch(1)
        self.sidebar.setFixedWidth(112)
        self.sidebar.setStyleSheet(sidebar_style(is_dark()))
        self.nav_group = QButtonGroup(self)
        self.nav_group.setExclusive(True)
        self.stack = QStackedWidget()
        outer.addWidget(self.sidebar)
        outer.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._build_menus()

        self.review = ReviewView(ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings))
        self.review.concept_requested.connect(self.show_concept_on_graph)
        self.review.scope_cleared.connect(self.study_all)
        self.add_screen("review", "Review", lambda: self.review, index=1)
        self.add_screen("quiz", "Quiz", self._build_quiz, index=2)
        self.add_screen("graph", "Graph", self._build_graph, index=3)
        self.add_screen("browse", "Browse", self._build_browse, index=4)
        self.add_screen("stats", "Stats", self._build_stats, index=5)
        self.add_screen("stories", "Stories", self._build_stories, index=6)
        self.bank_changed.connect(self._on_bank_changed)
        self.backup_timer = QTimer(self)
        self.show_screen("review")
        self.review.refresh()
        if not defer_startup:
            self.finish_startup()

    def finish_startup(self) -> None:
        """Everything the first card did not need to wait for (runs once)."""
        if self.started:
            return
        self.started = True
        ctx = self.ctx
        self.review.prepare_answer()
        ctx.sync_search_index()
        if ctx.integrity_checked:
            self.backups.backup_at_start()
        else:  # the first card did not wait for the full check; it reads the whole file
            run_in_background(self, self.backups.check_then_back_up, self._database_checked)
        self.backup_timer.setInterval(int(self.backups.policy.interval.total_seconds() * 1000))
        self.backup_timer.timeout.connect(self._back_up_during_use)
        self.backup_timer.start()
        self._show_content_problems()
        if ctx.recovery is not None:
            QTimer.singleShot(0, self.tell_about_recovery)
        if ctx.has_unfinished_quiz():
            self.show_screen("quiz")  # offer to resume or discard the interrupted quiz

    def _back_up_during_use(self) -> None:
        """Every half hour of use, on a worker thread: copying a big database takes seconds."""
        run_in_background(self, self.backups.backup_during_use, self._backed_up)

    def _backed_up(self, result: object) -> None:
        if isinstance(result, Exception):
            self.statusBar().showMessage(f"The automatic backup failed: {result}", 15000)

    def _database_checked(self, problem: object) -> None:
        """The background check's verdict: on damage, offer to restore and restart."""
        if isinstance(problem, Exception):
            self.statusBar().showMessage(f"The database check could not run: {problem}", 15000)
            return
        if problem is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "The database is damaged",
            f"Lattice found damage in its database ({problem}). It can set the damaged file "
            "aside (it is kept, not deleted), restore the newest healthy backup and restart. "
            "Until then, what you do may not be saved.",
            parent=self,
        )
        box.setObjectName("damage-message")
        restore = box.addButton("Restore and restart", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore)
        box.finished.connect(lambda _r: self._recover(box.clickedButton() is restore))
        box.open()

    def _recover(self, confirmed: bool) -> None:
        if not confirmed:
            self.statusBar().showMessage("The database is damaged: File ▸ Backups… restores one")
            return
        self.review.service.close()
        recovery = self.backups.recover_now()
        self.ctx.recovery = recovery
        QMessageBox.information(self, "Lattice recovered your data", self.recovery_text())
        self.restart()

    @property
    def backups(self) -> BackupService:
        if self._backups is None:
            from app.services.backup_service import BackupService

            self._backups = BackupService(self.ctx)
        return self._backups

    # -- the screens, each built on first use ---------------------------------------------
    def _screen(self, name: str) -> QWidget:
        screen = self.screens[name]
        if screen.widget is None:
            widget = screen.widget = screen.build()
            forget_imported_sources()
            self.stack.insertWidget(self.stack.indexOf(screen.placeholder), widget)
            self.stack.removeWidget(screen.placeholder)
            screen.placeholder.deleteLater()
            return widget
        return screen.widget

    def is_built(self, name: str) -> bool:
        return self.screens[name].widget is not None

    @property
    def quiz(self) -> QuizView:
        return self._screen("quiz")  # type: ignore[return-value]

    @property
    def graph(self) -> GraphScreen:
        return self._screen("graph")  # type: ignore[return-value]

    @property
    def browse(self) -> BrowseScreen:
        return self._screen("browse")  # type: ignore[return-value]

    @property
    def stats(self) -> StatsScreen:
        return self._screen("stats")  # type: ignore[return-value]

    @property
    def stories(self) -> StoriesScreen:
        return self._screen("stories")  # type: ignore[return-value]

    @property
    def story_service(self) -> StoryService:
        """One story service for the Stories screen and the Quiz's behavioural round."""
        if self._stories is None:
            from app.services.stories import StoryService

            self._stories = StoryService(self.ctx)
        return self._stories

    def _build_quiz(self) -> QWidget:
        from app.services.quiz_service import QuizService
        from app.storage.quiz_store import QuizStore
        from app.ui.quiz_view import QuizView

        ctx = self.ctx
        quiz = QuizView(
            QuizService(
                ctx.bank,
                ctx.store,
                QuizStore(ctx.store.engine),
                ctx.clock,
                desired_retention=ctx.settings.desired_retention,
                card_order=lambda: ctx.card_order,
            )
        )
        quiz.study_requested.connect(self.study_cards)
        quiz.schedule_changed.connect(self.review.refresh)
        quiz.set_graph_handler(self.show_concept_on_graph)
        self._attach_behavioural_round(quiz)
        return quiz

    def _attach_behavioural_round(self, quiz: QWidget) -> None:
        from app.services.story_rehearsal import RehearsalService
        from app.ui.stories.quiz_hook import attach_behavioural_round

        service = RehearsalService(self.story_service, self.ctx.clock)
        self.behavioural = attach_behavioural_round(quiz, service)
        self.behavioural.rehearsed.connect(self._stories_rehearsed)

    def _stories_rehearsed(self) -> None:
        if self.is_built("stories"):
            self.stories.reload()

    def _build_stories(self) -> QWidget:
        from app.ui.stories.screen import StoriesScreen

        stories = StoriesScreen(self.story_service)
        stories.rehearse_requested.connect(self.rehearse_story)
        stories.content_changed.connect(self.bank_changed.emit)
        return stories

    def rehearse_story(self, story_id: str) -> None:
        """The Stories screen's *Rehearse*: a behavioural round telling that story."""
        self.show_screen("quiz")
        assert self.behavioural is not None
        self.behavioural.start_for_story(story_id)

    def _build_graph(self) -> QWidget:
        from app.services.graph_service import GraphService
        from app.ui.graph_view import GraphScreen

        graph = GraphScreen(GraphService(self.ctx))
        graph.study_requested.connect(self.study_cards)
        graph.quiz_requested.connect(self.quiz_on_concept)
        return graph

    def _build_browse(self) -> QWidget:
        from app.services.authoring import AuthoringService
        from app.services.browse_service import BrowseService
        from app.ui.browse_view import BrowseScreen

        self.ctx.sync_search_index()  # no-op unless the content changed since start-up
        browse = BrowseScreen(BrowseService(self.ctx), AuthoringService(self.ctx))
        browse.graph_requested.connect(self.show_concept_on_graph)
        browse.progress_changed.connect(self.review.refresh)
        browse.content_changed.connect(self.bank_changed.emit)
        return browse

    def _build_stats(self) -> QWidget:
        from app.services.stats_service import StatsService
        from app.ui.stats_view import StatsScreen

        return StatsScreen(StatsService(self.ctx))

    # -- screens --------------------------------------------------------------------------
    def add_screen(self, name: str, title: str, build: Callable[[], QWidget], index: int) -> None:
        """Register a screen reached by Ctrl+`index`; the sidebar is kept in index order.
        `build` makes its widget the first time the screen is shown."""
        button = QToolButton()
        button.setObjectName(f"nav-{name}")
        button.setText(f"{title}\nCtrl+{index}")
        button.setCheckable(True)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setMinimumHeight(52)
        button.setFixedWidth(96)
        button.clicked.connect(lambda _=False, n=name: self.show_screen(n))
        self.nav_group.addButton(button)
        position = sum(1 for s in self.screens.values() if s.index < index)
        self.sidebar_layout.insertWidget(position, button)
        placeholder = QWidget()
        self.stack.insertWidget(position, placeholder)
        self.screens[name] = Screen(name, title, button, index, build, placeholder)
        action = QAction(title, self)
        action.setShortcut(QKeySequence(f"Ctrl+{index}"))
        action.triggered.connect(lambda _=False, n=name: self.show_screen(n))
        self.view_menu.addAction(action)

    def study_all(self) -> None:
        ctx = self.ctx
        self.review.set_scope(ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings), "")

    def show_concept_on_graph(self, concept_id: str) -> None:
        self.show_screen("graph")
        self.graph.select_concept(concept_id)

    def show_screen(self, name: str) -> None:
        screen = self.screens[name]
        fresh = screen.widget is None
        widget = self._screen(name)
        if name == "graph":
            self.graph.refresh_knowledge()
        elif name == "browse" and not fresh and self.current_screen_or_none() != "browse":
            self.browse.reload()  # reviews and quizzes since it was last shown
        elif name == "stats" and not fresh:
            self.stats.refresh()
        elif name == "stories" and not fresh:
            self.stories.reload()  # rehearsals and files changed since it was last shown
        self.stack.setCurrentWidget(widget)
        screen.button.setChecked(True)
        self.setWindowTitle(f"{screen.title} — {APP_NAME}")
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def study_cards(self, card_ids: list[str], title: str = "") -> None:
        """Restrict the Review screen to `card_ids` (a concept, or a quiz's weakest concepts)."""
        ctx = self.ctx
        service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings, scope=card_ids)
        self.review.set_scope(service, title)
        self.show_screen("review")

    def quiz_on_concept(self, concept_id: str) -> None:
        """The graph's *Quiz me on this*: a quiz on the concept and its prerequisites."""
        self.show_screen("quiz")
        self.quiz.start_for_concept(concept_id)

    def find_cards(self) -> None:
        """Ctrl+F from any screen: the Browse search box, ready to type."""
        self.show_screen("browse")
        self.browse.focus_search()

    def _on_bank_changed(self) -> None:
        """A user card was added, edited or deleted: every screen sees the new bank
        (screens not built yet will read it when they are)."""
        if self.is_built("graph"):
            self.graph.reload_content()
        if self.is_built("quiz"):
            self.quiz.reload_content()
        self.review.refresh()
        if self.is_built("stats"):
            self.stats.refresh()

    def current_screen_or_none(self) -> str | None:
        widget = self.stack.currentWidget()
        return next((name for name, s in self.screens.items() if s.widget is widget), None)

    def current_screen(self) -> str:
        widget = self.stack.currentWidget()
        return next(name for name, s in self.screens.items() if s.widget is widget)

    # -- menus ----------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        backups_action = QAction("&Backups…", self)
        backups_action.triggered.connect(self.show_backups)
        file_menu.addAction(backups_action)
        settings_action = QAction("&Settings…", self)
        settings_action.setShortcut(QKeySequence("Ctrl+,"))
        settings_action.triggered.connect(self.show_settings)
        file_menu.addAction(settings_action)
        self.interop = InteropActions(self, lambda: self.ctx, self.bank_changed.emit)
        self.interop.install(file_menu, backups_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = QAction("&Undo grade", self)
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.undo_action.triggered.connect(self.undo)
        edit_menu.addAction(self.undo_action)
        find = QAction("&Find cards…", self)
        find.setShortcut(QKeySequence("Ctrl+F"))
        find.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        find.triggered.connect(self.find_cards)
        edit_menu.addAction(find)
        self.view_menu = self.menuBar().addMenu("&Go")
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About Lattice", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def recovery_text(self) -> str:
        recovery = self.ctx.recovery
        if recovery is None:
            return ""
        if recovery.restored_from is not None:
            when = recovery.restored_from.taken_at.astimezone(self.ctx.clock.local_tz)
            restored = f"Your progress was restored from the backup of {when:%a %d %b %Y, %H:%M}."
        else:
            restored = "No healthy backup was found, so Lattice started with an empty history."
        return (
            f"The database could not be read ({recovery.problem}). {restored} "
            f"The damaged file was kept as {recovery.damaged_copy.name} in {recovery.damaged_copy.parent}."
        )

    def tell_about_recovery(self) -> None:
        self.statusBar().showMessage("Progress restored from a backup — see the message", 15000)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Lattice recovered your data",
            self.recovery_text(),
            parent=self,
        )
        box.setObjectName("recovery-message")
        box.open()

    def show_settings(self) -> None:
        from app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx.settings, self)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.settings()))
        dialog.open()

    def apply_settings(self, settings: StudySettings) -> None:
        """Save the study settings and restart the review session (same scope) under them."""
        self.ctx.save_settings(settings)
        ctx, current = self.ctx, self.review.service
        service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, settings, scope=current.scope)
        self.review.set_scope(service, self.review.scope_title)
        if self.is_built("quiz"):
            self.quiz.service.scheduler = service.scheduler

    def show_backups(self) -> None:
        from app.ui.backups_dialog import BackupsDialog

        dialog = BackupsDialog(self.backups, self)
        dialog.restored.connect(self._restart_after_restore)
        dialog.open()

    def _restart_after_restore(self, aside: str) -> None:
        QMessageBox.information(
            self,
            "Backup restored",
            f"The previous database was kept as {aside}. Lattice will now restart.",
        )
        self.restart()

    def restart(self) -> None:
        QProcess.startDetached(sys.executable, sys.argv)
        QApplication.instance().quit()  # type: ignore[union-attr]

    def undo(self) -> None:
        if self.review.undo():
            self.show_screen("review")
            self.statusBar().showMessage("Last grade undone", 3000)
        else:
            self.statusBar().showMessage("Nothing to undo", 3000)

    def _about(self) -> None:
        bank = self.ctx.bank
        QMessageBox.about(
            self,
            "About Lattice",
            f"<b>Lattice</b><br>Study for AI / ML / LLM engineering interviews.<br><br>"
            f"{len(bank.concepts)} concepts, {len(bank.cards)} cards.<br>"
            f"Data folder: {self.ctx.data_dir}",
        )

    # -- content problems -----------------------------------------------------------------
    def _show_content_problems(self) -> None:
        problems = self.ctx.bank.problems
        if not problems:
            return
        files = sorted({str(p.path.name) if p.path else "content" for p in problems})
        button = QPushButton(
            f"⚠ {len(files)} content file{'s' if len(files) != 1 else ''} skipped or incomplete — details"
        )
        button.setObjectName("content-problems")
        button.setFlat(True)
        button.clicked.connect(self.show_content_problems)
        self.statusBar().addPermanentWidget(button)

    def content_problem_text(self) -> str:
        return "\n".join(p.format(self.ctx.content_root) for p in self.ctx.bank.problems)

    def show_content_problems(self) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Content problems")
        box.setText("These files were skipped or partly loaded; everything else is available.")
        box.setDetailedText(self.content_problem_text())
        box.exec()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        # Every grade and quiz answer is committed as it happens; only the draft of an
        # unsubmitted quiz answer is pending, and it is saved here.
        if self.is_built("quiz"):
            self.quiz.save_draft()
        event.accept()
