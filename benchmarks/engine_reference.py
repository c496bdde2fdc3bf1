"""A straight-line NumPy reference of ActLab's point-lab training loop (for
``engine_bench.py --reference``): the same rows, the same starting weights, the same
minibatches in the same order, plain minibatch SGD on sigmoid cross-entropy — and nothing
else (no evaluation, no divergence check, no history, no gradient record).

Written as a careful NumPy programmer would write one tight training loop by hand, the
calls of a step written out in a row (generated for the network's depth: ``source``):
feature-major activations (units, batch) with a row of ones for the bias (one matrix
product per layer and direction), every buffer preallocated, the output buffer passed positionally (a keyword costs a
little per call) everywhere but ``np.maximum`` (whose positional ``out`` NumPy 2.4 deprecates),
``ndarray.dot`` (no dispatch), constants as 0-d arrays (no float conversion per call), the weights one flat buffer so the
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
        # "straight-line": the loop over minibatches runs one generated function body
        # with every call of a step written out (no loop over layers, no branch on the
        # activation); each minibatch's buffers come as one tuple
        names = ["xa", "xaT", "target", "half_m"]
        for l in range(L + 1):
            names += [f"Z{l}", f"dZ{l}", f"T{l}"]
            if l < L:
                names += [f"A{l}", f"Aa{l}", f"AaT{l}", f"dA{l}"]
        self.batches = []
        for s in range(0, n, batch):
            xb = X[s:s + batch]
            m = xb.shape[0]
            buf = {"xa": np.ones((sizes[0] + 1, m))}
            buf["xa"][:-1] = xb.T
            buf["xaT"] = buf["xa"].T
            buf["target"] = ((0.5 - np.asarray(y[s:s + batch], dtype=float)) / m
                             ).reshape(1, m)
            buf["half_m"] = np.array(0.5 / m)
            for l in range(L + 1):
                k = sizes[l + 1]
                buf[f"Z{l}"], buf[f"dZ{l}"], buf[f"T{l}"] = (np.empty((k, m)) for _ in "123")
                if l < L:
                    aa = np.ones((k + 1, m))
                    buf[f"A{l}"], buf[f"Aa{l}"], buf[f"AaT{l}"] = aa[:-1], aa, aa.T
                    buf[f"dA{l}"] = np.empty((k, m))
            self.batches.append(tuple(buf[name] for name in names))
        scope = {"dot": np.dot, "multiply": np.multiply, "add": np.add,
                 "subtract": np.subtract, "tanh": np.tanh, "maximum": np.maximum,
                 "heaviside": np.heaviside, "zero": np.array(0.0), "half": np.array(0.5),
                 "one": np.array(1.0), "lr": np.array(float(lr)), "flat": self.flat,
                 "gflat": self.gflat, "step": self.tmp}
        for l in range(L + 1):
            scope[f"W{l}"], scope[f"G{l}"] = self.WT[l], self.GT[l]
            scope[f"Win{l}"] = self.WT[l][:, :-1].T   # (n_in, n_out): dA = Win @ dZ
        lines = [f"def epoch(batches):",
                 f"    for ({', '.join(names)},) in batches:"]
        body = []
        inp = "xa"
        for l in range(L):                                   # forward
            body.append(f"W{l}.dot({inp}, Z{l})")
            body.append(f"maximum(Z{l}, zero, out=A{l})" if self.relu
                        else f"tanh(Z{l}, A{l})")
            inp = f"Aa{l}"
        # d(mean cross-entropy)/dz = (sigmoid(z) - y) / m, the sigmoid by tanh
        body += [f"W{L}.dot({inp}, Z{L})", f"multiply(Z{L}, half, T{L})",
                 f"tanh(T{L}, T{L})", f"multiply(T{L}, half_m, dZ{L})",
                 f"add(dZ{L}, target, dZ{L})"]
        for l in range(L, 0, -1):                            # backward
            body += [f"dZ{l}.dot(AaT{l - 1}, G{l})", f"Win{l}.dot(dZ{l}, dA{l - 1})"]
            if self.relu:
                body.append(f"heaviside(Z{l - 1}, zero, T{l - 1})")
            else:
                body += [f"multiply(A{l - 1}, A{l - 1}, T{l - 1})",
                         f"subtract(one, T{l - 1}, T{l - 1})"]
            body.append(f"multiply(dA{l - 1}, T{l - 1}, dZ{l - 1})")
        body += ["dZ0.dot(xaT, G0)",
                 "multiply(gflat, lr, step)", "subtract(flat, step, flat)"]   # SGD
        self.source = "\n".join(lines + ["        " + b for b in body]) + "\n"
        exec(compile(self.source, "<reference epoch>", "exec"), scope)
        self._epoch = scope["epoch"]

    def epoch(self) -> None:
        self._epoch(self.batches)

    def params(self):
        return [(wt[:, :-1].T.copy(), wt[:, -1].copy()) for wt in self.WT]
