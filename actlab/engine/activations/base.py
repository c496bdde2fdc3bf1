"""What an activation is (value, derivative and the training loop's in-place ops) and the
in-place NumPy calls the activations build their ops from.  See :mod:`.builtin` for the
registry and its rules (NaN propagates through every face of every activation)."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Activation:
    """``forward_ops(z, out)`` and ``backward_ops(z, a, grad, out, tmp)`` return the list of
    ``(function, args)`` calls that compute ``out = f(z)`` and ``out = grad * f'(z)`` into
    the given buffers; the training loop binds them once and replays them every step."""

    name: str
    title: str
    value: Callable[[Array], Array]
    derivative: Callable[[Array], Array]
    forward_ops: Callable[[Array, Array], list]
    backward_ops: Callable[[Array, Array, Array, Array, Array], list]
    is_linear: bool = False
    summary: str = ""
    # Piecewise linear: affine between the sorted ``kinks`` (the z where the slope may
    # change) and beyond them.  The curve analysis (pieces.py) follows the kinks exactly
    # through the layers, so it needs them; smooth activations leave both at the default.
    piecewise_linear: bool = False
    kinks: tuple[float, ...] = ()

    def forward(self, z: Array, out: Array) -> None:
        """``out = f(z)`` in place."""
        for f, args in self.forward_ops(z, out):
            f(*args)

    def backward(self, z: Array, a: Array, grad: Array, out: Array, tmp: Array) -> None:
        """``out = grad * f'(z)`` in place (``a = f(z)``; ``tmp`` is scratch)."""
        for f, args in self.backward_ops(z, a, grad, out, tmp):
            f(*args)


def _clip_ufunc():
    """The ufunc behind ``np.clip`` (clip(a, lo, hi, out) = min(max(a, lo), hi), NaN
    propagating), or None.  It is not public API, so it is looked up defensively."""
    try:
        from numpy._core import umath
    except ImportError:  # NumPy 1.x
        from numpy.core import umath
    f = getattr(umath, "clip", None)
    return f if isinstance(f, np.ufunc) and f.nin == 3 else None


_CLIP = _clip_ufunc()
_INF, _NEG_INF = np.array(np.inf), np.array(-np.inf)


def _max_op(z, c: float, out) -> tuple:
    """``out = np.maximum(z, c)`` (a constant ``c``) as one bound call that propagates NaN.
    NumPy 2.4 deprecates a positional ``out`` for maximum/minimum (the deprecated call
    costs 0.89 µs, a partial with ``out=`` 0.63, ``np.fmax`` 0.28, measured at 8×10);
    ``clip(z, c, inf)`` is the same maximum at 0.27 µs.  (With an array bound clip costs
    0.33 against fmax's 0.24, so two-array maxima below keep fmax where it is NaN-safe.)"""
    if _CLIP is not None:
        return (_CLIP, (z, float(c), _INF, out))
    return (functools.partial(np.maximum, out=out), (z, float(c)))


def _min_op(z, c: float, out) -> tuple:
    """``out = np.minimum(z, c)``, as :func:`_max_op`."""
    if _CLIP is not None:
        return (_CLIP, (z, _NEG_INF, float(c), out))
    return (functools.partial(np.minimum, out=out), (z, float(c)))
