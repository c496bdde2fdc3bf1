"""The decision surface: network output (and every hidden neuron) over an N×N input grid."""
from __future__ import annotations

import numpy as np

from actlab.engine.features import transform
from actlab.engine.models.mlp import Network, augment, output_from_logits

EXTENT = 6.0  # the input plane shown is [-EXTENT, EXTENT]²
# Values of neuron pictures one snapshot may carry.  10 × 64 neurons at 80 × 80 were
# 4.1 M values (16 MB, 16 ms of copying per snapshot, every snapshot) for thumbnails at
# most 40 px wide — and none at all in a 64-neuron column; a hovered neuron is shown
# smoothed, so 40 × 40 looks the same there.
NEURON_VALUES = 1_100_000


def neuron_step(n_neurons: int, n: int) -> int:
    """The sub-sampling step keeping ``n_neurons`` pictures of ``n``² under
    NEURON_VALUES (1 for every network of up to ~170 neurons at n = 80)."""
    s = 1
    while n_neurons * ((n + s - 1) // s) ** 2 > NEURON_VALUES and n // (s + 1) >= 16:
        s += 1
    return s


class SurfaceGrid:
    """An N×N grid over the input plane with its features precomputed once.

    Rows of the returned images run along x2 (bottom to top) and columns along x1, i.e.
    ``image[i, j]`` is the value at ``x1 = xs[j], x2 = xs[i]`` (row-major, as pyqtgraph's
    ``ImageItem`` with ``axisOrder='row-major'`` expects).
    """

    def __init__(self, features, n: int = 100, extent: float = EXTENT):
        self.n = int(n)
        self.extent = float(extent)
        self.features = tuple(features)
        self.xs = np.linspace(-extent, extent, self.n)
        g1, g2 = np.meshgrid(self.xs, self.xs)  # g1 varies along columns
        self.points = np.column_stack([g1.ravel(), g2.ravel()])
        self._Xa = augment(transform(self.points, self.features))

    def output(self, net: Network) -> np.ndarray:
        """float32 image (n, n) of P(class 1) or the regression value; for softmax
        (n, n, k) class probabilities."""
        z = net.forward_logits(self._Xa)
        out = output_from_logits(z, net.output)
        if out.ndim == 1:
            return out.reshape(self.n, self.n).astype(np.float32)
        return out.reshape(self.n, self.n, -1).astype(np.float32)

    def neurons(self, net: Network) -> list[np.ndarray]:
        """For each hidden layer a float32 array (size, m, m): every neuron's output,
        on this grid (m = n) or, for big networks, every ``neuron_step(...)``-th row and
        column of it.  Call right after :meth:`output` to reuse its forward pass."""
        ws = net.workspace(self._Xa.shape[0])
        s = neuron_step(sum(a.shape[0] for a in ws.A), self.n)
        return [a.reshape(a.shape[0], self.n, self.n)[:, ::s, ::s].astype(np.float32)
                for a in ws.A]

    def evaluate(self, net: Network, with_neurons: bool = True):
        out = self.output(net)
        return out, (self.neurons(net) if with_neurons else [])
