"""What the numbers mean: the history's loss is the data loss, loss_and_grads adds the
penalty, regularisation names are checked, and accuracy is a count over n."""
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest

from actlab.engine.models.mlp import Network, regularization_kind
from actlab.engine.regularizers import regularizer_ops
from actlab.engine.trainer import Trainer
from actlab.lab import DataSpec, Lab, NetworkSpec, TrainingSpec


def _independent_data_loss(net, X, y):
    """Forward pass written out with plain NumPy (not the engine's buffers)."""
    h = np.asarray(X, dtype=float)
    params = net.get_params()
    for (W, b), act in zip(params[:-1], net.acts):
        h = act.value(h @ W + b)
    W, b = params[-1]
    z = h @ W + b
    if net.output == "sigmoid":
        p = 1.0 / (1.0 + np.exp(-z[:, 0]))
        return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))
    if net.output == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        return float(np.mean(-np.log(p[np.arange(len(y)), y.astype(int)])))
    return float(np.mean((z[:, 0] - y) ** 2) / 2)


def _independent_penalty(net, kind, rate):
    ws = [W for W, _ in net.get_params()]          # weights only, never biases
    if kind == "l2":
        return rate * 0.5 * sum(float((W ** 2).sum()) for W in ws)
    return rate * sum(float(np.abs(W).sum()) for W in ws)


@pytest.mark.parametrize("spelling,kind", [("l2", "l2"), ("L2", "l2"), (" L1 ", "l1"),
                                           ("l1", "l1")])
def test_loss_and_grads_is_data_loss_plus_penalty(spelling, kind):
    rng = np.random.default_rng(3)
    net = Network(3, (5, 4), ("tanh", "relu"), rng=1)
    net.flat[:] = rng.normal(0, 0.8, net.n_params)
    X, y = rng.normal(size=(40, 3)), (rng.random(40) > 0.5).astype(float)
    rate = 0.37
    loss, _ = net.loss_and_grads(X, y, spelling, rate)
    data = _independent_data_loss(net, X, y)
    assert net.data_loss(X, y) == pytest.approx(data, rel=1e-12)
    assert net.penalty(spelling, rate) == pytest.approx(_independent_penalty(net, kind, rate),
                                                        rel=1e-12)
    assert loss == pytest.approx(data + _independent_penalty(net, kind, rate), rel=1e-12)
    # and without a penalty it is exactly the data loss
    assert net.loss_and_grads(X, y)[0] == pytest.approx(data, rel=1e-12)


def test_any_case_gives_the_same_loss_and_gradient():
    net = Network(2, (3,), ("tanh",), rng=0)
    X, y = np.random.default_rng(0).normal(size=(9, 2)), np.arange(9) % 2
    la, ga = net.loss_and_grads(X, y, "L2", 0.1)
    lb, gb = net.loss_and_grads(X, y, "l2", 0.1)
    lc, _ = net.loss_and_grads(X, y, "none", 0.1)
    assert la == lb and la > lc
    assert all(np.array_equal(a, b) for pa, pb in zip(ga, gb) for a, b in zip(pa, pb))


@pytest.mark.parametrize("bad", ["ridge", "lasso", "l3", "", "elastic"])
def test_unknown_regularisation_is_refused_with_the_valid_names(bad):
    net = Network(2, (3,), ("tanh",), rng=0)
    X, y = np.zeros((4, 2)), np.zeros(4)
    for call in (lambda: net.loss_and_grads(X, y, bad, 0.1), lambda: net.penalty(bad, 0.1),
                 lambda: regularization_kind(bad),
                 lambda: regularizer_ops(bad, net.flat, net.grad_flat, net.flat, net.flat)):
        with pytest.raises(ValueError) as e:
            call()
        assert all(k in str(e.value) for k in ("none", "l1", "l2"))
    lab = Lab(training=TrainingSpec(regularization=bad, reg_rate=0.01))
    with pytest.raises(ValueError, match="unknown regularization"):
        Trainer(lab)


def test_trainer_accepts_any_spelling_and_stores_the_canonical_one():
    lab = Lab(network=NetworkSpec(hidden=(4, 2), activations=("ReLU", "TanH")),
              training=TrainingSpec(optimizer="Adam", regularization="L2", reg_rate=0.01))
    canonical = Lab(network=NetworkSpec(hidden=(4, 2), activations=("relu", "tanh")),
                    training=TrainingSpec(optimizer="adam", regularization="l2",
                                          reg_rate=0.01))
    a, b = Trainer(lab), Trainer(canonical)
    a.train(5)
    b.train(5)
    assert np.array_equal(a.network.flat, b.network.flat)   # the penalty was applied
    assert a.to_lab() == b.to_lab()
    assert a.to_lab().network.activations == ("relu", "tanh")
    c = Trainer(replace(canonical, training=replace(canonical.training, reg_rate=0.0)))
    c.train(5)
    assert not np.array_equal(a.network.flat, c.network.flat)


@pytest.mark.parametrize("generator,reg", [("circle", "l2"), ("spiral3", "l1"),
                                           ("plane", "l2")])
def test_history_loss_is_the_data_loss_without_penalty(generator, reg):
    problem = "regression" if generator == "plane" else "classification"
    lab = Lab(data=DataSpec(generator=generator, n_points=120, problem=problem),
              network=NetworkSpec(hidden=(6,), activations=("tanh",)),
              training=TrainingSpec(regularization=reg, reg_rate=0.05))
    t = Trainer(lab)
    t.train(3)
    X, y = t.train_rows()
    Xt, yt = t.test_rows()
    last = t.history.last()
    assert last["train_loss"] == pytest.approx(_independent_data_loss(t.network, X, y), rel=1e-12)
    assert last["test_loss"] == pytest.approx(_independent_data_loss(t.network, Xt, yt),
                                              rel=1e-12)
    objective, _ = t.network.loss_and_grads(X, y, reg, 0.05)
    assert objective == pytest.approx(last["train_loss"] + t.network.penalty(reg, 0.05),
                                      rel=1e-12)
    assert objective > last["train_loss"]


@pytest.mark.parametrize("generator,n_points", [("circle", 500), ("xor", 333), ("spiral3", 301),
                                                ("blobs3", 97), ("moons", 61)])
def test_accuracy_is_exactly_a_count_over_n(generator, n_points):
    lab = Lab(data=DataSpec(generator=generator, n_points=n_points, train_fraction=0.7),
              network=NetworkSpec(hidden=(5,), activations=("tanh",)),
              training=TrainingSpec(learning_rate=0.1))
    t = Trainer(lab)
    t.train(40)
    sizes = {"train_accuracy": t.n_train, "test_accuracy": len(t.test_rows()[1])}
    for name, n in sizes.items():
        for acc in t.history.column(name):
            k = round(acc * n)
            assert acc == k / n, f"{name} {acc!r} is not {k}/{n}"
            assert Fraction(acc).limit_denominator(n) == Fraction(k, n)
            assert 0.0 <= acc <= 1.0
        # and it is the share of rows the network gets right, counted independently
    X, y = t.train_rows()
    p = t.network.predict(X)
    pred = p.argmax(axis=1) if p.ndim == 2 else (p > 0.5).astype(int)
    assert t.history.last()["train_accuracy"] == np.count_nonzero(pred == y) / len(y)


def test_perfect_accuracy_is_exactly_one():
    # a sum of 1/n's gave 1.0000000000000007; a count over n cannot
    # 18 training and 18 test rows: eighteen 1/18s summed by a dot product give 1 + 2.2e-16
    lab = Lab(data=DataSpec(generator="gaussian", n_points=36, noise=0.0),
              network=NetworkSpec(hidden=(3,), activations=("tanh",)),
              training=TrainingSpec(learning_rate=0.1))
    t = Trainer(lab)
    t.train(30)
    assert t.history.last()["train_accuracy"] == 1.0
    assert t.history.last()["test_accuracy"] == 1.0
