"""The DATA column: which points to learn from, and what a click on the output adds.

The panel never changes the window's Lab: every edit emits ``labEdited(new_lab, "data")``
with a new Lab built by :func:`dataclasses.replace`, and :meth:`DataPanel.set_lab` shows a
Lab without emitting anything.
"""
from __future__ import annotations

import random
from dataclasses import replace

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt, Signal

from actlab.engine.data.points import GENERATORS, MAX_POINTS, MIN_POINTS
from actlab.engine.data.functions import FUNCTION_GENERATORS
from actlab.kinds.functions import function_lab_for
from actlab.engine.data.images import IMAGE_GENERATORS
from actlab.kinds.images import image_lab_for
from actlab.lab import DataSpec, Lab
from actlab.views import colors

from actlab.gui.panels import thumbnails
from actlab.gui.style import caption, silently

COLOR_NAMES = ("orange", "blue", "green", "pink", "sky blue", "red")
GRID_COLUMNS = 5


def class_label(k: int, names: tuple[str, ...] | None = None) -> str:
    name = names[k] if names and k < len(names) else f"class {k}"
    return f"{name} ({COLOR_NAMES[k % len(COLOR_NAMES)]})"


def _swatch(color: str) -> QtGui.QIcon:
    pix = QtGui.QPixmap(12, 12)
    pix.fill(QtGui.QColor(color))
    return QtGui.QIcon(pix)


def settings_grid() -> QtWidgets.QGridLayout:
    """The grid of a data panel's settings (see :func:`place_settings`)."""
    g = QtWidgets.QGridLayout()
    g.setVerticalSpacing(3)
    g.setHorizontalSpacing(6)
    return g


def place_settings(g: QtWidgets.QGridLayout, full_rows, captioned) -> QtWidgets.QGridLayout:
    """Lay out a data panel's settings in ``g``: each of ``full_rows`` (slider captions
    and sliders) across both columns, then each ``(caption text, widget)`` of
    ``captioned`` as a caption beside its box."""
    for row, w in enumerate(full_rows):
        g.addWidget(w, row, 0, 1, 2)
    for row, (text, w) in enumerate(captioned, start=len(full_rows)):
        g.addWidget(caption(text), row, 0)
        g.addWidget(w, row, 1)
    g.setColumnStretch(1, 1)
    return g


def setting_slider(name: str, lo: int, hi: int, step: int, tip: str, moved,
                   edited) -> QtWidgets.QSlider:
    """A horizontal slider of a data panel's setting: ``moved()`` at every value (its
    caption follows), ``edited()`` once a value is chosen (on release while dragging)."""
    s = QtWidgets.QSlider(Qt.Orientation.Horizontal)
    s.setObjectName(name)
    s.setRange(lo, hi)
    s.setSingleStep(step)
    s.setPageStep(step)
    s.setToolTip(tip)
    s.valueChanged.connect(moved)
    # while dragging only the caption follows; the data is drawn once, on release
    s.valueChanged.connect(lambda _v: None if s.isSliderDown() else edited())
    s.sliderReleased.connect(edited)
    return s


def setting_spin(name: str, lo: int, hi: int, step: int, tip: str,
                 edited) -> QtWidgets.QSpinBox:
    """A spin box of a data panel's setting that calls ``edited(value)`` once a value is
    entered (typing "300" must not draw 3 points on the way)."""
    s = QtWidgets.QSpinBox()
    s.setObjectName(name)
    s.setRange(lo, hi)
    s.setSingleStep(step)
    s.setKeyboardTracking(False)
    s.setToolTip(tip)
    s.valueChanged.connect(edited)
    return s


def panel_button(text: str, name: str, tip: str, clicked) -> QtWidgets.QPushButton:
    """A push button of a data panel (Regenerate, Import…, other data sets)."""
    b = QtWidgets.QPushButton(text)
    b.setObjectName(name)
    b.setToolTip(tip)
    b.clicked.connect(clicked)
    return b


def dataset_button(name: str, icon, size: int, tip: str, status: str,
                   clicked) -> QtWidgets.QToolButton:
    """A checkable thumbnail button of a data set (point or image data panel)."""
    b = QtWidgets.QToolButton()
    b.setObjectName(name)
    b.setProperty("role", "dataset")
    b.setCheckable(True)
    b.setIcon(icon)
    b.setIconSize(QtCore.QSize(size, size))
    b.setToolTip(tip)
    b.setStatusTip(status)
    b.clicked.connect(clicked)
    return b


def dataset_grid(group: QtWidgets.QButtonGroup, buttons: dict,
                 columns: int | None) -> QtWidgets.QGridLayout:
    """``buttons`` (name → data set button, in order) in ``group`` and in a grid of
    ``columns`` a row (None: one row, then a stretch) — every data panel's picker."""
    grid = QtWidgets.QGridLayout()
    grid.setSpacing(2)
    for i, b in enumerate(buttons.values()):
        group.addButton(b)
        if columns is None:
            grid.addWidget(b, 0, i)
        else:
            grid.addWidget(b, i // columns, i % columns)
    if columns is None:
        grid.setColumnStretch(len(buttons), 1)
    return grid


class SamplingSettings:
    """The settings of data drawn at random that the point and the function data panels
    share (training ratio, noise, number of points, data seed), named ``{prefix}_ratio``
    … ``{prefix}_seed``, in ``layout``, and the edits they make.  The ``panel`` supplies
    ``_lab``, ``labEdited`` and ``_sync_labels`` (the sliders' captions)."""

    def __init__(self, panel, prefix: str, noise_tip: str, points_tip: str, seed_tip: str):
        self.panel = panel
        self.ratio_label = caption("")
        self.ratio = setting_slider(f"{prefix}_ratio", 10, 100, 5,
                                    "How many of the points the network learns from; the "
                                    "rest are kept aside to test it.",
                                    panel._sync_labels, self.edited)
        self.noise_label = caption("")
        self.noise = setting_slider(f"{prefix}_noise", 0, 50, 5, noise_tip,
                                    panel._sync_labels, self.edited)
        self.points = setting_spin(f"{prefix}_points", MIN_POINTS, MAX_POINTS, 50,
                                   points_tip, self.edited)
        self.seed = setting_spin(f"{prefix}_seed", 0, 2**31 - 1, 1, seed_tip, self.edited)
        self.layout = place_settings(settings_grid(),
                                     [self.ratio_label, self.ratio, self.noise_label,
                                      self.noise],
                                     [("Points", self.points), ("Data seed", self.seed)])

    def widgets(self) -> tuple:
        """``(ratio_label, ratio, noise_label, noise, points, seed)``."""
        return (self.ratio_label, self.ratio, self.noise_label, self.noise, self.points,
                self.seed)

    def emit(self, data) -> None:
        """The panel's lab with ``data``, as an edit (nothing when it is the same)."""
        lab = self.panel._lab
        if data != lab.data:
            self.panel.labEdited.emit(replace(lab, data=data), "data")

    def edited(self, *_args) -> None:
        d = self.panel._lab.data
        if d.is_custom:
            return
        self.emit(replace(d, train_fraction=self.ratio.value() / 100.0,
                          noise=self.noise.value() / 100.0, n_points=self.points.value(),
                          seed=self.seed.value()))


class DataPanel(QtWidgets.QWidget):
    """Data set thumbnails, noise, points, split, seed, CSV import and point editing."""

    labEdited = Signal(object, str)  # the new Lab, "data"
    importRequested = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._lab = Lab()
        self._n_classes = 2
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(5)
        layout.addWidget(caption("Which dataset do you want to use?"))
        layout.addLayout(self._build_picker())
        self.images_heading = caption("Images (convolutional networks)")
        layout.addWidget(self.images_heading)
        layout.addLayout(self._build_image_picker())
        self.functions_heading = caption("Function data sets (y = f(x))")
        layout.addWidget(self.functions_heading)
        layout.addLayout(self._build_function_picker())
        self.custom_note = QtWidgets.QLabel()
        self.custom_note.setWordWrap(True)
        self.custom_note.setProperty("role", "caption")
        layout.addWidget(self.custom_note)
        self.sampling = SamplingSettings(
            self, "data",
            noise_tip="How much the points are jumbled: more noise makes the classes "
                      "overlap and the task harder.",
            points_tip="How many points the data set has; more points train more slowly.",
            seed_tip="The number that decides where the random points fall; the same seed "
                     "always gives the same points.")
        (self.ratio_label, self.ratio, self.noise_label, self.noise, self.points,
         self.seed) = self.sampling.widgets()
        layout.addLayout(self.sampling.layout)
        layout.addLayout(self._build_buttons())
        layout.addLayout(self._build_click_picker())

    # ------------------------------------------------------------------ building
    def _build_picker(self) -> QtWidgets.QGridLayout:
        self.group = QtWidgets.QButtonGroup(self)

        def kind(info) -> str:
            return "regression" if info.problem == "regression" else (
                f"{info.n_classes} classes")

        self.dataset_buttons: dict[str, QtWidgets.QToolButton] = {
            name: dataset_button(f"dataset_{name}", thumbnails.dataset_icon(name), 36,
                                 f"<b>{info.title}</b> ({kind(info)}): {info.description}",
                                 f"Use the {info.title} data set.",
                                 lambda _=False, n=name: self._pick_generator(n))
            for name, info in GENERATORS.items()}
        return dataset_grid(self.group, self.dataset_buttons, GRID_COLUMNS)

    def _build_image_picker(self) -> QtWidgets.QGridLayout:
        """The image data sets after the point ones: picking one switches the lab to an
        image lab (:func:`actlab.kinds.images.image_lab_for`)."""
        self.image_buttons: dict[str, QtWidgets.QToolButton] = {
            name: dataset_button(
                f"image_dataset_{name}", thumbnails.image_dataset_icon(name), 36,
                f"<b>{info.title}</b> (images, {len(info.class_names)} classes): "
                f"{info.description}", f"Switch to an image lab on the {info.title} images.",
                lambda _=False, n=name: self.labEdited.emit(image_lab_for(n, self._lab),
                                                            "data"))
            for name, info in IMAGE_GENERATORS.items()}
        return dataset_grid(self.group, self.image_buttons, GRID_COLUMNS)

    def _build_function_picker(self) -> QtWidgets.QGridLayout:
        """The curves after the images: picking one switches the lab to a function lab
        (:func:`actlab.kinds.functions.function_lab_for`)."""
        self.function_buttons: dict[str, QtWidgets.QToolButton] = {
            name: dataset_button(
                f"function_dataset_{name}", thumbnails.function_dataset_icon(name), 36,
                f"<b>{info.title}</b> (a curve y = f(x) to fit): {info.description}",
                f"Switch to a function lab on the {info.title} curve.",
                lambda _=False, n=name: self.labEdited.emit(function_lab_for(self._lab, n),
                                                            "data"))
            for name, info in FUNCTION_GENERATORS.items()}
        return dataset_grid(self.group, self.function_buttons, GRID_COLUMNS)

    def _build_buttons(self) -> QtWidgets.QGridLayout:
        g = QtWidgets.QGridLayout()
        g.setSpacing(4)
        self.regenerate = panel_button("Regenerate", "regenerate",
                                       "Draw a fresh set of random points of the same shape "
                                       "(a new data seed).", self._regenerate)
        self.import_csv = panel_button("Import CSV…", "import_csv",
                                       "Load your own points from a CSV file with the "
                                       "columns x1, x2, label.", self.importRequested)
        self.clear_points = panel_button("Clear points", "clear_points",
                                         "Remove every point, then click on the output "
                                         "picture to place your own.", self._clear)
        g.addWidget(self.regenerate, 0, 0)
        g.addWidget(self.import_csv, 0, 1)
        g.addWidget(self.clear_points, 1, 0, 1, 2)
        return g

    def _build_click_picker(self) -> QtWidgets.QHBoxLayout:
        row = QtWidgets.QHBoxLayout()
        row.setSpacing(6)
        tip = ("What a left click on the output adds (a right click adds the first class, "
               "or the negative value); Ctrl+click removes the nearest point.")
        row.addWidget(caption("Click adds", tip))
        self.click_stack = QtWidgets.QStackedWidget()
        self.click_class = QtWidgets.QComboBox()
        self.click_class.setObjectName("click_class")
        self.click_class.setToolTip(tip)
        self.click_value = QtWidgets.QDoubleSpinBox()
        self.click_value.setObjectName("click_value")
        self.click_value.setRange(-1000.0, 1000.0)
        self.click_value.setDecimals(2)
        self.click_value.setSingleStep(0.1)
        self.click_value.setValue(1.0)
        self.click_value.setToolTip(tip)
        self.click_stack.addWidget(self.click_class)
        self.click_stack.addWidget(self.click_value)
        row.addWidget(self.click_stack, 1)
        return row

    # ------------------------------------------------------------------ showing a Lab
    def set_lab(self, lab: Lab, n_classes: int) -> None:
        """Show ``lab``'s data settings (emits nothing)."""
        self._lab, self._n_classes = lab, n_classes
        d = lab.data
        custom = d.is_custom
        # the button of the lab's data set, by (kind, generator); none for custom points
        # or a curve of its own, nor for images read from a file
        shown = None if custom or getattr(d, "source", None) else (lab.kind, d.generator)
        self.group.setExclusive(False)
        for group, buttons in (("points", self.dataset_buttons), ("images", self.image_buttons),
                               ("functions", self.function_buttons)):
            for name, b in buttons.items():
                b.setChecked(shown == (group, name))
        self.group.setExclusive(True)
        if not isinstance(d, DataSpec):  # the image or function data panel shows it
            return
        for w, v in ((self.ratio, round(d.train_fraction * 100)), (self.noise, round(d.noise * 100)),
                     (self.points, d.n_points), (self.seed, d.seed)):
            with silently(w):
                w.setValue(int(v))
        for w in (self.ratio, self.noise, self.points, self.seed, self.regenerate):
            w.setEnabled(not custom)
        if custom:
            n_tr, n_te = len(d.train_points or ()), len(d.test_points or ())
            self.custom_note.setText(f"Your own points: {n_tr} training, {n_te} test.")
            self.custom_note.setToolTip("Points you imported or placed by clicking. Pick a "
                                        "picture above to go back to generated data.")
        self.custom_note.setVisible(custom)
        self._sync_labels()
        self._sync_click_picker(d, n_classes)

    def _sync_click_picker(self, d: DataSpec, n_classes: int) -> None:
        regression = d.problem == "regression"
        self.click_stack.setCurrentIndex(1 if regression else 0)
        if regression:
            return
        with silently(self.click_class):
            keep = self.click_class.currentData()
            self.click_class.clear()
            for k in range(max(2, n_classes)):
                self.click_class.addItem(_swatch(colors.class_color(k)),
                                         class_label(k, d.class_names), k)
            idx = self.click_class.findData(keep if keep is not None else 1)
            self.click_class.setCurrentIndex(idx if idx >= 0 else 1)

    def _sync_labels(self, *_args) -> None:
        self.ratio_label.setText(f"Ratio of training to test data: {self.ratio.value()} %")
        self.noise_label.setText(f"Noise: {self.noise.value()} %")

    def click_label(self, button: int) -> float:
        """The label a click adds: the picked class (left) or class 0 (right); for
        regression the picked value (left) or its negative (right)."""
        if self._lab.data.problem == "regression":
            v = float(self.click_value.value())
            return -v if button == 2 else v
        if button == 2:
            return 0.0
        k = self.click_class.currentData()
        return float(1 if k is None else k)

    # ------------------------------------------------------------------ edits
    def _pick_generator(self, name: str) -> None:
        info = GENERATORS[name]
        d = self._lab.data
        points = d.n_points if not d.is_custom else 500
        self.sampling.emit(DataSpec(generator=name, n_points=points, noise=d.noise if not d.is_custom else 0.0,
                            train_fraction=d.train_fraction, seed=d.seed,
                            problem=info.problem))

    def _regenerate(self) -> None:
        d = self._lab.data
        if d.is_custom:
            return
        seed = random.SystemRandom().randrange(2**31 - 1)
        self.sampling.emit(replace(d, seed=seed))

    def _clear(self) -> None:
        d = self._lab.data
        self.sampling.emit(DataSpec(generator="custom", n_points=0, noise=0.0,
                            train_fraction=d.train_fraction, seed=d.seed, problem=d.problem,
                            train_points=(), test_points=(), class_names=d.class_names))
