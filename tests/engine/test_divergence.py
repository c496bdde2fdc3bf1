"""Divergence: any non-finite parameter or loss, a runaway loss, or values too large to
draw stop training with a reason, and the weights kept are finite and draw."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from dataclasses import replace

from actlab.engine.divergence import (VALUE_LIMIT, diagnose, runaway_factor,
                                      safe_weight_limit)
from actlab.engine.models.mlp import Network, augment
from actlab.engine.trainer import Trainer
from actlab.lab import DataSpec, Lab, NetworkSpec, TrainingSpec
from actlab.labfile.format import load_lab, save_lab
from actlab.labfile.presets import load_preset, preset_names


def _lab(generator, act, lr=5.0, opt="sgd", batch=1, hidden=(8, 8)):
    problem = "regression" if generator in ("plane", "gaussian_mix") else "classification"
    return Lab(data=DataSpec(generator=generator, n_points=200, noise=0.1, problem=problem),
               network=NetworkSpec(hidden=hidden, activations=(act,) * len(hidden)),
               training=TrainingSpec(optimizer=opt, learning_rate=lr, batch_size=batch))


def _all_finite(params):
    return all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in params)


def _check_kept_weights_draw(t: Trainer):
    assert np.isfinite(t.network.flat).all()
    assert _all_finite(t.to_lab().params)
    snap = t.snapshot(grid=60)
    assert np.isfinite(snap.surface).all()
    assert all(np.isfinite(n).all() for n in snap.neurons)
    columns = ["train_loss", "test_loss"]
    if t.output != "linear":          # accuracy is NaN (undefined) for regression
        columns += ["train_accuracy", "test_accuracy"]
    for name in columns:
        assert np.isfinite(t.history.column(name)).all()
    assert snap.diverged == t.diverged


@pytest.mark.parametrize("act,generator,hidden", [
    ("elu", "circle", (8, 8)), ("elu", "circle", (4, 2)), ("elu", "plane", (8, 8)),
    ("relu", "plane", (8, 8)), ("relu", "plane", (4, 2))])
def test_high_learning_rate_diverges_with_reason_and_finite_weights(act, generator, hidden,
                                                                    tmp_path):
    t = Trainer(_lab(generator, act, hidden=hidden))
    done = t.train(100)
    assert t.diverged, f"no divergence in {done} epochs"
    assert done < 100 and len(t.history) == done
    assert "diverged at epoch" in t.diverged and "lower it" in t.diverged
    assert "learning rate (5)" in t.diverged
    _check_kept_weights_draw(t)
    assert t.train(5) == 0            # a diverged run stays stopped
    # what is kept can be saved, and loads back as the same lab
    path = tmp_path / "after.actlab"
    save_lab(t.to_lab(), path)
    assert load_lab(path) == t.to_lab()


@pytest.mark.parametrize("hidden", [(4, 2), (8, 8)])
def test_relu_circle_at_rate_5_dies_rather_than_diverges(hidden):
    """Every ReLU unit dies (loss about 1.1, accuracy 50 %): a dead network, not a
    divergence — its weights are finite and draw, and the run goes on."""
    t = Trainer(_lab("circle", "relu", hidden=hidden))
    t.train(60)
    if t.diverged is None:
        assert t.history.last()["train_accuracy"] <= 0.6
    _check_kept_weights_draw(t)


@pytest.mark.parametrize("generator", ["plane", "gaussian_mix"])
@pytest.mark.parametrize("act", ["linear", "relu", "elu", "tanh", "gelu", "silu"])
@pytest.mark.parametrize("lr,opt", [(1.0, "sgd"), (10.0, "sgd"), (1.0, "momentum"),
                                    (10.0, "adam")])
def test_regression_runs_keep_weights_that_draw(generator, act, lr, opt):
    """On regression data the loss can stay finite while it runs away (losses of 1e157
    and |w| ~ 1e153 were kept before): whatever the run does, what is kept draws."""
    t = Trainer(_lab(generator, act, lr=lr, opt=opt))
    t.train(40)
    _check_kept_weights_draw(t)
    bound = runaway_factor("linear") * max(t._loss_start, 1.0)
    assert np.all(t.history.column("train_loss") <= bound)   # (may be empty)


def test_runaway_loss_is_detected_before_it_overflows():
    # linear network, plane data: the loss grows geometrically, finite for many epochs
    t = Trainer(_lab("plane", "linear", lr=0.08, batch=50))
    t.train(200)
    assert t.diverged and "ran away" in t.diverged and "a million times" in t.diverged
    assert len(t.history) >= 1
    assert t.history.column("train_loss").max() <= 1e6 * max(t._loss_start, 1.0)
    _check_kept_weights_draw(t)


def test_values_too_large_to_draw_are_divergence():
    """ReLU on plane data at learning rate 1 once kept first-layer weights of 1e88 behind
    dead units: a small loss, but neuron images of inf."""
    t = Trainer(_lab("plane", "relu", lr=1.0))
    t.train(30)
    assert t.diverged and "too large to draw" in t.diverged
    _check_kept_weights_draw(t)


def test_diverged_trainer_can_restart_from_its_lab_at_a_lower_rate():
    t = Trainer(_lab("circle", "elu"))
    t.train(50)
    assert t.diverged
    u = Trainer(replace(t.to_lab(), training=TrainingSpec(learning_rate=0.03)))
    assert u.diverged is None and u.train(5) == 5


# ---------------------------------------------------------------- diagnose, branch by branch
ROW = np.array([0.5, 0.6, 0.9, 0.8])


def _diag(P=None, row=ROW, has_test=True, start=0.7, factor=1e6, limit=1e9, largest=1.0):
    P = np.zeros(5) if P is None else np.asarray(P, dtype=float)
    return diagnose(P, np.asarray(row, dtype=float), has_test, start, factor, limit,
                    lambda: largest)


def test_diagnose_accepts_a_healthy_epoch():
    assert _diag() is None
    assert _diag(row=[0.5, np.nan, 0.9, np.nan], has_test=False) is None


def test_diagnose_finds_nan_weights_even_with_a_finite_loss():
    what = _diag(P=[0.1, np.nan, 0.2, np.nan, 1.0])
    assert what == "2 of 5 weights became NaN"
    assert _diag(P=[0.1, np.inf, 0.2, 0, 0]) == "1 of 5 weights became infinite"


@pytest.mark.parametrize("i,part", [(0, "training"), (1, "test")])
@pytest.mark.parametrize("bad,word", [(np.nan, "NaN"), (np.inf, "infinite")])
def test_diagnose_finds_non_finite_losses(i, part, bad, word):
    row = ROW.copy()
    row[i] = bad
    assert _diag(row=row) == f"the {part} loss became {word}"


def test_diagnose_runaway_bound_is_relative_to_the_start_but_at_least_one():
    assert _diag(row=[0.99e6, 1, 1, 1], start=0.01) is None
    assert "ran away" in _diag(row=[1.01e6, 1, 1, 1], start=0.01)
    assert _diag(row=[0.99e8, 1, 1, 1], start=100.0) is None
    assert "ran away" in _diag(row=[1.01e8, 1, 1, 1], start=100.0)
    assert "a thousand times" in _diag(row=[1001, 1, 1, 1], start=0.69, factor=1e3)
    assert runaway_factor("linear") == 1e6
    assert runaway_factor("sigmoid") == runaway_factor("softmax") == 1e3


def test_classification_presets_never_trip_the_runaway_bound():
    """Healthy training at the presets' own settings must not count as divergence."""
    for name in preset_names():
        t = Trainer(load_preset(name).without_results())
        t.train(150)
        assert t.diverged is None, (name, t.diverged)


def test_diagnose_scans_values_only_above_the_weight_limit():
    calls = []

    def largest():
        calls.append(1)
        return 1e40

    P = np.array([0.0, 5.0])
    assert diagnose(P, ROW, True, 0.7, 1e6, 10.0, largest) is None and not calls
    assert "too large to draw" in diagnose(P, ROW, True, 0.7, 1e6, 4.0, largest)
    assert diagnose(P, ROW, True, 0.7, 1e6, 4.0, lambda: 1e20) is None


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(1, 64), min_size=2, max_size=12),
       x_max=st.floats(0.01, 1e3),
       act=st.sampled_from(["linear", "relu", "elu", "softplus", "gelu", "silu"]))
def test_safe_weight_limit_is_a_true_bound(sizes, x_max, act):
    """With every weight at the limit and every input at ±x_max (the worst case for these
    monotone activations), no pre-activation exceeds VALUE_LIMIT."""
    m = safe_weight_limit(sizes, x_max)
    assert 0 < m < VALUE_LIMIT
    net = Network(sizes[0], sizes[1:-1], [act] * (len(sizes) - 2), sizes[-1],
                  output="linear", rng=0)
    net.flat[:] = m
    X = np.full((2, sizes[0]), x_max)
    X[1] = -x_max
    ws = net.workspace(2)
    with np.errstate(over="ignore", invalid="ignore"):
        net.forward_logits(augment(X))
    largest = max(float(np.abs(Z).max()) for Z in ws.Z)
    assert largest <= VALUE_LIMIT
    assert not math.isnan(largest)


def test_huge_inputs_are_blamed_not_the_learning_rate():
    """A point far out (x = 1e6, as far as a lab file or CSV allows) with the x² feature
    feeds the network 1e12: the message says to rescale the data, not to lower a learning
    rate that is not the cause, and no NumPy warning escapes."""
    import warnings

    from actlab.lab import FunctionDataSpec

    lab = load_preset("functions-one-kink")
    pts = (((0.0, 0.0), (1.0, 1.0), (1e6, 2.0)), ((0.5, 0.5),))
    lab = replace(lab.without_results(),
                  data=FunctionDataSpec(generator="custom", n_points=0, points=pts),
                  features=("x", "xsq"),
                  training=replace(lab.training, optimizer="sgd", stop_after=None))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = Trainer(lab)
        t.train(200)
    assert t.diverged, "1e12 inputs trained 200 epochs without diverging"
    assert "inputs reach 1e+12" in t.diverged and "rescale the data" in t.diverged
    assert "learning rate" not in t.diverged
    _check_kept_weights_draw(t)
