"""Convolutional networks for image labs: a spec and a seeded network.

The API has the shape of the point networks (:mod:`.mlp`) so notebooks and tests can
use either: ``get_params()`` returns one ``(K, b)`` per convolution — ``K`` shaped
``(out_channels, in_channels, kh, kw)``, PyTorch's ``conv2d`` weight layout, applied as a
cross-correlation like PyTorch — then one ``(W, b)`` per dense layer (the output layer
last), ``W`` shaped ``(fan_in, fan_out)``.  ``predict(X)`` and ``loss_and_grads(X, y)``
take images ``X`` shaped ``(n, 1, H, W)`` and integer labels ``y``.

All parameters live in one flat buffer (``flat``, gradients in ``grad_flat``), each ``K``,
``W`` and ``b`` a view into it, so the optimizers of :mod:`.optimizers` update the whole
network in one call and the regularisers touch weights only (``weight_mask``).  The
layers themselves are in :mod:`.cnn_layers`, the specs in :mod:`.cnn_spec`, the training
epoch and the evaluation (the network is a :class:`~actlab.engine.model.Model`) in
:mod:`.cnn_program`.
"""
from __future__ import annotations

import math

import numpy as np

from actlab.engine.activations.lookup import get_activation
from actlab.engine.models.cnn_layers import (
    Act, Conv2D, Dense, Flatten, GlobalAvgPool, Pool2x2, softmax, softmax_cross_entropy)
from actlab.engine.models.cnn_spec import RELU_LIKE, ConvSpec, ImageNetSpec  # noqa: F401  (re-exported)
from actlab.engine.divergence import safe_weight_limit
from actlab.engine.model import Update
from actlab.engine.models.cnn_program import ConvEpoch, ConvEvaluation
from actlab.engine.regularizers import add_weight_penalty, regularization_kind, weight_penalty

#: at most this many images per chunk when a whole data set goes through (predict,
#: loss_and_grads), and at most CHUNK_BYTES of convolution columns: the im2col buffer of
#: 1,000 16×16 images with 8 channels and 3×3 kernels would be 147 MB, and one 32×32
#: image through 16 filters of 7×7 on 16 channels needs 6.4 MB on its own
CHUNK, CHUNK_BYTES = 256, 32 * 2 ** 20


def _rng(seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


class ConvNetwork:
    """The network of an :class:`ImageNetSpec`, seeded: the same spec and seed give the
    same weights bit for bit.  A :class:`~actlab.engine.model.Model`: its training epoch
    and evaluation are in :mod:`.cnn_program`, the training itself is the Trainer's."""

    output = "softmax"  # the head is always a softmax over the classes

    def __init__(self, spec: ImageNetSpec, seed: np.random.Generator | int | None = 0):
        self.spec = spec
        S = spec.input_size
        shape = (1, S, S)
        self.layers: list = []
        self.names: list[str] = []
        self._linear: list = []          # Conv2D and Dense layers, in get_params order
        self._next_act: list[str] = []   # the activation after each, for initialisation
        for i, c in enumerate(spec.conv, start=1):
            conv = Conv2D(shape, c.filters, c.kernel, c.padding, c.stride)
            act = Act(conv.out_shape, get_activation(c.activation, spec.leaky_slope, spec.custom))
            self._add(conv, f"conv {i}", c.activation)
            self._add(act, f"{c.activation} {i}")
            shape = conv.out_shape
            if c.pool != "none":
                pool = Pool2x2(shape, c.pool)
                self._add(pool, f"{c.pool} pool {i}")
                shape = pool.out_shape
        head = GlobalAvgPool(shape) if spec.head == "gap" else Flatten(shape)
        self._add(head, "global average pool" if spec.head == "gap" else "flatten")
        width = head.out_shape[0]
        for i, (h, a) in enumerate(zip(spec.hidden, spec.activations), start=1):
            self._add(Dense(width, h), f"dense {i}", a)
            self._add(Act((h,), get_activation(a, spec.leaky_slope, spec.custom)), f"{a} (dense {i})")
            width = h
        self._add(Dense(width, spec.n_classes), "output", "softmax")
        self.n_classes = spec.n_classes
        self.n_params = sum(l.n_weights + l.n_bias for l in self._linear)
        self.flat = np.zeros(self.n_params)
        self.grad_flat = np.zeros(self.n_params)
        # 1 where the entry is a weight, 0 for a bias: regularisation touches weights only
        self.weight_mask = np.zeros(self.n_params)
        off = 0
        for l in self._linear:
            wshape = (l.O, l.C, l.k, l.k) if isinstance(l, Conv2D) else (*l.in_shape,
                                                                          *l.out_shape)
            nw, nb = l.n_weights, l.n_bias
            views = [a[off:off + nw].reshape(wshape) for a in (self.flat, self.grad_flat)]
            bias = [a[off + nw:off + nw + nb] for a in (self.flat, self.grad_flat)]
            l.bind(views[0], bias[0], views[1], bias[1])
            self.weight_mask[off:off + nw] = 1.0
            off += nw + nb
        self._dz: dict[int, np.ndarray] = {}
        col_bytes = max(8 * l.k * l.k * max(l.C * l.out_shape[1] * l.out_shape[2],
                                            l.O * l.in_shape[1] * l.in_shape[2])
                        for l in self._linear if isinstance(l, Conv2D))
        self.chunk = int(max(1, min(CHUNK, CHUNK_BYTES // col_bytes)))
        self.initialize(seed)

    def _add(self, layer, name: str, next_act: str | None = None) -> None:
        self.layers.append(layer)
        self.names.append(name)
        if next_act is not None:
            self._linear.append(layer)
            self._next_act.append(next_act)

    # ------------------------------------------------------------------ parameters
    def initialize(self, seed: np.random.Generator | int | None = 0) -> None:
        """Seeded initial weights (see :class:`ImageNetSpec` ``init``); biases 0.  For a
        convolution fan-in is ``C·k·k`` and fan-out ``O·k·k`` (PyTorch's convention)."""
        rng = _rng(seed)
        for l, act in zip(self._linear, self._next_act):
            w = l.K if isinstance(l, Conv2D) else l.W
            if isinstance(l, Conv2D):
                fan_in, fan_out = l.C * l.k * l.k, l.O * l.k * l.k
            else:
                fan_in, fan_out = w.shape
            he = self.spec.init == "he" or (self.spec.init == "auto" and act in RELU_LIKE)
            if he:
                w[...] = rng.normal(0.0, math.sqrt(2.0 / fan_in), size=w.shape)
            else:
                lim = math.sqrt(6.0 / (fan_in + fan_out))
                w[...] = rng.uniform(-lim, lim, size=w.shape)
            l.b[...] = 0.0

    def get_params(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies: ``[(K, b), ...]`` per convolution, then ``[(W, b), ...]`` per dense
        layer including the output layer."""
        return [((l.K if isinstance(l, Conv2D) else l.W).copy(), l.b.copy())
                for l in self._linear]

    def set_params(self, params) -> None:
        """Load parameters in the layout of :meth:`get_params`; shapes must match."""
        params = list(params)
        if len(params) != len(self._linear):
            raise ValueError(f"expected {len(self._linear)} (weights, bias) pairs "
                             f"({self.n_conv} convolutions, then dense layers), got "
                             f"{len(params)}")
        checked = []
        for i, ((w, b), l) in enumerate(zip(params, self._linear)):
            dst = l.K if isinstance(l, Conv2D) else l.W
            w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
            if w.shape != dst.shape or b.shape != l.b.shape:
                what = "K" if isinstance(l, Conv2D) else "W"
                raise ValueError(f"layer {i} ({self.names[self.layers.index(l)]}): {what} "
                                 f"{w.shape}, b {b.shape} do not match {dst.shape}, "
                                 f"{l.b.shape}")
            checked.append((dst, w, l.b, b))
        for dst, w, db, b in checked:      # all or nothing
            dst[...] = w
            db[...] = b

    @property
    def n_conv(self) -> int:
        return len(self.spec.conv)

    @property
    def n_outputs(self) -> int:
        return self.n_classes

    def fan_ins(self) -> list[int]:
        """Inputs per output value of every convolution and dense layer, then the number
        of classes: the ``sizes`` :func:`.divergence.safe_weight_limit` bounds."""
        return [int(l.n_weights // l.n_bias) for l in self._linear] + [self.n_classes]

    # ------------------------------------------------------------------ passes
    def _images(self, X) -> np.ndarray:
        """``X`` (n, 1, H, W) as the engine's channel-major (1, n, H, W), contiguous (with
        one channel the same memory)."""
        X = np.asarray(X, dtype=float)
        S = self.spec.input_size
        if X.ndim != 4 or X.shape[1:] != (1, S, S):
            raise ValueError(f"images must have shape (n, 1, {S}, {S}); got "
                             f"{np.shape(X)}")
        return np.ascontiguousarray(X.reshape(1, X.shape[0], S, S))

    def _labels(self, y, n: int) -> np.ndarray:
        y = np.asarray(y)
        if y.shape != (n,) or (n and (y.min() < 0 or y.max() >= self.n_classes)) \
                or not np.all(np.equal(np.mod(y, 1), 0)):
            raise ValueError(f"labels must be {n} class indices from 0 to "
                             f"{self.n_classes - 1}; got shape {y.shape}")
        return y.astype(np.int64)

    def _forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def _gradients(self, x: np.ndarray, y: np.ndarray) -> float:
        """Data loss of one batch (channel-major ``x``, int labels ``y``); its gradient
        goes into ``grad_flat``."""
        z = self._forward(x)
        dz = self._dz.get(z.shape[1])
        if dz is None:
            if len(self._dz) > 4:
                self._dz.clear()
            dz = self._dz[z.shape[1]] = np.empty_like(z)
        loss = softmax_cross_entropy(z, y, dz)
        g = dz
        for i in range(len(self.layers) - 1, -1, -1):
            g = self.layers[i].backward(g, need_dx=i > 0)
        return loss

    def logits(self, X) -> np.ndarray:
        """Output scores before the softmax, (n, n_classes)."""
        x = self._images(X)
        out = np.empty((x.shape[1], self.n_classes))
        c = self.chunk
        for s in range(0, x.shape[1], c):
            out[s:s + c] = self._forward(x[:, s:s + c]).T
        return out

    def predict(self, X) -> np.ndarray:
        """Class probabilities (n, n_classes) for images ``X`` (n, 1, H, W)."""
        return softmax(self.logits(X))

    def data_loss(self, X, y) -> float:
        """Mean cross-entropy on images ``X`` with labels ``y`` (no penalty)."""
        z = self.logits(X)
        return softmax_cross_entropy(z.T, self._labels(y, z.shape[0]))

    def penalty(self, regularization: str = "none", reg_rate: float = 0.0) -> float:
        """L2 ``reg_rate·Σw²/2`` or L1 ``reg_rate·Σ|w|`` over weights (never biases)."""
        return weight_penalty(self.flat, self.weight_mask, regularization, reg_rate)

    def loss_and_grads(self, X, y, regularization: str = "none", reg_rate: float = 0.0):
        """``data_loss(X, y) + penalty(regularization, reg_rate)`` and its gradient in the
        layout of :meth:`get_params` (copies).  Large ``X`` goes through in chunks."""
        kind = regularization_kind(regularization)
        x = self._images(X)
        n = x.shape[1]
        y = self._labels(y, n)
        if n == 0:
            raise ValueError("loss_and_grads needs at least one image")
        total, loss = np.zeros(self.n_params), 0.0
        for s in range(0, n, self.chunk):
            m = min(self.chunk, n - s)
            loss += self._gradients(x[:, s:s + m], y[s:s + m]) * (m / n)
            total += self.grad_flat * (m / n)
        self.grad_flat[...] = total
        loss += add_weight_penalty(self.flat, self.weight_mask, self.grad_flat, kind,
                                   reg_rate)
        out = []
        for l in self._linear:
            gw = l.gK if isinstance(l, Conv2D) else l.gW
            out.append((gw.copy(), l.gb.copy()))
        return loss, out

    def forward_maps(self, x) -> list[tuple[str, np.ndarray]]:
        """One image (``(H, W)``, ``(1, H, W)`` or ``(1, 1, H, W)``) through every layer:
        ``[("input", (1, H, W)), ("conv 1", (C, H', W')), ("relu 1", ...), ...,
        ("output", (k,)), ("softmax", (k,))]`` — maps channels first, vectors 1-D (copies)."""
        S = self.spec.input_size
        a = np.asarray(x, dtype=float)
        if a.size != S * S:
            raise ValueError(f"forward_maps takes one {S}×{S} image; got shape {a.shape}")
        a = self._images(a.reshape(1, 1, S, S))
        maps = [("input", a[:, 0].copy())]
        for layer, name in zip(self.layers, self.names):
            a = layer.forward(a)
            maps.append((name, a[:, 0].copy()))
        maps.append(("softmax", softmax(a.T)[0]))
        return maps

    def largest_value(self, X) -> float:
        """The largest |output| of any convolution or dense layer on images ``X``."""
        x, top = self._images(X), 0.0
        for s in range(0, x.shape[1], self.chunk):
            a = x[:, s:s + self.chunk]
            for layer in self.layers:
                a = layer.forward(a)
                if layer in self._linear:
                    top = max(top, float(np.max(np.abs(a))))
        return top


    # ------------------------------------------------------------------ training (Model)
    def weight_layers(self) -> list[tuple[int, int]]:
        """``(entries, weights)`` per convolution and dense layer: each layer's weights
        and bias are one contiguous block of the flat buffer, in layer order."""
        return [(l.n_weights + l.n_bias, l.n_weights) for l in self._linear]

    def weight_limit(self, x_max: float) -> float:
        """:func:`.divergence.safe_weight_limit` over :meth:`fan_ins` (gain 1)."""
        return safe_weight_limit(self.fan_ins(), x_max)

    def evaluation(self, X_train, y_train, X_test, y_test) -> ConvEvaluation:
        """Loss and accuracy on whole image sets (:class:`.cnn_program.ConvEvaluation`)."""
        return ConvEvaluation(self, X_train, y_train, X_test, y_test)

    def epoch_program(self, X, y, batch_size: int, reshuffle: bool,
                      update: Update) -> ConvEpoch:
        """The minibatch loop over images ``X`` with labels ``y``
        (:class:`.cnn_program.ConvEpoch`); it always reshuffles, whatever ``reshuffle``."""
        return ConvEpoch(self, X, y, batch_size, update)
