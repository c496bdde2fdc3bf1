"""Input features: what the network is fed, computed from a point (x1, x2) — or, in a
function lab, from x alone (:data:`FUNCTION_FEATURES`).

These are TensorFlow Playground's seven inputs (``INPUTS`` in its ``playground.ts``).
Only ``x1`` and ``x2`` are *raw*: linear in the point.  The others already bend the
input space, so a network without activations can still draw a curved boundary when
they are switched on; the linear-collapse analysis asks :func:`is_raw` to tell the two
apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np

FeatureFn = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class FeatureInfo:
    """One entry of :data:`FEATURES`.

    ``function`` maps points X of shape (n, 2) to one column of shape (n,).  ``raw`` is
    True for the features that are the coordinates themselves (linear in the input).
    """

    name: str
    label: str
    function: FeatureFn
    raw: bool = False


FEATURES: dict[str, FeatureInfo] = {info.name: info for info in (
    FeatureInfo("x1", "x₁", lambda X: X[:, 0], raw=True),
    FeatureInfo("x2", "x₂", lambda X: X[:, 1], raw=True),
    FeatureInfo("x1sq", "x₁²", lambda X: np.square(X[:, 0])),
    FeatureInfo("x2sq", "x₂²", lambda X: np.square(X[:, 1])),
    FeatureInfo("x1x2", "x₁x₂", lambda X: X[:, 0] * X[:, 1]),
    FeatureInfo("sinx1", "sin(x₁)", lambda X: np.sin(X[:, 0])),
    FeatureInfo("sinx2", "sin(x₂)", lambda X: np.sin(X[:, 1])),
)}


#: The inputs of a function lab (y = f(x)), computed from x alone: X of shape (n, 1).
#: Kept apart from FEATURES, which the point panels list: x² means nothing for a point.
#: The names must not overlap FEATURES' (is_raw and the labels look names up in both):
#: hence "xsq" for x², as "x1sq", since "x2" already names the raw coordinate x₂.
FUNCTION_FEATURES: dict[str, FeatureInfo] = {info.name: info for info in (
    FeatureInfo("x", "x", lambda X: X[:, 0], raw=True),
    FeatureInfo("xsq", "x²", lambda X: np.square(X[:, 0])),
    FeatureInfo("sinx", "sin(x)", lambda X: np.sin(X[:, 0])),
)}


#: the features each kind of lab with a dense network may feed in
FEATURE_TABLES = {"points": FEATURES, "functions": FUNCTION_FEATURES}


def feature_names(kind: str = "points") -> tuple[str, ...]:
    """All feature names of point labs (or of ``kind="functions"``) in display order."""
    return tuple(FEATURE_TABLES[kind])


def feature_label(name: str) -> str:
    """The display label of any feature name (the name itself when unknown)."""
    info = FEATURES.get(name) or FUNCTION_FEATURES.get(name)
    return info.label if info else str(name)


def _info(name: str, table: dict | None = None) -> FeatureInfo:
    if table is None:  # either kind: the names do not overlap
        info = (FEATURES.get(name) or FUNCTION_FEATURES.get(name)
                if isinstance(name, str) else None)
        table = FEATURES
    else:
        info = table.get(name) if isinstance(name, str) else None
    if info is None:
        raise ValueError(f"Unknown input feature {name!r}; choose from: "
                         f"{', '.join(table)}.")
    return info


def is_raw(name: str) -> bool:
    """True for ``x1``, ``x2`` and ``x`` (the coordinates), False for transformed ones.

    Raises ValueError for an unknown name.
    """
    return _info(name).raw


def transform(X: np.ndarray, names: Iterable[str]) -> np.ndarray:
    """The feature matrix for points ``X`` (shape (n, 2)), or for the x values of a
    function lab (shape (n, 1), with the features of :data:`FUNCTION_FEATURES`).

    Returns a C-contiguous float64 array of shape (n, len(names)) whose column j is
    feature ``names[j]``.  Raises ValueError when ``names`` is empty, repeats a name or
    holds an unknown one (for that shape of X), or when X is not of shape (n, 2) or (n, 1).
    """
    if isinstance(names, str):
        names = (names,)
    names = tuple(names)
    if not names:
        raise ValueError("Choose at least one input feature.")
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] not in (1, 2):
        raise ValueError(f"Points must have shape (n, 2) (or (n, 1) for x alone), "
                         f"got {X.shape}.")
    table = FUNCTION_FEATURES if X.shape[1] == 1 else FEATURES
    infos = [_info(name, table) for name in names]
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise ValueError(f"Input feature {twice!r} is listed more than once.")
    out = np.empty((X.shape[0], len(infos)), dtype=np.float64)
    for j, info in enumerate(infos):
        out[:, j] = info.function(X)
    return out
