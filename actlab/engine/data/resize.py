"""Resize greyscale images by area averaging: the one resampling every image source uses
(the ``.npz`` and folder imports, the shipped UCI digits, drawings).  NumPy only."""
from __future__ import annotations

import numpy as np


def _resample_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) weights: output pixel i averages the input pixels its area covers."""
    edges = np.arange(n_out + 1) * (n_in / n_out)
    lo, hi = edges[:-1, None], edges[1:, None]
    j = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(hi, j + 1) - np.maximum(lo, j), 0.0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def square_and_resize(images: np.ndarray, size: int) -> np.ndarray:
    """(n, H, W) images -> (n, size, size): pad the short side with background (0) to a
    centred square, so nothing is cut off, then resample by area averaging (each output
    pixel the mean of the input area it covers; enlarging repeats pixels)."""
    images = np.asarray(images, dtype=np.float64)
    n, h, w = images.shape
    side = max(h, w)
    if h != w:
        padded = np.zeros((n, side, side))
        top, left = (side - h) // 2, (side - w) // 2
        padded[:, top:top + h, left:left + w] = images
        images = padded
    if side == size:
        return images.copy()
    r = _resample_matrix(side, size)
    return np.einsum("ij,njk,lk->nil", r, images, r, optimize=True)
