"""The night-before brief as a file: the Markdown as it is, or a one-page A4 PDF.

The PDF is the brief's Markdown rendered (always in the light palette: it is for paper) into
a QTextDocument and printed with QPdfWriter; when it would run over a page, the font shrinks
step by step (not below `MIN_POINT_SIZE`) until it fits, and if it still does not, the compact
variant of the brief (one paragraph per story) is tried the same way. Only QtGui is used, so
it can run on a worker thread: no widget is touched.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from app.services.authoring import write_atomically
from app.services.render import render_markdown, stylesheet

START_POINT_SIZE = 10.5
MIN_POINT_SIZE = 6.5
MARGIN_MM = 14
RESOLUTION = 300


@dataclass(frozen=True)
class Exported:
    path: Path
    pages: int
    point_size: float


# Tighter than the screen's stylesheet: a page for the night before, not a reading view.
BRIEF_CSS = """
h1 { margin-top: 0px; margin-bottom: 4px; }
h2 { margin-top: 10px; margin-bottom: 2px; }
p { margin-top: 2px; margin-bottom: 2px; }
ul { margin-top: 2px; margin-bottom: 2px; }
li { margin-bottom: 1px; line-height: 115%; }
"""


def _document(
    markdown_text: str, point_size: float, writer: QPdfWriter, width: float
) -> QTextDocument:
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)  # lay out in the printer's own pixels
    font = QFont()
    font.setPointSizeF(point_size)
    document.setDefaultFont(font)
    document.setDefaultStyleSheet(stylesheet(False) + BRIEF_CSS)
    document.setHtml(render_markdown(markdown_text, False))
    document.setDocumentMargin(0)
    document.setTextWidth(width)
    return document


def write_pdf(variants: Sequence[str], path: Path) -> Exported:
    """Print the first of the brief's `variants` (fullest first) that fits one page when the
    text is shrunk, else the last one over several pages.

    It is printed to a temporary file beside `path` (which also shows at once that the
    folder can be written) and renamed over it when complete."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.touch()  # raises a clear OSError for a folder that cannot be written
    try:
        exported = _print(variants, temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return Exported(path, exported.pages, exported.point_size)


def _print(variants: Sequence[str], path: Path) -> Exported:
    writer = QPdfWriter(str(path))
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setResolution(RESOLUTION)
    writer.setTitle("My stories")
    writer.setCreator("Lattice")
    page = writer.pageLayout().paintRectPixels(writer.resolution())
    size = QSizeF(page.width(), page.height())
    for markdown_text in variants:
        point_size = START_POINT_SIZE
        document = _document(markdown_text, point_size, writer, size.width())
        while document.size().height() > size.height() and point_size > MIN_POINT_SIZE:
            point_size = round(point_size - 0.5, 1)
            document = _document(markdown_text, point_size, writer, size.width())
        if document.size().height() <= size.height():
            break
    document.setPageSize(size)
    pages = document.pageCount()
    painter = QPainter(writer)
    if not painter.isActive():
        raise OSError(f"cannot write {path.name}")
    try:
        for number in range(pages):
            if number:
                writer.newPage()
            painter.save()
            painter.translate(0, -number * size.height())
            document.drawContents(
                painter, QRectF(0, number * size.height(), size.width(), size.height())
            )
            painter.restore()
    finally:
        painter.end()
    return Exported(path, pages, point_size)


def export_brief(variants: Sequence[str], path: Path) -> Exported:
    """Write the brief as `.pdf` (see `write_pdf`) or, for any other suffix, its fullest
    variant as Markdown (atomically)."""
    if path.suffix.lower() == ".pdf":
        return write_pdf(variants, path)
    write_atomically(path, variants[0])
    return Exported(path, 1, 0.0)
