"""A small, plain-array forward (and input-gradient) pass of a convolutional network, for
the conv-collapse analysis in :mod:`actlab.engine.analysis.conv`.

It is deliberately independent of the training engine: the analysis must be able to check
the engine's network, so it cannot reuse it.  Speed matters little (a few hundred images),
clarity a lot.  Layout, the same as the engine's public API:

* a convolution is ``(K, b)``, ``K`` shaped (out_channels, in_channels, kh, kw), applied as
  cross-correlation like PyTorch's ``conv2d``:
  ``y[o, i, j] = b[o] + Σ_c Σ_u Σ_v K[o, c, u, v] · x[c, i·s + u − p, j·s + v − p]``,
  padding ``"valid"`` (p = 0) or ``"same"`` (zeros, p = (k − 1) // 2), stride 1 or 2;
* then the layer's activation, then pooling ``"none"``, ``"max"`` or ``"avg"`` (2×2,
  stride 2, odd rows/columns dropped);
* the head ``"gap"`` (global average pool) or ``"flatten"`` (C order over (C, H, W));
* dense layers ``(W, b)`` with ``W`` shaped (fan_in, fan_out): ``h = f(h @ W + b)``; the
  last one gives the class scores (logits; softmax is applied after and is not part of
  the scores here).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from actlab.engine.activations.lookup import canonical_name, get_activation

PADDINGS = ("valid", "same")
POOLS = ("none", "max", "avg")
HEADS = ("gap", "flatten")


@dataclass(frozen=True)
class ConvLayerSpec:
    """What the analysis needs to know about one convolution layer besides its weights."""
    activation: str = "linear"
    padding: str = "valid"
    stride: int = 1
    pool: str = "none"
    #: the network's designed activations (``ImageNetSpec.custom``, which every ConvSpec
    #: carries), so ``activation`` may name one of them
    custom: tuple = field(default=(), repr=False)

    def act(self, leaky_slope: float = 0.01):
        """This layer's :class:`~actlab.engine.activations.Activation`."""
        return get_activation(self.activation, leaky_slope, self.custom)


def network_custom(specs) -> tuple:
    """The designed activations the conv layer specs carry (the same tuple in each), so
    that the dense layers' names are looked up among them too."""
    return tuple(specs[0].custom) if len(specs) else ()


def _field(obj, *names, default=None):
    for name in names:
        if isinstance(obj, Mapping) and name in obj:
            return obj[name]
        if not isinstance(obj, Mapping) and hasattr(obj, name):
            return getattr(obj, name)
    return default


def as_spec(layer, index: int) -> ConvLayerSpec:
    """A :class:`ConvLayerSpec` from a mapping or any object with the fields ``activation``,
    ``padding``, ``stride``, ``pool`` (absent ones take the defaults above).  Raises
    ValueError naming the layer (1-based) and the bad field."""
    where = f"conv layer {index + 1}"
    try:
        custom = tuple(_field(layer, "custom", default=()) or ())
        act = canonical_name(_field(layer, "activation", default="linear"), custom)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    padding = str(_field(layer, "padding", default="valid")).lower()
    stride = _field(layer, "stride", default=1)
    pool = _field(layer, "pool", "pooling", default="none")
    pool = "none" if pool is None else str(pool).lower()
    if padding not in PADDINGS:
        raise ValueError(f"{where}: padding must be 'valid' or 'same', not {padding!r}")
    if stride not in (1, 2) or isinstance(stride, bool):
        raise ValueError(f"{where}: stride must be 1 or 2, not {stride!r}")
    if pool not in POOLS:
        raise ValueError(f"{where}: pool must be 'none', 'max' or 'avg', not {pool!r}")
    return ConvLayerSpec(act, padding, int(stride), pool, custom)


def head_kind(head) -> str:
    """``"gap"`` or ``"flatten"`` from a string or an object/mapping with ``kind``/``head``."""
    kind = head if isinstance(head, str) else _field(head, "kind", "head")
    kind = str(kind).lower()
    if kind not in HEADS:
        raise ValueError(f"head must be 'gap' or 'flatten', not {kind!r}")
    return kind


def padding_of(spec: ConvLayerSpec, K: np.ndarray) -> tuple[int, int]:
    """Zero rows/columns added on each side: 0 for valid, (k − 1) // 2 for same."""
    if spec.padding == "valid":
        return 0, 0
    return (K.shape[2] - 1) // 2, (K.shape[3] - 1) // 2


def as_images(images) -> np.ndarray:
    """Images as float (n, 1, H, W) from (n, H, W), (n, 1, H, W) or one (H, W)."""
    x = np.asarray(images, dtype=float)
    if x.ndim == 2:
        x = x[None, None]
    elif x.ndim == 3:
        x = x[:, None]
    if x.ndim != 4 or x.shape[1] != 1:
        raise ValueError(f"images must be shaped (n, H, W) or (n, 1, H, W), got {np.shape(images)}")
    return x


def conv2d(x: np.ndarray, K: np.ndarray, b: np.ndarray, stride: int = 1,
           pad: tuple[int, int] = (0, 0)) -> np.ndarray:
    """Cross-correlation of (n, C, H, W) maps with K (O, C, kh, kw), plus bias."""
    K = np.asarray(K, dtype=float)
    if x.shape[1] != K.shape[1]:
        raise ValueError(f"a kernel with {K.shape[1]} input channels got maps with {x.shape[1]}")
    if pad != (0, 0):
        x = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    if x.shape[2] < K.shape[2] or x.shape[3] < K.shape[3]:
        raise ValueError(f"a {K.shape[2]}×{K.shape[3]} kernel does not fit a "
                         f"{x.shape[2]}×{x.shape[3]} map")
    win = sliding_window_view(x, K.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    y = np.einsum("ncijuv,ocuv->noij", win, K, optimize=True)
    return y + np.asarray(b, dtype=float)[None, :, None, None]


def conv2d_input_grad(g: np.ndarray, K: np.ndarray, in_shape, stride: int,
                      pad: tuple[int, int]) -> np.ndarray:
    """∂(Σ g·conv2d(x))/∂x: every output pixel hands its gradient back to the input patch
    it read, weighted by the kernel (the transpose of the convolution)."""
    n, C, H, W = in_shape
    kh, kw = K.shape[2:]
    Ho, Wo = g.shape[2:]
    dx = np.zeros((n, C, H + 2 * pad[0], W + 2 * pad[1]))
    for u in range(kh):
        for v in range(kw):
            dx[:, :, u:u + stride * (Ho - 1) + 1:stride, v:v + stride * (Wo - 1) + 1:stride] += \
                np.einsum("noij,oc->ncij", g, K[:, :, u, v])
    return dx[:, :, pad[0]:pad[0] + H, pad[1]:pad[1] + W]


def _windows(x):
    n, C, H, W = x.shape
    Ho, Wo = H // 2, W // 2
    if Ho == 0 or Wo == 0:
        raise ValueError(f"2×2 pooling needs maps of at least 2×2, got {H}×{W}")
    r = x[:, :, :2 * Ho, :2 * Wo].reshape(n, C, Ho, 2, Wo, 2)
    return r.transpose(0, 1, 2, 4, 3, 5).reshape(n, C, Ho, Wo, 4)


def pool2d(x: np.ndarray, pool: str) -> np.ndarray:
    """2×2, stride-2 pooling (floor: an odd last row/column is dropped)."""
    if pool == "none":
        return x
    w = _windows(x)
    return w.max(axis=-1) if pool == "max" else w.mean(axis=-1)


def pool2d_input_grad(g: np.ndarray, x: np.ndarray, pool: str) -> np.ndarray:
    """Gradient through pooling: average spreads it over the window, max sends it to the
    window's (first) largest input."""
    if pool == "none":
        return g
    n, C, H, W = x.shape
    Ho, Wo = g.shape[2:]
    if pool == "avg":
        share = np.repeat(g[..., None], 4, axis=-1) / 4.0
    else:
        first = _windows(x).argmax(axis=-1)
        share = (np.arange(4) == first[..., None]) * g[..., None]
    r = share.reshape(n, C, Ho, Wo, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, C, 2 * Ho, 2 * Wo)
    out = np.zeros_like(x)
    out[:, :, :2 * Ho, :2 * Wo] = r
    return out


@dataclass
class _Trace:
    """What a forward pass kept for the backward pass and for feature-map views."""
    conv_in: list
    pre: list
    post: list
    pooled: list
    dense_pre: list
    dense_in: list
    head_in: np.ndarray | None = None


def split_params(params, n_conv: int):
    params = list(params)
    if len(params) <= n_conv:
        raise ValueError(f"{len(params)} parameter pairs for {n_conv} conv layers: "
                         "at least one dense (output) layer is missing")
    return params[:n_conv], params[n_conv:]


def forward(params, specs, head: str, x: np.ndarray, dense_activations=(),
            leaky_slope: float = 0.01, trace: bool = False):
    """Class scores (logits) of (n, 1, H, W) images; with ``trace`` also the intermediates."""
    convs, dense = split_params(params, len(specs))
    dense_activations = list(dense_activations)
    if len(dense_activations) != len(dense) - 1:
        raise ValueError(f"{len(dense)} dense layers need {len(dense) - 1} hidden "
                         f"activations, got {len(dense_activations)}")
    t = _Trace([], [], [], [], [], [])
    h = x
    for (K, b), spec in zip(convs, specs):
        t.conv_in.append(h)
        z = conv2d(h, K, b, spec.stride, padding_of(spec, np.asarray(K)))
        a = spec.act(leaky_slope).value(z)
        h = pool2d(a, spec.pool)
        t.pre.append(z), t.post.append(a), t.pooled.append(h)
    t.head_in = h
    h = h.mean(axis=(2, 3)) if head == "gap" else h.reshape(len(h), -1)
    for i, (W, b) in enumerate(dense):
        W = np.asarray(W, dtype=float)
        if h.shape[1] != W.shape[0]:
            raise ValueError(f"dense layer {i + 1} expects {W.shape[0]} inputs, the "
                             f"{head} head gives {h.shape[1]}" if i == 0 else
                             f"dense layer {i + 1} expects {W.shape[0]} inputs, got {h.shape[1]}")
        t.dense_in.append(h)
        z = h @ W + np.asarray(b, dtype=float)
        t.dense_pre.append(z)
        h = z if i == len(dense) - 1 else \
            get_activation(dense_activations[i], leaky_slope, network_custom(specs)).value(z)
    return (h, t) if trace else h


def input_gradient(params, specs, head: str, x: np.ndarray, g_scores: np.ndarray,
                   dense_activations=(), leaky_slope: float = 0.01) -> np.ndarray:
    """∂(Σ g_scores · scores(x))/∂x for (n, 1, H, W) images: the forward pass read backwards."""
    _, t = forward(params, specs, head, x, dense_activations, leaky_slope, trace=True)
    convs, dense = split_params(params, len(specs))
    g = np.asarray(g_scores, dtype=float)
    for i in range(len(dense) - 1, -1, -1):
        if i < len(dense) - 1:
            act = get_activation(dense_activations[i], leaky_slope, network_custom(specs))
            g = g * act.derivative(t.dense_pre[i])
        g = g @ np.asarray(dense[i][0], dtype=float).T
    hin = t.head_in
    if head == "gap":
        g = np.broadcast_to(g[:, :, None, None] / (hin.shape[2] * hin.shape[3]), hin.shape)
    else:
        g = g.reshape(hin.shape)
    for i in range(len(specs) - 1, -1, -1):
        spec, K = specs[i], np.asarray(convs[i][0], dtype=float)
        g = pool2d_input_grad(g, t.post[i], spec.pool)
        g = g * spec.act(leaky_slope).derivative(t.pre[i])
        g = conv2d_input_grad(g, K, t.conv_in[i].shape, spec.stride, padding_of(spec, K))
    return g
