"""A student-designed activation: a piecewise-linear function given by its points.

A :class:`PiecewiseLinear` is a *value* — a name and 2 to 16 points ``(x, y)`` with
strictly increasing ``x`` — never code, so a lab file can carry it safely and compare it
bit for bit.  Between the points the function is the straight line through them; left of
the first point and right of the last it goes on with the first and last segment's slope
(linear extrapolation), so it is defined and piecewise linear on the whole real line.

The second kind of designed activation, a built-in with its parameter tweaked (leaky
slope, ELU alpha), is :class:`~actlab.engine.activations.tweaked.Tweaked`;
:mod:`actlab.engine.activations.designed` finds, checks, folds and reads both kinds.

Where a lab keeps them: ``NetworkSpec.custom`` (and ``ImageNetSpec.custom``), a tuple of
these.  A hidden layer uses one by putting its ``name`` in ``activations`` exactly like a
built-in's; :func:`actlab.engine.activations.lookup.get_activation` finds it when given the
spec's ``custom`` tuple.  The lookup is scoped to the lab on purpose: two labs (or the
two sides of a comparison) may each define a "bend" of their own, and a process-wide
registry would let one silently replace the other.

Conventions that matter for teaching and for the tests:

* **Derivative at a kink** is the *right-hand* slope (the slope of the piece that starts
  at that point), one rule that is easy to state for any number of points.  (Built-in
  ReLU uses its left slope, 0, at 0; a single point has measure zero, so training does
  not care, and the finite-difference tests stay away from kinks either way.)
* **Linear** (``is_linear``) exactly when all points are collinear: every segment's slope
  equals the first one within ``LINEAR_RTOL`` times the largest |slope| (or 1, whichever
  is larger).  Then the function *is* ``slope * z + intercept`` (the line through the first
  and last point), value and derivative are computed from that line, and the collapse of
  linear layers applies to it exactly as to "linear" (see :func:`fold_affine`).
* **Kinks** are the interior points where the slope changes by more than that tolerance;
  a point in the middle of a straight run is no kink.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

import numpy as np

from actlab.engine.activations.base import Activation, _max_op
from actlab.engine.activations.builtin import NAMES

MIN_POINTS, MAX_POINTS = 2, 16
#: |x| and |y| of a point are at most this: a student's function on a screen, and no
#: overflow in the slopes or the training loop.
MAX_COORD = 1e6
MAX_NAME = 40
#: At most this many custom activations in one lab.
MAX_CUSTOM = 8
#: Relative tolerance on the slopes for "the points are collinear" (see the module doc).
LINEAR_RTOL = 1e-9


class CustomActivationError(ValueError):
    """A custom activation that ActLab cannot use.  ``field`` is the path of the problem
    inside the activation (``"points[2].x"``, ``"name"``, ``"points"``), ``reason`` says
    what is wrong; ``str(error)`` is ``"<field>: <reason>"``.  Lab files prefix ``field``
    with the activation's place (``"network.custom[0]."``)."""

    def __init__(self, field: str, reason: str) -> None:
        self.field, self.reason = field, reason
        super().__init__(f"{field}: {reason}" if field else reason)


def _folded(name: str) -> str:
    """The spelling-insensitive key names are matched by (as ``canonical_name``)."""
    return str(name).strip().lower().replace("-", "_").replace(" ", "_")


def _coordinate(v, field: str) -> float:
    if isinstance(v, bool) or not isinstance(v, Real):
        raise CustomActivationError(field, f"must be a number, got {v!r}")
    v = float(v)
    if not math.isfinite(v):
        raise CustomActivationError(field, f"must be a finite number, got {v!r}")
    if abs(v) > MAX_COORD:
        raise CustomActivationError(field, f"{v!r} is outside -{MAX_COORD:g}..{MAX_COORD:g}")
    return v


def check_name(name, builtins=()) -> str:
    """``name`` stripped, or CustomActivationError: a non-empty text of at most
    ``MAX_NAME`` letters, digits, spaces, ``_``, ``-`` or ``'``, not a built-in's name in
    any spelling (``builtins``: the registry names)."""
    if not isinstance(name, str):
        raise CustomActivationError("name", f"must be a text, got {name!r}")
    text = name.strip()
    if not text:
        raise CustomActivationError("name", "must not be empty")
    if len(text) > MAX_NAME:
        raise CustomActivationError("name", f"{len(text)} characters, at most {MAX_NAME}")
    bad = [c for c in text if not (c.isalnum() or c in " _-'")]
    if bad:
        raise CustomActivationError("name", f"{text!r} contains {bad[0]!r} (use letters, "
                                            "digits, spaces, '_', '-' or \"'\")")
    if _folded(text) in {_folded(b) for b in builtins}:
        raise CustomActivationError("name", f"{text!r} is the name of a built-in activation; "
                                            "choose another")
    return text


def check_points(points) -> tuple[tuple[float, float], ...]:
    """``points`` as a tuple of float pairs, or CustomActivationError naming the first
    problem: not a list, fewer than 2 or more than 16 points, a point that is not an
    ``(x, y)`` pair, a coordinate that is not a finite number in range, or an ``x`` not
    greater than the one before."""
    if isinstance(points, (str, bytes)) or not hasattr(points, "__len__"):
        raise CustomActivationError("points", f"must be a list of [x, y] points, got {points!r}")
    n = len(points)
    if n < MIN_POINTS:
        raise CustomActivationError("points", f"{n} point{'s' * (n != 1)}, at least "
                                              f"{MIN_POINTS} needed")
    if n > MAX_POINTS:
        raise CustomActivationError("points", f"{n} points, at most {MAX_POINTS}")
    out = []
    for i, p in enumerate(points):
        if isinstance(p, (str, bytes)) or not hasattr(p, "__len__") or len(p) != 2:
            raise CustomActivationError(f"points[{i}]", f"must be an [x, y] pair, got {p!r}")
        x = _coordinate(p[0], f"points[{i}].x")
        y = _coordinate(p[1], f"points[{i}].y")
        if out and not x > out[-1][0]:
            raise CustomActivationError(f"points[{i}].x", f"{x!r} is not greater than "
                                                          f"points[{i - 1}].x ({out[-1][0]!r})")
        out.append((x, y))
    return tuple(out)


@dataclass(frozen=True)
class PiecewiseLinear:
    """A validated piecewise-linear activation (see the module doc).  Constructing one
    with bad points or name raises :class:`CustomActivationError`.  Equality and hashing
    are by value (name and points)."""

    name: str
    points: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", check_name(self.name, NAMES))
        object.__setattr__(self, "points", check_points(self.points))
        xs = np.array([p[0] for p in self.points])
        ys = np.array([p[1] for p in self.points])
        slopes = np.diff(ys) / np.diff(xs)
        tol = LINEAR_RTOL * max(1.0, float(np.abs(slopes).max()))
        # the arrays are derived data: kept out of the dataclass fields (eq, repr)
        object.__setattr__(self, "_xs", xs)
        object.__setattr__(self, "_ys", ys)
        object.__setattr__(self, "_slopes", slopes)
        object.__setattr__(self, "_linear", bool(np.all(np.abs(slopes - slopes[0]) <= tol)))
        kinks = tuple(float(xs[k]) for k in range(1, len(xs) - 1)
                      if abs(slopes[k] - slopes[k - 1]) > tol)
        object.__setattr__(self, "_kinks", kinks)

    # ---------------------------------------------------------------- properties
    @property
    def is_linear(self) -> bool:
        """True when all points are collinear (within ``LINEAR_RTOL``): then the function is
        the straight line :attr:`affine` and the linear collapse applies to it."""
        return self._linear

    @property
    def affine(self) -> tuple[float, float]:
        """``(slope, intercept)`` of the line through the first and last point — the
        function itself when :attr:`is_linear`."""
        (x0, y0), (x1, y1) = self.points[0], self.points[-1]
        a = (y1 - y0) / (x1 - x0)
        return a, y0 - a * x0

    @property
    def kinks(self) -> tuple[float, ...]:
        """The x positions where the slope changes (interior points only; empty when
        linear), increasing."""
        return self._kinks

    @property
    def slopes(self) -> tuple[float, ...]:
        """The slope of each of the ``len(points) - 1`` segments."""
        return tuple(float(s) for s in self._slopes)

    @property
    def max_slope(self) -> float:
        """The largest |slope| of its segments (the largest |f'(z)|)."""
        return float(np.abs(self._slopes).max())

    #: always: affine between (and beyond) its points
    piecewise_linear = True

    # ---------------------------------------------------------------- value / derivative
    def value(self, z) -> np.ndarray:
        """f(z), elementwise; NaN stays NaN, ±inf goes to the extrapolated limit."""
        z = np.asarray(z, dtype=float)
        if self._linear:
            a, c = self.affine
            return a * z + c
        xs, ys, s = self._xs, self._ys, self._slopes
        out = np.interp(z, xs, ys)  # clamps to ys[0] / ys[-1] outside [x0, xn]
        # the extrapolation, skipped for a flat end: 0 * inf would make f(inf) NaN
        if s[0] != 0.0:
            out = out + s[0] * np.minimum(z - xs[0], 0.0)
        if s[-1] != 0.0:
            out = out + s[-1] * np.maximum(z - xs[-1], 0.0)
        return np.where(np.isnan(z), np.nan, out)

    def derivative(self, z) -> np.ndarray:
        """f'(z), elementwise: the slope of the segment containing z; at a kink the
        right-hand slope (of the segment starting there); NaN at NaN."""
        z = np.asarray(z, dtype=float)
        if self._linear:
            return np.where(np.isnan(z), np.nan, self.affine[0])
        seg = np.clip(np.searchsorted(self._xs, z, side="right") - 1, 0, len(self._slopes) - 1)
        return np.where(np.isnan(z), np.nan, self._slopes[seg])

    def _hinges(self) -> tuple[float, float, list[tuple[float, float]]]:
        """``(s0, c0, [(x_k, d_k), ...])`` with f(z) = s0 z + c0 + sum d_k max(z - x_k, 0):
        the first piece's line plus one hinge per interior point whose slope changes."""
        s, xs, ys = self._slopes, self._xs, self._ys
        hinges = [(float(xs[k]), float(s[k] - s[k - 1])) for k in range(1, len(s))
                  if s[k] != s[k - 1]]
        return float(s[0]), float(ys[0] - s[0] * xs[0]), hinges

    def _forward_ops(self, z, out) -> list:
        # The training loop binds these once and replays them: a few in-place ufunc calls
        # per hinge, about 4x fewer microseconds than value()'s interp and masks at
        # batch 10.  They agree with value() to rounding; NaN propagates (clip does).
        if self._linear:
            a, c = self.affine
            return [(np.multiply, (z, a, out)), (np.add, (out, c, out))]
        s0, c0, hinges = self._hinges()
        tmp = np.empty_like(out)  # scratch, allocated once per binding
        ops = [(np.multiply, (z, s0, out)), (np.add, (out, c0, out))]
        for x, d in hinges:
            ops += [(np.subtract, (z, x, tmp)), _max_op(tmp, 0.0, tmp),
                    (np.multiply, (tmp, d, tmp)), (np.add, (out, tmp, out))]
        return ops

    def _backward_ops(self, z, a, g, out, tmp) -> list:
        # f'(z) = s0 + sum d_k H(z - x_k), H(0) = 1: the right-hand slope at a kink, as
        # derivative(); z * 0 first makes f' NaN where z is NaN
        s0, _, hinges = self._hinges()
        if self._linear:
            s0, hinges = self.affine[0], []
        ops = [(np.multiply, (z, 0.0, out)), (np.add, (out, s0, out))]
        for x, d in hinges:
            ops += [(np.subtract, (z, x, tmp)), (np.heaviside, (tmp, 1.0, tmp)),
                    (np.multiply, (tmp, d, tmp)), (np.add, (out, tmp, out))]
        return ops + [(np.multiply, (out, g, out))]

    def activation(self):
        """This function as a registry :class:`~actlab.engine.activations.Activation`
        (``name`` = :attr:`name`, shown by that name; ``is_linear`` as above)."""
        pts = ", ".join(f"({x:g}, {y:g})" for x, y in self.points)
        what = ("collinear points: a linear activation" if self._linear else
                f"{len(self._kinks)} kink{'s' * (len(self._kinks) != 1)}")
        return Activation(self.name, self.name, self.value, self.derivative,
                          self._forward_ops, self._backward_ops, is_linear=self._linear,
                          # so the curve analysis (engine/pieces.py) counts its pieces
                          piecewise_linear=True, kinks=self._kinks,
                          summary=f"Your piecewise-linear activation through {pts} "
                                  f"({what}).")
