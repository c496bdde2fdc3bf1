"""Sketched predictions: the canvas the student draws on before a run, and the small
picture of the sketch over what the network really drew after it.

Both show the lab's data in one frame: a point lab's plane [-6, 6]² with the training
points in their class colours (the student draws the decision boundary they expect), or
a function lab's x axis [-6, 6] with the (x, y) training points (the curve they expect).
Plain QPainter drawing; the views make no engine calls.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actlab.views.colors import BOUNDARY, CLASS_COLORS, _mix
from actlab.views.qt import QtCore, QtGui, QtWidgets

EXTENT = 6.0          # the plane and the x axis every point and function lab shows
INK = "#202124"       # the student's sketch
NETWORK_LINE = "#0072B2"
GRID_LINE = "#E6E8EB"
MIN_STEP_PX = 3.0     # a stroke keeps a point every few pixels


@dataclass(frozen=True)
class SketchData:
    """What a sketch is drawn over: the training points (``x`` (n, 2) for a point lab,
    (n,) for a function lab, ``y`` classes or targets) and the data frame."""
    target: str            # "boundary" or "curve"
    x: np.ndarray
    y: np.ndarray
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    @classmethod
    def of(cls, target: str, dataset) -> "SketchData":
        X = np.asarray(dataset.X_train, float)
        y = np.asarray(dataset.y_train)
        if target == "boundary":
            return cls(target, X[:, :2], y.astype(int).ravel(), (-EXTENT, EXTENT),
                       (-EXTENT, EXTENT))
        ys = np.asarray(y, float).ravel()
        lo, hi = (float(ys.min()), float(ys.max())) if ys.size else (-1.0, 1.0)
        pad = 0.15 * (hi - lo) if hi > lo else 1.0
        return cls(target, X[:, 0], ys, (-EXTENT, EXTENT), (lo - pad, hi + pad))


class Frame:
    """Maps data coordinates to the pixels of ``rect`` (y up) and back."""

    def __init__(self, data: SketchData, rect: QtCore.QRectF):
        self.rect = rect
        (self.x0, self.x1), (self.y0, self.y1) = data.x_range, data.y_range

    def to_px(self, x, y) -> QtCore.QPointF:
        r = self.rect
        return QtCore.QPointF(r.left() + (x - self.x0) / (self.x1 - self.x0) * r.width(),
                              r.bottom() - (y - self.y0) / (self.y1 - self.y0) * r.height())

    def to_data(self, p: QtCore.QPointF) -> tuple[float, float]:
        r = self.rect
        x = self.x0 + (p.x() - r.left()) / max(1.0, r.width()) * (self.x1 - self.x0)
        y = self.y0 + (r.bottom() - p.y()) / max(1.0, r.height()) * (self.y1 - self.y0)
        return (min(max(x, self.x0), self.x1), min(max(y, self.y0), self.y1))


def _draw_axes(p: QtGui.QPainter, f: Frame) -> None:
    p.setPen(QtGui.QPen(QtGui.QColor(GRID_LINE), 1))
    for v in range(-6, 7, 2):
        a, b = f.to_px(v, f.y0), f.to_px(v, f.y1)
        p.drawLine(a, b)
    if f.y0 < 0 < f.y1:
        p.setPen(QtGui.QPen(QtGui.QColor("#C8CBD0"), 1))
        p.drawLine(f.to_px(f.x0, 0), f.to_px(f.x1, 0))
        p.drawLine(f.to_px(0, f.y0), f.to_px(0, f.y1))


def _draw_points(p: QtGui.QPainter, f: Frame, data: SketchData, radius: float,
                 faint: bool = False) -> None:
    p.setPen(QtGui.QPen(QtGui.QColor(255, 255, 255, 200), 0.8))
    if data.target == "boundary":
        for (x, y), c in zip(data.x, data.y):
            color = QtGui.QColor(CLASS_COLORS[int(c) % len(CLASS_COLORS)])
            color.setAlpha(120 if faint else 230)
            p.setBrush(color)
            p.drawEllipse(f.to_px(x, y), radius, radius)
    else:
        color = QtGui.QColor("#80868B")
        color.setAlpha(140 if faint else 220)
        p.setBrush(color)
        for x, y in zip(data.x, data.y):
            p.drawEllipse(f.to_px(x, y), radius, radius)


def _polyline(f: Frame, points) -> QtGui.QPolygonF:
    return QtGui.QPolygonF([f.to_px(float(x), float(y)) for x, y in points])


class SketchCanvas(QtWidgets.QWidget):
    """The training data in its frame; the student draws one stroke with the mouse
    (press, drag, release; a new stroke replaces the old).  ``changed`` is emitted when
    the sketch changes; :meth:`points` gives it in data coordinates."""

    changed = QtCore.Signal()

    def __init__(self, data: SketchData, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.data = data
        self._px: list[QtCore.QPointF] = []
        self._pts: list[tuple[float, float]] = []
        self._drawing = False
        self.setObjectName("sketch_canvas")
        self.setMinimumSize(260, 260)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding,
                           QtWidgets.QSizePolicy.Policy.Expanding)
        self.setCursor(QtCore.Qt.CursorShape.CrossCursor)
        what = "the boundary between the classes" if data.target == "boundary" \
            else "the curve"
        self.setToolTip(f"Draw {what} you expect: press the mouse button, drag, release. "
                        "Drawing again replaces it.")

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(340, 340)

    def frame(self) -> Frame:
        side = min(self.width(), self.height()) - 12
        rect = QtCore.QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        return Frame(self.data, rect)

    def points(self) -> list[tuple[float, float]]:
        return list(self._pts)

    def set_points(self, points) -> None:
        """Show ``points`` (data coordinates) as the sketch (tests, reopening)."""
        self._pts = [(float(x), float(y)) for x, y in points]
        self.update()
        self.changed.emit()

    def clear(self) -> None:
        self.set_points([])

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.button() == QtCore.Qt.MouseButton.LeftButton:
            self._drawing = True
            self._pts = [self.frame().to_data(event.position())]
            self._last = event.position()
            self.update()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if not self._drawing:
            return
        pos = event.position()
        if (pos - self._last).manhattanLength() >= MIN_STEP_PX:
            self._pts.append(self.frame().to_data(pos))
            self._last = pos
            self.update()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self._drawing:
            self._drawing = False
            self._pts.append(self.frame().to_data(event.position()))
            self.update()
            self.changed.emit()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QtGui.QColor("white"))
        f = self.frame()
        p.setPen(QtGui.QPen(QtGui.QColor("#C8CBD0"), 1))
        p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        p.drawRect(f.rect)
        p.setClipRect(f.rect)
        _draw_axes(p, f)
        _draw_points(p, f, self.data, 3.2)
        if len(self._pts) >= 2:
            p.setPen(QtGui.QPen(QtGui.QColor(INK), 3, QtCore.Qt.PenStyle.SolidLine,
                                QtCore.Qt.PenCapStyle.RoundCap,
                                QtCore.Qt.PenJoinStyle.RoundJoin))
            p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
            p.drawPolyline(_polyline(f, self._pts))
        elif not self._drawing:
            p.setClipping(False)
            p.setPen(QtGui.QColor("#5F6368"))
            p.drawText(f.rect.adjusted(8, 8, -8, -8),
                       QtCore.Qt.AlignmentFlag.AlignHCenter | QtCore.Qt.AlignmentFlag.AlignTop,
                       "Draw here with the mouse")
        p.end()


def _classes_image(classes: np.ndarray) -> QtGui.QImage:
    """The network's classes (n, n; row 0 at the bottom) as pale class colours."""
    n_rows, n_cols = classes.shape
    palette = np.array([_mix(c, 0.38) for c in CLASS_COLORS], dtype=np.uint8)
    rgb = np.ascontiguousarray(palette[classes[::-1] % len(CLASS_COLORS)][:, :, :3])
    image = QtGui.QImage(rgb.data, n_cols, n_rows, 3 * n_cols,
                         QtGui.QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels: rgb goes away


def _draw_class_edges(p: QtGui.QPainter, f: Frame, classes: np.ndarray) -> None:
    """The network's boundary: a segment between every two neighbouring grid cells of
    different classes (row 0 of ``classes`` at the bottom of the plane)."""
    n_rows, n_cols = classes.shape
    r = f.rect
    cw, ch = r.width() / n_cols, r.height() / n_rows
    lines = []
    for i, j in zip(*np.nonzero(classes[:, 1:] != classes[:, :-1])):  # side by side
        x, y = r.left() + (j + 1) * cw, r.bottom() - i * ch
        lines.append(QtCore.QLineF(x, y, x, y - ch))
    for i, j in zip(*np.nonzero(classes[1:, :] != classes[:-1, :])):  # one above another
        x, y = r.left() + j * cw, r.bottom() - (i + 1) * ch
        lines.append(QtCore.QLineF(x, y, x + cw, y))
    p.setPen(QtGui.QPen(QtGui.QColor(BOUNDARY), 1.3))
    p.drawLines(lines)


def overlay_image(picture: dict, sketch, data: SketchData, size: int = 180,
                  scale: float = 2.0) -> QtGui.QImage:
    """The sketch over what the network drew (``picture`` of a
    :class:`~actlab.engine.predictions.PredictionResult`): a boundary over the network's
    classes in pale colours, a curve over the network's curve (blue).  ``size`` px
    square at ``scale`` × resolution."""
    px = int(round(size * scale))
    image = QtGui.QImage(px, px, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(scale)
    image.fill(QtGui.QColor("white"))
    p = QtGui.QPainter(image)
    p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform)
    f = Frame(data, QtCore.QRectF(1, 1, size - 2, size - 2))
    if data.target == "boundary" and "classes" in picture:
        classes = np.asarray(picture["classes"], int)
        p.drawImage(f.rect, _classes_image(classes))
        _draw_class_edges(p, f, classes)
    else:
        _draw_axes(p, f)
    p.setClipRect(f.rect)
    _draw_points(p, f, data, 2.0, faint=True)
    if data.target == "curve" and "x" in picture:
        p.setPen(QtGui.QPen(QtGui.QColor(NETWORK_LINE), 2.2))
        p.drawPolyline(_polyline(f, zip(picture["x"], picture["network_y"])))
    if sketch is not None and len(sketch) >= 2:
        p.setPen(QtGui.QPen(QtGui.QColor(INK), 2.4, QtCore.Qt.PenStyle.DashLine,
                            QtCore.Qt.PenCapStyle.RoundCap, QtCore.Qt.PenJoinStyle.RoundJoin))
        p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        p.drawPolyline(_polyline(f, sketch))
    p.setClipping(False)
    p.setPen(QtGui.QPen(QtGui.QColor("#C8CBD0"), 1))
    p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
    p.drawRect(f.rect)
    p.end()
    return image


def overlay_png(picture: dict, sketch, data: SketchData, size: int = 180,
                scale: float = 2.0) -> bytes:
    """:func:`overlay_image` as PNG bytes (the lab report)."""
    image = overlay_image(picture, sketch, data, size, scale)
    buf = QtCore.QBuffer()
    buf.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    return bytes(buf.data())


def overlay_caption(target: str) -> str:
    if target == "boundary":
        return ("Dashed: your boundary. Solid: the network's boundary between the classes "
                "it gives each part of the plane (colours).")
    return "Dashed: your curve. Blue: the network's curve. Grey dots: the training points."
