"""The OUTPUT column of an image lab: the loss and accuracy numbers and curves, the test
gallery (click an image to probe it), the probed image's class scores and the confusion
matrix.

Every view is created once; a frame only hands new arrays to them (``setData``,
``setImage``, ``setText``, one QImage for the gallery), so the window can redraw it
several times a second while training.
"""
from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt, Signal

from actlab.views.images.accuracy_view import AccuracyView, epoch_span, nice_top
from actlab.views.images.confusion_view import ConfusionView
from actlab.views.images.image_gallery import ImageGallery
from actlab.views.images.scores_view import ScoresView
from actlab.views.loss_view import LossView, format_loss

from actlab.gui.workspaces.points.output_panel import (
    LOSS_NOTE, _percent, cache_axes, numbers_table, show_memorising, warning_label)
from actlab.gui.style import caption



class ElidedCaption(QtWidgets.QLabel):
    """A caption that never shows cut letters: in a column too narrow for a line, the
    line ends in "…" (right-aligned, as beside the numbers); its tooltip says it all."""

    def __init__(self, tip: str):
        super().__init__("")
        self.setProperty("role", "caption")
        self._tip = tip
        self.setToolTip(tip)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt name
        super().setText(text)
        self.setToolTip(f"{text}\n\n{self._tip}".strip() if text else self._tip)

    def shown_lines(self) -> list[str]:
        """The lines as drawn at the label's width (ending in "…" where cut)."""
        fm = QtGui.QFontMetrics(self.font())
        return [fm.elidedText(line, Qt.TextElideMode.ElideRight, self.width())
                for line in self.text().split("\n")]

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QtGui.QPainter(self)
        p.setFont(self.font())
        p.setPen(self.palette().color(QtGui.QPalette.ColorRole.WindowText))
        fm = QtGui.QFontMetrics(self.font())
        lines = self.shown_lines()
        top = (self.height() - fm.height() * len(lines)) // 2
        for i, shown in enumerate(lines):
            rect = QtCore.QRect(0, top + i * fm.height(), self.width(), fm.height())
            p.drawText(rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                       shown)
        p.end()


def progress_text(epoch: int, progress: float) -> str:
    """"epoch 3 · 40 %" for 40 % of epoch 3 done (2 whole epochs before it), "epoch 2 ·
    100 %" when epoch 2 has just ended, "epoch 1 · 0 %" before any training."""
    if progress > 0:
        return f"epoch {epoch + 1:,} · {int(100 * progress)} %"
    return f"epoch {epoch:,} · 100 %" if epoch else "epoch 1 · 0 %"


def measured_text(sample) -> str:
    """What the numbers count: every image, or (train, test) of a fixed subsample (two
    lines, beside the numbers)."""
    if not sample:
        return "on all images"
    n_train, n_test = sample
    if not n_test:
        return f"on {n_train:,}\ntraining images"
    return f"on {n_test:,} test,\n{n_train:,} training images"


class SteppedLossView(LossView):
    """The loss plot with axes that move in steps: epochs to 10, 20, 50, … like the
    accuracy plot beside it, the loss from 0 to a round number above the highest loss
    (on a linear axis).  An autorange that follows the curves drew both axes again on
    every frame while training (~3 ms of a frame); these change a few times a run."""

    _span = _top = None
    follow_curves = False  # the ranges below, not LossView's autorange

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "train"/"test" as in the accuracy plot below it: the axis says "loss", and at
        # 2x the longer "train loss  test loss" row made the plot wider than its column
        for (_sample, label), text in zip(self.legend.items, ("train", "test")):
            label.setText(text)

    def show_history(self, history: dict | None, current_loss: float | None = None) -> None:
        super().show_history(history, current_loss)
        h = history or {}
        epochs, n = h.get("epoch"), len(h.get("train_loss", ()))
        if not n or epochs is None or len(epochs) < n:
            self._span = self._top = None  # empty: LossView's own range for it
            return
        vb = self.view_box
        span = epoch_span(float(epochs[n - 1]))
        if span != self._span or vb.autoRangeEnabled()[0]:
            self._span = span
            vb.enableAutoRange(x=False)
            vb.setXRange(0, span, padding=0.02)
        if self.log_scale:
            self._top = None
            vb.enableAutoRange(y=True)  # decades: the autorange
            return
        finite = [y[np.isfinite(y)] for y in (self._train, self._test) if len(y)]
        finite = [y for y in finite if len(y)]
        top = nice_top(max(float(y.max()) for y in finite)) if finite else 1.0
        if top != self._top or vb.autoRangeEnabled()[1]:
            self._top = top
            vb.enableAutoRange(y=False)
            vb.setYRange(0, top, padding=0.02)


MIN_PLOT_WIDTH = 140  # px: the axes and a data area of 60 px
SHOW = 60  # px of the lowest plot a short column must show, or it becomes two tabs
BOTTOM_ROW_WIDTH = 320  # px: the class scores and the confusion matrix side by side (at
# 330 px both fit; beside an open instrument the column is ~290 px and cut the matrix off)


class ImageOutputPanel(QtWidgets.QWidget):
    """Numbers, loss and accuracy curves, the gallery, the class scores and the confusion
    matrix.  ``probed(split, index)`` when the student picks an image in the gallery."""

    probed = Signal(str, int)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._split = "test"
        layout = QtWidgets.QVBoxLayout(self)
        layout.setSizeConstraint(QtWidgets.QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self._numbers_table())

        self.loss_view = SteppedLossView()
        self.loss_view.setObjectName("loss_view")
        self.loss_view.setToolTip("Training loss (solid) and test loss (dashed) after "
                                  "every epoch: both should go down. " + LOSS_NOTE)
        self.accuracy_view = AccuracyView()
        self.accuracy_view.setObjectName("accuracy_view")
        for view in (self.loss_view, self.accuracy_view):
            # room for the legend row, the epoch axis and a data area of at least 60 px
            # (at 120 px the accuracy plot of a 1366x768 window kept a 40 px strip; the
            # column scrolls down instead)
            view.setMinimumSize(MIN_PLOT_WIDTH, 150)
            cache_axes(view.plot_item)
        # two groups: the curves, and the probe (gallery, scores, confusion matrix); on
        # a short column (a projector at 200 %: ~400 px) they become two tabs, each
        # whole in sight — stacked, the scores and the matrix fell below the fold
        self._layout = layout
        self.curves_box = QtWidgets.QWidget()
        self.curves_box.setObjectName("image_curves")
        self._curves = QtWidgets.QGridLayout(self.curves_box)
        self._curves.setContentsMargins(0, 0, 0, 0)
        self._curves.setSpacing(4)
        self._side_by_side: bool | None = None
        self._place_curves(False)
        layout.addWidget(self.curves_box, 5)

        self.warning = warning_label()
        layout.addWidget(self.warning)

        self.probe_box = QtWidgets.QWidget()
        self.probe_box.setObjectName("image_probe")
        probe = QtWidgets.QVBoxLayout(self.probe_box)
        probe.setContentsMargins(0, 0, 0, 0)
        probe.setSpacing(4)
        # two set lines, not a word-wrapped label: one narrow enough for any column, and
        # no height-for-width (which made the scrolling column as tall as its wish)
        self.gallery_caption = caption("Test images · true → answer\nclick one to probe it",
                                       "Under each image its true class, then → the "
                                       "network's answer; a red outline is a mistake. "
                                       "Long names are shortened (hover an image for them "
                                       "whole). Arrow keys move the probe.")
        self.gallery_caption.setTextFormat(Qt.TextFormat.PlainText)
        probe.addWidget(self.gallery_caption)
        self.gallery = ImageGallery()
        self.gallery.setObjectName("gallery")
        self.gallery.clicked.connect(lambda i: self.probed.emit(self._split, int(i)))
        self.gallery_area = QtWidgets.QScrollArea()
        self.gallery_area.setObjectName("gallery_area")
        self.gallery_area.setWidgetResizable(True)
        self.gallery_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.gallery_area.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.gallery_area.setWidget(self.gallery)
        self.gallery_area.setMinimumHeight(self.gallery.minimumSizeHint().height())
        probe.addWidget(self.gallery_area, 4)

        self.scores_view = ScoresView()
        self.scores_view.setObjectName("scores_view")
        self.confusion_view = ConfusionView()
        self.confusion_view.setObjectName("confusion_view")
        # side by side on a wide column, one above the other on a narrow one (the output
        # column beside an open instrument cut the confusion matrix off; the window puts
        # this panel in a scroll area, so a taller panel scrolls)
        bottom = self._bottom = QtWidgets.QBoxLayout(QtWidgets.QBoxLayout.Direction.LeftToRight)
        bottom.setSpacing(4)
        for view in (self.scores_view, self.confusion_view):
            view.setMinimumSize(MIN_PLOT_WIDTH, 140)
            bottom.addWidget(view, 1)
        probe.addLayout(bottom, 4)
        layout.addWidget(self.probe_box, 8)

        self.tabs = QtWidgets.QTabWidget()
        self.tabs.setObjectName("image_output_tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.hide()
        layout.addWidget(self.tabs, 1)

    def _numbers_table(self) -> QtWidgets.QGridLayout:
        """Test and training side by side, as the point labs' OutputPanel shows them,
        and under them the epoch under way and what the numbers are measured on."""
        numbers = self._numbers = numbers_table("images")
        self.values: dict[str, QtWidgets.QLabel] = numbers.values
        # an epoch of thousands of images takes seconds: how far it is, and while it is
        # under way the numbers and the confusion matrix count a fixed subsample
        self.epoch_progress = ElidedCaption("The epoch under way and how much of it is "
                                            "done. The curves get a point at the end of "
                                            "every epoch.")
        self.epoch_progress.setObjectName("epoch_progress")
        self.measured_on = ElidedCaption("Between epochs the numbers and the confusion "
                                         "matrix count every image. While an epoch is "
                                         "under way they are measured on a fixed sample of "
                                         "the images (the same ones all run long, the "
                                         "gallery's among them), which is much quicker; "
                                         "every image counts again at the epoch's end.")
        self.measured_on.setObjectName("measured_on")
        # beside the table, in the room right of it: a row under it took the gallery's
        # height on a small screen, and a label that widened the column cut the plots;
        # so they take what room there is (all of it at 330 px; a narrower column cuts
        # them, the tooltips say it all)
        right = Qt.AlignmentFlag.AlignRight
        for label in (self.epoch_progress, self.measured_on):
            label.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored,
                                QtWidgets.QSizePolicy.Policy.Preferred)
            label.setAlignment(right | Qt.AlignmentFlag.AlignVCenter)
        numbers.addWidget(self.epoch_progress, 0, 3)
        numbers.addWidget(self.measured_on, 1, 3, 2, 1)
        return numbers

    def _place_curves(self, side_by_side: bool) -> None:
        """Loss and accuracy in one row on a wide column, one above the other otherwise."""
        if side_by_side == self._side_by_side:
            return
        self._side_by_side = side_by_side
        grid = self._curves
        for view in (self.loss_view, self.accuracy_view):
            grid.removeWidget(view)
        grid.addWidget(self.loss_view, 0, 0)
        grid.addWidget(self.accuracy_view, *((0, 1) if side_by_side else (1, 0)))
        # one above the other they share the epoch axis: its name once, under the lower
        # plot, leaves the upper one ~18 px more for its curves on a small screen
        self.loss_view.plot_item.showLabel("bottom", side_by_side)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        # side by side when both plots get their full legend row (each is ~290 px); the
        # width the column shows, not the panel's (which a side-by-side pair widens)
        parent = self.parentWidget()
        width = parent.width() if parent is not None else event.size().width()
        need = sum(v.plot_widget.minimumSizeHint().width() + 150
                   for v in (self.loss_view, self.accuracy_view))
        wide_curves, wide_bottom = width >= max(need, 560), width >= BOTTOM_ROW_WIDTH
        short = self._column_height() < self._stacked_need(wide_curves, wide_bottom)
        # a tab of its own is short too: its pair side by side, at their minimum width
        pair = 2 * MIN_PLOT_WIDTH + self._bottom.spacing()
        self._place_curves(wide_curves or (short and width >= pair))
        self._bottom.setDirection(QtWidgets.QBoxLayout.Direction.LeftToRight
                                  if wide_bottom or (short and width >= pair)
                                  else QtWidgets.QBoxLayout.Direction.TopToBottom)
        self.set_tabbed(short)
        if short:
            # a tab behind the other is hidden, and a hidden widget's new size hints
            # reach no one by themselves: its old minimum kept the panel 150 px taller
            for box in (self.curves_box, self.probe_box):
                box.layout().invalidate()
            self.tabs.updateGeometry()
        super().resizeEvent(event)

    def _stacked_need(self, wide_curves: bool, wide_bottom: bool) -> int:
        """The column height that shows, stacked (no tabs), every plot at least in part:
        down to SHOW px into the last one.  Below it, the two tabs."""
        sp = self._layout.spacing()
        curves = self.loss_view.minimumHeight() + (
            0 if wide_curves else self.accuracy_view.minimumHeight() + self._curves.spacing())
        probe = (self.gallery_caption.sizeHint().height() + self.gallery_area.minimumHeight()
                 + (0 if wide_bottom else self.scores_view.minimumHeight() + sp))
        return self._layout.itemAt(0).minimumSize().height() + curves + probe + 4 * sp + SHOW

    def set_tabbed(self, on: bool) -> None:
        """The curves and the probe as two tabs (a short column), or one above the
        other."""
        if on == (not self.tabs.isHidden()):
            return
        if on:
            front = self.tabs.currentIndex()
            for box, title, tip in (
                    (self.curves_box, "Loss and accuracy", "The loss and accuracy curves."),
                    (self.probe_box, "Test images", "The gallery, the probed image's "
                                                    "class scores and the confusion matrix.")):
                self._layout.removeWidget(box)
                i = self.tabs.addTab(box, title)
                self.tabs.setTabToolTip(i, tip)
            self.tabs.setCurrentIndex(max(front, 0))
            self.tabs.show()
        else:
            self.tabs.hide()
            self.tabs.clear()
            self._layout.insertWidget(1, self.curves_box, 5)
            self._layout.insertWidget(3, self.probe_box, 8)
            for box in (self.curves_box, self.probe_box):
                box.show()

    def _column_height(self) -> int:
        """The height the column shows (the scroll area's viewport, when in one)."""
        parent = self.parentWidget()
        return parent.height() if parent is not None else self.height()

    # ---------------------------------------------------------------- the API
    def show_pictures(self, pics) -> None:
        """Draw an ``ImagePictures`` (gallery, scores of the probed image, confusion
        matrix); None clears them."""
        if pics is None:
            self.gallery.clear()
            self.scores_view.clear()
            self.confusion_view.clear()
            return
        self._split = pics.split
        self.gallery.set_images(pics.gallery_images, pics.gallery_true, pics.gallery_pred,
                                pics.gallery, pics.class_names, probe=pics.probe,
                                split=pics.split)
        what = "Test" if pics.split == "test" else "Training"
        self.gallery_caption.setText(f"{what} images · true → answer\nclick one to probe it")
        # a readable row per class (10 digits in 140 px overlapped their names); the
        # panel sits in a scroll area, so a taller pair scrolls on a short screen
        tall = max(140, 15 * len(pics.class_names) + 60)
        for view in (self.scores_view, self.confusion_view):
            if view.minimumHeight() != tall:
                view.setMinimumHeight(tall)
        self.scores_view.show_scores(pics.scores, pics.label, pics.class_names,
                                     f"{what.lower()} image {pics.probe + 1}")
        self.confusion_view.show_confusion(pics.confusion, pics.class_names)

    def show_history(self, history: dict | None, current_loss: float | None = None) -> None:
        """The loss and accuracy curves of a Snapshot's ``history``."""
        self.loss_view.show_history(history, current_loss)
        self.accuracy_view.show_history(history)

    def show_progress(self, snap) -> None:
        """The epoch counter of a Snapshot: "epoch 3 · 40 %" while epoch 3 is under way,
        "epoch 2 · 100 %" at the end of epoch 2."""
        self.epoch_progress.setText(progress_text(snap.epoch, snap.progress))

    def show_numbers(self, snap) -> None:
        """The four numbers of a Snapshot, and what they are measured on."""
        self.measured_on.setText(measured_text(snap.sample))
        v = self.values
        v["train_loss"].setText(format_loss(snap.train_loss))
        v["test_loss"].setText(format_loss(snap.test_loss))
        v["train_accuracy"].setText(_percent(snap.train_accuracy))
        v["test_accuracy"].setText(_percent(snap.test_accuracy))
        show_memorising(self._numbers, snap.train_accuracy, snap.test_accuracy)

    def set_warning(self, text: str | None) -> None:
        self.warning.setText(text or "")
        self.warning.setVisible(bool(text))

    def clear(self) -> None:
        """Back to an empty panel (a new lab before its first snapshot)."""
        self.show_pictures(None)
        self.show_history(None)
        for label in self.values.values():
            label.setText("–")
        self.epoch_progress.setText("")
        self.measured_on.setText("")
        self.set_warning(None)

    def export_views(self) -> dict[str, QtWidgets.QWidget]:
        """The views the window can export (PNG for all; SVG for the plots, the gallery
        being a painted widget is PNG only)."""
        return {"loss": self.loss_view, "accuracy": self.accuracy_view,
                "confusion": self.confusion_view, "gallery": self.gallery,
                "scores": self.scores_view}

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(360, 760)
