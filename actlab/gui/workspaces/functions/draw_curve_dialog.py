"""Draw a curve y(x) with the mouse and fit points sampled from it (a function lab).

The plot spans x ∈ [-6, 6] (the generators' range) and y ∈ [-3, 3].  The drawing is kept
as one y value per narrow column of x (:data:`BINS` columns), so it is always a function:
dragging with the left button sets y over the x range the stroke passes (a later stroke
over the same x replaces what was there), the right button erases over the dragged x
range.  OK samples "points" x values uniformly over the drawn columns (with the lab's data
seed), adds Gaussian noise, splits them by the lab's train fraction and stores them as
``FunctionDataSpec(generator="custom", points=(train, test))``, each part sorted by x.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from actlab.engine.data.points import MAX_POINTS, MIN_POINTS
from actlab.engine.data.functions import MAX_FUNCTION_NOISE, X_MAX, X_MIN, split_function
from actlab.kinds.functions import as_function_lab
from actlab.lab import FunctionDataSpec, Lab
from actlab.views import colors

Y_MIN, Y_MAX = -3.0, 3.0
BINS = 1200  # columns of 0.01 in x: finer than a mouse can place a point on a laptop
MIN_COVER = 1.0  # units of x a drawing must span before OK takes it
DEFAULT_POINTS = 200
MIN_DIALOG_WIDTH = 460  # px; the drawing area's minimum plus the dialog's margins, and then some
GRID = QtGui.QColor("#e3e6e9")
AXIS = QtGui.QColor("#8a9096")
TEXT = QtGui.QColor("#444444")


def bin_centres() -> np.ndarray:
    """The x of each drawing column's centre, (BINS,)."""
    width = (X_MAX - X_MIN) / BINS
    return X_MIN + (np.arange(BINS) + 0.5) * width


def sample_drawing(y_bins: np.ndarray, n_points: int, noise: float, seed: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """``n_points`` samples (x, y) of a drawing (``y_bins``: (BINS,), NaN where nothing
    is drawn): x uniform over the drawn columns, y the column's value plus Gaussian noise
    of std ``noise``.  The same arguments give the same bits."""
    drawn = np.flatnonzero(np.isfinite(y_bins))
    if len(drawn) == 0:
        raise ValueError("Nothing is drawn yet.")
    width = (X_MAX - X_MIN) / BINS
    rng = np.random.default_rng([int(seed), 11])  # 11: not the generators' stream
    cols = drawn[rng.integers(0, len(drawn), int(n_points))]
    x = bin_centres()[cols] + rng.uniform(-0.5 * width, 0.5 * width, len(cols))
    y = y_bins[cols].astype(np.float64)
    if noise > 0:
        y = y + rng.normal(0.0, float(noise), len(cols))
    return x, y


class CurveCanvas(QtWidgets.QWidget):
    """The plot to draw on: left button draws y(x), right button erases over x."""

    changed = QtCore.Signal()  # after every stroke step and Clear

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._y = np.full(BINS, np.nan)
        self._faint = np.zeros((0, 2))
        self._button = Qt.MouseButton.NoButton
        self._last: tuple[float, float] | None = None
        self.setMinimumSize(320, 180)  # still drawable on a small screen at 2× scale
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding,
                           QtWidgets.QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAccessibleName("Curve drawing area")
        self.setToolTip("Left button: draw the curve. Right button: erase over the x range "
                        "you drag across.")

    def sizeHint(self) -> QtCore.QSize:  # noqa: D102 (Qt override)
        return QtCore.QSize(600, 320)

    # ------------------------------------------------------------------ the drawing
    def drawing(self) -> np.ndarray:
        """A copy of the drawing: y per column (BINS,), NaN where nothing is drawn."""
        return self._y.copy()

    def covered(self) -> float:
        """How many units of x the drawing spans."""
        return float(np.isfinite(self._y).sum()) * (X_MAX - X_MIN) / BINS

    def clear(self) -> None:
        self._y[:] = np.nan
        self.update()
        self.changed.emit()

    def set_faint_points(self, points) -> None:
        """(x, y) pairs shown faintly behind the drawing (the lab's present points)."""
        arr = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        self._faint = arr[np.all(np.isfinite(arr), axis=1)]
        self.update()

    def stroke(self, a: tuple[float, float], b: tuple[float, float], erase: bool = False) -> None:
        """Draw (or erase) the straight piece from data point ``a`` to ``b``: every
        column whose centre lies between their x gets y on the line a-b (or NaN)."""
        (xa, ya), (xb, yb) = a, b
        if xb < xa:
            (xa, ya), (xb, yb) = (xb, yb), (xa, ya)
        c = bin_centres()
        cols = np.flatnonzero((c >= xa) & (c <= xb))
        if len(cols) == 0:  # a press, or a move within one column: the nearest column
            cols = np.array([int(np.clip((xa - X_MIN) / (X_MAX - X_MIN) * BINS, 0, BINS - 1))])
        if erase:
            self._y[cols] = np.nan
        elif xb > xa:
            self._y[cols] = ya + (c[cols] - xa) * (yb - ya) / (xb - xa)
        else:
            self._y[cols] = yb
        self.update()
        self.changed.emit()

    # ------------------------------------------------------------------ coordinates
    def plot_rect(self) -> QtCore.QRectF:
        """Where the plot area lies in the widget (room left and below for the labels)."""
        fm = self.fontMetrics()
        left = fm.horizontalAdvance("−3") + fm.height() + 10
        bottom = 2 * fm.height() + 8
        return QtCore.QRectF(left, 8, max(self.width() - left - 12, 10),
                             max(self.height() - bottom - 8, 10))

    def to_widget(self, x: float, y: float) -> QtCore.QPointF:
        """The widget position of data point (x, y)."""
        r = self.plot_rect()
        return QtCore.QPointF(r.left() + (x - X_MIN) / (X_MAX - X_MIN) * r.width(),
                              r.top() + (Y_MAX - y) / (Y_MAX - Y_MIN) * r.height())

    def to_data(self, pos: QtCore.QPointF) -> tuple[float, float]:
        """The data point under widget position ``pos``, clamped into the plot."""
        r = self.plot_rect()
        x = X_MIN + (pos.x() - r.left()) / r.width() * (X_MAX - X_MIN)
        y = Y_MAX - (pos.y() - r.top()) / r.height() * (Y_MAX - Y_MIN)
        return float(np.clip(x, X_MIN, X_MAX)), float(np.clip(y, Y_MIN, Y_MAX))

    # ------------------------------------------------------------------ mouse
    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:  # noqa: D102
        if event.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return super().mousePressEvent(event)
        self._button = event.button()  # kept: a move event's buttons() may not say
        self._last = self.to_data(event.position())
        self.stroke(self._last, self._last, erase=self._button == Qt.MouseButton.RightButton)

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:  # noqa: D102
        if self._last is None:
            return super().mouseMoveEvent(event)
        here = self.to_data(event.position())
        self.stroke(self._last, here, erase=self._button == Qt.MouseButton.RightButton)
        self._last = here

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:  # noqa: D102
        if event.button() == self._button:
            self._button, self._last = Qt.MouseButton.NoButton, None

    # ------------------------------------------------------------------ painting
    def paintEvent(self, _event) -> None:  # noqa: D102
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        r = self.plot_rect()
        p.fillRect(self.rect(), self.palette().window())
        p.fillRect(r, QtGui.QColor("white"))
        fm = self.fontMetrics()
        for x in range(int(X_MIN), int(X_MAX) + 1):
            p.setPen(QtGui.QPen(AXIS if x == 0 else GRID, 1))
            p.drawLine(self.to_widget(x, Y_MIN), self.to_widget(x, Y_MAX))
            if x % 2 == 0:
                self._text(p, self.to_widget(x, Y_MIN) + QtCore.QPointF(0, fm.height() * 0.5 + 3),
                           _signed(x))
        for y in range(int(Y_MIN), int(Y_MAX) + 1):
            p.setPen(QtGui.QPen(AXIS if y == 0 else GRID, 1))
            p.drawLine(self.to_widget(X_MIN, y), self.to_widget(X_MAX, y))
            self._text(p, self.to_widget(X_MIN, y) - QtCore.QPointF(fm.horizontalAdvance("−3") / 2 + 5, 0),
                       _signed(y))
        p.setPen(TEXT)
        self._text(p, QtCore.QPointF(r.center().x(), r.bottom() + 1.6 * fm.height() + 3), "x")
        self._text(p, QtCore.QPointF(fm.height() * 0.5 + 1, r.center().y()), "y")
        p.setPen(QtGui.QPen(AXIS, 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(r)
        p.setClipRect(r)
        faint = QtGui.QColor(colors.ORANGE)
        faint.setAlpha(90)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(faint)
        for x, y in self._faint:
            p.drawEllipse(self.to_widget(x, y), 2.5, 2.5)
        p.setPen(QtGui.QPen(QtGui.QColor(colors.BLUE), 2.5, Qt.PenStyle.SolidLine,
                            Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        p.setBrush(Qt.BrushStyle.NoBrush)
        for run in _runs(self._y):
            xs = bin_centres()[run]
            if len(run) == 1:
                p.drawPoint(self.to_widget(xs[0], self._y[run[0]]))
                continue
            p.drawPolyline(QtGui.QPolygonF([self.to_widget(x, y)
                                            for x, y in zip(xs, self._y[run])]))
        p.end()

    def _text(self, p: QtGui.QPainter, centre: QtCore.QPointF, text: str) -> None:
        fm = self.fontMetrics()
        w, h = fm.horizontalAdvance(text) + 4, fm.height()
        p.setPen(TEXT)
        p.drawText(QtCore.QRectF(centre.x() - w / 2, centre.y() - h / 2, w, h),
                   Qt.AlignmentFlag.AlignCenter, text)


def _signed(v: int) -> str:
    return f"−{-v}" if v < 0 else str(v)  # a true minus sign, as the views print


def _runs(y: np.ndarray) -> list[np.ndarray]:
    """The column indices of each unbroken drawn stretch."""
    drawn = np.flatnonzero(np.isfinite(y))
    if len(drawn) == 0:
        return []
    return np.split(drawn, np.flatnonzero(np.diff(drawn) > 1) + 1)


class DrawCurveDialog(QtWidgets.QDialog):
    """The drawing area, the number of points, noise, Clear, OK and Cancel."""

    def __init__(self, parent: QtWidgets.QWidget | None, lab: Lab) -> None:
        super().__init__(parent)
        self.setWindowTitle("Draw a curve")
        self._lab = as_function_lab(lab)
        d = self._lab.data
        intro = QtWidgets.QLabel(
            "Draw the curve the network should fit: hold the <b>left</b> button and move "
            "across. Drawing over a part again replaces it, so each x has one y. The "
            "<b>right</b> button erases. Points are then sampled along your curve."
            + (" The faint dots are the lab's present points." if d.is_custom else ""))
        intro.setWordWrap(True)
        intro.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # a top-level layout does not ask a wrapped label its height at the narrowest
        # width: reserve it, so a small screen squeezes the plot, never overlaps it
        self.setMinimumWidth(MIN_DIALOG_WIDTH)
        intro.setMinimumHeight(intro.heightForWidth(MIN_DIALOG_WIDTH - 24))
        self.canvas = CurveCanvas(self)
        if d.is_custom:
            self.canvas.set_faint_points([pt for part in d.points for pt in part])
        self.points = QtWidgets.QSpinBox()
        self.points.setRange(MIN_POINTS, MAX_POINTS)
        self.points.setSingleStep(50)
        self.points.setValue(DEFAULT_POINTS)
        self.points.setToolTip("How many points are sampled along the drawing.")
        self.noise = QtWidgets.QDoubleSpinBox()
        self.noise.setRange(0.0, MAX_FUNCTION_NOISE)
        self.noise.setSingleStep(0.05)
        self.noise.setDecimals(2)
        self.noise.setValue(min(d.noise, MAX_FUNCTION_NOISE))
        self.noise.setToolTip("Random scatter added to each sampled y (its standard "
                              "deviation).")
        self.clear_button = QtWidgets.QPushButton("C&lear")
        self.status = QtWidgets.QLabel()
        self.status.setObjectName("draw_status")
        self.status.setWordWrap(True)
        self.buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Use these points")

        row = QtWidgets.QHBoxLayout()
        for text, w in (("&Points:", self.points), ("&Noise:", self.noise)):
            label = QtWidgets.QLabel(text)
            label.setBuddy(w)
            row.addWidget(label)
            row.addWidget(w)
            row.addSpacing(8)
        row.addStretch(1)
        row.addWidget(self.clear_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        self.clear_button.clicked.connect(self.canvas.clear)
        self.canvas.changed.connect(self._sync)
        self.points.valueChanged.connect(self._sync)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._sync()

    def _sync(self, *_args) -> None:
        cover = self.canvas.covered()
        ready = cover >= MIN_COVER
        self.ok_button.setEnabled(ready)
        span = f"Drawn over {cover:.1f} of the {X_MAX - X_MIN:g} units of x"
        if ready:
            n = self.points.value()
            n_tr = len(split_function(np.zeros(n), np.zeros(n), self._lab.data.train_fraction,
                                      0)[0])
            self.status.setText(f"{span}: {n} points will be sampled along it "
                                f"({n_tr} training, {n - n_tr} test).")
        else:
            self.status.setText(f"{span}: draw over at least {MIN_COVER:g} to use it.")

    def data_spec(self) -> FunctionDataSpec:
        """The drawn points as a custom FunctionDataSpec (ValueError when nothing is drawn),
        split by the lab's train fraction with its data seed, each part sorted by x."""
        d = self._lab.data
        n = self.points.value()
        x, y = sample_drawing(self.canvas.drawing(), n, self.noise.value(), d.seed)
        xtr, ytr, xte, yte = split_function(x, y, d.train_fraction, d.seed)
        parts = []
        for xs, ys in ((xtr, ytr), (xte, yte)):
            order = np.argsort(xs, kind="stable")
            parts.append(tuple(zip(xs[order].tolist(), ys[order].tolist())))
        return FunctionDataSpec(generator="custom", n_points=n, noise=float(self.noise.value()),
                                train_fraction=d.train_fraction, seed=d.seed,
                                points=(parts[0], parts[1]))

    def drawn_lab(self) -> Lab:
        """The lab with the drawn points as its data (results left for the window)."""
        name = self._lab.name if self._lab.data.is_custom else "Your own curve (function)"
        return replace(self._lab, name=name, data=self.data_spec())


def drawn_function_data(parent: QtWidgets.QWidget | None, lab: Lab) -> Lab | None:
    """Run the dialog; the function lab with the drawn points as its data, or None when
    the student cancels.  From a point or image lab the result is the function lab
    :func:`actlab.kinds.functions.as_function_lab` makes of it."""
    dialog = DrawCurveDialog(parent, lab)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    if not dialog.exec():
        return None
    return dialog.drawn_lab()
