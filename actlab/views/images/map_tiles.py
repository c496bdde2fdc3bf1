"""A grid of small maps in the app's diverging colours: a convolution's feature maps of one
image, or one template.  Dumb: :meth:`MapTiles.set_values` takes the (F, h, w) values and
draws them; nothing is computed here but colours.

Drawing is the builder's (:mod:`.filter_tiles`): the whole stack becomes one RGBA atlas
with one symmetric range (negative orange, 0 white, positive blue), wrapped once in a
QImage, and the paint event blits a sub-rectangle per tile, nearest-neighbour, so pixels
stay square.  No widget is made per tile or per frame.
"""
from __future__ import annotations

import numpy as np

from actlab.views.images.filter_tiles import EMPTY, FRAME, atlas_image, rgba_atlas
from actlab.views.qt import QtCore, QtGui, QtWidgets

Qt = QtCore.Qt
GAP = 3  # between tiles


class MapTiles(QtWidgets.QWidget):
    """``count`` tiles of ``side`` px in rows of ``columns`` (the last row may be short)."""

    def __init__(self, count: int = 1, columns: int = 8, side: int = 32,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: np.ndarray | None = None   # (F, h, w) as drawn
        self.range = 1.0                        # the symmetric colour range drawn
        self._rgba = self._img = None
        self.set_shape(count, columns, side)

    def set_shape(self, count: int, columns: int, side: int) -> None:
        self.count, self.columns, self.side = int(count), max(1, int(columns)), int(side)
        rows = -(-self.count // self.columns)
        cols = min(self.columns, self.count)
        self.setFixedSize(cols * (self.side + GAP) + GAP, rows * (self.side + GAP) + GAP)
        self.update()

    def tile_rect(self, f: int) -> QtCore.QRect:
        r, c = divmod(f, self.columns)
        return QtCore.QRect(GAP + c * (self.side + GAP), GAP + r * (self.side + GAP),
                            self.side, self.side)

    def set_values(self, values: np.ndarray | None) -> None:
        """Draw ``values`` ((F, h, w), or one (h, w)); None shows empty tiles."""
        if values is None:
            self.values = self._rgba = self._img = None
        else:
            v = np.asarray(values, dtype=np.float64)
            self.values = v[None] if v.ndim == 2 else v
            if len(self.values) != self.count:
                self.set_shape(len(self.values), self.columns, self.side)
            self._rgba, self.range = rgba_atlas(self.values)
            self._img = atlas_image(self._rgba)
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt name
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, False)
        p.setPen(QtGui.QPen(FRAME, 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        for f in range(self.count):
            r = self.tile_rect(f)
            if self._img is None:
                p.fillRect(r, EMPTY)
            else:
                h, w = self.values.shape[1:]
                p.drawImage(r, self._img, QtCore.QRect(0, f * h, w, h))
            p.drawRect(r.adjusted(0, 0, -1, -1))
        p.end()
