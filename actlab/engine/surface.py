"""The decision surface: network output (and every hidden neuron) over an N×N input grid."""
from __future__ import annotations

import numpy as np

from .features import transform
from .network import Network, augment, output_from_logits

EXTENT = 6.0  # the input plane shown is [-EXTENT, EXTENT]²


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
        """For each hidden layer a float32 array (size, n, n): every neuron's output.
        Call right after :meth:`output` to reuse its forward pass."""
        ws = net.workspace(self._Xa.shape[0])
        return [a.reshape(a.shape[0], self.n, self.n).astype(np.float32) for a in ws.A]

    def evaluate(self, net: Network, with_neurons: bool = True):
        out = self.output(net)
        return out, (self.neurons(net) if with_neurons else [])
