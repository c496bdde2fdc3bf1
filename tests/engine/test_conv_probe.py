"""collapse_maps: the probed image through a run of merging convolutions (layer after layer)
and through the single composite convolution, each checked against plain loops; the two
differ only on the border band when a later layer pads, and by rounding inside."""
import numpy as np
import pytest

from actlab.engine.analysis import conv as ca
from actlab.engine.analysis.conv_probe import collapse_maps
from actlab.engine.analysis.image_insights import image_insights
from actlab.engine.trainer import Trainer
from actlab.labfile.presets import load_preset


def loop_conv(x, K, b, pad=0):
    """Cross-correlation of (C, H, W) with K (O, C, k, k), zero padding ``pad``: loops."""
    C, H, W = x.shape
    O, _, k, _ = K.shape
    xp = np.zeros((C, H + 2 * pad, W + 2 * pad))
    xp[:, pad:pad + H, pad:pad + W] = x
    h, w = H + 2 * pad - k + 1, W + 2 * pad - k + 1
    out = np.empty((O, h, w))
    for o in range(O):
        for i in range(h):
            for j in range(w):
                out[o, i, j] = b[o] + np.sum(K[o] * xp[:, i:i + k, j:j + k])
    return out


def loop_compose(K1, b1, K2, b2):
    """The composite of two kernels by its definition: the response of the two layers to
    one-pixel images (valid convolutions of a (2k−1)² window), read back as a kernel."""
    k = K1.shape[2] + K2.shape[2] - 1
    zero = loop_conv(loop_conv(np.zeros((K1.shape[1], k, k)), K1, b1), K2, b2)[:, 0, 0]
    K = np.zeros((K2.shape[0], K1.shape[1], k, k))
    for c in range(K1.shape[1]):
        for u in range(k):
            for v in range(k):
                e = np.zeros((K1.shape[1], k, k))
                e[c, u, v] = 1.0
                K[:, c, u, v] = loop_conv(loop_conv(e, K1, b1), K2, b2)[:, 0, 0] - zero
    return K, zero


def lin(padding):
    return {"activation": "linear", "padding": padding, "stride": 1, "pool": "none"}


def rand_convs(seed, c=(1, 3, 2)):
    rng = np.random.default_rng(seed)
    convs = [(rng.normal(size=(c[i + 1], c[i], 3, 3)), rng.normal(size=c[i + 1]))
             for i in range(len(c) - 1)]
    return convs + [(rng.normal(size=(c[-1], 2)), np.zeros(2))]  # a gap head's output


@pytest.mark.parametrize("f", [0, 1])
def test_valid_maps_equal_loops_and_differ_by_rounding_only(f):
    params = rand_convs(1)
    x = np.random.default_rng(2).random((12, 12))
    m = collapse_maps(params, [lin("valid")] * 2, (0, 1), x, filter=f)
    stack = loop_conv(loop_conv(x[None], *params[0]), *params[1])[f]
    K, b = loop_compose(*params[0], *params[1])
    single = loop_conv(x[None], K, b)[f]
    assert m.filter == f and m.stack.shape == (8, 8)
    np.testing.assert_allclose(m.stack, stack, rtol=0, atol=1e-12)
    np.testing.assert_allclose(m.single, single, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(m.difference, np.abs(m.stack - m.single))
    np.testing.assert_array_equal(m.image, x)
    assert m.interior.all() and m.border_max is None and m.border_agrees is None
    assert m.interior_max <= 1e-13 * m.scale
    assert m.scale == pytest.approx(max(np.abs(stack).max(), np.abs(single).max()))


def test_same_padding_differs_only_on_the_border_band():
    params = rand_convs(3)
    x = np.random.default_rng(4).random((14, 14)) + 0.5   # ink reaching every edge
    m = collapse_maps(params, [lin("same")] * 2, (0, 1), x, filter=1)
    stack = loop_conv(loop_conv(x[None], *params[0], pad=1), *params[1], pad=1)[1]
    K, b = loop_compose(*params[0], *params[1])
    single = loop_conv(x[None], K, b, pad=2)[1]
    np.testing.assert_allclose(m.stack, stack, rtol=0, atol=1e-12)
    np.testing.assert_allclose(m.single, single, rtol=0, atol=1e-12)
    band = np.ones((14, 14), bool)
    band[2:12, 2:12] = False                    # a 5×5 kernel: two pixels of padding
    np.testing.assert_array_equal(m.interior, ~band)
    inside = np.abs(stack - single)[~band].max()
    assert inside <= 1e-12 and m.interior_max <= 1e-12
    assert m.border_max == pytest.approx(np.abs(stack - single)[band].max())
    assert m.border_max > 1e-3 and m.border_agrees is False


def test_first_layer_padding_only_agrees_on_the_border_too():
    params = rand_convs(5)
    x = np.random.default_rng(6).random((10, 10))
    m = collapse_maps(params, [lin("same"), lin("valid")], (0, 1), x)
    assert m.border_max is not None and m.border_agrees is True
    assert max(m.interior_max, m.border_max) <= 1e-12


def test_a_bad_filter_is_refused():
    with pytest.raises(ValueError, match="filter 5 is outside 0..1"):
        collapse_maps(rand_convs(0), [lin("valid")] * 2, (0, 1), np.zeros((8, 8)), filter=5)


@pytest.mark.parametrize("name,band", [("images-two-3x3-are-one-5x5", False),
                                       ("images-linear-cnn-counts-ink", True)])
def test_image_insights_carry_the_probed_images_maps(name, band):
    t = Trainer(load_preset(name))
    t.train(1)
    ins = image_insights(t, "test", 7)
    m = ins.collapses[0].maps
    np.testing.assert_array_equal(m.image, t.dataset.x_test[7, 0])
    r = ca.run_outputs(t.network.get_params(), t.network.spec.conv, ins.runs[0],
                       t.dataset.x_test[7:8])
    np.testing.assert_array_equal(m.stack, r.stack[0, 0])
    assert (m.border_max is not None) == band
    assert m.interior_max <= 1e-12 * m.scale
    if band:
        assert m.border_agrees is False and m.border_max > 1e-6
