"""The function lab's node pictures: area charts of each unit's curve (engine/curve_grid)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.pictures.curve_grid import FILL, CurveGrid, area_pictures, feature_curve
from actlab.engine.trainer import Trainer
from actlab.lab import default_function_lab


def _chart_by_hand(v: np.ndarray, rows: int) -> np.ndarray:
    """The same chart, pixel by pixel, straight from its definition."""
    out = np.zeros((rows, v.size))
    top = np.abs(v).max()
    for j, value in enumerate(v):
        u = value / top if top else 0.0
        for i in range(rows):
            h = (i + 0.5) / rows * 2 - 1
            if (0 <= h <= u) or (u <= h <= 0):
                out[i, j] = np.sign(u) * FILL
    return out


def test_area_chart_matches_its_definition():
    rng = np.random.default_rng(3)
    v = rng.normal(size=(3, 17))
    charts = area_pictures(v, 11)
    assert charts.shape == (3, 11, 17) and charts.dtype == np.float32
    for k in range(3):
        np.testing.assert_allclose(charts[k], _chart_by_hand(v[k], 11), atol=1e-6)


def test_area_chart_of_a_zero_or_broken_curve_is_empty_not_nan():
    charts = area_pictures(np.array([[0.0, 0.0, 0.0], [np.nan, np.inf, -np.inf]]), 4)
    assert np.isfinite(charts).all() and not charts.any()


def test_feature_chart_of_x_is_negative_left_and_positive_right():
    chart = feature_curve("x", 20)
    assert (chart[:, :10] <= 0).all() and (chart[:, 10:] >= 0).all()
    # x reaches the top at the right edge and the bottom at the left edge
    assert chart[-1, -1] > 0 and chart[0, 0] < 0
    sq = feature_curve("xsq", 20)
    assert (sq >= 0).all() and sq[:10].sum() == 0  # x² is never below 0: lower half empty


@pytest.mark.parametrize("act", ["relu", "tanh", "linear"])
def test_function_lab_snapshot_pictures_are_the_units_curves(act):
    lab = default_function_lab()
    lab = replace(lab, network=replace(lab.network, hidden=(5, 3), activations=(act, act)))
    t = Trainer(lab)
    snap = t.snapshot(40)
    assert snap.surface.shape == (40, 40, 1)
    assert [n.shape for n in snap.neurons] == [(5, 40, 40), (3, 40, 40)]
    xs = np.linspace(-6, 6, 40)
    ys = t.predict_points(xs)
    np.testing.assert_allclose(snap.surface[:, :, 0], area_pictures(ys[None], 40)[0])
    # each unit's chart is the chart of that unit's output, computed independently
    h = t.network.hidden_outputs(np.column_stack([xs]))
    for layer, pics in enumerate(snap.neurons):
        np.testing.assert_allclose(pics, area_pictures(h[layer].T, 40))


def test_curve_grid_has_the_surface_grid_interface():
    g = CurveGrid(("x", "sinx"), 30)
    assert g.points.shape == (30, 1) and g.n == 30
