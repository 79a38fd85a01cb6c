"""The main window: a sidebar of screens (Ctrl+1…), menus, and the content-problem notice.

Start-up is in two steps so the first card is on screen as soon as possible: the window
is built with only the Review screen, and `finish_startup` (run right after the first paint
when launched as the app, at once otherwise) does the rest: the search index, the daily
backup, an unfinished quiz. Every other screen is built the first time it is needed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtWidgets  # dialogs, QProcess: built when first used
from PySide6.QtCore import QByteArray, QSize, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QHBoxLayout,
    QMainWindow,
    QMenu,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.domain.changes import Changes
from app.domain.storage_fault import StorageFault
from app.domain.study_day import StudySettings
from app.services.application import Application
from app.ui.background import run_in_background
from app.ui.interop_menu import InteropActions
from app.ui.keys import KeyRow, key_rows
from app.ui.markdown_view import MarkdownView
from app.ui.qt_numbers import APPLICATION_SHORTCUT, TEXT_ONLY, set_property, set_shortcut
from app.ui.review_view import ReviewView
from app.ui.screen import Screen
from app.ui.theme import (
    apply_theme,
    is_dark,
    platform_palette_is_dark,
    sidebar_style,
    system_prefers_dark,
    use_indicator_style,
)

if TYPE_CHECKING:  # the other screens are imported when first built, not at start-up
    from pathlib import Path

    from app.ui.browse import BrowseScreen
    from app.ui.graph import GraphScreen
    from app.ui.help import KeysDialog, WelcomeDialog
    from app.ui.quiz import QuizScreen
    from app.ui.stats_view import StatsScreen
    from app.ui.stories.round import BehaviouralRound
    from app.ui.stories.screen import StoriesScreen


DEFAULT_SIZE = QSize(1280, 820)
THEMES = {"system": "Follow the &system", "light": "&Light", "dark": "&Dark"}
TITLE_BAR_ALLOWANCE = 48  # the window manager's title bar and border, outside our size

ScreenClass = Callable[[Application], Screen]  # a screen is built from the Application


# Each screen's class, imported the first time the screen is shown (a plain import, so the
# packaged build finds the module).
def _quiz() -> ScreenClass:
    from app.ui.quiz import QuizScreen

    return QuizScreen


def _graph() -> ScreenClass:
    from app.ui.graph import GraphScreen

    return GraphScreen


def _browse() -> ScreenClass:
    from app.ui.browse import BrowseScreen

    return BrowseScreen


def _stats() -> ScreenClass:
    from app.ui.stats_view import StatsScreen

    return StatsScreen


def _stories() -> ScreenClass:
    from app.ui.stories.screen import StoriesScreen

    return StoriesScreen


@dataclass(frozen=True)
class ScreenEntry:
    """A screen of the sidebar, reached by Ctrl+<its position>; its class is loaded and
    built (with the `Application`) the first time the screen is shown."""

    name: str
    title: str
    load: Callable[[], ScreenClass]


SCREENS = (
    ScreenEntry("review", "Review", lambda: ReviewView),
    ScreenEntry("quiz", "Quiz", _quiz),
    ScreenEntry("graph", "Graph", _graph),
    ScreenEntry("browse", "Browse", _browse),
    ScreenEntry("stats", "Stats", _stats),
    ScreenEntry("stories", "Stories", _stories),
)

# Signals a screen may have for moving to another screen, and the window's slot for each.
NAVIGATION = {
    "study_requested": "study_cards",  # (card ids, title): review only those
    "graph_requested": "show_concept_on_graph",  # (concept id)
    "quiz_requested": "quiz_on_concept",  # (concept id)
    "rehearse_requested": "rehearse_story",  # (story id): the Quiz's behavioural round
}


@dataclass
class ScreenSlot:
    entry: ScreenEntry
    button: QToolButton
    placeholder: QWidget  # holds the screen's place in the stack until it is built
    widget: Screen | None = None


class MainWindow(QMainWindow):
    """Hosts every screen of `SCREENS`, passes each one's changes to the others."""

    def __init__(self, app: Application, *, defer_startup: bool = False) -> None:
        super().__init__()
        self.app = app
        # Card images and sounds load from this data folder (opened when first needed).
        MarkdownView.media_source = app
        self.screens: dict[str, ScreenSlot] = {}
        self.started = False
        self.behavioural: BehaviouralRound | None = None  # the Quiz's behavioural round
        self.setObjectName("main-window")
        self.fit_to_screen()
        self.statusBar()  # made now, so it has its place from the first paint
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
        self.follow_system = False  # set by apply_theme_choice (the saved or chosen theme)
        self._build_menus()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)
        for index, entry in enumerate(SCREENS, start=1):
            self._add_screen(entry, index)
        self.review: ReviewView = self._screen("review")  # type: ignore[assignment]
        self.review.said.connect(lambda text: self.statusBar().showMessage(text, 5000))
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
        if self.follow_system:  # now by Qt's own answer (the first card had the palette's)
            self.apply_theme_choice("system")
        app = self.app
        use_indicator_style(QApplication.instance())  # type: ignore[arg-type]
        self.review.prepare_answer()
        app.sync_search_index()
        if app.integrity_checked:
            app.backups.backup_at_start()
        else:  # the first card did not wait for the full check; it reads the whole file
            run_in_background(self, app.backups.check_then_back_up, self._database_checked)
        self.backup_timer.setInterval(int(app.backups.policy.interval.total_seconds() * 1000))
        self.backup_timer.timeout.connect(self._back_up_during_use)
        self.backup_timer.start()
        self._show_content_problems()
        from app.ui.interview_panel import follow_at_start

        follow_at_start(self, app, self.broadcast)
        if app.recovery is not None:
            QTimer.singleShot(0, self.tell_about_recovery)
        if app.has_unfinished_quiz():
            self.show_screen("quiz")  # offer to resume or discard the interrupted quiz
        from app.ui.handover import RequestInbox

        RequestInbox(app.data_dir, self.answer_second_launch, self)

    def answer_second_launch(self, file: Path | None) -> None:
        """A second `lattice` (or `lattice FILE.apkg`) on this data folder: come forward,
        and preview the file in the import dialog; nothing is imported without the user."""
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()
        if file is not None:
            self.interop.import_cards().set_source(file)

    def _back_up_during_use(self) -> None:
        """Every half hour of use, on a worker thread: copying a big database takes seconds."""
        run_in_background(self, self.app.backups.backup_during_use, self._backed_up)

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
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Warning,
            "The database is damaged",
            f"Lattice found damage in its database ({problem}). It can set the damaged file "
            "aside (it is kept, not deleted), restore the newest healthy backup and restart. "
            "Until then, what you do may not be saved.",
            parent=self,
        )
        box.setObjectName("damage-message")
        restore = box.addButton("Restore and restart", QtWidgets.QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Not now", QtWidgets.QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore)
        box.finished.connect(lambda _r: self._recover(box.clickedButton() is restore))
        box.open()

    def _recover(self, confirmed: bool) -> None:
        if not confirmed:
            self.statusBar().showMessage("The database is damaged: File ▸ Backups… restores one")
            return
        self.app.recover_now()
        QtWidgets.QMessageBox.information(self, "Lattice recovered your data", self.recovery_text())
        self.restart()

    # -- the screens, each built on first use ---------------------------------------------
    def _add_screen(self, entry: ScreenEntry, index: int) -> None:
        """A sidebar button and a Ctrl+`index` shortcut; the screen is built when first shown."""
        button = QToolButton()
        button.setObjectName(f"nav-{entry.name}")
        button.setText(f"{entry.title}\nCtrl+{index}")
        button.setCheckable(True)
        set_property(button, "toolButtonStyle", TEXT_ONLY)
        button.setMinimumHeight(52)
        button.setFixedWidth(96)
        button.clicked.connect(lambda _=False, n=entry.name: self.show_screen(n))
        self.nav_group.addButton(button)
        self.sidebar_layout.insertWidget(index - 1, button)
        placeholder = QWidget()
        self.stack.addWidget(placeholder)
        self.screens[entry.name] = ScreenSlot(entry, button, placeholder)
        action = QAction(entry.title, self)
        action.setToolTip(f"the {entry.title} screen")
        set_shortcut(action, f"Ctrl+{index}")
        action.triggered.connect(lambda _=False, n=entry.name: self.show_screen(n))
        self.view_menu.addAction(action)

    def _screen(self, name: str) -> Screen:
        slot = self.screens[name]
        if slot.widget is None:
            widget = slot.widget = slot.entry.load()(self.app)
            widget.changed.connect(lambda changes, n=name: self.broadcast(changes, source=n))
            for signal, slot_name in NAVIGATION.items():
                if hasattr(widget, signal):
                    getattr(widget, signal).connect(getattr(self, slot_name))
            if name == "quiz":
                self._attach_behavioural_round(widget)
            if name == "graph":
                widget.current_concept = self._concept_under_review  # type: ignore[attr-defined]
            self.stack.insertWidget(self.stack.indexOf(slot.placeholder), widget)
            self.stack.removeWidget(slot.placeholder)
            slot.placeholder.deleteLater()
        return slot.widget

    def _concept_under_review(self) -> str | None:
        due = self.review.current
        return due.card.concept if due is not None else None

    def is_built(self, name: str) -> bool:
        return self.screens[name].widget is not None

    def broadcast(self, changes: Changes, source: str | None = None) -> None:
        """The one change channel: every screen built so far (but the one whose action it
        was) refreshes what `changes` touched, now if on show or when next shown."""
        for name, slot in self.screens.items():
            if slot.widget is not None and name != source:
                slot.widget.apply_changes(changes)
        self.app.outside.acknowledge()  # what was just written is this run's own

    @property
    def quiz(self) -> QuizScreen:
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

    def _attach_behavioural_round(self, quiz: Screen) -> None:
        from app.ui.stories.quiz_hook import attach_behavioural_round

        self.behavioural = attach_behavioural_round(quiz, self.app.rehearsal)
        self.behavioural.rehearsed.connect(lambda c: self.broadcast(c, source="quiz"))

    def rehearse_story(self, story_id: str) -> None:
        """The Stories screen's *Rehearse*: a behavioural round telling that story."""
        self.show_screen("quiz")
        assert self.behavioural is not None
        self.behavioural.start_for_story(story_id)

    def show_screen(self, name: str) -> None:
        # The guard against other processes: what was committed since the last look and
        # not reported. Looked at first: building and showing a screen write caches of
        # this run's own (the map's layout, the search index).
        outside = self.app.outside.changes()
        slot = self.screens[name]
        widget = self._screen(name)
        if outside:
            self.broadcast(outside)
        self.stack.setCurrentWidget(widget)
        self.app.outside.acknowledge()
        slot.button.setChecked(True)
        self.setWindowTitle(f"{slot.entry.title} — {APP_NAME}")
        widget.setFocus()  # Qt's default reason, OtherFocusReason

    def show_concept_on_graph(self, concept_id: str) -> None:
        self.show_screen("graph")
        self.graph.select_concept(concept_id)

    def study_cards(self, card_ids: list[str], title: str = "") -> None:
        """Restrict the Review screen to `card_ids` (a concept, or a quiz's weakest concepts)."""
        self.review.study(card_ids, title)
        self.show_screen("review")

    def quiz_on_concept(self, concept_id: str) -> None:
        """The graph's *Quiz me on this*: a quiz on the concept and its prerequisites."""
        self.show_screen("quiz")
        self.quiz.start_for_concept(concept_id)

    def find_cards(self) -> None:
        """Ctrl+F from any screen: the Browse search box, ready to type."""
        self.show_screen("browse")
        self.browse.focus_search()

    def current_screen_or_none(self) -> str | None:
        widget = self.stack.currentWidget()
        return next((name for name, s in self.screens.items() if s.widget is widget), None)

    def current_screen(self) -> str:
        name = self.current_screen_or_none()
        assert name is not None
        return name

    # -- menus ----------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        backups_action = QAction("&Backups…", self)
        backups_action.triggered.connect(self.show_backups)
        file_menu.addAction(backups_action)
        settings_action = QAction("&Settings…", self)
        set_shortcut(settings_action, "Ctrl+,")
        settings_action.triggered.connect(self.show_settings)
        file_menu.addAction(settings_action)
        memory_action = QAction("Your &memory model…", self)
        memory_action.triggered.connect(self.show_memory_model)
        file_menu.addAction(memory_action)
        self.interop = InteropActions(self, self.app, self.broadcast)
        self.interop.install(file_menu, backups_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        set_shortcut(quit_action, "Ctrl+Q")
        set_property(quit_action, "shortcutContext", APPLICATION_SHORTCUT)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = QAction("&Undo", self)
        self.undo_action.setToolTip("Undo the last grade or card action in Review")
        set_shortcut(self.undo_action, "Ctrl+Z")
        self.undo_action.triggered.connect(self.undo)
        edit_menu.addAction(self.undo_action)
        find = QAction("&Find cards…", self)
        set_shortcut(find, "Ctrl+F")
        set_property(find, "shortcutContext", APPLICATION_SHORTCUT)
        find.triggered.connect(self.find_cards)
        edit_menu.addAction(find)
        self.view_menu = self.menuBar().addMenu("&Go")
        look = self.menuBar().addMenu("&View")
        theme_menu = look.addMenu("&Theme")
        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for choice, text in THEMES.items():
            action = theme_menu.addAction(text)
            action.setObjectName(f"theme-{choice}")
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, c=choice: self.set_theme(c))
            self.theme_group.addAction(action)
            self.theme_actions[choice] = action
        self.theme_actions["system"].setChecked(True)
        help_menu = self.menuBar().addMenu("&Help")
        self.keys_action = QAction("&Keyboard shortcuts", self)
        set_shortcut(self.keys_action, "F1")
        self.keys_action.setToolTip("list every key (this list)")
        self.keys_action.triggered.connect(self.show_keys)
        help_menu.addAction(self.keys_action)
        self.welcome_action = QAction("&Welcome", self)
        self.welcome_action.triggered.connect(self.show_welcome)
        help_menu.addAction(self.welcome_action)
        about = QAction("&About Lattice", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def recovery_text(self) -> str:
        recovery = self.app.recovery
        if recovery is None:
            return ""
        if recovery.restored_from is not None:
            when = recovery.restored_from.taken_at.astimezone(self.app.local_tz)
            restored = f"Your progress was restored from the backup of {when:%a %d %b %Y, %H:%M}."
        else:
            restored = "No healthy backup was found, so Lattice started with an empty history."
        return (
            f"The database could not be read ({recovery.problem}). {restored} "
            f"The damaged file was kept as {recovery.damaged_copy.name} in {recovery.damaged_copy.parent}."
        )

    def tell_about_recovery(self) -> None:
        self.statusBar().showMessage("Progress restored from a backup — see the message", 15000)
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Warning,
            "Lattice recovered your data",
            self.recovery_text(),
            parent=self,
        )
        box.setObjectName("recovery-message")
        box.open()

    def show_settings(self) -> None:
        from app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.app.settings, self)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.settings()))
        dialog.open()

    def show_memory_model(self) -> None:
        from app.ui.memory_dialog import MemoryDialog

        MemoryDialog(self.app, self.apply_settings, self).open()

    def apply_settings(self, settings: StudySettings) -> None:
        """Save the study settings; every screen shows what they change."""
        self.broadcast(self.app.save_settings(settings))

    def show_backups(self) -> None:
        from app.ui.backups_dialog import BackupsDialog

        dialog = BackupsDialog(self.app.backups, self)
        dialog.restored.connect(self._restart_after_restore)
        dialog.open()

    def _restart_after_restore(self, aside: str) -> None:
        QtWidgets.QMessageBox.information(
            self,
            "Backup restored",
            f"The previous database was kept as {aside}. Lattice will now restart.",
        )
        self.restart()

    def restart(self) -> None:
        QtCore.QProcess.startDetached(sys.executable, sys.argv)
        QApplication.instance().quit()  # type: ignore[union-attr]

    def undo(self) -> None:
        if self.review.undo():
            self.show_screen("review")
            self.statusBar().showMessage("Undone", 3000)
        else:
            self.statusBar().showMessage("Nothing to undo", 3000)

    def key_rows(self) -> list[KeyRow]:
        """Every key the app has: each screen's (all built first) and the menus'."""
        areas = [(slot.entry.title, self._screen(name)) for name, slot in self.screens.items()]
        actions = [a for menu in self.menuBar().findChildren(QMenu) for a in menu.actions()]
        return key_rows(areas, actions)

    def show_keys(self) -> KeysDialog:
        from PySide6.QtCore import Qt

        from app.ui.help import KeysDialog  # on first use: not needed for the first card

        dialog = KeysDialog(self.key_rows(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_welcome(self) -> WelcomeDialog:
        from PySide6.QtCore import Qt

        from app.ui.help import WelcomeDialog  # on first use: not needed for the first card

        dialog = WelcomeDialog(self.app.data_dir, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def welcome_once(self) -> WelcomeDialog | None:
        """On the first run only: the welcome (Help ▸ Welcome shows it again)."""
        if self.app.ui_state().get("welcomed"):
            return None
        self.app.save_ui_state(welcomed=True)
        return self.show_welcome()

    # -- theme ----------------------------------------------------------------------------
    def theme_choice(self) -> str:
        choice = self.app.ui_state().get("theme", "system")
        return choice if isinstance(choice, str) and choice in THEMES else "system"

    def set_theme(self, choice: str) -> None:
        """View ▸ Theme: follow the system, or always light or dark; kept for next time."""
        self.app.save_ui_state(theme=choice)
        self.apply_theme_choice(choice)

    def apply_theme_choice(self, choice: str) -> None:
        self.theme_actions[choice].setChecked(True)
        self.follow_system = choice == "system"
        dark = self._system_dark() if self.follow_system else choice == "dark"
        if dark != is_dark():
            # Before start-up has finished, the check box style is left to finish_startup.
            apply_theme(QApplication.instance(), dark, self.started)  # type: ignore[arg-type]
            self.restyle()

    def _system_dark(self) -> bool:
        """Before the first card, the platform palette's answer; after it, Qt's own (whose
        enum costs PySide6 its whole `Qt` namespace, see qt_numbers)."""
        return system_prefers_dark() if self.started else platform_palette_is_dark()

    def _system_scheme_changed(self) -> None:
        if self.follow_system:
            self.apply_theme_choice("system")

    def restyle(self) -> None:
        """After the palette changed: what draws its own colours picks up the new ones."""
        dark = is_dark()
        self.sidebar.setStyleSheet(sidebar_style(dark))
        self.review.refresh_theme()
        if self.is_built("graph"):
            self.graph.set_dark(dark)

    # -- the window's size and place ------------------------------------------------------
    def fit_to_screen(self) -> None:
        """A first size that fits the screen's free area, title bar and status bar included
        (a 1366x768 laptop too), centred on it."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        free = screen.availableGeometry()
        width = min(DEFAULT_SIZE.width(), free.width() - 24)
        height = min(DEFAULT_SIZE.height(), free.height() - TITLE_BAR_ALLOWANCE)
        self.resize(max(width, 640), max(height, 480))
        frame = self.frameGeometry()
        frame.moveCenter(free.center())
        self.move(frame.topLeft().x(), max(free.top(), frame.topLeft().y()))

    def restore_geometry(self) -> bool:
        """Last run's size, place and maximised state, if any."""
        saved = self.app.ui_state().get("geometry")
        if not isinstance(saved, str):
            return False
        return self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii")))

    def save_geometry(self) -> None:
        encoded = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        self.app.save_ui_state(geometry=encoded)

    def _about(self) -> None:
        bank = self.app.bank
        QtWidgets.QMessageBox.about(
            self,
            "About Lattice",
            f"<b>Lattice</b><br>Study for AI / ML / LLM engineering interviews.<br><br>"
            f"{len(bank.concepts)} concepts, {len(bank.cards)} cards.<br>"
            f"Data folder: {self.app.data_dir}",
        )

    # -- content problems -----------------------------------------------------------------
    def _show_content_problems(self) -> None:
        problems = self.app.bank.problems
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
        return "\n".join(self.app.content_problems())

    def show_content_problems(self) -> None:
        box = QtWidgets.QMessageBox(self)
        box.setIcon(QtWidgets.QMessageBox.Icon.Warning)
        box.setWindowTitle("Content problems")
        box.setText("These files were skipped or partly loaded; everything else is available.")
        box.setDetailedText(self.content_problem_text())
        box.exec()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        # Every grade and quiz answer is committed as it happens; only the draft of an
        # unsubmitted quiz answer is pending, and it is saved here.
        if self.is_built("quiz"):
            self.quiz.save_draft()
        with suppress(StorageFault):  # the window's place is not worth a message on the way out
            self.save_geometry()
        event.accept()
