"""The DATA column of an image lab: which images to learn from.

Like :class:`actlab.gui.workspaces.points.data_panel.DataPanel` it never changes the window's Lab: every edit
emits ``labEdited(new_lab, "data")`` with a new Lab (``dataclasses.replace(lab, data=...)``,
the network's ``input_size``/``n_classes`` kept matching the images), and :meth:`set_lab`
shows a Lab without emitting anything.  "Point data sets…" emits the default point lab
(:func:`actlab.kinds.images.point_lab_for`); "Import images…" asks the window to import
(``importRequested``), which :func:`actlab.gui.workspaces.images.import_action.import_images` does.
"""
from __future__ import annotations

import html
import os
import random
from dataclasses import replace

from PySide6 import QtWidgets
from PySide6.QtCore import Qt, Signal

from actlab.engine.data.images import (
    IMAGE_GENERATORS, MAX_IMAGES, MAX_PER_CLASS, MAX_SIZE, MIN_PER_CLASS, MIN_SIZE, ImageData,
    per_class_limit)
from actlab.kinds.images import (
    fitted_network, image_lab_for, n_classes_of, short_title, smallest_fitting_size)
from actlab.kinds.points import point_lab_for
from actlab.lab import ImageDataSpec, Lab
from actlab.safe_text import printable

from actlab.gui.panels import thumbnails
from actlab.gui.workspaces.points.data_panel import (
    dataset_button, dataset_grid, panel_button, place_settings, setting_slider, setting_spin,
    settings_grid)
from actlab.gui.style import caption, silently

__all__ = ["ImageDataPanel", "image_lab_for", "point_lab_for", "split_counts"]

ICON_SIZE = 40


def split_counts(per_class: int, n_classes: int, train_fraction: float) -> tuple[int, int]:
    """(training, test) image counts of a generated data set, as
    :func:`actlab.engine.data.images.split_stratified` splits each class."""
    n_train = int(round(per_class * train_fraction))
    if train_fraction < 1.0 and per_class >= 2:
        n_train = min(max(n_train, 1), per_class - 1)
    else:
        n_train = max(n_train, 1)
    return n_train * n_classes, (per_class - n_train) * n_classes


class ImageDataPanel(QtWidgets.QWidget):
    """Image data set thumbnails, size, noise, images per class, split, seed and import."""

    labEdited = Signal(object, str)  # the new Lab, "data"
    importRequested = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._lab = image_lab_for("bars", Lab())
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(5)
        layout.addWidget(caption("Which images do you want to use?"))
        layout.addLayout(self._build_picker())
        self.title = QtWidgets.QLabel()
        self.title.setObjectName("image_title")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self._build_source_note())
        layout.addLayout(self._build_settings())
        self.summary = QtWidgets.QLabel()
        self.summary.setObjectName("image_summary")
        self.summary.setWordWrap(True)
        self.summary.setProperty("role", "caption")
        layout.addWidget(self.summary)
        layout.addLayout(self._build_buttons())
        layout.addStretch(1)  # the column may be taller than the controls: keep them together
        self.set_lab(self._lab)

    # ------------------------------------------------------------------ building
    def _build_picker(self) -> QtWidgets.QGridLayout:
        self.group = QtWidgets.QButtonGroup(self)
        self.dataset_buttons: dict[str, QtWidgets.QToolButton] = {
            name: dataset_button(
                f"image_dataset_{name}", thumbnails.image_dataset_icon(name), ICON_SIZE,
                f"<b>{info.title}</b> ({len(info.class_names)} classes: "
                f"{', '.join(info.class_names)}): {info.description}",
                f"Use the {info.title} images.",
                lambda _=False, n=name: self._pick_generator(n))
            for name, info in IMAGE_GENERATORS.items()}
        # two rows of four: eight data sets in one row made the panel 355 px wide, wider
        # than the side column (it scrolled sideways at 1366x768)
        return dataset_grid(self.group, self.dataset_buttons, 4)

    def _build_source_note(self) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        row = QtWidgets.QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.source_label = QtWidgets.QLabel()
        self.source_label.setObjectName("image_source")
        self.source_label.setWordWrap(True)
        self.source_label.setTextFormat(Qt.TextFormat.PlainText)  # a file name is not HTML
        self.use_generated = panel_button("Use drawn images", "use_generated",
                                          "Leave your file and go back to the images ActLab "
                                          "draws (the data set chosen above).",
                                          self._leave_source)
        row.addWidget(self.source_label, 1)
        row.addWidget(self.use_generated)
        self.source_box = box
        return box

    def _build_settings(self) -> QtWidgets.QGridLayout:
        g = settings_grid()
        self.ratio_label = caption("")
        self.ratio = setting_slider("image_ratio", 10, 100, 5,
                                    "How many of the images the network learns from; the "
                                    "rest are kept aside to test it.",
                                    self._sync_labels, self._edited)
        self.noise_label = caption("")
        self.noise = setting_slider("image_noise", 0, 100, 5,
                                    "Random grey speckle added to every pixel (its standard "
                                    "deviation, ink being 1): more noise makes the images "
                                    "harder to tell apart.", self._sync_labels, self._edited)
        self.size = setting_spin("image_size", MIN_SIZE, MAX_SIZE, 1,
                                 "How many pixels a side each image has; larger images "
                                 "show more detail and train more slowly.", self._edited)
        self.size.setSuffix(" px")
        self.per_class = setting_spin("image_per_class", MIN_PER_CLASS, MAX_PER_CLASS, 10,
                                      "How many images of each class are drawn; more "
                                      "images train more slowly.", self._edited)
        self.seed = setting_spin("image_seed", 0, 2**31 - 1, 1,
                                 "The number that decides which random images are drawn "
                                 "and how they are split; the same seed gives the same "
                                 "images.", self._edited)
        return place_settings(g, [self.ratio_label, self.ratio, self.noise_label, self.noise],
                              [("Image size", self.size), ("Images per class", self.per_class),
                               ("Data seed", self.seed)])

    def _build_buttons(self) -> QtWidgets.QGridLayout:
        g = QtWidgets.QGridLayout()
        g.setSpacing(4)
        self.regenerate = panel_button("Regenerate", "image_regenerate",
                                       "Draw a fresh set of random images of the same kind "
                                       "(a new data seed).", self._regenerate)
        self.import_button = panel_button("Import images…", "import_images",
                                          "Use your own images: an .npz file (arrays "
                                          "'images' and 'labels') or a folder with one "
                                          "sub-folder of pictures per class.",
                                          self.importRequested)
        self.points_button = panel_button("Point data sets…", "point_data_sets",
                                          "Go back to the 2-D point data sets (circle, XOR, "
                                          "spiral, …) and a network of dense layers.",
                                          lambda: self.labEdited.emit(
                                              point_lab_for(self._lab), "data"))
        g.addWidget(self.regenerate, 0, 0)
        g.addWidget(self.import_button, 0, 1)
        g.addWidget(self.points_button, 1, 0, 1, 2)
        return g

    # ------------------------------------------------------------------ showing a Lab
    def set_lab(self, lab: Lab, data: ImageData | None = None) -> None:
        """Show image lab ``lab``'s data settings (emits nothing).  ``data``, the images
        the window trains on, gives the summary its exact counts (needed for images from
        a file, whose counts are not in the lab)."""
        self._lab = lab
        d = lab.data
        from_file = d.source is not None
        self.group.setExclusive(False)
        for name, b in self.dataset_buttons.items():
            b.setChecked(not from_file and name == d.generator)
            b.setEnabled(not from_file)
        self.group.setExclusive(True)
        k = n_classes_of(d) or len(IMAGE_GENERATORS[d.generator].class_names)
        with silently(self.per_class):
            self.per_class.setMaximum(min(MAX_PER_CLASS, MAX_IMAGES // k) if from_file
                                      else per_class_limit(d.generator))
        with silently(self.size):  # a size the network's layers cannot slide over is refused
            self.size.setMinimum(smallest_fitting_size(lab.network))
        for w, v in ((self.ratio, round(d.train_fraction * 100)), (self.noise, round(d.noise * 100)),
                     (self.size, d.size), (self.per_class, d.per_class), (self.seed, d.seed)):
            with silently(w):
                w.setValue(int(v))
        for w in (self.noise, self.noise_label, self.per_class):
            w.setEnabled(not from_file)
        self.source_box.setVisible(from_file)
        self.regenerate.setToolTip(
            "Split your images into training and test afresh (a new data seed)." if from_file
            else "Draw a fresh set of random images of the same kind (a new data seed).")
        if from_file:
            source_type, path = d.source
            what = "folder" if source_type == "folder" else "file"
            classes = f", {d.classes} classes" if d.classes else ""
            name = printable(os.path.basename(os.path.normpath(path)), 60)
            self.source_label.setText(f"Images from the {what} {name}{classes}")
            self.source_label.setToolTip(html.escape(printable(path, 300)))  # tips are HTML
            self.title.setText("<b>Your own images</b>")
        else:
            self.title.setText(f"<b>{short_title(d.generator)}</b>: "
                               f"{', '.join(IMAGE_GENERATORS[d.generator].class_names)}")
        self._sync_labels()
        self._sync_summary(d, data)

    def _sync_summary(self, d: ImageDataSpec, data: ImageData | None) -> None:
        if data is not None:
            k, n_tr, n_te = data.n_classes, data.n_train, data.n_test
        elif d.source is None:
            k = len(IMAGE_GENERATORS[d.generator].class_names)
            n_tr, n_te = split_counts(d.per_class, k, d.train_fraction)
        else:
            self.summary.setText(f"{d.classes or '?'} classes, {d.size}×{d.size} px; the "
                                 f"counts show once the images are read.")
            return
        self.summary.setText(f"{k} classes, {d.size}×{d.size} px: {n_tr} training / "
                             f"{n_te} test images")

    def _sync_labels(self, *_args) -> None:
        self.ratio_label.setText(f"Ratio of training to test data: {self.ratio.value()} %")
        self.noise_label.setText(f"Noise: {self.noise.value() / 100:.2f}")

    # ------------------------------------------------------------------ edits
    def _emit(self, data: ImageDataSpec) -> None:
        if data == self._lab.data:
            return
        try:
            network = fitted_network(self._lab.network, data)
        except ValueError:  # set_lab's size floor prevents this; never emit a broken Lab
            self.set_lab(self._lab)
            return
        lab = replace(self._lab, data=data, network=network)
        if network != self._lab.network:  # weights sized for the old images no longer fit
            lab = lab.without_results()
        self.labEdited.emit(lab, "data")

    def _pick_generator(self, name: str) -> None:
        if name == self._lab.data.generator and self._lab.data.source is None:
            return
        self.labEdited.emit(image_lab_for(name, self._lab), "data")

    def _edited(self, *_args) -> None:
        d = self._lab.data
        self._emit(replace(d, train_fraction=self.ratio.value() / 100.0,
                           noise=d.noise if d.source else self.noise.value() / 100.0,
                           size=self.size.value(), per_class=self.per_class.value(),
                           seed=self.seed.value()))

    def _regenerate(self) -> None:
        d = self._lab.data
        seed = d.seed
        while seed == d.seed:  # "Regenerate" must always give other images
            seed = random.SystemRandom().randrange(2**31 - 1)
        self._emit(replace(d, seed=seed))

    def _leave_source(self) -> None:
        d = self._lab.data
        self._emit(replace(d, source=None, classes=None))
