"""Weight penalties, once for every model: L2 ``rate·Σw²/2`` or L1 ``rate·Σ|w|`` over the
weights of a flat parameter buffer (``weight_mask`` is 1 on weights, 0 on biases, which are
never penalised) — as a number, as a gradient added in place, and as bound NumPy calls
for an epoch program (:mod:`.model`)."""
from __future__ import annotations

import numpy as np

from actlab.lab import REGULARIZATIONS


def regularization_kind(name) -> str:
    """``"none"``, ``"l1"`` or ``"l2"`` for ``name`` in any case (``"L2"`` is ``"l2"``).
    Raises ValueError naming the valid kinds for anything else: an unknown name silently
    meaning "no penalty" hid typos such as ``"ridge"``."""
    key = str(name).strip().lower()
    if key not in REGULARIZATIONS:
        raise ValueError(f"unknown regularization {name!r} (choose from "
                         f"{', '.join(REGULARIZATIONS)})")
    return key


def add_weight_penalty(flat: np.ndarray, weight_mask: np.ndarray, grad: np.ndarray,
                       reg: str, reg_rate: float) -> float:
    """Add the gradient of the ``reg`` ("l1", "l2" or "none") penalty of the weights in
    ``flat`` to ``grad`` in place, and return the penalty (biases never penalised)."""
    w = flat * weight_mask
    if reg == "l2":
        grad += reg_rate * w
        return 0.5 * reg_rate * float(w @ w)
    if reg == "l1":
        grad += reg_rate * np.sign(w)
        return reg_rate * float(np.abs(w).sum())
    return 0.0


def weight_penalty(flat: np.ndarray, weight_mask: np.ndarray, regularization: str,
                   reg_rate: float) -> float:
    """The penalty of the weights in parameter buffer ``flat`` (``weight_mask`` is 1 on
    weights, 0 on biases, which are never penalised): L2 ``reg_rate * sum(w**2) / 2``,
    L1 ``reg_rate * sum(|w|)``, 0 for ``"none"``.  Shared by the point and image nets."""
    reg = regularization_kind(regularization)
    w = flat * weight_mask
    if reg == "l2":
        return 0.5 * float(reg_rate) * float(w @ w)
    if reg == "l1":
        return float(reg_rate) * float(np.abs(w).sum())
    return 0.0


def regularizer_ops(reg: str, P: np.ndarray, G: np.ndarray, scale: np.ndarray,
                    tmp: np.ndarray) -> list:
    """``G += scale * P`` (L2) or ``G += scale * sign(P)`` (L1); ``scale`` is the rate on
    weights and 0 on biases.  The term added is left in ``tmp`` (the gradient record takes
    it off again).  ``reg`` in any case; an unknown one raises ValueError."""
    reg = regularization_kind(reg)
    if reg == "l2":
        return [(np.multiply, (P, scale, tmp)), (np.add, (G, tmp, G))]
    if reg == "l1":
        return [(np.sign, (P, tmp)), (np.multiply, (tmp, scale, tmp)), (np.add, (G, tmp, G))]
    return []
