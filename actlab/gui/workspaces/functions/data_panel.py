"""The DATA column of a function lab (y = f(x)): which curve to fit, or the student's own.

Like :class:`actlab.gui.workspaces.points.data_panel.DataPanel` it never changes the window's Lab: every edit
emits ``labEdited(new_lab, "data")`` with a new Lab, and :meth:`FunctionDataPanel.set_lab`
shows a Lab without emitting anything.  "Import CSV…" and "Draw a curve…" only ask the
window (``importRequested``, ``drawRequested``), which runs
:func:`actlab.gui.workspaces.functions.csv_import_action.import_function_csv` and
:func:`actlab.gui.workspaces.functions.draw_curve_dialog.drawn_function_data`.  "Point and image data sets…"
emits the point lab :func:`actlab.kinds.images.point_lab_for` makes (the point panel
lists the image data sets too).
"""
from __future__ import annotations

import random
from dataclasses import replace

from PySide6 import QtWidgets
from PySide6.QtCore import Qt, Signal

from actlab.engine.data.functions import FUNCTION_GENERATORS, X_MAX, X_MIN
from actlab.kinds.functions import function_lab_for
from actlab.kinds.points import point_lab_for
from actlab.lab import FunctionDataSpec, Lab, default_function_lab

from actlab.gui.panels import thumbnails
from actlab.gui.workspaces.points.data_panel import (
    SamplingSettings, dataset_button, dataset_grid, panel_button)
from actlab.gui.workspaces.images.data_panel import split_counts
from actlab.gui.workspaces.points.output_panel import warning_label
from actlab.gui.style import caption, silently

ICON_SIZE = 40
COLUMNS = 3


def _points(n: int) -> str:
    return f"{n} point" + ("" if n == 1 else "s")



def _x(v: float) -> str:
    """An x for the summary: one decimal at most and a real minus sign ("−5.8", "6")."""
    return f"{round(float(v), 1):g}".replace("-", "\u2212")

class FunctionDataPanel(QtWidgets.QWidget):
    """Curve thumbnails, noise, points, split, seed, Regenerate, CSV import and drawing."""

    labEdited = Signal(object, str)  # the new Lab, "data"
    importRequested = Signal()
    drawRequested = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._lab = default_function_lab()
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(5)
        layout.addWidget(caption("Which curve y = f(x) do you want to fit?"))
        layout.addLayout(self._build_picker())
        self.title = QtWidgets.QLabel()
        self.title.setObjectName("function_title")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.custom_note = QtWidgets.QLabel()
        self.custom_note.setObjectName("function_custom_note")
        self.custom_note.setWordWrap(True)
        self.custom_note.setProperty("role", "caption")
        layout.addWidget(self.custom_note)
        self.warning = warning_label()
        layout.addWidget(self.warning)
        self.sampling = SamplingSettings(
            self, "function",
            noise_tip="Random scatter added to every y (its standard deviation; the curves "
                      "lie between -1 and 1).",
            points_tip="How many points (x, y) are drawn from the curve; more points train "
                       "more slowly.",
            seed_tip="The number that decides where the random points fall and how they "
                     "are split; the same seed gives the same points.")
        (self.ratio_label, self.ratio, self.noise_label, self.noise, self.points,
         self.seed) = self.sampling.widgets()
        layout.addLayout(self.sampling.layout)
        self.summary = QtWidgets.QLabel()
        self.summary.setObjectName("function_summary")
        self.summary.setProperty("role", "caption")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        layout.addLayout(self._build_buttons())
        layout.addStretch(1)  # the column may be taller than the controls: keep them together
        self.set_lab(self._lab)

    # ------------------------------------------------------------------ building
    def _build_picker(self) -> QtWidgets.QGridLayout:
        self.group = QtWidgets.QButtonGroup(self)
        self.dataset_buttons: dict[str, QtWidgets.QToolButton] = {}
        for name, info in FUNCTION_GENERATORS.items():
            b = dataset_button(f"function_dataset_{name}", thumbnails.function_dataset_icon(name),
                               ICON_SIZE, f"<b>{info.title}</b>: {info.description}",
                               f"Fit the {info.title} curve.",
                               lambda _=False, n=name: self._pick_generator(n))
            b.setText(info.title)  # the curve's name under its thumbnail
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            b.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding,
                            QtWidgets.QSizePolicy.Policy.Fixed)
            self.dataset_buttons[name] = b
        return dataset_grid(self.group, self.dataset_buttons, COLUMNS)

    def _build_buttons(self) -> QtWidgets.QGridLayout:
        g = QtWidgets.QGridLayout()
        g.setSpacing(4)
        self.regenerate = panel_button("Regenerate", "function_regenerate",
                                       "Draw a fresh set of random points of the same curve "
                                       "(a new data seed).", self._regenerate)
        self.import_button = panel_button("Import CSV…", "function_import_csv",
                                          "Fit your own points: a CSV file with the two "
                                          "columns x, y.", self.importRequested)
        self.draw_button = panel_button("Draw a curve…", "function_draw",
                                        "Draw a curve with the mouse and fit points "
                                        "sampled from it.", self.drawRequested)
        self.other_button = panel_button("Point and image data sets…", "other_data_sets",
                                         "Go back to the 2-D point data sets (circle, XOR, "
                                         "spiral, …) and the image data sets.",
                                         lambda: self.labEdited.emit(point_lab_for(self._lab),
                                                                     "data"))
        g.addWidget(self.regenerate, 0, 0, 1, 2)
        g.addWidget(self.import_button, 1, 0)
        g.addWidget(self.draw_button, 1, 1)
        g.addWidget(self.other_button, 2, 0, 1, 2)
        return g

    # ------------------------------------------------------------------ showing a Lab
    def set_lab(self, lab: Lab, dataset=None) -> None:
        """Show function lab ``lab``'s data settings (emits nothing).  ``dataset``, the
        Dataset the window trains on, gives the summary its exact counts."""
        self._lab = lab
        d: FunctionDataSpec = lab.data
        custom = d.is_custom
        self.group.setExclusive(False)
        for name, b in self.dataset_buttons.items():
            b.setChecked(not custom and name == d.generator)
        self.group.setExclusive(True)
        for w, v in ((self.ratio, round(d.train_fraction * 100)), (self.noise, round(d.noise * 100)),
                     (self.points, d.n_points), (self.seed, d.seed)):
            with silently(w):
                w.setValue(int(v))
        for w in (self.ratio, self.ratio_label, self.noise, self.noise_label, self.points,
                  self.seed, self.regenerate):
            w.setEnabled(not custom)
        if custom:
            self.title.setText("<b>Your own curve</b>")
            n_tr, n_te = (len(p) for p in d.points)
        else:
            info = FUNCTION_GENERATORS[d.generator]
            self.title.setText(f"<b>{info.title}</b>: {info.description}")
            n_tr, n_te = split_counts(d.n_points, 1, d.train_fraction)
        if dataset is not None:
            n_tr, n_te = dataset.n_train, dataset.n_test
        self.custom_note.setText(
            f"{_points(n_tr + n_te)} of your own (drawn or imported): the settings below "
            "are for generated curves. Pick a curve above to go back to one.")
        self.custom_note.setVisible(custom)
        self.warning.setText("No test points: the test loss and R² stay empty."
                             if n_te == 0 else "")
        self.warning.setVisible(n_te == 0)
        lo, hi = X_MIN, X_MAX
        if custom:
            xs = [x for part in d.points for x, _y in part] or [0.0]
            lo, hi = min(xs), max(xs)
        # one decimal: a drawn curve's ends (-5.79433…) made the line, and with it the
        # whole column, wider than the panel
        self.summary.setText(f"{n_tr} training / {n_te} test points, x in "
                             f"[{_x(lo)}, {_x(hi)}]")
        self._sync_labels()

    def _sync_labels(self, *_args) -> None:
        self.ratio_label.setText(f"Ratio of training to test data: {self.ratio.value()} %")
        self.noise_label.setText(f"Noise: {self.noise.value() / 100:.2f}")

    # ------------------------------------------------------------------ edits
    def _pick_generator(self, name: str) -> None:
        d = self._lab.data
        if name == d.generator:
            return
        self.sampling.emit(function_lab_for(self._lab, name).data)

    def _regenerate(self) -> None:
        d = self._lab.data
        if d.is_custom:
            return
        seed = d.seed
        while seed == d.seed:  # "Regenerate" must always give other points
            seed = random.SystemRandom().randrange(2**31 - 1)
        self.sampling.emit(replace(d, seed=seed))
