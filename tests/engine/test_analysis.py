"""Linear collapse against the closed form, dead units and linear regions on constructed
networks whose answers are known."""
import numpy as np
import pytest

from actlab.engine.analysis import dense as analysis
from actlab.engine.models.mlp import Network


def _params(sizes, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(a, b)), rng.normal(size=b)) for a, b in zip(sizes, sizes[1:])]


def test_all_linear_network_collapses_to_closed_form():
    (W1, b1), (W2, b2), (W3, b3) = p = _params([2, 5, 4, 1])
    W_eff, b_eff = analysis.compose(p)
    np.testing.assert_allclose(W_eff, W1 @ W2 @ W3, rtol=1e-12)
    np.testing.assert_allclose(b_eff, (b1 @ W2 + b2) @ W3 + b3, rtol=1e-12)
    cp, ca = analysis.collapse(p, ["linear", "linear"])
    assert len(cp) == 1 and ca == []
    X = np.random.default_rng(1).uniform(-6, 6, size=(400, 2))
    assert analysis.max_collapse_difference(p, ["linear", "linear"], X) < 1e-9


def test_collapse_of_trained_engine_network_matches_its_predictions():
    net = Network(2, [8, 8, 8], ["linear"] * 3, 1, "sigmoid", rng=4)
    X = np.random.default_rng(2).uniform(-6, 6, size=(300, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    for _ in range(30):
        _, grads = net.loss_and_grads(X, y)
        net.set_params([(W - 0.1 * dW, b - 0.1 * db)
                        for (W, b), (dW, db) in zip(net.get_params(), grads)])
    W_eff, b_eff = analysis.compose(net.get_params())
    logits = X @ W_eff + b_eff
    p = 1 / (1 + np.exp(-logits[:, 0]))
    np.testing.assert_allclose(net.predict(X), p, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("acts,runs", [
    (["linear", "linear"], [(0, 2)]),
    (["relu", "linear", "linear"], [(1, 3)]),
    (["linear", "tanh", "linear"], [(0, 1), (2, 3)]),
    (["tanh", "relu"], []),
    ([], []),
])
def test_collapse_runs(acts, runs):
    assert analysis.collapse_runs(acts) == runs


def test_mixed_network_collapse_is_exact_and_shallower():
    acts = ["linear", "linear", "tanh", "linear"]
    p = _params([2, 3, 4, 5, 3, 1], seed=5)
    cp, ca = analysis.collapse(p, acts)
    assert ca == ["tanh"] and len(cp) == 2
    X = np.random.default_rng(0).uniform(-6, 6, size=(200, 2))
    assert analysis.max_collapse_difference(p, acts, X) < 1e-9


def test_nonlinearity_meter_is_zero_for_linear_and_large_for_bent_network():
    X = np.random.default_rng(0).uniform(-6, 6, size=(500, 2))
    lin = Network(2, [6, 6], ["linear", "linear"], 1, "sigmoid", rng=1)
    assert analysis.nonlinearity_meter(lin, X).meter < 1e-9
    bent = Network(2, [6, 6], ["tanh", "tanh"], 1, "sigmoid", "he", rng=1)
    bent.set_params([(W * 3, b) for W, b in bent.get_params()])
    assert analysis.nonlinearity_meter(bent, X).meter > 0.05


def test_dead_units_counted_on_constructed_case():
    net = Network(2, [3, 2], ["relu", "relu"], 1, "sigmoid", rng=0)
    W1 = np.array([[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]])
    b1 = np.array([0.0, -100.0, -1.0])     # unit 1: always negative; unit 2: always -1
    W2 = np.array([[1.0, -1.0], [1.0, 1.0], [1.0, 1.0]])
    b2 = np.array([0.0, -50.0])            # second unit of layer 2 never fires
    net.set_params([(W1, b1), (W2, b2), (np.ones((2, 1)), np.zeros(1))])
    X = np.random.default_rng(0).uniform(-6, 6, size=(100, 2))
    assert analysis.dead_units(net, X) == [2, 1]


def test_linear_regions_of_known_relu_network():
    net = Network(2, [2], ["relu"], 1, "sigmoid", rng=0)
    net.set_params([(np.eye(2), np.zeros(2)), (np.ones((2, 1)), np.zeros(1))])
    xs = np.linspace(-5.5, 5.5, 40)
    X = np.array([[a, b] for a in xs for b in xs])
    ids, count = analysis.linear_regions(net, X)
    assert count == 4   # the four quadrants
    # three lines in general position cut the plane into 7 regions
    net3 = Network(2, [3], ["relu"], 1, "sigmoid", rng=0)
    W = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    net3.set_params([(W, np.array([0.0, 0.0, -3.0])), (np.ones((3, 1)), np.zeros(1))])
    assert analysis.linear_regions(net3, X)[1] == 7
    assert analysis.linear_regions(Network(2, [2], ["tanh"], 1, rng=0), X) is None


def test_gradient_norms_vanish_in_deep_sigmoid_network():
    X = np.random.default_rng(0).uniform(-6, 6, size=(200, 2))
    y = (np.hypot(X[:, 0], X[:, 1]) < 2.5).astype(float)
    net = Network(2, [8] * 8, ["sigmoid"] * 8, 1, "sigmoid", rng=0)
    norms = analysis.gradient_norms(net, X, y)
    assert norms.shape == (9,)
    assert norms[0] < norms[-1] / 100   # first layer learns >100x slower than the last


def test_feature_note_is_honest():
    assert "exact" in analysis.feature_coordinates_note(("x1", "x2"))
    assert "curved" in analysis.feature_coordinates_note(("x1", "x1sq"))
