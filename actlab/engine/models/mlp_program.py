"""A training epoch compiled into a flat list of bound NumPy calls.

Tiny networks spend their time in per-call overhead, not arithmetic, so a dense network's
epoch program (:class:`DenseEpoch`) does not walk the network object every step.  It binds
every buffer once — each minibatch's
input rows, each layer's weights, pre-activations, gradients — into ``(function, args)``
pairs and replays the list.  The arithmetic is exactly that of
:meth:`Network.train_gradients` followed by the regulariser and the optimizer (a test checks
the two agree bit for bit).  Evaluation (train/test loss and accuracy) is compiled the same
way, with both means taken by one matrix product.
"""
from __future__ import annotations

import numpy as np

from actlab.engine.model import Update


def fast(ops: list) -> list:
    """The same calls with every Python-number argument of a ufunc turned into a 0-d
    array: NumPy converts a Python float on every call, which costs more than the
    arithmetic on a 10×8 array (0.43 µs against 0.18 µs per call, measured)."""
    out = []
    for f, args in ops:
        # a functools.partial of a ufunc (see activations._max_op) counts as a ufunc
        if isinstance(getattr(f, "func", f), np.ufunc) and any(
                isinstance(a, (float, int)) for a in args):
            args = tuple(np.array(float(a)) if isinstance(a, (float, int)) else a
                         for a in args)
        out.append((f, args))
    return out


def gradient_ops(net, Xa: np.ndarray, yc: np.ndarray) -> list:
    """Calls that write the data-loss gradient for the minibatch (Xa rows, yc columns)
    into ``net.grad_flat`` (a dense :class:`.mlp.Network`) — the same calls as
    ``Network.train_gradients``."""
    n = Xa.shape[0]
    ws = net.workspace(n)
    Wa, Ga, acts = net.Wa, net.Ga, net.acts
    L = len(acts)
    ops: list = []
    inp = Xa.T
    for l in range(L):
        ops.append((Wa[l].T.dot, (inp, ws.Z[l])))
        ops += acts[l].forward_ops(ws.Z[l], ws.A[l])
        inp = ws.Aaug[l]
    z, dz, t = ws.Z[L], ws.dZ[L], ws.tmp[L]
    ops.append((Wa[L].T.dot, (inp, z)))
    if net.output == "sigmoid":
        ops += [(np.multiply, (z, 0.5, t)), (np.tanh, (t, t)),
                (np.multiply, (t, 0.5 / n, dz)), (np.add, (dz, yc, dz))]
    elif net.output == "softmax":
        ops += [(_softmax_grad, (z, t, n, yc, dz))]
    else:
        ops += [(np.subtract, (z, yc, dz)), (np.multiply, (dz, 1.0 / n, dz))]
    for l in range(L, 0, -1):
        ops.append((ws.Aaug[l - 1].dot, (ws.dZ[l].T, Ga[l])))
        ops.append((Wa[l][:-1].dot, (ws.dZ[l], ws.dA[l - 1])))
        ops += acts[l - 1].backward_ops(ws.Z[l - 1], ws.A[l - 1], ws.dA[l - 1],
                                        ws.dZ[l - 1], ws.tmp[l - 1])
    ops.append((Xa.T.dot, (ws.dZ[0].T, Ga[0])))
    return ops


def epoch_ops(net, Xa: np.ndarray, yc: np.ndarray, batch_size: int,
              reg_ops: list, step_ops: list) -> list:
    """Every call of one epoch over the rows of ``Xa`` (and columns of ``yc``) in order,
    minibatch by minibatch."""
    ops: list = []
    n = Xa.shape[0]
    for s in range(0, n, batch_size):
        ops += gradient_ops(net, Xa[s:s + batch_size], yc[:, s:s + batch_size])
        ops += reg_ops
        ops += step_ops
    return fast(ops)


class DenseEpoch:
    """The :class:`~actlab.engine.model.EpochProgram` of a dense network: every call of
    one epoch bound once (:func:`epoch_ops`) and replayed.  ``Xa`` are the augmented
    training rows, ``base`` their targets in :func:`.mlp.target_form` with a norm of 1, and
    ``scale`` (None for regression, whose targets are not divided) 1 / the size of the
    minibatch each row's *position* falls in.  With ``reshuffle`` the rows are permuted
    into a buffer each epoch; without, the bound rows are the training rows themselves."""

    def __init__(self, net, Xa: np.ndarray, base: np.ndarray, scale: np.ndarray | None,
                 batch_size: int, reshuffle: bool, update: Update):
        self.grad = net.grad_flat
        self.n = n = Xa.shape[0]
        self._Xa, self._base, self._scale = Xa, base, scale
        self.reshuffle = bool(reshuffle)
        if self.reshuffle:
            self._Xbuf = np.empty_like(Xa)
            self._ybuf = np.empty_like(base)
        else:
            self._Xbuf = Xa
            self._ybuf = base if scale is None else base * scale
        reg_ops, step_ops = update.reg_ops, update.step_ops
        ops = epoch_ops(net, self._Xbuf, self._ybuf, batch_size, reg_ops, step_ops)
        # Split where a minibatch's data gradient is complete (before the regulariser and
        # the step) so the gradient record can read it: after the first minibatch (for
        # "epoch 0", the starting weights) and after the last.  Same calls, same order.
        n_batches = -(-n // batch_size)
        grad_len = len(ops) // n_batches - len(reg_ops) - len(step_ops)
        last = len(ops) - len(reg_ops) - len(step_ops)
        self._first, self._rest, self._tail = ops[:grad_len], ops[grad_len:last], ops[last:]

    def run(self, rng: np.random.Generator, start=None, end=None) -> None:
        """One epoch (see :class:`~actlab.engine.model.EpochProgram`); returns None: the
        trainer judges a dense epoch by its evaluation."""
        if self.reshuffle:
            perm = rng.permutation(self.n)
            np.take(self._Xa, perm, axis=0, out=self._Xbuf)
            np.take(self._base, perm, axis=1, out=self._ybuf)
            if self._scale is not None:
                np.multiply(self._ybuf, self._scale, out=self._ybuf)
        for f, args in self._first:
            f(*args)
        if start is not None:
            start(self.grad, None)
        for f, args in self._rest:
            f(*args)
        if end is not None:
            end(self.grad, None)
        for f, args in self._tail:
            f(*args)
        return None

    #: a dense epoch is one compiled list of calls: one step
    n_steps = 1

    def steps(self, rng: np.random.Generator, start=None, end=None):
        """:meth:`run` as a generator of one step (it yields nothing)."""
        return self.run(rng, start, end)
        yield  # unreachable: makes this a generator


class Evaluator:
    """Train and test loss and accuracy of a dense network on fixed rows, into
    ``result``: ``[train_loss, test_loss, train_accuracy, test_accuracy]`` (NaN where
    undefined) — the :class:`~actlab.engine.model.Evaluation` of :class:`.mlp.Network`."""

    predicted = None  # accuracy is counted inside the compiled calls; no classes kept

    def __init__(self, net, Xall_a: np.ndarray, y_train: np.ndarray,
                 y_test: np.ndarray):
        self.result = np.full(4, np.nan)
        self.x_max = float(np.abs(Xall_a).max())  # the ones column makes it >= 1
        ntr, nte = len(y_train), len(y_test)
        y = np.concatenate([y_train, y_test]).astype(float)
        n = ntr + nte
        # mean_w @ v gives (mean of v over train rows, mean over test rows); count_w @ t
        # gives (count over train rows, count over test rows).  Accuracy is that integer
        # count divided by n — exactly k/n, never 1.0000000000000007 as a sum of 1/n's was
        mean_w = np.zeros((n, 2))
        mean_w[:ntr, 0] = 1.0 / ntr
        count_w = np.zeros((n, 2))
        count_w[:ntr, 0] = 1.0
        if nte:
            mean_w[ntr:, 1] = 1.0 / nte
            count_w[ntr:, 1] = 1.0
        sizes = np.array([float(ntr), float(max(nte, 1))])
        ops: list = []
        ws = net.workspace(n)
        self._XT = inp = np.ascontiguousarray(Xall_a.T)
        for l, act in enumerate(net.acts):
            ops.append((net.Wa[l].T.dot, (inp, ws.Z[l])))
            ops += act.forward_ops(ws.Z[l], ws.A[l])
            inp = ws.Aaug[l]
        z = ws.Z[-1]
        ops.append((net.Wa[-1].T.dot, (inp, z)))
        self._Z = ws.Z
        res = self.result
        loss_out, acc_out = res[0:2], res[2:4]
        v, t = np.empty(n), np.empty(n)
        if net.output == "sigmoid":
            zf = z.reshape(n)
            sign = 2.0 * y - 1.0
            # cross-entropy from logits: log(1 + e^z) - y z
            ops += [(np.logaddexp, (0.0, zf, v)), (np.multiply, (zf, y, t)),
                    (np.subtract, (v, t, v)), (v.dot, (mean_w, loss_out)),
                    (np.multiply, (zf, sign, t)), (np.heaviside, (t, 0.0, t)),
                    (t.dot, (count_w, acc_out)), (np.divide, (acc_out, sizes, acc_out))]
        elif net.output == "softmax":
            yi = y.astype(int)
            ops += [(_softmax_eval, (z, yi, v, t, mean_w, loss_out, acc_out, count_w)),
                    (np.divide, (acc_out, sizes, acc_out))]
        else:
            zf = z.reshape(n)
            ops += [(np.subtract, (zf, y, v)), (np.multiply, (v, v, v)),
                    (np.multiply, (v, 0.5, v)), (v.dot, (mean_w, loss_out))]
        if not nte:
            ops += [(_nan_test, (res,))]
        self.ops = fast(ops)

    def run(self) -> np.ndarray:
        for f, args in self.ops:
            f(*args)
        return self.result

    n_steps = 1  # one compiled list of calls

    def steps(self):
        """:meth:`run` as a generator of one step (it yields nothing)."""
        return self.run()
        yield  # unreachable: makes this a generator

    def largest_value(self) -> float:
        """The largest |pre-activation| of any layer on any row in the last :meth:`run`
        (NaN if one is NaN).  Not part of ``run``: it costs two reductions per layer."""
        ext = [v for Z in self._Z for v in (Z.max(), -Z.min())]
        return float(np.max(ext))


def _softmax_grad(z, t, n, yc, dz):
    """dz = (softmax(z) - onehot) / n for feature-major z (classes, n)."""
    np.subtract(z, z.max(axis=0, keepdims=True), out=t)
    np.exp(t, out=t)
    np.divide(t, t.sum(axis=0, keepdims=True), out=t)
    np.multiply(t, 1.0 / n, out=dz)
    np.subtract(dz, yc, out=dz)


def _softmax_eval(z, yi, v, t, mean_w, loss_out, acc_out, count_w):
    m = z.max(axis=0)                      # z is (classes, n)
    lse = m + np.log(np.exp(z - m[None, :]).sum(axis=0))
    np.subtract(lse, z[yi, np.arange(yi.size)], out=v)
    v.dot(mean_w, out=loss_out)
    np.equal(z.argmax(axis=0), yi, out=t)
    t.dot(count_w, out=acc_out)          # counts; the caller divides by n


def _nan_test(res):
    res[1] = res[3] = np.nan
