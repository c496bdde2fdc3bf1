"""The image-lab views on their own: the gallery's drawing (pixelated, ink black, wrapping),
the confusion matrix's counts and names, the accuracy plot's fixed scale."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import numpy as np
import pytest
from PySide6 import QtGui
from PySide6.QtCore import QPointF

from actlab.views.images.accuracy_view import AccuracyView
from actlab.views.images.class_names import abbreviations, short_name
from actlab.views.images.confusion_view import ConfusionView, accuracy_titles
from actlab.views.images.image_gallery import ImageGallery, grey_atlas


def test_grey_atlas_draws_ink_black_on_white():
    images = np.array([[[0.0, 1.0], [0.5, np.nan]], [[1.0, 1.0], [0.0, 0.0]]])
    atlas = grey_atlas(images)
    assert atlas.shape == (2, 4)
    assert atlas.tolist() == [[255, 0, 0, 0], [128, 128, 255, 255]]


def _checker(n: int, size: int = 16) -> np.ndarray:
    yy, xx = np.mgrid[:size, :size]
    return np.repeat(((yy + xx) % 2).astype(float)[None], n, axis=0)


@pytest.fixture
def gallery(qtbot):
    g = ImageGallery()
    qtbot.addWidget(g)
    g.resize(330, 600)
    g.show()
    qtbot.waitExposed(g)
    return g


def test_thumbnails_are_pixelated_whole_pixel_squares(gallery):
    gallery.set_images(_checker(6), [0] * 6, [0] * 6, range(6), ("a", "b"))
    r = gallery.image_rect(0)
    assert r.width() == r.height() == 48  # 16 px images at 3 screen px per image px
    image = gallery.grab().toImage()
    values = {image.pixelColor(x, y).name() for x in range(r.left() + 1, r.right())
              for y in range(r.top() + 1, r.bottom())}
    assert values == {"#000000", "#ffffff"}  # nearest neighbour: no blended greys
    # image pixel (0, 0) is paper (0), (0, 1) ink: a 3x3 block of each
    assert image.pixelColor(r.left() + 1, r.top() + 1).name() == "#ffffff"
    assert image.pixelColor(r.left() + 4, r.top() + 1).name() == "#000000"


def test_gallery_wraps_to_its_width(gallery):
    gallery.set_images(_checker(40), [0] * 40, [1] * 40, range(40), ("a", "b"))
    heights = []
    for width in (300, 450, 700):
        gallery.resize(width, 800)
        cols = gallery._grid(width)[0]
        assert cols >= 2
        assert all(gallery.tile_rect(i).right() < width for i in range(40))
        # the tiles are in rows of ``cols``, left to right
        assert gallery.tile_rect(cols).top() > gallery.tile_rect(cols - 1).top()
        heights.append(gallery.heightForWidth(width))
    assert heights[0] > heights[1] > heights[2]


def test_confusion_counts_names_and_title(qtbot):
    view = ConfusionView()
    qtbot.addWidget(view)
    view.resize(320, 300)
    view.show()
    m = np.array([[5, 1, 0], [2, 7, 1], [0, 0, 9]])
    view.show_confusion(m, ("circle", "square", "triangle"))
    assert view.cell_texts().tolist() == m.astype(str).tolist()
    assert view._left.tickStrings([0, 1, 2], 1, 1) == ["circle", "square", "triangle"]
    assert accuracy_titles(m)[0] == "Confusion · accuracy 84.0 % (21 of 25)"
    # the counts are painted: a cell shows text pixels besides its fill
    qtbot.waitExposed(view)
    image = view.grab().toImage()
    vb = view.view_box
    for r, c in ((0, 0), (1, 2)):
        centre = view.plot_widget.mapFromScene(vb.mapViewToScene(QPointF(c, r)))
        box = {image.pixelColor(centre.x() + dx, centre.y() + dy).name()
               for dx in range(-6, 7) for dy in range(-5, 6)}
        assert len(box) > 2, (r, c, box)


def test_class_names_shorten_to_unambiguous_abbreviations():
    """A name that does not fit becomes its longest start that fits, with a full stop,
    that no other class shares; never a cut "checkerb…"."""
    fm = QtGui.QFontMetrics(QtGui.QFont())
    names = ("triangle", "tripod", "square")
    assert short_name("triangle", names, fm, 1000) == "triangle"
    room = fm.horizontalAdvance("trian.")
    assert short_name("triangle", names, fm, room) == "trian."
    # "tri." would fit a narrower room but names "tripod" too: the start must differ
    assert short_name("triangle", names, fm, fm.horizontalAdvance("tri.")) != "tri."
    assert short_name("square", names, fm, fm.horizontalAdvance("s.")) == "s."
    assert abbreviations("triangle", names)[:2] == ["triangl.", "triang."]
    assert "tri." not in abbreviations("triangle", names)


def test_accuracy_plot_keeps_its_0_to_100_scale(qtbot):
    view = AccuracyView()
    qtbot.addWidget(view)
    h = {"epoch": np.arange(1, 4), "train_accuracy": np.array([0.40, 0.42, 0.45]),
         "test_accuracy": np.array([0.38, np.nan, 0.41])}
    view.show_history(h)
    train, test = view.curve_values()
    np.testing.assert_allclose(train, [40, 42, 45])
    assert np.isnan(test[1])
    lo, hi = view.view_box.viewRange()[1]
    assert lo <= 0 and hi >= 100  # 40 to 45 % does not fill the plot
    view.show_history(None)
    assert len(view.curve_values()[0]) == 0


def test_axis_steps_are_round_and_few():
    from actlab.views.images.accuracy_view import epoch_span, nice_top

    assert [epoch_span(e) for e in (0, 1, 10, 11, 30, 31, 101, 2.5e5)] == \
        [10, 10, 10, 12, 30, 40, 120, 2.5e5]
    spans = {epoch_span(e) for e in range(1, 10001)}
    assert len(spans) <= 45  # the axis is set again ~11 times a decade, not every epoch
    # at most a quarter of the axis is empty (the widest step is 1.5 -> 2, 3 -> 4, 6 -> 8)
    assert all(e <= epoch_span(e) <= 4 / 3 * e + 1e-9 for e in range(10, 10001))
    assert nice_top(1.37) == 1.5 and nice_top(0.8) == 0.8 and nice_top(float("nan")) == 1


def test_stepped_loss_view_keeps_every_point_in_view(qtbot):
    from actlab.gui.workspaces.images.output_panel import SteppedLossView

    view = SteppedLossView()
    qtbot.addWidget(view)
    for n in (3, 17, 64):
        loss = np.linspace(1.37, 0.2, n)
        view.show_history({"epoch": np.arange(1, n + 1), "train_loss": loss,
                           "test_loss": loss + 0.1})
        (x0, x1), (y0, y1) = view.view_box.viewRange()
        assert x0 <= 1 and n <= x1 <= 1.3 * max(n, 10)
        assert y0 <= 0 and 1.47 <= y1 <= 1.6
    view.set_log_scale(True)
    view.show_history({"epoch": np.arange(1, 4), "train_loss": np.array([1.0, 0.1, 0.01]),
                       "test_loss": np.array([1.0, 0.1, 0.01])})
    assert view.view_box.autoRangeEnabled()[1]  # decades follow the curves
