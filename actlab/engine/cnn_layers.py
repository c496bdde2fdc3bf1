"""The layers of ActLab's convolutional networks: forward and backward, vectorised.

Inside the engine images are stored *channels last*, ``(n, H, W, C)``: then a convolution
is one im2col copy and one BLAS product whose result is already the next layer's input
(no transpose), and every elementwise step works on contiguous memory.  The public API
(``ConvNetwork`` in :mod:`.cnn`) speaks PyTorch's ``(n, C, H, W)`` and converts at the
boundary.  The im2col patch of a convolution is ordered ``(C, kh, kw)`` — the order of
PyTorch's weight ``(out_channels, in_channels, kh, kw)`` — so the weight view in the flat
parameter buffer *is* the matrix of that product, with no reshuffling either way.

Each layer keeps its buffers per batch size (``_ws``), built on first use: a training
step allocates almost nothing.  ``forward`` returns a buffer the layer owns (copy it to
keep it); ``backward(grad, need_dx)`` writes the layer's parameter gradients into views
of the network's flat gradient buffer and returns the gradient of its input.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .activations import Activation


class _Layer:
    """Shape bookkeeping shared by every layer: ``in_shape``/``out_shape`` are one
    image's shapes (``(H, W, C)`` or ``(features,)``)."""

    n_weights = 0      # entries of the weight array (0: no parameters)
    n_bias = 0
    in_shape: tuple = ()
    out_shape: tuple = ()

    def __init__(self):
        self._ws: dict[int, dict] = {}

    def ws(self, n: int) -> dict:
        w = self._ws.get(n)
        if w is None:
            if len(self._ws) > 4:   # batch sizes change rarely; keep memory bounded
                self._ws.clear()
            w = self._ws[n] = self.make_ws(n)
        return w

    def make_ws(self, n: int) -> dict:
        return {"out": np.empty((n, *self.out_shape)), "dx": np.empty((n, *self.in_shape))}


class Conv2D(_Layer):
    """Cross-correlation (as PyTorch's ``conv2d``) of ``(n, H, W, C)`` images with a
    kernel ``K`` of shape ``(O, C, k, k)`` and a bias ``b`` of shape ``(O,)``.

    ``padding="same"`` pads ``(k - 1) // 2`` zeros on every side (PyTorch's
    ``padding=k // 2`` for odd k): the size is kept at stride 1 and halved, rounded up,
    at stride 2.  ``"valid"`` pads nothing.  Output size ``(H + 2p - k) // stride + 1``.
    """

    def __init__(self, in_shape, filters: int, kernel: int, padding: str, stride: int):
        super().__init__()
        H, W, C = in_shape
        self.k, self.s, self.O, self.C = int(kernel), int(stride), int(filters), int(C)
        self.p = (self.k - 1) // 2 if padding == "same" else 0
        self.Hp, self.Wp = H + 2 * self.p, W + 2 * self.p
        Ho = (self.Hp - self.k) // self.s + 1
        Wo = (self.Wp - self.k) // self.s + 1
        self.in_shape, self.out_shape = (H, W, C), (Ho, Wo, self.O)
        self.n_weights = self.O * C * self.k * self.k
        self.n_bias = self.O
        self.K = self.b = self.gK = self.gb = None    # views set by bind()

    def bind(self, K, b, gK, gb) -> None:
        """Views into the network's flat parameter and gradient buffers."""
        self.K, self.b, self.gK, self.gb = K, b, gK, gb
        self.Km = K.reshape(self.O, -1)              # (O, C k k): a view, no copy
        self.gKm = gK.reshape(self.O, -1)

    def make_ws(self, n):
        H, W, C = self.in_shape
        Ho, Wo, O = self.out_shape
        k = self.k
        ws = {"out": np.empty((n, Ho, Wo, O)),
              "cols": np.empty((n, Ho, Wo, C, k, k)),
              "dcols": np.empty((n * Ho * Wo, C * k * k)),
              "ones": np.ones(n * Ho * Wo)}
        # padded input (the zero border is written once and never touched again) and the
        # gradient w.r.t. it; without padding the input itself is used
        ws["xp"] = np.zeros((n, self.Hp, self.Wp, C)) if self.p else None
        ws["dxp"] = np.zeros((n, self.Hp, self.Wp, C))
        return ws

    def forward(self, x):
        n = x.shape[0]
        ws = self.ws(n)
        p, s, k = self.p, self.s, self.k
        if p:
            xp = ws["xp"]
            xp[:, p:-p, p:-p, :] = x
        else:
            xp = x
        win = sliding_window_view(xp, (k, k), axis=(1, 2))   # (n, Ho', Wo', C, k, k)
        if s != 1:
            win = win[:, ::s, ::s]
        cols = ws["cols"]
        np.copyto(cols, win)
        out = ws["out"]
        o2 = out.reshape(-1, self.O)
        np.dot(cols.reshape(o2.shape[0], -1), self.Km.T, out=o2)
        np.add(o2, self.b, out=o2)
        return out

    def backward(self, g, need_dx=True):
        n = g.shape[0]
        ws = self.ws(n)
        g2 = g.reshape(-1, self.O)
        cols2 = ws["cols"].reshape(g2.shape[0], -1)
        np.dot(g2.T, cols2, out=self.gKm)                # dK = g^T cols
        np.dot(ws["ones"], g2, out=self.gb)               # db = sum over positions
        if not need_dx:
            return None
        dcols = ws["dcols"]
        np.dot(g2, self.Km, out=dcols)                    # d cols = g K
        # col2im: every kernel offset (i, j) adds its column block back where it came from
        Ho, Wo, _ = self.out_shape
        s, k, p = self.s, self.k, self.p
        d6 = dcols.reshape(n, Ho, Wo, self.C, k, k)
        dxp = ws["dxp"]
        dxp.fill(0.0)
        for i in range(k):
            for j in range(k):
                sl = dxp[:, i:i + s * (Ho - 1) + 1:s, j:j + s * (Wo - 1) + 1:s, :]
                np.add(sl, d6[..., i, j], out=sl)
        H, W, _ = self.in_shape
        return dxp[:, p:p + H, p:p + W, :]


class Act(_Layer):
    """An activation from the registry, applied per element (see activations.py)."""

    def __init__(self, shape, act: Activation):
        super().__init__()
        self.act = act
        self.in_shape = self.out_shape = tuple(shape)
        self.z = None

    def make_ws(self, n):
        shape = (n, *self.in_shape)
        return {"out": np.empty(shape), "dx": np.empty(shape), "tmp": np.empty(shape)}

    def forward(self, z):
        ws = self.ws(z.shape[0])
        self.z = z
        self.act.forward(z, ws["out"])
        return ws["out"]

    def backward(self, g, need_dx=True):
        ws = self.ws(g.shape[0])
        self.act.backward(self.z, ws["out"], g, ws["dx"], ws["tmp"])
        return ws["dx"]


class Pool2x2(_Layer):
    """2×2 pooling with stride 2, ``"max"`` or ``"avg"``.  An odd row or column at the
    end is dropped (PyTorch's floor) and gets zero gradient.  Max pooling sends the
    gradient to the first maximum of each window in row-major order, as PyTorch does."""

    def __init__(self, in_shape, kind: str):
        super().__init__()
        H, W, C = in_shape
        self.kind = kind
        self.in_shape, self.out_shape = (H, W, C), (H // 2, W // 2, C)

    def make_ws(self, n):
        ws = super().make_ws(n)
        ws["dx"].fill(0.0)          # the dropped odd row/column stays 0 for good
        if self.kind == "max":
            shape = (n, *self.out_shape)
            ws["mask"] = [np.empty(shape) for _ in range(4)]
            ws["eq"] = np.empty(shape, dtype=bool)
            ws["free"] = np.empty(shape, dtype=bool)
        return ws

    def _quarters(self, a):
        Ho, Wo, _ = self.out_shape
        return [a[:, r:2 * Ho:2, c:2 * Wo:2, :] for r in (0, 1) for c in (0, 1)]

    def forward(self, x):
        ws = self.ws(x.shape[0])
        q = self._quarters(x)
        out = ws["out"]
        if self.kind == "avg":
            np.add(q[0], q[1], out=out)
            np.add(out, q[2], out=out)
            np.add(out, q[3], out=out)
            np.multiply(out, 0.25, out=out)
            return out
        np.maximum(q[0], q[1], out=out)       # maximum propagates NaN (a diverged run)
        np.maximum(out, q[2], out=out)
        np.maximum(out, q[3], out=out)
        eq, free = ws["eq"], ws["free"]
        free.fill(True)
        for qi, m in zip(q, ws["mask"]):      # the first maximum of each window wins
            np.equal(qi, out, out=eq)
            np.logical_and(eq, free, out=eq)
            np.logical_xor(free, eq, out=free)
            np.copyto(m, eq)
        return out

    def backward(self, g, need_dx=True):
        ws = self.ws(g.shape[0])
        dq = self._quarters(ws["dx"])
        if self.kind == "avg":
            for d in dq:
                np.multiply(g, 0.25, out=d)
        else:
            for d, m in zip(dq, ws["mask"]):
                np.multiply(g, m, out=d)
        return ws["dx"]


class GlobalAvgPool(_Layer):
    """The mean of every channel over the image: ``(n, H, W, C)`` to ``(n, C)``."""

    def __init__(self, in_shape):
        super().__init__()
        H, W, C = in_shape
        self.in_shape, self.out_shape = (H, W, C), (C,)
        self.inv = 1.0 / (H * W)

    def forward(self, x):
        ws = self.ws(x.shape[0])
        out = ws["out"]
        np.sum(x.reshape(x.shape[0], -1, out.shape[1]), axis=1, out=out)
        np.multiply(out, self.inv, out=out)
        return out

    def backward(self, g, need_dx=True):
        ws = self.ws(g.shape[0])
        np.multiply(g[:, None, None, :], self.inv, out=ws["dx"])
        return ws["dx"]


class Flatten(_Layer):
    """``(n, H, W, C)`` to ``(n, C·H·W)`` in PyTorch's ``(C, H, W)`` order, so the dense
    weight rows that follow mean the same as in ``torch.flatten`` of an NCHW tensor."""

    def __init__(self, in_shape):
        super().__init__()
        H, W, C = in_shape
        self.in_shape, self.out_shape = (H, W, C), (C * H * W,)

    def forward(self, x):
        ws = self.ws(x.shape[0])
        out = ws["out"]
        H, W, C = self.in_shape
        np.copyto(out.reshape(-1, C, H, W), x.transpose(0, 3, 1, 2))
        return out

    def backward(self, g, need_dx=True):
        ws = self.ws(g.shape[0])
        H, W, C = self.in_shape
        np.copyto(ws["dx"], g.reshape(-1, C, H, W).transpose(0, 2, 3, 1))
        return ws["dx"]


class Dense(_Layer):
    """``x @ W + b`` with ``W`` of shape ``(fan_in, fan_out)`` as in the point networks."""

    def __init__(self, fan_in: int, fan_out: int):
        super().__init__()
        self.in_shape, self.out_shape = (int(fan_in),), (int(fan_out),)
        self.n_weights = fan_in * fan_out
        self.n_bias = fan_out
        self.W = self.b = self.gW = self.gb = None
        self.x = None

    def bind(self, W, b, gW, gb) -> None:
        self.W, self.b, self.gW, self.gb = W, b, gW, gb

    def make_ws(self, n):
        ws = super().make_ws(n)
        ws["ones"] = np.ones(n)
        return ws

    def forward(self, x):
        ws = self.ws(x.shape[0])
        self.x = x
        out = ws["out"]
        np.dot(x, self.W, out=out)
        np.add(out, self.b, out=out)
        return out

    def backward(self, g, need_dx=True):
        ws = self.ws(g.shape[0])
        np.dot(self.x.T, g, out=self.gW)
        np.dot(ws["ones"], g, out=self.gb)
        if not need_dx:
            return None
        np.dot(g, self.W.T, out=ws["dx"])
        return ws["dx"]


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of logits ``z`` (n, k), stable for large logits."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(z: np.ndarray, y: np.ndarray, dz: np.ndarray | None = None) -> float:
    """Mean cross-entropy of logits ``z`` (n, k) against integer labels ``y`` (n,); with
    ``dz`` given, also writes its gradient ``(softmax(z) - onehot(y)) / n`` there."""
    n = z.shape[0]
    m = z.max(axis=1, keepdims=True)
    e = np.exp(z - m)
    s = e.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = float(np.mean(np.log(s[:, 0]) + m[:, 0] - z[rows, y]))
    if dz is not None:
        np.divide(e, s * n, out=dz)
        dz[rows, y] -= 1.0 / n
    return loss
