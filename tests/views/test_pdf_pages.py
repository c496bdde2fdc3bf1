"""The PDF report never splits a table row (or a line of text) across two pages.

QTextDocument's own pagination moved a row to the next page only when the first line of
every cell crossed the break, so a two-line row ("Weight initialisation", an outcome
with its detail) was cut in two; pdf_pages now chooses the breaks itself.  The rows are
measured here from the document's own layout, independently of pdf_pages' helpers."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import re

import pytest

from actlab import labfile
from actlab.engine import Trainer
from actlab.report.points import PAGE_WIDTH, report_document, report_images, write_report_pdf
from actlab.views.pdf_pages import ROW_KEEP_FRACTION, page_breaks, printable_height
from actlab.views.qt import QtGui


@pytest.fixture(scope="module")
def run(qapp):
    lab = labfile.load_preset("deep-sigmoid-vanishes")  # long settings, outcome rows
    t = Trainer(lab)
    t.train(30)
    snap = t.snapshot()
    return lab, t, snap, report_images(lab, snap, t.dataset)


def _notes(n: int) -> str:
    # each extra paragraph moves everything below the notes down by one line
    return "\n\n".join(f"Observation {i}: the loss went down." for i in range(n))


def _tables(frame):
    for child in frame.childFrames():
        if isinstance(child, QtGui.QTextTable):
            yield child
        yield from _tables(child)


def _row_text_spans(doc):
    """(top, bottom, first cell's text, cell padding) of every table row's text, nested
    rows included."""
    layout = doc.documentLayout()
    for table in _tables(doc.rootFrame()):
        for r in range(table.rows()):
            rects = []
            for c in range(table.columns()):
                cell = table.cellAt(r, c)
                block = doc.findBlock(cell.firstPosition())
                while block.isValid() and block.position() <= cell.lastPosition():
                    rects.append(layout.blockBoundingRect(block))
                    block = block.next()
            if rects:
                pad = table.format().cellPadding() + table.format().border()
                yield (min(x.top() for x in rects), max(x.bottom() for x in rects),
                       table.cellAt(r, 0).firstCursorPosition().block().text(), pad)


def _nests(doc, top, bottom) -> bool:
    """Whether a row holds a nested table (a layout row, which may break inside)."""
    layout = doc.documentLayout()
    return any(top <= layout.frameBoundingRect(t).top() < bottom
               and layout.frameBoundingRect(t).height() < bottom - top
               for t in _tables(doc.rootFrame()))


def _split(spans, breaks):
    return [(round(a), round(b), text) for a, b, text in spans
            if any(a + 0.5 < y < b - 0.5 for y in breaks)]


def test_no_row_straddles_a_page_break(run):
    lab, t, snap, images = run
    page_h = printable_height(PAGE_WIDTH)
    old_splits = 0
    for n in range(0, 45):
        doc = report_document(lab, snap, t.dataset, notes=_notes(n), images=images)
        doc.setTextWidth(PAGE_WIDTH)
        end = doc.documentLayout().documentSize().height()
        breaks = page_breaks(doc, page_h)
        assert breaks[0] == 0 and all(0 < b - a <= page_h + 1e-6
                                      for a, b in zip(breaks, breaks[1:] + [end]))
        # rows that fit in the kept part of a page, their padding included
        rows = [(a, b, text) for a, b, text, pad in _row_text_spans(doc)
                if b - a + 2 * pad <= ROW_KEEP_FRACTION * page_h and not _nests(doc, a, b)]
        assert len(rows) > 20
        assert _split(rows, breaks[1:]) == [], n
        # what fixed slices of one page height (the old printing) did to the same rows
        old_splits += len(_split(rows, [k * page_h for k in range(1, int(end // page_h) + 1)]))
    assert old_splits > 0  # the notes lengths really bring rows onto a page break


def test_lines_are_never_cut(run):
    lab, t, snap, images = run
    page_h = printable_height(PAGE_WIDTH)
    doc = report_document(lab, snap, t.dataset, notes=_notes(60), images=images)
    doc.setTextWidth(PAGE_WIDTH)
    breaks = page_breaks(doc, page_h)
    assert len(breaks) >= 2  # the long notes make a second page
    layout = doc.documentLayout()
    block = doc.begin()
    while block.isValid():
        top = layout.blockBoundingRect(block).top()
        lines = block.layout()
        for i in range(lines.lineCount()):
            a = top + lines.lineAt(i).y()
            b = a + lines.lineAt(i).height()
            assert not any(a + 0.5 < y < b - 0.5 for y in breaks), block.text()
        block = block.next()


def test_pdf_has_one_page_per_break(run, tmp_path):
    lab, t, snap, _ = run
    notes = _notes(60)
    path = write_report_pdf(lab, snap, t.dataset, tmp_path / "report.pdf", notes=notes)
    doc = report_document(lab, snap, t.dataset, notes=notes)
    doc.setTextWidth(PAGE_WIDTH)
    pages = len(page_breaks(doc, printable_height(PAGE_WIDTH)))
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", path.read_bytes())) == pages >= 2
