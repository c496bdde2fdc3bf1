"""Pictures for the collapse of an image network's convolutions (NumPy only): the size
of a merged kernel's tiles, a difference map, and the box of the border band."""
from __future__ import annotations

import numpy as np

MERGED_TILE = 96     # a merged kernel is drawn at least this many screen px wide


def merged_px(size) -> int:
    """Screen px per weight that draw a merged kernel of ``size`` (kh, kw) at least
    MERGED_TILE px on each side."""
    return int(-(-MERGED_TILE // min(int(size[0]), int(size[1]))))


def difference_rgba(diff: np.ndarray, scale: float, px: int) -> np.ndarray:
    """|difference| on a white → dark red ramp, full colour at ``scale`` (the maps'
    largest value): rounding (1e−16 of it) is white, a real difference shows."""
    t = np.clip(np.asarray(diff, dtype=float) / max(scale, 1e-300), 0.0, 1.0)[..., None]
    rgb = (1 - t) * np.array([255.0, 255.0, 255.0]) + t * np.array([165.0, 0.0, 38.0])
    rgba = np.concatenate([rgb, np.full(t.shape, 255.0)], axis=-1).astype(np.uint8)
    return np.repeat(np.repeat(rgba, px, axis=0), px, axis=1)


def outlined(rgba: np.ndarray, interior, px: int) -> np.ndarray:
    """``rgba`` with the box of the ``interior`` mask drawn dashed (the border band is
    outside it); unchanged without a mask."""
    if interior is None or not interior.any():
        return rgba
    out = rgba.copy()
    rows, cols = np.flatnonzero(interior.any(1)), np.flatnonzero(interior.any(0))
    y0, y1 = rows[0] * px, (rows[-1] + 1) * px - 1
    x0, x1 = cols[0] * px, (cols[-1] + 1) * px - 1
    dash = (np.arange(out.shape[1]) // 3) % 2 == 0
    ink = np.array([34, 34, 34, 255], np.uint8)
    for y in (y0, y1):
        xs = np.arange(x0, x1 + 1)
        out[y, xs[dash[xs]]] = ink
    dash_y = (np.arange(out.shape[0]) // 3) % 2 == 0
    for x in (x0, x1):
        ys = np.arange(y0, y1 + 1)
        out[ys[dash_y[ys]], x] = ink
    return out
