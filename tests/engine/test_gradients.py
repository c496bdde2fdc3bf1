"""Every gradient the engine computes, checked against central finite differences."""
import numpy as np
import pytest

from actlab.engine.activations.builtin import ACTIVATIONS
from actlab.engine.activations.lookup import get_activation
from actlab.engine.models.mlp import Network


def _fd(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        x[i] = old
        g[i] = (fp - fm) / (2 * h)
    return g


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_derivative_matches_finite_differences(name):
    act = ACTIVATIONS[name]
    # avoid the kinks of relu-like functions at exactly 0
    z = np.array([-3.1, -1.3, -0.4, 0.27, 0.9, 2.2, 4.7])
    h = 1e-6
    fd = (act.value(z + h) - act.value(z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(z), fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_inplace_forms_match_plain_forms(name):
    act = ACTIVATIONS[name]
    z = np.linspace(-5, 5, 41).reshape(-1, 1) * np.ones((1, 3))
    out, tmp, back = np.empty_like(z), np.empty_like(z), np.empty_like(z)
    act.forward(z, out)
    np.testing.assert_allclose(out, act.value(z), rtol=1e-12, atol=1e-14)
    g = np.cos(z) + 0.5
    act.backward(z, out, g, back, tmp)
    np.testing.assert_allclose(back, g * act.derivative(z), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_is_stable_for_huge_inputs(name):
    act = ACTIVATIONS[name]
    z = np.array([-1e4, -800.0, -50.0, 0.0, 50.0, 800.0, 1e4])
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        v = act.value(z)
        d = act.derivative(z)
        out, tmp, back = np.empty_like(z), np.empty_like(z), np.empty_like(z)
        act.forward(z, out)
        act.backward(z, out, np.ones_like(z), back, tmp)
    for arr in (v, d, out, back):
        assert np.all(np.isfinite(arr))


def test_leaky_slope_is_settable():
    act = get_activation("leaky_relu", 0.2)
    np.testing.assert_allclose(act.value(np.array([-2.0, 3.0])), [-0.4, 3.0])
    np.testing.assert_allclose(act.derivative(np.array([-2.0, 3.0])), [0.2, 1.0])


def _problem(output, n_classes=1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(13, 3))
    if output == "sigmoid":
        y = (rng.random(13) > 0.5).astype(float)
    elif output == "softmax":
        y = rng.integers(0, n_classes, 13).astype(float)
    else:
        y = rng.normal(size=13)
    return X, y


@pytest.mark.parametrize("act", list(ACTIVATIONS))
@pytest.mark.parametrize("output,n_out", [("sigmoid", 1), ("softmax", 4), ("linear", 1)])
def test_network_gradient_matches_finite_differences(act, output, n_out):
    net = Network(3, [5, 4], [act, act], n_out, output, "xavier", rng=3)
    X, y = _problem(output, n_out)
    loss, grads = net.loss_and_grads(X, y)
    for layer, (dW, db) in enumerate(grads):
        Wa = net.Wa[layer]
        fd = _fd(lambda: net.loss_and_grads(X, y)[0], Wa)
        np.testing.assert_allclose(dW, fd[:-1], rtol=1e-4, atol=1e-7)
        np.testing.assert_allclose(db, fd[-1], rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("reg", ["l1", "l2"])
def test_regularised_gradient_matches_finite_differences(reg):
    net = Network(3, [4], ["tanh"], 1, "sigmoid", "he", rng=1)
    X, y = _problem("sigmoid")
    _, grads = net.loss_and_grads(X, y, reg, 0.3)
    fd = _fd(lambda: net.loss_and_grads(X, y, reg, 0.3)[0], net.flat)
    flat = np.concatenate([np.vstack([dW, db[None]]).ravel() for dW, db in grads])
    np.testing.assert_allclose(flat, fd, rtol=1e-4, atol=1e-7)


def test_penalty_spares_biases():
    net = Network(2, [3], ["relu"], 1, "linear", rng=0)
    X, y = _problem("linear")
    X = X[:, :2]
    base, _ = net.loss_and_grads(X, y)
    l2, _ = net.loss_and_grads(X, y, "l2", 2.0)
    weights = sum(float((Wa[:-1] ** 2).sum()) for Wa in net.Wa)
    assert l2 - base == pytest.approx(weights, rel=1e-12)


def test_no_hidden_layer_network_is_logistic_regression():
    net = Network(2, [], [], 1, "sigmoid", rng=0)
    W = np.array([[1.5], [-2.0]])
    b = np.array([0.25])
    net.set_params([(W, b)])
    X = np.array([[0.3, -1.0], [2.0, 0.5]])
    expected = 1 / (1 + np.exp(-(X @ W[:, 0] + 0.25)))
    np.testing.assert_allclose(net.predict(X), expected, rtol=1e-12)
