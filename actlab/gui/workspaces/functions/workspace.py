"""The function-lab workspace (y = f(x)): the same network diagram as a point lab (a
function lab's network is the same multilayer perceptron, fed the features of x, and its
node pictures are each unit's curve, see engine/pictures/curve_grid.py), with the
function lab's data column (:class:`FunctionDataPanel` and the features of x) and its
output column (:class:`FunctionOutputPanel`: the curve, its units, kinks and pieces).
Made the first time a function lab opens; drawn and imported curves start here too.
"""
from __future__ import annotations

from PySide6.QtCore import Qt

from actlab.engine.features import FUNCTION_FEATURES

from actlab.gui.actions import add_export_menu
from actlab.gui.guide.lock_checks import respects_lock
from actlab.gui.panels.features_panel import FeaturesPanel
from actlab.gui.settings import last_folder
from actlab.gui.style import data_column, scrolling
from actlab.gui.workspaces.base import merged_layer_runs

EXPORT_TITLES = {"curve": "Curve plot", "loss": "Loss plot"}


class FunctionWorkspace:
    """Function labs in the window (see :class:`~actlab.gui.workspaces.base.Workspace`)."""

    kind = "functions"
    network_title = "Hidden layers"
    actions = frozenset({"import_csv", "draw_curve"})
    instruments = "dense"
    # the plane's instruments in a function lab (y = f(x)): one input, no plane
    instruments_off = {
        "hidden": "Hidden space maps the 2-D input plane into two hidden neurons; a function "
                  "lab has one input x. Tick “Units” under the curve to see each hidden "
                  "unit's part of the curve instead.",
        "regions": "In a function lab the linear regions are the curve's straight pieces: the "
                   "curve view marks every kink and counts the pieces.",
    }
    import_csv_tip = "Load the points of a curve from a CSV file with columns x, y."

    def __init__(self, window):
        # made when the first function lab opens (see the image workspace)
        from actlab.gui.workspaces.functions.data_panel import FunctionDataPanel
        from actlab.gui.workspaces.functions.output_panel import FunctionOutputPanel

        self.w = window
        self.data_panel = FunctionDataPanel()
        self.data_panel.setObjectName("function_data_panel")
        self.features_panel = FeaturesPanel(FUNCTION_FEATURES)
        self.features_panel.setObjectName("function_features_panel")
        self.output = FunctionOutputPanel()
        self.output.setObjectName("function_output")
        self.network_view = window.network_view
        # a short column (a laptop at 2x) scrolls rather than squeezing the curve
        self.pages = (data_column("function_data", self.data_panel, self.features_panel),
                      self.network_view,
                      scrolling(self.output, "function_output_scroll",
                                Qt.ScrollBarPolicy.ScrollBarAlwaysOff))
        self._drawn = None  # the CurvePicture drawn last
        self.data_panel.labEdited.connect(window.apply_edit)
        self.data_panel.importRequested.connect(lambda: self.import_csv(None))
        self.data_panel.drawRequested.connect(self.draw_curve)
        self.features_panel.labEdited.connect(window.apply_edit)
        self.features_panel.refused.connect(window.status)
        # File ▸ Export ▸ Function lab views: the curve and the loss as PNG or SVG
        self.export_menu = add_export_menu(
            window.menus.export, "&Function lab views", "menu_export_functions",
            [(key, title, ("png", "svg")) for key, title in EXPORT_TITLES.items()],
            window.export)

    # ------------------------------------------------------------------ showing a lab
    def show_lab(self, lab, dataset) -> None:
        self.data_panel.set_lab(lab, dataset)
        self.features_panel.set_lab(lab)
        net = lab.network
        self.network_view.set_architecture(lab.features, net.hidden, net.activations, 1,
                                           net.custom)

    def clear(self, dataset) -> None:
        self._drawn = None
        self.output.clear()

    def clear_history(self) -> None:
        self.output.loss_view.show_history(None)

    def opened(self) -> None:
        pass

    # ------------------------------------------------------------------ drawing
    def draw(self, pub, snap, network_due: bool) -> bool:
        """The curve view and the network diagram; True when the curve is a new one."""
        fresh = snap.pictures is not None and snap.pictures is not self._drawn
        if fresh:
            self._drawn = snap.pictures
            self.output.show_picture(snap.pictures)
        if not pub.playing or network_due:
            self.network_view.show_snapshot(snap)
        return fresh

    def show_history(self, snap) -> None:
        self.output.loss_view.show_history(snap.history, snap.train_loss)

    def show_numbers(self, snap) -> None:
        self.output.show_numbers(snap)

    def pictures(self):
        """The CurvePicture drawn last (None before the first)."""
        return self._drawn

    def export_widget(self, what: str):
        views = dict(self.output.export_views())
        views.setdefault("surface", views["curve"])  # its central picture
        return views[what]

    def export_figure(self, what: str):
        return None  # the curve and the loss are exported as their plots

    def mark_collapse(self, insights) -> None:
        """The line y = w·x + b the network equals, dashed on the curve; the merging
        layers bracketed in the diagram."""
        self.output.show_line.setChecked(True)
        self.network_view.set_merged_runs(
            merged_layer_runs(insights.collapse.runs, len(insights.layer_sizes)))

    def clear_collapse_marks(self) -> None:
        self.network_view.set_merged_runs(())

    # ------------------------------------------------------------------ teacher locks
    def lock_widgets(self, group: str) -> list:
        d = self.data_panel
        return {"data": [d], "features": [self.features_panel],
                "seed": [d.seed, d.regenerate]}.get(group, [])

    # ------------------------------------------------------------------ hovering
    def neuron_hovered(self, layer: int, index: int) -> None:
        """A neuron's part of the curve, when it has one."""
        last = len(self.w.lab.network.hidden) - 1
        self.output.curve_view.set_highlight(index if layer == last else None)
        if layer > last:
            self.w.status("The output: the network's curve, the sum of the last hidden "
                          "layer's contributions plus its bias.")
        else:
            self.w.status(f"Neuron {index + 1} of hidden layer {layer + 1}: " + (
                "its weighted contribution is drawn bold on the curve." if layer == last
                else "its picture is its own curve; the curve view shows the parts of "
                "the last hidden layer."))

    def neuron_unhovered(self) -> None:
        self.output.curve_view.set_highlight(None)

    # ------------------------------------------------------------------ your own curves
    @respects_lock("data", "Import CSV")
    def import_csv(self, path: str | None) -> bool:
        """Fit the points of a CSV file with columns x,y (None asks): a new function lab,
        or one clear message and nothing changed."""
        from actlab.gui.workspaces.functions.csv_import_action import import_function_csv

        w = self.w
        lab = w.lab_from_dialog(lambda: import_function_csv(
            w, w.lab, path, last_folder(w.settings)))
        if lab is None:
            return False
        w.apply_edit(lab, "data", "Import CSV")
        if w.lab.data != lab.data:  # refused
            return False
        w.status(f"{lab.description} Weights re-initialised; Ctrl+Z undoes the import.")
        return True

    @respects_lock("data", "Draw a curve")
    def draw_curve(self) -> bool:
        """Draw the curve to fit with the mouse."""
        from actlab.gui.workspaces.functions.draw_curve_dialog import drawn_function_data

        w = self.w
        lab = w.lab_from_dialog(lambda: drawn_function_data(w, w.lab))
        if lab is None:
            return False
        w.apply_edit(lab, "data", "Draw a curve")
        n = len(lab.data.points[0]) + len(lab.data.points[1])
        w.status(f"Drew a curve of {n} points: the network fits it now. Weights "
                 "re-initialised; Ctrl+Z brings the old data back.")
        return True
