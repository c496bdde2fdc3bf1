"""The accuracy plot: train (solid) and test (dashed) accuracy in % against epoch, the
same colours, axes and legend as the loss plot beside it."""
from __future__ import annotations

import numpy as np

import math

from actlab.views.loss_view import EpochAxis, thin, train_test_curves
from actlab.views.qt import QtCore, QtWidgets, cache_axes, filling_plot, quiet_plot


def epoch_span(last: float) -> float:
    """The right end of the epoch axis for a run at epoch ``last``: 10, or the next round
    number at or past it (:func:`nice_top`: 12, 15, 20, 25, 30, 40, …).  The axis then
    changes (and its ticks are drawn again, several ms) a few times a run, not on every
    frame as an autorange would, and never leaves more than a quarter of it empty."""
    return 10.0 if not (last > 10 and math.isfinite(last)) else nice_top(last)


def nice_top(value: float) -> float:
    """The next of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k at or above ``value`` (> 0),
    for an axis that stays put while a curve moves below it."""
    if not (value > 0 and math.isfinite(value)):
        return 1.0
    k = 10.0 ** math.floor(math.log10(value))
    return next(m * k for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)
                if m * k >= value * (1 - 1e-12))


class AccuracyView(QtWidgets.QWidget):
    """``show_history(history)`` draws ``train_accuracy`` and ``test_accuracy`` (0–1) as
    0–100 %."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, max_points: int = 2000):
        super().__init__(parent)
        self.max_points = int(max_points)
        self.plot_widget, pi, self.view_box = filling_plot(
            self, axisItems={"bottom": EpochAxis("bottom")})
        self.plot_item = pi
        quiet_plot(pi, "epoch", "accuracy (%)")
        pi.setContentsMargins(0, 2, 10, 0)  # the last tick label is not cut at the edge
        # 0, 50 and 100 labelled (they fit a 40-px plot on a laptop, where five labels
        # overlapped and pyqtgraph dropped them all); 25 and 75 as grid lines only
        pi.getAxis("left").setTicks([[(v, str(v)) for v in (0, 50, 100)],
                                     [(25, ""), (75, "")]])
        self.train_curve, self.test_curve, self.legend = train_test_curves(pi, "train",
                                                                           "test")
        self.view_box.setMouseEnabled(x=False, y=False)  # the range is set, never dragged
        # accuracy has a fixed scale: a curve from 40 to 45 % must not fill the plot
        self.view_box.setYRange(0, 100, padding=0.03)
        self.view_box.disableAutoRange()
        self._span = None
        self._set_span(10.0)
        cache_axes(pi)
        self.setToolTip("Share of training images (solid) and test images (dashed) the "
                        "network classifies right, after every epoch.")

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(520, 220)

    def show_history(self, history: dict | None) -> None:
        history = history or {}
        drawn = False
        train = np.asarray(history.get("train_accuracy", ()), dtype=np.float64)
        epochs = history.get("epoch")
        epochs = np.arange(1, len(train) + 1) if epochs is None else np.asarray(epochs)
        for curve, key in ((self.train_curve, "train_accuracy"),
                           (self.test_curve, "test_accuracy")):
            y = np.asarray(history.get(key, ()), dtype=np.float64)
            if len(y) == 0 or not np.isfinite(y).any():
                curve.setData([], [])
                continue
            x, yy = thin(epochs[: len(y)], y, self.max_points)
            curve.setData(x, 100.0 * yy)
            drawn = True
        self._set_span(epoch_span(float(epochs[len(train) - 1])) if drawn and len(train)
                       else 10.0)

    def _set_span(self, span: float) -> None:
        if span != self._span:
            self._span = span
            self.view_box.setXRange(0, span, padding=0.02)

    def curve_values(self) -> tuple[np.ndarray, np.ndarray]:
        """The (train, test) y values drawn, in %."""
        def ys(curve):
            y = curve.getData()[1]
            return np.zeros(0) if y is None else np.asarray(y)
        return ys(self.train_curve), ys(self.test_curve)
