"""The point-lab parts of the ``.actlab`` format, which function labs share: ``data`` of
2-D points (generated or the user's own), ``features``, the dense ``network`` (with its
custom activations by value), and for every kind of lab ``training``, ``params``,
``history`` and the JSON-ready values they are written as.  :mod:`actlab.labfile` reads the
format's version and the lab's kind and calls these.  Every check names the field path
(``data.points.train[3][2]``) through :mod:`actlab.labfile.checks`.  Standard library and
NumPy only (no Qt).
"""
from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from actlab.lab import (INITS, MAX_CLASSES, MAX_HIDDEN_LAYERS, MAX_NEURONS, OPTIMIZERS,
                        PROBLEMS, REGULARIZATIONS, DataSpec, Lab, NetworkSpec, TrainingSpec)
from actlab.labfile.checks import (
    MAX_COORD, LabFileError, _at, _choice, _coord, _count, _float, _int, _is_finite, _is_int,
    _list, _matrix, _object, _shown, _vector, frozen_matching)
from actlab.labfile.names import known_names, natural_problem

MAX_SEED = 2**32 - 1
HISTORY_KEYS = ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy")
DATA_KEYS = ("generator", "n_points", "noise", "train_fraction", "seed", "problem",
             "points", "class_names")
NETWORK_KEYS = ("hidden", "activations", "init", "leaky_slope")
TRAINING_KEYS = ("optimizer", "learning_rate", "batch_size", "regularization", "reg_rate",
                 "momentum", "reshuffle", "stop_after")
# One limit on points everywhere: generated sets (actlab.engine.data.MAX_POINTS), CSV
# imports (actlab.engine.data.points_csv.MAX_ROWS) and custom points in lab files; a test keeps
# them equal.
MAX_GENERATED_POINTS = MAX_CUSTOM_POINTS = 100_000

# ------------------------------------------------------------------- Lab -> dict

def plain(v: Any) -> Any:
    """NumPy scalars become Python ones; tuples become lists (JSON has no tuples)."""
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        if set(map(type, v)) <= _PLAIN:  # rows of pixels or numbers: nothing to convert
            return list(v)
        return [plain(x) for x in v]
    return v


_PLAIN = {int, float, str, bool, type(None)}


def _history_value(v: Any) -> Any:
    v = plain(v)
    return None if isinstance(v, float) and not math.isfinite(v) else v


def _history_values(values: Any) -> list:
    """A history list as JSON values (NaN and infinities as null)."""
    if type(values) is list and set(map(type, values)) <= {float, int}:
        if np.isfinite(np.array(values, dtype=np.float64)).all():
            return list(values)  # the usual case, without a Python call per epoch
    return [_history_value(v) for v in values]



def point_data_to_dict(data: DataSpec) -> dict[str, Any]:
    """``data`` of a point lab as JSON-ready values (custom points as [x1, x2, label])."""
    d_data: dict[str, Any] = {k: plain(getattr(data, k)) for k in DATA_KEYS[:6]}
    if data.train_points is not None or data.test_points is not None:
        classify = data.problem == "classification"

        def point(p: Any) -> list:
            p = plain(list(p))
            if classify and len(p) == 3 and isinstance(p[2], float) and p[2].is_integer():
                p[2] = int(p[2])  # class numbers read better as 0, 1, 2
            return p

        def points(pts: Any) -> list:
            if classify and all(type(p) is tuple and len(p) == 3 and type(p[0]) is float
                                and type(p[1]) is float and type(p[2]) is float
                                and p[2].is_integer() for p in pts):
                return [[a, b, int(c)] for a, b, c in pts]  # the usual case, 10x faster
            return [point(p) for p in pts]

        d_data["points"] = {key: points(pts) for key, pts in
                            (("train", data.train_points), ("test", data.test_points))
                            if pts is not None}
    if data.class_names is not None:
        d_data["class_names"] = plain(data.class_names)
    return d_data


def network_to_dict(net: NetworkSpec) -> dict[str, Any]:
    """``network`` of a point or function lab, with its custom activations by value."""
    d = {k: plain(getattr(net, k)) for k in NETWORK_KEYS}
    if getattr(net, "custom", ()):  # written only when there are some: old files unchanged
        from actlab.engine.activations.designed import to_dict
        d["custom"] = [to_dict(c) for c in net.custom]
    return d


def training_to_dict(training: TrainingSpec) -> dict[str, Any]:
    """``training`` of any kind of lab as JSON-ready values."""
    return {k: plain(getattr(training, k)) for k in TRAINING_KEYS}


def dense_params_to_list(params: tuple) -> list[dict[str, list]]:
    """The (W, b) pairs of a point or function lab's network as ``params`` entries."""
    return [{"W": np.asarray(W).tolist(), "b": np.asarray(b).tolist()} for W, b in params]


def results_to_dict(lab: Lab, d: dict) -> dict:
    """``d`` (a lab of any kind as JSON-ready values) with ``lab``'s history and guide
    added, if it has them; returns ``d``."""
    if lab.history is not None:
        order = [k for k in HISTORY_KEYS if k in lab.history]
        order += [k for k in lab.history if k not in order]
        d["history"] = {k: _history_values(lab.history[k]) for k in order}
    if lab.guide is not None:
        d["guide"] = plain(lab.guide)
    return d


# ------------------------------------------------------------------- dict -> Lab

def _points_fast(v: list, classify: bool) -> tuple | None:
    """The points of ``v`` if every one is a valid [x1, x2, label] of plain numbers, else
    None (then the slow path finds and names the first bad one).  NumPy checks 100,000
    points in milliseconds where a Python loop over them takes most of a second."""
    # set(map(...)) runs in C: checking 300,000 values costs milliseconds
    if not v or set(map(type, v)) != {list} or set(map(len, v)) != {3}:
        return None
    if not set(map(type, itertools.chain.from_iterable(v))) <= {float, int}:
        return None  # np.array would also take "1.5" and True
    try:
        arr = np.array(v, dtype=np.float64).reshape(len(v), 3)
    except (ValueError, OverflowError):
        return None
    if not (np.abs(arr) <= MAX_COORD).all():  # also false for inf and NaN
        return None  # (rare) let _float decide each value
    if classify:
        labels = arr[:, 2]
        if not ((labels == np.floor(labels)) & (labels >= 0) & (labels < MAX_CLASSES)).all():
            return None
    return tuple(map(tuple, arr.tolist()))


def _read_points(v: Any, path: str, classify: bool) -> tuple:
    points = _points_fast(_list(v, path), classify)
    if points is not None:
        return points
    out = []
    for i, p in enumerate(v):
        at = _at(path, i)
        if not isinstance(p, list) or len(p) != 3:
            raise LabFileError(at, f"must be a point [x1, x2, label], got {_shown(p)}")
        x1, x2 = _coord(p[0], _at(at, 0)), _coord(p[1], _at(at, 1))
        label = p[2]
        if classify and not (_is_finite(label) and float(label).is_integer()
                             and 0 <= label < MAX_CLASSES):
            raise LabFileError(_at(at, 2), f"must be a class number 0..{MAX_CLASSES - 1}, "
                                           f"got {_shown(label)}")
        out.append((x1, x2, _coord(label, _at(at, 2))))
    return tuple(out)


def read_point_data(v: Any, path: str) -> DataSpec:
    """``data`` of a point lab: a generator and its settings, or "custom" with its
    points (train, optionally test) and class names."""
    obj, base = _object(v, path, DATA_KEYS), DataSpec()
    get = lambda key: obj.get(key, getattr(base, key))  # noqa: E731
    generator = _choice(get("generator"), _at(path, "generator"), "generator",
                        known_names("generator"))
    # Custom data has as many points as it lists: n_points is not used (the window writes
    # 0 after Clear points), so any whole number >= 0 is kept as it is.
    n_points = _int(get("n_points"), _at(path, "n_points"),
                    *((0, None) if generator == "custom" else (2, MAX_GENERATED_POINTS)))
    noise = _float(get("noise"), _at(path, "noise"), 0, 0.5)
    fraction = _float(get("train_fraction"), _at(path, "train_fraction"), 0, 1, lo_open=True)
    seed = _int(get("seed"), _at(path, "seed"), 0, MAX_SEED)
    natural = natural_problem(generator)
    problem = _choice(obj.get("problem", natural or base.problem), _at(path, "problem"),
                      "problem", PROBLEMS)
    if natural and problem != natural:
        raise LabFileError(_at(path, "problem"), f"generator {generator!r} makes a "
                                                 f"{natural} problem, got {problem!r}")
    train = test = None
    if generator == "custom":
        if obj.get("points") is None:
            raise LabFileError(_at(path, "points"), "required when generator is 'custom'")
        pts = _object(obj["points"], _at(path, "points"), ("train", "test"))
        train = _read_points(pts.get("train"), _at(path, "points.train"),
                             problem == "classification")
        if not train:
            raise LabFileError(_at(path, "points.train"), "needs at least one point")
        if pts.get("test") is not None:
            test = _read_points(pts["test"], _at(path, "points.test"),
                                problem == "classification")
        total = len(train) + len(test or ())
        if total > MAX_CUSTOM_POINTS:
            raise LabFileError(_at(path, "points"), f"{total} points, at most "
                                                    f"{MAX_CUSTOM_POINTS} (train and test)")
    elif obj.get("points") is not None:
        raise LabFileError(_at(path, "points"), "only allowed when generator is 'custom'")
    spec = DataSpec(generator, n_points, noise, fraction, seed, problem, train, test)
    names = obj.get("class_names")
    if names is None:
        return spec
    at = _at(path, "class_names")
    if generator != "custom" or problem != "classification":
        raise LabFileError(at, "only allowed for custom classification data")
    for i, name in enumerate(_list(names, at)):
        if not isinstance(name, str) or not name.strip():
            raise LabFileError(_at(at, i), f"must be a non-empty string, got {_shown(name)}")
    if len(names) > MAX_CLASSES:
        raise LabFileError(at, f"{_count(len(names), 'name')}, at most {MAX_CLASSES} classes")
    labels = max(int(p[2]) + 1 for p in train + (test or ()))
    if len(names) < labels:
        raise LabFileError(at, f"{_count(len(names), 'name')} for {labels} classes")
    return DataSpec(generator, n_points, noise, fraction, seed, problem, train, test,
                    tuple(names))


def read_features(v: Any, path: str, known: tuple[str, ...] | None = None
                  ) -> tuple[str, ...]:
    """A non-empty list of distinct input features, each one of ``known`` (default: the
    point-lab features)."""
    if not _list(v, path):
        raise LabFileError(path, "must list at least one feature")
    known = known or known_names("feature")
    for i, name in enumerate(v):
        _choice(name, _at(path, i), "feature", known)
        if name in v[:i]:
            raise LabFileError(_at(path, i), f"{name!r} is listed twice")
    return tuple(v)


def read_custom(v: Any, path: str) -> tuple:
    """``network.custom``: the lab's own piecewise-linear activations, by value (see
    actlab.engine.activations.custom); problems named by field path
    (``network.custom[0].points[2].x: ...``)."""
    from actlab.engine.activations import custom as ca
    from actlab.engine.activations import designed
    out = []
    for i, item in enumerate(_list(v, path)):
        try:
            out.append(designed.from_dict(item))
        except ca.CustomActivationError as e:
            at = _at(path, i)
            raise LabFileError(f"{at}.{e.field}" if e.field else at, e.reason) from None
    try:
        return designed.check_unique(out)
    except ca.CustomActivationError as e:
        raise LabFileError(path + e.field, e.reason) from None


def read_network(v: Any, path: str, custom: tuple = ()) -> NetworkSpec:
    """``network`` of a point lab; ``custom``: the lab's custom activations when ``v``
    is a guide claim's network, which names them but does not define them."""
    obj, base = _object(v, path, NETWORK_KEYS + ("custom",)), NetworkSpec()
    if "custom" in obj:
        custom = read_custom(obj["custom"], _at(path, "custom"))
    hidden = _list(obj.get("hidden", list(base.hidden)), _at(path, "hidden"))
    if len(hidden) > MAX_HIDDEN_LAYERS:
        raise LabFileError(_at(path, "hidden"), f"{_count(len(hidden), 'hidden layer')}, "
                                                f"at most {MAX_HIDDEN_LAYERS}")
    sizes = tuple(_int(h, _at(_at(path, "hidden"), i), 1, MAX_NEURONS)
                  for i, h in enumerate(hidden))
    at = _at(path, "activations")
    acts = _list(obj.get("activations", [base.activations[0]] * len(sizes)), at)
    if len(acts) != len(sizes):
        raise LabFileError(at, f"{_count(len(acts), 'activation')} for "
                               f"{_count(len(sizes), 'hidden layer')}")
    known = known_names("activation") + tuple(c.name for c in custom)
    acts = tuple(_choice(a, _at(at, i), "activation", known) for i, a in enumerate(acts))
    init = _choice(obj.get("init", base.init), _at(path, "init"), "init", INITS)
    slope = _float(obj.get("leaky_slope", base.leaky_slope), _at(path, "leaky_slope"), 0, 1)
    return NetworkSpec(sizes, acts, init, slope, custom)


def read_training(v: Any, path: str) -> TrainingSpec:
    """``training`` of any kind of lab; missing fields take the TrainingSpec defaults."""
    obj, base = _object(v, path, TRAINING_KEYS), TrainingSpec()
    get = lambda key: obj.get(key, getattr(base, key))  # noqa: E731
    stop = get("stop_after")
    if stop is not None and not (_is_int(stop) and stop >= 1):
        raise LabFileError(_at(path, "stop_after"),
                           f"must be null or an integer >= 1, got {_shown(stop)}")
    if not isinstance(get("reshuffle"), bool):
        raise LabFileError(_at(path, "reshuffle"),
                           f"must be true or false, got {_shown(get('reshuffle'))}")
    return TrainingSpec(
        optimizer=_choice(get("optimizer"), _at(path, "optimizer"), "optimizer", OPTIMIZERS),
        learning_rate=_float(get("learning_rate"), _at(path, "learning_rate"), 0, 10,
                             lo_open=True),
        batch_size=_int(get("batch_size"), _at(path, "batch_size"), 1, 10_000),
        regularization=_choice(get("regularization"), _at(path, "regularization"),
                               "regularization", REGULARIZATIONS),
        reg_rate=_float(get("reg_rate"), _at(path, "reg_rate"), 0),
        momentum=_float(get("momentum"), _at(path, "momentum"), 0, 1, hi_open=True),
        reshuffle=get("reshuffle"), stop_after=stop)


def read_params(v: Any, path: str, sizes: tuple[int, ...]) -> tuple:
    """``params`` of a dense network of layer ``sizes`` (inputs .. outputs): one frozen
    (W, b) pair per layer, shapes checked."""
    n = len(sizes) - 1
    if len(_list(v, path)) != n:
        raise LabFileError(path, f"{_count(len(v), 'layer')} of weights for a network with "
                                 f"{_count(n, 'layer')} ({n - 1} hidden + output)")
    out = []
    for i, layer in enumerate(v):
        at = _at(path, i)
        _object(layer, at, ("W", "b"))
        for key in ("W", "b"):
            if key not in layer:
                raise LabFileError(_at(at, key), "missing")
        W, b = _matrix(layer["W"], _at(at, "W")), _vector(layer["b"], _at(at, "b"))
        out.append(frozen_matching(at, (("W", W, (sizes[i], sizes[i + 1])),
                                        ("b", b, (sizes[i + 1],)))))
    return tuple(out)


def read_history(v: Any, path: str) -> dict[str, list]:
    """``history``: epochs and, as long, each metric's values (null read as NaN)."""
    obj = _object(v, path, HISTORY_KEYS)
    if "epoch" not in obj:
        raise LabFileError(_at(path, "epoch"), "missing")
    out: dict[str, list] = {}
    for key in (k for k in HISTORY_KEYS if k in obj):
        at = _at(path, key)
        values = _list(obj[key], at)
        kinds = set(map(type, values))
        if key == "epoch":
            if kinds <= {int} and min(values, default=0) >= 0:
                out[key] = list(values)  # fast path; the loop below names a bad one
            else:
                out[key] = [_int(x, _at(at, i), 0) for i, x in enumerate(values)]
            # a long run keeps a thinned record: epochs may skip, never go back
            back = next((i for i in range(1, len(values)) if values[i] <= values[i - 1]), None)
            if back is not None:
                raise LabFileError(_at(at, back), f"must be more than the epoch before it "
                                                  f"({values[back - 1]}), got {values[back]}")
            continue
        fast = _finite_floats(values) if kinds <= {float, int} else None
        values = fast if fast is not None else _history_numbers(values, at)
        if len(values) != len(out["epoch"]):
            raise LabFileError(at, f"{_count(len(values), 'value')}, but history.epoch has "
                                   f"{len(out['epoch'])}")
        out[key] = values
    return out


def _finite_floats(v: list) -> list | None:
    """``v`` (ints and floats) as floats when all pass _is_finite, else None."""
    try:
        arr = np.array(v, dtype=np.float64)
    except OverflowError:
        return None
    return arr.tolist() if (np.abs(arr) < 1e300).all() else None


def _history_numbers(v: list, at: str) -> list:
    values = []
    for i, x in enumerate(v):
        if x is not None and not _is_finite(x):
            raise LabFileError(_at(at, i), f"must be a number or null, got {_shown(x)}")
        values.append(math.nan if x is None else float(x))  # one NaN object: labs compare equal
    return values
