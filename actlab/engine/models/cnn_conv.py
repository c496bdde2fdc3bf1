"""The convolution layer of :mod:`.cnn_layers` (same conventions: maps ``(C, n, H, W)``).

At stride 1 (every preset) the images are laid out *flat*: each image's rows follow one
another with ``p`` zero columns after each row and ``p`` zero rows after each image, so
one zero gap serves as the right padding of a row and the left padding of the next (and
likewise between images).  In that layout the input under kernel tap ``(i, j)`` for every
output pixel at once is one contiguous run of memory, shifted by ``i·Wq + j``: the
columns of the product are whole-row copies (no 16-value pieces), and the input gradient,
the full correlation of the output gradient with the flipped kernel, is the same
operation on the output gradient laid out the same way.  The few pixels of the output
grid that fall on a gap are computed and dropped.

The images go through in chunks sized so that one chunk's columns stay in a core's L2
cache between the copy that writes them and the product that reads them: the default
lab's second layer runs its three products 1.7–2.2× faster that way than on the whole
batch's 5 MB of columns (measured, OpenBLAS, one thread); the backward pass copies the
columns again instead of keeping them, which is cheaper than reading them back from
memory.  Other strides use the batch-wide im2col path (``_forward_strided``).
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

from actlab.engine.models.cnn_base import _Layer


class Conv2D(_Layer):
    """Cross-correlation (as PyTorch's ``conv2d``) of ``(C, n, H, W)`` maps with a kernel
    ``K`` of shape ``(O, C, k, k)`` and a bias ``b`` of shape ``(O,)``.

    ``padding="same"`` pads ``(k - 1) // 2`` zeros on every side (PyTorch's
    ``padding=k // 2`` for odd k): the size is kept at stride 1 and halved, rounded up,
    at stride 2.  ``"valid"`` pads nothing.  Output size ``(H + 2p - k) // stride + 1``.

    Forward: columns ``cols`` of shape ``(C k k, pixels)`` and ``out = K cols + b``.
    Backward: ``dK = g colsᵀ`` and the input gradient as the *full* correlation of the
    (stride-dilated) output gradient with the flipped kernel — a second im2col and one
    product, measured 2.3× faster than scattering the columns back (col2im, 9–49 adds).
    """

    #: the most bytes of columns per chunk at stride 1 (L2 is 1 MB per core here)
    CHUNK_BYTES = 768 * 1024

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
        # the flat layout (stride 1): rows Wq apart, images Hq·Wq apart, the first pixel
        # `base` in; the kernel reaches `reach` values past an output pixel's index
        self.flat = self.s == 1
        self.Hq, self.Wq = H + self.p, W + self.p
        self.base = self.p * (self.Wq + 1)
        self.reach = (self.k - 1) * (self.Wq + 1)

    def bind(self, K, b, gK, gb) -> None:
        """Views into the network's flat parameter and gradient buffers."""
        self.K, self.b, self.gK, self.gb = K, b, gK, gb
        self.Km = K.reshape(self.O, -1)              # (O, C k k): a view, no copy
        self.gKm = gK.reshape(self.O, -1)
        self.b_col = b.reshape(-1, 1)
        self.b4 = b.reshape(-1, 1, 1, 1)
        k = self.k
        self.gKt = np.empty((self.C * k * k, self.O))
        self.gKt_part = np.empty((self.C * k * k, self.O))
        # the flipped kernel of the backward correlation, (C, O k k); refreshed per step
        self.Kflip = np.empty((self.C, self.O, k, k))
        self.Kflip_m = self.Kflip.reshape(self.C, -1)

    # ------------------------------------------------------------------ buffers
    def make_ws(self, n):
        return self._flat_ws(n) if self.flat else self._strided_ws(n)

    def _flat_ws(self, n):
        C, O, k = self.C, self.O, self.k
        (_, H, W), (_, Ho, Wo) = self.in_shape, self.out_shape
        HW = self.Hq * self.Wq
        L, M = n * HW, self.reach
        # images per chunk: of the input's columns (forward, dK) and of the output
        # gradient's (dx); a first layer (one channel) takes its whole batch at once
        m_in, m_out = (int(max(1, min(n, self.CHUNK_BYTES // (8 * r * k * k * HW))))
                       for r in (C, O))
        # the input, and the output gradient at its pixels' indices (offset by `reach`),
        # in the flat layout; the gaps and margins stay 0 for good
        xf, gf = np.zeros((C, L + M)), np.zeros((O, L + 2 * M))
        cols = np.empty(max(C * m_in, O * m_out) * k * k * HW)
        # the products of all chunks, in the flat layout: the output (forward) or the
        # input gradient (backward) come out of it in one strided copy (8 per-chunk
        # copies took 3× as long)
        prod = np.empty((max(C, O), L))
        # every view a step uses, made once: one as_strided costs 12 µs
        fwd = [(*self._columns(xf, start, length, cols), prod[:O, start:start + length],
                gf[:, M + start:M + start + length])
               for start, length in self._chunks(n, m_in)]
        # the input gradient at flat index t gathers g at t - (i·Wq + j) for tap (i, j):
        # the flipped kernel's columns of gf, which starts `reach` early
        bwd = [(*self._columns(gf, start + self.base, length, cols),
                prod[:C, start:start + length])
               for start, length in self._chunks(n, m_out)]
        return {"out": np.empty((O, n, Ho, Wo)), "dx": np.empty((C, n, H, W)),
                "ones": np.ones(n * Ho * Wo), "m": (m_in, m_out), "fwd": fwd, "bwd": bwd,
                "x_at": self._pixels(xf, self.base, n)[:, :, :H, :W],
                "g_at": self._pixels(gf, M, n)[:, :, :Ho, :Wo],
                "out_at": self._pixels(prod[:O], 0, n)[:, :, :Ho, :Wo],
                "dx_at": self._pixels(prod[:C], 0, n)[:, :, :H, :W]}

    def _strided_ws(self, n):
        C, H, W = self.in_shape
        O, Ho, Wo = self.out_shape
        k = self.k
        # the forward's columns and the backward's gradient columns share memory: dK
        # reads the columns before the gradient columns are written
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

    # ------------------------------------------------------------------ stride 1
    def _pixels(self, buf, start, n):
        """``buf[:, start:]`` read as ``n`` images of the flat layout, ``(ch, n, Hq, Wq)``."""
        HW = self.Hq * self.Wq
        return buf[:, start:start + n * HW].reshape(buf.shape[0], n, self.Hq, self.Wq)

    def _columns(self, src, start, length, cols):
        """The copy that makes one chunk's columns ``c[ch, i, j, t] = src[ch, start +
        i·Wq + j + t]`` for ``t < length`` (each row one contiguous run of ``src``):
        ``(destination, source, the destination as a (ch·k·k, length) matrix)``."""
        ch, k = src.shape[0], self.k
        s0, s1 = src.strides
        view = as_strided(src[:, start:], shape=(ch, k, k, length),
                          strides=(s0, self.Wq * s1, s1, s1), writeable=False)
        c = cols[:ch * k * k * length].reshape(ch, k, k, length)
        return c, view, c.reshape(ch * k * k, length)

    def _chunks(self, n, m):
        """``(first flat index, flat length)`` of every chunk of ``m`` images."""
        HW = self.Hq * self.Wq
        return [(s * HW, min(m, n - s) * HW) for s in range(0, n, m)]

    def _forward_flat(self, x, ws):
        np.copyto(ws["x_at"], x)
        for dst, src, c, o, _ in ws["fwd"]:
            np.copyto(dst, src)
            # matmul, not dot: dot refuses an output whose rows are not adjacent
            np.matmul(self.Km, c, out=o)
        out = ws["out"]
        np.add(ws["out_at"], self.b4, out=out)
        return out

    def _backward_flat(self, g, ws, need_dx):
        np.copyto(ws["g_at"], g)
        np.dot(g.reshape(self.O, -1), ws["ones"], out=self.gb)   # db = sum over pixels
        # dK = g colsᵀ, as (cols gᵀ)ᵀ (1.8× faster in OpenBLAS), summed over chunks; the
        # gradient is 0 on the gap pixels, so their columns add nothing.  Last chunk
        # first: its columns are still in `cols` from the forward pass
        first = True
        for dst, src, c, _, gc in reversed(ws["fwd"]):
            if not first:
                np.copyto(dst, src)
            # (matmul: np.dot copies gc, whose rows are not adjacent, 5× slower)
            np.matmul(c, gc.T, out=self.gKt if first else self.gKt_part)
            if not first:
                np.add(self.gKt, self.gKt_part, out=self.gKt)
            first = False
        np.copyto(self.gKm, self.gKt.T)
        if not need_dx:
            return None
        np.copyto(self.Kflip, self.K[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))
        for dst, src, c, d in ws["bwd"]:
            np.copyto(dst, src)
            np.matmul(self.Kflip_m, c, out=d)
        dx = ws["dx"]
        np.copyto(dx, ws["dx_at"])
        return dx

    # ------------------------------------------------------------------ any stride
    def _forward_strided(self, x, ws):
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

    def _backward_strided(self, g, ws, need_dx):
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

    # ------------------------------------------------------------------ API
    def forward(self, x):
        ws = self.ws(x.shape[1])
        return self._forward_flat(x, ws) if self.flat else self._forward_strided(x, ws)

    def backward(self, g, need_dx=True):
        ws = self.ws(g.shape[1])
        return (self._backward_flat if self.flat else self._backward_strided)(g, ws,
                                                                            need_dx)
