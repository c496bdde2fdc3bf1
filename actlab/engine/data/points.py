"""Seeded two-dimensional data sets for the lab.

The classic four classification sets (circle, xor, gaussian, spiral) and the two
regression sets (plane, gaussian_mix) follow TensorFlow Playground's ``src/dataset.ts``
geometry; its labels -1/+1 become class indices 0/1 here.  Four extra sets (moons,
checkerboard, spiral3, blobs3) add shapes that need more than one bend, and two with
three classes.

Every generator draws only from the ``numpy.random.Generator`` it is given, so
:func:`generate` with the same arguments returns bit-identical arrays.  All inputs lie in
about [-6, 6]^2; gaussian draws are re-drawn when they would leave that square (the
Playground only shows [-6, 6]^2, so a student never sees a point it cannot draw).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

MIN_POINTS = 2
MAX_POINTS = 100_000
MAX_NOISE = 0.5
BOX = 6.0  # half-width of the square every generator keeps its inputs in

Generated = tuple[np.ndarray, np.ndarray]
GeneratorFn = Callable[[int, float, np.random.Generator], Generated]


@dataclass(frozen=True)
class GeneratorInfo:
    """One entry of :data:`GENERATORS`: what a data set is and how to make it."""

    name: str
    title: str
    problem: str  # "classification" or "regression"
    n_classes: int  # 2 or 3 for classification, 0 for regression
    description: str
    function: GeneratorFn


# --------------------------------------------------------------------------- helpers

def _counts(n: int, k: int) -> list[int]:
    """Split ``n`` points into ``k`` groups as evenly as possible (first groups larger)."""
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def _uniform(rng: np.random.Generator, low: float, high: float, size) -> np.ndarray:
    # Same form as the Playground's randUniform: U(0, 1) * (b - a) + a.
    return rng.random(size) * (high - low) + low


def _linear_map(v, d0: float, d1: float, r0: float, r1: float):
    """d3.scale.linear().domain([d0, d1]).range([r0, r1]) without clamping."""
    return r0 + (v - d0) * ((r1 - r0) / (d1 - d0))


def _jitter_in_box(rng: np.random.Generator, base: np.ndarray, std: float) -> np.ndarray:
    """``base`` plus N(0, std) noise, re-drawing the rows that would leave the box."""
    out = base + rng.normal(0.0, std, size=base.shape)
    bad = np.flatnonzero((np.abs(out) > BOX).any(axis=1))
    while bad.size:
        out[bad] = base[bad] + rng.normal(0.0, std, size=(bad.size, 2))
        bad = bad[(np.abs(out[bad]) > BOX).any(axis=1)]
    return out


def _gauss_std(noise: float) -> float:
    # dataset.ts maps noise [0, .5] to a *variance* in [0.5, 4]; its normalRandom(mean,
    # variance) then scales by sqrt(variance), so the standard deviation is the root.
    return math.sqrt(_linear_map(noise, 0.0, 0.5, 0.5, 4.0))


def _labelled(parts: list[tuple[np.ndarray, float]]) -> Generated:
    """Stack (points, label) groups into X (n, 2) and y (n,)."""
    X = np.concatenate([p for p, _ in parts], axis=0)
    y = np.concatenate([np.full(len(p), float(lab)) for p, lab in parts])
    return np.ascontiguousarray(X, dtype=np.float64), y


# ------------------------------------------------------------------- classification

def _circle(n: int, noise: float, rng: np.random.Generator) -> Generated:
    radius = 5.0
    blocks = []
    for count, (r_lo, r_hi) in zip(_counts(n, 2), ((0.0, radius * 0.5), (radius * 0.7, radius))):
        r = _uniform(rng, r_lo, r_hi, count)
        angle = _uniform(rng, 0.0, 2 * math.pi, count)
        pts = np.column_stack((r * np.sin(angle), r * np.cos(angle)))
        jitter = _uniform(rng, -radius, radius, (count, 2)) * noise
        noisy = pts + jitter
        inside = np.sqrt(noisy[:, 0] ** 2 + noisy[:, 1] ** 2) < radius * 0.5
        blocks.append((pts, inside.astype(np.float64)))
    X = np.concatenate([b[0] for b in blocks], axis=0)
    y = np.concatenate([b[1] for b in blocks])
    return X, y


def _xor(n: int, noise: float, rng: np.random.Generator) -> Generated:
    pts = _uniform(rng, -5.0, 5.0, (n, 2))
    pts += np.where(pts > 0, 0.3, -0.3)  # padding keeps points off the axes
    noisy = pts + _uniform(rng, -5.0, 5.0, (n, 2)) * noise
    y = (noisy[:, 0] * noisy[:, 1] >= 0).astype(np.float64)
    return pts, y


def _gaussian(n: int, noise: float, rng: np.random.Generator) -> Generated:
    std = _gauss_std(noise)
    n_pos, n_neg = _counts(n, 2)
    pos = _jitter_in_box(rng, np.full((n_pos, 2), 2.0), std)
    neg = _jitter_in_box(rng, np.full((n_neg, 2), -2.0), std)
    return _labelled([(pos, 1), (neg, 0)])


def _spiral_arm(rng: np.random.Generator, m: int, delta_t: float, noise: float) -> np.ndarray:
    i = np.arange(m, dtype=np.float64)
    r = i / m * 5.0
    t = 1.75 * i / m * 2 * math.pi + delta_t
    x = r * np.sin(t) + _uniform(rng, -1.0, 1.0, m) * noise
    y = r * np.cos(t) + _uniform(rng, -1.0, 1.0, m) * noise
    return np.column_stack((x, y))


def _spiral(n: int, noise: float, rng: np.random.Generator) -> Generated:
    n_pos, n_neg = _counts(n, 2)
    return _labelled([(_spiral_arm(rng, n_pos, 0.0, noise), 1),
                      (_spiral_arm(rng, n_neg, math.pi, noise), 0)])


def _spiral3(n: int, noise: float, rng: np.random.Generator) -> Generated:
    return _labelled([(_spiral_arm(rng, m, k * 2 * math.pi / 3, noise), k)
                      for k, m in enumerate(_counts(n, 3))])


def _moons(n: int, noise: float, rng: np.random.Generator) -> Generated:
    # scikit-learn's make_moons shape (x in [-1, 2], y in [-0.5, 1]) centred and scaled
    # by 3 so the moons span [-4.5, 4.5]; gaussian noise leaves room to stay in the box.
    scale, std = 3.0, 1.5 * noise
    n_up, n_down = _counts(n, 2)
    t_up = _uniform(rng, 0.0, math.pi, n_up)
    t_down = _uniform(rng, 0.0, math.pi, n_down)
    up = np.column_stack((np.cos(t_up), np.sin(t_up)))
    down = np.column_stack((1.0 - np.cos(t_down), 0.5 - np.sin(t_down)))
    centre = np.array([0.5, 0.25])
    up = _jitter_in_box(rng, (up - centre) * scale, std)
    down = _jitter_in_box(rng, (down - centre) * scale, std)
    return _labelled([(up, 1), (down, 0)])


def _checkerboard(n: int, noise: float, rng: np.random.Generator) -> Generated:
    square = 2 * BOX / 4  # 4 x 4 squares of side 3 over [-6, 6]^2
    pts = _uniform(rng, -BOX, BOX, (n, 2))
    # Label noise as in xor: the label is read at a jittered position (at most half a
    # square away at noise 0.5), so points near an edge may take the neighbour's colour.
    noisy = pts + _uniform(rng, -square, square, (n, 2)) * noise
    cells = np.floor((noisy + BOX) / square).astype(np.int64)
    y = ((cells[:, 0] + cells[:, 1]) % 2 == 0).astype(np.float64)
    return pts, y


def _blobs3(n: int, noise: float, rng: np.random.Generator) -> Generated:
    std = _gauss_std(noise)
    parts = []
    for k, m in enumerate(_counts(n, 3)):
        angle = math.pi / 2 + k * 2 * math.pi / 3
        centre = np.array([3.5 * math.cos(angle), 3.5 * math.sin(angle)])
        parts.append((_jitter_in_box(rng, np.tile(centre, (m, 1)), std), k))
    return _labelled(parts)


# ----------------------------------------------------------------------- regression

def _noisy_uniform(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    pts = _uniform(rng, -BOX, BOX, (n, 2))
    return pts, pts + _uniform(rng, -BOX, BOX, (n, 2)) * noise


def _plane(n: int, noise: float, rng: np.random.Generator) -> Generated:
    pts, noisy = _noisy_uniform(n, noise, rng)
    return pts, _linear_map(noisy[:, 0] + noisy[:, 1], -10.0, 10.0, -1.0, 1.0)


_MIX = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                 [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], dtype=np.float64)


def _gaussian_mix(n: int, noise: float, rng: np.random.Generator) -> Generated:
    pts, noisy = _noisy_uniform(n, noise, rng)
    dx = noisy[:, 0:1] - _MIX[:, 0]
    dy = noisy[:, 1:2] - _MIX[:, 1]
    strength = np.clip(_linear_map(np.sqrt(dx * dx + dy * dy), 0.0, 2.0, 1.0, 0.0), 0.0, 1.0)
    v = _MIX[:, 2] * strength  # (n, 6)
    # dataset.ts keeps the first bump of largest |v| (strict >, starting from 0);
    # argmax also returns the first maximum.  "+ 0.0" turns a -0.0 into 0.0.
    pick = np.argmax(np.abs(v), axis=1)
    return pts, v[np.arange(n), pick] + 0.0


# ------------------------------------------------------------------------- registry

GENERATORS: dict[str, GeneratorInfo] = {info.name: info for info in (
    GeneratorInfo("circle", "Circle", "classification", 2,
                  "One class fills a disc in the middle and the other a ring around it.",
                  _circle),
    GeneratorInfo("xor", "Exclusive or", "classification", 2,
                  "Opposite corners share a class, so no single straight line can split them.",
                  _xor),
    GeneratorInfo("gaussian", "Two Gaussians", "classification", 2,
                  "Two round clouds of points that one straight line can separate.",
                  _gaussian),
    GeneratorInfo("spiral", "Spiral", "classification", 2,
                  "Two arms winding around each other, the hardest shape to separate.",
                  _spiral),
    GeneratorInfo("moons", "Two moons", "classification", 2,
                  "Two interlocking half circles that need a curved boundary.",
                  _moons),
    GeneratorInfo("checkerboard", "Checkerboard", "classification", 2,
                  "A 4 by 4 board of squares whose colours alternate like a chess board.",
                  _checkerboard),
    GeneratorInfo("spiral3", "Three-arm spiral", "classification", 3,
                  "Three classes wound into one spiral, one arm each.",
                  _spiral3),
    GeneratorInfo("blobs3", "Three blobs", "classification", 3,
                  "Three round clouds of points, one per class, set in a triangle.",
                  _blobs3),
    GeneratorInfo("plane", "Plane", "regression", 0,
                  "The target rises steadily from the bottom-left corner to the top-right one.",
                  _plane),
    GeneratorInfo("gaussian_mix", "Six bumps", "regression", 0,
                  "Six round bumps, alternately up and down, on an otherwise flat target.",
                  _gaussian_mix),
)}


def check_n_points(n_points) -> None:
    """ValueError unless ``n_points`` is a whole number from MIN_POINTS to MAX_POINTS
    (point and function data sets alike)."""
    if isinstance(n_points, bool) or not isinstance(n_points, (int, np.integer)):
        raise ValueError(f"The number of points must be a whole number, got {n_points!r}.")
    if not MIN_POINTS <= n_points <= MAX_POINTS:
        raise ValueError(f"The number of points must be between {MIN_POINTS} and "
                         f"{MAX_POINTS}, got {n_points}.")


def check_noise(noise, max_noise: float = MAX_NOISE) -> float:
    """``noise`` as a float, or ValueError unless it is a number from 0 to ``max_noise``
    (point and function data sets alike; NaN is refused)."""
    try:
        noise = float(noise)
    except (TypeError, ValueError):
        raise ValueError(f"Noise must be a number between 0 and {max_noise}, "
                         f"got {noise!r}.") from None
    if not 0.0 <= noise <= max_noise:  # also rejects NaN
        raise ValueError(f"Noise must be between 0 and {max_noise} "
                         f"(0-{max_noise * 100:g} %), got {noise}.")
    return noise


def generate(name: str, n_points: int, noise: float, seed: int) -> Generated:
    """Make ``n_points`` points of data set ``name``.

    Returns ``X`` (float64, shape (n_points, 2)) and ``y`` (float64, shape (n_points,)):
    class indices 0..k-1 for classification, real targets for regression.  ``noise`` is
    the Playground's noise fraction, 0 to 0.5.  The same arguments always give
    bit-identical arrays.  Raises ValueError for an unknown name or an argument out of
    range.
    """
    info = GENERATORS.get(name)
    if info is None:
        known = ", ".join(GENERATORS)
        raise ValueError(f"Unknown data set {name!r}; choose one of: {known}.")
    check_n_points(n_points)
    noise = check_noise(noise)
    check_seed(seed)
    X, y = info.function(int(n_points), noise, np.random.default_rng(seed))
    return (np.ascontiguousarray(X, dtype=np.float64),
            np.ascontiguousarray(y, dtype=np.float64))


def split(X: np.ndarray, y: np.ndarray, train_fraction: float, seed: int
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle with ``seed`` and cut into (X_train, y_train, X_test, y_test).

    The training part gets ``round(n * train_fraction)`` points, but at least one point
    goes to each part when n >= 2 and 0 < train_fraction < 1.  ``train_fraction`` 1.0
    leaves an empty test set (shape (0, 2)).  Returned arrays are new float64 arrays.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"Expected X of shape (n, 2) and y of shape (n,), "
                         f"got {X.shape} and {y.shape}.")
    fraction = float(train_fraction)
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"The training fraction must be above 0 and at most 1, got {train_fraction}.")
    check_seed(seed)
    n = X.shape[0]
    n_train = int(round(n * fraction))
    if fraction < 1.0 and n >= 2:
        n_train = min(max(n_train, 1), n - 1)
    elif n >= 1:
        n_train = max(n_train, 1)
    order = np.random.default_rng(seed).permutation(n)
    train, test = order[:n_train], order[n_train:]
    return (np.ascontiguousarray(X[train]), np.ascontiguousarray(y[train]),
            np.ascontiguousarray(X[test]).reshape(-1, 2), np.ascontiguousarray(y[test]))


def check_seed(seed: int) -> None:
    """ValueError unless ``seed`` is a whole number of 0 or more."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"The seed must be a whole number of 0 or more, got {seed!r}.")
