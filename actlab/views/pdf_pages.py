"""Print a QTextDocument to an A4 PDF, page by page, with a footer on every page.

``QTextDocument.print_`` adds its own 2 cm margins and a bare page number, and lets a
heading end a page; this lays the document out at a fixed width in CSS pixels, scales
it to the printable width, keeps headings with what follows them and writes a small
footer ("<title>    page n of N").  QtGui only (QPdfWriter), no QtPrintSupport.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..atomic import atomic_path
from .qt import QtCore, QtGui

FOOTER_COLOR = "#5F6368"
RULE_COLOR = "#C8CBD0"
FOOTER_UNITS = 26  # room under the text for the footer, in document units


def _first_line_bottom(layout, block) -> float:
    """Where the first line of ``block`` ends (a line that did not fit on a page was moved
    to the next one, though the block itself still starts on the first)."""
    rect = layout.blockBoundingRect(block)
    text_layout = block.layout()
    if text_layout is None or text_layout.lineCount() == 0:
        return rect.bottom()
    line = text_layout.lineAt(0)
    return rect.top() + line.y() + line.height()


def _keep_headings_with_next(doc, page_height: float) -> None:
    """Move a heading that ends a page to the next page, with what it introduces."""
    layout = doc.documentLayout()
    block = doc.begin()
    while block.isValid():
        nxt = block.next()
        if block.blockFormat().headingLevel() and nxt.isValid():
            top = layout.blockBoundingRect(block).top()
            if int(_first_line_bottom(layout, nxt) // page_height) > int(top // page_height):
                fmt = QtGui.QTextBlockFormat()
                fmt.setPageBreakPolicy(QtGui.QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                QtGui.QTextCursor(block).mergeBlockFormat(fmt)
        block = nxt


def _print_pages(doc, writer, page_width: float, footer: str) -> None:
    """Paint ``doc`` page by page on ``writer``, scaled to the printable width, with a
    small footer (title, page n of N) under each page."""
    footer_units = FOOTER_UNITS
    scale = writer.width() / page_width
    page_h = writer.height() / scale - footer_units
    doc.setPageSize(QtCore.QSizeF(page_width, page_h))
    _keep_headings_with_next(doc, page_h)
    pages = doc.pageCount()
    painter = QtGui.QPainter(writer)
    try:
        font = QtGui.QFont(doc.defaultFont())
        font.setPointSizeF(7.5)
        for i in range(pages):
            if i:
                writer.newPage()
            painter.save()
            painter.scale(scale, scale)
            painter.translate(0, -i * page_h)
            doc.drawContents(painter, QtCore.QRectF(0, i * page_h, page_width, page_h))
            painter.restore()
            # the footer in device pixels, so its font size is true points on paper
            painter.setFont(font)
            painter.setPen(QtGui.QPen(QtGui.QColor(RULE_COLOR), max(1.0, scale * 0.6)))
            y = (page_h + 6) * scale
            painter.drawLine(QtCore.QPointF(0, y), QtCore.QPointF(writer.width(), y))
            painter.setPen(QtGui.QColor(FOOTER_COLOR))
            band = QtCore.QRectF(0, y + 2 * scale, writer.width(), (footer_units - 8) * scale)
            flags = QtCore.Qt.AlignmentFlag.AlignTop
            painter.drawText(band, int(QtCore.Qt.AlignmentFlag.AlignLeft | flags),
                             footer)
            painter.drawText(band, int(QtCore.Qt.AlignmentFlag.AlignRight | flags),
                             f"page {i + 1} of {pages}")
    finally:
        painter.end()


def write_pdf_pages(doc, path, page_width: float = 700, title: str = "", creator: str = "",
                    footer: str = "") -> Path:
    """Print ``doc`` to an A4 PDF at ``path`` laid out ``page_width`` CSS pixels wide,
    atomically (a temporary file beside ``path``, renamed over it when complete)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        writer = QtGui.QPdfWriter(str(tmp))
        writer.setPageSize(QtGui.QPageSize(QtGui.QPageSize.PageSizeId.A4))
        writer.setPageMargins(QtCore.QMarginsF(16, 14, 16, 12), QtGui.QPageLayout.Unit.Millimeter)
        writer.setResolution(300)
        writer.setTitle(title)
        writer.setCreator(creator)
        _print_pages(doc, writer, page_width, footer)
        del writer  # the file is complete once the writer is gone
        if os.path.getsize(tmp) == 0:
            raise OSError(f"Could not write the PDF {path}.")
    return path
