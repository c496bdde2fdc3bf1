"""Print a QTextDocument to an A4 PDF, page by page, with a footer on every page.

``QTextDocument.print_`` adds its own 2 cm margins and a bare page number, lets a heading
end a page and splits a table row across pages (Qt only moves a row whole when the
*first* line of every cell crosses the break, so a two-line row had its second line on
the next page; CSS ``page-break-inside: avoid`` is ignored).  This module lays the
document out once as one tall page and chooses the page breaks itself
(:func:`page_breaks`): never inside a line of text, never inside a table row that fits
in a :data:`ROW_KEEP_FRACTION` of a page, never between a heading and what it
introduces.  Each page is then painted as its slice of the tall layout, scaled to the
printable width, with a small footer ("<title>    page n of N").  QtGui only
(QPdfWriter), no QtPrintSupport.
"""
from __future__ import annotations

import os
from pathlib import Path

from actlab.atomic import atomic_path
from actlab.views.qt import QtCore, QtGui

FOOTER_COLOR = "#5F6368"
RULE_COLOR = "#C8CBD0"
FOOTER_UNITS = 26  # room under the text for the footer, in document units
#: Table rows up to this part of a page are kept whole; a taller one (a long notes box)
#: breaks between its lines like a paragraph, rather than leaving most of a page empty.
ROW_KEEP_FRACTION = 0.4


def _tables(frame):
    """Every QTextTable inside ``frame``, nested ones included, in document order."""
    for child in frame.childFrames():
        if isinstance(child, QtGui.QTextTable):
            yield child
        yield from _tables(child)


def _blocks_between(doc, first: int, last: int):
    block = doc.findBlock(first)
    while block.isValid() and block.position() <= last:
        yield block
        block = block.next()


def table_rows(doc):
    """(top, bottom, table, row) of every table row that holds no nested table, in
    document units of ``doc``'s current layout: its cells' text plus the cell padding."""
    layout = doc.documentLayout()
    for table in _tables(doc.rootFrame()):
        nested = [(t.firstPosition(), t.lastPosition()) for t in _tables(table)]
        fmt = table.format()
        pad = fmt.cellPadding() + fmt.border()
        for r in range(table.rows()):
            top = bottom = None
            first = table.cellAt(r, 0).firstPosition()
            last = table.cellAt(r, table.columns() - 1).lastPosition()
            if any(first <= a <= last for a, _ in nested):
                continue  # a layout row: it may break between the rows inside it
            for block in _blocks_between(doc, first, last):
                rect = layout.blockBoundingRect(block)
                top = rect.top() if top is None else min(top, rect.top())
                bottom = rect.bottom() if bottom is None else max(bottom, rect.bottom())
            if top is not None:
                yield top - pad, bottom + pad, table, r


def _line_spans(doc):
    """(top, bottom) of every laid-out line of text (images sit in lines too)."""
    layout = doc.documentLayout()
    block = doc.begin()
    while block.isValid():
        rect = layout.blockBoundingRect(block)
        text_layout = block.layout()
        for i in range(text_layout.lineCount() if text_layout is not None else 0):
            line = text_layout.lineAt(i)
            yield rect.top() + line.y(), rect.top() + line.y() + line.height()
        block = block.next()


def _heading_spans(doc):
    """(heading top, bottom of the first line after it): a break there would leave the
    heading alone at the foot of a page."""
    layout = doc.documentLayout()
    block = doc.begin()
    while block.isValid():
        nxt = block.next()
        if block.blockFormat().headingLevel() and nxt.isValid():
            top = layout.blockBoundingRect(block).top()
            rect = layout.blockBoundingRect(nxt)
            text_layout = nxt.layout()
            if text_layout is not None and text_layout.lineCount():
                line = text_layout.lineAt(0)
                yield top, rect.top() + line.y() + line.height()
            else:
                yield top, rect.bottom()
        block = nxt


def page_breaks(doc, page_height: float) -> list[float]:
    """Where each page starts, in document units, for ``doc`` laid out as one tall page
    (no page height set): ``[0, y1, y2, ...]``, each page at most ``page_height`` tall.

    A break is never inside a line, a table row shorter than ``ROW_KEEP_FRACTION`` of a
    page, or between a heading and its first line; only something taller than a page is
    cut where the page ends."""
    keep_row = page_height * ROW_KEEP_FRACTION
    spans = list(_line_spans(doc)) + list(_heading_spans(doc))
    spans += [(top, bottom) for top, bottom, _, _ in table_rows(doc)
              if bottom - top <= keep_row]
    spans = [(a, b) for a, b in spans if b - a < page_height]
    end = doc.documentLayout().documentSize().height()
    starts = [0.0]
    while end - starts[-1] > page_height:
        start = starts[-1]
        cut = start + page_height
        moved = True
        while moved:  # back up to the top of whatever the cut falls into, transitively
            moved = False
            for top, bottom in spans:
                if top < cut < bottom - 0.01 and top > start:
                    cut, moved = top, True
        starts.append(cut if cut > start + 1 else start + page_height)
    return starts


def _print_pages(doc, writer, page_width: float, footer: str) -> None:
    """Paint ``doc`` page by page on ``writer``, scaled to the printable width, with a
    small footer (title, page n of N) under each page."""
    footer_units = FOOTER_UNITS
    scale = writer.width() / page_width
    page_h = writer.height() / scale - footer_units
    doc.setTextWidth(page_width)  # one tall page: the breaks are chosen below
    starts = page_breaks(doc, page_h)
    ends = starts[1:] + [doc.documentLayout().documentSize().height()]
    pages = len(starts)
    painter = QtGui.QPainter(writer)
    try:
        font = QtGui.QFont(doc.defaultFont())
        font.setPointSizeF(7.5)
        for i, (top, bottom) in enumerate(zip(starts, ends)):
            if i:
                writer.newPage()
            painter.save()
            painter.scale(scale, scale)
            painter.translate(0, -top)
            doc.drawContents(painter, QtCore.QRectF(0, top, page_width, bottom - top))
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


def _a4_writer(device) -> QtGui.QPdfWriter:
    writer = QtGui.QPdfWriter(device)
    writer.setPageSize(QtGui.QPageSize(QtGui.QPageSize.PageSizeId.A4))
    writer.setPageMargins(QtCore.QMarginsF(16, 14, 16, 12), QtGui.QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    return writer


def printable_height(page_width: float = 700) -> float:
    """How tall one A4 page's text area is, in the units of a document laid out
    ``page_width`` wide (the footer's room taken off)."""
    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    writer = _a4_writer(buffer)
    return writer.height() / (writer.width() / page_width) - FOOTER_UNITS


def write_pdf_pages(doc, path, page_width: float = 700, title: str = "", creator: str = "",
                    footer: str = "") -> Path:
    """Print ``doc`` to an A4 PDF at ``path`` laid out ``page_width`` CSS pixels wide,
    atomically (a temporary file beside ``path``, renamed over it when complete)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        writer = _a4_writer(str(tmp))
        writer.setTitle(title)
        writer.setCreator(creator)
        _print_pages(doc, writer, page_width, footer)
        del writer  # the file is complete once the writer is gone
        if os.path.getsize(tmp) == 0:
            raise OSError(f"Could not write the PDF {path}.")
    return path
