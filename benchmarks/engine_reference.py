"""A straight-line NumPy reference of ActLab's point-lab training loop (for
``engine_bench.py --reference``): the same rows, the same starting weights, the same
minibatches in the same order, plain minibatch SGD on sigmoid cross-entropy — and nothing
else (no evaluation, no divergence check, no history, no gradient record).

Written as a careful NumPy programmer would write one tight training loop by hand:
feature-major activations (units, batch) with a row of ones for the bias (one matrix
product per layer and direction), every buffer preallocated, the output buffer passed positionally (a keyword costs a
little per call) everywhere but ``np.maximum`` (whose positional ``out`` NumPy 2.4 deprecates),
constants as 0-d arrays (no float conversion per call), the weights one flat buffer so the
SGD step is two calls.
"""
from __future__ import annotations

import numpy as np


class ReferenceLoop:
    """``epoch()`` trains one epoch over ``X`` (n, f), ``y`` (n,) in minibatches of
    ``batch`` rows, in order, from ``params`` [(W, b), ...] (copied), hidden activation
    ``act`` ("tanh" or "relu"), sigmoid output, SGD at ``lr``."""

    def __init__(self, params, act: str, X: np.ndarray, y: np.ndarray, batch: int,
                 lr: float):
        if act not in ("tanh", "relu"):
            raise ValueError(act)
        self.relu = act == "relu"
        sizes = [params[0][0].shape[0]] + [W.shape[1] for W, _ in params]
        total = sum(W.size + b.size for W, b in params)
        self.flat, self.gflat, self.tmp = np.empty(total), np.empty(total), np.empty(total)
        # WT[l] (n_out, n_in + 1): weights transposed with the bias as the last column
        self.WT, self.GT = [], []
        o = 0
        for W, b in params:
            n_in, n_out = W.shape
            k = n_out * (n_in + 1)
            wt = self.flat[o:o + k].reshape(n_out, n_in + 1)
            wt[:, :-1], wt[:, -1] = W.T, b
            self.WT.append(wt)
            self.GT.append(self.gflat[o:o + k].reshape(n_out, n_in + 1))
            o += k
        self.lr = np.array(float(lr))
        self.zero, self.half, self.one = np.array(0.0), np.array(0.5), np.array(1.0)
        n = X.shape[0]
        L = len(params) - 1
        self.batches = []
        # every view bound once (a slice or .T costs as much as a small ufunc call)
        W_in = [wt[:, :-1].T for wt in self.WT]   # (n_in, n_out): dA = W_in @ dZ
        for s in range(0, n, batch):
            xb = X[s:s + batch]
            m = xb.shape[0]
            xa = np.ones((sizes[0] + 1, m))
            xa[:-1] = xb.T
            target = ((0.5 - np.asarray(y[s:s + batch], dtype=float)) / m).reshape(1, m)
            Z = [np.empty((k, m)) for k in sizes[1:]]
            Aaug = [np.ones((k + 1, m)) for k in sizes[1:-1]]
            dZ = [np.empty((k, m)) for k in sizes[1:]]
            dA = [np.empty((k, m)) for k in sizes[1:-1]]
            tmp = [np.empty((k, m)) for k in sizes[1:]]
            inputs = [xa] + Aaug
            forward = [(self.WT[l], inputs[l], Z[l], Aaug[l][:-1]) for l in range(L)]
            out = (self.WT[L], inputs[L], Z[L], dZ[L], tmp[L])
            backward = [(dZ[l], inputs[l].T, self.GT[l], W_in[l], dA[l - 1], Z[l - 1],
                         Aaug[l - 1][:-1], tmp[l - 1], dZ[l - 1]) for l in range(L, 0, -1)]
            first = (dZ[0], xa.T, self.GT[0])
            self.batches.append((forward, out, target, np.array(0.5 / m), backward, first))

    def epoch(self) -> None:
        relu, zero, half, one = self.relu, self.zero, self.half, self.one
        dot, multiply = np.dot, np.multiply
        for forward, (w, inp, z, dz, t), target, half_m, backward, first in self.batches:
            for w_l, inp_l, z_l, a_l in forward:
                dot(w_l, inp_l, z_l)
                if relu:
                    np.maximum(z_l, zero, out=a_l)
                else:
                    np.tanh(z_l, a_l)
            dot(w, inp, z)
            # d(mean cross-entropy)/dz = (sigmoid(z) - y) / m, the sigmoid by tanh
            multiply(z, half, t)
            np.tanh(t, t)
            multiply(t, half_m, dz)
            np.add(dz, target, dz)
            for dz_l, inp_t, g_l, w_in, da, z_prev, a_prev, t, dz_prev in backward:
                dot(dz_l, inp_t, g_l)
                dot(w_in, dz_l, da)
                if relu:
                    np.heaviside(z_prev, zero, t)
                else:
                    multiply(a_prev, a_prev, t)
                    np.subtract(one, t, t)
                multiply(da, t, dz_prev)
            dz0, xa_t, g0 = first
            dot(dz0, xa_t, g0)
            multiply(self.gflat, self.lr, self.tmp)   # SGD
            np.subtract(self.flat, self.tmp, self.flat)

    def params(self):
        return [(wt[:, :-1].T.copy(), wt[:, -1].copy()) for wt in self.WT]
