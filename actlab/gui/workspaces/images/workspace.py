"""The image-lab workspace: the same window, trainer loop and side panel, with the image
lab's own columns: :class:`ImageDataPanel`, the convolution builder
(:class:`ConvBuilderView`, each convolution a column of its filters beside the probed
image's feature maps) and :class:`ImageOutputPanel` (curves, confusion, gallery, scores).
Made the first time an image lab opens, so a window that never shows one does not pay
for them.  Imported and drawn images start here too.
"""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from actlab.gui.actions import add_export_menu
from actlab.gui.activations.designed_activations import design_for_layer
from actlab.gui.guide.lock_checks import is_locked, refuse_if_locked, respects_lock
from actlab.gui.style import scrolling

SVG_VIEWS = ("loss", "accuracy", "confusion", "scores")
EXPORT_TITLES = {"loss": "Loss plot", "accuracy": "Accuracy plot",
                 "confusion": "Confusion matrix", "gallery": "Test image gallery",
                 "scores": "Class scores", "filters": "Filters and feature maps"}


class ImageWorkspace:
    """Image labs in the window (see :class:`~actlab.gui.workspaces.base.Workspace`)."""

    kind = "images"
    network_title = "Convolutions and head"
    actions = frozenset({"draw_image", "import_images"})
    instruments = "conv"  # the instruments' convolutional views
    # the instruments an image lab has no use for, and why (their disabled menu entry says it)
    instruments_off = {
        "hidden": "Hidden space is about 2-D points: it maps the input plane into two hidden "
                  "neurons, and an image lab has no input plane. Open a point lab to use it.",
        "regions": "Linear regions are pieces of the 2-D input plane: an image lab has no "
                   "input plane to cut. Open a point lab to use it.",
    }
    import_csv_tip = "Load your own points from a CSV file with columns x1, x2, label."

    def __init__(self, window):
        # made when the first image lab opens: a window that never shows one does not
        # import (or pay for) its widgets
        from actlab.gui.workspaces.images.data_panel import ImageDataPanel
        from actlab.gui.workspaces.images.output_panel import ImageOutputPanel
        from actlab.views.images.conv_builder import ConvBuilderView

        self.w = window
        self.data_panel = ImageDataPanel()
        self.data_panel.setObjectName("image_data_panel")
        self.network_view = ConvBuilderView()
        self.network_view.setObjectName("conv_builder")
        self.output = ImageOutputPanel()
        self.output.setObjectName("image_output")
        # a short or narrow column scrolls rather than squeezing the plots below use
        self.pages = (scrolling(self.data_panel, "image_data_scroll",
                                Qt.ScrollBarPolicy.ScrollBarAsNeeded),
                      self.network_view,
                      scrolling(self.output, "image_output_scroll",
                                Qt.ScrollBarPolicy.ScrollBarAlwaysOff))
        self._drawn = None  # the ImagePictures drawn last
        self.data_panel.labEdited.connect(window.apply_edit)
        self.data_panel.importRequested.connect(lambda: self.import_images(None))
        self.network_view.architectureChanged.connect(
            lambda spec: window.apply_edit(replace(window.lab, network=spec), "network"))
        self.network_view.refused.connect(window.status)
        self.network_view.designRequested.connect(
            lambda where, i, name: design_for_layer(window, where, i, name))
        self.output.probed.connect(self.probe)
        self.filter_detail = None  # "Inside a filter", made on the first click of a tile
        self.network_view.detailRequested.connect(self.open_filter_detail)
        # File ▸ Export ▸ Image lab views; the gallery and the filters are painted
        # pictures: PNG only
        self.export_menu = add_export_menu(
            window.menus.export, "Image lab &views", "menu_export_images",
            [(key, EXPORT_TITLES.get(key, key.capitalize()),
              ("png", "svg") if key in SVG_VIEWS else ("png",))
             for key in (*self.output.export_views(), "filters")], window.export)

    # ------------------------------------------------------------------ showing a lab
    def show_lab(self, lab, dataset) -> None:
        self.data_panel.set_lab(lab, dataset)
        self.network_view.set_architecture(lab.network)

    def clear(self, dataset) -> None:
        self._drawn = None
        self.output.clear()
        self.network_view.show_pictures(None)
        self._follow_detail()

    def clear_history(self) -> None:
        self.output.show_history(None)

    def opened(self) -> None:
        """Another lab: "Inside a filter" follows it, or closes when it is no image lab."""
        if self.filter_detail is not None and self.w.lab.kind != self.kind:
            self.filter_detail.close()
        self._follow_detail()

    # ------------------------------------------------------------------ drawing
    def draw(self, pub, snap, network_due: bool) -> bool:
        """Gallery, scores, confusion and the builder's maps, when they are new; the
        epoch counter with the progress of the epoch under way."""
        self.output.show_progress(snap)
        fresh = snap.pictures is not None and snap.pictures is not self._drawn
        if fresh:
            self._drawn = snap.pictures
            self.output.show_pictures(snap.pictures)
            self.network_view.show_pictures(snap.pictures)
            self._follow_detail()
        return fresh

    # ------------------------------------------------------------------ inside a filter
    def open_filter_detail(self, layer: int, filt: int):
        """Open (or bring forward) "Inside a filter" on filter ``filt`` of conv layer
        ``layer`` (0-based); returns the dialog."""
        from actlab.gui.workspaces.images.filter_detail_dialog import FilterDetailDialog

        if self.filter_detail is None:
            self.filter_detail = FilterDetailDialog(self.w)
        d = self.filter_detail
        d.show_filter(self._drawn, self.w.lab.network, layer, filt)
        d.show()
        d.raise_()
        d.activateWindow()
        return d

    def _follow_detail(self) -> None:
        d = self.filter_detail
        if d is not None and d.isVisible() and self.w.lab.kind == self.kind:
            d.set_pictures(self._drawn, self.w.lab.network)

    def show_history(self, snap) -> None:
        self.output.show_history(snap.history, snap.train_loss)

    def show_numbers(self, snap) -> None:
        self.output.show_numbers(snap)

    def pictures(self):
        """The ImagePictures drawn last (None before the first)."""
        return self._drawn

    def export_widget(self, what: str):
        views = dict(self.output.export_views(), filters=self.network_view)
        views.setdefault("surface", views.get("gallery"))  # its central picture
        return views[what]

    def export_figure(self, what: str):
        """The figure a PNG of ``what`` is (:mod:`actlab.figures.image_views`): the
        gallery (also the window's central picture, "surface"), the confusion matrix, the
        class scores and the filters with their feature maps are drawn from the pictures
        on screen by the functions the CLI draws with; the loss and accuracy stay plots."""
        from actlab.figures import image_views as iv

        draw = {"gallery": iv.gallery_png, "surface": iv.gallery_png,
                "confusion": iv.confusion_figure_png, "scores": iv.scores_png,
                "filters": iv.filters_maps_png}.get(what)
        if draw is None:
            return None
        pics, label = self._drawn, self.w.lab.name
        return lambda path: draw(path, pics, label)

    def mark_collapse(self, insights) -> None:
        """The convolutions that merge into one, bracketed in the builder."""
        runs = tuple(tuple(int(v) for v in r) for r in insights.runs)
        self.network_view.set_merged_runs(runs, insights.merged_text)

    def clear_collapse_marks(self) -> None:
        self.network_view.set_merged_runs((), "")

    # ------------------------------------------------------------------ teacher locks
    def lock_widgets(self, group: str) -> list:
        d = self.data_panel
        return {"data": [d], "seed": [d.seed, d.regenerate]}.get(group, [])

    # ------------------------------------------------------------------ hovering
    def neuron_hovered(self, layer: int, index: int) -> None:
        pass  # the builder shows its maps itself

    def neuron_unhovered(self) -> None:
        pass

    # ------------------------------------------------------------------ your own images
    @respects_lock("data", "Import images")  # locating a lab's missing images too
    def import_images(self, path: str | None) -> bool:
        """Train on the images of ``path`` (an .npz or a folder; None asks): a new image
        lab, or one clear message and nothing changed."""
        from actlab.gui.workspaces.images.import_action import ask_image_source, import_images

        w = self.w
        if w.image_sources.images_missing():  # the lab's own images: keep all else of it
            path = path or w.lab_from_dialog(lambda: ask_image_source(w) or None)
            return bool(path) and w.image_sources.locate(path)
        lab = w.lab_from_dialog(lambda: import_images(w, path, w.lab))
        if lab is None:
            return False
        w.image_sources.allow(lab.data.source[1])  # the student chose it: no question
        w.apply_edit(lab, "data", "Import images")
        return w.lab.data == lab.data

    def draw_image(self) -> bool:
        """Draw pictures, see what the trained network makes of them, and add them to the
        training images with the trained weights kept (Undo keeps them too).  Asking
        changes nothing, so it stays open when the teacher locked the data: the dialog
        then only asks (its "Add to class" is off and says why)."""
        from actlab.gui.workspaces.images.draw_image_dialog import draw_and_add

        w = self.w
        trained = {"epoch": 0}
        locked = ("This lab's data is locked by the teacher: drawings cannot be added to "
                  "it." if is_locked(w, "data") else None)

        def ask():  # training is held first, so the dialog asks the weights it keeps
            classify = self.drawing_classifier()
            trained["epoch"] = classify.trainer.epoch if classify is not None else 0
            return draw_and_add(w, w.lab, w.dataset.class_names, classify, locked)

        lab = w.lab_from_dialog(ask)
        if lab is None or refuse_if_locked(w, "data", "Draw an image"):
            return False
        n = len(lab.data.added) - len(getattr(w.lab.data, "added", ()))
        if not w.edits.edit_data(lab.data, "Draw images", keep_weights=True,
                                 title="Cannot add the drawings"):
            return False
        stop = w.lab.training.stop_after
        then = (f"training stopped at its “Stop after” limit ({stop:,} epochs): raise it "
                "to train on with the drawings" if stop is not None
                and trained["epoch"] >= stop else "Play trains on from here")
        w.status(f"Added {n} drawn image{'s' if n != 1 else ''} to the training images; "
                 f"the weights are kept, and {then}. Ctrl+Z takes them out again.")
        return True

    def drawing_classifier(self):
        """The network as trained now, asked about one drawing: ``pixels →``
        :class:`~actlab.engine.analysis.drawing_answer.DrawingAnswer` (class
        probabilities, feature maps, its own template), on a copy (the worker trains
        on); None before any training."""
        from actlab.engine.analysis.drawing_answer import DrawingClassifier
        from actlab.engine.trainer import Trainer

        w = self.w
        lab = w.files.results_lab()  # waits at most one training chunk
        if lab.params is None or w.dataset is None:
            return None
        try:
            trainer = Trainer(lab, dataset=w.dataset)
        except ValueError:
            return None
        return DrawingClassifier(trainer)

    def import_csv(self, path: str | None) -> bool:
        """A CSV of points makes a point lab: the point workspace reads it."""
        return self.w.workspace_for("points").import_csv(path)

    def probe(self, split: str, index: int) -> None:
        """Show image ``index`` of ``split`` through the network (the gallery's click)."""
        w = self.w
        w.training_thread.worker.set_probe(split, index)
        if not w.wants_playing:
            w.training_thread.request_snapshot()
        w.status(f"Probing {split} image {index + 1}: its feature maps and class scores "
                 "follow it.")
