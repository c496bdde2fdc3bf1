"""A student-designed activation of the second kind: a built-in with its parameter tweaked.

A :class:`Tweaked` is a *value* — a name, a ``base`` and one number — never code, so a
lab file carries it as ``{"name", "base", "parameter"}`` next to the piecewise-linear
``{"name", "points"}`` ones (see :mod:`actlab.engine.activations.designed`, which
finds, checks and reads both kinds).  The bases:

* ``"leaky_relu"``: ``parameter`` is the slope for z < 0, from 0 to 1.  f(z) = z for
  z > 0, slope·z otherwise.  Slope 0 is ReLU; slope 1 is the identity — then the
  activation *is* linear (``is_linear``) and the linear collapse applies to it exactly as
  to "linear".
* ``"elu"``: ``parameter`` is alpha, from 0 to 5.  f(z) = z for z > 0, alpha·(e^z − 1)
  otherwise.  Alpha 0 is ReLU (piecewise linear, one kink at 0); any other alpha is
  smooth for z < 0, so the curve bends and has no kinks to count.

Derivatives at 0 follow the built-ins: the left-hand slope (slope, resp. alpha).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

import numpy as np

from actlab.engine.activations.base import Activation, _max_op, _min_op
from actlab.engine.activations.builtin import ACTIVATIONS, NAMES, _make_leaky
from actlab.engine.activations.custom import CustomActivationError, _folded, check_name

#: base -> (what its parameter is called in messages, lowest, highest)
BASES: dict[str, tuple[str, float, float]] = {
    "leaky_relu": ("slope for z < 0", 0.0, 1.0),
    "elu": ("alpha", 0.0, 5.0),
}


def check_base(base) -> str:
    """The registry name of ``base`` (any case, ``-``/space for ``_``), or
    CustomActivationError on field ``"base"``."""
    if not isinstance(base, str):
        raise CustomActivationError("base", f"must be a text, got {base!r}")
    key = _folded(base)
    if key not in BASES:
        raise CustomActivationError("base", f"{base!r} cannot be tweaked (choose from "
                                            f"{', '.join(BASES)})")
    return key


def check_parameter(base: str, v) -> float:
    """``v`` as a float within ``base``'s range, or CustomActivationError on field
    ``"parameter"`` (``base`` already checked)."""
    what, lo, hi = BASES[base]
    if isinstance(v, bool) or not isinstance(v, Real):
        raise CustomActivationError("parameter", f"must be a number, got {v!r}")
    v = float(v)
    if not math.isfinite(v):
        raise CustomActivationError("parameter", f"must be a finite number, got {v!r}")
    if not lo <= v <= hi:
        raise CustomActivationError("parameter", f"{v!r} is outside {lo:g}..{hi:g} (the "
                                                 f"{what} of {base})")
    return v + 0.0  # -0.0 -> 0.0: one spelling, one file, one equality


@dataclass(frozen=True)
class Tweaked:
    """A validated tweaked built-in (see the module doc).  Constructing one with a bad
    name, base or parameter raises :class:`CustomActivationError`.  Equality and hashing
    are by value (name, base, parameter)."""

    name: str
    base: str
    parameter: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", check_name(self.name, NAMES))
        object.__setattr__(self, "base", check_base(self.base))
        object.__setattr__(self, "parameter", check_parameter(self.base, self.parameter))

    # ---------------------------------------------------------------- properties
    @property
    def is_linear(self) -> bool:
        """True for leaky ReLU with slope 1: the identity."""
        return self.base == "leaky_relu" and self.parameter == 1.0

    @property
    def piecewise_linear(self) -> bool:
        """Leaky ReLU always; ELU only with alpha 0 (which is ReLU)."""
        return self.base == "leaky_relu" or self.parameter == 0.0

    @property
    def kinks(self) -> tuple[float, ...]:
        """``(0.0,)`` when piecewise linear with a bend, else empty (linear, or smooth)."""
        return (0.0,) if self.piecewise_linear and not self.is_linear else ()

    @property
    def affine(self) -> tuple[float, float]:
        """``(1.0, 0.0)``: the slope and intercept for z > 0 — the function itself when
        :attr:`is_linear`."""
        return 1.0, 0.0

    @property
    def max_slope(self) -> float:
        """The largest |f'(z)|: 1, or alpha when an ELU's alpha is above 1."""
        return max(1.0, self.parameter) if self.base == "elu" else 1.0

    def describe(self) -> str:
        """One sentence for tooltips and the gallery."""
        p = f"{self.parameter:g}"
        if self.base == "leaky_relu":
            tail = (" — the identity: a linear activation" if self.is_linear else
                    " — that is ReLU" if self.parameter == 0 else "")
            return f"Leaky ReLU with slope {p} for z < 0{tail}."
        tail = " — that is ReLU" if self.parameter == 0 else ""
        return f"ELU with alpha {p}: f(z) = {p}·(e^z − 1) for z < 0{tail}."

    # ---------------------------------------------------------------- value / derivative
    def value(self, z) -> np.ndarray:
        """f(z), elementwise; NaN stays NaN."""
        z = np.asarray(z, dtype=float)
        p = self.parameter
        if self.base == "leaky_relu":
            # slope 0 is ReLU: max(z, 0), so that -inf gives 0, not 0 · -inf = NaN
            return np.maximum(z, 0.0) if p == 0.0 else np.where(z > 0, z, p * z)
        return np.where(z > 0, z, p * np.expm1(np.minimum(z, 0.0)))

    def derivative(self, z) -> np.ndarray:
        """f'(z), elementwise; at 0 the left-hand slope (as the built-ins); NaN at NaN."""
        z = np.asarray(z, dtype=float)
        p = self.parameter
        if self.base == "leaky_relu":
            return p + (1.0 - p) * np.heaviside(z, 0.0)
        return np.where(np.isnan(z), np.nan,
                        np.where(z > 0, 1.0, p * np.exp(np.minimum(z, 0.0))))

    def _elu_forward_ops(self, z, out) -> list:
        # alpha·expm1(min(z, 0)) + max(z, 0): one formula for every alpha (the built-in's
        # max(expm1(min(z, 0)), z) holds only for alpha <= 1); min/max propagate NaN
        tmp = np.empty_like(out)  # scratch, allocated once per binding
        return [_min_op(z, 0.0, out), (np.expm1, (out, out)),
                (np.multiply, (out, self.parameter, out)), _max_op(z, 0.0, tmp),
                (np.add, (out, tmp, out))]

    def _elu_backward_ops(self, z, a, g, out, tmp) -> list:
        # f' = 1 + [z <= 0] (alpha e^min(z, 0) - 1), from z (not a: a = inf at z = inf
        # would give inf - inf); heaviside(-z, 1) is 1 at z = 0 (the left slope) and NaN
        # at NaN
        return [_min_op(z, 0.0, tmp), (np.exp, (tmp, tmp)),
                (np.multiply, (tmp, self.parameter, tmp)), (np.subtract, (tmp, 1.0, tmp)),
                (np.negative, (z, out)), (np.heaviside, (out, 1.0, out)),
                (np.multiply, (out, tmp, out)), (np.add, (out, 1.0, out)),
                (np.multiply, (out, g, out))]

    def activation(self):
        """This function as a registry :class:`~actlab.engine.activations.Activation`
        (``name`` = title = :attr:`name`; ``is_linear``, ``piecewise_linear`` and
        ``kinks`` as above, so the collapse and the curve's pieces treat it like the
        built-ins)."""
        if self.piecewise_linear and self.parameter == 0.0:  # ReLU, as the built-in
            relu = ACTIVATIONS["relu"]
            value, derivative = relu.value, relu.derivative
            fwd, bwd = relu.forward_ops, relu.backward_ops
        elif self.base == "leaky_relu":
            value, derivative, fwd, bwd = _make_leaky(self.parameter)
        else:
            value, derivative = self.value, self.derivative
            fwd, bwd = self._elu_forward_ops, self._elu_backward_ops
        return Activation(self.name, self.name, value, derivative, fwd, bwd,
                          is_linear=self.is_linear, summary=f"Your {self.describe()}",
                          piecewise_linear=self.piecewise_linear, kinks=self.kinks)


def to_dict(c: Tweaked) -> dict:
    """``c`` as a lab file writes it: ``{"name", "base", "parameter"}``."""
    return {"name": c.name, "base": c.base, "parameter": c.parameter}


def from_dict(d: dict) -> Tweaked:
    """The tweaked built-in a lab file's ``{"name", "base", "parameter"}`` object
    describes, or CustomActivationError naming the field."""
    extra = sorted(set(d) - {"name", "base", "parameter"})
    if extra:
        raise CustomActivationError(str(extra[0]), "unknown field (a tweaked built-in has "
                                                    "name, base and parameter)")
    for key in ("name", "base", "parameter"):
        if key not in d:
            raise CustomActivationError(key, "missing")
    return Tweaked(d["name"], d["base"], d["parameter"])
