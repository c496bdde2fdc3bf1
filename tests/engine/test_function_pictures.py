"""The curve picture of a function lab (engine/function_pictures.py) against independent
truth: a dense-grid count of the kinks, the network's own predict, the closed-form line."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.analysis import curve_metrics as fm
from actlab.engine.activations.custom import PiecewiseLinear
from actlab.engine.features import transform
from actlab.engine.pictures.curve import NOT_FINITE, make_curve_picture
from actlab.engine.trainer import Trainer
from actlab.lab import default_function_lab

HAT = PiecewiseLinear("Hat", ((-1.0, 0.0), (0.0, 1.0), (1.0, 0.0), (2.0, 0.5)))
STRAIGHT = PiecewiseLinear("Straight", ((-2.0, -3.0), (0.0, 1.0), (3.0, 7.0)))  # 2z + 1


def trainer(hidden, act, seed=1, features=("x",), custom=(), random_scale=None):
    """A function-lab Trainer; with ``random_scale`` its weights are redrawn from
    N(0, scale²) (biases too, so kinks fall anywhere in [-6, 6])."""
    lab = default_function_lab()
    acts = (act,) * len(hidden) if isinstance(act, str) else tuple(act)
    lab = replace(lab, seed=seed, features=tuple(features),
                  network=replace(lab.network, hidden=tuple(hidden), activations=acts,
                                  custom=tuple(custom)))
    t = Trainer(lab)
    if random_scale is not None:
        rng = np.random.default_rng(seed)
        t.network.set_params([(rng.normal(0, random_scale, W.shape),
                               rng.normal(0, 2 * random_scale, b.shape))
                              for W, b in t.network.get_params()])
    return t


def predict(t, x):
    return np.asarray(t.network.predict(transform(np.asarray(x).reshape(-1, 1),
                                                  t.features))).reshape(-1)


@pytest.mark.parametrize("hidden,act,seed", [
    ((8,), "relu", 1), ((8,), "relu", 2), ((5,), "relu", 3),
    ((6, 5), "relu", 4), ((6, 5), "relu", 6), ((8, 8, 8), "relu", 2),
    ((8,), "leaky_relu", 6),
    ((4, 4), "leaky_relu", 7)])
def test_kinks_and_pieces_match_a_fine_grid_count(hidden, act, seed):
    t = trainer(hidden, act, seed, random_scale=1.0)
    pic = make_curve_picture(t)
    gx, gy = fm.curve_on_grid(t.network, t.features, fm.GRID_POINTS)
    grid_kinks = fm.kinks_on_grid(gx, gy)
    assert pic.reason is None and pic.line is None
    assert pic.n_pieces == fm.count_pieces_on_grid(gx, gy) == len(pic.kinks_x) + 1
    assert pic.n_pieces > 2  # the case is not trivial
    step = gx[1] - gx[0]
    assert np.allclose(np.sort(pic.kinks_x), grid_kinks, atol=2 * step)
    # the markers sit on the curve the network computes
    assert np.allclose(pic.kinks_y, predict(t, pic.kinks_x), rtol=1e-12, atol=1e-12)
    assert pic.pieces_bound == int(np.prod([n + 1 for n in hidden]))
    assert pic.n_pieces <= pic.pieces_bound


@pytest.mark.parametrize("hidden,act", [((8,), "relu"), ((6, 5), "leaky_relu"),
                                        ((8,), "tanh"), ((3, 4), ("relu", "tanh"))])
def test_parts_add_up_to_the_networks_output(hidden, act):
    t = trainer(hidden, act, random_scale=1.0)
    pic = make_curve_picture(t)
    assert pic.parts.shape == (pic.x.size, hidden[-1])
    assert np.allclose(pic.parts.sum(axis=1) + pic.bias, predict(t, pic.x),
                       rtol=1e-12, atol=1e-12)
    assert np.allclose(pic.y, predict(t, pic.x), rtol=1e-12, atol=1e-12)
    # the grid: sorted, [-6, 6], ~400 points plus each kink exactly once
    assert pic.x[0] == -6.0 and pic.x[-1] == 6.0 and np.all(np.diff(pic.x) > 0)
    assert 400 <= pic.x.size <= 400 + len(pic.kinks_x)
    assert np.isin(pic.kinks_x, pic.x).all()


def test_the_data_are_the_trainers():
    t = trainer((8,), "relu")
    pic = make_curve_picture(t)
    assert np.array_equal(pic.train_x, t.dataset.X_train[:, 0])
    assert np.array_equal(pic.test_y, t.dataset.y_test)
    for _ in range(3):
        t.train_epoch()
    assert make_curve_picture(t).epoch == 3
    with pytest.raises(ValueError):
        pic.y[0] = 1.0  # frozen: views may keep it


@pytest.mark.parametrize("hidden", [(8,), (4, 3), ()])
def test_linear_network_is_one_line(hidden):
    t = trainer(hidden, "linear", random_scale=1.0)
    pic = make_curve_picture(t)
    assert pic.line is not None and pic.n_pieces == 1 and pic.pieces_bound == 1
    assert pic.kinks_x.size == 0 and pic.reason is None
    # the closed form: slope and intercept from the network itself at x = 0 and x = 1
    y0, y1 = predict(t, [0.0, 1.0])
    assert np.isclose(pic.line.slope, y1 - y0, rtol=1e-12, atol=1e-12)
    assert np.isclose(pic.line.b, y0, rtol=1e-12, atol=1e-12)
    x = np.linspace(-6, 6, 1001)
    assert np.max(np.abs(predict(t, x) - (pic.line.slope * x + pic.line.b))) < 1e-9
    assert pic.line.max_difference < 1e-9
    assert (pic.parts is None) == (not hidden)


def test_designed_straight_activation_collapses_and_a_hat_does_not():
    t = trainer((6,), "Straight", custom=(STRAIGHT,), random_scale=1.0)
    pic = make_curve_picture(t)
    assert pic.line is not None and pic.n_pieces == 1
    x = np.linspace(-6, 6, 1001)
    assert np.max(np.abs(predict(t, x) - (pic.line.slope * x + pic.line.b))) < 1e-9
    t = trainer((6,), "Hat", custom=(HAT,), random_scale=1.0)
    hat = make_curve_picture(t)
    assert hat.line is None and hat.reason is None
    gx, gy = fm.curve_on_grid(t.network, ("x",), fm.GRID_POINTS)
    assert hat.n_pieces == fm.count_pieces_on_grid(gx, gy) > 2
    assert hat.pieces_bound == 2 * 6 + 1  # the hat bends twice (at 0 and 1) in each unit


def test_tanh_has_no_pieces_and_says_why():
    pic = make_curve_picture(trainer((8,), "tanh"))
    assert pic.n_pieces is None and pic.pieces_bound is None and pic.line is None
    assert "smooth" in pic.reason and pic.kinks_x.size == 0
    assert pic.short_reason == "Tanh is smooth: no linear pieces to count"
    assert pic.x.size == 400


def test_bent_features_have_no_pieces_and_no_line():
    pic = make_curve_picture(trainer((8,), "linear", features=("x", "xsq")))
    assert pic.n_pieces is None and pic.line is None
    assert "x" in pic.short_reason and "bends x" in pic.short_reason


@pytest.mark.parametrize("bad", [np.nan, np.inf, 1e200])
def test_diverged_weights_give_a_picture_with_a_reason(bad):
    t = trainer((8, 8), "relu")
    params = t.network.get_params()
    W, b = params[0]
    W = W.copy()
    W[0, 0] = bad
    if bad == 1e200:  # finite weights whose products overflow to inf
        params = [(np.full_like(W, bad), np.full_like(b, bad)) for W, b in params]
    else:
        params = [(W, b)] + list(params[1:])
    t.network.set_params(params)
    pic = make_curve_picture(t)
    assert pic.reason == NOT_FINITE and pic.n_pieces is None and pic.line is None
    assert np.isnan(pic.y).all() and pic.train_y.size == t.dataset.y_train.size

