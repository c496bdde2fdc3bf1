"""The top bar's training controls: the activation of every layer, learning rate, batch
size, optimizer, regularisation, problem type and "stop after N epochs".

The activation menu lists the built-ins and then the lab's designed activations
(``network.custom``); choosing one puts it in every hidden layer (an image lab: every
convolution and dense layer).  When the layers differ it says "Mixed".

Emits ``labEdited(new_lab, kind)``: kind "training" for changes the worker applies
without a reset, "data" when the problem type switch picks another data set.
"""
from __future__ import annotations

from dataclasses import replace

from PySide6 import QtWidgets
from PySide6.QtCore import Qt, Signal

from actlab.engine.activations.builtin import ACTIVATIONS
from actlab.engine.activations.lookup import canonical_name
from actlab.engine.activations.designed import find
from actlab.engine.data.points import GENERATORS
from actlab.kinds.registry import kind_of
from actlab.lab import DataSpec, Lab

from actlab.gui.style import caption, silently

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REG_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
OPTIMIZERS = (("sgd", "SGD"), ("momentum", "Momentum"), ("adam", "Adam"))
REGULARIZATIONS = (("none", "None"), ("l1", "L1"), ("l2", "L2"))
PROBLEMS = (("classification", "Classification"), ("regression", "Regression"))
DEFAULT_GENERATOR = {"classification": "circle", "regression": "plane"}


def _fill_rates(combo: QtWidgets.QComboBox, values, current: float) -> None:
    """Put ``values`` (plus ``current`` if it is not one of them) in ``combo``, sorted."""
    combo.clear()
    all_values = sorted(set(values) | {float(current)})
    for v in all_values:
        combo.addItem(f"{v:g}", v)
    combo.setCurrentIndex(all_values.index(float(current)))


class ControlsPanel(QtWidgets.QWidget):
    """A row of small captioned controls, like the Playground's top bar."""

    labEdited = Signal(object, str)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._lab = Lab()
        self._font_scale = 1.0  # see fit_to_font
        self._last_generator = dict(DEFAULT_GENERATOR)
        row = QtWidgets.QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.setSpacing(6)
        self.cells: list[QtWidgets.QWidget] = []

        self.activation = self._combo(
            "activation", 100, "How every neuron in every hidden layer bends its input; with "
            "Linear nothing bends and the whole network draws only straight lines.")
        for name, act in ACTIVATIONS.items():
            # the one display name (ACTIVATIONS[name].title); its explanation on hover
            self.activation.addItem(act.title, name)
            self.activation.setItemData(self.activation.count() - 1,
                                        f"{act.title}: {act.summary}",
                                        Qt.ItemDataRole.ToolTipRole)
        self.learning_rate = self._combo(
            "learning_rate", 68, "How big a step the weights take each update: too small is "
            "slow, too big makes training jump around or blow up.")
        self.batch_size = QtWidgets.QSpinBox()
        self.batch_size.setObjectName("batch_size")
        self.batch_size.setRange(1, 10_000)
        self.batch_size.setKeyboardTracking(False)
        self.batch_size.setToolTip("How many points the network looks at before each "
                                   "update of its weights.")
        self.optimizer = self._combo(
            "optimizer", 92, "How the weights are updated: plain gradient descent (SGD), "
            "with momentum, or Adam.")
        for key, text in OPTIMIZERS:
            self.optimizer.addItem(text, key)
        self.regularization = self._combo(
            "regularization", 66, "A penalty on big weights that keeps the boundary simple: "
            "L1 pushes weights to zero, L2 keeps them small.")
        for key, text in REGULARIZATIONS:
            self.regularization.addItem(text, key)
        self.reg_rate = self._combo("reg_rate", 60, "How strong the penalty on big weights is.")
        self.problem = self._combo(
            "problem", 116, "Sort points into classes (classification) or predict a number "
            "for each point (regression).")
        for key, text in PROBLEMS:
            self.problem.addItem(text, key)
        self._problem_tip = self.problem.toolTip()
        self.stop_check = QtWidgets.QCheckBox()
        self.stop_check.setObjectName("stop_after_check")
        self.stop_check.setToolTip("Pause training by itself after this many epochs.")
        self.stop_epochs = QtWidgets.QSpinBox()
        self.stop_epochs.setObjectName("stop_after")
        self.stop_epochs.setRange(1, 10_000_000)
        self.stop_epochs.setValue(1000)
        self.stop_epochs.setSingleStep(100)
        self.stop_epochs.setKeyboardTracking(False)
        self.stop_epochs.setToolTip("The epoch at which training pauses by itself.")
        self.stop_epochs.setMaximumWidth(80)
        self.batch_size.setMaximumWidth(62)
        self._base_widths = {w: w.maximumWidth() for w in (self.stop_epochs, self.batch_size)}
        stop = QtWidgets.QHBoxLayout()
        stop.setSpacing(2)
        stop.addWidget(self.stop_check)
        stop.addWidget(self.stop_epochs)

        for title, widget in (("Activation", self.activation),
                              ("Learning rate", self.learning_rate),
                              ("Batch size", self.batch_size),
                              ("Optimizer", self.optimizer),
                              ("Regularization", self.regularization),
                              ("Reg. rate", self.reg_rate),
                              ("Problem type", self.problem),
                              ("Stop after", stop)):
            box = QtWidgets.QWidget()
            box.setObjectName(f"cell_{title.split()[0].lower().rstrip('.')}")
            cell = QtWidgets.QVBoxLayout(box)
            cell.setContentsMargins(0, 0, 0, 0)
            cell.setSpacing(1)
            cell.addWidget(caption(title, getattr(widget, "toolTip", lambda: None)()))
            if isinstance(widget, QtWidgets.QLayout):
                cell.addLayout(widget)
            else:
                cell.addWidget(widget)
            row.addWidget(box)
            # one widget per setting: the window puts each on the toolbar by itself, so a
            # narrow window folds only the last ones behind the toolbar's "»" (at 200 %
            # the whole row used to fold away as one widget)
            self.cells.append(box)

        for combo in (self.learning_rate, self.optimizer, self.regularization, self.reg_rate):
            combo.currentIndexChanged.connect(self._training_edited)
        self.batch_size.valueChanged.connect(self._training_edited)
        self.stop_check.toggled.connect(self._training_edited)
        self.stop_epochs.valueChanged.connect(self._training_edited)
        self.problem.currentIndexChanged.connect(self._problem_edited)
        self.activation.currentIndexChanged.connect(self._activation_edited)
        self.set_lab(self._lab)

    def _combo(self, name: str, width: int, tip: str) -> QtWidgets.QComboBox:
        """A compact combo box ``width`` pixels wide (at the default font) whose list
        opens wider when its entries need it."""
        c = QtWidgets.QComboBox()
        c.setObjectName(name)
        c.setToolTip(tip)
        scale = max(1.0, c.fontMetrics().height() / 17.0)  # grow with large fonts
        c.setFixedWidth(int(width * scale))
        c.setProperty("actlab_width", int(width * scale))
        c.view().setMinimumWidth(140)
        return c

    def fit_to_font(self, scale: float = 1.0) -> None:
        """Size the cells' controls for a font ``scale`` times the normal one (presentation
        mode): each combo box as wide as its longest entry needs at that font (fixed widths
        made for the normal font cut "Classification" to "Classificati"), the spin boxes
        ``scale`` times wider; at 1.0 the normal widths come back exactly.  The toolbar
        folds what no longer fits behind its "»"."""
        self._font_scale = scale
        for combo in (self.activation, self.learning_rate, self.optimizer,
                      self.regularization, self.reg_rate, self.problem):
            base = combo.property("actlab_width")
            combo.setFixedWidth(int(base) if scale <= 1.0 else
                                max(int(base), combo.sizeHint().width()))
        for spin, base in self._base_widths.items():
            spin.setMaximumWidth(int(base * max(1.0, scale)))

    # ------------------------------------------------------------------ showing a Lab
    def set_lab(self, lab: Lab) -> None:
        """Show ``lab``'s training settings (emits nothing)."""
        self._lab = lab
        t = lab.training
        if isinstance(lab.data, DataSpec) and not lab.data.is_custom:
            self._last_generator[lab.data.problem] = lab.data.generator
        # an image network: every convolution and dense layer (they share the menu)
        custom = tuple(getattr(lab.network, "custom", ()))
        acts = {self._known(a, custom) for a in
                lab.network.activation_names()}
        with silently(self.activation):
            # the lab's designed activations (and a placeholder) follow the built-ins
            while self.activation.count() > len(ACTIVATIONS):
                self.activation.removeItem(self.activation.count() - 1)
            for c in custom:
                self.activation.addItem(c.name, c.name)
                self.activation.setItemData(self.activation.count() - 1,
                                            f"{c.name} (designed): {c.activation().summary}",
                                            Qt.ItemDataRole.ToolTipRole)
            if len(acts) == 1:
                self.activation.setCurrentIndex(max(0, self.activation.findData(acts.pop())))
            elif acts:  # layers differ: say so rather than pick one
                self.activation.addItem("Mixed", "mixed")
                self.activation.setCurrentIndex(self.activation.count() - 1)
            else:  # no hidden layer: no activation (it showed the last one, e.g. "Sine")
                self.activation.addItem("None (no hidden layer)", "none")
                self.activation.setCurrentIndex(self.activation.count() - 1)
        self.activation.setEnabled(bool(lab.network.activation_names()))
        widgets = (self.learning_rate, self.batch_size, self.optimizer, self.regularization,
                   self.reg_rate, self.problem, self.stop_check, self.stop_epochs)
        blockers = [silently(w) for w in widgets]
        _fill_rates(self.learning_rate, LEARNING_RATES, t.learning_rate)
        _fill_rates(self.reg_rate, REG_RATES, t.reg_rate)
        self.batch_size.setValue(t.batch_size)
        self.optimizer.setCurrentIndex(max(0, self.optimizer.findData(t.optimizer)))
        self.regularization.setCurrentIndex(max(0, self.regularization.findData(t.regularization)))
        self.problem.setCurrentIndex(max(0, self.problem.findData(lab.data.problem)))
        self.stop_check.setChecked(t.stop_after is not None)
        if t.stop_after is not None:
            self.stop_epochs.setValue(t.stop_after)
        for b in blockers:
            b.unblock()
        self.reg_rate.setEnabled(t.regularization != "none")
        self.stop_epochs.setEnabled(t.stop_after is not None)
        # an image lab is always a classification of its images, a function lab always
        # fits a curve: its kind says why the problem cannot be chosen
        fixed = kind_of(lab).fixed_problem
        self.problem.setEnabled(fixed is None)
        self.problem.setToolTip(fixed or self._problem_tip)
        if self._font_scale > 1.0:  # new entries (a designed activation) must fit too
            self.fit_to_font(self._font_scale)

    @staticmethod
    def _known(name: str, custom) -> str:
        """``name`` as the menu's items spell it (a built-in's key, a designed one's name);
        an unknown name as it is."""
        try:
            return canonical_name(name, custom)
        except ValueError:
            return name

    # ------------------------------------------------------------------ edits
    def _training_edited(self, *_args) -> None:
        t = self._lab.training
        reg = self.regularization.currentData()
        spec = replace(t, learning_rate=float(self.learning_rate.currentData()),
                       batch_size=int(self.batch_size.value()),
                       optimizer=self.optimizer.currentData(), regularization=reg,
                       reg_rate=float(self.reg_rate.currentData()),
                       stop_after=self.stop_epochs.value() if self.stop_check.isChecked()
                       else None)
        if reg != "none" and spec.reg_rate == 0.0 and t.regularization == "none":
            # choosing L1/L2 with a rate of 0 would do nothing: start from a small rate
            spec = replace(spec, reg_rate=0.001)
        self.reg_rate.setEnabled(reg != "none")
        self.stop_epochs.setEnabled(self.stop_check.isChecked())
        if spec != t:
            self.labEdited.emit(replace(self._lab, training=spec), "training")

    def _activation_edited(self, *_args) -> None:
        name = self.activation.currentData()
        net = self._lab.network
        known = name in ACTIVATIONS or find(name, getattr(net, "custom", ())) is not None
        # a dense network's hidden layers, an image network's convolutions and dense layers
        names = net.activation_names()
        if not known or not names or set(names) == {name}:
            return
        self.labEdited.emit(replace(self._lab, network=net.with_activation(name)), "network")

    def _problem_edited(self, *_args) -> None:
        problem = self.problem.currentData()
        d = self._lab.data
        if problem == d.problem or not isinstance(d, DataSpec):
            return
        name = self._last_generator.get(problem, DEFAULT_GENERATOR[problem])
        if GENERATORS[name].problem != problem:
            name = DEFAULT_GENERATOR[problem]
        data = DataSpec(generator=name, n_points=d.n_points if not d.is_custom else 500,
                        noise=d.noise, train_fraction=d.train_fraction, seed=d.seed,
                        problem=problem)
        self.labEdited.emit(replace(self._lab, data=data), "data")
