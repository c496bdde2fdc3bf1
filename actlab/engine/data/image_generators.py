"""Draw the image data sets: greyscale pictures with ink 1 on background 0.

Each generator takes ``(rng, size, per_class)`` and returns ``(images, labels)``:
``images`` (n, size, size) float64 in [0, 1] and ``labels`` (n,) int64, ``per_class``
images of each class, classes in order.  They draw only from the ``numpy.random.Generator``
they are given, so the same arguments give bit-identical arrays.  Noise and the train/test
split are added by :func:`actlab.engine.data.images.make_images`, the same for all of them.

Shapes are drawn in unit coordinates (the image is the square [0, 1]^2, y pointing down,
pixel centres at (i + 0.5) / size) and anti-aliased by supersampling, so the same data set
looks alike at 8 and at 32 pixels.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

_SUPER = 4  # subsamples per pixel side for anti-aliased filled shapes


def _grid(size: int, sub: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Unit coordinates (u across, v down) of the (size*sub)^2 sample points."""
    t = (np.arange(size * sub) + 0.5) / (size * sub)
    return t[None, :], t[:, None]  # u varies along columns, v along rows


def _coverage(inside: np.ndarray, size: int) -> np.ndarray:
    """Average (n, size*S, size*S) booleans over S x S blocks: anti-aliased ink."""
    n = inside.shape[0]
    return inside.reshape(n, size, _SUPER, size, _SUPER).mean(axis=(2, 4))


def _render(inside: Callable[[slice], np.ndarray], n: int, size: int) -> np.ndarray:
    """Anti-aliased images from ``inside(images)``, the supersampled masks of a slice of
    the images, taken 128 at a time so 10,000 images at 32 px need no gigabytes."""
    out = np.empty((n, size, size))
    for start in range(0, n, 128):
        sl = slice(start, min(n, start + 128))
        out[sl] = _coverage(inside(sl), size)
    return out


def _labels(n_classes: int, per_class: int) -> np.ndarray:
    return np.repeat(np.arange(n_classes, dtype=np.int64), per_class)


# ----------------------------------------------------------------------------- bars

def bars(rng: np.random.Generator, size: int, per_class: int):
    """Horizontal vs vertical bars with exactly the same ink.

    Each vertical image is the transpose of one horizontal image, so the two classes have
    the same distribution of total ink (and of every statistic that ignores direction).  A
    linear CNN with global average pooling scores an image by ink weighted with one template
    that is constant away from the border: it can only count ink, and stays near chance.
    Bars keep a margin of ``size // 8`` pixels from the edge to keep the border out of it.
    """
    m = max(1, size // 8)
    inner = size - 2 * m
    horizontal = np.zeros((per_class, size, size))
    for k in range(per_class):
        thick = int(rng.integers(1, max(2, inner // 5) + 1))
        length = int(rng.integers(max(3, inner // 3), inner + 1))
        row = m + int(rng.integers(0, inner - thick + 1))
        col = m + int(rng.integers(0, inner - length + 1))
        horizontal[k, row:row + thick, col:col + length] = 1.0
    vertical = horizontal.transpose(0, 2, 1)
    return np.concatenate([horizontal, vertical]), _labels(2, per_class)


# -------------------------------------------------------------------------- stripes

def stripes(rng: np.random.Generator, size: int, per_class: int):
    """Horizontal stripes, vertical stripes or a checkerboard, random period and phase.

    All three textures cover about half the image, so ink says nothing; only the direction
    in which the brightness changes does.  Periods run from 4 pixels to a third of the image.
    """
    n = 3 * per_class
    y = _labels(3, per_class)
    period = rng.uniform(4.0, max(5.0, size / 3.0), size=n)
    phase = rng.uniform(0.0, 2 * np.pi, size=(n, 2))
    px = np.arange(size) + 0.5
    wave_r = np.sin(2 * np.pi * px[None, :] / period[:, None] + phase[:, :1])  # along rows
    wave_c = np.sin(2 * np.pi * px[None, :] / period[:, None] + phase[:, 1:])  # along columns
    s = np.empty((n, size, size))
    h, v, c = (y == 0), (y == 1), (y == 2)
    s[h] = np.broadcast_to(wave_r[h][:, :, None], (h.sum(), size, size))   # varies down
    s[v] = np.broadcast_to(wave_c[v][:, None, :], (v.sum(), size, size))   # varies across
    s[c] = wave_r[c][:, :, None] * wave_c[c][:, None, :]
    # A steep ramp instead of a plain sine: crisp stripes a student reads at 8 pixels.
    return np.clip(0.5 + 1.5 * s, 0.0, 1.0), y


# --------------------------------------------------------------------------- shapes

SHAPE_NAMES = ("circle", "square", "triangle", "cross")


def shapes(rng: np.random.Generator, size: int, per_class: int):
    """Filled circle, square, triangle (point up) and cross (plus sign) at random position
    and size.  Sizes overlap between classes, so the amount of ink does not give the shape
    away: the network has to look at outlines and corners."""
    n = 4 * per_class
    y = _labels(4, per_class)
    half = rng.uniform(0.2, 0.36, size=n)  # half-width of the shape, in image widths
    margin = 0.5 / size
    cx = rng.uniform(half + margin, 1 - half - margin)
    cy = rng.uniform(half + margin, 1 - half - margin)
    def inside(sl: slice) -> np.ndarray:
        u, v = _grid(size, _SUPER)
        du, dv = u[None] - cx[sl, None, None], v[None] - cy[sl, None, None]
        s, k = half[sl, None, None], y[sl, None, None]
        au, av = np.abs(du), np.abs(dv)
        arm = 0.3 * s
        out = np.where(k == 0, du ** 2 + dv ** 2 <= s ** 2, False)
        out = np.where(k == 1, np.maximum(au, av) <= 0.85 * s, out)  # about a circle's ink
        out = np.where(k == 2, (av <= s) & (au <= 0.5 * (dv + s)), out)
        return np.where(k == 3, ((au <= arm) & (av <= s)) | ((av <= arm) & (au <= s)), out)

    return _render(inside, n, size), y


# --------------------------------------------------------------------------- digits

def _ellipse(cx: float, cy: float, rx: float, ry: float, start: float = 0.0,
             stop: float = 360.0, points: int = 13) -> list[tuple[float, float]]:
    t = np.radians(np.linspace(start, stop, points))
    return [(cx + rx * np.cos(a), cy - ry * np.sin(a)) for a in t]


#: Polylines per digit in a unit box (x right, y down), like a careful hand would write.
DIGIT_STROKES: dict[int, list[list[tuple[float, float]]]] = {
    0: [_ellipse(0.5, 0.5, 0.42, 0.5, 0, 360, 17)],
    1: [[(0.25, 0.22), (0.6, 0.0), (0.6, 1.0)]],
    2: [_ellipse(0.5, 0.3, 0.42, 0.3, 160, -30, 9) + [(0.05, 1.0), (0.98, 1.0)]],
    3: [_ellipse(0.48, 0.25, 0.4, 0.25, 150, -90, 9),
        _ellipse(0.48, 0.74, 0.45, 0.26, 90, -150, 9)],
    4: [[(0.72, 1.0), (0.72, 0.0), (0.02, 0.7), (0.98, 0.7)]],
    5: [[(0.92, 0.0), (0.15, 0.0), (0.08, 0.45)] + _ellipse(0.48, 0.68, 0.45, 0.32, 120, -150, 9)],
    6: [[(0.85, 0.05), (0.45, 0.02), (0.12, 0.35), (0.06, 0.7)]
        + _ellipse(0.5, 0.7, 0.44, 0.3, 180, -180, 13)],
    7: [[(0.0, 0.0), (1.0, 0.0), (0.35, 1.0)]],
    8: [_ellipse(0.5, 0.24, 0.34, 0.24, 270, -90, 13),
        _ellipse(0.5, 0.74, 0.42, 0.26, 90, 450, 13)],
    9: [_ellipse(0.5, 0.3, 0.44, 0.3, 0, 360, 13), [(0.94, 0.3), (0.88, 0.65), (0.6, 1.0)]],
}


def _segments(digit: int) -> np.ndarray:
    segs = [(a, b) for line in DIGIT_STROKES[digit] for a, b in zip(line[:-1], line[1:])]
    return np.array(segs, dtype=np.float64)  # (m, 2 ends, 2 coordinates)


def _distance_to_segments(px: np.ndarray, segs: np.ndarray) -> np.ndarray:
    """Distance from each point (p, 2) to the nearest segment of each image's segments
    (n, m, 2 ends, 2): (n, p)."""
    ax, ay = segs[:, :, 0, 0], segs[:, :, 0, 1]                     # (n, m)
    abx, aby = segs[:, :, 1, 0] - ax, segs[:, :, 1, 1] - ay
    den = np.maximum(abx ** 2 + aby ** 2, 1e-12)
    pxx, pxy = np.ascontiguousarray(px[:, 0]), np.ascontiguousarray(px[:, 1])
    out = np.empty((len(segs), len(px)))
    # One image at a time, x and y in separate contiguous (m, p) arrays, updated in place:
    # the temporaries stay in cache.  The (n, p, m, 2) arrays of all images at once were
    # 30x slower (2,000 digits per class at 32 px took a minute) for the same arithmetic,
    # operation by operation, so the same bits.
    for i in range(len(segs)):
        relx = pxx[None, :] - ax[i, :, None]                         # (m, p)
        rely = pxy[None, :] - ay[i, :, None]
        bx, by = abx[i, :, None], aby[i, :, None]
        t = relx * bx
        t += rely * by
        t /= den[i, :, None]
        np.clip(t, 0.0, 1.0, out=t)
        ox = t * bx
        np.subtract(relx, ox, out=ox)
        oy = np.multiply(t, by, out=t)
        np.subtract(rely, oy, out=oy)
        ox *= ox
        oy *= oy
        ox += oy
        out[i] = ox.min(axis=0)
    return np.sqrt(out)


def digits(rng: np.random.Generator, size: int, per_class: int):
    """The digits 0-9 from stroke templates (:data:`DIGIT_STROKES`), each image with its
    own jitter of every stroke point, slant, scale, shift and pen thickness, drawn with
    anti-aliased edges.  Recognisable to a student from about 12 pixels."""
    y = _labels(10, per_class)
    u, v = _grid(size)
    pixels = np.stack(np.broadcast_arrays(u, v), axis=-1).reshape(-1, 2)
    out = np.empty((len(y), size, size))
    pixel = 1.0 / size
    for d in range(10):
        template = _segments(d)
        for start in range(0, per_class, 64):  # chunks keep the (n, p, m, 2) array small
            n = min(64, per_class - start)
            segs = template[None] + rng.normal(0.0, 0.025, size=(n,) + template.shape)
            height = rng.uniform(0.62, 0.78, size=n)
            width = height * rng.uniform(0.55, 0.7, size=n)
            slant = rng.uniform(-0.2, 0.2, size=n)
            cx = 0.5 + rng.uniform(-1, 1, size=n) * (0.5 - width / 2 - 0.08)
            cy = 0.5 + rng.uniform(-1, 1, size=n) * (0.5 - height / 2 - 0.06)
            pen = np.maximum(rng.uniform(0.08, 0.13, size=n), 1.1 * pixel)  # >= about 1 px
            h, w, sl = height[:, None, None], width[:, None, None], slant[:, None, None]
            x = (segs[..., 0] - 0.5) * w + sl * (0.5 - segs[..., 1]) * h + cx[:, None, None]
            yy = (segs[..., 1] - 0.5) * h + cy[:, None, None]
            dist = _distance_to_segments(pixels, np.stack([x, yy], axis=-1))
            # Ink falls from 1 to 0 over one pixel at the pen's edge: a cheap anti-alias.
            ink = np.clip(0.5 + (pen[:, None] / 2 - dist) / pixel, 0.0, 1.0)
            first = d * per_class + start
            out[first:first + n] = ink.reshape(n, size, size)
    return out, y


# ------------------------------------------------------------------- same/different

def same_different(rng: np.random.Generator, size: int, per_class: int):
    """Two marks, one in the left half and one in the right half, each a ring or a dot:
    class "same" (ring+ring or dot+dot) or "different" (ring+dot or dot+ring).

    It is XOR in pictures.  Any linear network -- any kernels, average or global pooling,
    flatten, any dense head, but no non-linearity -- scores an image as (a part that
    depends only on the left half) + (a part that depends only on the right half), so
    score(ring, ring) + score(dot, dot) = score(ring, dot) + score(dot, ring): it cannot put
    both "same" pictures above and both "different" ones below.  One hidden non-linearity
    (or max pooling) can.  Rings and dots are drawn with the same ink, so counting ink does
    not help either.
    """
    y = _labels(2, per_class)
    n = len(y)
    left_ring = rng.random(n) < 0.5
    right_ring = np.where(y == 0, left_ring, ~left_ring)
    r_out = rng.uniform(0.15, 0.22, size=(n, 2))  # ring radius, in image widths
    centres = []
    for side in (0, 1):
        r = r_out[:, side]
        lo = side * 0.5 + r + 0.5 / size
        hi = side * 0.5 + 0.5 - r - 0.5 / size
        centres.append((rng.uniform(lo, np.maximum(lo, hi)),
                        rng.uniform(r + 0.5 / size, 1 - r - 0.5 / size)))
    rings = (left_ring, right_ring)

    def inside(sl: slice) -> np.ndarray:
        u, v = _grid(size, _SUPER)
        out = False
        for side, (cx, cy) in enumerate(centres):
            d2 = (u[None] - cx[sl, None, None]) ** 2 + (v[None] - cy[sl, None, None]) ** 2
            r = r_out[sl, side, None, None]
            # A ring of width 40 % of its radius has the ink of a dot of radius 0.8 r:
            # pi (r^2 - 0.36 r^2) = pi (0.8 r)^2.
            ring_mask = (d2 <= r ** 2) & (d2 >= (0.6 * r) ** 2)
            dot_mask = d2 <= (0.8 * r) ** 2
            out = out | np.where(rings[side][sl, None, None], ring_mask, dot_mask)
        return out

    return _render(inside, n, size), y
