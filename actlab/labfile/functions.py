"""The function-lab parts of the ``.actlab`` format: ``data`` with ``"kind": "functions"``
(a curve y = f(x) sampled on [-6, 6], or the student's own (x, y) points) and the 1-D
input features.  :mod:`actlab.labfile` calls these when a file's ``data.kind`` is
``"functions"``; the network, training, params, history and guide are read as for point
labs.  Every check names the field path (``data.points.train[3][1]``) through
:mod:`actlab.labfile.checks`.  Standard library and NumPy only (no Qt).
"""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from actlab.lab import FUNCTION_FEATURES, FunctionDataSpec
from actlab.labfile.checks import (
    MAX_COORD, LabFileError, _at, _choice, _coord, _float, _int, _list, _object, _shown)

FUNCTION_DATA_KEYS = ("kind", "generator", "n_points", "noise", "train_fraction", "seed",
                      "points")
#: used when the engine registry cannot be imported (a half-installed copy)
FALLBACK_GENERATORS = ("sine", "abs", "step", "cubic", "sawtooth", "bump")
FALLBACK_FEATURES = ("x", "xsq", "sinx")
MAX_NOISE = 0.5
MIN_POINTS, MAX_POINTS = 2, 100_000


def generator_names() -> tuple[str, ...]:
    """The function generators a file may name, and "custom"."""
    try:
        from actlab.engine.data.functions import FUNCTION_GENERATORS
        names = tuple(FUNCTION_GENERATORS)
    except Exception:  # engine absent or half-written: the literal list
        names = FALLBACK_GENERATORS
    return names + ("custom",)


def feature_names() -> tuple[str, ...]:
    """The input features of a function lab."""
    try:
        from actlab.engine.features import FUNCTION_FEATURES as table
        return tuple(table)
    except Exception:
        return FALLBACK_FEATURES


def _read_pairs(v: Any, path: str) -> tuple:
    pairs = _list(v, path)
    # the usual case checked in C: a list of [number, number]
    if pairs and set(map(type, pairs)) == {list} and set(map(len, pairs)) == {2} and \
            set(map(type, itertools.chain.from_iterable(pairs))) <= {float, int}:
        arr = np.array(pairs, dtype=np.float64)
        if (np.abs(arr) <= MAX_COORD).all():
            return tuple(map(tuple, arr.tolist()))
    out = []
    for i, p in enumerate(pairs):
        at = _at(path, i)
        if not isinstance(p, list) or len(p) != 2:
            raise LabFileError(at, f"must be a point [x, y], got {_shown(p)}")
        out.append((_coord(p[0], _at(at, 0)), _coord(p[1], _at(at, 1))))
    return tuple(out)


def read_function_data(obj: Any, path: str, max_seed: int) -> FunctionDataSpec:
    """``data`` of a function lab (``kind`` already checked)."""
    obj, base = _object(obj, path, FUNCTION_DATA_KEYS), FunctionDataSpec()
    get = lambda key: obj.get(key, getattr(base, key))  # noqa: E731
    generator = _choice(get("generator"), _at(path, "generator"), "function",
                        generator_names())
    custom = generator == "custom"
    n_points = _int(get("n_points"), _at(path, "n_points"),
                    *((0, None) if custom else (MIN_POINTS, MAX_POINTS)))
    noise = _float(get("noise"), _at(path, "noise"), 0, MAX_NOISE)
    fraction = _float(get("train_fraction"), _at(path, "train_fraction"), 0, 1, lo_open=True)
    seed = _int(get("seed"), _at(path, "seed"), 0, max_seed)
    points = None
    if custom:
        if obj.get("points") is None:
            raise LabFileError(_at(path, "points"), "required when generator is 'custom'")
        pts = _object(obj["points"], _at(path, "points"), ("train", "test"))
        train = _read_pairs(pts.get("train"), _at(path, "points.train"))
        if not train:
            raise LabFileError(_at(path, "points.train"), "needs at least one point")
        test = _read_pairs(pts["test"], _at(path, "points.test")) \
            if pts.get("test") is not None else ()
        if len(train) + len(test) > MAX_POINTS:
            raise LabFileError(_at(path, "points"), f"{len(train) + len(test)} points, at "
                                                    f"most {MAX_POINTS} (train and test)")
        points = (train, test)
    elif obj.get("points") is not None:
        raise LabFileError(_at(path, "points"), "only allowed when generator is 'custom'")
    return FunctionDataSpec(generator, n_points, noise, fraction, seed, points)


def read_function_features(v: Any, path: str) -> tuple[str, ...]:
    """The ``features`` of a function lab (default ``["x"]``)."""
    if v is None:
        return FUNCTION_FEATURES
    if not _list(v, path):
        raise LabFileError(path, "must list at least one feature")
    known = feature_names()
    for i, name in enumerate(v):
        _choice(name, _at(path, i), "feature of a function lab", known)
        if name in v[:i]:
            raise LabFileError(_at(path, i), f"{name!r} is listed twice")
    return tuple(v)


def function_data_to_dict(data: FunctionDataSpec) -> dict:
    d: dict[str, Any] = {"kind": "functions", "generator": data.generator,
                         "n_points": int(data.n_points), "noise": float(data.noise),
                         "train_fraction": float(data.train_fraction), "seed": int(data.seed)}
    if data.points is not None:
        train, test = data.points
        d["points"] = {"train": [[float(x), float(y)] for x, y in train],
                       "test": [[float(x), float(y)] for x, y in test]}
    return d
