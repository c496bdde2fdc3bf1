"""Design your own activation: a dialog that edits a piecewise-linear function's points,
or tweaks a built-in's parameter.

:class:`ActivationEditor` shows the function on z ∈ [-4, 4]
(:class:`~actlab.views.activation_plot.ActivationPlot`), the name, and a line saying
whether the function bends (its kinks) or is a line (and so collapses like no
activation).  Two modes:

* **Draw points** (``"points"``): the points are handles, with exact x/y boxes for the
  selected one and a "Start from a built-in" choice.  OK gives a
  :class:`~actlab.engine.activations.custom.PiecewiseLinear`.
* **Tweak a built-in** (``"tweak"``): leaky ReLU's slope for z < 0 (0–1) or ELU's alpha
  (0–5), with a box and a slider (:class:`~actlab.gui.activations.tweak_controls.TweakControls`); the
  plot draws the curve and its slope, no handles.  OK gives a
  :class:`~actlab.engine.activations.tweaked.Tweaked`.

Editing an existing activation opens in its kind's mode.  A name or points ActivationLab
cannot use are explained in the dialog (with the field, as ``"name: …"``), never raised.

Use :func:`design_activation` (modal) or the class directly (tests drive it).
"""
from __future__ import annotations

from actlab.engine.activations import custom as ca
from actlab.engine.activations import designed
import numpy as np

from actlab.engine.activations.builtin import NAMES
from actlab.engine.activations.tweaked import Tweaked
from actlab.views.activation_plot import Z_MAX, Z_MIN, ActivationPlot
from actlab.gui.workspaces.points.output_panel import warning_label
from actlab.gui.style import caption
from actlab.gui.activations.tweak_controls import TweakControls, tweak_sentence
from PySide6 import QtCore, QtWidgets

Qt = QtCore.Qt

#: The built-ins a design can start from: all piecewise linear, so they are points.
STARTS = (("relu", "ReLU"), ("leaky_relu", "Leaky ReLU"), ("linear", "Linear"),
          ("clamp", "Clamp (hard tanh)"), ("abs", "|z| (absolute value)"))
DEFAULT_POINTS = ((-2.0, 0.0), (0.0, 0.0), (2.0, 2.0))
#: mode key -> the radio button's text
MODES = (("points", "Draw points"), ("tweak", "Tweak a built-in"))
CURVE_SAMPLES = 401  # a tweaked built-in is drawn through this many z on [-4, 4]


def start_points(kind: str, slope: float = 0.1) -> tuple[tuple[float, float], ...]:
    """The points of built-in ``kind`` (a key of :data:`STARTS`) on [-4, 4]: a ReLU is
    (-2, 0), (0, 0), (2, 2); ``slope`` is the leaky ReLU's slope for z < 0."""
    table = {
        "relu": ((-2.0, 0.0), (0.0, 0.0), (2.0, 2.0)),
        "leaky_relu": ((-2.0, -2.0 * slope), (0.0, 0.0), (2.0, 2.0)),
        "linear": ((-2.0, -2.0), (2.0, 2.0)),
        "clamp": ((-2.0, -1.0), (-1.0, -1.0), (1.0, 1.0), (2.0, 1.0)),
        "abs": ((-2.0, 2.0), (0.0, 0.0), (2.0, 2.0)),
    }
    return table[kind]


def _number(v: float) -> str:
    return f"{v:.3g}".replace("-", "−")


def line_formula(a: float, c: float) -> str:
    """``"f(z) = 0.5·z + 0.1"`` for slope ``a`` and intercept ``c`` (3 digits)."""
    if abs(a) < 1e-12:
        return f"f(z) = {_number(c)}"
    term = "z" if abs(a - 1) < 1e-12 else "−z" if abs(a + 1) < 1e-12 else f"{_number(a)}·z"
    if abs(c) < 1e-12:
        return f"f(z) = {term}"
    return f"f(z) = {term} {'−' if c < 0 else '+'} {_number(abs(c))}"


def shape_sentence(act) -> str:
    """What ``act``'s shape means for a network: linear (and the line), or its kinks (a
    :class:`PiecewiseLinear`); for a :class:`Tweaked` see :func:`tweak_sentence`."""
    if isinstance(act, Tweaked):
        return tweak_sentence(act)
    if act.is_linear:
        return ("Linear: every point lies on one line — this activation is the line "
                f"{line_formula(*act.affine)}, and a network using it collapses like one "
                "with no activation")
    k = act.kinks
    where = ", ".join(_number(x) for x in k[:-1]) + (" and " if len(k) > 1 else "") \
        + _number(k[-1])
    return f"{len(k)} kink{'s' * (len(k) != 1)} (at z = {where}): the network can bend"


class ActivationEditor(QtWidgets.QDialog):
    """Edit (or design from scratch) one designed activation of a lab.

    ``custom`` are the lab's designed activations (the new name must differ from theirs
    and from the built-ins'); ``editing`` the one being changed (its name may stay; a
    :class:`Tweaked` opens in the "tweak" mode).  ``mode()`` is "points" or "tweak"."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, custom=(),
                 editing: ca.PiecewiseLinear | Tweaked | None = None):
        super().__init__(parent)
        self.setObjectName("activation_editor")
        self.setWindowTitle(f"Edit “{editing.name}”" if editing else "Design an activation")
        self._others = tuple(c for c in custom if c is not editing and c != editing)
        self._result: ca.PiecewiseLinear | Tweaked | None = None
        self.plot = ActivationPlot(self)
        self.plot.setObjectName("activation_plot")
        self.plot.setMinimumSize(440, 280)
        self.shape_label = QtWidgets.QLabel(self)
        self.shape_label.setObjectName("shape_label")
        self.shape_label.setWordWrap(True)
        self.error_label = warning_label()
        self.name_edit = QtWidgets.QLineEdit(self)
        self.name_edit.setObjectName("name_edit")
        self.name_edit.setMaxLength(ca.MAX_NAME)
        self.name_edit.setPlaceholderText("e.g. bend")
        self.name_edit.setText(editing.name if editing else self._free_name())
        self.x_spin, self.y_spin = self._coordinate_spin("x_spin"), self._coordinate_spin("y_spin")
        self.point_label = caption("")
        self.buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.tweak = TweakControls(self)
        self.tweak.setObjectName("tweak_controls")
        self.mode_buttons = QtWidgets.QButtonGroup(self)
        self._layout()
        self.plot.pointsChanged.connect(self._points_changed)
        self.plot.selected.connect(lambda _i: self._show_selected())
        self.name_edit.textChanged.connect(lambda _t: self._check())
        self.tweak.changed.connect(lambda _b, _p: self._show_tweak())
        points = editing.points if isinstance(editing, ca.PiecewiseLinear) else DEFAULT_POINTS
        self.plot.set_points(points, selected=0)
        if isinstance(editing, Tweaked):
            self.tweak.set_tweak(editing.base, editing.parameter)
            self.set_mode("tweak")
        else:
            self.set_mode("points")

    # ------------------------------------------------------------------ building
    def _coordinate_spin(self, name: str) -> QtWidgets.QDoubleSpinBox:
        s = QtWidgets.QDoubleSpinBox(self)
        s.setObjectName(name)
        s.setDecimals(3)
        s.setSingleStep(0.05)
        s.setRange(-ca.MAX_COORD, ca.MAX_COORD)
        s.setKeyboardTracking(False)
        s.valueChanged.connect(self._typed)
        return s

    def _make_start_row(self) -> QtWidgets.QHBoxLayout:
        """"Start from a built-in": the choice, and the leaky slope when it applies.  One
        place, so another way to start (a tweaked built-in) is one more entry here."""
        row = QtWidgets.QHBoxLayout()
        self.start_combo = QtWidgets.QComboBox(self)
        self.start_combo.setObjectName("start_combo")
        self.start_combo.addItem("Start from a built-in…", None)
        for key, title in STARTS:
            self.start_combo.addItem(title, key)
        self.start_combo.setToolTip("Replace the points by a built-in's, then drag them.")
        self.slope_spin = QtWidgets.QDoubleSpinBox(self)
        self.slope_spin.setObjectName("slope_spin")
        self.slope_spin.setRange(0.0, 1.0)
        self.slope_spin.setSingleStep(0.05)
        self.slope_spin.setDecimals(2)
        self.slope_spin.setValue(0.1)
        self.slope_spin.setPrefix("slope ")
        self.slope_spin.setToolTip("The leaky ReLU's slope for z < 0.")
        self.slope_spin.setVisible(False)
        self.start_combo.activated.connect(lambda _i: self._start())
        self.slope_spin.valueChanged.connect(lambda _v: self._start())
        row.addWidget(self.start_combo)
        row.addWidget(self.slope_spin)
        row.addStretch(1)
        return row

    def _make_mode_row(self) -> QtWidgets.QHBoxLayout:
        row = QtWidgets.QHBoxLayout()
        self.mode_radios: dict[str, QtWidgets.QRadioButton] = {}
        for key, text in MODES:
            b = QtWidgets.QRadioButton(text, self)
            b.setObjectName(f"{key}_mode")
            self.mode_buttons.addButton(b)
            self.mode_radios[key] = b
            b.toggled.connect(lambda on, k=key: on and self.set_mode(k))
            row.addWidget(b)
        self.mode_radios["points"].setToolTip("Draw a piecewise-linear function by its "
                                              "points.")
        self.mode_radios["tweak"].setToolTip("Take leaky ReLU or ELU and set its one "
                                             "parameter.")
        row.addStretch(1)
        return row

    def _layout(self) -> None:
        top = QtWidgets.QFormLayout()
        top.addRow("Name", self.name_edit)
        point = QtWidgets.QHBoxLayout()
        point.addWidget(self.point_label)
        point.addSpacing(8)
        for text, spin in (("x", self.x_spin), ("y", self.y_spin)):
            point.addWidget(QtWidgets.QLabel(text))
            point.addWidget(spin)
        point.addStretch(1)
        help_ = caption("Drag a point. Double-click the curve to add one; right-click a "
                        f"point or press Delete to remove it ({ca.MIN_POINTS}–"
                        f"{ca.MAX_POINTS} points). Dashed: the slope f′(z).")
        help_.setWordWrap(True)
        # what only the points mode shows: its start row above the plot, its boxes below
        self.points_start, self.points_box = QtWidgets.QWidget(self), QtWidgets.QWidget(self)
        start = self._make_start_row()
        start.setContentsMargins(0, 0, 0, 0)
        self.points_start.setLayout(start)
        below = QtWidgets.QVBoxLayout(self.points_box)
        below.setContentsMargins(0, 0, 0, 0)
        below.addLayout(point)
        below.addWidget(help_)
        box = QtWidgets.QVBoxLayout(self)
        box.addLayout(top)
        box.addLayout(self._make_mode_row())
        box.addWidget(self.points_start)
        box.addWidget(self.tweak)
        box.addWidget(self.plot, 1)
        box.addWidget(self.shape_label)
        box.addWidget(self.points_box)
        box.addWidget(self.error_label)
        box.addWidget(self.buttons)

    def _free_name(self) -> str:
        for i in range(1, 100):
            name = "bend" if i == 1 else f"bend {i}"
            if designed.find(name, self._others) is None:
                return name
        return ""

    # ------------------------------------------------------------------ state
    def mode(self) -> str:
        """"points" (drawing points) or "tweak" (a built-in's parameter)."""
        return "tweak" if self.mode_radios["tweak"].isChecked() else "points"

    def set_mode(self, mode: str) -> None:
        """Show the "points" or the "tweak" mode (the other mode's state is kept)."""
        if mode not in dict(MODES):
            raise ValueError(f"mode: {mode!r} is not one of {', '.join(dict(MODES))}")
        if not self.mode_radios[mode].isChecked():
            self.mode_radios[mode].setChecked(True)  # toggled calls back here
            return
        tweak = mode == "tweak"
        self.tweak.setVisible(tweak)
        self.points_start.setVisible(not tweak)
        self.points_box.setVisible(not tweak)
        if tweak:
            self._show_tweak()
        else:
            self.set_points(self.points())

    def _show_tweak(self) -> None:
        """Draw the tweaked built-in now chosen (value and slope) and check it."""
        if self.mode() != "tweak":
            return
        t = Tweaked("preview", self.tweak.base(), self.tweak.parameter())
        z = np.linspace(Z_MIN, Z_MAX, CURVE_SAMPLES)
        self.plot.set_curve(z, t.value(z), t.derivative(z))
        self._check()

    def points(self) -> tuple[tuple[float, float], ...]:
        return self.plot.points()

    def set_points(self, points) -> None:
        self.plot.set_points(points, selected=0)
        self._points_changed(self.plot.points())

    def activation(self) -> ca.PiecewiseLinear | Tweaked | None:
        """What OK returned (None before OK or after Cancel)."""
        return self._result

    def _start(self) -> None:
        key = self.start_combo.currentData()
        self.slope_spin.setVisible(key == "leaky_relu")
        if key is not None:
            self.set_points(start_points(key, self.slope_spin.value()))

    def _points_changed(self, _points) -> None:
        self._show_selected()
        self._check()

    def _show_selected(self) -> None:
        i, pts = self.plot.selected_index(), self.points()
        for s in (self.x_spin, self.y_spin):
            s.setEnabled(i >= 0)
        self.point_label.setText(f"Point {i + 1} of {len(pts)}:" if i >= 0 else
                                 f"{len(pts)} points (click one to type it):")
        if i >= 0:
            for s, v in ((self.x_spin, pts[i][0]), (self.y_spin, pts[i][1])):
                s.blockSignals(True)
                s.setValue(v)
                s.blockSignals(False)

    def _typed(self, _v) -> None:
        i, pts = self.plot.selected_index(), list(self.points())
        if i < 0:
            return
        pts[i] = (self.x_spin.value(), self.y_spin.value())
        try:
            ca.check_points(pts)
        except ca.CustomActivationError as e:
            self._show_error(str(e))
            self._show_selected()  # the box shows the point's value again
            return
        self.plot.set_points(pts)
        self._check()

    def _build(self) -> ca.PiecewiseLinear | Tweaked:
        """The activation now shown, or CustomActivationError (field path in it)."""
        name = ca.check_name(self.name_edit.text(), NAMES)
        if designed.find(name, self._others) is not None:
            raise ca.CustomActivationError("name", f"{name!r} is already one of this lab's "
                                                   "designed activations; choose another")
        if self.mode() == "tweak":
            return Tweaked(name, self.tweak.base(), self.tweak.parameter())
        return ca.PiecewiseLinear(name, self.points())

    def _check(self) -> bool:
        """Update the shape line and the error line; True if OK would succeed."""
        if self.mode() == "tweak":
            return self._check_tweak()
        try:
            act = ca.PiecewiseLinear("preview", self.points())
        except ca.CustomActivationError as e:
            self.shape_label.setText("")
            self._show_error(f"points: {e}" if not e.field.startswith("points") else str(e))
            return False
        self.shape_label.setText(shape_sentence(act))
        outside = [x for x, _ in act.points if not Z_MIN <= x <= Z_MAX]
        try:
            self._build()
        except ca.CustomActivationError as e:
            self._show_error(str(e))
            return False
        self._show_error(f"{len(outside)} point(s) lie outside the plot (z beyond ±4)."
                         if outside else None, blocks=False)
        return True

    def _check_tweak(self) -> bool:
        try:
            self.shape_label.setText(tweak_sentence(
                Tweaked("preview", self.tweak.base(), self.tweak.parameter())))
            self._build()
        except ca.CustomActivationError as e:
            self._show_error(str(e))
            return False
        self._show_error(None)
        return True

    def _show_error(self, text: str | None, blocks: bool = True) -> None:
        """Show ``text`` under the plot (hide the line for None); ``blocks``: OK is off."""
        self.error_label.setText(text or "")
        self.error_label.setVisible(bool(text))
        ok = self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not (text and blocks))

    def accept(self) -> None:
        try:
            self._result = self._build()
        except ca.CustomActivationError as e:
            self._show_error(str(e))
            return
        super().accept()


def design_activation(parent: QtWidgets.QWidget | None, custom=(),
                      editing: ca.PiecewiseLinear | Tweaked | None = None
                      ) -> ca.PiecewiseLinear | Tweaked | None:
    """Show the editor modally; the designed activation on OK, None on Cancel."""
    dialog = ActivationEditor(parent, custom, editing)
    try:
        return dialog.activation() if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted \
            else None
    finally:
        dialog.deleteLater()
