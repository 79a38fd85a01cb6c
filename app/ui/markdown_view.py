"""A read-only rich-text pane that shows rendered Markdown in the current theme."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QTextBrowser, QWidget

from app.services.render import render_markdown, stylesheet
from app.ui.theme import is_dark

READING_WIDTH = 860


class MarkdownView(QTextBrowser):
    def __init__(
        self, parent: QWidget | None = None, *, reading_width: int | None = READING_WIDTH
    ) -> None:
        super().__init__(parent)
        self.reading_width = reading_width
        self.setOpenLinks(False)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.document().setDocumentMargin(24)
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 10.5) + 0.5)
        self.document().setDefaultFont(font)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        # Keep lines to a comfortable reading width on wide windows.
        if self.reading_width is not None:
            margin = max(24, (event.size().width() - self.reading_width) // 2)
            self.document().setDocumentMargin(margin)
        super().resizeEvent(event)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:  # noqa: N802
        """Nothing outside the text is ever loaded: a card naming `file:///dev/zero` or a
        remote image gets an empty resource, never a read."""
        return None

    def show_html(self, body: str) -> None:
        self.document().setDefaultStyleSheet(stylesheet(is_dark()))
        self.setHtml(body)

    def show_markdown(self, text: str) -> None:
        self.show_html(render_markdown(text, is_dark()))
