"""The filter tiles of the image-network builder: one :class:`FilterColumn` per convolution
layer, each filter drawn as its kernel and, beside it, its feature map for the probed
image (TensorFlow Playground's neuron thumbnails, for images), and the :class:`InputTile`.

Drawing is cheap by construction: :meth:`FilterColumn.set_pictures` turns a whole layer's
kernels into one RGBA atlas (filters stacked vertically: the (F, k, k, 4) array *is* an
image F·k rows tall, no copy) and its maps into another, wraps each in one QImage, and
repaints; the paint event blits a sub-rectangle per tile with nearest-neighbour scaling.
No widget is created or destroyed per frame.

Colours: the app's diverging map (see :mod:`..colors`) at full strength — negative orange,
0 white, positive blue — with one symmetric range per layer for the kernels and another for
the maps, so filters of one layer compare at a glance and a dead filter shows white.
"""
from __future__ import annotations

import numpy as np

from actlab.views import colors
from actlab.views.qt import QtCore, QtGui, QtWidgets

Qt = QtCore.Qt

EMPTY = QtGui.QColor("#ECECEC")
FRAME = QtGui.QColor("#9A9A9A")
HOVER = QtGui.QColor("#222222")
POS_LINK, NEG_LINK = QtGui.QColor(colors.BLUE), QtGui.QColor(colors.ORANGE)
GAP = 3          # between a tile's kernel and its map
ROW_GAP = 4      # between filters
MIN_SIDE, MAX_SIDE = 12, 96


def shown_kernels(kernels: np.ndarray) -> np.ndarray:
    """The (F, k, k) kernels a tile shows: a grey-input layer's own kernels; for C > 1
    input channels their sum over the channels (what the filter does to a map that is the
    same in every channel — the tooltip says so)."""
    k = np.asarray(kernels, dtype=np.float64)
    return k[:, 0] if k.shape[1] == 1 else k.sum(axis=1)


def rgba_atlas(values: np.ndarray) -> tuple[np.ndarray, float]:
    """(F, h, w) values → ((F·h, w, 4) uint8 C-contiguous RGBA, the symmetric range)."""
    vmax = colors.symmetric_range(values)
    rgba = colors.diverging_rgba(values, vmax, lut=colors.POINT_DIVERGING_LUT)
    f, h, w = np.shape(values)
    return np.ascontiguousarray(rgba.reshape(f * h, w, 4)), vmax


def atlas_image(atlas: np.ndarray) -> QtGui.QImage:
    """``atlas`` as a QImage in the painter's native format: converted once here, because
    drawing a sub-rectangle of an RGBA8888 image converts the *whole* image on every
    call (16 tiles of one atlas cost 16 conversions: measured 10 ms for 4 × 16 tiles)."""
    h, w = atlas.shape[:2]
    view = QtGui.QImage(atlas.data, w, h, 4 * w, QtGui.QImage.Format.Format_RGBA8888)
    return view.convertToFormat(QtGui.QImage.Format.Format_ARGB32_Premultiplied)


class FilterColumn(QtWidgets.QWidget):
    """The tiles of one convolution layer.  ``hovered(layer, filter)`` fires as the mouse
    enters a tile (filter -1: it left them all), ``clicked(layer, filter)`` when a tile is
    clicked or Enter is pressed on the focused one."""

    hovered = QtCore.Signal(int, int)
    clicked = QtCore.Signal(int, int)

    def __init__(self, layer: int, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.layer = layer
        self.filters = 1
        self.side = 24
        self.hover = -1
        self.link_weights: np.ndarray | None = None  # per tile, while a later tile is hovered
        self.kernels: np.ndarray | None = None        # (F, k, k) as drawn
        self.maps: np.ndarray | None = None           # (F, h, w) as drawn
        self.kernel_range = self.map_range = 1.0
        self.kernel_rgba: np.ndarray | None = None     # the atlases behind the QImages
        self.map_rgba: np.ndarray | None = None
        self._kimg = self._mimg = None
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)
        # keyboard users reach the large view too: Tab to the column, ↑/↓ between filters
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(f"Filters of convolution layer {layer + 1}")
        self.setAccessibleDescription("Up and Down arrows show each filter large, with "
                                      "its values; Enter opens it inside; Escape closes "
                                      "the view.")
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    # -- geometry
    def tile_width(self) -> int:
        return 2 * self.side + GAP

    def column_height(self) -> int:
        return self.filters * (self.side + ROW_GAP)

    def set_shape(self, filters: int, side: int) -> None:
        self.filters, self.side = int(filters), int(side)
        self.setFixedSize(self.tile_width() + 4, self.column_height())
        self.update()

    def kernel_rect(self, f: int) -> QtCore.QRect:
        return QtCore.QRect(2, f * (self.side + ROW_GAP) + ROW_GAP // 2, self.side, self.side)

    def map_rect(self, f: int) -> QtCore.QRect:
        return self.kernel_rect(f).translated(self.side + GAP, 0)

    def tile_rect(self, f: int) -> QtCore.QRect:
        return self.kernel_rect(f).united(self.map_rect(f))

    def filter_at(self, pos: QtCore.QPoint) -> int:
        f = pos.y() // (self.side + ROW_GAP)
        return int(f) if 0 <= f < self.filters and 0 <= pos.x() < self.width() else -1

    # -- data
    def set_pictures(self, kernels: np.ndarray | None, maps: np.ndarray | None) -> None:
        """Draw the (F, C, k, k) ``kernels`` and (F, h, w) ``maps``; None clears."""
        if kernels is None or maps is None or len(kernels) != self.filters:
            self.kernels = self.maps = self._kimg = self._mimg = None
            self.kernel_rgba = self.map_rgba = None
        else:
            self.kernels = shown_kernels(kernels)
            self.maps = np.asarray(maps, dtype=np.float64)
            self.kernel_rgba, self.kernel_range = rgba_atlas(self.kernels)
            self.map_rgba, self.map_range = rgba_atlas(self.maps)
            self._kimg, self._mimg = atlas_image(self.kernel_rgba), atlas_image(self.map_rgba)
        self.update()

    def set_link_weights(self, weights: np.ndarray | None) -> None:
        """Outline each tile by the signed weight with which the hovered filter of the next
        layer reads it (thickness ∝ |weight|, blue positive, orange negative)."""
        self.link_weights = None if weights is None else np.asarray(weights, float)
        self.update()

    # -- events
    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt name
        f = self.filter_at(event.position().toPoint())
        if f != self.hover:
            self.hover = f
            self.update()
            self.hovered.emit(self.layer, f)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        f = self.filter_at(event.position().toPoint())
        if f >= 0 and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.layer, f)
        else:
            super().mousePressEvent(event)

    def _set_hover(self, f: int) -> None:
        if f != self.hover:
            self.hover = f
            self.update()
            self.hovered.emit(self.layer, f)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = -1 if key == Qt.Key.Key_Up else 1
            self._set_hover(min(max(self.hover + step, 0), self.filters - 1))
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.hover >= 0:
            self.clicked.emit(self.layer, self.hover)
        elif key == Qt.Key.Key_Escape and self.hover >= 0:
            self._set_hover(-1)
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: N802
        super().focusInEvent(event)
        # by the keyboard (a click's tile is hovered already; a window coming back to the
        # front should not pop the view up)
        if event.reason() in (Qt.FocusReason.TabFocusReason,
                              Qt.FocusReason.BacktabFocusReason) and self.hover < 0:
            self._set_hover(0)

    def focusOutEvent(self, event) -> None:  # noqa: N802
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self._set_hover(-1)

    def leaveEvent(self, event) -> None:  # noqa: N802
        if self.hover != -1:
            self.hover = -1
            self.update()
            self.hovered.emit(self.layer, -1)

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, False)
        for f in range(self.filters):
            kr, mr = self.kernel_rect(f), self.map_rect(f)
            if self._kimg is None:
                p.fillRect(kr, EMPTY)
                p.fillRect(mr, EMPTY)
            else:
                k = self.kernels.shape[1]
                h, w = self.maps.shape[1:]
                p.drawImage(kr, self._kimg, QtCore.QRect(0, f * k, k, k))
                p.drawImage(mr, self._mimg, QtCore.QRect(0, f * h, w, h))
            p.setPen(QtGui.QPen(FRAME, 1))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(kr.adjusted(0, 0, -1, -1))
            p.drawRect(mr.adjusted(0, 0, -1, -1))
            if self.link_weights is not None and f < len(self.link_weights):
                self._draw_link(p, f)
            if f == self.hover:
                p.setPen(QtGui.QPen(HOVER, 2, Qt.PenStyle.DashLine if self.hasFocus()
                                    else Qt.PenStyle.SolidLine))
                p.drawRect(self.tile_rect(f).adjusted(-1, -1, 0, 0))
        p.end()

    def _draw_link(self, p: QtGui.QPainter, f: int) -> None:
        wmax = float(np.abs(self.link_weights).max()) or 1.0
        w = float(self.link_weights[f])
        width = 3.0 * abs(w) / wmax
        if width >= 0.4:
            p.setPen(QtGui.QPen(POS_LINK if w > 0 else NEG_LINK, width))
            p.drawRect(self.tile_rect(f).adjusted(-1, -1, 0, 0))


class InputTile(QtWidgets.QWidget):
    """The probed image, greyscale (black ink on white, as the gallery draws it)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.image: np.ndarray | None = None
        self.link_weights: np.ndarray | None = None
        self._buf = self._img = None
        self.setToolTip("The probed image: what the first convolution layer looks at. "
                        "Click an image in the gallery to probe another one.")

    def set_image(self, image: np.ndarray | None) -> None:
        if image is None:
            self.image = self._buf = self._img = None
        else:
            self.image = np.asarray(image, dtype=np.float64)
            grey = np.rint(255 * (1 - np.clip(np.nan_to_num(self.image), 0, 1)))
            self._buf = np.ascontiguousarray(grey.astype(np.uint8))
            h, w = self._buf.shape
            self._img = QtGui.QImage(self._buf.data, w, h, w,
                                     QtGui.QImage.Format.Format_Grayscale8).convertToFormat(
                QtGui.QImage.Format.Format_ARGB32_Premultiplied)
        self.update()

    def set_link_weights(self, weights: np.ndarray | None) -> None:
        self.link_weights = weights
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QtGui.QPainter(self)
        r = self.rect().adjusted(2, 2, -2, -2)
        if self._img is None:
            p.fillRect(r, EMPTY)
        else:
            p.drawImage(r, self._img)
        p.setPen(QtGui.QPen(FRAME, 1))
        p.drawRect(r.adjusted(0, 0, -1, -1))
        if self.link_weights is not None and len(self.link_weights):
            w = float(self.link_weights[0])
            p.setPen(QtGui.QPen(POS_LINK if w > 0 else NEG_LINK, 3))
            p.drawRect(r.adjusted(-1, -1, 0, 0))
        p.end()
