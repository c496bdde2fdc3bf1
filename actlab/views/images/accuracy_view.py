"""The accuracy plot: train (solid) and test (dashed) accuracy in % against epoch, the
same colours, axes and legend as the loss plot beside it."""
from __future__ import annotations

import numpy as np

from .. import colors
from ..loss_view import EpochAxis, legend_row, thin
from ..qt import QtCore, QtWidgets, cache_axes, pg


class AccuracyView(QtWidgets.QWidget):
    """``show_history(history)`` draws ``train_accuracy`` and ``test_accuracy`` (0–1) as
    0–100 %."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, max_points: int = 2000):
        super().__init__(parent)
        self.max_points = int(max_points)
        self.plot_widget = pg.PlotWidget(parent=self,
                                         axisItems={"bottom": EpochAxis("bottom")})
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)
        pi = self.plot_item = self.plot_widget.getPlotItem()
        self.view_box = pi.getViewBox()
        pi.setMenuEnabled(False)
        pi.setContentsMargins(0, 2, 10, 0)  # the last tick label is not cut at the edge
        pi.hideButtons()
        pi.setLabel("left", "accuracy (%)")
        pi.setLabel("bottom", "epoch")
        pi.showGrid(x=True, y=True, alpha=0.15)
        pi.getAxis("left").setTicks([[(v, str(v)) for v in (0, 25, 50, 75, 100)]])
        self.train_curve = pi.plot(connect="finite",
                                   pen=pg.mkPen(colors.line_color(0), width=2))
        self.test_curve = pi.plot(connect="finite",
                                  pen=pg.mkPen(colors.line_color(1), width=2,
                                               style=QtCore.Qt.PenStyle.DashLine))
        self.legend = legend_row(pi, [(self.train_curve, "train"),
                                      (self.test_curve, "test")])
        self.view_box.setMouseEnabled(x=True, y=False)
        # accuracy has a fixed scale: a curve from 40 to 45 % must not fill the plot
        self.view_box.setYRange(0, 100, padding=0.03)
        self.view_box.setXRange(0, 10, padding=0.02)
        self.view_box.enableAutoRange(x=True, y=False)
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
        if not drawn:
            self.view_box.setXRange(0, 10, padding=0.02)
        self.view_box.enableAutoRange(x=True, y=False)

    def curve_values(self) -> tuple[np.ndarray, np.ndarray]:
        """The (train, test) y values drawn, in %."""
        def ys(curve):
            y = curve.getData()[1]
            return np.zeros(0) if y is None else np.asarray(y)
        return ys(self.train_curve), ys(self.test_curve)
