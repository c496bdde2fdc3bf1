"""The scrolled canvas of the image-network builder: the layer columns are its children;
behind them it paints the merge brackets (a translucent band over the merged columns, the
caption above, the look of the point builder's MergeBracketItem) and, while a filter is
hovered, its links — one line from each map of the layer before to the hovered filter,
as thick as the weight it gives that map (blue positive, orange negative).  Links of one
filter at a time: 16 lines that say something, not a hairball of all 16×16."""
from __future__ import annotations

import numpy as np

from actlab.views.network.items import MergeBracketItem
from actlab.views.qt import QtCore, QtGui, QtWidgets
from actlab.views.images.filter_tiles import NEG_LINK, POS_LINK

Qt = QtCore.Qt

MAX_LINK_WIDTH = 3.5
LINK_FLOOR = 0.08  # weights under 8 % of the largest are left out: they say nothing


class BuilderCanvas(QtWidgets.QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.brackets: list[tuple[QtCore.QRectF, QtCore.QRectF, str]] = []
        #: (start, end, signed weight / largest |weight|) of the hovered filter's links
        self.links: list[tuple[QtCore.QPointF, QtCore.QPointF, float]] = []
        self.font_caption = MergeBracketItem("").font

    def set_links(self, starts: list[QtCore.QPointF], end: QtCore.QPointF,
                  weights) -> None:
        """Links from ``starts`` (one per map of the layer before) to ``end``."""
        w = np.asarray(weights, dtype=float)
        top = float(np.abs(w).max()) if w.size and np.isfinite(w).all() else 0.0
        self.links = [] if top == 0 else [
            (s, end, float(v) / top) for s, v in zip(starts, w) if abs(v) >= LINK_FLOOR * top]
        self.update()

    def clear_links(self) -> None:
        if self.links:
            self.links = []
            self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        for band, text_rect, text in self.brackets:
            p.setPen(QtGui.QPen(MergeBracketItem.EDGE, 1.2, Qt.PenStyle.DashLine))
            p.setBrush(MergeBracketItem.FILL)
            p.drawRoundedRect(band, 8, 8)
            p.setFont(self.font_caption)
            p.setPen(MergeBracketItem.TEXT)
            p.drawText(text_rect, int(MergeBracketItem.FLAGS), text)
        p.setBrush(Qt.BrushStyle.NoBrush)
        for start, end, w in self.links:
            color = QtGui.QColor(POS_LINK if w > 0 else NEG_LINK)
            color.setAlpha(int(90 + 165 * abs(w)))
            p.setPen(QtGui.QPen(color, max(0.6, MAX_LINK_WIDTH * abs(w))))
            path = QtGui.QPainterPath(start)
            xm = (start.x() + end.x()) / 2
            path.cubicTo(xm, start.y(), xm, end.y(), end.x(), end.y())
            p.drawPath(path)
        p.end()
