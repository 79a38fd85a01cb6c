"""The Review screen: Anki's reviewer keyboard flow on top of the review session."""

from __future__ import annotations

import html
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.content import Card
from app.domain.scheduling import Grade, humanize_until
from app.domain.storage_fault import StorageFault
from app.services.application import Application
from app.services.render import render_markdown, render_question
from app.services.review_service import DueCard, ReviewService
from app.ui.keys import bind
from app.ui.markdown_view import MarkdownView
from app.ui.qt_numbers import RICH_TEXT, STRONG_FOCUS, no_focus, set_property
from app.ui.screen import Screen
from app.ui.theme import STATE_COLORS, is_dark

if TYPE_CHECKING:  # YAML and the card writer are imported when a card is first edited
    from app.domain.card_writer import CardDraft

GRADE_COLORS = {
    Grade.AGAIN: "#d9534f",
    Grade.HARD: "#c98a1b",
    Grade.GOOD: "#2e9d5b",
    Grade.EASY: "#3b7ddd",
}


@dataclass(frozen=True)
class CardAction:
    """A Review action on the shown card: its name (the screen's button is `action-<name>`),
    its keys (Anki's where Anki has one) and what it says in the status bar."""

    name: str
    label: str
    keys: tuple[str, ...]
    help: str


CARD_ACTIONS = (
    CardAction("edit", "Edit", ("E",), "edit the card (your own cards)"),
    CardAction("bury", "Bury", ("-",), "put the card aside until tomorrow"),
    CardAction("suspend", "Suspend", ("@", "Shift+@"), "suspend the card (Browse unsuspends)"),
    CardAction("flag", "Flag", ("Ctrl+K",), "flag or unflag the card"),
    CardAction("map", "On map", ("Ctrl+G",), "show the card's concept on the graph"),
)
SCROLL_KEYS = ("Up", "Down", "PgUp", "PgDown", "Home", "End")

Undo = Callable[[], Changes]


class ReviewView(Screen):
    """Shows one card at a time: question, then answer and four grade buttons."""

    graph_requested = Signal(str)  # the concept chip was clicked: show it on the graph
    said = Signal(str)  # a short confirmation for the status bar ("Card buried — Ctrl+Z undoes")
    WATCHES = Changes.QUEUE | Changes.CONTENT | Changes.SETTINGS

    def __init__(self, app: Application, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review")
        self.app = app
        self.current: DueCard | None = None
        self.revealed = False
        self.scope_title = ""
        # What Ctrl+Z takes back, newest last: None for a grade (the session undoes it),
        # else the function that reverses a card action.
        self.history: list[Undo | None] = []
        self.editor: QWidget | None = None
        set_property(self, "focusPolicy", STRONG_FOCUS)
        self._build()
        self._bind_keys()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 16)
        header = QHBoxLayout()
        self.scope_label = QLabel()
        self.scope_label.setObjectName("scope")
        self.concept_label = QLabel()
        self.concept_label.setObjectName("concept")
        set_property(self.concept_label, "textFormat", RICH_TEXT)
        self.concept_label.setToolTip("Show this concept on the graph")
        self.concept_label.linkActivated.connect(self.graph_requested.emit)
        self.counts_label = QLabel()
        self.counts_label.setObjectName("counts")
        set_property(self.counts_label, "textFormat", RICH_TEXT)
        self.clear_scope_button = QPushButton("Study all cards")
        self.clear_scope_button.setObjectName("clear-scope")
        no_focus(self.clear_scope_button)
        self.clear_scope_button.setFlat(True)
        self.clear_scope_button.clicked.connect(lambda: self.study(None))
        self.clear_scope_button.hide()
        header.addWidget(self.concept_label)
        actions = QHBoxLayout()
        actions.setSpacing(2)
        self.action_buttons: dict[str, QPushButton] = {}
        for action in CARD_ACTIONS:
            button = QPushButton(f"{action.label} ({action.keys[0]})")
            button.setObjectName(f"action-{action.name}")
            button.setFlat(True)
            no_focus(button)
            button.setToolTip(f"{action.help[0].upper()}{action.help[1:]} ({action.keys[0]})")
            button.clicked.connect(lambda _=False, n=action.name: self.run_action(n))
            self.action_buttons[action.name] = button
            actions.addWidget(button)
        actions.addStretch(1)
        header.addStretch(1)
        header.addWidget(self.scope_label)
        header.addWidget(self.clear_scope_button)
        header.addWidget(self.counts_label)
        layout.addLayout(header)
        layout.addLayout(actions)

        self.view = MarkdownView()
        self.view.setObjectName("card-view")
        layout.addWidget(self.view, 1)

        self.bottom = QStackedWidget()
        self.show_button = QPushButton("Show answer   (Space)")
        self.show_button.setObjectName("show-answer")
        self.show_button.setMinimumHeight(44)
        no_focus(self.show_button)
        self.show_button.clicked.connect(self.reveal)
        reveal_page = QWidget()
        reveal_layout = QHBoxLayout(reveal_page)
        reveal_layout.setContentsMargins(0, 0, 0, 0)
        reveal_layout.addStretch(1)
        reveal_layout.addWidget(self.show_button, 2)
        reveal_layout.addStretch(1)

        grade_page = QWidget()
        grade_layout = QHBoxLayout(grade_page)
        grade_layout.setContentsMargins(0, 0, 0, 0)
        self.grade_buttons: dict[Grade, QPushButton] = {}
        grade_layout.addStretch(1)
        for grade in Grade:
            button = QPushButton()
            button.setObjectName(f"grade-{grade.label.lower()}")
            button.setMinimumHeight(52)
            button.setMinimumWidth(110)
            no_focus(button)
            button.setToolTip(f"{grade.label} (key {int(grade)})")
            button.clicked.connect(lambda _=False, g=grade: self.grade(g))
            color = GRADE_COLORS[grade]
            button.setStyleSheet(
                f"QPushButton {{ border: 1px solid {color}; border-radius: 6px; padding: 4px 12px; }}"
                f"QPushButton:hover {{ background-color: {color}; color: white; }}"
            )
            self.grade_buttons[grade] = button
            grade_layout.addWidget(button)
        grade_layout.addStretch(1)

        # Past the day's limits (Anki's Custom Study): offered once the queue is empty.
        empty_page = QWidget()
        empty_layout = QHBoxLayout(empty_page)
        empty_layout.setContentsMargins(0, 0, 0, 0)
        self.more_new_button = QPushButton()
        self.more_new_button.setObjectName("study-more-new")
        self.more_new_button.setMinimumHeight(44)
        self.more_new_button.clicked.connect(self.study_more_new)
        self.ahead_button = QPushButton()
        self.ahead_button.setObjectName("study-ahead")
        self.ahead_button.setMinimumHeight(44)
        self.ahead_button.clicked.connect(self.study_ahead)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.more_new_button)
        empty_layout.addWidget(self.ahead_button)
        empty_layout.addStretch(1)
        self._more_new = 0
        self.bottom.addWidget(reveal_page)
        self.bottom.addWidget(grade_page)
        self.bottom.addWidget(empty_page)
        # Why a grade was not saved (disk full, read-only), or that saving is impaired.
        self.fault_label = QLabel()
        self.fault_label.setObjectName("save-problem")
        self.fault_label.setWordWrap(True)
        self.fault_label.setStyleSheet(
            f"QLabel {{ border: 1px solid {GRADE_COLORS[Grade.AGAIN]}; border-radius: 6px; "
            f"padding: 6px 10px; color: {GRADE_COLORS[Grade.AGAIN]}; font-weight: 600; }}"
        )
        self.fault_label.hide()
        layout.addWidget(self.fault_label)
        layout.addWidget(self.bottom)

    def _bind_keys(self) -> None:
        bind(
            self,
            ["Space", "Return", "Enter"],
            self._space_or_enter,
            "show the answer; after it, grade Good",
        )
        for grade in Grade:
            bind(
                self, [str(int(grade))], partial(self.grade, grade), "grade Again, Hard, Good, Easy"
            )
        for action in CARD_ACTIONS:
            bind(self, list(action.keys), partial(self.run_action, action.name), action.help)
        bar = self.view.verticalScrollBar()
        steps: dict[str, Callable[[], None]] = {
            "Up": lambda: bar.triggerAction(bar.SliderAction.SliderSingleStepSub),
            "Down": lambda: bar.triggerAction(bar.SliderAction.SliderSingleStepAdd),
            "PgUp": lambda: bar.triggerAction(bar.SliderAction.SliderPageStepSub),
            "PgDown": lambda: bar.triggerAction(bar.SliderAction.SliderPageStepAdd),
            "Home": lambda: bar.triggerAction(bar.SliderAction.SliderToMinimum),
            "End": lambda: bar.triggerAction(bar.SliderAction.SliderToMaximum),
        }
        for key in SCROLL_KEYS:
            bind(self, [key], steps[key], "scroll the card")

    # -- behaviour ------------------------------------------------------------------------
    @property
    def service(self) -> ReviewService:
        """The review session shown (the application keeps it)."""
        return self.app.review

    def study(self, card_ids: Collection[str] | None, title: str = "") -> None:
        """Study only `card_ids` (for example one concept) from now on; None: every card."""
        self.app.study(card_ids)
        self.scope_title = title if card_ids is not None else ""
        shown = self.scope_title
        self.scope_label.setText(f"Studying: <b>{html.escape(shown)}</b>" if shown else "")
        self.clear_scope_button.setVisible(bool(shown))
        self.refresh()

    def refresh(self) -> None:
        """Show the next card, or the empty-queue message."""
        self.current = self.service.next_card()
        self.revealed = False
        self._render()

    def refresh_for(self, changes: Changes) -> None:
        """Another screen changed the queue, the bank or the settings: show what is next."""
        self.service.reload()
        self.refresh()

    def prepare_answer(self) -> None:
        """Render the shown card's answer and its intervals ahead of Space (start-up defers
        the Markdown and FSRS imports until the first card is painted; this does them)."""
        if self.current is not None:
            render_markdown(self.current.card.answer, is_dark())
            self.service.interval_labels(self.current)

    def _space_or_enter(self) -> None:
        if self.current is None:
            return
        if not self.revealed:
            self.reveal()
        else:
            self.grade(Grade.GOOD)

    def reveal(self) -> None:
        if self.current is None or self.revealed:
            return
        self.revealed = True
        self._render()

    def grade(self, grade: Grade) -> None:
        if self.current is None or not self.revealed:
            return
        try:
            changes = self.service.answer(self.current, grade)
        except StorageFault as fault:  # the card stays on screen, the grade is not lost
            self.show_save_problem(f"This grade was not saved. {fault}")
            return
        self.show_save_problem(self.service.durability_problem())
        self.history.append(None)
        self.refresh()
        self.report(changes)

    def study_more_new(self) -> None:
        """New cards past today's limit: the next day's limit is not touched."""
        self.service.study_more_new(self._more_new)
        self.refresh()

    def study_ahead(self) -> None:
        """Tomorrow's reviews today."""
        self.service.study_ahead(1)
        self.refresh()

    def undo(self) -> bool:
        """Take back the last grade or card action (Ctrl+Z)."""
        reverse = self.history.pop() if self.history else None
        try:
            changes = reverse() if reverse is not None else self.service.undo()
        except StorageFault as fault:
            self.show_save_problem(f"The undo was not saved. {fault}")
            return False
        if not changes:
            return False
        self.show_save_problem(self.service.durability_problem())
        self.refresh()
        self.report(changes)
        return True

    # -- actions on the shown card --------------------------------------------------------
    def run_action(self, name: str) -> None:
        """One of `CARD_ACTIONS` on the shown card, through the services; each is undoable."""
        due = self.current
        if due is None:
            return
        card = due.card
        if name == "map":
            self.graph_requested.emit(card.concept)
            return
        if name == "edit":
            self.edit_card(card)
            return
        try:
            if name == "bury":
                changes = self.service.bury(card.id)
                self._done(
                    changes, lambda: self.service.unbury(card.id), "Card buried until tomorrow"
                )
            elif name == "suspend":
                changes = self.app.browse.set_suspended([card.id], True)
                self._done(changes, lambda: self._unsuspend(card.id), "Card suspended")
            elif name == "flag":
                flagged = self._flagged(card.id)
                changes = self.app.browse.set_flagged([card.id], not flagged)
                self._done(
                    changes,
                    lambda: self.app.browse.set_flagged([card.id], flagged),
                    "Card unflagged" if flagged else "Card flagged",
                    advance=False,
                )
        except StorageFault as fault:
            self.show_save_problem(f"Not saved. {fault}")

    def _flagged(self, card_id: str) -> bool:
        return self.app.browse.is_flagged(card_id)

    def _unsuspend(self, card_id: str) -> Changes:
        changes = self.app.browse.set_suspended([card_id], False)
        self.service.reload()
        self.service.show_next(card_id)
        return changes

    def _done(self, changes: Changes, reverse: Undo, message: str, advance: bool = True) -> None:
        self.history.append(reverse)
        if advance:
            self.service.reload()
            self.refresh()
        else:
            self._render()
        self.report(changes)
        self.said.emit(f"{message} — Ctrl+Z undoes")

    def edit_card(self, card: Card) -> None:
        """E: edit the shown card if it is one of yours (bundled cards are read-only)."""
        if not card.user:
            self.said.emit(
                "Bundled cards are read-only; Browse ▸ New card (Ctrl+N) writes your own"
            )
            return
        from PySide6.QtCore import Qt  # after the first card (see qt_numbers)

        from app.domain.card_writer import CardDraft
        from app.ui.card_editor import CardEditor

        before = CardDraft.build(
            card.question, card.answer, card.key_points, card.difficulty.value, card.seconds
        )
        editor = CardEditor(self.app.authoring, card, None, self.window())
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def saved(card_id: str, changes: Changes) -> None:
            self.history.append(lambda: self._restore_card(card_id, before))
            self.service.reload()
            self.service.show_next(card_id)
            self.refresh()
            self.report(changes)
            self.said.emit("Card saved — Ctrl+Z undoes")

        editor.saved.connect(saved)
        self.editor = editor
        editor.open()

    def _restore_card(self, card_id: str, draft: CardDraft) -> Changes:
        result = self.app.authoring.update(card_id, draft)
        self.service.reload()
        self.service.show_next(card_id)
        return result.changes if result.ok else Changes.NONE

    def show_save_problem(self, text: str | None) -> None:
        """Show why saving failed (or is impaired), or hide the notice when all is well."""
        self.fault_label.setText(text or "")
        self.fault_label.setVisible(bool(text))

    def refresh_theme(self) -> None:
        """The theme changed: render the shown card again in its colours."""
        self._render()

    # -- painting -------------------------------------------------------------------------
    def _render(self) -> None:
        if not self.scope_title:  # no concept chosen: say when the interview plan leads
            following = self.service.following
            self.scope_label.setText("Following your <b>interview plan</b>" if following else "")
        counts = self.service.counts()
        self.counts_label.setText(
            " &nbsp;&nbsp; ".join(
                f'<span style="color:{STATE_COLORS[name]}; font-weight:600">{value}</span> {label}'
                for name, label, value in (
                    ("new", "new", counts.new),
                    ("learning", "learning", counts.learning),
                    ("review", "due", counts.review),
                )
            )
        )
        self.counts_label.setToolTip(
            f"{counts.new} new · {counts.learning} learning · {counts.review} due today"
        )
        due = self.current
        for button in self.action_buttons.values():
            button.setVisible(due is not None)
        if due is not None:
            self.action_buttons["edit"].setEnabled(due.card.user)
        if due is None:
            self.concept_label.setText("")
            self.view.show_html(self._empty_html())
            self._offer_more()
            self.bottom.setCurrentIndex(2)
            return
        concept = self.service.bank.concepts.get(due.card.concept)
        area = self.service.bank.areas.get(concept.area) if concept else None
        chip = html.escape(concept.title if concept else due.card.concept)
        color = area.color if area else "#888888"
        self.concept_label.setText(
            f'<a href="{html.escape(due.card.concept)}" style="color:{color}; '
            f'text-decoration:none; font-weight:600">● {chip}</a>'
        )
        question = render_question(due.card.question, is_dark())
        if not self.revealed:
            self.view.show_html(question)
            self.bottom.setCurrentIndex(0)
            return
        answer = render_markdown(due.card.answer, is_dark())
        self.view.show_html(f"{question}<hr/>{answer}")
        labels = self.service.interval_labels(due)
        for grade, button in self.grade_buttons.items():
            button.setText(f"{labels[grade]}\n{int(grade)}  {grade.label}")
        self.bottom.setCurrentIndex(1)

    def _offer_more(self) -> None:
        unseen, tomorrow = self.service.more_available()
        # A whole concept (or one with its prerequisites) at once; a day's worth otherwise.
        scoped = self.service.scope is not None
        self._more_new = unseen if scoped else min(unseen, self.app.settings.new_per_day)
        n = self._more_new
        self.more_new_button.setText(
            f"Learn this selection's {n} unseen card{'s' if n != 1 else ''}"
            if scoped
            else f"Learn {n} more new card{'s' if n != 1 else ''} today"
        )
        self.more_new_button.setToolTip("Beyond today's limit; tomorrow's limit stays as it is.")
        self.more_new_button.setVisible(self._more_new > 0)
        self.ahead_button.setText(
            f"Review tomorrow's {tomorrow} card{'s' if tomorrow != 1 else ''} now"
        )
        self.ahead_button.setToolTip("The cards due tomorrow, reviewed today.")
        self.ahead_button.setVisible(tomorrow > 0)

    def _empty_html(self) -> str:
        when = self.service.next_due_time()
        if when is None:
            detail = "There are no cards to study in this selection."
        else:
            now = self.service.clock.now()
            local = when.astimezone(self.service.clock.local_tz)
            detail = (
                f"The next card is due in {humanize_until(when - now)}, "
                f"at {local:%H:%M} on {local:%a %d %b}."
            )
        return (
            "<div align='center'><h2>All caught up</h2>"
            f"<p>{html.escape(detail)}</p>"
            "<p class='muted'>New cards unlock each study day; the schedule spaces reviews "
            "so that you see each card just before you would forget it.</p></div>"
        )
