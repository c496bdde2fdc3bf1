"""Gradient-flow view: the whole run's history whenever it is opened, whole-epoch axes,
clearly distinct layer colours, histogram titles that fit."""
from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.analysis.insights import compute_insights
from actlab.engine.trainer import Trainer
from actlab.labfile.presets import load_preset
from actlab.views import colors
from actlab.views.fitted_title import fit_title
from actlab.views.instruments.gradient_view import GradientFlowView
from actlab.views.loss_view import EpochAxis
from actlab.views.qt import QtGui


@pytest.fixture(scope="module")
def deep_run():
    t = Trainer(load_preset("deep-sigmoid-vanishes"))
    t.train(40)           # no instrument open while training: nobody asked for insights
    return t, compute_insights(t)


def _view(qtbot, width=700, height=520):
    view = GradientFlowView()
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_opened_late_the_view_shows_every_epoch_from_the_first(qtbot, deep_run):
    _, ins = deep_run
    view = _view(qtbot)
    assert view.show_insights(ins)
    for i, curve in enumerate(view.curves):
        x, logy = curve.getData()           # the plot is logarithmic: log10 values
        assert list(x) == list(range(0, 41))
        # short records are drawn unsmoothed: exactly the trainer's recorded norms
        np.testing.assert_allclose(10 ** logy, ins.grad_norms[:, i], rtol=1e-9)
    # the vanishing gradient reads off the drawn lines: layer 1 far below the output
    # (on average over the run: one minibatch's gradient is noisy from epoch to epoch)
    assert view.curves[0].getData()[1].mean() < view.curves[-1].getData()[1].mean() - 2


def test_a_single_epoch_gets_a_whole_epoch_range(qtbot, deep_run):
    _, ins = deep_run
    one = replace(ins, epoch=473, grad_epochs=np.array([473]), grad_norms=ins.grad_norms[-1:])
    view = _view(qtbot)
    view.show_insights(one, force=True)
    lo, hi = view.plot_item.getViewBox().viewRange()[0]
    assert lo < 473 < hi and hi - lo >= 1
    axis = view.plot_item.getAxis("bottom")
    ticks = [v for _, values in axis.tickValues(lo, hi, 300) for v in values]
    assert ticks == [473.0]                              # not 472.8, 473.0, 473.2
    assert axis.tickStrings(ticks, 1.0, 1.0) == ["473"]


def test_epoch_axis_never_ticks_between_epochs():
    axis = EpochAxis("bottom")
    for lo, hi in [(472.5, 473.5), (-0.5, 0.5), (0, 3), (10, 12.2)]:
        assert all(s >= 1 for s, _ in axis.tickSpacing(lo, hi, 400))


@pytest.mark.parametrize("n", range(1, 12))
def test_layer_lines_are_clearly_distinct(n):
    styles = colors.layer_styles(n)
    assert len(set(styles)) == n                         # colour + dash: never the same
    solid = [c for c, dashed in styles]
    if n <= len(colors.LAYER_COLORS) + 1:                # every line its own colour
        for a, b in itertools.combinations(solid, 2):
            assert colors.delta_e(a, b) >= 20, (a, b)
    for c in solid:                                      # none pale on the white plot
        assert colors.delta_e(c, "#FFFFFF") >= 40


def _simulate(hex_color, matrix):
    c = np.array(colors.hex_to_rgb(hex_color), float) / 255
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    lin = np.clip(np.asarray(matrix) @ lin, 0, 1)
    return np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)


# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB
_DEUTAN = [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
           [-0.011820, 0.042940, 0.968881]]
_PROTAN = [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
           [-0.003882, -0.048116, 1.051998]]


@pytest.mark.parametrize("matrix", [_DEUTAN, _PROTAN], ids=["deutan", "protan"])
def test_layer_colours_stay_apart_for_colour_blind_viewers(matrix):
    palette = list(colors.LAYER_COLORS) + [colors.OUTPUT_LAYER_COLOR]
    for a, b in itertools.combinations(palette, 2):
        assert colors.delta_e(_simulate(a, matrix), _simulate(b, matrix)) >= 12, (a, b)


def test_the_view_draws_with_those_colours(qtbot, deep_run):
    _, ins = deep_run
    view = _view(qtbot)
    view.show_insights(ins)
    drawn = [c.opts["pen"].color().name().upper() for c in view.curves]
    assert drawn == [c for c, _ in colors.layer_styles(len(view.curves))]
    assert drawn[-1] == colors.OUTPUT_LAYER_COLOR


def _title_fits(plot_widget, size_pt):
    pi = plot_widget.getPlotItem()
    font = QtGui.QFont()
    font.setPointSizeF(size_pt)
    left = pi.getAxis("left")
    room = plot_widget.width() - (left.width() if left.isVisible() else 0)
    return QtGui.QFontMetricsF(font).horizontalAdvance(plot_widget.title_text()) <= room


@pytest.mark.parametrize("width", [300, 420, 560, 900])
def test_histogram_and_dead_unit_titles_fit_their_width(qtbot, deep_run, width):
    _, ins = deep_run
    view = _view(qtbot, width, 700)
    view.show_insights(ins)
    qtbot.waitUntil(lambda: all(h.width() < width for h in view.histograms))
    shown = [h for h in view.histograms if h.isVisibleTo(view)]
    assert shown
    for i, h in enumerate(shown):
        assert h.title_text() and _title_fits(h, 9.0), (width, h.title_text())
        assert f"layer {i + 1} · Sigmoid" in h.toolTip()  # the full title on hover
    assert _title_fits(view.dead_widget, 10.0)


def test_fit_title_picks_the_longest_that_fits():
    font = QtGui.QFont()
    font.setPointSizeF(9.0)
    fm = QtGui.QFontMetricsF(font)
    texts = ("layer 1 · Sigmoid · 2% flat", "1 · 2% flat")
    assert fit_title(texts, 10_000, 9.0) == texts[0]
    mid = fm.horizontalAdvance(texts[1]) + 1
    assert fit_title(texts, mid, 9.0) == texts[1]
    tiny = fit_title(texts, 20, 9.0)
    assert fm.horizontalAdvance(tiny) <= 20


def test_long_records_are_drawn_as_a_geometric_moving_average():
    from actlab.views.instruments.gradient_view import smooth_log, smoothing_window

    assert smoothing_window(40) == 1 and smoothing_window(3000) == 51
    y = 10.0 ** np.array([0.0, 2.0, 0.0, 2.0, 0.0])
    np.testing.assert_allclose(np.log10(smooth_log(y, 3)), [1.0, 2 / 3, 4 / 3, 2 / 3, 1.0])
