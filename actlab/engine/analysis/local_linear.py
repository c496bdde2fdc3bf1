"""One template per image: a piecewise-linear CNN is exactly affine near every image.

Every unit of a network built from piecewise-linear activations (ReLU, leaky ReLU, a
designed activation, linear) sits on one *piece* of its activation, and every 2×2 max
pool passes one of its four inputs.  Freeze those choices — the image's **activation
pattern** — and what is left is linear algebra: convolutions, fixed slopes and offsets,
fixed routings, averages and dense layers, one affine map of the image.  So for each
image x there are templates T(x) (one image per class) and constants c(x) with

    logits(x) = ⟨T(x), x⟩ + c(x)

exactly (up to rounding), and the map is the same for every image with the same
pattern.  A fully linear network has one pattern, so one T for all images — the shared
templates of :func:`actlab.engine.analysis.conv.templates`.  Smooth activations (tanh,
sigmoid, GELU, …) have no pieces: there the question has no answer and the functions
below say so ("not piecewise-linear").

How it is computed, with no finite differences: one forward pass of the real network
records the pattern (for each unit the index of its piece — the number of the
activation's kinks strictly below its input, so a value exactly on a kink counts as the
piece to its left; for each max pool the first largest of its four inputs).  T(x) is the
gradient of each class score through the frozen pattern (a backward pass per class with
the pieces' slopes and the recorded routings); c(x) is the frozen network's output for
the all-zero image (a forward pass with the pieces' slopes *and offsets* and the recorded
routings).  The two are computed separately, so ``⟨T(x), x⟩ + c(x)`` against the
network's logits is a real check, not an identity.

Parameters and layer descriptions are as in :mod:`actlab.engine.analysis.conv`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actlab.engine.analysis import conv_reference as ref
from actlab.engine.activations.lookup import get_activation
from actlab.engine.frozen import read_only

#: images per batch of the chunked passes (memory: batch × classes × H × W floats)
BATCH = 64


@dataclass(frozen=True)
class Pieces:
    """An activation as its pieces: ``kinks`` (sorted), and per piece (``len(kinks) + 1``
    of them, left to right) the ``slopes`` and ``offsets`` with f(z) = slope·z + offset."""
    kinks: np.ndarray
    slopes: np.ndarray
    offsets: np.ndarray

    def index(self, z: np.ndarray) -> np.ndarray:
        """The piece each z is on: how many kinks lie strictly below it (int8)."""
        return np.searchsorted(self.kinks, z, side="left").astype(np.int8)


def pieces_of(act) -> Pieces | None:
    """The pieces of an :class:`~actlab.engine.activations.base.Activation`, or None when
    it is not piecewise linear.  Each piece's line is read off the activation's own values
    at two points of the piece (its kinks, or one unit beyond the outermost kink)."""
    if not act.piecewise_linear:
        return None
    k = np.asarray(sorted(float(v) for v in act.kinks), dtype=float)
    if len(k) == 0:
        ends = [(0.0, 1.0)]
    else:
        ends = [(k[0] - 1.0, k[0])] + list(zip(k[:-1], k[1:])) + [(k[-1], k[-1] + 1.0)]
    p = np.array([e[0] for e in ends])
    q = np.array([e[1] for e in ends])
    fp, fq = act.value(p), act.value(q)
    slopes = (fq - fp) / (q - p)
    return Pieces(k, slopes, fp - slopes * p)


def not_piecewise_linear(layers, dense_activations=(), leaky_slope: float = 0.01) -> str | None:
    """Plain words naming the first smooth piece of the network ("layer 2 uses Tanh, which
    is not piecewise-linear"), or None when every activation is piecewise linear (max
    and average pooling always are)."""
    specs = [ref.as_spec(layer, i) for i, layer in enumerate(layers)]
    for i, spec in enumerate(specs):
        act = spec.act(leaky_slope)
        if not act.piecewise_linear:
            return f"layer {i + 1} uses {act.title}, which is not piecewise-linear"
    for i, name in enumerate(dense_activations):
        act = get_activation(name, leaky_slope, ref.network_custom(specs))
        if not act.piecewise_linear:
            return f"dense layer {i + 1} uses {act.title}, which is not piecewise-linear"
    return None


@dataclass(frozen=True)
class LocalAffine:
    """The exact local affine map of a piecewise-linear network at each of n images."""
    templates: np.ndarray    # T(x) (n, n_classes, H, W)
    constants: np.ndarray    # c(x) (n, n_classes)
    scores: np.ndarray       # the network's logits (n, n_classes)
    patterns: tuple          # per image, its activation pattern as bytes (equal ⇔ same map)
    max_difference: float    # largest |logits − (⟨T(x), x⟩ + c(x))| over the images
    relative_difference: float  # that over the largest |logit|

    @property
    def n_patterns(self) -> int:
        """How many distinct activation patterns the images have."""
        return len(set(self.patterns))


@dataclass(frozen=True)
class LocalLinearCheck:
    """Measured over a set of images, without keeping the templates."""
    max_difference: float
    relative_difference: float
    activation_patterns: int   # distinct patterns (1 for a fully linear network)
    images: int


class _Net:
    """The network's layers with their pieces, checked once."""

    def __init__(self, params, layers, head, dense_activations, leaky_slope):
        self.specs = [ref.as_spec(layer, i) for i, layer in enumerate(layers)]
        self.head = ref.head_kind(head)
        self.dense_acts = [str(a) for a in dense_activations]
        why = not_piecewise_linear(self.specs, self.dense_acts, leaky_slope)
        if why:
            raise ValueError(f"the network has no local templates: {why}")
        convs, dense = ref.split_params(params, len(self.specs))
        if len(self.dense_acts) != len(dense) - 1:
            raise ValueError(f"{len(dense)} dense layers need {len(dense) - 1} hidden "
                             f"activations, got {len(self.dense_acts)}")
        self.convs = [tuple(np.asarray(a, dtype=float) for a in c) for c in convs]
        self.dense = [tuple(np.asarray(a, dtype=float) for a in d) for d in dense]
        self.conv_acts = [s.act(leaky_slope) for s in self.specs]
        custom = ref.network_custom(self.specs)
        self.hidden_acts = [get_activation(a, leaky_slope, custom) for a in self.dense_acts]
        self.conv_pieces = [pieces_of(a) for a in self.conv_acts]
        self.hidden_pieces = [pieces_of(a) for a in self.hidden_acts]
        self.pads = [ref.padding_of(s, K) for s, (K, _) in zip(self.specs, self.convs)]

    # -- the real network, recording the pattern ----------------------------------
    def forward(self, x):
        """``(scores, pattern)``: the logits and, per layer, the piece indices and the
        max-pool winners (a list of int8 arrays with the image first)."""
        pattern = []
        h = x
        for (K, b), spec, act, pc, pad in zip(self.convs, self.specs, self.conv_acts,
                                              self.conv_pieces, self.pads):
            z = ref.conv2d(h, K, b, spec.stride, pad)
            pattern.append(pc.index(z))
            a = act.value(z)
            if spec.pool == "max":
                win = ref._windows(a)
                pattern.append(win.argmax(axis=-1).astype(np.int8))
            h = ref.pool2d(a, spec.pool)
        h = self._head(h)
        for i, (W, b) in enumerate(self.dense):
            z = h @ W + b
            if i == len(self.dense) - 1:
                return z, pattern
            pattern.append(self.hidden_pieces[i].index(z))
            h = self.hidden_acts[i].value(z)
        raise AssertionError("unreachable: the network has an output layer")

    def _head(self, h):
        return h.mean(axis=(2, 3)) if self.head == "gap" else h.reshape(len(h), -1)

    # -- the frozen network -----------------------------------------------------------
    def frozen_zero(self, x, pattern):
        """c(x): the frozen-pattern network's output for the all-zero image."""
        parts = iter(pattern)
        h = np.zeros_like(x)
        for (K, b), spec, pc, pad in zip(self.convs, self.specs, self.conv_pieces, self.pads):
            z = ref.conv2d(h, K, b, spec.stride, pad)
            idx = next(parts)
            a = pc.slopes[idx] * z + pc.offsets[idx]
            if spec.pool == "max":
                won = next(parts)
                h = np.take_along_axis(ref._windows(a), won[..., None].astype(np.intp),
                                       axis=-1)[..., 0]
            else:
                h = ref.pool2d(a, spec.pool)
        h = self._head(h)
        for i, (W, b) in enumerate(self.dense):
            z = h @ W + b
            if i == len(self.dense) - 1:
                return z
            idx = next(parts)
            pc = self.hidden_pieces[i]
            h = pc.slopes[idx] * z + pc.offsets[idx]
        raise AssertionError("unreachable")

    def frozen_gradient(self, x, pattern, g_scores):
        """∂(Σ g_scores · frozen scores)/∂x: the backward pass through the frozen pattern
        (pieces' slopes, recorded max-pool winners)."""
        n_conv_parts = len(self.specs) + sum(s.pool == "max" for s in self.specs)
        conv_parts, dense_parts = pattern[:n_conv_parts], pattern[n_conv_parts:]
        g = g_scores
        for i in range(len(self.dense) - 1, -1, -1):
            if i < len(self.dense) - 1:
                pc = self.hidden_pieces[i]
                g = g * pc.slopes[dense_parts[i]]
            g = g @ self.dense[i][0].T
        # the shapes of every conv layer's input and output, for the way back
        shapes, h_shape = [], x.shape
        parts = iter(conv_parts)
        for (K, _), spec, pad in zip(self.convs, self.specs, self.pads):
            idx = next(parts)
            won = next(parts) if spec.pool == "max" else None
            shapes.append((h_shape, idx, won))
            Ho, Wo = idx.shape[2:]
            h_shape = (len(x), K.shape[0], Ho // 2, Wo // 2) if spec.pool != "none" \
                else idx.shape
        if self.head == "gap":
            g = np.broadcast_to(g[:, :, None, None] / (h_shape[2] * h_shape[3]), h_shape)
        else:
            g = g.reshape(h_shape)
        for i in range(len(self.specs) - 1, -1, -1):
            (K, _), spec, pad, pc = self.convs[i], self.specs[i], self.pads[i], \
                self.conv_pieces[i]
            in_shape, idx, won = shapes[i]
            g = _pool_back(g, idx.shape, spec.pool, won)
            g = g * pc.slopes[idx]
            g = _conv_back(g, K, in_shape, spec.stride, pad)
        return g


def _conv_back(g, K, in_shape, stride, pad):
    """The transpose of the convolution (as :func:`ref.conv2d_input_grad`), as one matrix
    product — every output pixel's share of every tap — then a scatter-add per tap."""
    n, C, H, W = in_shape
    O, _, kh, kw = K.shape
    Ho, Wo = g.shape[2:]
    taps = (np.ascontiguousarray(g.transpose(0, 2, 3, 1)).reshape(-1, O)
            @ K.reshape(O, C * kh * kw)).reshape(n, Ho, Wo, C, kh, kw)
    dx = np.zeros((n, C, H + 2 * pad[0], W + 2 * pad[1]))
    for u in range(kh):
        for v in range(kw):
            dx[:, :, u:u + stride * (Ho - 1) + 1:stride, v:v + stride * (Wo - 1) + 1:stride] += \
                taps[:, :, :, :, u, v].transpose(0, 3, 1, 2)
    return dx[:, :, pad[0]:pad[0] + H, pad[1]:pad[1] + W]


def _pool_back(g, shape, pool, won):
    """The gradient through 2×2 pooling to a map of ``shape``: average shares it, max
    sends it to the recorded winner; an odd last row/column gets none."""
    if pool == "none":
        return g
    n, C, Ho, Wo = g.shape
    if pool == "avg":
        share = np.repeat(g[..., None], 4, axis=-1) / 4.0
    else:
        share = (np.arange(4) == won[..., None]) * g[..., None]
    r = share.reshape(n, C, Ho, Wo, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, C, 2 * Ho, 2 * Wo)
    out = np.zeros(shape)
    out[:, :, :2 * Ho, :2 * Wo] = r
    return out


def _pattern_keys(pattern, n: int) -> list[bytes]:
    flat = np.concatenate([p.reshape(n, -1) for p in pattern], axis=1) if pattern \
        else np.zeros((n, 0), np.int8)
    return [row.tobytes() for row in np.ascontiguousarray(flat)]


def _batch(net: _Net, x, scores=None):
    """(T, c, scores, keys) of one batch of (n, 1, H, W) images."""
    s, pattern = net.forward(x)
    if scores is not None:
        s = np.asarray(scores, dtype=float)
        if s.shape[0] != len(x):
            raise ValueError(f"{len(x)} images but {s.shape[0]} rows of scores")
    n, k = s.shape
    c = net.frozen_zero(x, pattern)
    T = np.empty((n, k) + x.shape[2:])
    for cls in range(k):
        g = np.zeros((n, k))
        g[:, cls] = 1.0
        T[:, cls] = net.frozen_gradient(x, pattern, g)[:, 0]
    return T, c, s, _pattern_keys(pattern, n)


def _difference(T, c, s, x) -> np.ndarray:
    dot = np.einsum("nkhw,nhw->nk", T, x[:, 0])
    return np.abs(s - (dot + c))


def local_affine(params, layers, head, images, dense_activations=(),
                 leaky_slope: float = 0.01, scores=None) -> LocalAffine:
    """T(x), c(x), the logits and the activation pattern of each image ((n, H, W),
    (n, 1, H, W) or one (H, W)), with ``logits = ⟨T(x), x⟩ + c(x)`` measured.  ``scores``:
    the logits to measure against (e.g. the engine network's own), else the reference
    forward pass's.  Raises ValueError naming the first smooth activation for a network
    that is not piecewise linear."""
    net = _Net(params, layers, head, dense_activations, leaky_slope)
    x = ref.as_images(images)
    Ts, cs, ss, keys = [], [], [], []
    for start in range(0, len(x), BATCH):
        sl = slice(start, start + BATCH)
        T, c, s, k = _batch(net, x[sl], None if scores is None else np.asarray(scores)[sl])
        Ts.append(T), cs.append(c), ss.append(s), keys.extend(k)
    T, c, s = (np.concatenate(a) for a in (Ts, cs, ss))
    d = _difference(T, c, s, x)
    m = float(d.max()) if d.size else 0.0
    big = float(np.abs(s).max()) if s.size else 0.0
    return LocalAffine(read_only(T), read_only(c), read_only(s), tuple(keys), m,
                       m / max(big, np.finfo(float).tiny))


def activation_patterns(params, layers, head, images, dense_activations=(),
                        leaky_slope: float = 0.01) -> int:
    """How many distinct activation patterns ``images`` have (forward passes only);
    1 for a fully linear network.  Raises ValueError for a smooth network."""
    net = _Net(params, layers, head, dense_activations, leaky_slope)
    x = ref.as_images(images)
    keys: set[bytes] = set()
    for start in range(0, len(x), BATCH):
        xb = x[start:start + BATCH]
        keys.update(_pattern_keys(net.forward(xb)[1], len(xb)))
    return len(keys)


def local_linear_check(params, layers, head, images, dense_activations=(),
                       leaky_slope: float = 0.01, scores=None) -> LocalLinearCheck | None:
    """Over ``images``: the largest |logits − (⟨T(x), x⟩ + c(x))| and the number of
    distinct activation patterns, in batches (the templates are not kept); None when the
    network is not piecewise linear (see :func:`not_piecewise_linear` for why)."""
    specs = [ref.as_spec(layer, i) for i, layer in enumerate(layers)]
    if not_piecewise_linear(specs, dense_activations, leaky_slope):
        return None
    net = _Net(params, specs, head, dense_activations, leaky_slope)
    x = ref.as_images(images)
    keys: set[bytes] = set()
    m = big = 0.0
    for start in range(0, len(x), BATCH):
        sl = slice(start, start + BATCH)
        T, c, s, k = _batch(net, x[sl], None if scores is None else np.asarray(scores)[sl])
        keys.update(k)
        d = _difference(T, c, s, x[sl])
        if d.size:
            m, big = max(m, float(d.max())), max(big, float(np.abs(s).max()))
    return LocalLinearCheck(m, m / max(big, np.finfo(float).tiny), len(keys), len(x))
