"""A read-only rich-text pane that shows rendered Markdown in the current theme."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QTextBrowser, QWidget

from app.services.render import render_markdown, stylesheet
from app.ui.theme import is_dark

READING_WIDTH = 860
TOP_MARGIN = 24


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
        self._set_margins(event.size().width())
        super().resizeEvent(event)

    def _set_margins(self, width: int) -> None:
        """Keep lines to a comfortable reading width on wide windows: wide side margins, but
        the usual small one on top, so a long text starts at the top of the pane."""
        side = TOP_MARGIN
        if self.reading_width is not None:
            side = max(TOP_MARGIN, (width - self.reading_width) // 2)
        root = self.document().rootFrame()
        frame = root.frameFormat()
        frame.setLeftMargin(side)
        frame.setRightMargin(side)
        frame.setTopMargin(TOP_MARGIN)
        frame.setBottomMargin(TOP_MARGIN)
        root.setFrameFormat(frame)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:  # noqa: N802
        """Nothing outside the text is ever loaded: a card naming `file:///dev/zero` or a
        remote image gets an empty resource, never a read."""
        return None

    def show_html(self, body: str) -> None:
        self.document().setDefaultStyleSheet(stylesheet(is_dark()))
        self.setHtml(body)
        self._set_margins(self.width())
        self.verticalScrollBar().setValue(0)

    def show_markdown(self, text: str) -> None:
        self.show_html(render_markdown(text, is_dark()))
