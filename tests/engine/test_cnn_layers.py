"""Every CNN layer against independent truth: forward against nested loops written from the
definition, backward against central finite differences (float64, relative error < 1e-6)."""
import itertools

import numpy as np
import pytest

from actlab.engine.activations.lookup import get_activation
from actlab.engine.models.cnn_layers import (
    Act, Conv2D, Dense, Flatten, GlobalAvgPool, Pool2x2, batch_shape, softmax_cross_entropy)
from cnn_reference import conv_loops, pool_loops

H = 1e-6
TOL = 1e-6


def rel_err(a, b):
    a, b = np.ravel(a), np.ravel(b)
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


def numeric_grad(f, v):
    """Central differences of the scalar f() with respect to every entry of v (in place)."""
    g = np.zeros(v.shape)
    for idx in np.ndindex(v.shape):
        old = v[idx]
        v[idx] = old + H
        fp = f()
        v[idx] = old - H
        fm = f()
        v[idx] = old
        g[idx] = (fp - fm) / (2 * H)
    return g


def bound_conv(shape, O, k, pad, s, rng):
    layer = Conv2D(shape, O, k, pad, s)
    C = shape[0]
    K, b = rng.normal(size=(O, C, k, k)), rng.normal(size=O)
    layer.bind(K, b, np.zeros_like(K), np.zeros_like(b))
    return layer


def check_layer(layer, x, rng, params=()):
    """Gradient of sum(forward(x) * R) w.r.t. x and every array in params (x is a batch
    in the engine's layout: (C, n, H, W) or (features, n))."""
    R = rng.normal(size=batch_shape(layer.out_shape, x.shape[1]))

    def f():
        return float(np.sum(layer.forward(x) * R))

    f()
    dx = np.array(layer.backward(R, need_dx=True))
    analytic = [p_grad.copy() for _, p_grad in params]
    assert rel_err(dx, numeric_grad(f, x)) < TOL
    for (p, _), ga in zip(params, analytic):
        assert rel_err(ga, numeric_grad(f, p)) < TOL


CONV_CASES = list(itertools.product((3, 5, 7), ("valid", "same"), (1, 2)))


@pytest.mark.parametrize("k,pad,s", CONV_CASES)
def test_conv_forward_matches_nested_loops(k, pad, s):
    rng = np.random.default_rng(k * 10 + s)
    x = rng.normal(size=(3, 2, 9, 8))           # odd height, even width: floors differ
    layer = bound_conv((3, 9, 8), 4, k, pad, s, rng)
    got = layer.forward(x).transpose(1, 0, 2, 3)
    want = conv_loops(x.transpose(1, 0, 2, 3), layer.K, layer.b, pad, s)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_same_padding_keeps_the_size_and_stride_two_halves_it_rounding_up():
    rng = np.random.default_rng(0)
    assert bound_conv((1, 9, 8), 2, 5, "same", 1, rng).out_shape == (2, 9, 8)
    assert bound_conv((1, 9, 8), 2, 5, "same", 2, rng).out_shape == (2, 5, 4)
    assert bound_conv((1, 9, 8), 2, 7, "valid", 1, rng).out_shape == (2, 3, 2)


@pytest.mark.parametrize("k,pad,s", CONV_CASES)
def test_conv_gradients(k, pad, s):
    rng = np.random.default_rng(100 + k * 10 + s)
    x = rng.normal(size=(2, 2, 9, 8))
    layer = bound_conv((2, 9, 8), 3, k, pad, s, rng)
    check_layer(layer, x, rng, [(layer.K, layer.gK), (layer.b, layer.gb)])


def test_conv_gradients_do_not_depend_on_stale_buffers():
    # the same layer at two batch sizes and twice at each: buffers are reused
    rng = np.random.default_rng(7)
    layer = bound_conv((2, 8, 8), 3, 3, "same", 2, rng)
    for n in (3, 1, 3):
        check_layer(layer, rng.normal(size=(2, n, 8, 8)), rng,
                    [(layer.K, layer.gK), (layer.b, layer.gb)])


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("shape", [(3, 6, 8), (2, 7, 5)])
def test_pooling_forward_and_gradients(kind, shape):
    rng = np.random.default_rng(3)
    x = rng.normal(size=batch_shape(shape, 2))
    layer = Pool2x2(shape, kind)
    got = layer.forward(x).transpose(1, 0, 2, 3)
    np.testing.assert_allclose(got, pool_loops(x.transpose(1, 0, 2, 3), kind), rtol=1e-14)
    check_layer(layer, x, rng)


def test_max_pool_sends_a_tie_to_the_first_maximum_only():
    layer = Pool2x2((1, 2, 2), "max")
    x = np.array([[[[1.0, 3.0], [3.0, 2.0]]]])      # two maxima: (0,1) and (1,0)
    assert layer.forward(x)[0, 0, 0, 0] == 3.0
    dx = layer.backward(np.ones((1, 1, 1, 1)))
    assert dx[0, 0].tolist() == [[0.0, 1.0], [0.0, 0.0]]


def test_max_pool_propagates_nan():
    layer = Pool2x2((1, 2, 2), "max")
    x = np.array([[[[1.0, np.nan], [3.0, 2.0]]]])
    assert np.isnan(layer.forward(x)[0, 0, 0, 0])


def test_global_average_pool_and_flatten():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 3, 5, 4))          # (C, n, H, W)
    gap = GlobalAvgPool((2, 5, 4))
    np.testing.assert_allclose(gap.forward(x), x.mean(axis=(2, 3)), rtol=1e-14)
    check_layer(gap, x, rng)
    flat = Flatten((2, 5, 4))
    # torch.flatten order of the NCHW tensor, one column per sample
    assert np.array_equal(flat.forward(x), x.transpose(1, 0, 2, 3).reshape(3, -1).T)
    check_layer(flat, x, rng)


def test_dense_gradients():
    rng = np.random.default_rng(5)
    layer = Dense(4, 3)
    W, b = rng.normal(size=(4, 3)), rng.normal(size=3)
    layer.bind(W, b, np.zeros_like(W), np.zeros_like(b))
    x = rng.normal(size=(4, 5))                # feature-major: 5 samples
    np.testing.assert_allclose(layer.forward(x), (x.T @ W + b).T, rtol=1e-14)
    check_layer(layer, x, rng, [(W, layer.gW), (b, layer.gb)])


@pytest.mark.parametrize("name", ["linear", "relu", "tanh", "sigmoid", "softplus", "elu", "gelu"])
def test_activation_layer_gradients(name):
    rng = np.random.default_rng(6)
    x = rng.normal(size=(2, 3, 4, 3))
    check_layer(Act((2, 4, 3), get_activation(name)), x, rng)


@pytest.mark.parametrize("k", [2, 5, 10])
def test_softmax_cross_entropy_value_and_gradient(k):
    rng = np.random.default_rng(k)
    z = rng.normal(size=(6, k)) * 3
    y = rng.integers(0, k, 6)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    want = -np.mean(np.log(p[np.arange(6), y]))
    zt = np.ascontiguousarray(z.T)             # the engine's (k, n)
    dz = np.empty_like(zt)
    assert softmax_cross_entropy(zt, y, dz) == pytest.approx(want, rel=1e-13)
    assert rel_err(dz, numeric_grad(lambda: softmax_cross_entropy(zt, y), zt)) < TOL
    # stable for huge logits
    assert np.isfinite(softmax_cross_entropy(zt * 1e4, y))


@pytest.mark.parametrize("k,pad", list(itertools.product((1, 3, 5), ("valid", "same"))))
def test_conv_in_chunks_matches_loops_and_finite_differences(k, pad):
    # stride 1 runs the images through in cache-sized chunks; a tiny budget makes every
    # image its own chunk, and 3 images with channels 2 → 3 cover a ragged last chunk
    # and both the columns of the input (forward, dK) and of the output gradient (dx)
    rng = np.random.default_rng(300 + k)
    layer = bound_conv((2, 7, 6), 3, k, pad, 1, rng)
    layer.CHUNK_BYTES = 1
    x = rng.normal(size=(2, 3, 7, 6))
    assert layer.ws(3)["m"] == (1, 1)
    want = conv_loops(x.transpose(1, 0, 2, 3), layer.K, layer.b, pad, 1)
    np.testing.assert_allclose(layer.forward(x).transpose(1, 0, 2, 3), want,
                               rtol=1e-12, atol=1e-12)
    check_layer(layer, x, rng, [(layer.K, layer.gK), (layer.b, layer.gb)])
    layer.CHUNK_BYTES = 2 * 8 * 3 * k * k * (7 + layer.p) * (6 + layer.p)   # 2 images
    layer._ws.clear()
    assert layer.ws(3)["m"] == (3, 2)
    check_layer(layer, x, rng, [(layer.K, layer.gK), (layer.b, layer.gb)])


def test_conv_backward_without_input_gradient_matches_with_it():
    # a first layer skips dx; its dK must not depend on that (the columns are reused)
    rng = np.random.default_rng(11)
    layer = bound_conv((1, 8, 8), 4, 3, "same", 1, rng)
    x, g = rng.normal(size=(1, 5, 8, 8)), rng.normal(size=(4, 5, 8, 8))
    layer.forward(x)
    assert layer.backward(g, need_dx=False) is None
    gK, gb = layer.gK.copy(), layer.gb.copy()
    layer.forward(x)
    layer.backward(g, need_dx=True)
    np.testing.assert_array_equal(layer.gK, gK)
    np.testing.assert_array_equal(layer.gb, gb)
