"""The conv-collapse analysis against closed forms and against a direct, loop-based forward
pass written here (independent of both the engine and actlab.engine.analysis.conv_reference)."""

import numpy as np
import pytest

from actlab.engine.analysis import conv as ca
from actlab.engine.analysis import conv_reference as ref

ACTS = {"linear": lambda z: z, "relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh}


# --- the independent truth ---------------------------------------------------------------
def direct_conv(x, K, b, stride=1, padding="valid"):
    """y[o, i, j] = b[o] + Σ_c Σ_u Σ_v K[o, c, u, v] · x[c, i·s + u − p, j·s + v − p],
    one output pixel at a time, reading zeros outside the map."""
    C, H, W = x.shape
    O, _, kh, kw = K.shape
    ph, pw = ((kh - 1) // 2, (kw - 1) // 2) if padding == "same" else (0, 0)
    Ho, Wo = (H + 2 * ph - kh) // stride + 1, (W + 2 * pw - kw) // stride + 1
    y = np.empty((O, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            patch = np.zeros((C, kh, kw))
            for u in range(kh):
                for v in range(kw):
                    r, c = i * stride + u - ph, j * stride + v - pw
                    if 0 <= r < H and 0 <= c < W:
                        patch[:, u, v] = x[:, r, c]
            y[:, i, j] = b + np.tensordot(K, patch, axes=([1, 2, 3], [0, 1, 2]))
    return y


def direct_pool(x, kind):
    if kind == "none":
        return x
    C, H, W = x.shape
    y = np.empty((C, H // 2, W // 2))
    for i in range(H // 2):
        for j in range(W // 2):
            win = x[:, 2 * i:2 * i + 2, 2 * j:2 * j + 2].reshape(C, 4)
            y[:, i, j] = win.max(axis=1) if kind == "max" else win.mean(axis=1)
    return y


def direct_scores(params, layers, head, img, dense_acts=()):
    h = np.asarray(img, dtype=float).reshape(1, *np.shape(img)[-2:])
    for (K, b), L in zip(params, layers):
        h = direct_conv(h, K, b, L.get("stride", 1), L.get("padding", "valid"))
        h = direct_pool(ACTS[L["activation"]](h), L.get("pool", "none"))
    h = h.mean(axis=(1, 2)) if head == "gap" else h.ravel()
    dense = params[len(layers):]
    for k, (W, b) in enumerate(dense):
        h = h @ W + b
        if k < len(dense) - 1:
            h = ACTS[dense_acts[k]](h)
    return h


def rand_net(layers, channels, n_classes=3, input_size=12, head="gap", hidden=(), seed=0):
    """Random parameters for conv layers with the given kernel sizes/channels, then dense."""
    rng = np.random.default_rng(seed)
    params, c_in, size = [], 1, input_size
    for L, c_out in zip(layers, channels):
        k = L["kernel"]
        params.append((rng.normal(size=(c_out, c_in, k, k)) / k, rng.normal(size=c_out)))
        p = (k - 1) // 2 if L.get("padding") == "same" else 0
        size = (size + 2 * p - k) // L.get("stride", 1) + 1
        size = size // 2 if L.get("pool", "none") != "none" else size
        c_in = c_out
    fan = c_in if head == "gap" else c_in * size * size
    for width in (*hidden, n_classes):
        params.append((rng.normal(size=(fan, width)) / np.sqrt(fan), rng.normal(size=width)))
        fan = width
    return params


def lin(k=3, **kw):
    return {"kernel": k, "activation": "linear", **kw}


# --- the reference forward itself --------------------------------------------------------
@pytest.mark.parametrize("k,padding,stride", [(3, "valid", 1), (3, "same", 2), (5, "same", 1),
                                              (7, "valid", 2), (5, "valid", 1)])
def test_reference_conv_matches_direct_loop(k, padding, stride):
    rng = np.random.default_rng(k + stride)
    x, K, b = rng.normal(size=(2, 3, 11, 13)), rng.normal(size=(4, 3, k, k)), rng.normal(size=4)
    spec = ref.ConvLayerSpec("linear", padding, stride)
    got = ref.conv2d(x, K, b, stride, ref.padding_of(spec, K))
    for n in range(2):
        np.testing.assert_allclose(got[n], direct_conv(x[n], K, b, stride, padding), rtol=1e-12,
                                   atol=1e-12)


# --- 1. composing kernels ----------------------------------------------------------------
def test_compose_kernels_hand_case_is_full_convolution_not_correlation():
    # y1[j] = x[j] + 2x[j+1]; y2[j] = 3y1[j] + 4y1[j+1] = 3x[j] + 10x[j+1] + 8x[j+2]
    K, b = ca.compose_kernels([[[[1.0, 2.0]]]], [0.5], [[[[3.0, 4.0]]]], [-1.0])
    np.testing.assert_array_equal(K, [[[[3.0, 10.0, 8.0]]]])
    np.testing.assert_array_equal(b, [-1.0 + 0.5 * 7.0])


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("k1,k2", [(3, 3), (3, 5), (5, 3), (7, 3), (5, 7)])
def test_compose_kernels_equals_the_stacked_valid_convolutions(seed, k1, k2):
    rng = np.random.default_rng(seed * 100 + k1 * 10 + k2)
    c0, c1, c2 = rng.integers(1, 5, size=3)
    K1, b1 = rng.normal(size=(c1, c0, k1, k1)), rng.normal(size=c1)
    K2, b2 = rng.normal(size=(c2, c1, k2, k2)), rng.normal(size=c2)
    x = rng.normal(size=(c0, 15, 14))
    stack = direct_conv(direct_conv(x, K1, b1), K2, b2)
    K, b = ca.compose_kernels(K1, b1, K2, b2)
    assert K.shape == (c2, c0, k1 + k2 - 1, k1 + k2 - 1)
    one = direct_conv(x, K, b)
    assert np.max(np.abs(stack - one)) <= 1e-10 * np.max(np.abs(stack))
    # The flipped composition (correlating the kernels instead of convolving) is wrong.
    Kf, bf = ca.compose_kernels(K1[:, :, ::-1, ::-1], b1, K2, b2)
    assert np.max(np.abs(stack - direct_conv(x, Kf, bf))) > 1e-3


def test_compose_stack_folds_a_run_of_three_and_rejects_bad_shapes():
    rng = np.random.default_rng(7)
    convs = [(rng.normal(size=(2, 1, 3, 3)), rng.normal(size=2)),
             (rng.normal(size=(3, 2, 5, 5)), rng.normal(size=3)),
             (rng.normal(size=(2, 3, 3, 3)), rng.normal(size=2))]
    x = rng.normal(size=(1, 16, 16))
    h = x
    for K, b in convs:
        h = direct_conv(h, K, b)
    K, b = ca.compose_stack(convs)
    assert K.shape == (2, 1, 9, 9)
    np.testing.assert_allclose(direct_conv(x, K, b), h, rtol=1e-10, atol=1e-10 * np.abs(h).max())
    with pytest.raises(ValueError, match="reads 3 channels but the first writes 2"):
        ca.compose_kernels(convs[0][0], convs[0][1], convs[2][0], convs[2][1])


# --- 2. runs -------------------------------------------------------------------------------
@pytest.mark.parametrize("layers,runs", [
    ([lin(), lin()], [(0, 1)]),
    ([lin(), lin(), lin(), lin()], [(0, 3)]),
    ([lin(), {"activation": "relu"}, lin()], [(0, 1)]),
    ([{"activation": "ReLU"}, lin(), lin()], [(1, 2)]),
    ([lin(pool="max"), lin()], []),
    ([lin(pool="avg"), lin(), lin()], [(1, 2)]),
    ([lin(), lin(stride=2), lin()], [(0, 1)]),          # a stride-2 layer may end a run
    ([lin(stride=2), lin()], []),
    ([lin(), lin(pool="max")], [(0, 1)]),               # pooling after the last layer is fine
    ([lin(padding="same"), lin(), {"activation": "tanh"}, lin(), lin()], [(0, 2), (3, 4)]),
    ([lin()], []),
    ([], []),
])
def test_conv_runs(layers, runs):
    assert ca.conv_runs(layers) == runs


@pytest.mark.parametrize("bad,match", [({"activation": "swoosh"}, "conv layer 1: unknown activation"),
                                       ({"padding": "full"}, "padding must be"),
                                       ({"stride": 3}, "stride must be 1 or 2"),
                                       ({"pool": "min"}, "pool must be")])
def test_bad_layer_descriptions_name_the_layer_and_field(bad, match):
    with pytest.raises(ValueError, match=match):
        ca.conv_runs([{"activation": "linear", **bad}])


# --- 3. collapse_run -----------------------------------------------------------------------
def test_collapse_run_valid_is_rounding_only_everywhere():
    layers = [lin(3), lin(3)]
    params = rand_net(layers, [4, 3], seed=3)
    X = np.random.default_rng(4).normal(size=(6, 14, 14))
    r = ca.collapse_run(params, layers, (0, 1), X)
    assert r.kernel_size == (5, 5) and r.kernel.shape == (3, 1, 5, 5) and r.stride == 1
    assert r.summary == "Layers 1–2: two 3×3 convolutions act as one 5×5 convolution."
    assert r.relative_difference <= 1e-10 and r.interior_relative <= 1e-10
    assert r.border_difference is None and r.n_border == 0 and r.n_interior == 10 * 10
    assert r.note == "" and not r.kernel.flags.writeable
    K, b = ca.compose_kernels(*params[0], *params[1])
    np.testing.assert_array_equal(r.kernel, K)


def test_collapse_run_after_a_relu_layer_and_ending_in_stride_2():
    layers = [{"kernel": 3, "activation": "relu"}, lin(3), lin(5, stride=2), {"kernel": 3, "activation": "relu"}]
    assert ca.conv_runs(layers) == [(1, 2)]
    params = rand_net(layers, [2, 3, 2, 2], input_size=20, seed=5)
    X = np.random.default_rng(6).normal(size=(4, 20, 20))
    r = ca.collapse_run(params, layers, (1, 2), X)
    assert r.kernel_size == (7, 7) and r.stride == 2
    assert "3×3 + 5×5 convolutions act as one 7×7 convolution with stride 2" in r.summary
    assert r.relative_difference <= 1e-10
    # independent: the composite on the ReLU layer's output equals the direct stack
    for img in X:
        h = ACTS["relu"](direct_conv(img[None], *params[0]))
        stack = direct_conv(direct_conv(h, *params[1]), *params[2], stride=2)
        one = direct_conv(h, r.kernel, r.bias, stride=2)
        assert np.max(np.abs(stack - one)) <= 1e-10 * np.max(np.abs(stack))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_collapse_run_same_padding_interior_exact_border_not(seed):
    layers = [lin(3, padding="same"), lin(3, padding="same")]
    params = rand_net(layers, [3, 2], input_size=16, seed=seed)
    X = np.random.default_rng(seed + 10).normal(size=(3, 16, 16))
    r = ca.collapse_run(params, layers, (0, 1), X)
    assert r.padding == (2, 2) and r.kernel_size == (5, 5)
    assert r.n_interior == 12 * 12 and r.n_border == 16 * 16 - 144
    assert r.interior_relative <= 1e-10
    assert r.border_difference > 1e-6
    assert "pads every intermediate map with zeros" in r.note and "only the input" in r.note
    # independent: the stack's interior equals the composite applied without padding
    for img in X:
        stack = direct_conv(direct_conv(img[None], *params[0], padding="same"), *params[1],
                            padding="same")
        inner = direct_conv(img[None], r.kernel, r.bias)          # valid: 12×12
        np.testing.assert_allclose(stack[:, 2:14, 2:14], inner, rtol=1e-10,
                                   atol=1e-10 * np.abs(stack).max())


def test_collapse_run_same_padding_with_a_stride_2_end():
    layers = [lin(3, padding="same"), lin(5, padding="same", stride=2)]
    params = rand_net(layers, [2, 3], input_size=15, seed=12)
    X = np.random.default_rng(13).normal(size=(2, 15, 15))
    r = ca.collapse_run(params, layers, (0, 1), X)
    # output i reads input rows 2i − 3 … 2i + 3: inside the 15 rows for i = 2 … 5
    assert r.padding == (3, 3) and r.stride == 2 and r.n_interior == 4 * 4
    assert r.interior_relative <= 1e-10 and r.border_difference > 1e-6
    for img in X:
        stack = direct_conv(direct_conv(img[None], *params[0], padding="same"), *params[1],
                            stride=2, padding="same")
        # the 7×7 composite padded once by 3 ("same" for it) agrees on the interior only
        one = direct_conv(img[None], r.kernel, r.bias, stride=2, padding="same")
        assert one.shape == stack.shape == (3, 8, 8)
        np.testing.assert_allclose(stack[:, 2:6, 2:6], one[:, 2:6, 2:6], rtol=1e-10,
                                   atol=1e-10 * np.abs(stack).max())
        assert np.max(np.abs(stack - one)) > 1e-6


def test_collapse_run_refuses_a_run_that_does_not_merge():
    layers = [lin(), {"kernel": 3, "activation": "relu"}, lin()]
    params = rand_net(layers, [2, 2, 2])
    X = np.zeros((1, 12, 12))
    with pytest.raises(ValueError, match="layer 2 uses ReLU"):
        ca.collapse_run(params, layers, (0, 2), X)
    with pytest.raises(ValueError, match="not two or more"):
        ca.collapse_run(params, layers, (1, 1), X)
    with pytest.raises(ValueError, match=r"images must be shaped"):
        ca.collapse_run(params, [lin(), lin()], (0, 1), np.zeros((2, 3, 12, 12)))


# --- 4. templates --------------------------------------------------------------------------
@pytest.mark.parametrize("head,hidden", [("gap", ()), ("flatten", ()), ("gap", (5,)),
                                         ("flatten", (4, 3))])
def test_templates_reproduce_the_scores_with_avg_pooling(head, hidden):
    layers = [lin(3, padding="same", pool="avg"), lin(5), lin(3, stride=2)]
    params = rand_net(layers, [3, 4, 2], n_classes=4, input_size=16, head=head, hidden=hidden,
                      seed=len(hidden))
    acts = ["linear"] * len(hidden)
    X = np.random.default_rng(9).normal(size=(5, 16, 16))
    t = ca.templates(params, layers, head, 16, X, dense_activations=acts)
    assert t.templates.shape == (4, 16, 16) and t.constants.shape == (4,)
    assert t.relative_difference <= 1e-10
    for img in X:
        s = direct_scores(params, layers, head, img, acts)
        np.testing.assert_allclose(t.templates.reshape(4, -1) @ img.ravel() + t.constants, s,
                                   rtol=1e-10, atol=1e-10 * np.abs(s).max())


def test_template_of_one_conv_and_gap_is_the_kernel_spread_over_the_output_box():
    # score_j = Σ_o W[o, j]·mean(conv_o): pixel (r, c) gets K[o, u, v] once for every output
    # pixel (r − u, c − v) that exists, divided by the number of output pixels.
    layers = [lin(3)]
    (K, b), (W, bw) = params = rand_net(layers, [2], n_classes=2, input_size=8, seed=11)
    T = np.zeros((2, 8, 8))
    for o in range(2):
        box = np.zeros((8, 8))
        for i in range(6):
            for j in range(6):
                box[i:i + 3, j:j + 3] += K[o, 0]
        T += W[o][:, None, None] * box / 36.0
    t = ca.templates(params, layers, "gap", (8, 8))
    np.testing.assert_allclose(t.templates, T, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(t.constants, b @ W + bw, rtol=1e-12)
    assert t.max_difference is None


@pytest.mark.parametrize("layers,acts,message", [
    ([lin(), {"kernel": 3, "activation": "relu"}], [], "layer 2 uses ReLU"),
    ([lin(pool="max"), lin()], [], "max pooling after layer 1"),
    ([lin(), lin()], ["tanh"], "dense layer 1 uses Tanh"),
])
def test_templates_refuse_a_nonlinear_network_naming_the_piece(layers, acts, message):
    params = rand_net(layers, [2, 2], hidden=(3,) * len(acts))
    with pytest.raises(ValueError, match=f"not linear \\({message}\\)"):
        ca.templates(params, layers, "gap", 12, dense_activations=acts)


def test_templates_bad_head_size_and_activation_count():
    layers = [lin()]
    params = rand_net(layers, [2], hidden=(3,))
    with pytest.raises(ValueError, match="head must be 'gap' or 'flatten'"):
        ca.templates(params, layers, "max", 12, dense_activations=["linear"])
    with pytest.raises(ValueError, match="2 dense layers need 1 hidden activations, got 0"):
        ca.templates(params, layers, "gap", 12)
    with pytest.raises(ValueError, match="input_size"):
        ca.templates(params, layers, "gap", 0, dense_activations=["linear"])
    with pytest.raises(ValueError, match="dense layer 1 expects 2 inputs, the flatten head gives"):
        ca.templates(params, layers, "flatten", 12, dense_activations=["linear"])


# --- 5. saliency ---------------------------------------------------------------------------
def test_saliency_of_a_linear_network_is_its_template_for_every_image():
    layers = [lin(3, padding="same"), lin(3, pool="avg")]
    params = rand_net(layers, [3, 2], n_classes=3, input_size=12, head="flatten", seed=2)
    t = ca.templates(params, layers, "flatten", 12)
    for img in np.random.default_rng(3).normal(size=(4, 12, 12)):
        s = ca.saliency(params, layers, "flatten", img)
        assert s.cls == int(np.argmax(direct_scores(params, layers, "flatten", img)))
        np.testing.assert_allclose(s.gradient, t.templates[s.cls], rtol=1e-10, atol=1e-12)


def test_saliency_with_relu_changes_from_image_to_image():
    layers = [{"kernel": 3, "activation": "relu"}, {"kernel": 3, "activation": "relu"}]
    params = rand_net(layers, [4, 3], n_classes=2, seed=4)
    X = np.random.default_rng(5).normal(size=(2, 12, 12))
    g = [ca.saliency(params, layers, "gap", img, cls=0).gradient for img in X]
    assert np.max(np.abs(g[0] - g[1])) > 1e-3


@pytest.mark.parametrize("pool", ["max", "avg", "none"])
def test_saliency_matches_finite_differences(pool):
    layers = [{"kernel": 3, "activation": "tanh", "padding": "same", "stride": 2, "pool": pool},
              {"kernel": 3, "activation": "tanh", "padding": "same"}]
    params = rand_net(layers, [3, 2], n_classes=2, input_size=13, head="flatten", hidden=(4,),
                      seed=6)
    img = np.random.default_rng(7).normal(size=(13, 13))
    s = ca.saliency(params, layers, "flatten", img, dense_activations=["tanh"], cls=1)
    fd, eps = np.zeros_like(img), 1e-6
    for r in range(13):
        for c in range(13):
            e = np.zeros_like(img)
            e[r, c] = eps
            fd[r, c] = (direct_scores(params, layers, "flatten", img + e, ["tanh"])[1]
                        - direct_scores(params, layers, "flatten", img - e, ["tanh"])[1]) / (2 * eps)
    np.testing.assert_allclose(s.gradient, fd, rtol=1e-5, atol=1e-7)


# --- 6. feature maps, dead filters, confusion ----------------------------------------------
def test_feature_maps_match_the_direct_forward():
    layers = [{"kernel": 3, "activation": "relu", "pool": "max"}, lin(3, padding="same")]
    params = rand_net(layers, [3, 2], seed=8)
    img = np.random.default_rng(8).normal(size=(12, 12))
    maps = ca.feature_maps(params, layers, "gap", img)
    z0 = direct_conv(img[None], *params[0])
    np.testing.assert_allclose(maps[0].pre_activation, z0, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(maps[0].pooled, direct_pool(np.maximum(z0, 0), "max"), rtol=1e-12)
    np.testing.assert_allclose(maps[1].post_activation,
                               direct_conv(maps[0].pooled, *params[1], padding="same"),
                               rtol=1e-12, atol=1e-12)
    assert maps[1].pooled.shape == (2, 5, 5)


def test_dead_filters_are_the_relu_filters_silent_on_every_image():
    layers = [{"kernel": 3, "activation": "relu"}]
    params = rand_net(layers, [4], seed=1)
    K, b = params[0]
    K[2], b[2] = 0.0, -1.0      # always −1 before ReLU: dead
    for alive in (0, 1, 3):     # positive kernels on non-negative images: always on
        K[alive], b[alive] = np.abs(K[alive]), 0.5
    K[1, 0, 1, 1] = -50.0       # ...except filter 1 where the centre pixel is bright
    X = np.random.default_rng(2).uniform(0, 1, size=(10, 12, 12))   # non-negative images
    post = np.stack([ca.feature_maps(params, layers, "gap", x)[0].post_activation for x in X])
    assert ca.dead_filters([post]) == ((2,),)
    assert np.any(post[:, 1] == 0) and np.any(post[:, 1] > 0)  # sometimes silent is alive
    with pytest.raises(ValueError, match="layer 1: maps must be shaped"):
        ca.dead_filters([post[0]])


def test_confusion_matrix_hand_case():
    M = ca.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3)
    np.testing.assert_array_equal(M, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert ca.confusion_matrix([], [], 2).sum() == 0
    with pytest.raises(ValueError, match="every prediction must be a class 0..2"):
        ca.confusion_matrix([0, 1], [0, 3], 3)
    with pytest.raises(ValueError, match="2 true labels but 1 predictions"):
        ca.confusion_matrix([0, 1], [0], 3)



# --- issue 19: the numbers where the app says exact ----------------------------------------
def _leaky(slope):
    return lambda z: np.where(z > 0, z, slope * z)


def test_collapse_run_uses_the_networks_leaky_slope():
    # a leaky ReLU layer before the merged run: the run's input is that layer's output,
    # at the network's slope (the old code used 0.01 whatever the network said)
    layers = [{"kernel": 3, "activation": "leaky_relu", "padding": "same"},
              lin(3, padding="same"), lin(3, padding="same")]
    params = rand_net(layers, [3, 3, 2], input_size=12, seed=19)
    X = np.random.default_rng(20).normal(size=(4, 12, 12))
    for slope in (0.3, 0.01):
        r = ca.collapse_run(params, layers, (1, 2), X, leaky_slope=slope)
        # independent: a direct forward pass of the real network at this slope
        border, inner = 0.0, 0.0
        for img in X:
            h = _leaky(slope)(direct_conv(img[None], *params[0], padding="same"))
            stack = direct_conv(direct_conv(h, *params[1], padding="same"), *params[2],
                                padding="same")
            one = direct_conv(h, r.kernel, r.bias, padding="same")
            d = np.abs(stack - one)
            inner = max(inner, d[:, 2:-2, 2:-2].max())
            d[:, 2:-2, 2:-2] = 0.0
            border = max(border, d.max())
        assert r.border_difference == pytest.approx(border, rel=1e-9)
        assert r.interior_difference <= 1e-12 and inner <= 1e-12
        assert r.border_agrees is False
    at_03 = ca.collapse_run(params, layers, (1, 2), X, leaky_slope=0.3).border_difference
    at_001 = ca.collapse_run(params, layers, (1, 2), X).border_difference
    assert abs(at_03 - at_001) > 1e-3  # the slope matters: the test can tell them apart


def test_only_the_first_layer_padding_agrees_to_rounding_and_says_so():
    # same then valid: the stack pads the input once, as the single convolution does
    layers = [lin(3, padding="same"), lin(3)]
    params = rand_net(layers, [3, 2], input_size=12, seed=7)
    X = np.random.default_rng(8).normal(size=(4, 12, 12))
    r = ca.collapse_run(params, layers, (0, 1), X)
    assert r.n_border > 0 and r.border_relative <= 1e-12
    assert r.border_agrees is True
    assert "agree to rounding everywhere, the border included" in r.note
    assert "differ" not in r.note
    for img in X:  # independent: the stack equals the composite padded once
        stack = direct_conv(direct_conv(img[None], *params[0], padding="same"), *params[1])
        Kp = np.pad(img[None], ((0, 0), (1, 1), (1, 1)))
        np.testing.assert_allclose(direct_conv(Kp, r.kernel, r.bias), stack, rtol=1e-10,
                                   atol=1e-12 * np.abs(stack).max())


def test_every_layer_padding_on_blank_borders_agrees_and_says_so():
    # both pad, but zero biases and images with a blank 3-pixel margin: the first layer
    # gives 0 near the border, which is what the second layer's padding reads too
    layers = [lin(3, padding="same"), lin(3, padding="same")]
    params = [(K, np.zeros_like(b)) if i < 2 else (K, b)
              for i, (K, b) in enumerate(rand_net(layers, [3, 2], input_size=12, seed=9))]
    X = np.zeros((3, 12, 12))
    X[:, 3:-3, 3:-3] = np.random.default_rng(10).normal(size=(3, 6, 6))
    r = ca.collapse_run(params, layers, (0, 1), X)
    assert r.border_agrees is True and "agree to rounding there too" in r.note
    # with a bias the intermediate map is not 0 at the border: they differ, as said
    params[0] = (params[0][0], np.ones(3))
    r = ca.collapse_run(params, layers, (0, 1), X)
    assert r.border_agrees is False and r.border_difference > 1e-3
    assert "so the two differ there" in r.note


def test_builtin_leaky_relu_with_slope_1_is_linear_like_a_tweaked_one():
    from actlab.engine.activations.designed import fold_affine
    from actlab.engine.activations.lookup import get_activation
    from actlab.engine.activations.tweaked import Tweaked

    built_in = get_activation("leaky_relu", 1.0)
    tweaked = Tweaked("mine", "leaky_relu", 1.0)
    assert built_in.is_linear and tweaked.is_linear
    assert built_in.kinks == tweaked.kinks == ()
    assert not get_activation("leaky_relu", 0.99).is_linear
    # conv layers: the run merges through it, and the network is linear
    layers = [{"kernel": 3, "activation": "leaky_relu"}, lin(3)]
    assert ca.conv_runs(layers, leaky_slope=1.0) == [(0, 1)]
    assert ca.conv_runs(layers) == []
    assert ca.first_nonlinearity(layers, leaky_slope=1.0) is None
    mine = [{"kernel": 3, "activation": "mine", "custom": (tweaked,)},
            {"kernel": 3, "activation": "linear", "custom": (tweaked,)}]
    assert ca.conv_runs(mine) == [(0, 1)]
    params = rand_net(layers, [2, 2], input_size=10, seed=3)
    X = np.random.default_rng(4).normal(size=(2, 10, 10))
    r = ca.collapse_run(params, layers, (0, 1), X, leaky_slope=1.0)
    assert r.relative_difference <= 1e-12
    t = ca.templates(params, layers, "gap", 10, X, leaky_slope=1.0)
    assert t.relative_difference <= 1e-12
    # dense layers: folded to "linear" like the tweaked one
    dense = [(np.ones((2, 3)), np.zeros(3)), (np.ones((3, 1)), np.zeros(1))]
    assert fold_affine(dense, ["leaky_relu"], (), 1.0)[1] == ["linear"]
    assert fold_affine(dense, ["mine"], (tweaked,))[1] == ["linear"]
    assert fold_affine(dense, ["leaky_relu"], (), 0.5)[1] == ["leaky_relu"]
