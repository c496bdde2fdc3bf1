"""The OUTPUT column: loss numbers, the loss curve and the decision surface."""
from __future__ import annotations

import math

from PySide6 import QtWidgets
from PySide6.QtCore import Qt

from actlab.views.loss_view import LossView, format_loss
from actlab.views.surface_view import SurfaceView

from .style import caption


def _percent(v: float) -> str:
    return "–" if v is None or not math.isfinite(v) else f"{100 * v:.1f} %"


class OutputPanel(QtWidgets.QWidget):
    """Numbers on top, then the loss plot, then the surface with its two checkboxes."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)

        numbers = QtWidgets.QGridLayout()
        numbers.setHorizontalSpacing(8)
        numbers.setVerticalSpacing(0)
        self.values: dict[str, QtWidgets.QLabel] = {}
        cells = (("test_loss", "Test loss", "How wrong the network is on points it never "
                  "trained on: the number that tells whether it generalises."),
                 ("train_loss", "Training loss", "How wrong the network is on the points "
                  "it learns from; training pushes this down."),
                 ("test_accuracy", "Test accuracy", "The share of test points the network "
                  "puts in the right class."),
                 ("train_accuracy", "Training accuracy", "The share of training points the "
                  "network puts in the right class."))
        for i, (key, title, tip) in enumerate(cells):
            value = QtWidgets.QLabel("–")
            value.setObjectName(key)
            value.setProperty("role", "number")
            value.setToolTip(tip)
            numbers.addWidget(caption(title, tip), (i % 2) * 1, (i // 2) * 2)
            numbers.addWidget(value, (i % 2) * 1, (i // 2) * 2 + 1)
            self.values[key] = value
        numbers.setColumnStretch(1, 1)
        numbers.setColumnStretch(3, 1)
        layout.addLayout(numbers)

        self.loss_view = LossView()
        self.loss_view.setObjectName("loss_view")
        self.loss_view.setMinimumHeight(90)
        self.loss_view.setToolTip("Training loss (solid) and test loss (dashed) after "
                                  "every epoch: both should go down.")
        layout.addWidget(self.loss_view, 2)

        self.surface_view = SurfaceView()
        self.surface_view.setObjectName("surface_view")
        self.surface_view.setMinimumSize(200, 200)
        self.surface_view.setToolTip(
            "The network's answer over the whole plane; dots are training points, squares "
            "test points. Click to add a point (right click: the other class), Ctrl+click "
            "to remove one.")
        layout.addWidget(self.surface_view, 5)

        self.warning = QtWidgets.QLabel()
        self.warning.setObjectName("warning")
        self.warning.setProperty("role", "warning")
        self.warning.setWordWrap(True)
        self.warning.hide()
        layout.addWidget(self.warning)

        boxes = QtWidgets.QHBoxLayout()
        boxes.setSpacing(10)
        self.show_test = QtWidgets.QCheckBox("Show test data")
        self.show_test.setObjectName("show_test")
        self.show_test.setToolTip("Also draw the test points (squares) the network never "
                                  "trains on.")
        self.discretize = QtWidgets.QCheckBox("Discretize output")
        self.discretize.setObjectName("discretize")
        self.discretize.setToolTip("Colour each region by the class the network picks, "
                                   "without shading by how sure it is.")
        self.log_scale = QtWidgets.QCheckBox("Log scale")
        self.log_scale.setObjectName("log_scale")
        self.log_scale.setToolTip("Draw the loss on a logarithmic axis, so small "
                                  "improvements late in training stay visible.")
        for box in (self.show_test, self.discretize, self.log_scale):
            boxes.addWidget(box)
        boxes.addStretch(1)
        layout.addLayout(boxes)
        self.show_test.toggled.connect(self.surface_view.set_show_test)
        self.discretize.toggled.connect(self.surface_view.set_discretize)
        self.log_scale.toggled.connect(self.loss_view.set_log_scale)
        self.surface_view.set_show_test(False)
        for view in (self.loss_view, self.surface_view):
            cache_axes(view.plot_item)

    def show_numbers(self, snapshot, problem: str) -> None:
        """The four numbers of ``snapshot`` (accuracy only makes sense for classes)."""
        v = self.values
        v["train_loss"].setText(format_loss(snapshot.train_loss))
        v["test_loss"].setText(format_loss(snapshot.test_loss))
        classify = problem == "classification"
        v["train_accuracy"].setText(_percent(snapshot.train_accuracy) if classify else "–")
        v["test_accuracy"].setText(_percent(snapshot.test_accuracy) if classify else "–")

    def set_warning(self, text: str | None) -> None:
        self.warning.setText(text or "")
        self.warning.setVisible(bool(text))
        self.warning.setAlignment(Qt.AlignmentFlag.AlignLeft)


def cache_axes(plot_item) -> None:
    """Keep each axis of ``plot_item`` as a ready pixmap.

    Every new surface image marks the plot area dirty, which repaints the axes around it;
    replaying an axis' drawing costs about 1 ms (text), several times per frame while the
    worker competes for the GIL.  A cached axis is redrawn only when it changes (the
    surface's axes never do; the loss plot's when its range grows)."""
    for axis in plot_item.axes.values():
        axis["item"].setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
