"""A small canvas to draw a greyscale picture with the mouse, for adding a student's own
image to an image lab's data set.

The picture is ``size``×``size`` pixels in [0, 1] with **ink 1 on background 0**, as the
engine's data sets (:mod:`actlab.engine.data.images`), drawn black on white paper as the
gallery and the CLI figures draw images.  Each pixel is shown as a large cell so a student
sees exactly what the network will see.  The left button draws with a soft round pen
whose width is that of the digits data set's strokes (about a tenth of the picture), the
right button erases with a wider one.  A fast stroke is filled in between mouse events,
so it never breaks into dots.  Pixels are whole ink levels (multiples of 1/255), which
the lab file stores exactly.
"""
from __future__ import annotations

import numpy as np

from actlab.engine.data.images import MAX_SIZE, MIN_SIZE, square_and_resize
from actlab.views.qt import QtCore, QtGui, QtWidgets

#: px of screen per picture pixel, at least (and what the canvas asks for)
MIN_CELL, HINT_CELL = 12, 16
#: the canvas is never smaller than this, so an 8×8 picture is still easy to draw on
MIN_SIDE, HINT_SIDE = 192, 320
INK_LEVELS = 255
GRID = QtGui.QColor("#c8c8c8")
BORDER = QtGui.QColor("#555555")


def pen_radius(size: int) -> float:
    """The pen's half-width in picture pixels: the digits' pen is 8-13 % of the picture
    wide; below about 1.6 px a stroke would be a faint line of half-inked pixels."""
    return max(0.8, 0.055 * size)


def _segment_distance(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance from each of ``points`` (m, 2) to the segment a-b."""
    ab = b - a
    denom = float(ab @ ab)
    t = np.zeros(len(points)) if denom == 0.0 else np.clip((points - a) @ ab / denom, 0, 1)
    return np.hypot(*(points - (a + t[:, None] * ab)).T)


class DrawCanvas(QtWidgets.QWidget):
    """``size``×``size`` pixels drawn large; left mouse draws, right mouse erases."""

    #: emitted after every change of the pixels (a stroke, clear, a new size)
    changed = QtCore.Signal()

    def __init__(self, size: int = 16, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._size = self._checked(size)
        self._ink = np.zeros((self._size, self._size))
        self._last: np.ndarray | None = None  # the stroke's previous point, picture px
        self._erasing = False
        self.setCursor(QtCore.Qt.CursorShape.CrossCursor)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding,
                           QtWidgets.QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Drawing canvas")
        self.setToolTip("Left button: draw. Right button: erase.")

    @staticmethod
    def _checked(size) -> int:
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) \
                or not MIN_SIZE <= size <= MAX_SIZE:
            raise ValueError(f"the canvas size must be {MIN_SIZE}..{MAX_SIZE}, got {size!r}")
        return int(size)

    # ---------------------------------------------------------------- the picture
    @property
    def size_px(self) -> int:
        return self._size

    def pixels(self) -> np.ndarray:
        """A copy of the picture, (size, size) float64 in [0, 1], in whole ink levels."""
        return np.rint(self._ink * INK_LEVELS) / INK_LEVELS

    def is_empty(self) -> bool:
        return not (self.pixels() > 0).any()

    def set_pixels(self, image: np.ndarray) -> None:
        image = np.asarray(image, dtype=np.float64)
        if image.shape != (self._size, self._size):
            raise ValueError(f"a picture of {self._size}×{self._size} px expected, got "
                             f"{image.shape}")
        self._ink = np.clip(np.nan_to_num(image), 0.0, 1.0)
        self._changed()

    def clear(self) -> None:
        self._ink = np.zeros((self._size, self._size))
        self._changed()

    def set_size(self, n: int) -> None:
        """Draw at ``n``×``n`` px from now on; the drawing so far is resampled (area
        averaging), so changing the size keeps what was drawn."""
        n = self._checked(n)
        if n != self._size:
            self._ink = np.clip(square_and_resize(self._ink[None], n)[0], 0.0, 1.0)
            self._size = n
            self.updateGeometry()
            self._changed()

    def _changed(self) -> None:
        self.update()
        self.changed.emit()

    # ---------------------------------------------------------------- geometry
    def sizeHint(self) -> QtCore.QSize:
        side = max(HINT_SIDE, HINT_CELL * self._size)
        return QtCore.QSize(side, side)

    def minimumSizeHint(self) -> QtCore.QSize:
        side = max(MIN_SIDE, MIN_CELL * self._size)
        return QtCore.QSize(side, side)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def cell(self) -> int:
        """Screen px per picture pixel: whole, so every cell is the same size."""
        return max(1, min(self.width(), self.height()) // self._size)

    def picture_rect(self) -> QtCore.QRect:
        """Where the picture is drawn: a centred square of whole cells."""
        side = self.cell() * self._size
        return QtCore.QRect((self.width() - side) // 2, (self.height() - side) // 2,
                            side, side)

    def cell_center(self, row: int, col: int) -> QtCore.QPoint:
        """The widget point at the middle of picture pixel (row, col), e.g. for tests."""
        r, c = self.picture_rect(), self.cell()
        return QtCore.QPoint(r.left() + col * c + c // 2, r.top() + row * c + c // 2)

    def _to_picture(self, pos: QtCore.QPointF) -> np.ndarray:
        """A widget point in picture px (x along the columns, y down the rows)."""
        r, c = self.picture_rect(), self.cell()
        return np.array([(pos.x() - r.left()) / c, (pos.y() - r.top()) / c])

    # ---------------------------------------------------------------- drawing
    def _stroke(self, a: np.ndarray, b: np.ndarray) -> None:
        n = self._size
        centres = np.stack(np.meshgrid(np.arange(n) + 0.5, np.arange(n) + 0.5),
                           axis=-1).reshape(-1, 2)  # (x, y) of each pixel, row by row
        radius = pen_radius(n) * (1.6 if self._erasing else 1.0)
        # the ink falls from 1 to 0 over one pixel at the pen's edge, as in the digits
        ink = np.clip(0.5 + radius - _segment_distance(centres, a, b), 0.0, 1.0).reshape(n, n)
        self._ink = np.minimum(self._ink, 1.0 - ink) if self._erasing else np.maximum(
            self._ink, ink)
        self._changed()

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        button = event.button()
        if button not in (QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.MouseButton.RightButton):
            return super().mousePressEvent(event)
        self._erasing = button == QtCore.Qt.MouseButton.RightButton
        self._last = self._to_picture(event.position())
        self._stroke(self._last, self._last)
        event.accept()

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:
        if self._last is None:
            return super().mouseMoveEvent(event)
        point = self._to_picture(event.position())
        self._stroke(self._last, point)
        self._last = point
        event.accept()

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:
        self._last = None
        event.accept()

    def contextMenuEvent(self, event: QtGui.QContextMenuEvent) -> None:
        event.accept()  # the right button erases: no menu over the canvas

    # ---------------------------------------------------------------- painting
    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        grey = np.rint(255.0 * (1.0 - self.pixels())).astype(np.uint8)
        rgb = np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))
        n = self._size
        image = QtGui.QImage(rgb.data, n, n, 3 * n, QtGui.QImage.Format.Format_RGB888)
        r, c = self.picture_rect(), self.cell()
        p = QtGui.QPainter(self)
        p.drawImage(r, image)  # nearest-neighbour: each pixel one crisp cell
        if c >= 6:  # the grid shows the pixels the network sees; skipped when tiny
            p.setPen(QtGui.QPen(GRID, 0))
            for i in range(1, n):
                p.drawLine(r.left() + i * c, r.top(), r.left() + i * c, r.bottom())
                p.drawLine(r.left(), r.top() + i * c, r.right(), r.top() + i * c)
        p.setPen(QtGui.QPen(BORDER, 1))
        p.drawRect(r.adjusted(0, 0, -1, -1))
        p.end()
