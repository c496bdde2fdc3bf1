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
*is* the matrix of the product, with no reshuffling either way.  The convolution itself
is in :mod:`.cnn_conv` (at stride 1 its columns come from a flat, gap-padded copy of the
images, chunk by cache-sized chunk) and re-exported here with the other layers.

Each layer keeps its buffers per batch size (``_ws``), built on first use: a training
step allocates almost nothing.  ``forward`` returns a buffer the layer owns (copy it to
keep it); ``backward(grad, need_dx)`` writes the layer's parameter gradients into views
of the network's flat gradient buffer and returns the gradient of its input.
"""
from __future__ import annotations

import numpy as np

from actlab.engine.activations.base import Activation
from actlab.engine.models.cnn_base import _Layer, batch_shape
from actlab.engine.models.cnn_conv import Conv2D  # noqa: F401  (re-exported: the layers' one import)


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

    def __init__(self, in_shape, mode: str):
        super().__init__()
        C, H, W = in_shape
        self.mode = mode
        self.in_shape, self.out_shape = (C, H, W), (C, H // 2, W // 2)

    def make_ws(self, n):
        ws = super().make_ws(n)
        ws["dx"].fill(0.0)          # the dropped odd row/column stays 0 for good
        if self.mode == "max":
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
        if self.mode == "avg":
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
        if self.mode == "avg":
            for d in dq:
                np.multiply(g, 0.25, out=d)
        else:
            for d, m in zip(dq, ws["mask"]):
                np.multiply(g, m, out=d)
        return ws["dx"]


class GlobalAvgPool(_Layer):
    """The mean of every channel over the image: ``(C, n, H, W)`` to ``(C, n)``.

    Forward is one matrix-vector product with a vector of ``1/(H W)`` (BLAS: 9× faster
    than ``sum`` then scale); backward scales the ``C n`` gradients first and then
    spreads them with a copy whose inner loop runs over a whole image (5× faster than
    one broadcast multiply, whose inner loop is a 16-pixel row), measured at 16×16."""

    def __init__(self, in_shape):
        super().__init__()
        C, H, W = in_shape
        self.in_shape, self.out_shape = (C, H, W), (C,)
        self.inv = 1.0 / (H * W)
        self.mean_w = np.full(H * W, self.inv)

    def make_ws(self, n):
        ws = super().make_ws(n)
        ws["g"] = np.empty((self.out_shape[0], n, 1))
        return ws

    def forward(self, x):
        ws = self.ws(x.shape[1])
        out = ws["out"]
        np.dot(x.reshape(out.size, -1), self.mean_w, out=out.reshape(-1))
        return out

    def backward(self, g, need_dx=True):
        ws = self.ws(g.shape[1])
        gs, dx = ws["g"], ws["dx"]
        np.multiply(g[:, :, None], self.inv, out=gs)
        np.copyto(dx.reshape(*gs.shape[:2], -1), gs)
        return dx


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
