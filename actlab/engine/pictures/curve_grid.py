"""Thumbnails of a function lab's network (y = f(x)): every hidden unit's output and the
network's output as small area charts over x ∈ [-6, 6].

A point lab's network diagram shows each neuron as a picture over the input plane (see
:mod:`.surface`).  A function lab has one input, so each neuron is a curve h(x); drawing
it as an image lets the diagram keep one kind of node picture: column j is x_j, row i a
height, and the pixels between 0 and the curve are filled with the curve's sign (the
diagram's diverging colour map shows positive and negative parts in its two colours).
Row 0 is the bottom, as in :class:`.surface.SurfaceGrid`.
"""
from __future__ import annotations

import numpy as np

from actlab.engine.features import transform
from actlab.engine.models.mlp import Network, augment, output_from_logits
from actlab.engine.pictures.surface import EXTENT, neuron_step

#: How strongly a filled pixel is coloured (the colour map's range is [-1, 1]).
FILL = 0.85


def area_pictures(values: np.ndarray, rows: int) -> np.ndarray:
    """float32 (k, rows, n) area charts of ``values`` (k curves of n samples): each curve
    scaled by its own largest |value| (a flat zero curve stays empty), pixel (i, j) is
    ±FILL when row i's height lies between 0 and the curve at column j, else 0."""
    v = np.asarray(values, dtype=float)
    v = np.where(np.isfinite(v), v, 0.0)
    scale = np.abs(v).max(axis=1, keepdims=True)
    u = np.divide(v, scale, out=np.zeros_like(v), where=scale > 0)  # in [-1, 1]
    heights = (np.arange(rows) + 0.5) / rows * 2.0 - 1.0            # row centres, bottom up
    h = heights[None, :, None]
    c = u[:, None, :]
    filled = ((h >= 0) & (h <= c)) | ((h <= 0) & (h >= c))
    return np.where(filled, np.sign(c) * FILL, 0.0).astype(np.float32)


def feature_curve(name: str, n: int = 48, extent: float = EXTENT) -> np.ndarray:
    """The area chart (n, n) of one function-lab input feature over [-extent, extent]."""
    x = np.linspace(-extent, extent, n).reshape(-1, 1)
    return area_pictures(transform(x, (name,)).T, n)[0]


class CurveGrid:
    """The function-lab counterpart of :class:`.surface.SurfaceGrid`: ``evaluate`` gives
    the output's and each hidden unit's area chart on an n-sample grid of x."""

    def __init__(self, features, n: int = 100, extent: float = EXTENT):
        self.n = int(n)
        self.extent = float(extent)
        self.features = tuple(features)
        self.xs = np.linspace(-extent, extent, self.n)
        self.points = self.xs.reshape(-1, 1)  # the grid's inputs, as SurfaceGrid.points
        self._Xa = augment(transform(self.xs.reshape(-1, 1), self.features))

    def output(self, net: Network) -> np.ndarray:
        """float32 (n, n, 1): the area chart of the network's output."""
        y = output_from_logits(net.forward_logits(self._Xa), net.output).reshape(1, -1)
        return area_pictures(y, self.n)[0][:, :, None]

    def neurons(self, net: Network) -> list[np.ndarray]:
        """For each hidden layer a float32 (units, m, m) array of area charts (m = n, or
        fewer samples for big networks, as for the surface).  Call right after
        :meth:`output` to reuse its forward pass."""
        ws = net.workspace(self._Xa.shape[0])
        s = neuron_step(sum(a.shape[0] for a in ws.A), self.n)
        return [area_pictures(a[:, ::s], a[:, ::s].shape[1]) for a in ws.A]

    def evaluate(self, net: Network, with_neurons: bool = True):
        out = self.output(net)
        return out, (self.neurons(net) if with_neurons else [])
