"""Image labs in the main window (a mixin of MainWindow): the same window, trainer loop
and side panel, with the image lab's own columns swapped in.

The window keeps one stack per column: the point labs' data page, network diagram and
output panel at index 0, the image labs' :class:`ImageDataPanel`, :class:`ConvBuilderView`
and :class:`ImageOutputPanel` at index 1 (made the first time an image lab opens, so a
window that never shows one does not pay for them).  :meth:`set_lab_kind` flips all
three; everything else — Play, Step, Reset, the toolbar's training settings, saving, the
guide, the instruments — is shared and reads ``lab.kind`` where it must differ.

MainWindow supplies ``lab``, ``dataset``, ``trainer``, ``acts``, ``status``, ``output``,
``network_view``, ``apply_edit``, the three stacks and ``layout_``.
"""
from __future__ import annotations

from dataclasses import replace


from actlab.gui.activations.designed_activations import design_for_layer
from actlab.gui.style import scrolling

SVG_VIEWS = ("loss", "accuracy", "confusion", "scores")
EXPORT_TITLES = {"loss": "Loss plot", "accuracy": "Accuracy plot",
                 "confusion": "Confusion matrix", "gallery": "Test image gallery",
                 "scores": "Class scores", "filters": "Filters and feature maps"}
# the point-only actions: greyed out (with the reason in the status tip) in image labs
POINT_ONLY_ACTIONS = ("import_csv", "discretize", "show_test", "export_surface_png",
                      "export_surface_svg")


class ImageModeMixin:
    """Switching the window between point and image labs, and drawing image snapshots."""

    lab_kind = "points"       # what the columns show now
    image_widgets_made = False

    # ------------------------------------------------------------------ building
    def _make_image_widgets(self) -> None:
        """The image labs' three columns, made on first use."""
        if self.image_widgets_made:
            return
        from PySide6.QtCore import Qt

        from actlab.views.images.conv_builder import ConvBuilderView

        from actlab.gui.workspaces.images.data_panel import ImageDataPanel
        from actlab.gui.workspaces.images.output_panel import ImageOutputPanel

        self.image_data_panel = ImageDataPanel()
        self.image_data_panel.setObjectName("image_data_panel")
        self.data_stack.addWidget(scrolling(self.image_data_panel, "image_data_scroll",
                                             Qt.ScrollBarPolicy.ScrollBarAsNeeded))
        self.network_view_images = ConvBuilderView()
        self.network_view_images.setObjectName("conv_builder")
        self.network_stack.addWidget(self.network_view_images)
        self.image_output = ImageOutputPanel()
        self.image_output.setObjectName("image_output")
        # a short or narrow column scrolls rather than squeezing the plots below use
        self.output_stack.addWidget(scrolling(self.image_output, "image_output_scroll",
                                               Qt.ScrollBarPolicy.ScrollBarAlwaysOff))
        self.image_data_panel.labEdited.connect(self.apply_edit)
        self.image_data_panel.importRequested.connect(lambda: self.import_images_from(None))
        self.network_view_images.architectureChanged.connect(self._image_network_changed)
        self.network_view_images.refused.connect(self._image_edit_refused)
        self.network_view_images.designRequested.connect(
            lambda where, i, name: design_for_layer(self, where, i, name))
        self.image_output.probed.connect(self.probe_image)
        self.kind_pages["images"] = (self.data_stack.widget(self.data_stack.count() - 1),
                                     self.network_view_images,
                                     self.output_stack.widget(self.output_stack.count() - 1))
        self._make_export_menu()
        self.image_widgets_made = True
        from actlab.gui.window_layout import set_visual_tab_order
        set_visual_tab_order(self)  # the new columns read left to right too

    def _make_export_menu(self) -> None:
        """File ▸ Export ▸ Image lab views: each image view as PNG or SVG."""
        from actlab.gui.actions import add_export_menu

        # the gallery and the filters are painted pictures: PNG only
        self.image_export_menu = add_export_menu(
            self.menus.export, "Image lab &views", "menu_export_images",
            [(key, EXPORT_TITLES.get(key, key.capitalize()),
              ("png", "svg") if key in SVG_VIEWS else ("png",))
             for key in (*self.image_output.export_views(), "filters")], self.export)

    def export_widget(self, what: str):
        """The widget File ▸ Export draws for ``what`` ("figure", "surface", "loss" or,
        in an image lab, one of its views)."""
        if what == "figure":
            return self
        if self.lab_kind == "functions":
            return self.function_export_widget(what)
        if self.lab_kind == "images":
            views = dict(self.image_output.export_views(), filters=self.network_view_images)
            views.setdefault("surface", views.get("gallery"))  # its central picture
            return views[what]
        return {"surface": self.output.surface_view, "loss": self.output.loss_view}[what]

    # ------------------------------------------------------------------ switching
    def set_lab_kind(self, kind: str) -> None:
        """Show the columns of a point, function or image lab (no-op when shown)."""
        if kind == self.lab_kind and kind in self.kind_pages:
            return
        if kind == "images":
            self._make_image_widgets()
        elif kind == "functions":
            self._make_function_widgets()
        pages = self.kind_pages.get(kind) or self.kind_pages["points"]
        for stack, page in zip((self.data_stack, self.network_stack, self.output_stack),
                               pages):
            stack.setCurrentWidget(page)
        self.lab_kind = kind
        self.layout_.network_label.setText("Convolutions and head" if kind == "images"
                                           else "Hidden layers")
        for name in POINT_ONLY_ACTIONS:
            act = getattr(self.acts, name, None)
            if act is not None:  # a function lab imports its curve from CSV too
                act.setEnabled(kind == "points" or (kind == "functions"
                                                    and name == "import_csv"))
        self.acts.import_csv.setStatusTip(
            "Load the points of a curve from a CSV file with columns x, y."
            if kind == "functions" else
            "Load your own points from a CSV file with columns x1, x2, label.")
        for name in ("draw_image", "import_images"):
            act = getattr(self.acts, name, None)
            if act is not None:
                act.setEnabled(kind == "images")
        act = getattr(self.acts, "draw_curve", None)
        if act is not None:
            act.setEnabled(kind == "functions")
        if self.image_widgets_made:
            self.image_export_menu.setEnabled(kind == "images")
        if self.function_widgets_made:
            self.function_export_menu.setEnabled(kind == "functions")

    def image_output_pictures(self):
        """The ImagePictures drawn last (None before the first, or in a point lab)."""
        return self._drawn_images if self.lab_kind == "images" else None

    def active_output(self):
        """The output panel on screen: it takes warnings and the loss history."""
        if self.lab_kind == "functions":
            return self.function_output
        return self.image_output if self.lab_kind == "images" else self.output

    # ------------------------------------------------------------------ syncing
    def sync_image_panels(self) -> None:
        """Show ``self.lab`` (an image lab) in the image columns (emits nothing)."""
        self.image_data_panel.set_lab(self.lab, self.dataset)
        self.network_view_images.set_architecture(self.lab.network)
        self.controls.set_lab(self.lab)

    def _image_network_changed(self, spec) -> None:
        self.apply_edit(replace(self.lab, network=spec), "network")

    def _image_edit_refused(self, message: str) -> None:
        self.status(message)

    # ------------------------------------------------------------------ your own images
    def connect_image_actions(self) -> None:
        self.acts.import_images.triggered.connect(lambda: self.import_images_from(None))
        self.acts.draw_image.triggered.connect(self.draw_image)
        self.acts.draw_image.setEnabled(False)  # image labs only (see set_lab_kind)
        self.acts.draw_curve.triggered.connect(self.draw_curve)
        self.acts.draw_curve.setEnabled(False)  # function labs only

    def import_images_from(self, path: str | None) -> bool:
        """Train on the images of ``path`` (an .npz or a folder; None asks): a new image
        lab, or one clear message and nothing changed."""
        from actlab.gui.workspaces.images.import_action import import_images

        lab = self.lab_from_dialog(lambda: import_images(self, path, self.lab))
        if lab is None:
            return False
        self.apply_edit(lab, "data", "Import images")
        return self.lab.data == lab.data

    def draw_image(self) -> bool:
        """Draw pictures and add them to the training images (image labs)."""
        if self.lab_kind != "images":
            return False
        from actlab.gui.workspaces.images.draw_image_dialog import draw_and_add

        lab = self.lab_from_dialog(lambda: draw_and_add(self, self.lab,
                                                        self.dataset.class_names))
        if lab is None:
            return False
        n = len(lab.data.added) - len(getattr(self.lab.data, "added", ()))
        self.apply_edit(lab, "data", "Draw images")
        self.status(f"Added {n} drawn image{'s' if n != 1 else ''} to the training images. "
                    "Weights re-initialised; Ctrl+Z takes them out again.")
        return True

    # ------------------------------------------------------------------ probing
    def probe_image(self, split: str, index: int) -> None:
        """Show image ``index`` of ``split`` through the network (the gallery's click)."""
        self.trainer.worker.set_probe(split, index)
        if not self.wants_playing:
            self.trainer.request_snapshot()
        self.status(f"Probing {split} image {index + 1}: its feature maps and class "
                    "scores follow it.")

    # ------------------------------------------------------------------ drawing
    def draw_image_pictures(self, snap) -> None:
        """The image lab's pictures of a snapshot (gallery, scores, confusion, the
        builder's maps), when they are new (see LiveViewMixin._draw_tick)."""
        if snap.pictures is not None and snap.pictures is not self._drawn_images:
            self._drawn_images = snap.pictures
            self.image_output.show_pictures(snap.pictures)
            self.network_view_images.show_pictures(snap.pictures)
            self.surface_frames += 1

    _drawn_images = None
