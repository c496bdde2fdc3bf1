"""The curve of a one-input network, taken apart: unit contributions, kinks, linear
pieces and the 1-D linear collapse (function labs, issue 12).

Parameters are ``[(W, b), ...]`` with ``W`` of shape (fan_in, fan_out), acting on row
vectors as in :mod:`actlab.engine.models.mlp`: ``h = f(h_prev @ W + b)``, the last layer
linear.  The network has one input x, fed either as x itself or as features of x
(``"x"``, ``"xsq"`` = x² (the name function labs use; ``"x2"`` is a point lab's second coordinate), ``"sinx"`` = sin x, or any callable ``features(x) -> (n, d)``).

Activations are given by name (as in lab files) or as :class:`Activation` objects (so
custom activations work the moment they carry ``piecewise_linear`` and ``kinks``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from actlab.engine.activations.base import Activation
from actlab.engine.activations.lookup import get_activation

FeaturesArg = Callable[[np.ndarray], np.ndarray] | Sequence[str] | str | None

# The features of one input x.  Only "x" is affine in x, so only with it alone is a
# piecewise-linear network's curve piecewise linear *in x*.
FEATURE_FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "x": lambda x: x,
    "xsq": np.square,
    "sinx": np.sin,
}
AFFINE_FEATURES = ("x",)

# Unit roundoff of float64: every +, × is exact up to a factor (1 + δ), |δ| <= _U.
_U = 2.0 ** -53


# ------------------------------------------------------------------ inputs
def _act(a, leaky_slope: float) -> Activation:
    return a if isinstance(a, Activation) else get_activation(a, leaky_slope)


def _acts(params, activations, leaky_slope) -> list[Activation]:
    params = list(params)
    if len(activations) != len(params) - 1:
        raise ValueError(f"{len(activations)} activations for {len(params) - 1} hidden "
                         f"layers: give one activation per hidden layer.")
    return [_act(a, leaky_slope) for a in activations]


def feature_matrix(x, features: FeaturesArg = None) -> np.ndarray:
    """The network's input rows for the points ``x``: shape (n, d), float64.

    ``features`` is None or ``"x"`` (x alone), a list of names from
    :data:`FEATURE_FUNCTIONS`, or a callable ``features(x) -> (n, d)``."""
    x = np.asarray(x, dtype=float).reshape(-1)
    if callable(features):
        F = np.asarray(features(x), dtype=float)
        F = F.reshape(-1, 1) if F.ndim == 1 else F
        if F.ndim != 2 or F.shape[0] != x.size:
            raise ValueError(f"features(x) must return an (n, d) array for n = {x.size} "
                             f"points, got shape {F.shape}.")
        return F
    names = _feature_names(features)
    return np.column_stack([FEATURE_FUNCTIONS[n](x) for n in names])


def _feature_names(features) -> tuple[str, ...]:
    if features is None:
        return ("x",)
    names = (features,) if isinstance(features, str) else tuple(features)
    if not names:
        raise ValueError("Choose at least one input feature of x.")
    for n in names:
        if n not in FEATURE_FUNCTIONS:
            raise ValueError(f"Unknown feature of x {n!r}; choose from: "
                             f"{', '.join(FEATURE_FUNCTIONS)}.")
    return names


def _check_inputs(params, F: np.ndarray) -> None:
    n_in = np.asarray(params[0][0]).shape[0]
    if F.shape[1] != n_in:
        raise ValueError(f"The network takes {n_in} inputs but the features give "
                         f"{F.shape[1]}.")


# ------------------------------------------------------------------ contributions
@dataclass(frozen=True)
class Contributions:
    """``parts[:, j] = W_out[j] * h_j(x)`` for each unit j of the last hidden layer (or,
    with no hidden layer, each input feature); ``curve = parts.sum(1) + bias``."""

    x: np.ndarray
    parts: np.ndarray     # (n, units)
    bias: float           # the output bias
    curve: np.ndarray     # (n,) the network's output

    @property
    def n_units(self) -> int:
        return self.parts.shape[1]


def unit_contributions(params, activations, x, features: FeaturesArg = None,
                       leaky_slope: float = 0.01) -> Contributions:
    """How each unit of the last hidden layer adds to the curve: its output times its
    outgoing weight.  For ReLU these are the hinges, for tanh the smooth steps; their sum
    plus the output bias is the network's output (the curve is computed as exactly that
    sum, so the view's curve and its parts always agree)."""
    params = list(params)
    acts = _acts(params, activations, leaky_slope)
    x = np.asarray(x, dtype=float).reshape(-1)
    h = feature_matrix(x, features)
    _check_inputs(params, h)
    for (W, b), act in zip(params[:-1], acts):
        h = act.value(h @ np.asarray(W, dtype=float) + np.asarray(b, dtype=float))
    W, b = params[-1]
    W = np.asarray(W, dtype=float)
    if W.ndim != 2 or W.shape[1] != 1:
        raise ValueError(f"The output layer must have one unit, got W of shape {W.shape}.")
    parts = h * W[:, 0]
    bias = float(np.asarray(b, dtype=float).reshape(-1)[0])
    return Contributions(x, parts, bias, parts.sum(axis=1) + bias)


def curve(params, activations, x, features: FeaturesArg = None,
          leaky_slope: float = 0.01) -> np.ndarray:
    """The network's output at the points ``x``, shape (n,)."""
    return unit_contributions(params, activations, x, features, leaky_slope).curve


# ------------------------------------------------------------------ kinks
def not_piecewise_linear_reason(activations, features: FeaturesArg = None,
                                leaky_slope: float = 0.01) -> str | None:
    """None when the curve is piecewise linear in x (every activation piecewise linear,
    the input x alone), else one sentence saying why not — for the view to show."""
    if features is not None and not callable(features):
        names = _feature_names(features)
        bent = [n for n in names if n not in AFFINE_FEATURES]
        if bent:
            return (f"The input features {', '.join(bent)} already bend x, so the curve is "
                    "not piecewise linear in x: there are no kinks to count.")
    for i, a in enumerate(activations):
        act = _act(a, leaky_slope)
        if not act.piecewise_linear:
            return (f"Hidden layer {i + 1} uses {act.title}, which is smooth, not piecewise "
                    "linear: the curve bends everywhere, so there are no kinks to count. "
                    "Kinks need linear, ReLU or leaky ReLU layers.")
    return None


def _affine_first_layer(params, features, lo: float, hi: float):
    """The first layer as an affine map of x: (slope (n1,), intercept (n1,)).  A callable
    feature map is accepted when it is affine in x on [lo, hi] (checked on a grid)."""
    W0 = np.asarray(params[0][0], dtype=float)
    b0 = np.asarray(params[0][1], dtype=float).reshape(-1)
    # the affine map read off at x = 0 and 1 (exact for x itself, and for 2x + 1 alike)
    F1 = feature_matrix(np.array([0.0, 1.0]), features)
    _check_inputs(params, F1)
    a, c = F1[1] - F1[0], F1[0]
    if callable(features):
        g = np.linspace(lo, hi, 257)
        F = feature_matrix(g, features)
        scale = 1.0 + float(np.max(np.abs(F)))
        if np.max(np.abs(np.outer(g, a) + c - F)) > 1e-9 * scale:
            raise ValueError("The input features are not affine in x, so the curve is not "
                             "piecewise linear in x: there are no kinks to count.")
    return a @ W0, c @ W0 + b0


@dataclass(frozen=True)
class Pieces:
    """A piecewise-linear curve on [edges[0], edges[-1]]: on piece k, between
    ``edges[k]`` and ``edges[k+1]``, the curve is ``slopes[k] * x + intercepts[k]``."""

    edges: np.ndarray
    slopes: np.ndarray
    intercepts: np.ndarray

    @property
    def kinks(self) -> np.ndarray:
        return self.edges[1:-1]

    @property
    def n_pieces(self) -> int:
        return self.slopes.size

    def kink_values(self) -> np.ndarray:
        """The curve's height at each kink (to mark it on the curve)."""
        return self.slopes[1:] * self.kinks + self.intercepts[1:]


def curve_pieces(params, activations, lo: float = -6.0, hi: float = 6.0,
                 features: FeaturesArg = None, leaky_slope: float = 0.01) -> Pieces:
    """The exact linear pieces of the curve on [lo, hi].

    Layer by layer: between the breakpoints found so far every pre-activation is affine
    in x, so a unit can cross each kink of its activation at most once per interval; those
    crossings are solved for exactly and become new breakpoints, and on every refined
    interval the activation is affine too, which carries the affine form to the next
    layer.  Finally breakpoints where the output's slope does not change (a unit that is
    dead on both sides, an outgoing weight of 0, a leaky slope of 1) are merged away —
    "does not change" meaning by no more than rounding can make (:func:`slope_tolerance`,
    a bound from the weights' own magnitudes, so tiny weights keep their kinks).

    Raises ValueError, with the reason in words, when the curve is not piecewise linear in
    x (a smooth activation, or features such as x² or sin x)."""
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"The interval needs finite lo < hi, got [{lo:g}, {hi:g}].")
    params = list(params)
    acts = _acts(params, activations, leaky_slope)
    reason = not_piecewise_linear_reason(acts, features)
    if reason:
        raise ValueError(reason)
    s, c = _affine_first_layer(params, features, lo, hi)
    edges = np.array([lo, hi])
    S, C = s[None, :], c[None, :]                  # one row per interval
    # A: the slopes computed from absolute values (|alpha| S, |W|), and n_ops: how many
    # roundings a slope has been through — together they bound the rounding error of S
    # (see _merge)
    A = np.abs(s)[None, :]
    n_ops = np.asarray(params[0][0]).shape[0] + 1
    # roots closer than this to an existing breakpoint are that breakpoint (rounding)
    eps = 1e-12 * (hi - lo)
    for l, act in enumerate(acts):
        edges, S, C, A = _split(edges, S, C, A, act.kinks, eps)
        mid = 0.5 * (edges[:-1] + edges[1:])
        Z = S * mid[:, None] + C                   # pre-activation inside each interval
        alpha = act.derivative(Z)                  # the activation's affine piece there
        beta = act.value(Z) - alpha * Z
        W, b = (np.asarray(p, dtype=float) for p in params[l + 1])
        S, C = (alpha * S) @ W, (alpha * C + beta) @ W + b.reshape(-1)
        A = (np.abs(alpha) * A) @ np.abs(W)
        n_ops += W.shape[0] + 1
    return _merge(edges, S[:, 0], C[:, 0], A[:, 0], n_ops)


def _split(edges, S, C, A, kinks, eps):
    """Refine the intervals at every x where a unit's affine pre-activation meets a kink
    (the rows of S, C and A follow their intervals)."""
    new_edges, rows = [edges[0]], []
    for k in range(edges.size - 1):
        a, b = edges[k], edges[k + 1]
        cuts = []
        for t in kinks:
            with np.errstate(divide="ignore", invalid="ignore"):
                r = (t - C[k]) / S[k]
            cuts.extend(r[(S[k] != 0) & (r > a + eps) & (r < b - eps)].tolist())
        cuts = sorted(set(cuts))
        # drop roots that duplicate each other up to rounding
        kept = []
        for r in cuts:
            if not kept or r - kept[-1] > eps:
                kept.append(r)
        new_edges.extend(kept + [b])
        rows.extend([k] * (len(kept) + 1))
    return np.array(new_edges), S[rows], C[rows], A[rows]


def slope_tolerance(abs_slopes, n_ops: int) -> np.ndarray:
    """The largest slope change at each breakpoint that rounding alone can make: below it
    the float slopes cannot tell a kink from none, above it the change is real.

    Each slope is a sum over the paths from x to the output of products of weights and
    activation slopes, computed layer by layer as ``S <- (alpha S) @ W``: a dot product
    of n terms after one multiplication by alpha.  The standard bound (Higham, *Accuracy
    and Stability of Numerical Algorithms*, §3.1, 3.5) gives, for a chain of such steps
    with n_ops roundings in all, ``|fl(S) − S| <= γ(n_ops) · A`` where γ(n) = n·u / (1 − n·u),
    u = 2⁻⁵³, and A is the same computation on absolute values (``A <- (|alpha| A) @
    |W|``).  A slope change is the difference of two neighbouring slopes, so its rounding
    is at most γ(n_ops) (A_k + A_k+1); one more rounding for the subtraction and one for
    computing A in floats itself are covered by the factor 2.  The bound scales with the
    weights: a curve 10⁻¹² tall keeps its kinks, and no fixed floor hides them."""
    a = np.asarray(abs_slopes, dtype=float)
    nu = n_ops * _U
    gamma = nu / (1.0 - nu)
    return 2.0 * gamma * (a[:-1] + a[1:])


def _merge(edges, slopes, inter, abs_slopes, n_ops) -> Pieces:
    # a real change at edges[1:-1]: larger than rounding can make (see slope_tolerance)
    keep = np.abs(np.diff(slopes)) > slope_tolerance(abs_slopes, n_ops)
    idx = np.concatenate([[0], np.flatnonzero(keep) + 1])   # first interval of each piece
    e = np.concatenate([[edges[0]], edges[1:-1][keep], [edges[-1]]])
    return Pieces(e, slopes[idx].copy(), inter[idx].copy())


def kinks(params, activations, lo: float = -6.0, hi: float = 6.0,
          features: FeaturesArg = None, leaky_slope: float = 0.01) -> np.ndarray:
    """The x positions strictly inside (lo, hi) where the curve's slope changes, sorted.
    ValueError when the curve is not piecewise linear in x (see :func:`curve_pieces`)."""
    return curve_pieces(params, activations, lo, hi, features, leaky_slope).kinks.copy()


def linear_pieces(params, activations, lo: float = -6.0, hi: float = 6.0,
                  features: FeaturesArg = None, leaky_slope: float = 0.01) -> int:
    """How many linear pieces the curve has on [lo, hi] (kinks + 1)."""
    return curve_pieces(params, activations, lo, hi, features, leaky_slope).n_pieces


def pieces_upper_bound(hidden, activations=None) -> int:
    """An upper bound on the number of linear pieces of a one-input network with hidden
    layer sizes ``hidden`` — a ceiling, not what a trained network reaches.

    One hidden layer of N ReLU units: at most N + 1 pieces (each unit bends once).
    Deeper: at most prod over layers of (n_l + 1).  Reason: on each piece of the previous
    layer a unit's pre-activation is affine, so it crosses its kink at most once there,
    and the n_l units of layer l cut every piece into at most n_l + 1.  For one input
    this equals the bound of Serra, Tjandraatmadja & Ramalingam (2018, Theorem 1) with
    input dimension 1.  With ``activations`` (names or objects), a unit whose activation
    has K kinks counts K times (a linear layer: factor 1; smooth ones are refused)."""
    hidden = [int(n) for n in hidden]
    if any(n < 0 for n in hidden):
        raise ValueError(f"Layer sizes must be >= 0, got {hidden}.")
    if activations is None:
        per_unit = [1] * len(hidden)
    else:
        if len(activations) != len(hidden):
            raise ValueError(f"{len(activations)} activations for {len(hidden)} hidden "
                             f"layers.")
        reason = not_piecewise_linear_reason(activations)
        if reason:
            raise ValueError(reason)
        per_unit = [len(_act(a, 0.01).kinks) for a in activations]
    bound = 1
    for n, k in zip(hidden, per_unit):
        bound *= n * k + 1
    return bound


# ------------------------------------------------------------------ 1-D collapse
@dataclass(frozen=True)
class CollapseLine:
    """The affine map ``y = w · features(x) + b`` a network of linear layers equals;
    ``max_difference`` is the largest |network − line| measured on the grid (rounding)."""

    w: np.ndarray          # (n_inputs,)
    b: float
    max_difference: float
    grid: np.ndarray

    @property
    def slope(self) -> float:
        """w for a network fed x alone."""
        if self.w.size != 1:
            raise ValueError("The network has several inputs: use w, one per feature.")
        return float(self.w[0])


def collapse_line(params, activations, lo: float = -6.0, hi: float = 6.0,
                  features: FeaturesArg = None, n_grid: int = 2001,
                  leaky_slope: float = 0.01) -> CollapseLine:
    """With every hidden activation linear, the network is one line: w = W1 W2 … Wk and
    b = ((b1 W2 + b2) W3 …) + bk.  (An activation with no kinks that is not the identity,
    f(z) = αz + β, scales and shifts in between: W_l becomes α W_l.  For the identity
    α = 1, β = 0 change nothing, so w is exactly the product of the layers.)"""
    params = list(params)
    acts = _acts(params, activations, leaky_slope)
    for i, act in enumerate(acts):
        if not (act.is_linear or (act.piecewise_linear and not act.kinks)):
            raise ValueError(f"Hidden layer {i + 1} uses {act.title}, which is not linear: "
                             "the network does not collapse to one line. Set every "
                             "activation to Linear.")
    W = np.asarray(params[0][0], dtype=float).copy()
    b = np.asarray(params[0][1], dtype=float).reshape(-1).copy()
    for act, (Wn, bn) in zip(acts, params[1:]):
        # affine f(z) = alpha z + beta; also for a designed activation that is_linear (a
        # line through collinear points need not be the identity).  The identity gives
        # alpha = 1, beta = 0 exactly, which changes no bit.
        if act.name != "linear":
            beta = float(act.value(np.array([0.0]))[0])
            alpha = float(act.value(np.array([1.0]))[0]) - beta
            W, b = W * alpha, b * alpha + beta
        Wn = np.asarray(Wn, dtype=float)
        W, b = W @ Wn, b @ Wn + np.asarray(bn, dtype=float).reshape(-1)
    if W.shape[1] != 1:
        raise ValueError(f"The output layer must have one unit, got {W.shape[1]}.")
    grid = np.linspace(float(lo), float(hi), int(n_grid))
    F = feature_matrix(grid, features)
    _check_inputs(params, F)
    net = curve(params, acts, grid, features)
    line = F @ W[:, 0] + b[0]
    diff = float(np.max(np.abs(net - line))) if grid.size else 0.0
    return CollapseLine(W[:, 0].copy(), float(b[0]), diff, grid)
