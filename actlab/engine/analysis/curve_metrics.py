"""Measures of a fitted curve y = f(x): R², the curve on a grid, and its linear pieces.

The piece count here is a grid count: evaluate the network densely on [-6, 6] and count
the places where the slope changes (second differences clearly above rounding).  It is
simple and independent of the network's internals, which makes it a good cross-check;
:mod:`actlab.engine.analysis.pieces` counts them exactly from the weights.  Two kinks closer than
two grid steps (about 2.4e-4 with the default grid) count as one, and a kink whose slope
change is below the tolerance (a unit with an outgoing weight of ~1e-6 of the steepest slope) is not seen.
"""
from __future__ import annotations

import numpy as np

from actlab.engine.activations.lookup import get_activation
from actlab.engine.features import FUNCTION_FEATURES, is_raw, transform
from actlab.engine.data.functions import X_MAX, X_MIN

GRID_POINTS = 100_001


def r2_score(y_true, y_pred) -> float | None:
    """1 − SS_res / SS_tot; None for fewer than two targets or targets all equal."""
    y, p = np.asarray(y_true, dtype=float).reshape(-1), np.asarray(y_pred, float).reshape(-1)
    if y.size < 2:
        return None
    ss_tot = float(np.sum(np.square(y - y.mean())))
    if ss_tot == 0.0:
        return None
    return 1.0 - float(np.sum(np.square(y - p))) / ss_tot


def r2_from_loss(loss: float, y_true) -> float | None:
    """R² from a half-mean-squared-error ``loss`` (the trainer's regression loss)."""
    y = np.asarray(y_true, dtype=float).reshape(-1)
    var = float(np.var(y)) if y.size >= 2 else 0.0
    if var == 0.0 or loss != loss:
        return None
    return 1.0 - 2.0 * float(loss) / var


def is_piecewise_linear(activations, features, custom=()) -> bool:
    """True when the network is a piecewise-linear function of x: every hidden activation
    linear, ReLU or leaky ReLU — or a designed one of the lab's ``custom`` that is piecewise
    linear (points; a tweaked leaky ReLU; ELU with alpha 0) — and every input feature raw
    (x itself, not x² or sin x)."""
    return (all(get_activation(a, custom=custom).piecewise_linear for a in activations)
            and all(f in FUNCTION_FEATURES and is_raw(f) for f in features))


def curve_on_grid(network, features, n: int = 1001, lo: float = X_MIN, hi: float = X_MAX
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(x, y): ``network``'s output at ``n`` evenly spaced x in [lo, hi]."""
    x = np.linspace(lo, hi, int(n))
    with np.errstate(all="ignore"):
        y = np.asarray(network.predict(transform(x.reshape(-1, 1), features))).reshape(-1)
    return x, y


def kinks_on_grid(x, y) -> np.ndarray:
    """x positions of the kinks of the sampled curve (x evenly spaced): the middle of each
    run of grid points where the second difference is above rounding."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if y.size < 3:
        return np.zeros(0)
    d2 = np.abs(np.diff(y, 2))
    # rounding in y is ~1e-16·|y|; a real kink of slope change s gives at least s·h/2
    h = float(x[1] - x[0])
    scale = max(float(np.abs(y).max()), float(np.abs(np.diff(y)).max()) / h, 1e-300)
    bent = d2 > 1e-6 * scale * max(h, 1e-12) + 64 * np.finfo(float).eps * scale
    if not bent.any():
        return np.zeros(0)
    edges = np.diff(np.concatenate([[0], bent.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    # d2[i] is centred on x[i + 1]; a run [s, e) covers x[s + 1] .. x[e]
    return 0.5 * (x[starts + 1] + x[ends])


def count_pieces_on_grid(x, y) -> int:
    """The number of linear pieces of the sampled curve (x evenly spaced): 1 + the number
    of kinks :func:`kinks_on_grid` finds."""
    return 1 + len(kinks_on_grid(x, y))


def count_pieces(network, features, activations, n: int = GRID_POINTS,
                 custom=()) -> int | None:
    """Linear pieces of the network's curve on [-6, 6] counted on an ``n``-point grid;
    None when the network is not piecewise linear (see :func:`is_piecewise_linear`)."""
    if not is_piecewise_linear(activations, features, custom):
        return None
    x, y = curve_on_grid(network, features, n)
    return count_pieces_on_grid(x, y)
