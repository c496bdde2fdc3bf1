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

from actlab.engine.activations.lookup import canonical_name
from actlab.engine.features import FEATURES, FUNCTION_FEATURES, feature_label
from actlab.lab import MAX_HIDDEN_LAYERS, MAX_NEURONS
from actlab.views.network.links import DENSE_ABOVE, DenseLinksItem
from actlab.views.network.layer_controls import (
    DESIGN_ITEM, EDIT_ITEM, LOCKED_TIP, WIDE_HEIGHT, LayerControls, small_font, tool_button)
from actlab.views.network.drawing import TITLE_ROOM, DiagramDrawing
from actlab.views.network.items import (
    BiasItem, CompactColumnItem, DiagramScene, LinkItem, MergeBracketItem, NeuronItem, PenBook,
    feature_thumbnail)
from actlab.views.network.tooltips import tooltip_text
from actlab.views.network.layout import COMPACT_ABOVE
from actlab.views.qt import QtCore, QtGui, QtWidgets

Qt = QtCore.Qt

NEW_LAYER_NEURONS = 4
DEFAULT_ACTIVATION = "tanh"
HEADER_HEIGHT = 26


def merged_caption(first: int, last: int, n_hidden: int) -> str:
    """What a bracket over hidden layers ``first..last`` (0-based; ``last == n_hidden``
    is the output layer) says, counting what the student built: "4 hidden layers +
    output: one linear map", "hidden layers 2–4: one linear map"."""
    if last >= n_hidden:
        k = n_hidden - first
        layers = f"{k} hidden layer" + ("" if k == 1 else "s")
        return f"{layers} + output: one linear map"
    return f"hidden layers {first + 1}–{last + 1}: one linear map"


class _DiagramView(QtWidgets.QGraphicsView):
    """A QGraphicsView that calls ``on_resize()`` when its viewport changes size."""

    def __init__(self, parent: QtWidgets.QWidget, on_resize):
        super().__init__(parent)
        self._on_resize = on_resize

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._on_resize()


class NetworkView(QtWidgets.QWidget):
    """The network builder diagram (drawing and layout: network_drawing.py).

    Signals:
      ``architectureChanged(tuple hidden, tuple activations)`` — the user added/removed a
      layer or neuron or picked an activation (the drawing is already updated);
      ``neuronHovered(int layer, int index)`` — the mouse entered hidden neuron ``index``
      (0-based) of hidden layer ``layer`` (0-based); ``neuronUnhovered()`` — it left;
      ``linkClicked(int layer, int i, int j)`` — a left click on the link of weight
      ``W[i, j]`` of weight layer ``layer``; ``biasClicked(int column, int index)`` — on
      the bias dot of node ``index`` of ``column`` (1 = first hidden layer);
      ``designRequested(int layer, str name)`` — "Design an activation…" (``name`` "") or
      "Edit “NAME”…" was picked in the activation box of hidden layer ``layer``.
    """

    architectureChanged = QtCore.Signal(tuple, tuple)
    neuronHovered = QtCore.Signal(int, int)
    neuronUnhovered = QtCore.Signal()
    linkClicked = QtCore.Signal(int, int, int)
    biasClicked = QtCore.Signal(int, int)
    designRequested = QtCore.Signal(int, str)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.drawing = DiagramDrawing(self)  # applies snapshots, places items and controls
        self._features: tuple[str, ...] = ("x1", "x2")
        self._hidden: tuple[int, ...] = (4, 2)
        self._activations: tuple[str, ...] = ("tanh", "tanh")
        self._custom: tuple = ()  # the lab's designed activations
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
        self._dense_timer.timeout.connect(lambda: self.drawing.refresh_dense(False))
        self._build_ui()
        self._rebuild()

    # ------------------------------------------------------------------ public API
    def set_architecture(self, features, hidden, activations, n_outputs: int = 1,
                         custom=()) -> None:
        """Show this architecture (no signal).  ``features`` are FEATURES names,
        ``hidden`` the neuron count of each hidden layer, ``activations`` one
        activation name per hidden layer: a built-in's or one of ``custom`` (the lab's
        designed activations, ``NetworkSpec.custom``)."""
        features, hidden, activations = tuple(features), tuple(int(n) for n in hidden), \
            tuple(activations)
        if len(hidden) != len(activations):
            raise ValueError(f"{len(hidden)} hidden layers but {len(activations)} activations")
        if not features or any(f not in FEATURES and f not in FUNCTION_FEATURES
                               for f in features):
            raise ValueError(f"unknown or missing input features: {features!r}")
        try:
            activations = tuple(canonical_name(a, custom) for a in activations)
        except ValueError:
            raise ValueError(f"unknown activation in {activations!r}") from None
        if len(hidden) > MAX_HIDDEN_LAYERS or any(not 1 <= n <= MAX_NEURONS for n in hidden):
            raise ValueError(f"hidden layers {hidden!r} outside 0..{MAX_HIDDEN_LAYERS} layers "
                             f"of 1..{MAX_NEURONS} neurons")
        if n_outputs < 1:
            raise ValueError("the network needs at least one output")
        structural = (features, hidden, int(n_outputs)) != (self._features, self._hidden,
                                                            self._n_outputs)
        self._features, self._hidden, self._n_outputs = features, hidden, int(n_outputs)
        self._activations, self._custom = activations, tuple(custom)
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
        if not self.drawing.matches(params, snapshot.neurons):
            return False
        self._params = params
        self.drawing.apply_params(force=False)
        # pictures resent unchanged (the same arrays) cost nothing
        if snapshot.neurons and snapshot.neurons is not self._neurons:
            self._neurons = snapshot.neurons
            self.drawing.apply_neurons()
        if snapshot.surface is not None and snapshot.surface is not self._surface:
            self._surface = snapshot.surface
            self.drawing.apply_output()
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
        self.drawing.layout()

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

        self.view = _DiagramView(self, self.drawing.layout)
        self.scene = DiagramScene(self._describe, self.view)
        self.scene.click_handler = self._item_clicked
        self.view.setScene(self.scene)
        self.view.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.view.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        self.view.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.view.setViewportUpdateMode(
            QtWidgets.QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.view.viewport().setMouseTracking(True)
        self.view.horizontalScrollBar().valueChanged.connect(self.drawing.place_controls)
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
            label = self.scene.addSimpleText(feature_label(name), self._label_font)
            label.setBrush(QtGui.QColor(60, 64, 67))
            label.setZValue(2)
            self._labels.append(label)
        self._params = self._neurons = self._surface = None
        self._make_brackets()
        self._sync_controls()
        self.drawing.layout()

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
                           self._activations_locked, self._custom)
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
        if self._activations_locked or not 0 <= layer < len(self._hidden):
            return
        if name in (DESIGN_ITEM, EDIT_ITEM):
            self._sync_controls()  # the box shows the layer's activation again
            self.designRequested.emit(layer, self._activations[layer] if name == EDIT_ITEM
                                      else "")
            return
        try:
            name = canonical_name(name, self._custom)
        except ValueError:
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

    def _item_clicked(self, key) -> None:
        part, *where = key
        (self.linkClicked if part == "link" else self.biasClicked).emit(*where)

    def _describe(self, key: tuple) -> str:
        return tooltip_text(key, self._features, self._activations, self._n_outputs,
                            self._params)
