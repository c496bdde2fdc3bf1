"""The activation editor's "Tweak a built-in" mode: choose leaky ReLU or ELU and set its
one parameter (the slope for z < 0, 0–1; alpha, 0–5) with a box or a slider.

:class:`TweakControls` only holds the choice and says when it changed
(``changed(base, parameter)``); :func:`tweak_sentence` is the line the editor shows under
the curve.  The function itself is :class:`~actlab.engine.activations.tweaked.Tweaked`.
"""
from __future__ import annotations

from actlab.engine.activations.tweaked import BASES, Tweaked
from actlab.gui.style import silently
from PySide6 import QtCore, QtWidgets

Qt = QtCore.Qt

#: base -> (menu title, what the box says before the number, first value)
TWEAKS = {"leaky_relu": ("Leaky ReLU", "slope for z < 0 ", 0.1),
          "elu": ("ELU", "alpha ", 1.0)}
SLIDER_STEPS = 100  # per unit of the parameter: the slider moves in steps of 0.01


def _num(v: float) -> str:
    return f"{v:.3g}".replace("-", "−")


def tweak_sentence(t: Tweaked) -> str:
    """What a tweaked built-in's shape means for a network, e.g. "Leaky ReLU with slope 1
    for z < 0 is the line f(z) = z: linear — …" or "ELU with alpha 0 is ReLU: …"."""
    p = _num(t.parameter)
    if t.base == "leaky_relu":
        head = f"Leaky ReLU with slope {p} for z < 0"
        if t.is_linear:
            return (f"{head} is the line f(z) = z: linear — a network using it collapses "
                    "like one with no activation")
        is_relu = " is ReLU" if t.parameter == 0 else ""
        return f"{head}{is_relu}: 1 kink (at z = 0): the network can bend"
    head = f"ELU with alpha {p}"
    if t.parameter == 0:
        return f"{head} is ReLU: 1 kink (at z = 0): the network can bend"
    corner = " (no corner: its slope is 1 on both sides of 0)" if t.parameter == 1 else \
        f" (its slope jumps from {p} to 1 at z = 0)"
    return f"{head}: curved for z < 0, flattening at −{p}{corner}: the network can bend"


class TweakControls(QtWidgets.QWidget):
    """A base menu (``base_combo``), the parameter as a box (``parameter_spin``) and a
    slider (``parameter_slider``) that follow each other.  ``changed(base, parameter)``
    after every change by the student (not after :meth:`set_tweak`)."""

    changed = QtCore.Signal(str, float)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.base_combo = QtWidgets.QComboBox(self)
        self.base_combo.setObjectName("base_combo")
        for base, (title, _, _) in TWEAKS.items():
            self.base_combo.addItem(title, base)
        self.base_combo.setToolTip("The built-in whose parameter you set.")
        self.parameter_spin = QtWidgets.QDoubleSpinBox(self)
        self.parameter_spin.setObjectName("parameter_spin")
        self.parameter_spin.setDecimals(2)
        self.parameter_spin.setSingleStep(0.05)
        self.parameter_spin.setKeyboardTracking(False)
        self.parameter_slider = QtWidgets.QSlider(Qt.Orientation.Horizontal, self)
        self.parameter_slider.setObjectName("parameter_slider")
        self.parameter_slider.setMinimumWidth(140)
        row = QtWidgets.QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.base_combo)
        row.addWidget(self.parameter_spin)
        row.addWidget(self.parameter_slider, 1)
        self._values = {base: first for base, (_, _, first) in TWEAKS.items()}
        self._show("leaky_relu", self._values["leaky_relu"])
        self.base_combo.currentIndexChanged.connect(self._base_chosen)
        self.parameter_spin.valueChanged.connect(self._typed)
        self.parameter_slider.valueChanged.connect(self._slid)

    def base(self) -> str:
        return self.base_combo.currentData()

    def parameter(self) -> float:
        return float(self.parameter_spin.value())

    def set_tweak(self, base: str, parameter: float) -> None:
        """Show ``base`` with ``parameter`` (no signal)."""
        self._values[base] = float(parameter)
        self._show(base, float(parameter))

    def _show(self, base: str, value: float) -> None:
        _, prefix, _ = TWEAKS[base]
        what, lo, hi = BASES[base]
        with silently(self.base_combo), silently(self.parameter_spin), \
                silently(self.parameter_slider):
            self.base_combo.setCurrentIndex(self.base_combo.findData(base))
            self.parameter_spin.setPrefix(prefix)
            self.parameter_spin.setRange(lo, hi)
            self.parameter_spin.setValue(value)
            self.parameter_slider.setRange(round(lo * SLIDER_STEPS), round(hi * SLIDER_STEPS))
            self.parameter_slider.setValue(round(value * SLIDER_STEPS))
        tip = f"The {TWEAKS[base][0]}'s {what}, {lo:g} to {hi:g}."
        self.parameter_spin.setToolTip(tip)
        self.parameter_slider.setToolTip(tip)

    def _base_chosen(self, _index: int) -> None:
        base = self.base()
        self._show(base, self._values[base])  # each base keeps its own last value
        self.changed.emit(base, self.parameter())

    def _typed(self, value: float) -> None:
        self._values[self.base()] = float(value)
        with silently(self.parameter_slider):
            self.parameter_slider.setValue(round(value * SLIDER_STEPS))
        self.changed.emit(self.base(), float(value))

    def _slid(self, steps: int) -> None:
        value = steps / SLIDER_STEPS
        self._values[self.base()] = value
        with silently(self.parameter_spin):
            self.parameter_spin.setValue(value)
        self.changed.emit(self.base(), value)
