"""A read-only rich-text pane that shows rendered Markdown in the current theme."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPaintEvent, QResizeEvent, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from app.services.render import render_markdown, stylesheet
from app.ui.qt_numbers import no_focus
from app.ui.theme import is_dark

if TYPE_CHECKING:  # the media classes are imported when a card first shows media:
    # building their PySide6 types (enums and all) need not delay the first card
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QImage

    from app.services.media import MediaLibrary

READING_WIDTH = 860
TOP_MARGIN = 24
MAX_IMAGE_PIXELS = 40_000_000  # a larger picture is refused before it is decoded
MIN_IMAGE_WIDTH = 200
IMAGE_RESOURCE = QTextDocument.ResourceType.ImageResource.value


def media_name(name: QUrl | str) -> str | None:
    """The media folder name a `media:<name>` URL asks for; None for any other URL."""
    from PySide6.QtCore import QUrl

    url = name if isinstance(name, QUrl) else QUrl(name)
    if url.scheme() != "media" or url.host() or url.hasQuery() or url.hasFragment():
        return None
    return url.path(QUrl.ComponentFormattingOption.FullyDecoded)


def media_image(path: str, max_width: int) -> QImage | None:
    """The picture at `path`, scaled down to `max_width`; None if it cannot be read or is
    too large to decode safely."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImageReader

    reader = QImageReader(path)
    reader.setAutoTransform(True)
    size = reader.size()
    if not size.isValid() or size.width() * size.height() > MAX_IMAGE_PIXELS:
        return None
    if size.width() > max_width:
        reader.setScaledSize(QSize(max_width, max(1, size.height() * max_width // size.width())))
    image = reader.read()
    return None if image.isNull() else image


class MarkdownView(QTextBrowser):
    # The user's media folder: `media:` images load from it, and `media:` links (sounds)
    # open there with the system's player. Nothing else ever loads. The main window names
    # where it comes from (`media_source`: the Application, which opens the library on first
    # use and keeps it), so the first card does not wait for it.
    media_source: ClassVar[Any] = None

    def __init__(
        self, parent: QWidget | None = None, *, reading_width: int | None = READING_WIDTH
    ) -> None:
        super().__init__(parent)
        self.reading_width = reading_width
        self.setOpenLinks(False)
        self.anchorClicked.connect(self.open_link)
        no_focus(self)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.document().setDocumentMargin(24)
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 10.5) + 0.5)
        self.document().setDefaultFont(font)
        self._after_paint: list[Callable[[], None]] = []

    def after_next_paint(self, then: Callable[[], None]) -> None:
        """Run `then` once, as soon as the text has next been painted (start-up shows the
        first card before it does the rest). Hooked on the paint itself rather than by
        filtering the viewport's events: asking for the viewport, a widget PySide6 has not
        seen yet, makes it search every widget class for its type, a tenth of the time to
        the first card."""
        self._after_paint.append(then)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if self._after_paint:
            waiting, self._after_paint = self._after_paint, []
            for then in waiting:  # in the order asked, once this paint has finished
                QTimer.singleShot(0, then)

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
        """Only a picture of the media folder is ever loaded: a card naming
        `file:///dev/zero`, a data: URI or a remote image gets an empty resource, never a read."""
        wanted = media_name(name)
        if getattr(kind, "value", kind) != IMAGE_RESOURCE or wanted is None:
            return None
        media = self._media()
        path = media.image_path(wanted) if media is not None else None
        if path is None:
            return None
        margins = 2 * self.document().documentMargin() + 2 * TOP_MARGIN
        width = max(MIN_IMAGE_WIDTH, int(min(self.viewport().width(), READING_WIDTH) - margins))
        return media_image(str(path), width)

    @classmethod
    def _media(cls) -> MediaLibrary | None:
        return cls.media_source.media if cls.media_source is not None else None

    def open_link(self, url: QUrl) -> None:
        """A sound of the media folder plays in the system's player; nothing else opens."""
        wanted = media_name(url)
        media = self._media()
        path = media.sound_path(wanted) if media is not None and wanted else None
        if path is not None:
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def show_html(self, body: str) -> None:
        self.document().setDefaultStyleSheet(stylesheet(is_dark()))
        self.setHtml(body)
        self._set_margins(self.width())
        self.verticalScrollBar().setValue(0)

    def show_markdown(self, text: str) -> None:
        self.show_html(render_markdown(text, is_dark()))
