"""Pure functions that explain a convolutional network: which convolutions collapse into
one, the class templates of a fully linear CNN, saliency, feature maps, dead filters and
the confusion matrix.

Parameters are plain arrays in the engine's public layout (see
:mod:`actlab.engine.analysis.conv_reference`): one ``(K, b)`` per convolution, ``K`` shaped
(out_channels, in_channels, kh, kw), cross-correlation like PyTorch; then one ``(W, b)`` per
dense layer, ``W`` shaped (fan_in, fan_out).  A conv layer description is a mapping or an
object with ``activation``, ``padding``, ``stride`` and ``pool``.  Run and layer indices
are 0-based; messages and sentences meant for students count layers from 1.

The one idea behind all of it: a convolution is linear, so a stack of convolutions with
nothing non-linear between them is one convolution, and a CNN with nothing non-linear
anywhere is one affine map of the image — a template per class.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actlab.engine.analysis import conv_reference as ref
from actlab.engine.activations.lookup import get_activation
from actlab.engine.frozen import read_only

_COUNT = {2: "two", 3: "three", 4: "four"}


def _is_linear(spec: ref.ConvLayerSpec, leaky_slope: float = 0.01) -> bool:
    # The registry's flag, not a name comparison: besides "linear", a designed activation
    # that is a line (collinear points, a leaky slope of 1) is linear too, and so is the
    # built-in leaky ReLU when the network's leaky slope is 1.
    return spec.act(leaky_slope).is_linear


def _dense_act(name: str, specs, leaky_slope: float = 0.01):
    return get_activation(name, leaky_slope, ref.network_custom(specs))


def _affine_of(spec: ref.ConvLayerSpec, leaky_slope: float = 0.01) -> tuple[float, float]:
    """(a, c) with the layer's linear activation f(z) = a z + c (read off at 0 and 1)."""
    f = spec.act(leaky_slope).value
    c = float(f(np.array([0.0]))[0])
    return float(f(np.array([1.0]))[0]) - c, c


# --- 1. Composing kernels --------------------------------------------------------------
def compose_kernels(K1, b1, K2, b2) -> tuple[np.ndarray, np.ndarray]:
    """The one convolution equal to conv(K2, b2) applied after conv(K1, b1), both stride 1
    and cross-correlations, with no activation between them ("valid" padding: exact).

    Writing out the two sums, output (o, i, j) reads input pixel (c, i + u1 + u2, j + v1 + v2)
    with weight Σ_m K2[o, m, u2, v2] · K1[m, c, u1, v1]; collecting the terms with
    u1 + u2 = U gives ``K[o, c] = Σ_m K2[o, m] ∗ K1[m, c]`` — the *full convolution* of the
    kernels (no flip: chaining cross-correlations convolves their kernels, and convolution
    commutes).  Its size is k1 + k2 − 1.  Each intermediate pixel carries the bias b1[m],
    which the second kernel sums: ``b[o] = b2[o] + Σ_m b1[m] · ΣK2[o, m]``."""
    K1, K2 = np.asarray(K1, dtype=float), np.asarray(K2, dtype=float)
    b1, b2 = np.asarray(b1, dtype=float), np.asarray(b2, dtype=float)
    if K1.ndim != 4 or K2.ndim != 4:
        raise ValueError("kernels must be shaped (out_channels, in_channels, kh, kw)")
    if K2.shape[1] != K1.shape[0]:
        raise ValueError(f"the second kernel reads {K2.shape[1]} channels but the first "
                         f"writes {K1.shape[0]}")
    if b1.shape != (K1.shape[0],) or b2.shape != (K2.shape[0],):
        raise ValueError("each bias needs one value per output channel of its kernel")
    kh1, kw1 = K1.shape[2:]
    kh2, kw2 = K2.shape[2:]
    K = np.zeros((K2.shape[0], K1.shape[1], kh1 + kh2 - 1, kw1 + kw2 - 1))
    for u2 in range(kh2):
        for v2 in range(kw2):
            K[:, :, u2:u2 + kh1, v2:v2 + kw1] += np.einsum("om,mcuv->ocuv", K2[:, :, u2, v2], K1)
    return K, b2 + K2.sum(axis=(2, 3)) @ b1


def compose_stack(convs) -> tuple[np.ndarray, np.ndarray]:
    """The one convolution equal to a run of stride-1 convolutions ``[(K, b), ...]``
    applied in order: :func:`compose_kernels` folded from the first layer on."""
    convs = list(convs)
    if not convs:
        raise ValueError("an empty run of convolutions has no composite")
    K, b = (np.asarray(a, dtype=float) for a in convs[0])
    for K2, b2 in convs[1:]:
        K, b = compose_kernels(K, b, K2, b2)
    return K, b


# --- 2. Which layers merge -------------------------------------------------------------
def _break_reason(spec: ref.ConvLayerSpec, leaky_slope: float = 0.01) -> str | None:
    if not _is_linear(spec, leaky_slope):
        return f"uses {spec.act(leaky_slope).title}"
    if spec.pool == "max":
        return "is followed by max pooling (non-linear)"
    if spec.pool == "avg":
        return "is followed by average pooling (linear, but it halves the grid)"
    if spec.stride != 1:
        return "has stride 2"
    return None


def conv_runs(layers, leaky_slope: float = 0.01) -> list[tuple[int, int]]:
    """Maximal runs ``(first, last)`` (0-based, inclusive, at least two layers) of
    consecutive conv layers that merge into one convolution.

    Layer i merges with layer i + 1 when layer i is linear, stride 1 and has no pooling
    after it.  The last layer of a run may use any activation, pooling and stride: those
    act after the composite (with its stride, the composite reads the same input patches).
    Max pooling is non-linear and ends a run.  Average pooling is linear but ends a run
    too: merged across it, the composite would be a stride-2 convolution whose kernel is
    no longer the k1 + k2 − 1 closed form; :func:`templates` still treats it exactly.
    ``leaky_slope``: the network's (with 1, leaky ReLU is the identity and merges)."""
    specs = [ref.as_spec(layer, i) for i, layer in enumerate(layers)]
    runs, start = [], 0
    for i, spec in enumerate(specs):
        if _break_reason(spec, leaky_slope) is not None or i == len(specs) - 1:
            if i > start:
                runs.append((start, i))
            start = i + 1
    return runs


# --- 3. Measuring the collapse of one run ----------------------------------------------
@dataclass(frozen=True)
class ConvCollapse:
    """A run of convolutions and the single convolution equal to it."""
    first: int                  # 0-based index of the run's first conv layer
    last: int                   # 0-based index of its last conv layer (inclusive)
    kernel: np.ndarray          # composite K (out_channels, in_channels, kh, kw)
    bias: np.ndarray            # composite b (out_channels,)
    kernel_size: tuple          # (kh, kw) of the composite
    layer_kernel_sizes: tuple   # ((kh, kw), ...) of the merged layers
    stride: int                 # the composite's stride (the run's last layer's)
    padding: tuple              # zero rows/columns the composite adds on each side
    summary: str                # "Layers 1–2: two 3×3 convolutions act as one 5×5 convolution."
    max_difference: float       # largest |stack − composite| over all output pixels
    relative_difference: float  # max_difference / largest |stack output|
    interior_difference: float | None  # over pixels whose receptive field avoids padding
    interior_relative: float | None
    border_difference: float | None    # over the other pixels; None when there are none
    border_relative: float | None
    n_interior: int             # output pixels per map of each kind
    n_border: int
    note: str                   # what padding does at the border (empty without padding)
    #: whether every border pixel agrees to rounding (|stack − single| within the bound
    #: of :func:`rounding_bound`); None when there are no border pixels
    border_agrees: bool | None = None


def _size(k) -> str:
    return f"{k[0]}×{k[1]}"


def _summary(first, last, sizes, kernel_size, stride) -> str:
    if len(set(sizes)) == 1:
        what = f"{_COUNT.get(len(sizes), str(len(sizes)))} {_size(sizes[0])} convolutions"
    else:
        what = " + ".join(_size(k) for k in sizes) + " convolutions"
    tail = " with stride 2" if stride == 2 else ""
    return (f"Layers {first + 1}–{last + 1}: {what} act as one {_size(kernel_size)} "
            f"convolution{tail}.")


_FIRST_PAD_NOTE = ("Only the run's first layer pads (zero, 'same' padding): the stack pads "
                   "the input once, just as the single convolution does, so the two agree "
                   "to rounding everywhere, the border included.")

_AGREES_NOTE = ("With zero ('same') padding the stack pads every intermediate map with "
                "zeros, while the single convolution pads only the input once, so near the "
                "border they could differ; on these images they agree to rounding there too "
                "(the earlier layers' outputs near the border give the later layer nothing "
                "the zeros do not).")

_BORDER_NOTE = ("With zero ('same') padding the stack pads every intermediate map with "
                "zeros, while the single convolution pads only the input once: near the "
                "border the later layer reads zeros where the single convolution reads the "
                "earlier layer's bias and partial sums, so the two differ there. Inside, "
                "where no receptive field touches the padding, they agree to rounding.")


def _interior_mask(n_out, pad, k, stride, n_in) -> np.ndarray:
    i = np.arange(n_out) * stride - pad
    return (i >= 0) & (i + k - 1 <= n_in - 1)


def rounding_bound(x_run, run_convs, strides, pads, K, b, stride, pad) -> np.ndarray:
    """Per output pixel, the most rounding alone can make |stack − single convolution|.

    Each output is a sum of products of weights and input pixels; computed in floats,
    the standard bound (Higham, *Accuracy and Stability of Numerical Algorithms*, §3.1)
    is γ(n)·A with γ(n) = n·u / (1 − n·u), u = 2⁻⁵³, n the roundings on the way (the taps
    and bias of every layer of the stack, of the composition of the kernels and of the
    single convolution) and A the same computation on absolute values.  A is taken as
    the larger of the stack and the single convolution on |x| with |K|, |b|; the factor
    2 covers the difference of the two results."""
    a_stack = np.abs(x_run)
    n = 0
    for (Ki, bi), s, p in zip(run_convs, strides, pads):
        a_stack = ref.conv2d(a_stack, np.abs(Ki), np.abs(bi), s, p)
        n += 2 * (Ki.shape[1] * Ki.shape[2] * Ki.shape[3] + 1)  # the stack, the composition
    Ka, ba = compose_stack([(np.abs(Ki), np.abs(bi)) for Ki, bi in run_convs])
    a_single = ref.conv2d(np.abs(x_run), Ka, ba, stride, pad)
    n += K.shape[1] * K.shape[2] * K.shape[3] + 1
    nu = n * 2.0 ** -53
    return 2.0 * nu / (1.0 - nu) * np.maximum(a_stack, a_single)


def _max_or_none(d, mask, scale):
    if not mask.any():
        return None, None
    m = float(np.max(d[..., mask])) if d.size else 0.0
    return m, m / scale


@dataclass(frozen=True, eq=False)
class RunOutputs:
    """A run's stack and its single convolution applied to the same images (both before
    the last layer's activation and pooling), with what was needed to compute them."""
    first: int
    last: int
    run_input: np.ndarray   # (n, C, H, W): the images after the layers before the run
    stack: np.ndarray       # (n, out, h, w): the real layers of the run, one after another
    single: np.ndarray      # (n, out, h, w): the composite kernel applied once
    kernel: np.ndarray
    bias: np.ndarray
    run_convs: list         # the run's (K, b), a linear a·z + c activation folded in
    pads: list              # each layer's (rows, cols) of zero padding
    pad: tuple              # the composite's padding (their sum)
    stride: int
    interior: np.ndarray    # (h, w) bool: receptive field clear of every padding


def run_outputs(params, layers, run, images, leaky_slope: float = 0.01) -> RunOutputs:
    """Apply the run ``(first, last)`` to ``images`` twice — layer after layer, and as the
    one composite convolution — after the layers before it.  Raises ValueError for a run
    that does not merge."""
    specs = [ref.as_spec(layer, i) for i, layer in enumerate(layers)]
    convs, _ = ref.split_params(params, len(specs))
    first, last = (int(r) for r in run)
    if not (0 <= first < last < len(specs)):
        raise ValueError(f"run {tuple(run)} is not two or more of the {len(specs)} conv layers")
    for i in range(first, last):
        reason = _break_reason(specs[i], leaky_slope)
        if reason:
            raise ValueError(f"layers {first + 1}–{last + 1} do not merge: "
                             f"layer {i + 1} {reason}")
    run_convs = [tuple(np.asarray(a, dtype=float) for a in convs[i]) for i in range(first, last + 1)]
    # a designed linear activation a z + c between two layers is folded into the first:
    # conv(aK, ab + c) = a conv + c
    for i in range(first, last):
        a, c = _affine_of(specs[i], leaky_slope)
        if (a, c) != (1.0, 0.0):
            K, b = run_convs[i - first]
            run_convs[i - first] = (a * K, a * b + c)
    K, b = compose_stack(run_convs)
    pads = [ref.padding_of(specs[i], run_convs[i - first][0]) for i in range(first, last + 1)]
    pad = (sum(p[0] for p in pads), sum(p[1] for p in pads))
    stride = specs[last].stride

    h = ref.as_images(images)
    for i in range(first):
        Ki, bi = convs[i]
        z = ref.conv2d(h, Ki, bi, specs[i].stride, ref.padding_of(specs[i], np.asarray(Ki)))
        h = ref.pool2d(specs[i].act(leaky_slope).value(z), specs[i].pool)
    x_run = h
    for i in range(first, last + 1):  # the real stack; no activation before `last`'s own
        Ki, bi = run_convs[i - first]
        h = ref.conv2d(h, Ki, bi, specs[i].stride, pads[i - first])
    single = ref.conv2d(x_run, K, b, stride, pad)
    if single.shape != h.shape:  # a mismatch would be a bug in the padding algebra
        raise AssertionError(f"composite gives {single.shape}, stack {h.shape}")

    rows = _interior_mask(h.shape[2], pad[0], K.shape[2], stride, x_run.shape[2])
    cols = _interior_mask(h.shape[3], pad[1], K.shape[3], stride, x_run.shape[3])
    return RunOutputs(first, last, x_run, h, single, K, b, run_convs, pads, pad, stride,
                      rows[:, None] & cols[None, :])


def collapse_run(params, layers, run, images, leaky_slope: float = 0.01) -> ConvCollapse:
    """The composite kernel and bias of ``run = (first, last)`` and how far the real stack
    and the single convolution differ on ``images`` ((n, H, W) or (n, 1, H, W) network
    inputs; layers before the run are applied first, with the network's
    ``leaky_slope``).  Both outputs are taken before the
    last layer's activation and pooling, which act on them alike.

    With "valid" padding the two are equal up to rounding everywhere.  With "same" padding
    they agree on the *interior* (output pixels whose composite receptive field lies inside
    the map) and, when a layer after the first pads, differ on the *border*:
    ``border_agrees`` says whether every border pixel is within rounding (the bound of
    :func:`rounding_bound`), ``note`` says what that means in words."""
    r = run_outputs(params, layers, run, images, leaky_slope)
    first, last, h, single, K, b = r.first, r.last, r.stack, r.single, r.kernel, r.bias
    x_run, run_convs, pads, pad, stride = r.run_input, r.run_convs, r.pads, r.pad, r.stride
    specs = [ref.as_spec(layer, i) for i, layer in enumerate(layers)]
    d = np.abs(h - single)
    scale = max(float(np.max(np.abs(h))) if h.size else 0.0, np.finfo(float).tiny)
    inner = r.interior
    i_abs, i_rel = _max_or_none(d, inner, scale)
    b_abs, b_rel = _max_or_none(d, ~inner, scale)
    m = float(d.max()) if d.size else 0.0
    agrees = None
    if (~inner).any():
        bound = rounding_bound(x_run, run_convs, [specs[i].stride for i in range(first, last + 1)],
                               pads, K, b, stride, pad)
        agrees = bool(np.all(d[..., ~inner] <= bound[..., ~inner]))
    sizes = tuple(tuple(int(s) for s in c[0].shape[2:]) for c in run_convs)
    ksize = (int(K.shape[2]), int(K.shape[3]))
    return ConvCollapse(first, last, read_only(K), read_only(b), ksize, sizes, stride, pad,
                        _summary(first, last, sizes, ksize, stride), m, m / scale,
                        i_abs, i_rel, b_abs, b_rel, int(inner.sum()), int((~inner).sum()),
                        _border_note(pad, pads, agrees), agrees)


def _border_note(pad, pads, agrees) -> str:
    """What padding does at the border, as measured: nothing to say without padding;
    agreement to rounding when the border pixels agree (for a run where only the first
    layer pads that is exact algebra: padding the input once is what the single
    convolution does); else why they differ."""
    if pad == (0, 0):
        return ""
    if agrees is not False:
        return _FIRST_PAD_NOTE if all(p == (0, 0) for p in pads[1:]) else _AGREES_NOTE
    return _BORDER_NOTE


# --- 4. Templates of a fully linear network --------------------------------------------
def first_nonlinearity(layers, dense_activations=(), leaky_slope: float = 0.01) -> str | None:
    """Plain words naming the first non-linear piece of the network, or None when the
    whole network (convolutions, pooling, head, dense layers) is affine."""
    for i, layer in enumerate(layers):
        spec = ref.as_spec(layer, i)
        if not _is_linear(spec, leaky_slope):
            return f"layer {i + 1} uses {spec.act(leaky_slope).title}"
        if spec.pool == "max":
            return f"max pooling after layer {i + 1}"
    specs = [ref.as_spec(layer, i) for i, layer in enumerate(layers)]
    for i, name in enumerate(dense_activations):
        act = _dense_act(name, specs, leaky_slope)
        if not act.is_linear:
            return f"dense layer {i + 1} uses {act.title}"
    return None


@dataclass(frozen=True)
class Templates:
    """A fully linear CNN written as ``scores = T · x + c``: one template image per class."""
    templates: np.ndarray       # T (n_classes, H, W)
    constants: np.ndarray       # c (n_classes,): the scores of an all-zero image
    max_difference: float | None  # largest |network scores − (T·x + c)| on the images given
    relative_difference: float | None  # that over the largest |score|


def _size_pair(input_size) -> tuple[int, int]:
    s = (input_size, input_size) if np.isscalar(input_size) else tuple(input_size)
    if len(s) != 2 or any(int(v) != v or v < 1 for v in s):
        raise ValueError(f"input_size must be a positive int or (H, W), got {input_size!r}")
    return int(s[0]), int(s[1])


def templates(params, layers, head, input_size, images=None, dense_activations=(),
              batch: int = 256, leaky_slope: float = 0.01) -> Templates:
    """Class templates of a network with no non-linearity anywhere (linear convolutions,
    pooling none or average, head "gap" or "flatten", linear dense layers).

    Such a network is affine in the image, so it is fixed by what it does to the zero
    image and to the H·W one-pixel images: ``c = scores(0)``, ``T[:, pixel] =
    scores(e_pixel) − c``, computed in batched forward passes (no fitting, exact up to
    rounding).  With ``images`` the result also holds the largest difference between the
    network and ``T·x + c`` on them.  Scores are the logits before softmax.  Raises
    ValueError naming the first non-linear piece (e.g. "layer 2 uses ReLU")."""
    specs = [ref.as_spec(layer, i) for i, layer in enumerate(layers)]
    kind = ref.head_kind(head)
    dense_activations = [str(a) for a in dense_activations]
    why = first_nonlinearity(specs, dense_activations, leaky_slope)
    if why:
        raise ValueError(f"the network is not linear ({why}), so it has no class templates")
    H, W = _size_pair(input_size)

    def scores(x):
        return ref.forward(params, specs, kind, x, dense_activations, leaky_slope)

    c = scores(np.zeros((1, 1, H, W)))[0]
    cols = []
    for start in range(0, H * W, batch):
        idx = np.arange(start, min(start + batch, H * W))
        basis = np.zeros((len(idx), H * W))
        basis[np.arange(len(idx)), idx] = 1.0
        cols.append(scores(basis.reshape(-1, 1, H, W)) - c)
    T = np.concatenate(cols).T.reshape(-1, H, W)
    diff = rel = None
    if images is not None:
        x = ref.as_images(images)
        if x.shape[2:] != (H, W):
            raise ValueError(f"images are {x.shape[2]}×{x.shape[3]}, the templates {H}×{W}")
        net = scores(x)
        diff = float(np.max(np.abs(net - (x.reshape(len(x), -1) @ T.reshape(len(T), -1).T + c)))) \
            if len(x) else 0.0
        rel = diff / max(float(np.max(np.abs(net))) if len(x) else 0.0, np.finfo(float).tiny)
    return Templates(read_only(T), read_only(c), diff, rel)


# --- 5. Saliency -----------------------------------------------------------------------
@dataclass(frozen=True)
class Saliency:
    """The input gradient of one class score for one image."""
    cls: int                    # the class whose score was differentiated
    scores: np.ndarray          # the image's class scores (logits)
    gradient: np.ndarray        # ∂score[cls]/∂image, (H, W)


def saliency(params, layers, head, image, dense_activations=(), cls=None,
             leaky_slope: float = 0.01) -> Saliency:
    """∂score/∂pixel of one image for class ``cls`` (default: the predicted class).  For a
    linear network this is that class's template for every image; with a non-linearity it
    changes from image to image — which is what "the network looks at different things in
    different images" means."""
    specs = [ref.as_spec(layer, i) for i, layer in enumerate(layers)]
    kind = ref.head_kind(head)
    x = ref.as_images(image)
    if len(x) != 1:
        raise ValueError(f"saliency takes one image, got {len(x)}")
    s = ref.forward(params, specs, kind, x, dense_activations, leaky_slope)[0]
    k = int(np.argmax(s)) if cls is None else int(cls)
    if not 0 <= k < len(s):
        raise ValueError(f"class {cls} is outside 0..{len(s) - 1}")
    g = np.zeros((1, len(s)))
    g[0, k] = 1.0
    grad = ref.input_gradient(params, specs, kind, x, g, dense_activations, leaky_slope)
    return Saliency(k, read_only(s), read_only(grad[0, 0]))


# --- 6. Feature maps, dead filters, confusion -------------------------------------------
@dataclass(frozen=True)
class FeatureMaps:
    """One conv layer's maps for one image, each (channels, h, w)."""
    layer: int                  # 0-based
    pre_activation: np.ndarray
    post_activation: np.ndarray
    pooled: np.ndarray          # after the layer's pooling (= post_activation without)


def feature_maps(params, layers, head, image, dense_activations=(),
                 leaky_slope: float = 0.01) -> tuple[FeatureMaps, ...]:
    """Every conv layer's maps for one image, in order."""
    specs = [ref.as_spec(layer, i) for i, layer in enumerate(layers)]
    x = ref.as_images(image)[:1]
    _, t = ref.forward(params, specs, ref.head_kind(head), x, dense_activations, leaky_slope,
                       trace=True)
    return tuple(FeatureMaps(i, read_only(z[0]), read_only(a[0]), read_only(p[0]))
                 for i, (z, a, p) in enumerate(zip(t.pre, t.post, t.pooled)))


def dead_filters(feature_maps_post_activation) -> tuple[tuple[int, ...], ...]:
    """Per conv layer, the filters whose post-activation output is exactly zero at every
    pixel of every image given (arrays (n, channels, h, w), one per layer): a dead ReLU
    filter passes no signal and gets no gradient, so training cannot revive it."""
    out = []
    for i, a in enumerate(feature_maps_post_activation):
        a = np.asarray(a, dtype=float)
        if a.ndim != 4:
            raise ValueError(f"layer {i + 1}: maps must be shaped (n, channels, h, w), got {a.shape}")
        out.append(tuple(int(c) for c in np.flatnonzero(np.all(a == 0.0, axis=(0, 2, 3)))))
    return tuple(out)


def confusion_matrix(y_true, y_pred, n_classes: int) -> np.ndarray:
    """Counts ``M[t, p]`` of images of true class t predicted as p (rows: truth)."""
    t = np.asarray(y_true).reshape(-1)
    p = np.asarray(y_pred).reshape(-1)
    if t.shape != p.shape:
        raise ValueError(f"{t.size} true labels but {p.size} predictions")
    for name, v in (("true label", t), ("prediction", p)):
        if v.size and (not np.all(np.equal(np.mod(v, 1), 0)) or v.min() < 0 or v.max() >= n_classes):
            raise ValueError(f"every {name} must be a class 0..{n_classes - 1}")
    M = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(M, (t.astype(np.int64), p.astype(np.int64)), 1)
    return M
