"""The head of the image-network builder, under the convolution columns: how the last maps
become one vector (global average pooling or flatten), 0–2 dense layers with their units
and activation, and the softmax over the classes.  Like the layer controls it reports
wishes (``edited(field, value)``) and is put back by :meth:`set_state`."""
from __future__ import annotations

from actlab.engine.activations.lookup import display_name
from actlab.engine.models.cnn_spec import MAX_DENSE_LAYERS, MAX_UNITS
from actlab.views.network.layer_controls import ActivationCombo, small_font, tool_button
from actlab.views.qt import QtCore, QtWidgets
from actlab.views.images.conv_builder_layer import _Combo

Qt = QtCore.Qt

HEADS = (("gap", "global average pool"), ("flatten", "flatten"))
NEW_UNITS, NEW_ACTIVATION = 32, "relu"


class _Units(QtWidgets.QSpinBox):
    def wheelEvent(self, event) -> None:  # noqa: N802 - the wheel scrolls the builder
        event.ignore()


class HeadControls(QtWidgets.QWidget):
    """``edited(field, value)``: "head" (name), "dense" (new count), "units" ((i, n)),
    "activation" ((i, name))."""

    edited = QtCore.Signal(str, object)

    def __init__(self, parent: QtWidgets.QWidget):
        super().__init__(parent)
        grid = QtWidgets.QGridLayout(self)
        grid.setContentsMargins(4, 2, 4, 2)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(2)
        self.head_label = QtWidgets.QLabel("Head", self)
        self.head_combo = _Combo(self)
        for name, text in HEADS:
            self.head_combo.addItem(text, name)
        self.head_combo.setToolTip(
            "How the last feature maps become one list of numbers for the dense layers: "
            "'global average pool' takes each map's mean (one number per filter, wherever "
            "the pattern is); 'flatten' keeps every pixel (position matters).")
        self.head_combo.picked.connect(
            lambda i: self.edited.emit("head", self.head_combo.itemData(i)))
        self.dense_label = QtWidgets.QLabel(self)
        self.remove_dense = tool_button("−", self, 20)
        self.add_dense = tool_button("+", self, 20)
        self.remove_dense.clicked.connect(lambda: self.edited.emit("dense", self.n_dense - 1))
        self.add_dense.clicked.connect(lambda: self.edited.emit("dense", self.n_dense + 1))
        self.output_label = QtWidgets.QLabel(self)
        self.output_label.setFont(small_font(self, 0.9))
        for w in (self.head_label, self.dense_label):
            w.setFont(small_font(self, 0.9))
        grid.addWidget(self.head_label, 0, 0)
        grid.addWidget(self.head_combo, 0, 1, 1, 3)
        grid.addWidget(self.dense_label, 1, 0)
        grid.addWidget(self.remove_dense, 1, 2)
        grid.addWidget(self.add_dense, 1, 3)
        self.units: list[QtWidgets.QSpinBox] = []
        self.acts: list[ActivationCombo] = []
        for i in range(MAX_DENSE_LAYERS):
            spin = _Units(self)
            spin.setRange(1, MAX_UNITS)
            spin.setKeyboardTracking(False)
            spin.setSuffix(" units")
            spin.setFont(small_font(self, 0.85))
            spin.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            spin.editingFinished.connect(lambda i=i: self._units_edited(i))
            combo = ActivationCombo(self)
            combo.setFont(small_font(self, 0.85))
            combo.setMinimumContentsLength(1)
            combo.setSizeAdjustPolicy(
                QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.view().setMinimumWidth(150)
            combo.wheelEvent = lambda e: e.ignore()
            combo.activated.connect(
                lambda j, i=i, c=combo: self.edited.emit("activation", (i, c.itemData(j))))
            grid.addWidget(spin, 2 + i, 0, 1, 2)
            grid.addWidget(combo, 2 + i, 2, 1, 2)
            self.units.append(spin)
            self.acts.append(combo)
        grid.addWidget(self.output_label, 2 + MAX_DENSE_LAYERS, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        self.n_dense = 0
        self._hidden: tuple[int, ...] = ()

    def focus_chain(self) -> list[QtWidgets.QWidget]:
        chain = [self.head_combo, self.remove_dense, self.add_dense]
        for spin, combo in zip(self.units, self.acts):
            chain += [spin, combo]
        return chain

    def _units_edited(self, i: int) -> None:
        n = self.units[i].value()
        if i < len(self._hidden) and n != self._hidden[i]:
            self.edited.emit("units", (i, n))

    def set_state(self, head: str, hidden: tuple, activations: tuple, n_classes: int,
                  features: int, custom=()) -> None:
        """Show the head; ``features`` is how many numbers reach the first dense layer;
        ``custom`` are the lab's designed activations (listed in the boxes)."""
        self.n_dense, self._hidden = len(hidden), tuple(hidden)
        self.head_combo.show_index([h for h, _ in HEADS].index(head))
        self.dense_label.setText(f"Dense layers: {len(hidden)}")
        self.dense_label.setToolTip(
            f"{features} numbers enter the dense part; 0 to {MAX_DENSE_LAYERS} hidden dense "
            "layers come before the softmax.")
        self.add_dense.setEnabled(len(hidden) < MAX_DENSE_LAYERS)
        self.remove_dense.setEnabled(len(hidden) > 0)
        self.add_dense.setToolTip(f"Add a dense layer of {NEW_UNITS} units." if
                                  len(hidden) < MAX_DENSE_LAYERS else
                                  f"At most {MAX_DENSE_LAYERS} dense layers.")
        self.remove_dense.setToolTip("Remove the last dense layer." if hidden else
                                     "No dense layers: the head feeds the softmax directly.")
        for i, (spin, combo) in enumerate(zip(self.units, self.acts)):
            shown = i < len(hidden)
            spin.setVisible(shown)
            combo.setVisible(shown)
            if not shown:
                continue
            spin.blockSignals(True)
            spin.setValue(hidden[i])
            spin.blockSignals(False)
            spin.setToolTip(f"Units of dense layer {i + 1} (1 to {MAX_UNITS}); type a "
                            "number and press Enter.")
            combo.set_designed(custom, activations[i])
            combo.setToolTip(f"The activation of dense layer {i + 1} (now "
                             f"{display_name(activations[i], custom)}).")
        self.output_label.setText(f"→ softmax over {n_classes} classes")
        self.output_label.setToolTip("The output layer: one score per class, turned into "
                                     "probabilities by the softmax.")
