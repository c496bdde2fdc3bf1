"""Helpers of the designed-activation tests (test_custom_activation, test_tweaked_activation):
a network's analytic gradient beside central finite differences, and a small point lab."""
import numpy as np

from actlab.lab import DataSpec, Lab, NetworkSpec, TrainingSpec


def gradient_and_finite_differences(net, X, y, h: float = 1e-6):
    """``(analytic, fd)``: the gradient of ``net``'s data loss on (X, y) over every weight
    and bias (``net.flat`` order; a dense or a convolutional network), from
    ``loss_and_grads`` and from central differences with step ``h``."""
    _, grads = net.loss_and_grads(X, y)
    analytic = np.concatenate([np.concatenate([dW.ravel(), db.ravel()]) for dW, db in grads])
    flat = net.flat
    fd = np.zeros_like(flat)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        fp = net.data_loss(X, y)
        flat[i] = old - h
        fm = net.data_loss(X, y)
        flat[i] = old
        fd[i] = (fp - fm) / (2 * h)
    return analytic, fd


def point_lab(acts, custom=(), hidden=(3, 3)) -> Lab:
    """An XOR point lab with hidden layers ``hidden``, activations ``acts`` and the designed
    activations ``custom``."""
    return Lab(data=DataSpec("xor", n_points=200, seed=2),
               network=NetworkSpec(hidden, acts, custom=custom),
               training=TrainingSpec(learning_rate=0.01))
