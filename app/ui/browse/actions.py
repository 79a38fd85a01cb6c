"""What can be done to the selected cards in Browse: edit, suspend, flag, reset, show on the
graph, delete, and write a new card. The buttons, their keys and the context menu."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QPoint, Signal
from PySide6.QtWidgets import QHBoxLayout, QMenu, QMessageBox, QPushButton, QWidget

from app.services.authoring import AuthoringService
from app.services.browse_service import BrowseRow, BrowseService
from app.ui.card_editor import CardEditor
from app.ui.keys import bind


class Selection(Protocol):
    """What the actions need to know about the table."""

    def current_row(self) -> BrowseRow | None: ...
    def selected_ids(self) -> list[str]: ...
    def chosen_concept(self) -> str | None: ...


class CardActions(QWidget):
    """The action bar. Every action that writes ends in `done(changes, card id or None)`."""

    done = Signal(object, object)  # Changes, the card to select afterwards (or None)
    graph_requested = Signal(str)  # concept id

    def __init__(
        self,
        service: BrowseService,
        authoring: AuthoringService,
        selection: Selection,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.authoring = authoring
        self.selection = selection
        self.editor: CardEditor | None = None
        # Asked before destructive actions; tests replace it.
        self.confirm: Callable[[str, str], bool] = self._ask
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        for key, label, tip, slot in (
            ("edit", "Edit…", "Edit your card (Ctrl+E)", self.edit_current),
            ("suspend", "Suspend", "Suspend or unsuspend (Ctrl+J)", self.toggle_suspend),
            ("flag", "Flag", "Flag or unflag (Ctrl+K)", self.toggle_flag),
            ("reset", "Reset…", "Forget the progress: the card becomes new", self.reset_selected),
            (
                "graph",
                "Show on graph",
                "The card's concept on the map (Ctrl+G)",
                self.show_on_graph,
            ),
            ("delete", "Delete…", "Delete your card", self.delete_current),
        ):
            button = QPushButton(label)
            button.setObjectName(f"action-{key}")
            button.setToolTip(tip)
            button.clicked.connect(slot)
            layout.addWidget(button)
            self.buttons[key] = button
        layout.addStretch(1)

    def bind_keys(self, screen: QWidget) -> None:
        """The actions' keys, active anywhere on `screen`."""
        for keys, slot, what in (
            ("Ctrl+N", self.new_card, "write a new card of your own"),
            ("Ctrl+E", self.edit_current, "edit the selected card of yours"),
            ("Ctrl+J", self.toggle_suspend, "suspend or unsuspend the selected cards"),
            ("Ctrl+K", self.toggle_flag, "flag or unflag the selected cards"),
            ("Ctrl+G", self.show_on_graph, "show the card's concept on the graph"),
        ):
            bind(screen, [keys], slot, what)

    def update_for(self, row: BrowseRow | None) -> None:
        """Enable what applies to the current card; Suspend/Flag say which way they go."""
        mine = row is not None and row.card.user
        for key in ("edit", "delete"):
            self.buttons[key].setEnabled(mine)
        for key in ("suspend", "flag", "reset", "graph"):
            self.buttons[key].setEnabled(row is not None)
        if row is not None:
            self.buttons["suspend"].setText("Unsuspend" if row.suspended else "Suspend")
            self.buttons["flag"].setText("Unflag" if row.flagged else "Flag")

    def context_menu(self, parent: QWidget, global_pos: QPoint) -> None:
        if self.selection.current_row() is None:
            return
        menu = QMenu(parent)
        for key in ("edit", "suspend", "flag", "reset", "graph", "delete"):
            button = self.buttons[key]
            action = menu.addAction(button.text())
            action.setEnabled(button.isEnabled())
            action.triggered.connect(button.click)
        menu.popup(global_pos)

    def _ask(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    # -- the schedule ---------------------------------------------------------------------
    def toggle_suspend(self) -> None:
        row = self.selection.current_row()
        if row is None:
            return
        self.done.emit(
            self.service.set_suspended(self.selection.selected_ids(), not row.suspended), None
        )

    def toggle_flag(self) -> None:
        row = self.selection.current_row()
        if row is None:
            return
        self.done.emit(
            self.service.set_flagged(self.selection.selected_ids(), not row.flagged), None
        )

    def reset_selected(self) -> None:
        ids = self.selection.selected_ids()
        if not ids:
            return
        what = "this card" if len(ids) == 1 else f"these {len(ids)} cards"
        if not self.confirm(
            "Reset progress",
            f"Forget the progress of {what}? It becomes new again; past reviews stay in the "
            "history and the statistics.",
        ):
            return
        self.done.emit(self.service.reset(ids), None)

    def show_on_graph(self) -> None:
        row = self.selection.current_row()
        if row is not None:
            self.graph_requested.emit(row.card.concept)

    # -- your own cards -------------------------------------------------------------------
    def new_card(self, concept_id: str | None = None) -> CardEditor:
        if concept_id is None:
            row = self.selection.current_row()
            concept_id = self.selection.chosen_concept() or (row.card.concept if row else None)
        return self._open_editor(CardEditor(self.authoring, None, concept_id, self.window()))

    def edit_current(self) -> CardEditor | None:
        row = self.selection.current_row()
        if row is None or not row.card.user:
            return None
        return self._open_editor(CardEditor(self.authoring, row.card, None, self.window()))

    def _open_editor(self, editor: CardEditor) -> CardEditor:
        if self.editor is not None:
            self.editor.close()
        self.editor = editor
        editor.saved.connect(lambda card_id, changes: self.done.emit(changes, card_id))
        editor.open()
        return editor

    def delete_current(self) -> None:
        row = self.selection.current_row()
        if row is None or not row.card.user:
            return
        if not self.confirm(
            "Delete card",
            f"Delete your card “{row.card.question}”? Its file is rewritten without it; "
            "its review history is kept.",
        ):
            return
        result = self.authoring.delete(row.card_id)
        if not result.ok:
            QMessageBox.warning(self, "Card not deleted", "\n".join(result.problems))
            return
        self.done.emit(result.changes, None)
