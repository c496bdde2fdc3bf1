"""The network builder: an interactive diagram of the network, like the middle column of
TensorFlow Playground.

Columns from left to right: input features (each with a thumbnail of the feature over the
input plane), hidden layers (each neuron a thumbnail of its output), the output.  Links
show the weights (width ∝ |w|, blue positive, orange negative) and a dot on each neuron
its bias.  Above every hidden layer sit "+"/"−" neuron buttons and an activation box; a
header adds and removes layers.

The view only draws what it is given (``set_architecture``, ``show_snapshot``) and reports
what the user asked for (``architectureChanged``); it never builds a Lab or a Trainer.
"""
from __future__ import annotations

import numpy as np

from ..engine.activations import ACTIVATIONS
from ..engine.features import FEATURES
from ..lab import MAX_HIDDEN_LAYERS, MAX_NEURONS
from .dense_links import DENSE_ABOVE, DenseLinksItem
from .layer_controls import (COMPACT_HEIGHT, LOCKED_TIP, WIDE_HEIGHT, LayerControls,
                             small_font, tool_button)
from .network_items import (BRACKET_SPACE, COMPACT_ABOVE, EMPTY_FILL, BiasItem,
                            CompactColumnItem, DiagramScene, LinkItem,
                            MergeBracketItem, NeuronItem, PenBook, diagram_geometry,
                            feature_thumbnail, finite_range, image_from_argb, levels,
                            symmetric_scale, to_argb, tooltip_text)
from .qt import QtCore, QtGui, QtWidgets

Qt = QtCore.Qt

NEW_LAYER_NEURONS = 4
# Seconds of crowded-link painting one snapshot may queue (the network is drawn at
# ~17 Hz, so this keeps it under ~15 % of the GUI thread at 10 × 64).
DENSE_BUDGET = 0.008
DEFAULT_ACTIVATION = "tanh"
HEADER_HEIGHT = 26
TITLE_ROOM = 16  # "Features" / "Output" under the controls


def merged_caption(first: int, last: int, n_hidden: int) -> str:
    """What a bracket over hidden layers ``first..last`` (0-based; ``last == n_hidden``
    is the output layer) says, counting what the student built: "4 hidden layers +
    output: one linear map", "hidden layers 2–4: one linear map"."""
    if last >= n_hidden:
        k = n_hidden - first
        layers = f"{k} hidden layer" + ("" if k == 1 else "s")
        return f"{layers} + output: one linear map"
    return f"hidden layers {first + 1}–{last + 1}: one linear map"


def _changed(new: np.ndarray, old, force: bool):
    """Indices where the quantised levels differ (all of them when forced or new)."""
    if force or old is None:
        return range(new.size)
    return np.flatnonzero(new != old).tolist()


class _DiagramView(QtWidgets.QGraphicsView):
    """A QGraphicsView that calls ``on_resize()`` when its viewport changes size."""

    def __init__(self, parent: QtWidgets.QWidget, on_resize):
        super().__init__(parent)
        self._on_resize = on_resize

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._on_resize()


class NetworkView(QtWidgets.QWidget):
    """The network builder diagram.

    Signals:
      ``architectureChanged(tuple hidden, tuple activations)`` — the user added/removed a
      layer or neuron or picked an activation (the drawing is already updated);
      ``neuronHovered(int layer, int index)`` — the mouse entered hidden neuron ``index``
      (0-based) of hidden layer ``layer`` (0-based); ``neuronUnhovered()`` — it left.
    """

    architectureChanged = QtCore.Signal(tuple, tuple)
    neuronHovered = QtCore.Signal(int, int)
    neuronUnhovered = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._features: tuple[str, ...] = ("x1", "x2")
        self._hidden: tuple[int, ...] = (4, 2)
        self._activations: tuple[str, ...] = ("tanh", "tanh")
        self._n_outputs = 1
        self._locked = False             # layer and neuron buttons
        self._activations_locked = False  # the activation boxes
        self._show_structure = True
        self._show_activations = True
        self._runs: tuple[tuple[int, int], ...] = ()
        self._book = PenBook()
        self._params = None
        self._neurons = None
        self._surface = None
        self._hovered: NeuronItem | None = None
        self._in_layout = False
        self._sizes = None
        self._controls: list[LayerControls] = []
        self._columns_x: list[float] = []
        self._node_size: list[float] = []
        self._compact: list[bool] = []
        self._link_style: list[tuple] = []
        self._dense_timer = QtCore.QTimer(self)
        self._dense_timer.setSingleShot(True)
        self._dense_timer.setInterval(30)
        self._dense_timer.timeout.connect(lambda: self._refresh_dense(False))
        self._build_ui()
        self._rebuild()

    # ------------------------------------------------------------------ public API
    def set_architecture(self, features, hidden, activations, n_outputs: int = 1) -> None:
        """Show this architecture (no signal).  ``features`` are FEATURES names,
        ``hidden`` the neuron count of each hidden layer, ``activations`` one
        ACTIVATIONS name per hidden layer."""
        features, hidden, activations = tuple(features), tuple(int(n) for n in hidden), \
            tuple(activations)
        if len(hidden) != len(activations):
            raise ValueError(f"{len(hidden)} hidden layers but {len(activations)} activations")
        if not features or any(f not in FEATURES for f in features):
            raise ValueError(f"unknown or missing input features: {features!r}")
        if any(a not in ACTIVATIONS for a in activations):
            raise ValueError(f"unknown activation in {activations!r}")
        if len(hidden) > MAX_HIDDEN_LAYERS or any(not 1 <= n <= MAX_NEURONS for n in hidden):
            raise ValueError(f"hidden layers {hidden!r} outside 0..{MAX_HIDDEN_LAYERS} layers "
                             f"of 1..{MAX_NEURONS} neurons")
        if n_outputs < 1:
            raise ValueError("the network needs at least one output")
        structural = (features, hidden, int(n_outputs)) != (self._features, self._hidden,
                                                            self._n_outputs)
        self._features, self._hidden, self._n_outputs = features, hidden, int(n_outputs)
        self._activations = activations
        if structural:
            self._rebuild()
        else:
            self._sync_controls()

    def architecture(self) -> tuple[tuple[int, ...], tuple[str, ...]]:
        """(hidden sizes, activations) as currently drawn."""
        return self._hidden, self._activations

    def show_snapshot(self, snapshot) -> bool:
        """Draw a training snapshot's weights, biases and neuron pictures.  A snapshot
        whose shapes do not match the drawn architecture is ignored (returns False)."""
        params = snapshot.params
        if not self._matches(params, snapshot.neurons):
            return False
        self._params = params
        self._apply_params(force=False)
        # pictures resent unchanged (the same arrays) cost nothing
        if snapshot.neurons and snapshot.neurons is not self._neurons:
            self._neurons = snapshot.neurons
            self._apply_neurons()
        if snapshot.surface is not None and snapshot.surface is not self._surface:
            self._surface = snapshot.surface
            self._apply_output()
        return True

    def set_locked(self, locked: bool) -> None:
        """Disable (True) or enable all editing controls; hovering still works."""
        self.set_edit_locks(locked, locked)

    def set_edit_locks(self, structure: bool, activations: bool) -> None:
        """Lock the layer and neuron buttons (``structure``) and the per-layer activation
        boxes (``activations``) separately, e.g. for a lab about activations only.  A
        locked control is disabled and its tooltip says the teacher locked it."""
        self._locked, self._activations_locked = bool(structure), bool(activations)
        self._sync_controls()

    def set_edit_controls_visible(self, structure: bool = True,
                                  activations: bool = True) -> None:
        """Show or hide the layer and neuron buttons (``structure``) and the activation
        boxes (``activations``); the diagram itself always stays."""
        self._show_structure, self._show_activations = bool(structure), bool(activations)
        self._sync_controls()

    def edit_locks(self) -> tuple[bool, bool]:
        """(structure locked, activations locked)."""
        return self._locked, self._activations_locked

    def set_merged_runs(self, runs) -> None:
        """Draw a band saying e.g. "3 hidden layers + output: one linear map" over each
        ``(first, last)`` run of
        hidden layers (0-based, inclusive; ``last == len(hidden)`` means the output
        layer).  Runs shorter than two layers or outside the network are skipped."""
        runs = tuple((int(a), int(b)) for a, b in runs)
        if runs == self._runs:
            return
        self._runs = runs
        self._make_brackets()
        self._layout()

    # -- handles for tests and the main window
    def add_layer_button(self) -> QtWidgets.QToolButton:
        return self._add_layer_button

    def remove_layer_button(self) -> QtWidgets.QToolButton:
        return self._remove_layer_button

    def layer_controls(self, layer: int) -> LayerControls:
        return self._controls[layer]

    def neuron_item(self, column: int, index: int) -> NeuronItem:
        """Node ``index`` of ``column`` (0 = inputs, 1..L = hidden layers, L+1 = output)."""
        return self._nodes[column][index]

    def link_item(self, layer: int, i: int, j: int) -> LinkItem:
        """The link of weight ``W[i, j]`` of weight layer ``layer`` (0 = inputs → first)."""
        if self._dense[layer] is None:
            return self._links[layer][i * self._sizes[layer + 1] + j]
        # a crowded layer has no item per link: a stand-in carrying the link's tooltip
        key = ("link", layer, i, j)
        if key not in self._detached:
            self._detached[key] = LinkItem(key)
        return self._detached[key]

    def dense_links(self, layer: int) -> DenseLinksItem | None:
        """The one item drawing weight layer ``layer``'s links when it is crowded."""
        return self._dense[layer]

    def bias_item(self, column: int, index: int) -> BiasItem:
        return self._biases[column - 1][index]

    def hover_neuron(self, layer: int, index: int) -> None:
        """Highlight hidden neuron (layer, index) and emit ``neuronHovered``."""
        self.neuron_hover(self._nodes[layer + 1][index], True)

    def unhover_neuron(self) -> None:
        if self._hovered is not None:
            self.neuron_hover(self._hovered, False)

    def tooltip(self, item) -> str:
        """The tooltip text of a diagram item (what hovering it shows)."""
        return self._describe(item.tip_key)

    # ------------------------------------------------------------------ building
    def _build_ui(self) -> None:
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.setSpacing(2)
        header = QtWidgets.QHBoxLayout()
        header.setContentsMargins(8, 0, 8, 0)
        header.setSpacing(4)
        header.addStretch(1)
        self._remove_layer_button = tool_button("−", self, 24)
        self._remove_layer_button.setObjectName("removeLayerButton")
        self._add_layer_button = tool_button("+", self, 24)
        self._add_layer_button.setObjectName("addLayerButton")
        self._layers_label = QtWidgets.QLabel(self)
        font = QtGui.QFont(self._layers_label.font())
        font.setBold(True)
        self._layers_label.setFont(font)
        header.addWidget(self._remove_layer_button)
        header.addWidget(self._add_layer_button)
        header.addSpacing(6)
        header.addWidget(self._layers_label)
        header.addStretch(1)
        lay.addLayout(header)

        self._strip = QtWidgets.QWidget(self)
        self._strip.setFixedHeight(WIDE_HEIGHT + TITLE_ROOM)
        self._strip_height = WIDE_HEIGHT + TITLE_ROOM
        self._inputs_title = QtWidgets.QLabel("Features", self._strip)
        self._output_title = QtWidgets.QLabel("Output", self._strip)
        for label in (self._inputs_title, self._output_title):
            label.setFont(small_font(self))
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)
            label.setStyleSheet("color: #5f6368;")
        self._no_layers_hint = QtWidgets.QLabel(
            "No hidden layers: the inputs feed\nthe output directly. Press + to add one.",
            self._strip)
        self._no_layers_hint.setFont(small_font(self))
        self._no_layers_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._no_layers_hint.setStyleSheet("color: #5f6368;")
        self._inputs_title.setToolTip("The numbers each point is described by; the network "
                                      "sees only these.")
        self._output_title.setToolTip("The network's answer at every point of the plane.")
        lay.addWidget(self._strip)

        self.view = _DiagramView(self, self._layout)
        self.scene = DiagramScene(self._describe, self.view)
        self.view.setScene(self.scene)
        self.view.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.view.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        self.view.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.view.setViewportUpdateMode(
            QtWidgets.QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.view.viewport().setMouseTracking(True)
        self.view.horizontalScrollBar().valueChanged.connect(self._place_controls)
        lay.addWidget(self.view, 1)

        self._add_layer_button.clicked.connect(self._add_layer)
        self._remove_layer_button.clicked.connect(self._remove_layer)
        self._label_font = small_font(self, 1.0)

    def _rebuild(self) -> None:
        """Create every diagram item for the current architecture."""
        if self._hovered is not None:
            self._hovered = None
            self.neuronUnhovered.emit()
        self.scene.clear()
        self._brackets = []  # scene.clear() deleted them (their C++ objects are gone)
        self._sizes = (len(self._features), *self._hidden, self._n_outputs)
        last = len(self._sizes) - 1
        self._nodes = [[NeuronItem(("node", c, i), self if 0 < c < last else None)
                        for i in range(n)] for c, n in enumerate(self._sizes)]
        self._biases = [[BiasItem(("bias", c, i)) for i in range(n)]
                        for c, n in enumerate(self._sizes) if c > 0]
        # a crowded layer's links are one item (see dense_links.py), others one each
        sizes = self._sizes
        self._dense = [DenseLinksItem(l, sizes[l], sizes[l + 1], self._book)
                       if sizes[l] * sizes[l + 1] > DENSE_ABOVE else None
                       for l in range(last)]
        self._links = [[] if self._dense[l] is not None else
                       [LinkItem(("link", l, i, j)) for i in range(sizes[l])
                        for j in range(sizes[l + 1])] for l in range(last)]
        self._detached: dict = {}
        self._dense_pending: set[int] = set()
        self._dense_next = 0
        self._link_levels: list = [None] * last
        self._bias_levels: list = [None] * last
        self._link_style = []
        self._compact = []
        self._labels = []
        # hidden columns that will be compact (above COMPACT_ABOVE) paint as one item
        self._columns = [CompactColumnItem(self._nodes[c]) for c in range(1, last)
                         if self._sizes[c] > COMPACT_ABOVE]
        for items in (*self._nodes, *self._biases, *self._links,
                      [d for d in self._dense if d is not None], self._columns):
            for item in items:
                self.scene.addItem(item)
        for name, node in zip(self._features, self._nodes[0]):
            node.set_image(*feature_thumbnail(name))
            label = self.scene.addSimpleText(FEATURES[name].label, self._label_font)
            label.setBrush(QtGui.QColor(60, 64, 67))
            label.setZValue(2)
            self._labels.append(label)
        self._params = self._neurons = self._surface = None
        self._make_brackets()
        self._sync_controls()
        self._layout()

    def _make_brackets(self) -> None:
        for item in getattr(self, "_brackets", ()):
            if item.scene() is self.scene:
                self.scene.removeItem(item)
        self._brackets = []
        n_hidden = len(self._hidden)
        for first, last in self._runs:
            if 0 <= first < last <= n_hidden:
                item = MergeBracketItem(merged_caption(first, last, n_hidden))
                item.run = (first, last)
                self.scene.addItem(item)
                self._brackets.append(item)

    def _sync_controls(self) -> None:
        n = len(self._hidden)
        while len(self._controls) < n:
            ctrl = LayerControls(self._strip)
            ctrl.add_button.clicked.connect(
                lambda _=False, c=ctrl: self._change_neurons(c.index, +1))
            ctrl.countEntered.connect(
                lambda n, c=ctrl: self._set_neurons(c.index, n))
            ctrl.remove_button.clicked.connect(
                lambda _=False, c=ctrl: self._change_neurons(c.index, -1))
            ctrl.combo.currentIndexChanged.connect(
                lambda _i, c=ctrl: self._set_activation(c.index, c.combo.currentData()))
            ctrl.show()
            self._controls.append(ctrl)
        while len(self._controls) > n:
            ctrl = self._controls.pop()
            ctrl.hide()
            ctrl.deleteLater()
        for i, ctrl in enumerate(self._controls):
            ctrl.set_state(i, self._hidden[i], self._activations[i], self._locked,
                           self._activations_locked)
            ctrl.set_parts_visible(self._show_structure, self._show_activations)
        self._add_layer_button.setVisible(self._show_structure)
        self._remove_layer_button.setVisible(self._show_structure)
        locked = self._locked
        self._add_layer_button.setEnabled(not locked and n < MAX_HIDDEN_LAYERS)
        self._remove_layer_button.setEnabled(not locked and n > 0)
        if locked:
            self._add_layer_button.setToolTip(LOCKED_TIP)
            self._remove_layer_button.setToolTip(LOCKED_TIP)
        else:
            self._add_layer_button.setToolTip(
                "Add a hidden layer. Extra layers let the network build more complex shapes "
                "— but only if their activation bends." if n < MAX_HIDDEN_LAYERS else
                f"The network can have at most {MAX_HIDDEN_LAYERS} hidden layers.")
            self._remove_layer_button.setToolTip(
                "Remove the last hidden layer." if n > 0 else
                "There are no hidden layers left: the inputs feed the output directly.")
        editable = self._show_structure and not locked
        self._no_layers_hint.setText("No hidden layers: the inputs feed\nthe output directly."
                                     + (" Press + to add one." if editable else ""))
        self._layers_label.setText(f"{n} hidden layer" + ("" if n == 1 else "s"))
        self._layers_label.setToolTip("Hidden layers sit between the inputs and the output. "
                                      "Each one turns the picture it gets into new pictures.")

    # ------------------------------------------------------------------ user edits
    def _commit(self, hidden: tuple, activations: tuple) -> None:
        structural = hidden != self._hidden
        self._hidden, self._activations = hidden, activations
        if structural:
            self._rebuild()
        else:
            self._sync_controls()
        self.architectureChanged.emit(hidden, activations)

    def _add_layer(self) -> None:
        if self._locked or len(self._hidden) >= MAX_HIDDEN_LAYERS:
            return
        act = self._activations[-1] if self._activations else DEFAULT_ACTIVATION
        self._commit(self._hidden + (NEW_LAYER_NEURONS,), self._activations + (act,))

    def _remove_layer(self) -> None:
        if self._locked or not self._hidden:
            return
        self._commit(self._hidden[:-1], self._activations[:-1])

    def _change_neurons(self, layer: int, delta: int) -> None:
        if 0 <= layer < len(self._hidden):
            self._set_neurons(layer, self._hidden[layer] + delta)

    def _set_neurons(self, layer: int, n: int) -> None:
        """Hidden layer ``layer`` gets ``n`` neurons (from −/+ or a typed count)."""
        if self._locked or not 0 <= layer < len(self._hidden):
            return
        if not 1 <= n <= MAX_NEURONS or n == self._hidden[layer]:
            return
        hidden = self._hidden[:layer] + (n,) + self._hidden[layer + 1:]
        self._commit(hidden, self._activations)

    def _set_activation(self, layer: int, name) -> None:
        if self._activations_locked or not 0 <= layer < len(self._hidden) \
                or name not in ACTIVATIONS:
            return
        if self._activations[layer] == name:
            return
        acts = self._activations[:layer] + (name,) + self._activations[layer + 1:]
        self._commit(self._hidden, acts)

    # ------------------------------------------------------------------ hovering
    def neuron_hover(self, item: NeuronItem, entered: bool) -> None:
        """Called by hidden NeuronItems on hover enter/leave (and by hover_neuron)."""
        _, column, index = item.tip_key
        if entered:
            if self._hovered is not None and self._hovered is not item:
                self._hovered.set_hovered(False)
            self._hovered = item
            item.set_hovered(True)
            self.neuronHovered.emit(column - 1, index)
        elif self._hovered is item:
            item.set_hovered(False)
            self._hovered = None
            self.neuronUnhovered.emit()

    def _describe(self, key: tuple) -> str:
        return tooltip_text(key, self._features, self._activations, self._n_outputs,
                            self._params)

    # ------------------------------------------------------------------ snapshots
    def _matches(self, params, neurons) -> bool:
        sizes = self._sizes
        if params is None or len(params) != len(sizes) - 1:
            return False
        for l, (W, b) in enumerate(params):
            if np.shape(W) != (sizes[l], sizes[l + 1]) or np.shape(b) != (sizes[l + 1],):
                return False
        if neurons:
            if len(neurons) != len(self._hidden):
                return False
            if any(np.shape(a)[0] != n for a, n in zip(neurons, self._hidden)):
                return False
        return True

    def _apply_params(self, force: bool) -> None:
        """Restyle links and bias dots; only items whose quantised value changed get a
        new pen/brush."""
        book = self._book
        for l, (W, b) in enumerate(self._params):
            lv = levels(np.asarray(W, dtype=float).ravel(), 1.0)
            prev = self._link_levels[l]
            if self._dense[l] is not None:
                if force or prev is None or not np.array_equal(lv, prev):
                    self._dense_pending.add(l)
            else:
                changed = _changed(lv, prev, force)
                alpha, wmin, wmax = self._link_style[l]
                links = self._links[l]
                for k in changed:
                    links[k].setPen(book.link_pen(int(lv[k]), alpha, wmin, wmax))
            self._link_levels[l] = lv

            bv = levels(np.asarray(b, dtype=float), 1.0)
            prev = self._bias_levels[l]
            changed = _changed(bv, prev, force)
            compact = self._compact[l + 1]
            for k in changed:
                brush = book.brush(int(bv[k]))
                if compact:
                    self._nodes[l + 1][k].set_fill(brush.color())
                else:
                    self._biases[l][k].setBrush(brush)
            self._bias_levels[l] = bv
        self._refresh_dense(force)

    def _refresh_dense(self, everything: bool) -> None:
        """Redraw crowded link layers whose weights moved, round-robin, until about
        DENSE_BUDGET seconds of painting are queued (at least one layer), so a 10 × 64
        network costs each frame a slice instead of all nine layers."""
        pending = self._dense_pending
        if not pending:
            return
        n = len(self._dense)
        spent = 0.0
        for step in range(n):
            l = (self._dense_next + step) % n
            if l not in pending:
                continue
            item = self._dense[l]
            if spent and not everything and spent + item.cost > DENSE_BUDGET:
                break
            item.set_levels(self._link_levels[l],
                            np.abs(np.asarray(self._params[l][0], dtype=float)).ravel())
            pending.discard(l)
            spent += item.cost
            self._dense_next = l + 1
        if pending and not self._dense_timer.isActive():
            # the rest a moment later, so a single snapshot (paused, after Step) still
            # ends fully drawn; while training the next snapshot usually comes first
            self._dense_timer.start()

    def _device_size(self, column: int) -> int:
        return max(8, int(self._node_size[column] * self.devicePixelRatioF()))

    def _apply_neurons(self) -> None:
        for l, arr in enumerate(self._neurons):
            column = l + 1
            if self._compact[column] or arr.ndim != 3 or arr.shape[0] == 0:
                continue
            step = max(1, arr.shape[-1] // self._device_size(column))
            sub = arr[:, ::-step, ::step]  # flip: row 0 of the snapshot is the bottom
            argb = to_argb(sub, symmetric_scale(sub))
            for k, node in enumerate(self._nodes[column]):
                node.set_image(image_from_argb(argb[k]), argb)

    def _apply_output(self) -> None:
        surf = np.asarray(self._surface)
        column = len(self._sizes) - 1
        if surf.ndim == 2:
            surf = surf[:, :, None]
        if surf.ndim != 3 or surf.shape[2] != self._n_outputs:
            return
        step = max(1, surf.shape[0] // self._device_size(column))
        sub = np.moveaxis(surf[::-step, ::step, :], 2, 0).astype(float)
        lo, hi = finite_range(sub) or (0.5, 0.5)  # no finite value: the neutral colour
        if 0.0 <= lo and hi <= 1.0:
            # probabilities: 0.5 (undecided) is the neutral colour
            argb = to_argb(sub * 2.0 - 1.0, 1.0)
        else:
            argb = to_argb(sub, symmetric_scale(sub))
        for k, node in enumerate(self._nodes[column]):
            node.set_image(image_from_argb(np.ascontiguousarray(argb[k])), argb)

    # ------------------------------------------------------------------ layout
    def _layout(self) -> None:
        """Place every item for the view's size (items are moved, never recreated)."""
        if self._in_layout or self._sizes is None:
            return
        self._in_layout = True
        try:
            modes = list(self._compact)
            self._layout_for(self._fit_geometry())
        finally:
            self._in_layout = False
        if self._params is not None:
            self._apply_params(force=True)
        if self._neurons is not None and modes != self._compact:
            self._apply_neurons()
        self._place_controls()

    def _fit_geometry(self):
        """The geometry for the whole view, minus a scroll bar only where the diagram
        really needs one (columns closer than MIN_PITCH, or 64-neuron columns in a very
        low view).  The bars are switched on and off here rather than left to Qt, which
        keeps a bar that was once needed while the viewport it shrank still fits."""
        full = self.view.contentsRect().size()
        # narrow columns: smaller input labels, so the diagram keeps the width
        cramped = full.width() < 110 + 34 * len(self._sizes)
        self._label_font = small_font(self, 0.8 if cramped else 1.0)
        fm = QtGui.QFontMetricsF(self._label_font)
        label_w = max(fm.horizontalAdvance(FEATURES[f].label) for f in self._features) + 6
        space = 0.0
        if self._brackets:  # room for the longest caption, wrapped to the view's width
            space = BRACKET_SPACE - 16 + max(b.caption_size(full.width() - 4).height()
                                             for b in self._brackets)
        bar = self.view.style().pixelMetric(QtWidgets.QStyle.PixelMetric.PM_ScrollBarExtent)
        need_h = need_v = False
        for _ in range(3):
            w = full.width() - (bar if need_v else 0)
            h = full.height() - (bar if need_h else 0)
            geo = diagram_geometry(self._sizes, w, h, label_w, space)
            more_h, more_v = geo.width > w + 0.5, geo.height > h + 0.5
            if (more_h, more_v) == (need_h, need_v):
                break
            need_h, need_v = need_h or more_h, need_v or more_v
        policy = QtCore.Qt.ScrollBarPolicy
        self.view.setHorizontalScrollBarPolicy(policy.ScrollBarAlwaysOn if need_h
                                               else policy.ScrollBarAlwaysOff)
        self.view.setVerticalScrollBarPolicy(policy.ScrollBarAlwaysOn if need_v
                                             else policy.ScrollBarAlwaysOff)
        return geo

    def _layout_for(self, geo) -> None:
        sizes = self._sizes
        cols = geo.columns
        self._columns_x = [col.x for col in cols]
        self._node_size = [col.size for col in cols]
        self._compact = [col.compact for col in cols]
        self._pitch = geo.pitch
        for c, col in enumerate(cols):
            s, cpt = col.size, col.compact
            for i, y in enumerate(col.ys):
                node = self._nodes[c][i]
                node.set_geometry(col.x, y, s, cpt)
                if c > 0:
                    dot = self._biases[c - 1][i]
                    dot.setVisible(not cpt)
                    dot.set_geometry(col.x - s / 2, y + s / 2, max(2.5, min(5.0, s * 0.15)))
                    if not cpt:
                        node.set_fill(EMPTY_FILL)
        for column in self._columns:
            column.relayout()
        for label, y in zip(self._labels, cols[0].ys):
            label.setFont(self._label_font)
            r = label.boundingRect()
            label.setPos(cols[0].x - cols[0].size / 2 - 6 - r.width(), y - r.height() / 2)

        self._link_style = []
        for l in range(len(sizes) - 1):
            a, b = cols[l], cols[l + 1]
            n_links = sizes[l] * sizes[l + 1]
            # many links: thinner and more transparent, so the crowd stays readable
            alpha = 255 if n_links <= 64 else 190
            wmax = round(max(1.2, min(5.0, min(a.size, b.size) * 0.2)), 1)
            self._link_style.append((alpha, 0.4, wmax))
            xa, xb = a.x + a.size / 2, b.x - b.size / 2
            dense = self._dense[l]
            if dense is not None:
                # opaque (their colour fades to grey instead) and thin: see dense_links
                dense.set_style(255, 0.5, min(1.6, wmax))
                dense.set_ends(xa, a.ys, xb, b.ys)
                continue
            links, nb = self._links[l], sizes[l + 1]
            for i, ya in enumerate(a.ys):
                for j, yb in enumerate(b.ys):
                    links[i * nb + j].set_ends(xa, ya, xb, yb)

        bottom = geo.content_bottom
        for item in self._brackets:
            first, last = item.run
            half = max(cols[c].size for c in range(first + 1, last + 2)) / 2
            band = QtCore.QRectF(QtCore.QPointF(cols[first + 1].x - half - 12, 5),
                                 QtCore.QPointF(cols[last + 1].x + half + 12, bottom + 6))
            item.set_geometry(band, bottom + 14, geo.width)
        self.scene.setSceneRect(0, 0, geo.width, geo.height)

    def _place_controls(self) -> None:
        if not self._columns_x:
            return
        strip_w = self._strip.width()
        offset = self.view.viewport().mapTo(self, QtCore.QPoint(0, 0)).x() \
            - self._strip.mapTo(self, QtCore.QPoint(0, 0)).x()

        def strip_x(scene_x: float) -> float:
            return self.view.mapFromScene(QtCore.QPointF(scene_x, 0)).x() + offset

        w = int(max(18, min(110, self._pitch - 2)))
        height = WIDE_HEIGHT
        for l, ctrl in enumerate(self._controls):
            height = ctrl.arrange(w)
            x = strip_x(self._columns_x[l + 1])
            ctrl.setGeometry(int(round(x - w / 2)), 0, w, height)
        if not self._controls:
            height = WIDE_HEIGHT
        strip_h = height + TITLE_ROOM
        if strip_h != self._strip_height:
            self._strip_height = strip_h
            self._strip.setFixedHeight(strip_h)  # the view's resize lays out again
        hint = self._no_layers_hint
        hint.setVisible(not self._controls)
        if not self._controls:
            x = (strip_x(self._columns_x[0]) + strip_x(self._columns_x[-1])) / 2
            hw = hint.sizeHint().width() + 4
            hint.setGeometry(int(round(x - hw / 2)), 0, hw, strip_h - 4)
        # "Features" and "Output" sit under the controls, centred on their columns
        # but inside the strip; narrow columns get "In" / "Out" (full word on hover)
        title_h = QtGui.QFontMetrics(self._inputs_title.font()).height() + 2
        for label, column, words in ((self._inputs_title, 0, ("Features", "In")),
                                     (self._output_title, len(self._columns_x) - 1,
                                      ("Output", "Out"))):
            room = max(30.0, 2 * min(self._pitch, 110))
            fm = QtGui.QFontMetrics(label.font())
            label.setText(words[0] if fm.horizontalAdvance(words[0]) + 4 <= room
                          else words[1])
            lw = label.sizeHint().width() + 4
            x = strip_x(self._columns_x[column]) - lw / 2
            x = max(0.0, min(x, strip_w - lw - 2))
            label.setGeometry(int(round(x)), strip_h - title_h, lw, title_h)
