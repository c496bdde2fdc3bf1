"""One template per image: the local affine map of piecewise-linear CNNs, checked against
the engine's own network (a separate implementation), finite differences of it where the
pattern does not change, and the shared templates of a fully linear network."""

import numpy as np
import pytest

from actlab.engine.activations.custom import PiecewiseLinear
from actlab.engine.activations.tweaked import Tweaked
from actlab.engine.analysis import conv as ca
from actlab.engine.analysis import local_linear as ll
from actlab.engine.models.cnn import ConvNetwork, ConvSpec, ImageNetSpec

BEND = PiecewiseLinear("bend", ((-1.0, -0.5), (0.0, 0.0), (1.0, 2.0), (2.0, 2.5)))
LINE = PiecewiseLinear("line", ((-1.0, -1.0), (0.0, 1.0), (2.0, 5.0)))  # 2z + 1
SOFT = Tweaked("soft leaky", "leaky_relu", 0.2)
CUSTOM = (BEND, LINE, SOFT)


def spec(acts, pools=None, padding="same", strides=None, head="gap", hidden=(),
         dense=(), size=9, classes=3, slope=0.01):
    pools = pools or ["none"] * len(acts)
    strides = strides or [1] * len(acts)
    conv = tuple(ConvSpec(3, 3, padding, s, a, p, custom=CUSTOM)
                 for a, p, s in zip(acts, pools, strides))
    return ImageNetSpec(conv=conv, head=head, hidden=tuple(hidden), activations=tuple(dense),
                        n_classes=classes, input_size=size, leaky_slope=slope, custom=CUSTOM)


def network(s, seed=0):
    net = ConvNetwork(s, seed)
    # random biases too, so units sit on both sides of the kinks
    rng = np.random.default_rng(seed + 100)
    net.set_params([(K, rng.normal(scale=0.5, size=b.shape)) for K, b in net.get_params()])
    return net


def images(n, size, seed=1):
    return np.random.default_rng(seed).normal(size=(n, 1, size, size))


def analyse(net, s, x, **kw):
    return ll.local_affine(net.get_params(), s.conv, s.head, x, s.activations,
                           s.leaky_slope, **kw)


CASES = {
    "relu": spec(["relu", "relu"]),
    "leaky, slope 0.1": spec(["leaky_relu", "leaky_relu"], slope=0.1),
    "designed": spec(["bend", "soft leaky"], dense=["bend"], hidden=[5], head="flatten"),
    "max pool": spec(["relu", "relu"], pools=["max", "none"], size=10),
    "max pool, linear convs": spec(["linear", "line"], pools=["max", "max"], size=11),
    "dense relu": spec(["relu"], head="flatten", hidden=[6, 4], dense=["relu", "leaky_relu"]),
    "stride, valid": spec(["relu", "bend"], padding="valid", strides=[2, 1], size=12,
                          pools=["none", "avg"], head="flatten", hidden=[5], dense=["relu"]),
}


@pytest.mark.parametrize("name", CASES)
def test_logits_are_the_local_template_dotted_with_the_image_plus_c(name):
    s = CASES[name]
    net = network(s)
    x = images(40, s.input_size)
    engine = net.logits(x)
    r = analyse(net, s, x, scores=engine)  # against the engine's own forward pass
    assert r.templates.shape == (40, s.n_classes, s.input_size, s.input_size)
    assert r.constants.shape == (40, s.n_classes)
    want = np.einsum("nkhw,nhw->nk", r.templates, x[:, 0]) + r.constants
    assert np.max(np.abs(engine - want)) <= 1e-9
    assert r.max_difference <= 1e-9
    # the reference forward pass gives the same logits
    r2 = analyse(net, s, x)
    np.testing.assert_allclose(r2.scores, engine, rtol=0, atol=1e-10)
    assert r2.max_difference <= 1e-9
    # a non-linear network: the templates depend on the image
    assert 1 < r.n_patterns <= 40
    assert ll.activation_patterns(net.get_params(), s.conv, s.head, x, s.activations,
                                  s.leaky_slope) == r.n_patterns
    check = ll.local_linear_check(net.get_params(), s.conv, s.head, x, s.activations,
                                  s.leaky_slope, scores=engine)
    assert check.activation_patterns == r.n_patterns and check.images == 40
    assert check.max_difference <= 1e-9


def _finite_difference_template(net, x, step):
    """(∂logits/∂pixel by central differences of the engine's network, every perturbed
    image) for one image x (1, H, W)."""
    H, W = x.shape[1:]
    E = np.eye(H * W).reshape(H * W, 1, H, W) * step
    up, down = x[None] + E, x[None] - E
    g = (net.logits(up) - net.logits(down)) / (2 * step)
    return g.T.reshape(-1, H, W), np.concatenate([up, down])


@pytest.mark.parametrize("name", ["relu", "designed", "max pool", "dense relu"])
def test_template_equals_finite_differences_where_the_pattern_holds(name):
    s = CASES[name]
    net = network(s, seed=3)
    x = images(3, s.input_size, seed=5)
    r = analyse(net, s, x)
    checked = 0
    for i in range(len(x)):
        fd, moved = _finite_difference_template(net, x[i], 1e-5)
        keys = set(analyse(net, s, moved).patterns)
        if keys != {r.patterns[i]}:
            continue  # a unit crossed a kink within the step: not a fair comparison
        checked += 1
        # affine on the whole region: the central difference is exact but for rounding
        np.testing.assert_allclose(fd, r.templates[i], rtol=0, atol=1e-8)
    assert checked >= 1


def test_same_pattern_means_same_map_and_a_linear_network_has_one():
    s = spec(["linear", "line"], pools=["avg", "none"], size=10, head="flatten",
             hidden=[4], dense=["linear"])
    net = network(s)
    x = images(30, 10)
    r = analyse(net, s, x, scores=net.logits(x))
    assert r.n_patterns == 1
    assert r.max_difference <= 1e-9
    shared = ca.templates(net.get_params(), s.conv, s.head, s.input_size, None,
                          s.activations, leaky_slope=s.leaky_slope)
    for i in range(len(x)):
        np.testing.assert_allclose(r.templates[i], shared.templates, rtol=0, atol=1e-10)
        np.testing.assert_allclose(r.constants[i], shared.constants, rtol=0, atol=1e-10)
    assert ll.activation_patterns(net.get_params(), s.conv, s.head, x, s.activations) == 1


def test_images_with_the_same_pattern_share_their_template():
    s = CASES["relu"]
    net = network(s, seed=7)
    x = images(1, s.input_size)
    x2 = np.concatenate([x, x * (1 + 1e-9)])  # tiny change: same pattern, same map
    r = analyse(net, s, x2)
    assert r.patterns[0] == r.patterns[1] and r.n_patterns == 1
    np.testing.assert_allclose(r.templates[0], r.templates[1], rtol=0, atol=1e-12)


def test_relu_pieces_and_a_designed_activations_segments():
    from actlab.engine.activations.lookup import get_activation

    p = ll.pieces_of(get_activation("relu"))
    assert list(p.slopes) == [0.0, 1.0] and list(p.offsets) == [0.0, 0.0]
    assert list(p.index(np.array([-1.0, 0.0, 2.0]))) == [0, 0, 1]  # a kink: the left piece
    b = ll.pieces_of(BEND.activation())
    np.testing.assert_allclose(b.slopes, [0.5, 2.0, 0.5])
    z = np.linspace(-3, 3, 61)
    np.testing.assert_allclose(b.slopes[b.index(z)] * z + b.offsets[b.index(z)],
                               BEND.activation().value(z), atol=1e-12)
    assert ll.pieces_of(get_activation("tanh")) is None


@pytest.mark.parametrize("acts,dense,words", [
    (["relu", "tanh"], [], "layer 2 uses Tanh"),
    (["relu"], ["gelu"], "dense layer 1 uses GELU"),
])
def test_smooth_networks_have_no_local_templates(acts, dense, words):
    s = spec(acts, head="flatten" if dense else "gap", hidden=[3] * len(dense), dense=dense)
    net = network(s)
    x = images(2, s.input_size)
    why = ll.not_piecewise_linear(s.conv, s.activations)
    assert words in why and "not piecewise-linear" in why
    assert ll.local_linear_check(net.get_params(), s.conv, s.head, x, s.activations) is None
    with pytest.raises(ValueError, match=words):
        analyse(net, s, x)


@pytest.mark.parametrize("name", ["relu", "max pool", "stride, valid"])
def test_template_is_the_reference_saliency_of_each_class(name):
    # conv_reference's input gradient: a second, separately written backward pass
    s = CASES[name]
    net = network(s, seed=11)
    x = images(2, s.input_size, seed=12)
    r = analyse(net, s, x)
    for i in range(len(x)):
        for k in range(s.n_classes):
            g = ca.saliency(net.get_params(), s.conv, s.head, x[i], s.activations, cls=k,
                            leaky_slope=s.leaky_slope).gradient
            np.testing.assert_allclose(r.templates[i, k], g, rtol=0, atol=1e-12)
