"""The point-lab workspace: DATA and FEATURES, the network diagram, and the OUTPUT column
with the decision surface and the loss curve.  It is made with the window (a point lab
is the default) and is the one workspace whose picture a click edits: a click on the
surface adds or removes a point (:meth:`actlab.gui.files.undo.DataEdits.surface_clicked`).
"""
from __future__ import annotations

import os
from dataclasses import replace

from PySide6.QtCore import Qt

from actlab.engine.activations.lookup import display_name
from actlab.engine.trainer import output_kind
from actlab.labfile.names import n_classes as spec_classes

from actlab.gui import dialogs
from actlab.gui.guide.lock_checks import respects_lock
from actlab.gui.panels.features_panel import FeaturesPanel
from actlab.gui.settings import last_folder, set_last_folder
from actlab.gui.style import data_column, scrolling
from actlab.gui.workspaces.base import merged_layer_runs
from actlab.gui.workspaces.points.data_panel import DataPanel
from actlab.gui.workspaces.points.output_panel import OutputPanel


class PointWorkspace:
    """Point labs in the window (see :class:`~actlab.gui.workspaces.base.Workspace`)."""

    kind = "points"
    network_title = "Hidden layers"
    actions = frozenset({"import_csv", "discretize", "show_test", "export_surface_png",
                         "export_surface_svg"})
    import_csv_tip = "Load your own points from a CSV file with columns x1, x2, label."
    instruments = "dense"  # the instruments' views of a dense network
    instruments_off: dict = {}
    export_menu = None  # the surface and the loss are File ▸ Export's own entries

    def __init__(self, window):
        self.w = window
        self.data_panel = DataPanel()
        self.features_panel = FeaturesPanel()
        self.output = OutputPanel()
        self.network_view = window.network_view  # the dense diagram, shared with functions
        # a short column (a projector at 200 %) scrolls rather than squeezing its plots
        self.pages = (data_column("data", self.data_panel, self.features_panel),
                      self.network_view,
                      scrolling(self.output, "output_scroll",
                                Qt.ScrollBarPolicy.ScrollBarAlwaysOff))
        self._drawn_surface = None  # the surface array drawn last (skip redrawing it)
        self._hover: tuple[int, int] | None = None
        for panel in (self.data_panel, self.features_panel):
            panel.labEdited.connect(window.apply_edit)
        self.features_panel.refused.connect(window.status)
        self.data_panel.importRequested.connect(window.import_csv_dialog)
        self.output.surface_view.clicked.connect(window.edits.surface_clicked)
        a = window.acts
        for act, box in ((a.show_test, self.output.show_test),
                         (a.discretize, self.output.discretize),
                         (a.log_scale, self.output.log_scale)):
            act.toggled.connect(box.setChecked)
            box.toggled.connect(act.setChecked)
        self.output.show_test.toggled.connect(
            lambda on: window.status("Test points shown as squares." if on else
                                     "Test points hidden."))

    # ------------------------------------------------------------------ showing a lab
    def show_lab(self, lab, dataset) -> None:
        n_classes = dataset.n_classes if dataset is not None else spec_classes(lab.data)
        self.data_panel.set_lab(lab, n_classes)
        self.features_panel.set_lab(lab)
        _, n_out = output_kind(lab.data.problem, n_classes)
        net = lab.network
        self.network_view.set_architecture(lab.features, net.hidden, net.activations, n_out,
                                           net.custom)

    def clear(self, dataset) -> None:
        self.output.loss_view.show_history(None)  # a new run: no curve, no old axes
        self.output.surface_view.set_points(dataset)
        if dataset.n_train == 0:  # nothing to train: no surface either
            self.output.surface_view.clear()

    def clear_history(self) -> None:
        self.output.loss_view.show_history(None)

    def opened(self) -> None:
        """Another lab was opened: a line a guide drew on the surface goes."""
        self.output.surface_view.clear_extra_line()

    # ------------------------------------------------------------------ drawing
    def draw(self, pub, snap, network_due: bool) -> bool:
        """The surface and the network diagram; True when the surface is a fresh one."""
        # Between fresh pictures the worker resends the last ones (the same arrays, see
        # worker.PICTURE_SHARE): redraw the surface only when it is a new one.
        fresh = not (snap.surface is not None and snap.surface is self._drawn_surface)
        if fresh:
            self.output.surface_view.show_snapshot(snap, force=True)
            self._drawn_surface = snap.surface
        else:
            self.output.surface_view.show_snapshot(replace(snap, surface=None), force=True)
        if not pub.playing or network_due:
            self.network_view.show_snapshot(snap)
        if self._hover is not None:
            self._show_neuron(snap)
        return fresh

    def show_history(self, snap) -> None:
        self.output.loss_view.show_history(snap.history, snap.train_loss)

    def show_numbers(self, snap) -> None:
        self.output.show_numbers(snap, self.w.lab.data.problem)

    def pictures(self):
        return None  # the surface lives in the snapshot itself

    def export_widget(self, what: str):
        return {"surface": self.output.surface_view, "loss": self.output.loss_view}[what]

    def export_figure(self, what: str):
        return None  # the surface and the loss are exported as their plots

    def mark_collapse(self, insights) -> None:
        """The collapsed network's decision line on the surface, the merging layers
        bracketed in the diagram."""
        surface = self.output.surface_view
        line = insights.collapse.line
        if line is not None:
            surface.set_extra_line(*line)
        else:
            surface.clear_extra_line()
        self.network_view.set_merged_runs(
            merged_layer_runs(insights.collapse.runs, len(insights.layer_sizes)))

    def clear_collapse_marks(self) -> None:
        self.output.surface_view.clear_extra_line()
        self.network_view.set_merged_runs(())

    # ------------------------------------------------------------------ teacher locks
    def lock_widgets(self, group: str) -> list:
        d, c = self.data_panel, self.w.controls
        return {"data": [d, c.problem],  # switching the problem type picks other data
                "features": [self.features_panel],
                "seed": [d.seed, d.regenerate]}.get(group, [])

    # ------------------------------------------------------------------ your own points
    @respects_lock("data", "Import CSV")
    def import_csv(self, path: str | None) -> bool:
        """Use the points of a CSV file (x1, x2, label; None asks) as the data; True on
        success.  The status bar says what was understood (problem type, classes), so a
        surprise (labels 0..199 read as numbers to predict) is visible at once."""
        from actlab.engine.data import points_csv as csv_import
        from actlab.safe_text import printable

        w = self.w
        if path is None:
            was_playing = w.hold_training()
            path = dialogs.open_file_name(w, "Import points from CSV",
                                          last_folder(w.settings), dialogs.CSV_FILTER)
            if not path:
                if was_playing:
                    w.play()
                return False
        d = w.lab.data
        name = printable(os.path.basename(path), 120)
        try:
            result = csv_import.import_csv(path, None, d.train_fraction, d.seed)
        except (csv_import.CsvError, ValueError) as e:
            dialogs.show_error(w, "Cannot import the CSV file", f"{name}: {e}")
            return False
        data, summary = result.data, result.summary.strip().rstrip(".") + "."
        set_last_folder(w.settings, path)
        w.apply_edit(replace(w.lab, data=data), "data", "Import CSV")
        if w.lab.data is not data:  # the edit was refused
            return False
        w.status(f"Imported {name}: {summary} Weights re-initialised; "
                 "Ctrl+Z undoes the import.")
        warnings = getattr(result, "warnings", ())
        if warnings:  # a surprise (one class only, labels read as numbers) must be seen
            dialogs.show_info(w, "Imported with a warning",
                              f"{name}: {summary}\n\nCtrl+Z (Edit ▸ Undo) brings back "
                              "the previous points.")
        return True

    # ------------------------------------------------------------------ hovering
    def neuron_hovered(self, layer: int, index: int) -> None:
        self._hover = (layer, index)
        self._show_neuron(self.w.playback.snapshot)

    def _show_neuron(self, snap) -> None:
        layer, index = self._hover
        if snap is None or layer >= len(snap.neurons) or index >= len(snap.neurons[layer]):
            return
        net = self.w.lab.network
        title = display_name(net.activations[layer], net.custom)
        self.output.surface_view.show_image(
            snap.neurons[layer][index], f"Neuron {index + 1} of hidden layer {layer + 1} ({title})")

    def neuron_unhovered(self) -> None:
        self._hover = None
        self.output.surface_view.clear_override()
