"""What one epoch does for a convolutional network, and how its loss and accuracy are
measured: the :class:`~actlab.engine.model.EpochProgram` and
:class:`~actlab.engine.model.Evaluation` of :class:`.cnn.ConvNetwork`.

A CNN step costs milliseconds of arithmetic, so unlike the dense network's compiled epoch
(:mod:`.mlp_program`) this is a plain loop over minibatches: gradient, then the
regulariser's and the optimizer's bound calls.  Minibatches are always reshuffled.
"""
from __future__ import annotations

import math

import numpy as np

from actlab.engine.model import Update
from actlab.engine.models.cnn_layers import softmax_cross_entropy


class ConvEpoch:
    """One epoch over images ``X`` (n, 1, H, W) with labels ``y`` of a ConvNetwork
    ``net``, in minibatches of ``batch_size`` (at most n) in the order
    ``rng.permutation(n)``, each followed by ``update``."""

    def __init__(self, net, X, y, batch_size: int, update: Update):
        self.net = net
        self._X, self._y_given = X, y
        self._x = x = net._images(X)
        self.n = n = x.shape[1]
        if n == 0:
            raise ValueError("an epoch needs at least one image")
        self._y = net._labels(y, n)
        self.batch_size = max(1, min(int(batch_size), n))
        self._xb, self._yb = np.empty_like(x), np.empty_like(self._y)
        self._reg, self._step = update.reg_ops, update.step_ops
        self._reg_term = update.reg_term if update.reg_ops else None

    @property
    def n_steps(self) -> int:
        """Steps of :meth:`steps` in one epoch: one per minibatch."""
        return -(-self.n // self.batch_size)

    def run(self, rng: np.random.Generator, start=None, end=None) -> float:
        """One epoch (see :class:`~actlab.engine.model.EpochProgram`); returns the mean
        minibatch loss (each minibatch's loss weighted by its size).

        ``start`` gets the gradient at the starting weights on the first minibatch's worth
        of images *in file order*, computed before the shuffle: recording it takes no
        random numbers, so it changes no bit of training.  ``end`` gets the last
        minibatch's gradient with the regulariser's term still in it, and that term."""
        work = self.steps(rng, start, end)
        while True:
            try:
                next(work)
            except StopIteration as done:
                return done.value

    def steps(self, rng: np.random.Generator, start=None, end=None):
        """The epoch of :meth:`run` as a generator that yields after each minibatch but
        the last (``n_steps`` steps in all; each yield says about how much work the step
        was: three times its images, a backward pass costing about two forward passes) and
        returns the mean minibatch loss: the same
        calls in the same order, so an epoch run step by step — with anything in between
        that leaves the parameters, the optimizer and ``rng`` alone — is bit for bit the
        epoch of :meth:`run`.  ``start`` and ``end`` run in the step of the first and of
        the last minibatch."""
        net, n, bs = self.net, self.n, self.batch_size
        if start is not None:
            net._gradients(net._images(self._X[:bs]), net._labels(self._y_given[:bs], bs))
            start(net.grad_flat, None)
        perm = rng.permutation(n)
        xb, yb = self._xb, self._yb
        np.take(self._x, perm, axis=1, out=xb)
        np.take(self._y, perm, out=yb)
        total = 0.0
        m = 0
        for s in range(0, n, bs):
            if s:
                yield 3 * m  # images through the network, backward counted as two
            m = min(bs, n - s)
            total += net._gradients(xb[:, s:s + m], yb[s:s + m]) * m
            for f, args in self._reg:
                f(*args)
            for f, args in self._step:
                f(*args)
        if end is not None:
            end(net.grad_flat, self._reg_term)
        return total / n


class ConvEvaluation:
    """Loss and accuracy of a ConvNetwork on the whole training and test sets; keeps the
    predicted classes (``predicted``: the window's gallery and confusion matrix read them
    instead of running the test set again)."""

    def __init__(self, net, X_train, y_train, X_test, y_test):
        self.net = net
        self._sets = ((X_train, y_train), (X_test, y_test))
        self.x_max = float(np.abs(net._images(X_train)).max())
        self.predicted: tuple | None = None

    @staticmethod
    def _scores(z, y) -> tuple[float, float, np.ndarray]:
        if len(y) == 0:
            return math.nan, math.nan, np.zeros(0, dtype=np.int64)
        loss = softmax_cross_entropy(z.T, np.asarray(y, dtype=np.int64))
        pred = np.argmax(z, axis=1)
        return float(loss), float(np.mean(pred == y)), pred

    def run(self) -> np.ndarray:
        """``[train_loss, test_loss, train_accuracy, test_accuracy]`` (data loss)."""
        work = self.steps()
        while True:
            try:
                next(work)
            except StopIteration as done:
                return done.value

    @property
    def n_steps(self) -> int:
        """Steps of :meth:`steps`: one per chunk of images the network takes at once."""
        c = self.net.chunk
        return max(1, sum(-(-len(y) // c) for _, y in self._sets))

    def steps(self):
        """:meth:`run` as a generator that yields between chunks of images (``n_steps``
        steps in all; each yield is the number of images of the step) and returns the
        row.  The logits are computed chunk by chunk as :meth:`ConvNetwork.logits` does,
        and the loss over all of them at the end, so the row is bit for bit that of
        :meth:`run` whatever runs between the steps, as long as the parameters stay."""
        net, c, first = self.net, self.net.chunk, True
        logits = []
        for X, y in self._sets:
            x = net._images(X)
            z = np.empty((x.shape[1], net.n_classes))
            for s in range(0, x.shape[1], c):
                if not first:
                    yield done  # the images of the step just done
                first = False
                z[s:s + c] = net._forward(x[:, s:s + c]).T
                done = z[s:s + c].shape[0]
            logits.append(z)
        (tl, ta, tp), (vl, va, vp) = (self._scores(z, y) for z, (_, y) in
                                      zip(logits, self._sets))
        for p in (tp, vp):
            p.flags.writeable = False
        self.predicted = (tp, vp)
        return np.array([tl, vl, ta, va])

    def largest_value(self) -> float:
        """The largest |output| of any convolution or dense layer on the training images
        (a pass of its own: :meth:`run` keeps only the logits)."""
        return self.net.largest_value(self._sets[0][0])
