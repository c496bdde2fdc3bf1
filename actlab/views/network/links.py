"""The links of a crowded weight layer (e.g. 64 × 64) drawn as one graphics item.

One ``QGraphicsPathItem`` per link is fine for TensorFlow Playground's sizes, but 4,096
translucent antialiased curves between two 64-neuron layers cost Qt's raster engine
~0.1 s per layer and paint (measured: a 10 × 64 diagram took 0.7–0.9 s to repaint, which
froze the window).  Here a layer's links are straight, opaque lines (their colour already
fades to grey as the weight goes to 0, so no transparency is needed), only the
``MAX_DRAWN`` strongest are drawn, weakest first so strong ones lie on top, and the
result is cached as a pixmap: hovering or a surface redraw never re-rasterises it.
"""
from __future__ import annotations

import time

import numpy as np

from actlab.views.network.items import PenBook
from actlab.views.qt import QtCore, QtGui, QtWidgets

#: Layers with more links than this get one DenseLinksItem instead of a LinkItem each.
DENSE_ABOVE = 128
#: At most this many links of one layer are drawn (the strongest): 4,096 lines between
#: two columns a few dozen pixels apart are a grey blur, the strongest few hundred show
#: the structure.
MAX_DRAWN = 600


class DenseLinksItem(QtWidgets.QGraphicsItem):
    """All links of weight layer ``layer`` (W has shape (n_a, n_b)); link ``i * n_b + j``
    joins node ``i`` on the left to node ``j`` on the right."""

    def __init__(self, layer: int, n_a: int, n_b: int, book: PenBook):
        super().__init__()
        self.layer, self.n_a, self.n_b = layer, n_a, n_b
        self._book = book
        self.setZValue(1)
        self.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._rect = QtCore.QRectF()
        self._xa = self._xb = 0.0
        self._ya = np.zeros(n_a)
        self._yb = np.zeros(n_b)
        self._levels: np.ndarray | None = None
        self._strength: np.ndarray | None = None
        self._style = (255, 0.5, 1.0)
        self._batches: list[tuple[QtGui.QPen, list]] = []
        self._drawn = np.zeros(0, dtype=np.intp)
        self.cost = 0.004  # seconds one repaint of the cache took (moving average)

    # ------------------------------------------------------------------ geometry
    def set_ends(self, xa: float, ya, xb: float, yb) -> None:
        """Left column at ``xa`` with node centres ``ya``, right at ``xb`` with ``yb``."""
        self.prepareGeometryChange()
        self._xa, self._xb = float(xa), float(xb)
        self._ya, self._yb = np.asarray(ya, dtype=float), np.asarray(yb, dtype=float)
        top = min(self._ya.min(), self._yb.min()) - 3
        bottom = max(self._ya.max(), self._yb.max()) + 3
        self._rect = QtCore.QRectF(self._xa - 1, top, self._xb - self._xa + 2, bottom - top)
        self._rebatch()

    def set_style(self, alpha: int, wmin: float, wmax: float) -> None:
        if (alpha, wmin, wmax) != self._style:
            self._style = (alpha, wmin, wmax)
            self._rebatch()

    def set_levels(self, lv: np.ndarray, strength: np.ndarray | None = None) -> None:
        """Quantised weights (``levels(W.ravel())``) and, to choose which to draw,
        ``|W|.ravel()`` (default ``|lv|``); redraws at the next paint."""
        self._levels = np.asarray(lv)
        self._strength = None if strength is None else np.asarray(strength)
        self._rebatch()

    def drawn(self) -> np.ndarray:
        """Flat indices ``i * n_b + j`` of the links drawn now (for tests)."""
        return self._drawn

    def _rebatch(self) -> None:
        """Pick the links to draw and group them by pen (a few ``drawLines`` calls)."""
        lv = self._levels
        n = self.n_a * self.n_b
        if lv is None or lv.size != n:
            lv = np.zeros(n, dtype=np.int16)
        strength = self._strength
        if strength is None or strength.size != n:
            strength = np.abs(lv).astype(float)
        # many equal levels (fresh weights): rank by the exact |w|, never by position,
        # which drew a fan of the first node's links
        if n > MAX_DRAWN:
            keep = np.argpartition(-strength, MAX_DRAWN - 1)[:MAX_DRAWN]
        else:
            keep = np.arange(n)
        # weakest first, so the strong links are painted on top; equal strength by sign
        keep = keep[np.lexsort((lv[keep], np.abs(lv[keep])))]
        self._drawn = keep
        alpha, wmin, wmax = self._style
        xa, xb, ya, yb, nb = self._xa, self._xb, self._ya, self._yb, self.n_b
        batches: list[tuple[QtGui.QPen, list]] = []
        key = None
        QLineF = QtCore.QLineF
        for k, level in zip(keep.tolist(), lv[keep].tolist()):
            if level != key:
                key = level
                lines: list = []
                batches.append((self._book.link_pen(level, alpha, wmin, wmax), lines))
            i, j = divmod(k, nb)
            lines.append(QLineF(xa, ya[i], xb, yb[j]))
        self._batches = batches
        self.update()

    # ------------------------------------------------------------------ drawing
    def boundingRect(self) -> QtCore.QRectF:
        return self._rect

    def paint(self, painter, option, widget=None) -> None:
        t0 = time.perf_counter()
        for pen, lines in self._batches:
            painter.setPen(pen)
            painter.drawLines(lines)
        self.cost = 0.7 * self.cost + 0.3 * (time.perf_counter() - t0)

    # ------------------------------------------------------------------ hit testing
    def tip_key_at(self, pos: QtCore.QPointF, radius: float):
        hit = self.link_at(pos, radius)
        return None if hit is None else ("link", self.layer, *hit)

    def link_at(self, pos: QtCore.QPointF, radius: float) -> tuple[int, int] | None:
        """(i, j) of the drawn link nearest to scene point ``pos`` within ``radius``."""
        if not len(self._drawn) or self._xb <= self._xa:
            return None
        x, y = pos.x(), pos.y()
        if not self._xa <= x <= self._xb:
            return None
        t = (x - self._xa) / (self._xb - self._xa)
        i, j = np.divmod(self._drawn, self.n_b)
        ys = self._ya[i] + (self._yb[j] - self._ya[i]) * t
        k = int(np.argmin(np.abs(ys - y)))
        if abs(ys[k] - y) > radius:
            return None
        return int(i[k]), int(j[k])
