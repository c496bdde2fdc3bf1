"""Read-only copies of arrays: what the engine hands to views (snapshots, pictures,
analysis results) must not be written to, by them or by the next training step."""
from __future__ import annotations

import numpy as np


def read_only(a, dtype=float) -> np.ndarray:
    """A copy of ``a`` as ``dtype`` that cannot be written to."""
    out = np.array(a, dtype=dtype, copy=True)
    out.flags.writeable = False
    return out
