"""ConvNetwork and its training: the whole network against a loop reference and finite
differences, the parameter layout, determinism, validation, and a learning test."""

import numpy as np
import pytest

from actlab.engine.data.images import ImageData
from actlab.engine.models.cnn import ConvNetwork, ConvSpec, ImageNetSpec
from actlab.engine.trainer import Trainer
from actlab.lab import ImageDataSpec, Lab, TrainingSpec
from cnn_reference import network_logits

SPECS = {
    "gap": ImageNetSpec(conv=(ConvSpec(3, 3, "same", 1, "tanh", "max"),
                              ConvSpec(2, 3, "valid", 1, "softplus", "none")),
                        head="gap", n_classes=3, input_size=8),
    "flatten": ImageNetSpec(conv=(ConvSpec(2, 5, "same", 2, "elu", "avg"),),
                            head="flatten", hidden=(4, 3), activations=("tanh", "sigmoid"),
                            n_classes=2, input_size=9),
    "deep": ImageNetSpec(conv=(ConvSpec(2, 3, "same", 1, "gelu", "none"),
                               ConvSpec(2, 3, "same", 2, "tanh", "none"),
                               ConvSpec(3, 3, "valid", 1, "silu", "max")),
                         head="flatten", hidden=(3,), activations=("linear",),
                         n_classes=4, input_size=11),
}


def images(n, size, seed=0):
    return np.random.default_rng(seed).random((n, 1, size, size))


@pytest.mark.parametrize("name", SPECS)
def test_forward_matches_the_loop_reference_in_pytorch_layout(name):
    spec = SPECS[name]
    net = ConvNetwork(spec, 3)
    X = images(3, spec.input_size)
    want = network_logits(spec, net.get_params(), X)
    np.testing.assert_allclose(net.logits(X), want, rtol=1e-11, atol=1e-12)
    p = net.predict(X)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-14)


@pytest.mark.parametrize("reg", [("none", 0.0), ("l2", 0.3), ("l1", 0.05)])
@pytest.mark.parametrize("name", SPECS)
def test_whole_network_gradient_against_finite_differences(name, reg):
    spec = SPECS[name]
    net = ConvNetwork(spec, 4)
    net.flat += np.random.default_rng(1).normal(scale=0.1, size=net.n_params)  # biases != 0
    X = images(4, spec.input_size, 2)
    y = np.arange(4) % spec.n_classes
    loss, grads = net.loss_and_grads(X, y, *reg)
    assert loss == pytest.approx(net.data_loss(X, y) + net.penalty(*reg), rel=1e-13)
    analytic = np.concatenate([np.concatenate([g.ravel(), b.ravel()]) for g, b in grads])
    numeric = np.zeros(net.n_params)
    P, h = net.flat, 1e-6
    for i in range(net.n_params):
        old = P[i]
        P[i] = old + h
        fp = net.data_loss(X, y) + net.penalty(*reg)
        P[i] = old - h
        fm = net.data_loss(X, y) + net.penalty(*reg)
        P[i] = old
        numeric[i] = (fp - fm) / (2 * h)
    err = np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic) + np.linalg.norm(numeric))
    assert err < 1e-6


def test_chunked_loss_and_grads_equal_the_one_batch_gradient():
    spec = SPECS["gap"]
    net = ConvNetwork(spec, 5)
    X, y = images(300, 8, 1), np.arange(300) % 3       # 300 > net.chunk: two chunks
    loss, grads = net.loss_and_grads(X, y)
    loss1 = net._gradients(net._images(X), y)
    assert net.chunk < 300 and loss == pytest.approx(loss1, rel=1e-12)
    whole = np.concatenate([np.concatenate([g.ravel(), b.ravel()]) for g, b in grads])
    np.testing.assert_allclose(whole, net.grad_flat, rtol=1e-10, atol=1e-14)


def test_big_layers_go_through_in_small_chunks():
    spec = ImageNetSpec(conv=(ConvSpec(16, 7), ConvSpec(16, 7)), input_size=32)
    net = ConvNetwork(spec, 0)
    assert net.chunk == 5                   # 6.4 MB of columns per image, 32 MB at most
    X = images(12, 32)
    p = net.predict(X)
    np.testing.assert_allclose(p[7:9], net.predict(X[7:9]), rtol=1e-12)


def test_relu_layers_use_the_registry_derivative_exactly():
    from actlab.engine.activations.lookup import get_activation
    from actlab.engine.models.cnn_layers import Act
    relu = get_activation("relu")
    z = np.array([[[[-2.0, -0.0, 0.0, 1e-300, 3.0, np.nan, -np.inf, np.inf]]]])
    layer = Act((1, 1, 8), relu)
    g = np.full_like(z, 2.0)
    layer.forward(z)
    got = layer.backward(g)
    np.testing.assert_array_equal(got, g * relu.derivative(z))   # NaN where z is NaN


def test_params_layout_and_round_trip():
    spec = ImageNetSpec(conv=(ConvSpec(4, 5), ConvSpec(6, 3, pool="max")), head="flatten",
                        hidden=(7,), activations=("relu",), n_classes=3, input_size=12)
    net = ConvNetwork(spec, 0)
    shapes = [(K.shape, b.shape) for K, b in net.get_params()]
    assert shapes == [((4, 1, 5, 5), (4,)), ((6, 4, 3, 3), (6,)), ((6 * 6 * 6, 7), (7,)),
                      ((7, 3), (3,))]
    assert net.n_params == sum(K.size + b.size for K, b in net.get_params())
    X = images(5, 12)
    before = net.predict(X)
    other = ConvNetwork(spec, 99)
    assert not np.allclose(other.predict(X), before)
    other.set_params(net.get_params())
    assert np.array_equal(other.predict(X), before)
    assert np.array_equal(other.flat, net.flat)
    # get_params returns copies
    net.get_params()[0][0][...] = 123.0
    assert np.array_equal(net.predict(X), before)


def test_set_params_refuses_wrong_shapes_and_changes_nothing():
    net = ConvNetwork(ImageNetSpec(), 0)
    good = net.get_params()
    flat = net.flat.copy()
    bad = [(np.zeros((8, 1, 3, 3)), np.zeros(8)), (np.zeros((8, 8, 5, 5)), np.zeros(8)),
           good[2]]
    with pytest.raises(ValueError, match=r"layer 1 \(conv 2\): K \(8, 8, 5, 5\)"):
        net.set_params(bad)
    with pytest.raises(ValueError, match="expected 3"):
        net.set_params(good[:2])
    assert np.array_equal(net.flat, flat)


def test_initialisation_he_for_relu_xavier_otherwise():
    spec = ImageNetSpec(conv=(ConvSpec(16, 7, activation="relu"),
                              ConvSpec(16, 7, activation="tanh")), input_size=16)
    (K1, b1), (K2, _), (W, _) = ConvNetwork(spec, 0).get_params()
    assert K1.std() == pytest.approx(np.sqrt(2 / 49), rel=0.1)      # He normal
    lim = np.sqrt(6 / (16 * 49 + 16 * 49))                          # Xavier uniform
    assert np.abs(K2).max() <= lim and np.abs(K2).max() > 0.95 * lim
    assert not b1.any()


def conv_trainer(spec, X, y, seed=0, **training):
    """The Trainer of an image lab with ``spec`` on images ``X``, labels ``y`` (no test
    images): weights from ``default_rng([seed, 0])``, minibatches from ``[seed, 1]``."""
    data = ImageData(X, y, X[:0], y[:0], tuple(map(str, range(spec.n_classes))),
                     spec.input_size)
    lab = Lab(data=ImageDataSpec(), network=spec, seed=seed,
              training=TrainingSpec(**{"batch_size": 8, **training}))
    return Trainer(lab, data)


def train(spec, seed, X, y, epochs, optimizer="sgd", lr=0.05, **kw):
    t = conv_trainer(spec, X, y, seed, optimizer=optimizer, learning_rate=lr, **kw)
    for _ in range(epochs):
        assert t.train_epoch(), t.diverged
    return t.network, t


@pytest.mark.parametrize("opt,kw", [("sgd", {}), ("momentum", {"regularization": "l2",
                                                                 "reg_rate": 1e-3}),
                                    ("adam", {"regularization": "l1", "reg_rate": 1e-4})])
def test_same_seed_same_bits_after_three_epochs(opt, kw):
    spec = SPECS["flatten"]
    X, y = images(30, 9, 4), np.arange(30) % 2
    a, ta = train(spec, 7, X, y, 3, opt, 0.01, **kw)
    b, tb = train(spec, 7, X, y, 3, opt, 0.01, **kw)
    assert a.flat.tobytes() == b.flat.tobytes()
    assert np.array_equal(ta.history.column("train_loss"), tb.history.column("train_loss"))
    c, _ = train(spec, 8, X, y, 3, opt, 0.01, **kw)
    assert c.flat.tobytes() != a.flat.tobytes()


@pytest.mark.parametrize("reg", [("none", 0.0), ("l2", 0.1), ("l1", 0.01)])
def test_one_full_batch_epoch_is_one_gradient_step(reg):
    spec = SPECS["gap"]
    X, y = images(10, 8, 6), np.arange(10) % 3
    t = conv_trainer(spec, X, y, 2, learning_rate=0.3, batch_size=10, regularization=reg[0],
                     reg_rate=reg[1])
    net = t.network
    start = net.flat.copy()
    _, grads = net.loss_and_grads(X, y, *reg)
    g = np.concatenate([np.concatenate([w.ravel(), b.ravel()]) for w, b in grads])
    assert t.train_epoch()
    np.testing.assert_allclose(net.flat, start - 0.3 * g, rtol=1e-12, atol=1e-15)


def test_divergence_is_reported_and_the_last_good_weights_kept():
    spec = ImageNetSpec(conv=(ConvSpec(4, 3, activation="linear"),), input_size=8)
    X, y = images(40, 8, 5) * 50, np.arange(40) % 2
    t = conv_trainer(spec, X, y, learning_rate=1e4)
    net = t.network
    results = [t.train_epoch() for _ in range(5)]
    assert results[-1] is False and "Training diverged at epoch" in t.diverged
    assert "learning rate (10000)" in t.diverged
    assert np.isfinite(net.flat).all() and np.isfinite(net.predict(X)).all()
    assert t.train_epoch() is False          # stays stopped


def bars(n, size, rng, margin=3):
    """Horizontal (label 0) or vertical (label 1) bars of the same length, one pixel thick:
    equal ink, away from the border so every pixel meets the whole 5×5 receptive field of
    two "same" 3×3 convolutions (then a linear CNN with global average pooling sees only
    the amount of ink, which is the same for both classes)."""
    X = np.zeros((n, 1, size, size))
    y = np.arange(n) % 2
    length = 4
    for i in range(n):
        r = rng.integers(margin, size - margin)
        c = rng.integers(margin, size - margin - length + 1)
        if y[i] == 0:
            X[i, 0, r, c:c + length] = 1.0
        else:
            X[i, 0, c:c + length, r] = 1.0
    return X, y


def accuracy(net, X, y):
    return float(np.mean(net.predict(X).argmax(axis=1) == y))


@pytest.mark.parametrize("seed", [0, 1])
def test_relu_cnn_learns_bars_where_a_linear_cnn_with_gap_stays_at_chance(seed):
    rng = np.random.default_rng(10 + seed)
    Xtr, ytr = bars(160, 12, rng)
    Xte, yte = bars(200, 12, rng)
    results = {}
    for act in ("relu", "linear"):
        spec = ImageNetSpec(conv=(ConvSpec(8, 3, activation=act), ConvSpec(8, 3, activation=act)),
                            head="gap", input_size=12)
        net, _ = train(spec, seed, Xtr, ytr, 40, "adam", 0.01)
        results[act] = accuracy(net, Xte, yte)
    assert results["relu"] > 0.9
    assert results["linear"] <= 0.6, results


def test_spec_validation_messages():
    with pytest.raises(ValueError, match=r"^kernel: 4 is not allowed \(choose from 3, 5, 7\)"):
        ConvSpec(kernel=4)
    with pytest.raises(ValueError, match=r"^filters: 17 is not allowed .*1 to 16"):
        ConvSpec(filters=17)
    with pytest.raises(ValueError, match=r"^padding: 'full' .*valid, same"):
        ConvSpec(padding="full")
    with pytest.raises(ValueError, match=r"^stride: 3 .*1, 2"):
        ConvSpec(stride=3)
    with pytest.raises(ValueError, match=r"^pool: 'min' .*none, max, avg"):
        ConvSpec(pool="min")
    with pytest.raises(ValueError, match=r"^activation: unknown activation 'swoosh'"):
        ConvSpec(activation="swoosh")
    assert ConvSpec(activation="Leaky ReLU").activation == "leaky_relu"
    with pytest.raises(ValueError, match=r"^conv: \(\) .*1 to 4"):
        ImageNetSpec(conv=())
    with pytest.raises(ValueError, match=r"^head: 'max'"):
        ImageNetSpec(head="max")
    with pytest.raises(ValueError, match=r"^n_classes: 11 .*2 to 10"):
        ImageNetSpec(n_classes=11)
    with pytest.raises(ValueError, match=r"^input_size: 64 .*8 to 32"):
        ImageNetSpec(input_size=64)
    with pytest.raises(ValueError, match=r"^hidden\[0\]: 0"):
        ImageNetSpec(hidden=(0,), activations=("relu",))
    with pytest.raises(ValueError, match=r"^activations: .*one activation per dense layer"):
        ImageNetSpec(hidden=(4,))
    with pytest.raises(ValueError, match=r"^hidden: .*0 to 2"):
        ImageNetSpec(hidden=(2, 2, 2), activations=("relu",) * 3)
    with pytest.raises(ValueError, match=r"^init: 'glorot'"):
        ImageNetSpec(init="glorot")


def test_a_stack_that_shrinks_below_one_pixel_is_refused_naming_the_layer():
    small = ConvSpec(4, 7, "valid", 1, "relu", "none")
    with pytest.raises(ValueError, match=r"^conv\[1\]: a 7×7 kernel .* the 2×2 px maps"):
        ImageNetSpec(conv=(small, small), input_size=8)
    pooled = ConvSpec(4, 7, "valid", 2, "relu", "max")
    with pytest.raises(ValueError, match=r"^conv\[0\]\.pool: 2×2 pooling of the 1×1"):
        ImageNetSpec(conv=(pooled,), input_size=8)
    assert ImageNetSpec(conv=(ConvSpec(4, 7, "valid"),), input_size=8).map_sizes() == [2]


def test_bad_images_and_labels_give_one_clear_message():
    net = ConvNetwork(ImageNetSpec(input_size=8), 0)
    with pytest.raises(ValueError, match=r"images must have shape \(n, 1, 8, 8\); got \(3, 8, 8\)"):
        net.predict(np.zeros((3, 8, 8)))
    with pytest.raises(ValueError, match="labels must be 2 class indices from 0 to 1"):
        net.loss_and_grads(np.zeros((2, 1, 8, 8)), [0, 2])
    with pytest.raises(ValueError, match="one 8×8 image"):
        net.forward_maps(np.zeros((2, 1, 8, 8)))


def test_forward_maps_of_one_image():
    spec = SPECS["flatten"]
    net = ConvNetwork(spec, 1)
    x = images(1, 9)
    maps = net.forward_maps(x[0])
    names = [m[0] for m in maps]
    assert names == ["input", "conv 1", "elu 1", "avg pool 1", "flatten", "dense 1",
                     "tanh (dense 1)", "dense 2", "sigmoid (dense 2)", "output", "softmax"]
    shapes = [m[1].shape for m in maps]
    assert shapes[:5] == [(1, 9, 9), (2, 5, 5), (2, 5, 5), (2, 2, 2), (8,)]
    np.testing.assert_allclose(maps[-1][1], net.predict(x)[0], rtol=1e-14)
    np.testing.assert_array_equal(maps[0][1], x[0])

