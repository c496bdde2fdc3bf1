"""Optimizers that update one flat parameter vector in place (a few NumPy calls each).

Each optimizer offers ``step(p, g)`` and ``ops(p, g)``: the same update as a list of bound
NumPy calls for the compiled training epoch (see ``plan.py``).  The learning rate lives in
a 0-d array so that changing it between epochs needs no recompilation.
"""
from __future__ import annotations

import numpy as np


class SGD:
    """Plain minibatch gradient descent: ``p -= lr * g``."""

    name = "sgd"

    def __init__(self, n: int, learning_rate: float):
        self._neg_lr = np.array(-float(learning_rate))
        self._t = np.empty(n)

    @property
    def lr(self) -> float:
        return -float(self._neg_lr)

    @lr.setter
    def lr(self, value: float) -> None:
        self._neg_lr[...] = -float(value)

    def ops(self, p: np.ndarray, g: np.ndarray) -> list:
        return [(np.multiply, (g, self._neg_lr, self._t)), (np.add, (p, self._t, p))]

    def step(self, p: np.ndarray, g: np.ndarray) -> None:
        for f, args in self.ops(p, g):
            f(*args)


class Momentum(SGD):
    """Heavy-ball momentum: ``v = mu v + g; p -= lr v``."""

    name = "momentum"

    def __init__(self, n: int, learning_rate: float, momentum: float = 0.9):
        super().__init__(n, learning_rate)
        self.mu = float(momentum)
        self.v = np.zeros(n)

    def ops(self, p, g):
        v, t = self.v, self._t
        return [(np.multiply, (v, self.mu, v)), (np.add, (v, g, v)),
                (np.multiply, (v, self._neg_lr, t)), (np.add, (p, t, p))]


class Adam(SGD):
    """Adam (Kingma & Ba) with the usual defaults beta1 0.9, beta2 0.999, eps 1e-8."""

    name = "adam"

    def __init__(self, n: int, learning_rate: float, beta1: float = 0.9,
                 beta2: float = 0.999, eps: float = 1e-8):
        super().__init__(n, learning_rate)
        self.b1, self.b2, self.eps = beta1, beta2, eps
        self.m = np.zeros(n)
        self.v = np.zeros(n)
        self.t = 0
        self._u = np.empty(n)

    def ops(self, p, g):
        return [(self._adam_step, (p, g))]

    def _adam_step(self, p, g):
        self.t += 1
        m, v, t, u = self.m, self.v, self._t, self._u
        np.multiply(m, self.b1, out=m)
        np.multiply(g, 1.0 - self.b1, out=t)
        np.add(m, t, out=m)
        np.multiply(v, self.b2, out=v)
        np.multiply(g, g, out=t)
        np.multiply(t, 1.0 - self.b2, out=t)
        np.add(v, t, out=v)
        # p -= lr_t * m / (sqrt(v) + eps_t): the bias corrections folded into lr_t and eps_t
        c2 = np.sqrt(1.0 - self.b2 ** self.t)
        lr_t = self.lr * c2 / (1.0 - self.b1 ** self.t)
        np.sqrt(v, out=u)
        np.add(u, self.eps * c2, out=u)
        np.divide(m, u, out=u)
        np.multiply(u, lr_t, out=u)
        np.subtract(p, u, out=p)


def make_optimizer(name: str, n: int, learning_rate: float, momentum: float = 0.9) -> SGD:
    if name == "sgd":
        return SGD(n, learning_rate)
    if name == "momentum":
        return Momentum(n, learning_rate, momentum)
    if name == "adam":
        return Adam(n, learning_rate)
    raise ValueError(f"unknown optimizer {name!r} (choose from sgd, momentum, adam)")
