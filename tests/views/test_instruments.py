"""The teaching instruments draw real insights from real trainers (pytest-qt): each test
reads what a student would read on the widget."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import base64
import dataclasses
import html
import re

import numpy as np
import pytest

from actlab.engine.activations.builtin import ACTIVATIONS
from actlab.engine.analysis.insights import GradientLog, compute_insights, hidden_space
from actlab.engine.trainer import Trainer
from actlab.labfile.presets import load_preset
from actlab.views.instruments.collapse_panel import CollapsePanel
from actlab.views.export import export_png, image_is_blank
from actlab.views.gallery import DERIVATIVE_AT_ZERO, ActivationGallery, gallery_html
from actlab.views.instruments.gradient_view import GradientFlowView
from actlab.views.points.hidden_space_view import HiddenSpaceView
from actlab.views.qt import QtGui
from actlab.views.points.regions_view import RegionsView, region_colors


def _insights(lab, epochs=(20,), grid=60):
    """Train ``lab`` in chunks, sampling gradient norms after each chunk."""
    t = Trainer(lab)
    log = GradientLog()
    for n in epochs:
        t.train(n)
        ins = compute_insights(t, log, grid=grid)
    return t, ins


@pytest.fixture(scope="module")
def linear():
    return _insights(load_preset("linear-collapse-xor"))


@pytest.fixture(scope="module")
def sigmoid():
    return _insights(load_preset("deep-sigmoid-vanishes"), epochs=(5, 5, 5))


@pytest.fixture(scope="module")
def spiral():
    return _insights(load_preset("spiral-relu-vs-tanh"), epochs=(10,), grid=40)


@pytest.fixture(scope="module")
def spiral_tanh():
    lab = load_preset("spiral-relu-vs-tanh")
    return _insights(dataclasses.replace(lab, network=lab.network.with_activation("tanh")),
                     epochs=(30,), grid=30)


def _shown(qtbot, widget, size=(700, 500)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _assert_exports(widget, path):
    export_png(widget, path)
    assert path.exists() and not image_is_blank(path)


def _number(text: str, prefix: str) -> float:
    m = re.search(re.escape(prefix) + r"\s*([0-9.]+(?:e[+-]?[0-9]+)?)", text)
    assert m, f"{prefix!r} not in {text!r}"
    return float(m.group(1))


# --------------------------------------------------------------------------- collapse

def test_collapse_panel_shows_the_single_layer(qtbot, linear, tmp_path):
    _, ins = linear
    c = ins.collapse
    panel = _shown(qtbot, CollapsePanel(), (360, 600))
    panel.set_problem("classification")
    assert panel.show_insights(ins)
    assert panel.title_label.text() == "This network is one linear layer"
    assert panel.linear_box.isVisible() and not panel.runs_label.isVisible()

    w1, w2 = c.W_eff[:, 0]
    b = c.b_eff[0]
    assert min(abs(w1), abs(w2), abs(b)) >= 0.005  # shown with 2 decimals
    eq = panel.equation_label.text()
    sign = lambda v, first=False: ("−" if v < 0 else "") if first else ("− " if v < 0 else "+ ")
    assert f"ŷ = σ({sign(w1, True)}{abs(w1):.2f}·x₁ {sign(w2)}{abs(w2):.2f}·x₂ " \
           f"{sign(b)}{abs(b):.2f})" in eq
    # the grid: one row per feature, labelled, then the bias
    cells = panel.weight_cells
    assert [row[0] for row in cells[1:]] == ["x₁", "x₂", "b_eff"]
    assert cells[1][1] == f"{w1:.2f}".replace("-", "−")
    assert cells[3][1] == f"{b:.2f}".replace("-", "−")

    diff = panel.difference_label.text()
    assert "deep vs collapsed" in diff and _number(diff, "deep vs collapsed:") < 1e-9
    assert panel.meter_label.text() == "0.00" and panel.meter_bar.value == 0.0
    assert "raw inputs" in panel.note_label.text()
    _assert_exports(panel, tmp_path / "collapse.png")

    panel.set_problem("regression")  # same weights, no squashing
    assert "σ" not in panel.equation_label.text()
    assert panel.equation_label.text().startswith("ŷ = ")


def test_collapse_panel_softmax_lists_one_score_per_class(qtbot):
    lab = load_preset("linear-collapse-xor")
    lab = dataclasses.replace(lab, data=dataclasses.replace(lab.data, generator="blobs3"))
    _, ins = _insights(lab, epochs=(5,), grid=20)
    panel = _shown(qtbot, CollapsePanel(), (360, 600))
    panel.show_insights(ins)
    eq = panel.equation_label.text()
    assert "z₁ = " in eq and "z₃ = " in eq and "softmax" in eq and "σ" not in eq
    assert len(panel.weight_cells[0]) == 4  # label column + one column per class


def test_collapse_panel_for_bent_and_mixed_networks(qtbot, spiral_tanh):
    _, ins = spiral_tanh
    panel = _shown(qtbot, CollapsePanel(), (360, 600))
    panel.show_insights(ins)
    assert panel.title_label.text() == "This network bends"
    assert not panel.linear_box.isVisible()
    assert float(panel.meter_label.text()) > 0 and panel.meter_bar.value > 0
    assert "sin(x₁)" in panel.note_label.text()  # weights act on the features, not x₁, x₂

    lab = load_preset("spiral-relu-vs-tanh")
    mixed = dataclasses.replace(lab, network=dataclasses.replace(
        lab.network, activations=("relu", "linear", "linear")))
    _, ins = _insights(mixed, epochs=(5,), grid=20)
    panel.show_insights(ins, force=True)
    assert panel.runs_label.isVisible()
    assert "layers 2–3 and the output layer act as one linear layer" in panel.runs_label.text()
    assert _number(panel.runs_label.text(), "deep vs merged:") < 1e-9


def test_collapse_panel_drops_stale_insights(qtbot, linear, spiral_tanh):
    panel = CollapsePanel()
    qtbot.addWidget(panel)
    assert panel.show_insights(spiral_tanh[1])
    assert not panel.show_insights(linear[1])  # older epoch
    assert panel.title_label.text() == "This network bends"
    assert panel.show_insights(linear[1], force=True)


# --------------------------------------------------------------------------- gradients

def test_gradient_view_shows_the_vanishing_gradient(qtbot, sigmoid, tmp_path):
    _, ins = sigmoid
    view = _shown(qtbot, GradientFlowView())
    view.show_insights(ins)
    n_weight_layers = ins.grad_norms.shape[1]
    assert len(view.curves) == n_weight_layers == 9
    assert [item[1].text for item in view.legend.items] == \
        [f"layer {i}" for i in range(1, 9)] + ["output"]
    x, y = view.curves[0].getData()
    # the record starts at epoch 0 whenever the insights are asked for (3 × 5 epochs)
    assert list(x) == list(ins.grad_epochs) == list(range(16))
    assert view.curves[0].getData()[1][-1] < view.curves[-1].getData()[1][-1]
    # only the first six hidden layers get a histogram, and the caption says so
    assert sum(h.isVisibleTo(view) for h in view.histograms) == 6
    assert "first 6 of 8" in view.hist_caption.text()
    assert view.dead_labels() == ["–"] * 8  # sigmoid units cannot die
    _assert_exports(view, tmp_path / "gradients.png")


def test_gradient_view_counts_dead_relu_units(qtbot, spiral):
    _, ins = spiral
    view = _shown(qtbot, GradientFlowView())
    view.show_insights(ins)
    assert view.dead_labels() == [f"dead: {d}/{s}" for d, s in
                                  zip(ins.dead_units, ins.layer_sizes)]
    assert list(view.dead_bars.opts["height"]) == list(ins.dead_units)
    assert list(view.size_bars.opts["height"]) == list(ins.layer_sizes)
    assert sum(h.isVisibleTo(view) for h in view.histograms) == 3


def test_histogram_shows_sigmoid_saturation(qtbot, sigmoid):
    _, ins = sigmoid
    rng = np.random.default_rng(0)
    saturated = rng.choice([-1.0, 1.0], size=(250, 8)) * rng.uniform(4.5, 8.0, (250, 8))
    pre = (saturated,) + ins.pre_activations[1:]
    view = _shown(qtbot, GradientFlowView())
    view.show_insights(dataclasses.replace(ins, pre_activations=pre))
    hist = view.histograms[0]
    assert hist.flat_share > 0.9
    assert "Sigmoid" in hist.getPlotItem().titleLabel.text and "% flat" in \
        hist.getPlotItem().titleLabel.text
    xs, ys = hist.curve.getData()  # the sigmoid drawn over the whole histogram range
    assert xs[0] < -7.5 and xs[-1] > 7.5 and ys[0] < 0.01 * ys[-1]


# --------------------------------------------------------------------------- gallery

def test_gallery_has_a_card_per_activation_and_html(qtbot, tmp_path):
    gallery = _shown(qtbot, ActivationGallery())
    assert list(gallery.cards) == list(ACTIVATIONS)
    for name, card in gallery.cards.items():
        assert card.title_label.text() == ACTIVATIONS[name].title
        assert f"f′(0) = {DERIVATIVE_AT_ZERO[name]:g}" in card.legend_label.text()
    assert gallery.columns == 2
    gallery.resize(360, 500)
    qtbot.waitUntil(lambda: gallery.columns == 1)
    gallery.resize(700, 500)
    qtbot.waitUntil(lambda: gallery.columns == 2)
    _assert_exports(gallery, tmp_path / "gallery.png")

    page = gallery_html()
    assert page.startswith("<!DOCTYPE html>")
    for act in ACTIVATIONS.values():
        assert html.escape(act.title) in page
    images = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", page)
    assert len(images) == len(ACTIVATIONS)
    assert not image_is_blank(QtGui.QImage.fromData(base64.b64decode(images[0])))


def test_gallery_slopes_at_zero_match_the_engine():
    for name, act in ACTIVATIONS.items():
        assert float(act.derivative(np.zeros(1))[0]) == pytest.approx(DERIVATIVE_AT_ZERO[name])


# --------------------------------------------------------------------------- regions

def test_regions_view_counts_linear_regions(qtbot, spiral, spiral_tanh, tmp_path):
    _, ins = spiral
    view = _shown(qtbot, RegionsView())
    view.show_insights(ins)
    assert view.count_label.text() == f"{ins.region_count} linear regions"
    assert view.image.image.shape == ins.regions.shape + (4,)
    _assert_exports(view, tmp_path / "regions.png")
    # regions that touch get different colours
    col = region_colors(ins.regions)[ins.regions]
    diff_id = ins.regions[:, 1:] != ins.regions[:, :-1]
    assert np.all(col[:, 1:][diff_id] != col[:, :-1][diff_id])

    view.show_insights(spiral_tanh[1], force=True)
    assert view.count_label.text() == "No linear regions"
    msg = view.message_label.text()
    assert "ReLU / Leaky ReLU / Linear" in msg and ACTIVATIONS["tanh"].title in msg
    assert not view.plot_widget.isVisible()
    _assert_exports(view, tmp_path / "regions-none.png")


# --------------------------------------------------------------------------- hidden space

def test_hidden_space_view_draws_lines_and_points(qtbot, spiral, tmp_path):
    t, ins = spiral
    view = _shown(qtbot, HiddenSpaceView())
    with qtbot.waitSignal(view.selectionChanged) as blocker:
        view.set_layers(ins.layer_sizes)
    assert blocker.args == [0, 0, 1]
    with qtbot.waitSignal(view.selectionChanged) as blocker:
        view.layer_combo.setCurrentIndex(1)
    assert blocker.args == [1, 0, 1]
    with qtbot.waitSignal(view.selectionChanged) as blocker:
        view.neuron_j_combo.setCurrentIndex(4)
    assert blocker.args == [1, 0, 4]

    X, y = t.dataset.X_train[:80], t.dataset.y_train[:80]
    space = hidden_space(t.network, t.features, 1, (0, 4), X, n_lines=13)
    view.show_space(space, y)
    assert view.drawn_curve_counts() == (26, 26)
    for pi in (view.pre_plot, view.post_plot):
        drawn = [c for c in pi.items if hasattr(c, "xData") and c.isVisible()
                 and c.xData is not None and len(c.xData) > 0 and c is not view.pre_points
                 and c is not view.post_points]
        assert len(drawn) == 26
    assert view.pre_points.data.size == 80 and view.post_points.data.size == 80
    assert "neuron 5" in view.pre_plot.getAxis("left").labelText
    assert "straight" in view.caption.text() and "bends" in view.caption.text()
    _assert_exports(view, tmp_path / "hidden.png")

    # fewer lines next time: the extra curves are hidden, not left behind
    view.show_space(hidden_space(t.network, t.features, 1, (0, 4), n_lines=5))
    assert view.drawn_curve_counts() == (10, 10)
    assert view.pre_points.data.size == 0
