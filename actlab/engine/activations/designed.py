"""A lab's designed activations, both kinds (:class:`~.custom.PiecewiseLinear` and
:class:`~.tweaked.Tweaked`): find one by name, check a lab's set, fold the linear ones into
the weights, and read or write them as a lab file does."""
from __future__ import annotations

import numpy as np

from actlab.engine.activations import tweaked
from actlab.engine.activations.custom import (
    MAX_CUSTOM, CustomActivationError, PiecewiseLinear, _folded)
from actlab.engine.activations.tweaked import Tweaked


def kinds() -> tuple[type, ...]:
    """The classes a lab's custom activations may be: :class:`PiecewiseLinear` and
    :class:`~.tweaked.Tweaked`."""
    return PiecewiseLinear, Tweaked


def find(name, custom):
    """The activation of ``custom`` (an iterable of :class:`PiecewiseLinear` or
    :class:`~.tweaked.Tweaked`) called
    ``name`` in any spelling (case, ``-``/space for ``_``), or None."""
    key = _folded(name)
    for c in custom or ():
        if _folded(c.name) == key:
            return c
    return None


def check_unique(custom) -> tuple:
    """``custom`` as a tuple, or CustomActivationError when there are more than
    ``MAX_CUSTOM`` or two share a name (in any spelling): ``field`` is ``""`` or
    ``"[i].name"`` of the second one."""
    out = tuple(custom)
    if len(out) > MAX_CUSTOM:
        raise CustomActivationError("", f"{len(out)} custom activations, at most {MAX_CUSTOM}")
    allowed = kinds()
    for i, c in enumerate(out):
        if not isinstance(c, allowed):
            raise CustomActivationError(f"[{i}]", f"must be a PiecewiseLinear or a Tweaked, "
                                                  f"got {c!r}")
        if find(c.name, out[:i]) is not None:
            raise CustomActivationError(f"[{i}].name", f"{c.name!r} is defined twice")
    return out


def fold_affine(params, activations, custom=(), leaky_slope: float = 0.01
                ) -> tuple[list, list[str]]:
    """``(params, activations)`` of the same network with every *linear* custom activation
    ``a·z + c`` folded into the weight layer before it (``W -> a W``, ``b -> a b + c``) and
    renamed ``"linear"``; the built-in leaky ReLU with ``leaky_slope`` 1 is the identity
    and is renamed ``"linear"`` too (as a tweaked one with slope 1 is); everything else
    unchanged.  After this the collapse of linear
    layers (``analysis.collapse``) is exact for collinear custom activations too."""
    params = [(np.asarray(W, dtype=float), np.asarray(b, dtype=float)) for W, b in params]
    acts = list(activations)
    for i, name in enumerate(acts):
        c = find(name, custom)
        if c is None and name == "leaky_relu" and leaky_slope == 1:
            acts[i] = "linear"  # f(z) = z: nothing to fold
        elif c is not None and c.is_linear:
            a, k = c.affine
            W, b = params[i]
            params[i] = (a * W, a * b + k)
            acts[i] = "linear"
    return params, acts


def to_dict(c) -> dict:
    """``c`` as a lab file writes it: ``{"name": ..., "points": [[x, y], ...]}`` for a
    :class:`PiecewiseLinear`, ``{"name", "base", "parameter"}`` for a tweaked built-in
    (floats written by ``json`` as their shortest repr, so reading gives the same bits)."""
    if not isinstance(c, PiecewiseLinear):
        return tweaked.to_dict(c)
    return {"name": c.name, "points": [[x, y] for x, y in c.points]}


def from_dict(d):
    """The activation a lab file's ``{"name", "points"}`` (piecewise linear) or
    ``{"name", "base", "parameter"}`` (a tweaked built-in) object describes, or
    CustomActivationError naming the field (``"points[2].x"``, ``"parameter"``; ``""``
    for the object)."""
    if not isinstance(d, dict):
        raise CustomActivationError("", f"must be an object with name and points (or name, "
                                        f"base and parameter), got {d!r}")
    if "points" not in d and ("base" in d or "parameter" in d):
        return tweaked.from_dict(d)
    extra = sorted(set(d) - {"name", "points"})
    if extra:
        raise CustomActivationError(str(extra[0]), "unknown field (a custom activation has "
                                                    "name and points, or name, base and "
                                                    "parameter)")
    for key in ("name", "points"):
        if key not in d:
            raise CustomActivationError(key, "missing")
    return PiecewiseLinear(d["name"], d["points"])
