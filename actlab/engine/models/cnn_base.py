"""What every layer of :mod:`.cnn_layers` and :mod:`.cnn_conv` shares: per-batch-size
buffers and the engine's batch layout (see :mod:`.cnn_layers` for the conventions)."""
from __future__ import annotations

import numpy as np


class _Layer:
    """Shape bookkeeping shared by every layer: ``in_shape``/``out_shape`` are one
    sample's shapes (``(C, H, W)`` or ``(features,)``); see :func:`batch_shape`."""

    n_weights = 0      # entries of the weight array (0: no parameters)
    n_bias = 0
    in_shape: tuple = ()
    out_shape: tuple = ()

    def __init__(self):
        self._ws: dict[int, dict] = {}

    def ws(self, n: int) -> dict:
        w = self._ws.get(n)
        if w is None:
            if len(self._ws) > 4:   # batch sizes change rarely; keep memory bounded
                self._ws.clear()
            w = self._ws[n] = self.make_ws(n)
        return w

    def make_ws(self, n: int) -> dict:
        return {"out": np.empty(batch_shape(self.out_shape, n)),
                "dx": np.empty(batch_shape(self.in_shape, n))}


def batch_shape(shape: tuple, n: int) -> tuple:
    """The buffer of ``n`` samples of one sample's ``shape``: maps ``(C, H, W)`` are
    stored ``(C, n, H, W)``, vectors ``(f,)`` feature-major ``(f, n)``."""
    return (shape[0], n, *shape[1:])
