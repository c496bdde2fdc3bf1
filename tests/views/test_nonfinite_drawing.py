"""Drawing a run whose numbers ran away (inf, NaN, 1e300) warns about nothing and still
draws something sensible: the network diagram, its thumbnails, the surface and a
neuron's picture.  Regression: ``RuntimeWarning: All-NaN slice`` and an overflow warning
from the network diagram after a regression run diverged."""
from __future__ import annotations

import os
import warnings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.trainer import Trainer
from actlab.lab import DataSpec, NetworkSpec, default_lab
from actlab.views.network.items import LUT, levels, symmetric_scale, to_argb
from actlab.views.network.view import NetworkView
from actlab.views.points.surface_view import SurfaceView

FILLS = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf, "huge": 1e300, "-huge": -1e300,
         "f32max": 3.5e38}


def _mixed(shape, fill) -> np.ndarray:
    """Half the values ``fill``, the rest ordinary."""
    a = np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape)
    flat = a.reshape(-1)
    flat[::2] = fill
    return a


@pytest.mark.parametrize("fill", list(FILLS))
@pytest.mark.parametrize("everywhere", [True, False])
def test_colour_helpers_are_silent_and_in_range(fill, everywhere):
    v = np.full((3, 7, 7), FILLS[fill]) if everywhere else _mixed((3, 7, 7), FILLS[fill])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scale = symmetric_scale(v)
        argb = to_argb(v, scale)
        lv = levels(v.ravel(), 1.0)
    assert np.isfinite(scale) and scale >= 1.0
    assert argb.shape == v.shape and np.isin(argb, LUT).all()
    assert np.abs(lv).max() <= 16
    if not everywhere and fill in ("nan", "inf", "-inf"):  # the rest keep their colours
        assert len(np.unique(argb)) > 2


def _snapshot(problem: str):
    lab = default_lab()
    if problem == "regression":
        lab = replace(lab, data=DataSpec(generator="plane", problem="regression"))
    lab = replace(lab, network=NetworkSpec(hidden=(4, 3), activations=("relu", "tanh")))
    t = Trainer(lab)
    t.train(2)
    return t.snapshot(20, True)


@pytest.mark.parametrize("problem", ["classification", "regression"])
@pytest.mark.parametrize("fill", list(FILLS))
@pytest.mark.parametrize("everywhere", [True, False])
def test_views_draw_runaway_snapshots_without_warnings(qtbot, problem, fill, everywhere):
    snap = _snapshot(problem)
    bad = (lambda a: np.full(np.shape(a), FILLS[fill])) if everywhere else (
        lambda a: _mixed(np.shape(a), FILLS[fill]))
    params = tuple((bad(W), bad(b)) for W, b in snap.params)
    runaway = replace(snap, surface=bad(snap.surface),
                      neurons=tuple(bad(n) for n in snap.neurons), params=params)
    net = NetworkView()
    surface = SurfaceView()
    for w in (net, surface):
        qtbot.addWidget(w)
        w.resize(420, 420)
        w.show()
        qtbot.waitExposed(w)
    net.set_architecture(("x1", "x2"), (4, 3), ("relu", "tanh"), 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net.show_snapshot(runaway)
        surface.show_snapshot(runaway, force=True)
        surface.show_image(runaway.neurons[0][0], "Neuron 1")
        net.grab()
        surface.grab()
        surface.clear_override()
        surface.grab()
    # something was drawn: every hidden node has a picture
    from actlab.views.network.items import NeuronItem
    nodes = [i for i in net.scene.items() if isinstance(i, NeuronItem) and not i.compact]
    assert nodes and all(n.image is not None for n in nodes[2:])


@pytest.mark.parametrize("fill", ["nan", "inf", "huge"])
def test_hidden_space_of_a_runaway_network_is_silent(qtbot, fill):
    """Found by the random-action test: all-NaN points made pyqtgraph warn."""
    from actlab.views.points.hidden_space_view import HiddenSpaceView

    view = HiddenSpaceView()
    qtbot.addWidget(view)
    view.set_problem("classification", 2)
    view.set_layers((4,))
    view.resize(500, 400)
    view.show()
    qtbot.waitExposed(view)
    bad = np.full((20, 2), FILLS[fill])
    line = np.full((30, 2), FILLS[fill])
    space = {"lines_pre": [line] * 4, "lines_post": [line] * 4,
             "points_pre": bad, "points_post": bad}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view.show_space(space, np.zeros(20))
        view.grab()
        half = bad.copy()
        half[::2] = 0.5
        view.show_space(dict(space, points_pre=half, points_post=half), np.arange(20) % 2)
        view.grab()
    assert len(view.pre_points.data) == (10 if fill != "huge" else 20)


def test_decision_boundary_of_infinite_outputs_is_silent():
    """Found by the random-action test: ±inf side by side overflowed isocurve."""
    from actlab.views.points.surface_view import contour_lines, image_rect

    img = np.zeros((8, 8))
    img[:, :4], img[:, 4:] = -np.inf, np.inf
    img[0, 0] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x, y = contour_lines(img, 0.5, image_rect(8, 8, 6.0))
    assert len(x) and np.isfinite(x[~np.isnan(x)]).all()


@pytest.mark.parametrize("vmax", [None, 0.5, 1e-12])
def test_colour_maps_saturate_silently(vmax):
    """Found by the random-action test: a float32 3e38 regression output times 255."""
    from actlab.views import colors

    v = np.array([[3e38, -3e38, 1e300, np.inf, -np.inf, np.nan, 0.0, 0.25]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rgba = colors.surface_rgba(v, "regression", False, vmax)
        binary = colors.surface_rgba(v, "classification")
    assert rgba.shape == (1, 8, 4) and binary.shape == (1, 8, 4)
    assert (rgba[0, 0] == colors.DIVERGING_LUT[-1]).all()  # saturated, not wrapped
    assert (rgba[0, 1] == colors.DIVERGING_LUT[0]).all()
