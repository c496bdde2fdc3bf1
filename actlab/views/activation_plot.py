"""The drawing of a designed piecewise-linear activation, with its points as handles.

:class:`ActivationPlot` paints f(z) on z ∈ [-4, 4] (the straight lines through the points,
extended with the first and last slope), its derivative faintly, and one round handle per
point.  The student edits the points with the mouse: a left drag moves a handle (x stays
strictly between its neighbours, values snap to ``SNAP``), a double click on the curve adds
a point there, a right click or Delete removes the selected one (never below 2 points).

The view keeps only the points and which one is selected; it never builds an activation
and makes no engine calls besides drawing the function it is given.  Signals:
``pointsChanged(tuple)`` after every edit (the new points), ``selected(int)`` when another
handle is chosen (-1 for none).

A function that has no points (a tweaked built-in such as an ELU) is shown with
:meth:`ActivationPlot.set_curve`: the given samples of f and f' are drawn, no handles, and
the mouse edits nothing until :meth:`~ActivationPlot.set_points` shows points again.
"""
from __future__ import annotations

import math

import numpy as np

from actlab.engine.activations.custom import MAX_POINTS, MIN_POINTS
from actlab.views.colors import BLUE, ORANGE
from actlab.views.qt import QtCore, QtGui, QtWidgets

Qt = QtCore.Qt

Z_MIN, Z_MAX = -4.0, 4.0
SNAP = 0.05          # a dragged point lands on this grid: collinear states are reachable
MIN_GAP = SNAP       # two points' x differ by at least this after a drag
HANDLE_R = 6.0       # px
HIT_R = 10.0         # a press this close to a handle grabs it
CURVE_HIT = 8.0      # a double click this close to the curve adds a point
Y_LIMIT = 50.0       # |y| a drag can reach; the plot shows at most this much
MARGINS = (36, 10, 12, 24)  # left, top, right, bottom (px, before the font scale)
POINTS_TIP = ("Drag a point to move it. Double-click the curve to add a point; right-click "
              "a point (or select it and press Delete) to remove it.")
CURVE_TIP = "The function f(z) (solid) and its slope f′(z) (dashed)."


def line_through(points) -> tuple[np.ndarray, np.ndarray]:
    """(z, f(z)) of the polyline the points describe on [Z_MIN, Z_MAX]: the points inside
    plus the two ends, extrapolated with the first and last segment's slope."""
    xs = np.array([p[0] for p in points], float)
    ys = np.array([p[1] for p in points], float)
    s0 = (ys[1] - ys[0]) / (xs[1] - xs[0])
    s1 = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
    inside = (xs > Z_MIN) & (xs < Z_MAX)
    z = np.concatenate([[Z_MIN], xs[inside], [Z_MAX]])
    f = np.interp(z, xs, ys)
    f = f + s0 * np.minimum(z - xs[0], 0.0) + s1 * np.maximum(z - xs[-1], 0.0)
    return z, f


def segment_slopes(points) -> np.ndarray:
    xs = np.array([p[0] for p in points], float)
    ys = np.array([p[1] for p in points], float)
    return np.diff(ys) / np.diff(xs)


def _nice_step(span: float) -> float:
    raw = span / 6
    mag = 10 ** math.floor(math.log10(raw))
    return next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)


class ActivationPlot(QtWidgets.QWidget):
    """f(z), f'(z) and draggable point handles (see the module doc)."""

    pointsChanged = QtCore.Signal(tuple)
    selected = QtCore.Signal(int)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._points: list[tuple[float, float]] = [(-1.0, 0.0), (1.0, 1.0)]
        self._selected = -1
        self._drag: int | None = None
        self._y_range = (-4.0, 4.0)
        self._curve: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.setMinimumSize(320, 220)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setToolTip(POINTS_TIP)
        self.setAccessibleName("Activation curve with draggable points")

    # ------------------------------------------------------------------ public API
    def points(self) -> tuple[tuple[float, float], ...]:
        return tuple(self._points)

    def set_points(self, points, selected: int | None = None) -> None:
        """Show ``points`` (at least 2, x increasing; no signal) as draggable handles."""
        self._curve = None
        self.setToolTip(POINTS_TIP)
        self._points = [(float(x), float(y)) for x, y in points]
        if selected is not None:
            self._selected = selected
        self._selected = min(self._selected, len(self._points) - 1)
        if self._drag is None:
            self._fit_y()
        self.update()

    def set_curve(self, z, f, df) -> None:
        """Show the function sampled as ``f`` (and its slope ``df``) at increasing ``z``
        instead of points: no handles, and the mouse edits nothing (no signal).  The
        points stay, for :meth:`set_points` or :meth:`points`."""
        self._curve = tuple(np.asarray(a, dtype=float) for a in (z, f, df))
        self._drag = None
        self.setToolTip(CURVE_TIP)
        self._fit_y()
        self.update()

    @property
    def editable(self) -> bool:
        """True when the points are shown as handles (False after :meth:`set_curve`)."""
        return self._curve is None

    def selected_index(self) -> int:
        return self._selected

    def select(self, index: int) -> None:
        index = index if 0 <= index < len(self._points) else -1
        if index != self._selected:
            self._selected = index
            self.update()
            self.selected.emit(index)

    def remove_point(self, index: int) -> bool:
        """Remove point ``index`` unless only ``MIN_POINTS`` are left; True if removed."""
        if len(self._points) <= MIN_POINTS or not 0 <= index < len(self._points):
            return False
        del self._points[index]
        self._selected = min(index, len(self._points) - 1)
        self._changed()
        self.selected.emit(self._selected)
        return True

    def add_point_at(self, x: float) -> int:
        """Put a new point on the curve at ``x`` (between two others or beyond the ends);
        returns its index, or -1 when there are ``MAX_POINTS`` or x is taken."""
        if len(self._points) >= MAX_POINTS:
            return -1
        xs = [p[0] for p in self._points]
        if any(abs(x - v) < 1e-9 for v in xs):
            return -1
        y = float(self._value(x))
        i = int(np.searchsorted(xs, x))
        self._points.insert(i, (float(x), y))
        self._selected = i
        self._changed()
        self.selected.emit(i)
        return i

    # ------------------------------------------------------------------ geometry
    def _plot_rect(self) -> QtCore.QRectF:
        scale = max(1.0, self.fontMetrics().height() / 16)
        left, top, right, bottom = (m * scale for m in MARGINS)
        return QtCore.QRectF(left, top, max(10.0, self.width() - left - right),
                             max(10.0, self.height() - top - bottom))

    def to_pixel(self, x: float, y: float) -> QtCore.QPointF:
        """Where the point ``(x, y)`` is drawn, in widget pixels."""
        r = self._plot_rect()
        y0, y1 = self._y_range
        return QtCore.QPointF(r.left() + (x - Z_MIN) / (Z_MAX - Z_MIN) * r.width(),
                              r.bottom() - (y - y0) / (y1 - y0) * r.height())

    def to_value(self, p: QtCore.QPointF) -> tuple[float, float]:
        r = self._plot_rect()
        y0, y1 = self._y_range
        return (Z_MIN + (p.x() - r.left()) / r.width() * (Z_MAX - Z_MIN),
                y0 + (r.bottom() - p.y()) / r.height() * (y1 - y0))

    def _fit_y(self) -> None:
        if self._curve is not None:
            both = np.concatenate(self._curve[1:])  # the slope too: it is drawn as well
            lo, hi = min(float(np.nanmin(both)), -1.0), max(float(np.nanmax(both)), 1.0)
        else:
            _, f = line_through(self._points)
            lo = min(float(f.min()), min(p[1] for p in self._points), -1.0)
            hi = max(float(f.max()), max(p[1] for p in self._points), 1.0)
        lo, hi = max(lo, -Y_LIMIT), min(hi, Y_LIMIT)  # a steep end must not squash the rest
        pad = max(0.08 * (hi - lo), 0.5)  # room to drag a top point higher
        self._y_range = (lo - pad, hi + pad)

    def _value(self, x: float) -> float:
        xs = [p[0] for p in self._points]
        s = segment_slopes(self._points)
        if x < xs[0]:
            return self._points[0][1] + s[0] * (x - xs[0])
        if x > xs[-1]:
            return self._points[-1][1] + s[-1] * (x - xs[-1])
        return float(np.interp(x, xs, [p[1] for p in self._points]))

    def _handle_at(self, pos: QtCore.QPointF) -> int:
        best, best_d = -1, HIT_R
        for i, (x, y) in enumerate(self._points):
            q = self.to_pixel(x, y)
            d = math.hypot(q.x() - pos.x(), q.y() - pos.y())
            if d <= best_d:
                best, best_d = i, d
        return best

    def _changed(self) -> None:
        if self._drag is None:
            self._fit_y()
        self.update()
        self.pointsChanged.emit(tuple(self._points))

    # ------------------------------------------------------------------ mouse and keys
    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt name
        if self._curve is not None:  # a curve without points: nothing to grab
            return
        i = self._handle_at(event.position())
        if event.button() == Qt.MouseButton.RightButton:
            if i >= 0:
                self.remove_point(i)
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self.select(i)
            self._drag = i if i >= 0 else None

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._curve is not None:
            return
        if self._drag is None:
            over = self._handle_at(event.position()) >= 0
            self.setCursor(Qt.CursorShape.OpenHandCursor if over else Qt.CursorShape.ArrowCursor)
            return
        i = self._drag
        x, y = self.to_value(event.position())
        x, y = round(x / SNAP) * SNAP, round(y / SNAP) * SNAP
        lo = self._points[i - 1][0] + MIN_GAP if i > 0 else -math.inf
        hi = self._points[i + 1][0] - MIN_GAP if i + 1 < len(self._points) else math.inf
        x = min(max(x, lo, Z_MIN), hi, Z_MAX)
        if not lo <= x <= hi:  # neighbours closer than MIN_GAP (typed in): keep x
            x = self._points[i][0]
        y = min(max(y, -Y_LIMIT), Y_LIMIT)  # the range refits on release
        new = (round(x, 6), round(y, 6))
        if new != self._points[i]:
            self._points[i] = new
            self._changed()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self._drag is not None:
            self._drag = None
            self._fit_y()
            self.update()

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton or self._curve is not None:
            return
        pos = event.position()
        if self._handle_at(pos) >= 0:
            return
        x, _ = self.to_value(pos)
        if not Z_MIN <= x <= Z_MAX:
            return
        if abs(self.to_pixel(x, self._value(x)).y() - pos.y()) <= CURVE_HIT:
            self.add_point_at(round(x / SNAP) * SNAP)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self._selected >= 0 \
                and self._curve is None:
            self.remove_point(self._selected)
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event) -> None:  # noqa: N802
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QtGui.QColor("#FFFFFF"))
        r = self._plot_rect()
        self._paint_grid(p, r)
        p.save()
        p.setClipRect(r.adjusted(-HANDLE_R - 2, -HANDLE_R - 2, HANDLE_R + 2, HANDLE_R + 2))
        if self._curve is not None:
            z, f, df = self._curve
            self._paint_polyline(p, z, df, QtGui.QPen(QtGui.QColor(213, 94, 0, 120), 1.5,
                                                      Qt.PenStyle.DashLine))
            self._paint_polyline(p, z, f, QtGui.QPen(QtGui.QColor(BLUE), 2.5))
            p.restore()
            return
        self._paint_derivative(p)
        z, f = line_through(self._points)
        self._paint_polyline(p, z, f, QtGui.QPen(QtGui.QColor(BLUE), 2.5))
        for i, (x, y) in enumerate(self._points):
            c = self.to_pixel(x, y)
            sel = i == self._selected
            p.setPen(QtGui.QPen(QtGui.QColor("#222222"), 1.5))
            p.setBrush(QtGui.QColor(ORANGE if sel else "#FFFFFF"))
            rad = HANDLE_R + (1.5 if sel else 0.0)
            p.drawEllipse(c, rad, rad)
        p.restore()

    def _paint_polyline(self, p: QtGui.QPainter, z, f, pen: QtGui.QPen) -> None:
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPolyline(QtGui.QPolygonF([self.to_pixel(a, b) for a, b in zip(z, f)]))

    def _paint_grid(self, p: QtGui.QPainter, r: QtCore.QRectF) -> None:
        fm = self.fontMetrics()
        y0, y1 = self._y_range
        grid, axis, text = QtGui.QColor("#E6E8EB"), QtGui.QColor("#9AA0A6"), QtGui.QColor("#555")
        for zx in range(int(Z_MIN), int(Z_MAX) + 1):
            q = self.to_pixel(zx, 0.0)
            p.setPen(QtGui.QPen(axis if zx == 0 else grid, 1))
            p.drawLine(QtCore.QPointF(q.x(), r.top()), QtCore.QPointF(q.x(), r.bottom()))
            p.setPen(text)
            label = f"{zx:g}".replace("-", "−")
            p.drawText(QtCore.QRectF(q.x() - 20, r.bottom() + 2, 40, fm.height()),
                       Qt.AlignmentFlag.AlignCenter, label)
        step = _nice_step(y1 - y0)
        v = math.ceil(y0 / step) * step
        while v <= y1:
            q = self.to_pixel(Z_MIN, v)
            p.setPen(QtGui.QPen(axis if abs(v) < step / 2 else grid, 1))
            p.drawLine(QtCore.QPointF(r.left(), q.y()), QtCore.QPointF(r.right(), q.y()))
            p.setPen(text)
            label = f"{v:.4g}".replace("-", "−")
            p.drawText(QtCore.QRectF(0, q.y() - fm.height() / 2, r.left() - 4, fm.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            v += step
        p.setPen(text)
        p.drawText(QtCore.QRectF(r.right() - 40, r.bottom() - fm.height() - 2, 38, fm.height()),
                   Qt.AlignmentFlag.AlignRight, "z")

    def _paint_derivative(self, p: QtGui.QPainter) -> None:
        """f'(z) as a faint dashed step line: the slope of each piece."""
        xs = [p_[0] for p_ in self._points]
        s = segment_slopes(self._points)
        edges = [Z_MIN] + [x for x in xs[1:-1] if Z_MIN < x < Z_MAX] + [Z_MAX]
        poly = []
        for a, b in zip(edges[:-1], edges[1:]):
            k = int(np.clip(np.searchsorted(xs, (a + b) / 2) - 1, 0, len(s) - 1))
            poly += [self.to_pixel(a, s[k]), self.to_pixel(b, s[k])]
        pen = QtGui.QPen(QtGui.QColor(213, 94, 0, 120), 1.5, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPolyline(QtGui.QPolygonF(poly))
