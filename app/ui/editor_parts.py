"""What the card editor and the story editor share: a delayed live preview, the list of
reasons a save was refused, and Save / Cancel with Ctrl+Return."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QWidget

from app.ui.keys import bind
from app.ui.markdown_view import MarkdownView

ERROR_COLOR = "#d9534f"
PREVIEW_DELAY_MS = 150  # typing stays smooth; the preview follows after a pause


def preview_timer(parent: QWidget, update: Callable[[], None]) -> QTimer:
    """Restart it on every keystroke; `update` runs once typing pauses."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(PREVIEW_DELAY_MS)
    timer.timeout.connect(update)
    return timer


def preview_pane(name: str) -> MarkdownView:
    pane = MarkdownView(reading_width=None)
    pane.setObjectName(name)
    pane.document().setDocumentMargin(12)
    return pane


class ProblemsLabel(QLabel):
    """Hidden until a save is refused; then lists every reason, so nothing is lost silently."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.hide()

    def show_problems(self, problems: Sequence[str]) -> None:
        items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
        self.setText(f'<span style="color:{ERROR_COLOR}"><b>Not saved:</b></span><ul>{items}</ul>')
        self.show()


def save_cancel_buttons(
    dialog: QDialog, save: Callable[[], None], keys: list[str], what: str
) -> QDialogButtonBox:
    """Save and Cancel; `keys` save from anywhere in the dialog (listed in Help as `what`)."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(save)
    buttons.rejected.connect(dialog.reject)
    bind(dialog, keys, save, what, Qt.ShortcutContext.WindowShortcut)
    return buttons
