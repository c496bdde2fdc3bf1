"""Function labs (y = f(x)) in the main window (a mixin of MainWindow): the same frame,
trainer loop, toolbar and network diagram as a point lab, with the function lab's data
column (:class:`FunctionDataPanel` and the features of x) and its output column
(:class:`FunctionOutputPanel`: the curve, its units, kinks and pieces) swapped in.

The pages are made the first time a function lab opens; :meth:`ImageModeMixin.set_lab_kind`
shows them (see ``kind_pages``).  The network column is the point labs' diagram: a
function lab's network is the same multilayer perceptron, fed the features of x, and
its node pictures are each unit's curve (engine/curve_grid.py).
"""
from __future__ import annotations

from actlab.gui.playback import NETWORK_EVERY

EXPORT_TITLES = {"curve": "Curve plot", "loss": "Loss plot"}


class FunctionModeMixin:
    """Building, syncing and drawing the function lab's columns; drawn and imported
    curves."""

    function_widgets_made = False
    _drawn_curve = None  # the CurvePicture drawn last

    # ------------------------------------------------------------------ building
    def _make_function_widgets(self) -> None:
        if self.function_widgets_made:
            return
        from PySide6.QtCore import Qt

        from actlab.gui.panels.features_panel import FeaturesPanel
        from actlab.gui.workspaces.functions.data_panel import FunctionDataPanel
        from actlab.gui.workspaces.functions.output_panel import FunctionOutputPanel
        from actlab.gui.style import data_column, scrolling

        self.function_data_panel = FunctionDataPanel()
        self.function_data_panel.setObjectName("function_data_panel")
        self.function_features_panel = FeaturesPanel("functions")
        self.function_features_panel.setObjectName("function_features_panel")
        scroll = data_column("function_data", self.function_data_panel,
                             self.function_features_panel)
        self.data_stack.addWidget(scroll)
        self.function_output = FunctionOutputPanel()
        self.function_output.setObjectName("function_output")
        # a short column (a laptop at 2x) scrolls rather than squeezing the curve
        out = scrolling(self.function_output, "function_output_scroll",
                         Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.output_stack.addWidget(out)
        self.kind_pages["functions"] = (scroll, self.network_view, out)

        self.function_data_panel.labEdited.connect(self.apply_edit)
        self.function_data_panel.importRequested.connect(
            lambda: self.import_function_csv_from(None))
        self.function_data_panel.drawRequested.connect(self.draw_curve)
        self.function_features_panel.labEdited.connect(self.apply_edit)
        self.function_features_panel.refused.connect(self.status)
        self._make_function_export_menu()
        self.function_widgets_made = True
        from actlab.gui.window_layout import set_visual_tab_order
        set_visual_tab_order(self)

    def _make_function_export_menu(self) -> None:
        """File ▸ Export ▸ Function lab views: the curve and the loss as PNG or SVG."""
        from actlab.gui.actions import add_export_menu

        self.function_export_menu = add_export_menu(
            self.menus.export, "&Function lab views", "menu_export_functions",
            [(key, title, ("png", "svg")) for key, title in EXPORT_TITLES.items()],
            self.export)

    def function_export_widget(self, what: str):
        """The function lab's view File ▸ Export draws for ``what``."""
        views = dict(self.function_output.export_views())
        views.setdefault("surface", views["curve"])  # its central picture
        return views[what]

    # ------------------------------------------------------------------ syncing
    def sync_function_panels(self) -> None:
        """Show ``self.lab`` (a function lab) in its columns (emits nothing)."""
        lab = self.lab
        self.function_data_panel.set_lab(lab, self.dataset)
        self.function_features_panel.set_lab(lab)
        self.controls.set_lab(lab)
        net = lab.network
        self.network_view.set_architecture(lab.features, net.hidden, net.activations, 1,
                                           net.custom)

    def clear_function_output(self) -> None:
        self._drawn_curve = None
        self.function_output.clear()

    # ------------------------------------------------------------------ your own curves
    def import_function_csv_from(self, path: str | None) -> bool:
        """Fit the points of a CSV file with columns x,y (None asks): a new function lab,
        or one clear message and nothing changed."""
        from actlab.gui.settings import last_folder
        from actlab.gui.workspaces.functions.csv_import_action import import_function_csv

        lab = self.lab_from_dialog(lambda: import_function_csv(
            self, self.lab, path, last_folder(self.settings)))
        if lab is None:
            return False
        self.apply_edit(lab, "data", "Import CSV")
        if self.lab.data != lab.data:  # refused
            return False
        self.status(f"{lab.description} Weights re-initialised; Ctrl+Z undoes the import.")
        return True

    def draw_curve(self) -> bool:
        """Draw the curve to fit with the mouse (function labs)."""
        if self.lab_kind != "functions":
            return False
        from actlab.gui.workspaces.functions.draw_curve_dialog import drawn_function_data

        lab = self.lab_from_dialog(lambda: drawn_function_data(self, self.lab))
        if lab is None:
            return False
        self.apply_edit(lab, "data", "Draw a curve")
        n = len(lab.data.points[0]) + len(lab.data.points[1])
        self.status(f"Drew a curve of {n} points: the network fits it now. Weights "
                    "re-initialised; Ctrl+Z brings the old data back.")
        return True

    # ------------------------------------------------------------------ drawing
    def draw_function_pictures(self, pub, snap) -> None:
        """The curve view and the network diagram of a function lab's snapshot."""
        if snap.pictures is not None and snap.pictures is not self._drawn_curve:
            self._drawn_curve = snap.pictures
            self.function_output.show_picture(snap.pictures)
            self.surface_frames += 1
        if not pub.playing or self.redraws % NETWORK_EVERY == 0:
            self.network_view.show_snapshot(snap)

    def function_curve_picture(self):
        """The CurvePicture drawn last (None before the first, or in another kind)."""
        return self._drawn_curve if self.lab_kind == "functions" else None
