"""The FEATURES column: which functions of (x₁, x₂) the network is fed — or, in a
function lab (``FeaturesPanel(FUNCTION_FEATURES)``), which functions of x.

Emits ``labEdited(new_lab, "features")``; at least one feature always stays on.
"""
from __future__ import annotations

from dataclasses import replace

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt, Signal

from actlab.engine.features import FEATURES
from actlab.lab import Lab

from actlab.gui.panels import thumbnails
from actlab.gui.style import caption, silently

TIPS = {
    "x1": "The horizontal position x₁ of a point, fed to the network as it is.",
    "x2": "The vertical position x₂ of a point, fed to the network as it is.",
    "x1sq": "x₁ squared: already bent, so even a network without activations can draw a "
            "curve with it.",
    "x2sq": "x₂ squared: already bent, so even a network without activations can draw a "
            "curve with it.",
    "x1x2": "x₁ times x₂: positive in two opposite corners, the shape of the XOR data.",
    "sinx1": "sin(x₁): a wave along x₁, handy for stripes and spirals.",
    "sinx2": "sin(x₂): a wave along x₂, handy for stripes and spirals.",
    "x": "The input x itself. With x alone, a ReLU network's curve is made of straight "
         "pieces you can count.",
    "xsq": "x squared: already bent, so even a network without activations draws a "
           "parabola with it.",
    "sinx": "sin(x): already a wave, so even a network without activations can draw one.",
}


class FeaturesPanel(QtWidgets.QWidget):
    """One checkable button with a thumbnail per input feature."""

    labEdited = Signal(object, str)  # the new Lab, "features"
    refused = Signal(str)  # a message when an edit was not allowed

    def __init__(self, table=FEATURES, parent: QtWidgets.QWidget | None = None):
        """``table``: the features to offer (a point lab's, or a function lab's
        ``FUNCTION_FEATURES``)."""
        super().__init__(parent)
        self._table = table
        self._lab = Lab()
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(caption("Which properties do you want to feed in?"))
        grid = QtWidgets.QGridLayout()
        grid.setSpacing(4)
        self.buttons: dict[str, QtWidgets.QToolButton] = {}
        for i, (name, info) in enumerate(self._table.items()):
            b = QtWidgets.QToolButton()
            b.setObjectName(f"feature_{name}")
            b.setProperty("role", "feature")
            b.setCheckable(True)
            b.setText(info.label)
            b.setIcon(thumbnails.feature_icon(name))
            b.setIconSize(QtCore.QSize(22, 22))
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            b.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding,
                            QtWidgets.QSizePolicy.Policy.Fixed)
            b.setToolTip(TIPS.get(name, info.label))
            b.setStatusTip(f"Switch the input {info.label} on or off.")
            b.toggled.connect(lambda on, n=name: self._toggled(n, on))
            self.buttons[name] = b
            grid.addWidget(b, i // 2, i % 2)
        layout.addLayout(grid)

    def set_lab(self, lab: Lab) -> None:
        """Show ``lab``'s features (emits nothing)."""
        self._lab = lab
        for name, b in self.buttons.items():
            with silently(b):
                b.setChecked(name in lab.features)

    def _toggled(self, name: str, on: bool) -> None:
        current = self._lab.features
        if on:
            order = list(self._table)  # keep the display order, whatever the click order
            chosen = set(current) | {name}
            features = tuple(n for n in order if n in chosen) + tuple(
                n for n in current if n not in order)
        else:
            features = tuple(n for n in current if n != name)
        if not features:
            with silently(self.buttons[name]):
                self.buttons[name].setChecked(True)
            self.refused.emit("The network needs at least one input feature.")
            return
        if features != current:
            self.labEdited.emit(replace(self._lab, features=features), "features")
