"""Click a link or a bias dot of the network diagram to type a new weight (as in
TensorFlow Playground): a small popup shows which weight it is and its value; Enter sets
it, Escape cancels.  The surface, the thumbnails and the numbers follow at once.

The GUI never writes the parameter buffer: the edit travels to the training worker as a
queued command (:meth:`TrainingThread.set_parameter`), which applies it between chunks on
its own thread and publishes a fresh snapshot, so a paused window redraws at once and a
running one trains on from the edited weights.

Teacher locks: the diagram's structure lock (the "network" group) fixes the layers and
neuron counts, not what the weights are — training changes them all the time, and trying
a weight by hand is the exploration a lesson about one neuron asks for — so weights and
biases stay editable in every lab.

Trained weights are saved with a lab, so an edit marks the lab modified; before the first
epoch (when the worker has no history for the window to save) the window's Lab carries
the edited weights itself, so Save keeps them.
"""
from __future__ import annotations

import math
from dataclasses import replace

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from actlab.engine.features import FEATURES
from actlab.engine.trainer import PARAM_EDIT_LIMIT
from actlab.views.network.tooltips import node_name

from actlab.gui.training.worker import ParamEdit

HINT = "Enter sets it, Esc cancels."


def parse_value(text: str) -> float:
    """The number typed in ``text`` ("0.5", "-1e-2", "−3" with a Unicode minus).
    Raises ValueError with a sentence for the student: not a number, not finite, or
    outside ±PARAM_EDIT_LIMIT."""
    t = text.strip().replace("\u2212", "-")
    if not t:
        raise ValueError("Type a number, e.g. 0.5 or -1e-2.")
    if "," in t:
        raise ValueError(f"“{text.strip()}” is not a number: use a point for decimals "
                         "(0.5).")
    try:
        v = float(t)
    except ValueError:
        raise ValueError(f"“{text.strip()}” is not a number: type e.g. 0.5 or "
                         "-1e-2.") from None
    if not math.isfinite(v):
        raise ValueError(f"“{text.strip()}” is not a finite number.")
    if abs(v) > PARAM_EDIT_LIMIT:
        raise ValueError(f"{v:g} is too large: a weight must lie between "
                         f"{-PARAM_EDIT_LIMIT:g} and {PARAM_EDIT_LIMIT:g}.")
    return v


def unit_title(column: int, index: int, features, n_hidden: int, n_outputs: int) -> str:
    """"x₁", "neuron 2 of hidden layer 1" (the hover title's words), "the output"."""
    if column == 0:
        return FEATURES[features[index]].label
    if column == n_hidden + 1:
        return "the output" if n_outputs == 1 else f"output {index + 1}"
    return f"neuron {index + 1} of hidden layer {column}"


def describe(edit_layer: int, i: int | None, j: int, features, n_hidden: int,
             n_outputs: int) -> tuple[str, str]:
    """(title, short name) of a parameter: ("Weight from x₁ to neuron 2 of hidden layer
    1", "Weight x₁ → h1,2") or ("Bias of the output", "Bias of output")."""
    args = (features, n_hidden, n_outputs)
    dst = unit_title(edit_layer + 1, j, *args)
    dst_short = node_name(edit_layer + 1, j, *args)
    if i is None:
        return f"Bias of {dst}", f"Bias of {dst_short}"
    return (f"Weight from {unit_title(edit_layer, i, *args)} to {dst}",
            f"Weight {node_name(edit_layer, i, *args)} → {dst_short}")


class ParamPopup(QtWidgets.QFrame):
    """The little editor: a title, a line edit with the value, a hint or an error.
    Emits ``accepted(float)`` for a good value (and closes); bad text keeps it open with
    the reason; Escape or a click elsewhere closes it without a change."""

    accepted = QtCore.Signal(float)
    closed = QtCore.Signal()  # Enter, Escape or a click elsewhere

    def __init__(self, parent: QtWidgets.QWidget, title: str, value: float):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("param_popup")
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.setSpacing(4)
        self.title = QtWidgets.QLabel(title)
        self.title.setObjectName("param_title")
        font = QtGui.QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.edit = QtWidgets.QLineEdit(f"{value:.6g}")
        self.edit.setObjectName("param_value")
        self.edit.setAccessibleName(title)
        self.edit.selectAll()
        self.message = QtWidgets.QLabel(HINT)
        self.message.setObjectName("param_message")
        self.message.setWordWrap(True)
        for w in (self.title, self.edit, self.message):
            lay.addWidget(w)
        self.edit.returnPressed.connect(self._enter)
        self.setMinimumWidth(max(220, self.title.sizeHint().width() + 20))

    def _enter(self) -> None:
        try:
            v = parse_value(self.edit.text())
        except ValueError as e:
            self.show_error(str(e))
            return
        self.accepted.emit(v)
        self.close()

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b3261e;")
        self.edit.selectAll()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().closeEvent(event)
        self.closed.emit()

    def show_at(self, pos: QtCore.QPoint) -> None:
        """Show just below-right of global point ``pos``, kept on its screen."""
        self.adjustSize()
        screen = QtGui.QGuiApplication.screenAt(pos) or QtGui.QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        x = min(max(area.left(), pos.x() + 8), area.right() - self.width())
        y = min(max(area.top(), pos.y() + 8), area.bottom() - self.height())
        self.move(x, y)
        self.show()
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)


class WeightEditor(QtCore.QObject):
    """Connects the diagram's clicks to the popup and the popup to the worker.
    ``window`` is the MainWindow (its lab, trainer, network_view, status)."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.popup: ParamPopup | None = None
        view = window.network_view
        view.linkClicked.connect(self.edit)
        view.biasClicked.connect(self.edit_bias)
        worker = window.training_thread.worker
        worker.paramSet.connect(self._applied)
        worker.paramRefused.connect(self._refused)

    def edit_bias(self, column: int, index: int) -> ParamPopup | None:
        """Open the editor for the bias of node ``index`` of diagram ``column``."""
        return self.edit(column - 1, None, index)

    def _names(self, layer: int, i: int | None, j: int) -> tuple[str, str]:
        lab, pub = self.w.lab, self.w.training_thread.latest()
        n_outputs = 1 if pub is None else len(pub.snapshot.params[-1][1])
        return describe(layer, i, j, lab.features, len(lab.network.hidden), n_outputs)

    def edit(self, layer: int, i: int | None, j: int = 0) -> ParamPopup | None:
        """Open the editor for ``W[i, j]`` of weight layer ``layer`` (the bias ``b[j]``
        when ``i`` is None), next to its link or dot.  Returns the popup, or None when
        there is no trained network to edit (the status bar says why)."""
        w = self.w
        pub = w.training_thread.latest()
        if pub is None or pub.generation != w._generation:
            w.status("The network is still being set up: click the link again in a moment."
                     if w.dataset is not None and w.dataset.n_train else
                     "No network to edit: the lab has no training points yet.")
            return None
        W, b = pub.snapshot.params[layer]
        value = float(b[j] if i is None else W[i, j])
        title, short = self._names(layer, i, j)
        generation = pub.generation
        if self.popup is not None:
            self.popup.close()
        popup = self.popup = ParamPopup(w, title, value)
        # bound methods, not lambdas holding the popup: a Python cycle through a Qt
        # object could be collected on the training thread
        popup.target = (layer, i, j, generation)
        popup.accepted.connect(self._accepted)
        popup.closed.connect(self._closed)
        popup.show_at(self._anchor(layer, i, j))
        w.status(f"{short} is {value:.4g}: type a new value, Enter to set it.")
        return popup

    def _closed(self) -> None:
        if self.popup is self.sender():
            self.popup = None

    def _accepted(self, value: float) -> None:
        layer, i, j, generation = self.sender().target
        self.w.training_thread.set_parameter(ParamEdit(layer, i, j, value), generation)

    def _anchor(self, layer: int, i: int | None, j: int) -> QtCore.QPoint:
        """The global position of the link's middle (or the bias dot)."""
        view = self.w.network_view
        if i is None:
            point = view.bias_item(layer + 1, j).sceneBoundingRect().center()
        else:
            point = view.link_item(layer, i, j).path().pointAtPercent(0.5)
        return view.view.viewport().mapToGlobal(view.view.mapFromScene(point))

    def _applied(self, generation: int, edit: ParamEdit, pub) -> None:
        w = self.w
        if generation != w._generation:
            return
        _, short = self._names(edit.layer, edit.i, edit.j)
        w.status(f"{short} set to {edit.value:g}.")
        if pub is not None and pub.snapshot.epoch == 0:
            # no history yet: Save takes the window's Lab, so it must carry the edit
            w.lab = replace(w.lab, params=pub.snapshot.params)
        w._mark_modified()

    def _refused(self, generation: int, edit: ParamEdit, message: str) -> None:
        if generation != self.w._generation:
            return
        _, short = self._names(edit.layer, edit.i, edit.j)
        self.w.status(f"{short} not changed: {message}")
