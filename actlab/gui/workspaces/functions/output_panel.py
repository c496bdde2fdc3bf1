"""The OUTPUT column of a function lab (y = f(x)): loss and R² numbers, the loss curve,
the curve workspace (data, the network's curve, its kinks, its units) and a line on the
curve's linear pieces.  Laid out as the point labs' :class:`~.output_panel.OutputPanel`.
"""
from __future__ import annotations

import math

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt

from actlab.engine.analysis.curve_metrics import r2_from_loss
from actlab.views.functions.curve_view import CurveView
from actlab.views.loss_view import LossView, format_loss

from actlab.gui.workspaces.points.output_panel import (
    LOSS_NOTE, cache_axes, numbers_table, warning_label)
from actlab.gui.style import caption

R2_TIP = ("R² = 1 − SSE/SST: the share of the spread of y the curve explains. 1 is a "
          "perfect fit, 0 no better than a flat line at the mean of y, below 0 worse.")
PIECES_TIP = ("Between two kinks the curve is a straight piece: a ReLU network is a "
              "chain of line segments, and each unit can add at most one kink. The "
              "count is exact, from the weights: kinks closer together than a pixel "
              "are counted too, and named.")


def format_r2(v: float | None) -> str:
    """R² for a label: 3 decimals with a real minus sign, a dash when undefined."""
    if v is None or not math.isfinite(v):
        return "–"
    return f"{v:.3f}".replace("-", "−")


def _r2_table() -> QtWidgets.QGridLayout:
    """The output panel's Test/Training table with R² in the second row (a function lab
    has no classes to be accurate about)."""
    numbers = numbers_table("points")
    row = numbers.itemAtPosition(2, 0).widget()
    row.setText("R²")
    row.setToolTip(R2_TIP)
    values = numbers.values
    for old, new, split in (("test_accuracy", "test_r2", "test"),
                            ("train_accuracy", "train_r2", "training")):
        label = values.pop(old)
        label.setObjectName(new)
        label.setToolTip(f"R² on the {split} points. " + R2_TIP)
        values[new] = label
    return numbers


class _PanelLayout(QtWidgets.QVBoxLayout):
    """The panel's column, without a height-for-width: a wrapped label (the pieces line)
    gives a layout one, and a scroll area then sizes the panel to its *preferred*
    heights (loss and curve at full size, 727 px on a laptop), so the column scrolled
    although everything fitted.  Without it the panel fills the column and scrolls only
    below its minimum."""

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        return False


class FunctionOutputPanel(QtWidgets.QWidget):
    """Numbers on top, then the loss plot, then the curve, its pieces line and the
    checkboxes Units, Line, Test data and Log scale."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._pic = None
        layout = _PanelLayout(self)
        layout.setSizeConstraint(QtWidgets.QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)

        numbers = self._numbers = _r2_table()
        self.values: dict[str, QtWidgets.QLabel] = numbers.values
        layout.addLayout(numbers)

        self.loss_view = LossView()
        self.loss_view.setObjectName("loss_view")
        # a floor that leaves its curves 60 px (see window_layout.PLOT_FLOORS); a shorter
        # column scrolls (its scroll area) rather than squeezing it to a 12-px strip
        self.loss_view.setMinimumHeight(160)
        self.loss_view.setToolTip("Training loss (solid) and test loss (dashed) after "
                                  "every epoch: both should go down. " + LOSS_NOTE)
        layout.addWidget(self.loss_view, 2)

        self.curve_view = CurveView()
        self.curve_view.setObjectName("curve_view")
        self.curve_view.setMinimumSize(200, 180)
        self.curve_view.setToolTip("The points (x, y) and the network's curve through "
                                   "them; diamonds mark its kinks.")
        layout.addWidget(self.curve_view, 4)

        self.pieces_label = caption("", PIECES_TIP)
        self.pieces_label.setObjectName("pieces_label")
        self.pieces_label.setWordWrap(True)
        self.pieces_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.pieces_label)
        # "kinks closer than a pixel" depends on the plot's width: a resize re-words it
        self.curve_view.scaleChanged.connect(self._refresh_pieces)

        self.warning = warning_label()
        layout.addWidget(self.warning)
        # the wrapped labels keep room for two lines (see _PanelLayout)
        for label in (self.pieces_label, self.warning):
            label.setMinimumHeight(2 * label.fontMetrics().lineSpacing() + 2)

        boxes = self._boxes = QtWidgets.QGridLayout()
        boxes.setHorizontalSpacing(10)
        boxes.setVerticalSpacing(2)
        self.show_units = self._box("Units", "show_units",
                                    "Each hidden unit's weighted contribution (its output "
                                    "times its outgoing weight), with the output bias "
                                    "dotted; they add up to the curve.")
        self.show_line = self._box("Line", "show_line",
                                   "The one line y = w·x + b a network of linear layers "
                                   "is, dashed over its curve.")
        self.show_test = self._box("Test data", "show_test",
                                   "Also draw the test points (squares) the network never "
                                   "trains on.")
        self.log_scale = self._box("Log scale", "log_scale",
                                   "Draw the loss on a logarithmic axis, so small "
                                   "improvements late in training stay visible.")
        self._per_row: int | None = None
        self._place_boxes(4)
        layout.addLayout(boxes)
        self.show_units.toggled.connect(self.curve_view.set_show_units)
        self.show_line.toggled.connect(self.curve_view.set_show_line)
        self.show_test.toggled.connect(self.curve_view.set_show_test)
        self.log_scale.toggled.connect(self.loss_view.set_log_scale)
        self.show_line.setChecked(True)  # on whenever there is a line to show
        self.show_line.hide()  # only a network of linear layers has one
        for view in (self.loss_view, self.curve_view):
            cache_axes(view.plot_item)

    @staticmethod
    def _box(text: str, name: str, tip: str) -> QtWidgets.QCheckBox:
        box = QtWidgets.QCheckBox(text)
        box.setObjectName(name)
        box.setToolTip(tip)
        return box

    def _checkboxes(self) -> tuple[QtWidgets.QCheckBox, ...]:
        return self.show_units, self.show_line, self.show_test, self.log_scale

    def _place_boxes(self, per_row: int) -> None:
        """The checkboxes in one row, or two a row in a narrow column."""
        if per_row == self._per_row:
            return
        self._per_row = per_row
        for i, box in enumerate(self._checkboxes()):
            self._boxes.removeWidget(box)
            self._boxes.addWidget(box, i // per_row, i % per_row)
        for c in range(5):
            self._boxes.setColumnStretch(c, 1 if c == per_row else 0)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        need = sum(b.sizeHint().width() + 10 for b in self._checkboxes())
        self._place_boxes(4 if event.size().width() >= need else 2)
        super().resizeEvent(event)

    def minimumSizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        hint = super().minimumSizeHint()
        pair = sum(b.sizeHint().width() for b in self._checkboxes()[:2]) + 10
        hint.setWidth(max(pair, self.curve_view.minimumWidth(),
                          self._numbers.minimumSize().width()))
        return hint

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(520, 620)

    # ---------------------------------------------------------------- the API
    def show_picture(self, pic) -> None:
        """Draw a CurvePicture (None clears the curve) and its pieces line."""
        self._pic = pic
        self.curve_view.show_picture(pic)
        self._refresh_pieces()
        self.pieces_label.setToolTip(pic.reason if pic is not None and pic.reason
                                     else PIECES_TIP)
        has_line = pic is not None and pic.line is not None
        self.show_line.setVisible(has_line)

    def _refresh_pieces(self) -> None:
        text = self.curve_view.pieces_text()
        if text != self.pieces_label.text():  # a new text re-lays the panel out
            self.pieces_label.setText(text)

    def show_history(self, history: dict | None, current_loss: float | None = None) -> None:
        """The loss curves of a Snapshot's ``history``."""
        self.loss_view.show_history(history, current_loss)

    def show_numbers(self, snapshot, y_train=None, y_test=None) -> None:
        """Loss and R² of ``snapshot``.  R² needs the targets: ``y_train``/``y_test``, or
        else those of the last picture shown."""
        pic = self._pic
        if y_train is None and pic is not None:
            y_train = pic.train_y
        if y_test is None and pic is not None:
            y_test = pic.test_y
        v = self.values
        v["train_loss"].setText(format_loss(snapshot.train_loss))
        v["test_loss"].setText(format_loss(snapshot.test_loss))
        v["train_r2"].setText(format_r2(None if y_train is None else
                                        r2_from_loss(snapshot.train_loss, y_train)))
        v["test_r2"].setText(format_r2(None if y_test is None else
                                       r2_from_loss(snapshot.test_loss, y_test)))

    def set_warning(self, text: str | None) -> None:
        self.warning.setText(text or "")
        self.warning.setVisible(bool(text))

    def clear(self) -> None:
        """Back to an empty panel (a new lab before its first snapshot)."""
        self.show_picture(None)
        self.show_history(None)
        for label in self.values.values():
            label.setText("–")
        self.set_warning(None)

    def export_views(self) -> dict[str, QtWidgets.QWidget]:
        """The views the window can export (PNG and SVG: both are plots)."""
        return {"curve": self.curve_view, "loss": self.loss_view}
