"""Trainer's convenience API: raw points in, feature rows out, for labs with any features."""
import numpy as np
import pytest

from actlab.engine.features import transform
from actlab.engine.trainer import Trainer
from actlab.lab import DataSpec, Lab, NetworkSpec
from actlab.labfile.presets import load_preset


@pytest.mark.parametrize("preset", ["spiral-relu-vs-tanh", "circle-features-vs-layers",
                                    "linear-collapse-xor"])
def test_train_rows_are_in_feature_space_and_fit_the_network(preset):
    t = Trainer(load_preset(preset).without_results())
    t.train(3)
    X, y = t.train_rows()
    assert X.shape == (t.dataset.n_train, len(t.features)) == (len(y), t.network.sizes[0])
    np.testing.assert_array_equal(X, transform(t.dataset.X_train, t.features))
    np.testing.assert_array_equal(y, t.dataset.y_train)
    Xt, yt = t.test_rows()
    np.testing.assert_array_equal(Xt, transform(t.dataset.X_test, t.features))
    # the history's last loss is the network's data loss on exactly these rows
    assert t.network.data_loss(X, y) == pytest.approx(t.history.last()["train_loss"], rel=1e-12)
    loss, grads = t.network.loss_and_grads(X, y)
    assert loss == pytest.approx(t.history.last()["train_loss"], rel=1e-12)
    # the rows are copies: changing them does not touch the trainer
    X[:] = 0
    assert not np.array_equal(t.train_rows()[0], X)


@pytest.mark.parametrize("preset", ["spiral-relu-vs-tanh", "circle-features-vs-layers"])
def test_predict_points_applies_the_features(preset):
    t = Trainer(load_preset(preset).without_results())
    P = np.array([[0.5, -1.0], [2.0, 3.0], [-4.0, 0.25]])
    expected = t.network.predict(transform(P, t.features))
    np.testing.assert_array_equal(t.predict_points(P), expected)
    np.testing.assert_array_equal(t.predict_points(P[0]), expected[:1])     # one point
    np.testing.assert_array_equal(t.predict_points(P.tolist()), expected)
    # and on the training points it agrees with the network on the feature rows
    X, _ = t.train_rows()
    np.testing.assert_allclose(t.predict_points(t.dataset.X_train), t.network.predict(X),
                               rtol=0, atol=0)


def test_predict_points_shapes_per_problem():
    three = Trainer(Lab(data=DataSpec(generator="spiral3", n_points=60),
                        network=NetworkSpec(hidden=(4,), activations=("tanh",))))
    p = three.predict_points([[0.0, 0.0], [1.0, 1.0]])
    assert p.shape == (2, 3) and np.allclose(p.sum(axis=1), 1.0)
    reg = Trainer(Lab(data=DataSpec(generator="plane", n_points=60, problem="regression")))
    assert reg.predict_points([[0.0, 0.0]]).shape == (1,)


@pytest.mark.parametrize("bad", [np.zeros((3, 3)), np.zeros((2, 2, 2)), [[1.0]]])
def test_predict_points_refuses_other_shapes(bad):
    t = Trainer(Lab())
    with pytest.raises(ValueError, match=r"\(x1, x2\)"):
        t.predict_points(bad)
