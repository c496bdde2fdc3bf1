"""The OUTPUT column: loss numbers, the loss curve and the decision surface."""
from __future__ import annotations

import math

from PySide6 import QtWidgets
from PySide6.QtCore import Qt

from actlab.views.loss_view import LossView, format_loss
from actlab.views.points.surface_legend import SurfaceLegend
from actlab.views.points.surface_view import SurfaceView

from actlab.gui.style import caption


def _percent(v: float) -> str:
    return "–" if v is None or not math.isfinite(v) else f"{100 * v:.1f} %"

# What the loss numbers are (the engine's history records them so; metrics.json and the
# history CSV say the same): regularisation is a separate penalty, not part of them.
LOSS_NOTE = ("The loss is the data loss (cross-entropy, or half the mean squared error for "
             "regression), without the regularisation penalty.")


# px the loss plot keeps beside the numbers (set_numbers_beside); narrower, they go on top
LOSS_BESIDE_WIDTH = 260
SURFACE_AXES = 46  # px the surface's x axis and its label add below the square


def warning_label() -> QtWidgets.QLabel:
    """The hidden warning line of an output panel (a diverged run, an error)."""
    w = QtWidgets.QLabel()
    w.setObjectName("warning")
    w.setProperty("role", "warning")
    w.setWordWrap(True)
    w.setTextFormat(Qt.TextFormat.PlainText)  # engine messages quote values
    w.hide()
    return w


MEMORISING_GAP = 0.20  # training accuracy this far above the test accuracy is named


def show_memorising(numbers: QtWidgets.QGridLayout, train_acc, test_acc) -> None:
    """Name it under ``numbers`` (a :func:`numbers_table`) when the network is memorising:
    its training accuracy more than MEMORISING_GAP above its test accuracy."""
    memo, things = numbers.memo, numbers.things
    try:
        gap = float(train_acc) - float(test_acc)
    except (TypeError, ValueError):
        gap = float("nan")
    on = gap > MEMORISING_GAP  # False for NaN
    if on:
        memo.setText(f"Memorising: training {train_acc:.0%}, test {test_acc:.0%}")
        memo.setToolTip(
            f"The network gets {train_acc:.0%} of its training {things} right but only "
            f"{test_acc:.0%} of the test {things} it never saw: it learns the training "
            f"{things} by heart rather than what makes a class. A good result is good on "
            f"the test {things}.")
    memo.setVisible(on)


def numbers_table(things: str) -> QtWidgets.QGridLayout:
    """The Test/Training table of loss and accuracy for ``things`` ("points" or
    "images"); its value labels are in ``.values`` by key ("test_loss", ...)."""
    numbers = QtWidgets.QGridLayout()
    numbers.setHorizontalSpacing(12)
    numbers.setVerticalSpacing(0)
    values: dict[str, QtWidgets.QLabel] = {}
    tips = {"test_loss": f"How wrong the network is on {things} it never trained on: the "
            "number that tells whether it generalises. " + LOSS_NOTE,
            "train_loss": f"How wrong the network is on the {things} it learns from; "
            "training pushes this down. " + LOSS_NOTE,
            "test_accuracy": f"The share of test {things} the network puts in the right "
            "class.",
            "train_accuracy": f"The share of training {things} the network puts in the "
            "right class."}
    numbers.addWidget(caption("Test", f"{things.capitalize()} the network never trains "
                              "on."), 0, 1)
    numbers.addWidget(caption("Training", f"The {things} the network learns from."), 0, 2)
    for row, (what, keys) in enumerate((("Loss", ("test_loss", "train_loss")),
                                        ("Accuracy", ("test_accuracy",
                                                      "train_accuracy"))), start=1):
        numbers.addWidget(caption(what, tips[keys[0]]), row, 0)
        for col, key in enumerate(keys, start=1):
            value = QtWidgets.QLabel("–")
            value.setObjectName(key)
            value.setProperty("role", "number")
            value.setToolTip(tips[key])
            value.setMinimumWidth(value.fontMetrics().horizontalAdvance("100.0 %"))
            numbers.addWidget(value, row, col)
            values[key] = value
    # a note under the table when the training accuracy runs far ahead of the test
    # accuracy (one line: a word-wrapped label would make the scrolling column as tall as
    # its wish; the tooltip says the rest)
    memo = QtWidgets.QLabel()
    memo.setObjectName("memorising")
    memo.setProperty("role", "warning")
    memo.setTextFormat(Qt.TextFormat.PlainText)
    memo.hide()
    numbers.addWidget(memo, 3, 0, 1, 4)
    numbers.setColumnStretch(3, 1)
    numbers.values = values
    numbers.memo = memo
    numbers.things = things
    return numbers


class OutputPanel(QtWidgets.QWidget):
    """Numbers on top, then the loss plot, then the surface, its colour key and its
    three checkboxes."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)
        # the minimum width comes from minimumSizeHint (the checkboxes can wrap), not
        # from the layout's one-row minimum
        layout.setSizeConstraint(QtWidgets.QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)

        # a small table, test and training side by side: three short rows fit a narrow
        # column (four captioned rows took the loss plot's height on a laptop)
        numbers = self._numbers = numbers_table("points")
        self.values = numbers.values
        layout.addLayout(numbers)

        self.loss_view = LossView()
        self.loss_view.setObjectName("loss_view")
        # a floor for small screens (at 1366 x 768 the column gives it ~200 px)
        self.loss_view.setMinimumHeight(120)
        self.loss_view.setToolTip("Training loss (solid) and test loss (dashed) after "
                                  "every epoch: both should go down. " + LOSS_NOTE)
        layout.addWidget(self.loss_view, 2)  # loss : surface = 2 : 3 of the height

        self.surface_view = SurfaceView()
        self.surface_view.setObjectName("surface_view")
        self.surface_view.setMinimumSize(200, 200)
        self.surface_view.setToolTip(
            "The network's answer over the whole plane; dots are training points, squares "
            "test points. Click to add a point (right click: the other class), Ctrl+click "
            "to remove one.")
        layout.addWidget(self.surface_view, 3)
        self.surface_legend = SurfaceLegend()
        layout.addWidget(self.surface_legend)
        self.surface_view.keyChanged.connect(self._update_legend)

        self.warning = warning_label()
        layout.addWidget(self.warning)

        boxes = self._boxes = QtWidgets.QGridLayout()
        boxes.setHorizontalSpacing(10)
        boxes.setVerticalSpacing(2)
        self.show_test = QtWidgets.QCheckBox("Test data")
        self.show_test.setObjectName("show_test")
        self.show_test.setToolTip("Also draw the test points (squares) the network never "
                                  "trains on.")
        self.discretize = QtWidgets.QCheckBox("Discretize")
        self.discretize.setObjectName("discretize")
        self.discretize.setToolTip("Colour each region by the class the network picks, "
                                   "without shading by how sure it is.")
        self.log_scale = QtWidgets.QCheckBox("Log scale")
        self.log_scale.setObjectName("log_scale")
        self.log_scale.setToolTip("Draw the loss on a logarithmic axis, so small "
                                  "improvements late in training stay visible.")
        self._rows: int | None = None
        self._place_boxes(1)
        self._beside_wanted = False  # set_numbers_beside
        self._top_row: QtWidgets.QHBoxLayout | None = None
        layout.addLayout(boxes)
        self.show_test.toggled.connect(self.surface_view.set_show_test)
        self.discretize.toggled.connect(self.surface_view.set_discretize)
        self.log_scale.toggled.connect(self.loss_view.set_log_scale)
        self.surface_view.set_show_test(False)
        for view in (self.loss_view, self.surface_view):
            cache_axes(view.plot_item)

    def set_numbers_beside(self, on: bool) -> None:
        """The numbers to the left of the loss plot instead of above it when the column
        has the width for both (presentation mode: on a 768-px screen at the bigger font
        their three rows took the height the decision surface needs); off puts them back
        on top."""
        self._beside_wanted = on
        self._place_numbers(self.width())

    def _place_numbers(self, width: int) -> None:
        on = (self._beside_wanted
              and width >= self._numbers.minimumSize().width() + LOSS_BESIDE_WIDTH)
        lay = self.layout()
        row = self._top_row
        if on == (row is not None):
            return
        stretch = lay.stretch(lay.indexOf(self.loss_view)) if row is None else \
            lay.stretch(lay.indexOf(row))
        if on:
            lay.removeItem(self._numbers)
            lay.removeWidget(self.loss_view)
            row = self._top_row = QtWidgets.QHBoxLayout()
            row.setSpacing(8)
            row.addLayout(self._numbers, 0)
            row.setAlignment(self._numbers, Qt.AlignmentFlag.AlignTop)
            row.addWidget(self.loss_view, 1)
            lay.insertLayout(0, row, stretch)
        else:
            row.removeItem(self._numbers)
            row.removeWidget(self.loss_view)
            lay.removeItem(row)
            self._top_row = None
            row.deleteLater()
            lay.insertLayout(0, self._numbers)
            lay.insertWidget(1, self.loss_view, stretch)

    def _update_legend(self) -> None:
        problem, n_classes, value_range, names = self.surface_view.colour_key()
        self.surface_legend.set_key(problem, n_classes, value_range, names)

    def _checkboxes(self) -> tuple:
        return self.show_test, self.discretize, self.log_scale

    def _place_boxes(self, rows: int) -> None:
        """The three checkboxes in one row, or in two or three rows when the column is
        narrow (a small screen with an instrument column open)."""
        if rows == self._rows:
            return
        self._rows = rows
        boxes = self._boxes
        for box in self._checkboxes():
            boxes.removeWidget(box)
        cells = {1: ((0, 0), (0, 1), (0, 2)), 2: ((0, 0), (0, 1), (1, 0)),
                 3: ((0, 0), (1, 0), (2, 0))}[rows]
        for box, (r, c) in zip(self._checkboxes(), cells):
            boxes.addWidget(box, r, c)
        for c in range(4):
            boxes.setColumnStretch(c, 0)
        boxes.setColumnStretch(4 - rows if rows < 3 else 1, 1)

    def _rows_for(self, width: int) -> int:
        w = [b.sizeHint().width() for b in self._checkboxes()]
        return 1 if width >= sum(w) + 20 else 2 if width >= w[0] + w[1] + 10 else 3

    def minimumSizeHint(self):  # noqa: N802 (Qt name)
        hint = super().minimumSizeHint()
        hint.setWidth(max(max(b.sizeHint().width() for b in self._checkboxes()),
                          self.surface_view.minimumWidth(),
                          self._numbers.minimumSize().width()))
        return hint

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        width = event.size().width()
        self._place_boxes(self._rows_for(width))
        self._place_numbers(width)
        # the surface is square: height past its width plus the axes would be white bands
        # above and below it, so that height goes to the loss plot instead
        self.surface_view.setMaximumHeight(max(self.surface_view.minimumHeight(),
                                               width + SURFACE_AXES))
        super().resizeEvent(event)

    def show_numbers(self, snapshot, problem: str) -> None:
        """The four numbers of ``snapshot`` (accuracy only makes sense for classes)."""
        v = self.values
        v["train_loss"].setText(format_loss(snapshot.train_loss))
        v["test_loss"].setText(format_loss(snapshot.test_loss))
        classify = problem == "classification"
        v["train_accuracy"].setText(_percent(snapshot.train_accuracy) if classify else "–")
        v["test_accuracy"].setText(_percent(snapshot.test_accuracy) if classify else "–")
        show_memorising(self._numbers, snapshot.train_accuracy if classify else None,
                        snapshot.test_accuracy)

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
