"""The window's image-lab exports are rendered figures (:mod:`actlab.figures.image_views`):
at least 1200 px wide, titled, white to the edges — and, where the CLI writes the same
figure (samples.png, confusion.png), the very same image for the same run and title."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtGui, QtWidgets

from actlab.engine.analysis.image_insights import image_insights
from actlab.engine.pictures.images import make_pictures
from actlab.engine.trainer import Trainer
from actlab.figures import canvas as fc
from actlab.figures import image_views as iv
from actlab.figures.canvas import MIN_WIDTH
from actlab.figures.image_run import ImageRunResult, write_image_figures
from actlab.labfile.format import load_lab
from actlab.views.export import image_is_blank, qimage_to_array

LABS = "resources/labs/"


@pytest.fixture(scope="module")
def app():
    return QtWidgets.QApplication.instance() or QtWidgets.QApplication([])


def _trained(name: str, epochs: int = 2) -> Trainer:
    t = Trainer(load_lab(LABS + name + ".actlab"))
    t.train(epochs)
    return t


@pytest.fixture(scope="module")
def shapes(app):
    return _trained("images-shapes-need-nonlinearity")


@pytest.fixture(scope="module")
def linear(app):
    return _trained("images-uci-digits-templates")


def _pixels(path) -> np.ndarray:
    image = QtGui.QImage(str(path))
    assert not image.isNull(), path
    return qimage_to_array(image)


def _is_figure(path) -> np.ndarray:
    """At least 1200 px wide, drawn on, and white along all four edges (a figure's white
    margin: a widget grab has the window's grey and its controls' frames there)."""
    a = _pixels(path)
    assert a.shape[1] >= 2 * MIN_WIDTH >= 1200, a.shape
    assert not image_is_blank(path)
    for edge in (a[:8], a[-8:], a[:, :8], a[:, -8:]):
        assert np.all(edge[..., :3] == 255), path
    return a


def _title_band(a: np.ndarray) -> np.ndarray:
    """The rows of the title (some ink in the top 60 px, below the margin)."""
    return a[32:80, :, :3]


DRAW = {"gallery": iv.gallery_png, "confusion": iv.confusion_figure_png,
        "scores": iv.scores_png, "filters": iv.filters_maps_png}


@pytest.mark.parametrize("what", sorted(DRAW))
@pytest.mark.parametrize("lab", ["shapes", "linear"])
def test_each_view_is_a_wide_titled_figure(what, lab, request, tmp_path):
    t = request.getfixturevalue(lab)
    pics = make_pictures(t, probe=3)
    a = _is_figure(DRAW[what](tmp_path / f"{what}.png", pics, t.lab.name))
    assert np.any(_title_band(a) < 128)  # the title's dark ink


def test_scores_figure_draws_the_bars_of_the_probed_image(shapes, tmp_path):
    pics = make_pictures(shapes, probe=5)
    a = _is_figure(iv.scores_png(tmp_path / "s.png", pics, "x"))
    assert iv.scores_title(pics, "x").startswith("Class scores of test image 6 (")
    # the predicted class's bar is the figure's blue, as long as its probability says
    blue = np.array(fc.colors.hex_to_rgb(fc.colors.BLUE))
    rows = np.flatnonzero(np.all(a[..., :3] == blue, axis=-1).any(axis=1))
    cols = np.flatnonzero(np.all(a[rows[len(rows) // 2], :, :3] == blue, axis=-1))
    bar = (cols.max() - cols.min() + 1) / (2 * iv.BAR_W)
    assert abs(bar - float(np.max(pics.scores))) < 0.02


def test_filters_figure_has_a_row_per_stage_with_every_layers_filters(shapes):
    pics = make_pictures(shapes, probe=0)
    names = [n for n, _ in iv.filter_stages(pics)]
    n_conv = len(pics.layers)
    assert names[0] == "input" and names[-1] == "softmax"
    assert sum(n.startswith("filters ") for n in names) == n_conv
    first = dict(iv.filter_stages(pics))["filters 1"]
    np.testing.assert_array_equal(first, pics.layers[0].kernels[:, 0])


def test_collapse_figure_of_a_linear_network_shows_its_templates(linear, tmp_path):
    pics, ins = make_pictures(linear), image_insights(linear)
    assert ins.templates is not None
    spec = linear.lab.network
    path = iv.collapse_png(tmp_path / "c.png", ins, pics, spec.conv, spec.leaky_slope,
                           linear.lab.name)
    a = _is_figure(path)
    # the templates make it taller than the same figure without them
    from actlab.figures.images import filters_png
    first = pics.layers[0]
    bare = _pixels(filters_png(tmp_path / "bare.png", [(first.kernels, first.bias)],
                               spec.conv, iv.COLLAPSE_TITLE + " — " + linear.lab.name))
    assert a.shape[0] > bare.shape[0]


def test_collapse_figure_needs_the_pictures_and_the_insights(shapes, tmp_path):
    spec = shapes.lab.network
    with pytest.raises(ValueError, match="nothing to draw yet"):
        iv.collapse_png(tmp_path / "c.png", None, make_pictures(shapes), spec.conv)
    with pytest.raises(ValueError, match="nothing to draw yet"):
        iv.gallery_png(tmp_path / "g.png", None)
    assert not (tmp_path / "c.png").exists() and not (tmp_path / "g.png").exists()


@pytest.mark.parametrize("lab", ["shapes", "linear"])
def test_gallery_and_confusion_are_the_clis_samples_and_confusion(lab, request, tmp_path):
    """Same run, same title: the window's export and the CLI's file are the same image."""
    t = request.getfixturevalue(lab)
    pics = make_pictures(t)
    cli = write_image_figures(tmp_path / "cli", ImageRunResult(
        network=t.network, spec=t.lab.network, data=t.dataset,
        history=t.snapshot().history, title=t.lab.name))
    gui = {"samples": iv.gallery_png(tmp_path / "g.png", pics, t.lab.name),
           "confusion": iv.confusion_figure_png(tmp_path / "c.png", pics, t.lab.name)}
    for name, path in gui.items():
        np.testing.assert_array_equal(_pixels(path), _pixels(cli[name]), err_msg=name)
        assert path.read_bytes() == cli[name].read_bytes(), name


def test_collapse_figure_ends_with_the_saliency_row_the_instrument_shows(shapes, tmp_path):
    pics, ins = make_pictures(shapes), image_insights(shapes)
    spec = shapes.lab.network
    assert len(ins.saliencies) >= 2 and not ins.saliency_same  # a ReLU network
    full = _pixels(iv.collapse_png(tmp_path / "c.png", ins, pics, spec.conv,
                                   spec.leaky_slope, shapes.lab.name))
    from actlab.figures.images import filters_png
    first = pics.layers[0]
    collapse = ins.collapses[0].collapse if ins.collapses else None
    without = _pixels(filters_png(tmp_path / "bare.png", [(first.kernels, first.bias)],
                                  spec.conv, iv.COLLAPSE_TITLE + " — " + shapes.lab.name,
                                  collapse, ins.templates, ins.class_names))
    # the same figure above, then the images over their saliency maps (2 × 16 px tall
    # at about 64 logical px each: well over 100 px at scale 2) and their sentence
    assert full.shape[1] == without.shape[1]
    assert full.shape[0] - without.shape[0] > 2 * 100
    extra = full[without.shape[0] - 20:]
    coloured = (np.abs(extra[..., 0].astype(int) - extra[..., 2].astype(int)) > 60).sum()
    assert coloured > 500  # blue/orange saliency pixels, not only text
    assert "depends on the image" in ins.saliency_text()
