"""Activation functions: one registry, each entry a value/derivative pair.

Every activation offers two faces:

* ``value(z)`` and ``derivative(z)`` — plain, allocating functions for plots, analysis and
  tests;
* ``forward(z, out)`` and ``backward(z, a, grad, out, tmp)`` — the training loop's
  in-place versions: ``out = f(z)`` and ``out = grad * f'(z)`` written into preallocated
  buffers (``a = f(z)`` is passed in because many derivatives are cheapest from it).

All of them are numerically stable for |z| up to 1e4 and beyond: no overflow warnings,
no NaN (sigmoid is written with tanh, softplus with ``logaddexp``, ELU with ``expm1`` of
the negative part only, GELU's cubic only on inputs where its tanh is not yet saturated).
And every face of every activation turns a NaN input into NaN: a NaN weight must show up
in the loss, so the trainer can stop and say the run diverged.  That is why the ops use
``np.maximum``/``np.minimum`` (which propagate NaN) and never ``np.fmax``/``np.fmin``
(which return the other operand), and why derivatives use ``np.heaviside`` rather than a
comparison (``nan > 0`` is False).  Adding an activation is adding one entry to
``ACTIVATIONS``.
"""
from __future__ import annotations

import math

import numpy as np

from actlab.engine.activations.base import Activation, Array, _max_op, _min_op


def _assign(out, f, z):
    out[...] = f(z)


def _mul_lazy(g, f, z, out):
    np.multiply(g, f(z), out=out)


def _sigmoid(z: Array) -> Array:
    return 0.5 * np.tanh(0.5 * np.asarray(z, dtype=float)) + 0.5


# --- linear --------------------------------------------------------------------------
def _lin_fwd(z, out):
    return [(np.copyto, (out, z))]


def _lin_derivative(z):
    # 1 everywhere, but NaN at NaN (z - z would also turn ±inf into NaN)
    z = np.asarray(z, dtype=float)
    return np.where(np.isnan(z), np.nan, 1.0)


def _lin_bwd(z, a, g, out, tmp):
    # out = g + 0*z: g where z is finite, NaN where z is not (a diverged input)
    return [(np.multiply, (z, 0.0, tmp)), (np.add, (g, tmp, out))]


# --- relu / leaky relu -----------------------------------------------------------------
def _relu_fwd(z, out):
    return [_max_op(z, 0.0, out)]


def _relu_bwd(z, a, g, out, tmp):
    # heaviside writes floats directly; greater() into a float buffer pays a cast
    return [(np.heaviside, (z, 0.0, tmp)), (np.multiply, (g, tmp, out))]


def _make_leaky(slope: float) -> tuple:
    def value(z):
        z = np.asarray(z, dtype=float)
        return np.where(z > 0, z, slope * z)

    def derivative(z):
        return slope + (1.0 - slope) * np.heaviside(np.asarray(z, dtype=float), 0.0)

    def fwd(z, out):
        # fmax/fmin drop a NaN only when the *other* operand is not NaN; slope*z is NaN
        # exactly where z is, so this maximum still propagates NaN (and is the fast one)
        return [(np.multiply, (z, slope, out)),
                (np.fmax if slope <= 1 else np.fmin, (z, out, out))]

    def bwd(z, a, g, out, tmp):
        # f'(z) = slope + (1 - slope) * [z > 0]
        return [(np.heaviside, (z, 0.0, tmp)), (np.multiply, (tmp, 1.0 - slope, tmp)),
                (np.add, (tmp, slope, tmp)), (np.multiply, (g, tmp, out))]

    return value, derivative, fwd, bwd


# --- elu ---------------------------------------------------------------------------------
_ELU_ALPHA = 1.0


def _elu_value(z):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, _ELU_ALPHA * np.expm1(np.minimum(z, 0.0)))


def _elu_derivative(z):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, 1.0, _ELU_ALPHA * np.exp(np.minimum(z, 0.0)))


def _elu_fwd(z, out):
    # alpha = 1: max(expm1(min(z, 0)), z) is z for z > 0 and e^z - 1 (>= z) otherwise
    # min(z, 0) must propagate NaN (fmin turned it into 0: the old bug); after it, out is
    # NaN exactly where z is, so the final fmax is NaN-safe (see leaky ReLU)
    return [_min_op(z, 0.0, out), (np.expm1, (out, out)), (np.fmax, (out, z, out))]


def _elu_bwd(z, a, g, out, tmp):
    # f'(z) is 1 for z > 0 and alpha*e^z = a + alpha for z <= 0; with alpha = 1 both
    # cases are min(a + alpha, 1), which needs no exp and no mask.
    return [(np.add, (a, _ELU_ALPHA, tmp)), _min_op(tmp, 1.0, tmp),
            (np.multiply, (g, tmp, out))]


# --- tanh --------------------------------------------------------------------------------
def _tanh_fwd(z, out):
    return [(np.tanh, (z, out))]


def _tanh_bwd(z, a, g, out, tmp):
    # g * (1 - a^2) = g - g*a*a
    return [(np.multiply, (a, a, tmp)), (np.multiply, (tmp, g, tmp)),
            (np.subtract, (g, tmp, out))]


# --- sigmoid -----------------------------------------------------------------------------
def _sig_fwd(z, out):
    return [(np.multiply, (z, 0.5, out)), (np.tanh, (out, out)),
            (np.multiply, (out, 0.5, out)), (np.add, (out, 0.5, out))]


def _sig_bwd(z, a, g, out, tmp):
    # g * a * (1 - a) = g * (a - a*a)
    return [(np.multiply, (a, a, tmp)), (np.subtract, (a, tmp, tmp)),
            (np.multiply, (g, tmp, out))]


# --- softplus ----------------------------------------------------------------------------
def _softplus_fwd(z, out):
    return [(np.logaddexp, (0.0, z, out))]


def _softplus_bwd(z, a, g, out, tmp):
    return _sig_fwd(z, tmp) + [(np.multiply, (g, tmp, out))]


# --- gelu (tanh approximation, as in BERT/GPT-2) -------------------------------------------
_GELU_C = math.sqrt(2.0 / math.pi)
_GELU_K = 0.044715


# tanh(c (z + k z^3)) is exactly ±1 in float64 once its argument passes about 19.1, i.e.
# for |z| > 7.5 (at 50 the argument is 4500).  So the tanh, and the derivative's
# z (1 - t^2) (1 + 3k z^2) term, are computed from z clipped to ±50 — the same numbers,
# with no overflow of z^3 — while the value multiplies the *unclipped* z: gelu(z) = z for
# large z, inf for inf.
_GELU_SAT = 50.0


def _gelu_inner(z):
    z = np.asarray(z, dtype=float)
    zc = np.clip(z, -_GELU_SAT, _GELU_SAT)  # NaN stays NaN
    return z, zc, np.tanh(_GELU_C * (zc + _GELU_K * zc ** 3))


def _gelu_value(z):
    z, _, t = _gelu_inner(z)
    h = 1.0 + t
    # where 1 + t is exactly 0 (z < -7.5) the value is -0; for z = -inf that would be
    # -inf * 0 = NaN, so z is replaced by 0 there (NaN stays NaN: NaN == 0 is False)
    return 0.5 * np.where(h == 0.0, 0.0, z) * h


def _gelu_derivative(z):
    _, zc, t = _gelu_inner(z)
    return 0.5 * (1.0 + t) + 0.5 * zc * (1.0 - t * t) * _GELU_C * (1.0 + 3 * _GELU_K * zc * zc)


def _gelu_fwd(z, out):
    return [(_assign, (out, _gelu_value, z))]


def _gelu_bwd(z, a, g, out, tmp):
    return [(_mul_lazy, (g, _gelu_derivative, z, out))]


# --- silu / swish --------------------------------------------------------------------------
def _silu_value(z):
    z = np.asarray(z, dtype=float)
    return z * _sigmoid(z)


def _silu_derivative(z):
    z = np.asarray(z, dtype=float)
    s = _sigmoid(z)
    return s + z * s * (1.0 - s)


def _silu_fwd(z, out):
    return _sig_fwd(z, out) + [(np.multiply, (out, z, out))]


def _silu_bwd(z, a, g, out, tmp):
    return [(_mul_lazy, (g, _silu_derivative, z, out))]


# --- sine --------------------------------------------------------------------------------
def _sin_fwd(z, out):
    return [(np.sin, (z, out))]


def _sin_bwd(z, a, g, out, tmp):
    return [(np.cos, (z, tmp)), (np.multiply, (g, tmp, out))]


def _registry(leaky_slope: float = 0.01) -> dict[str, Activation]:
    lv, ld, lf, lb = _make_leaky(leaky_slope)
    acts = [
        Activation("linear", "Linear", lambda z: np.array(z, dtype=float),
                   _lin_derivative, _lin_fwd, _lin_bwd,
                   is_linear=True, piecewise_linear=True,
                   summary="The identity, f(z) = z. No bend at all: a stack of linear "
                           "layers is one linear layer."),
        Activation("relu", "ReLU", lambda z: np.maximum(np.asarray(z, dtype=float), 0.0),
                   lambda z: np.heaviside(np.asarray(z, dtype=float), 0.0),
                   _relu_fwd, _relu_bwd, piecewise_linear=True, kinks=(0.0,),
                   summary="f(z) = max(0, z). Zero for negative input, identity for positive; "
                           "the network becomes piecewise linear."),
        # with slope 1 it is the identity: linear, no kink (as a tweaked leaky ReLU with
        # slope 1 is), so the collapse merges through it and no kink is counted
        Activation("leaky_relu", "Leaky ReLU", lv, ld, lf, lb,
                   is_linear=leaky_slope == 1, piecewise_linear=True,
                   kinks=() if leaky_slope == 1 else (0.0,),
                   summary=f"f(z) = z for z > 0, {leaky_slope:g}·z otherwise: like ReLU but never "
                           "completely flat, so units cannot die." if leaky_slope != 1 else
                           "f(z) = z for z > 0, 1·z otherwise: with slope 1, the identity — "
                           "a linear activation."),
        Activation("elu", "ELU", _elu_value, _elu_derivative, _elu_fwd, _elu_bwd,
                   summary="f(z) = z for z > 0, e^z − 1 otherwise: smooth, and saturates at −1."),
        Activation("tanh", "Tanh", lambda z: np.tanh(np.asarray(z, dtype=float)),
                   lambda z: 1.0 - np.tanh(np.asarray(z, dtype=float)) ** 2,
                   _tanh_fwd, _tanh_bwd,
                   summary="S-shaped from −1 to 1, zero-centred; saturates for |z| > 3."),
        Activation("sigmoid", "Sigmoid", _sigmoid,
                   lambda z: _sigmoid(z) * (1.0 - _sigmoid(z)), _sig_fwd, _sig_bwd,
                   summary="S-shaped from 0 to 1; its slope is at most 0.25, so deep stacks "
                           "shrink the gradient."),
        Activation("softplus", "Softplus", lambda z: np.logaddexp(0.0, np.asarray(z, dtype=float)),
                   _sigmoid, _softplus_fwd, _softplus_bwd,
                   summary="f(z) = ln(1 + e^z): a smooth ReLU."),
        Activation("gelu", "GELU", _gelu_value, _gelu_derivative, _gelu_fwd, _gelu_bwd,
                   summary="z times a smooth step (tanh approximation): used in transformers."),
        Activation("silu", "SiLU", _silu_value, _silu_derivative, _silu_fwd, _silu_bwd,
                   summary="Also called Swish: f(z) = z·sigmoid(z), smooth, slightly negative "
                           "for z < 0."),
        Activation("sine", "Sine", lambda z: np.sin(np.asarray(z, dtype=float)),
                   lambda z: np.cos(np.asarray(z, dtype=float)), _sin_fwd, _sin_bwd,
                   summary="f(z) = sin z: periodic, bends the plane into waves."),
    ]
    return {a.name: a for a in acts}


ACTIVATIONS: dict[str, Activation] = _registry()
NAMES: tuple[str, ...] = tuple(ACTIVATIONS)
