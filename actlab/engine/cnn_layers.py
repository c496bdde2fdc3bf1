"""The layers of ActLab's convolutional networks: forward and backward, vectorised.

Inside the engine a batch of maps is stored *channel-major*, ``(C, n, H, W)``, and a
batch of vectors feature-major, ``(features, n)`` as in the point networks.  Then a
convolution is ``K (O, C·k·k) @ cols (C·k·k, n·H·W)`` — the long dimension is the one
OpenBLAS handles best (1.7× faster than the channels-last ``cols @ Kᵀ``), its result is
already the next layer's input, the im2col copy moves whole rows (3× faster than
channels-last), and global average pooling sums contiguous rows (7× faster), all
measured at the default lab's sizes.  The public API (``ConvNetwork`` in :mod:`.cnn`)
speaks PyTorch's ``(n, C, H, W)``; with one input channel the conversion is a free
reshape.  A kernel's patch is ordered ``(C, kh, kw)``, the order of PyTorch's weight
``(out_channels, in_channels, kh, kw)``, so the weight view in the flat parameter buffer
*is* the matrix of the product, with no reshuffling either way.

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
    sample's shapes (``(C, H, W)`` or ``(features,)``); see :func:`batch_shape`."""

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
        return {"out": np.empty(batch_shape(self.out_shape, n)),
                "dx": np.empty(batch_shape(self.in_shape, n))}


def batch_shape(shape: tuple, n: int) -> tuple:
    """The buffer of ``n`` samples of one sample's ``shape``: maps ``(C, H, W)`` are
    stored ``(C, n, H, W)``, vectors ``(f,)`` feature-major ``(f, n)``."""
    return (shape[0], n, *shape[1:])


class Conv2D(_Layer):
    """Cross-correlation (as PyTorch's ``conv2d``) of ``(C, n, H, W)`` maps with a kernel
    ``K`` of shape ``(O, C, k, k)`` and a bias ``b`` of shape ``(O,)``.

    ``padding="same"`` pads ``(k - 1) // 2`` zeros on every side (PyTorch's
    ``padding=k // 2`` for odd k): the size is kept at stride 1 and halved, rounded up,
    at stride 2.  ``"valid"`` pads nothing.  Output size ``(H + 2p - k) // stride + 1``.

    Forward: im2col ``cols`` of shape ``(C k k, n Ho Wo)`` and ``out = K cols + b``.
    Backward: ``dK = g colsᵀ`` and the input gradient as the *full* correlation of the
    (stride-dilated) output gradient with the flipped kernel — a second im2col and one
    product, measured 2.3× faster than scattering the columns back (col2im, 9–49 adds).
    """

    def __init__(self, in_shape, filters: int, kernel: int, padding: str, stride: int):
        super().__init__()
        C, H, W = in_shape
        self.k, self.s, self.O, self.C = int(kernel), int(stride), int(filters), int(C)
        self.p = (self.k - 1) // 2 if padding == "same" else 0
        self.Hp, self.Wp = H + 2 * self.p, W + 2 * self.p
        Ho = (self.Hp - self.k) // self.s + 1
        Wo = (self.Wp - self.k) // self.s + 1
        self.in_shape, self.out_shape = (C, H, W), (self.O, Ho, Wo)
        self.n_weights = self.O * C * self.k * self.k
        self.n_bias = self.O
        self.K = self.b = self.gK = self.gb = None    # views set by bind()

    def bind(self, K, b, gK, gb) -> None:
        """Views into the network's flat parameter and gradient buffers."""
        self.K, self.b, self.gK, self.gb = K, b, gK, gb
        self.Km = K.reshape(self.O, -1)              # (O, C k k): a view, no copy
        self.gKm = gK.reshape(self.O, -1)
        self.b_col = b.reshape(-1, 1)
        k = self.k
        self.gKt = np.empty((self.C * k * k, self.O))
        # the flipped kernel of the backward correlation, (C, O k k); refreshed per step
        self.Kflip = np.empty((self.C, self.O, k, k))
        self.Kflip_m = self.Kflip.reshape(self.C, -1)

    def make_ws(self, n):
        C, H, W = self.in_shape
        O, Ho, Wo = self.out_shape
        k = self.k
        # the forward's columns and the backward's gradient columns share memory: dK
        # reads the columns before the gradient columns are written, and one 4.7 MB
        # buffer fewer (the default lab's second layer) keeps more of a step in cache
        a, b = C * k * k * n * Ho * Wo, O * k * k * n * H * W
        shared = np.empty(max(a, b))
        ws = {"out": np.empty((O, n, Ho, Wo)),
              "cols": shared[:a].reshape(C, k, k, n, Ho, Wo),
              "ones": np.ones(n * Ho * Wo),
              "dx": np.empty((C, n, H, W)),
              # the output gradient placed (every stride-th pixel) in a zero frame of k-1-p
              # pixels, sized so that a valid k×k correlation gives back H×W; the zeros are
              # written once and never touched again
              "gp": np.zeros((O, n, H + k - 1, W + k - 1)),
              "gcols": shared[:b].reshape(O, k, k, n, H, W)}
        # padded input (its zero border, too, is written once)
        ws["xp"] = np.zeros((C, n, self.Hp, self.Wp)) if self.p else None
        return ws

    def forward(self, x):
        n = x.shape[1]
        ws = self.ws(n)
        p, s, k = self.p, self.s, self.k
        if p:
            xp = ws["xp"]
            xp[:, :, p:-p, p:-p] = x
        else:
            xp = x
        win = sliding_window_view(xp, (k, k), axis=(2, 3))   # (C, n, Ho', Wo', k, k)
        if s != 1:
            win = win[:, :, ::s, ::s]
        cols = ws["cols"]
        np.copyto(cols, win.transpose(0, 4, 5, 1, 2, 3))
        out = ws["out"]
        o2 = out.reshape(self.O, -1)
        np.dot(self.Km, cols.reshape(self.Km.shape[1], -1), out=o2)
        np.add(o2, self.b_col, out=o2)
        return out

    def backward(self, g, need_dx=True):
        n = g.shape[1]
        ws = self.ws(n)
        O, Ho, Wo = self.out_shape
        g2 = g.reshape(O, -1)
        cols2 = ws["cols"].reshape(self.gKt.shape[0], -1)
        # dK = g colsᵀ, computed as (cols gᵀ)ᵀ: 1.8× faster in OpenBLAS (measured)
        np.dot(cols2, g2.T, out=self.gKt)
        np.copyto(self.gKm, self.gKt.T)
        np.dot(g2, ws["ones"], out=self.gb)               # db = sum over positions
        if not need_dx:
            return None
        s, k, p = self.s, self.k, self.p
        q = k - 1 - p
        gp = ws["gp"]
        gp[:, :, q:q + s * (Ho - 1) + 1:s, q:q + s * (Wo - 1) + 1:s] = g
        gcols = ws["gcols"]
        np.copyto(gcols, sliding_window_view(gp, (k, k), axis=(2, 3))
                  .transpose(0, 4, 5, 1, 2, 3))
        np.copyto(self.Kflip, self.K[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))
        dx = ws["dx"]
        np.dot(self.Kflip_m, gcols.reshape(self.Kflip_m.shape[1], -1),
               out=dx.reshape(self.C, -1))
        return dx


class Act(_Layer):
    """An activation from the registry, applied per element (see activations.py)."""

    def __init__(self, shape, act: Activation):
        super().__init__()
        self.act = act
        self.in_shape = self.out_shape = tuple(shape)
        self.z = None
        # ReLU's derivative is sign(a) for a = max(z, 0): 1, 0, or NaN exactly where the
        # registry's heaviside(z, 0) is; np.sign is 7× faster than np.heaviside on these
        # arrays (40 against 290 µs for 65,536 values, measured)
        self._bwd = _relu_backward if act.name == "relu" else act.backward

    def make_ws(self, n):
        shape = batch_shape(self.in_shape, n)
        return {"out": np.empty(shape), "dx": np.empty(shape), "tmp": np.empty(shape)}

    def forward(self, z):
        ws = self.ws(z.shape[1])
        self.z = z
        self.act.forward(z, ws["out"])
        return ws["out"]

    def backward(self, g, need_dx=True):
        ws = self.ws(g.shape[1])
        self._bwd(self.z, ws["out"], g, ws["dx"], ws["tmp"])
        return ws["dx"]


def _relu_backward(z, a, g, out, tmp):
    np.sign(a, out=tmp)
    np.multiply(g, tmp, out=out)


class Pool2x2(_Layer):
    """2×2 pooling with stride 2, ``"max"`` or ``"avg"``.  An odd row or column at the
    end is dropped (PyTorch's floor) and gets zero gradient.  Max pooling sends the
    gradient to the first maximum of each window in row-major order, as PyTorch does."""

    def __init__(self, in_shape, kind: str):
        super().__init__()
        C, H, W = in_shape
        self.kind = kind
        self.in_shape, self.out_shape = (C, H, W), (C, H // 2, W // 2)

    def make_ws(self, n):
        ws = super().make_ws(n)
        ws["dx"].fill(0.0)          # the dropped odd row/column stays 0 for good
        if self.kind == "max":
            shape = batch_shape(self.out_shape, n)
            ws["mask"] = [np.empty(shape) for _ in range(4)]
            ws["eq"] = np.empty(shape, dtype=bool)
            ws["free"] = np.empty(shape, dtype=bool)
        return ws

    def _quarters(self, a):
        _, Ho, Wo = self.out_shape
        return [a[:, :, r:2 * Ho:2, c:2 * Wo:2] for r in (0, 1) for c in (0, 1)]

    def forward(self, x):
        ws = self.ws(x.shape[1])
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
        ws = self.ws(g.shape[1])
        dq = self._quarters(ws["dx"])
        if self.kind == "avg":
            for d in dq:
                np.multiply(g, 0.25, out=d)
        else:
            for d, m in zip(dq, ws["mask"]):
                np.multiply(g, m, out=d)
        return ws["dx"]


class GlobalAvgPool(_Layer):
    """The mean of every channel over the image: ``(C, n, H, W)`` to ``(C, n)``."""

    def __init__(self, in_shape):
        super().__init__()
        C, H, W = in_shape
        self.in_shape, self.out_shape = (C, H, W), (C,)
        self.inv = 1.0 / (H * W)

    def forward(self, x):
        ws = self.ws(x.shape[1])
        out = ws["out"]
        np.sum(x.reshape(*out.shape, -1), axis=2, out=out)
        np.multiply(out, self.inv, out=out)
        return out

    def backward(self, g, need_dx=True):
        ws = self.ws(g.shape[1])
        np.multiply(g[:, :, None, None], self.inv, out=ws["dx"])
        return ws["dx"]


class Flatten(_Layer):
    """``(C, n, H, W)`` to ``(C·H·W, n)`` with the features in PyTorch's ``(C, H, W)``
    order, so the dense weight rows that follow mean the same as after ``torch.flatten``
    of an NCHW tensor."""

    def __init__(self, in_shape):
        super().__init__()
        C, H, W = in_shape
        self.in_shape, self.out_shape = (C, H, W), (C * H * W,)

    def forward(self, x):
        ws = self.ws(x.shape[1])
        out = ws["out"]
        C, H, W = self.in_shape
        np.copyto(out.reshape(C, H, W, -1), x.transpose(0, 2, 3, 1))
        return out

    def backward(self, g, need_dx=True):
        ws = self.ws(g.shape[1])
        C, H, W = self.in_shape
        np.copyto(ws["dx"], g.reshape(C, H, W, -1).transpose(0, 3, 1, 2))
        return ws["dx"]


class Dense(_Layer):
    """``x W + b`` with ``W`` of shape ``(fan_in, fan_out)`` as in the point networks,
    computed feature-major like them: ``out (fan_out, n) = Wᵀ x + b``."""

    def __init__(self, fan_in: int, fan_out: int):
        super().__init__()
        self.in_shape, self.out_shape = (int(fan_in),), (int(fan_out),)
        self.n_weights = fan_in * fan_out
        self.n_bias = fan_out
        self.W = self.b = self.gW = self.gb = None
        self.x = None

    def bind(self, W, b, gW, gb) -> None:
        self.W, self.b, self.gW, self.gb = W, b, gW, gb
        self.b_col = b.reshape(-1, 1)

    def make_ws(self, n):
        ws = super().make_ws(n)
        ws["ones"] = np.ones(n)
        return ws

    def forward(self, x):
        ws = self.ws(x.shape[1])
        self.x = x
        out = ws["out"]
        np.dot(self.W.T, x, out=out)
        np.add(out, self.b_col, out=out)
        return out

    def backward(self, g, need_dx=True):
        ws = self.ws(g.shape[1])
        np.dot(self.x, g.T, out=self.gW)
        np.dot(g, ws["ones"], out=self.gb)
        if not need_dx:
            return None
        np.dot(self.W, g, out=ws["dx"])
        return ws["dx"]


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of logits ``z`` (n, k), stable for large logits."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(z: np.ndarray, y: np.ndarray, dz: np.ndarray | None = None) -> float:
    """Mean cross-entropy of feature-major logits ``z`` (k, n) against integer labels
    ``y`` (n,); with ``dz`` given, also writes its gradient ``(softmax(z) - onehot(y)) / n``
    there (k, n)."""
    n = z.shape[1]
    m = z.max(axis=0, keepdims=True)
    e = np.exp(z - m)
    s = e.sum(axis=0, keepdims=True)
    cols = np.arange(n)
    loss = float(np.mean(np.log(s[0]) + m[0] - z[y, cols]))
    if dz is not None:
        np.divide(e, s * n, out=dz)
        dz[y, cols] -= 1.0 / n
    return loss
