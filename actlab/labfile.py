"""Lab files: the ``.actlab`` JSON format, its validation, atomic saving and the presets.

A lab file is UTF-8 JSON, specified in ``docs/lab-format.md``.  :func:`lab_to_dict` and
:func:`lab_from_dict` convert between a :class:`~actlab.lab.Lab` and plain JSON values;
:func:`lab_from_dict` validates while it reads and reports the *first* problem as a
:class:`LabFileError` whose ``path`` names the field (``network.hidden[2]``).  Floats
round-trip bit for bit because :mod:`json` writes ``repr(float)``.

Names of activations, generators and features come from the engine registries when they
import, else from the literal v1 lists below.  Standard library and NumPy only (no Qt).
"""
from __future__ import annotations

import copy
import difflib
import importlib
import itertools
import json
import math
import os
from typing import Any

import numpy as np

from actlab import labfile_functions as functions_format
from actlab import labfile_images as images_format
from actlab.lab import (CONTROL_GROUPS, DATA_KINDS, FORMAT_NAME, FORMAT_VERSION, INITS,
                        MAX_CLASSES,
                        MAX_HIDDEN_LAYERS, MAX_NEURONS, OPTIMIZERS, PROBLEMS, REGULARIZATIONS,
                        DataSpec, Lab, NetworkSpec, TrainingSpec)
from actlab.atomic import (FileTooLarge, NotARegularFile, clean_stale_temps,
                           read_regular_file, write_text_atomic)
from actlab.resources_path import resource_dir, resource_file
# The field checks live in lab_checks; MAX_DEPTH, MAX_KEY_TEXT and LabFileError stay
# importable from here (the format's limits and its error are part of this module's API).
from actlab.lab_checks import (  # noqa: F401
    MAX_DEPTH, MAX_KEY_TEXT, LabFileError, _at, _check_structure, _choice, _count, _float,
    _int, _is_finite, _is_int, _json_value, _list, _matrix, _name, _object, _shown, _str,
    _vector, frozen_matching)
from actlab.safe_text import printable

SUFFIX = ".actlab"
MAX_SEED = 2**32 - 1
HISTORY_KEYS = ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy")
# Teaching order for menus; other files in resources/labs follow alphabetically.
# circle-tanh is the default lab; the rest form the guided curriculum in teaching order.
PRESET_ORDER = ("circle-tanh", "one-layer-line", "linear-collapse-xor", "xor-needs-nonlinearity",
                "circle-features-vs-layers", "spiral-relu-vs-tanh", "deep-sigmoid-vanishes")
IMAGE_PRESET_ORDER = ("images-linear-cnn-counts-ink", "images-two-3x3-are-one-5x5",
                      "images-shapes-need-nonlinearity", "images-digits",
                      "images-max-pooling-is-nonlinear")
FUNCTION_PRESET_ORDER = ("functions-linear-draws-one-line", "functions-four-relu-pieces",
                         "functions-deeper-more-pieces", "functions-one-kink")

# The v1 vocabulary, used when the engine registries cannot be imported.
FALLBACK_NAMES = {
    "activation": ("linear", "relu", "leaky_relu", "elu", "tanh", "sigmoid", "softplus",
                   "gelu", "silu", "sine"),
    "generator": ("circle", "xor", "gaussian", "spiral", "moons", "checkerboard", "spiral3",
                  "blobs3", "plane", "gaussian_mix", "custom"),
    "feature": ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"),
}
FALLBACK_REGRESSION = ("plane", "gaussian_mix")
FALLBACK_CLASS_COUNTS = {"spiral3": 3, "blobs3": 3}  # other classification sets: 2
_REGISTRIES = {"activation": ("actlab.engine.activations", "ACTIVATIONS"),
               "generator": ("actlab.engine.data", "GENERATORS"),
               "feature": ("actlab.engine.features", "FEATURES")}

_TOP_KEYS = ("format", "version", "name", "description", "seed", "data", "features",
             "network", "training", "params", "history", "guide")
_DATA_KEYS = ("generator", "n_points", "noise", "train_fraction", "seed", "problem",
              "points", "class_names")
_NETWORK_KEYS = ("hidden", "activations", "init", "leaky_slope")
_TRAINING_KEYS = ("optimizer", "learning_rate", "batch_size", "regularization", "reg_rate",
                  "momentum", "reshuffle", "stop_after")
# The guide fields ActLab reads; other guide fields are kept untouched (for other tools),
# unless they look like a misspelling of one of these.
GUIDE_KEYS = ("instructions", "question", "expect", "locked", "hidden", "notes")
# An expected outcome: the network it is about, the claim, the sentence shown (this order
# when saved; "activation" is the older one-name-for-every-layer spelling).
_EXPECT_KEYS = ("conv", "hidden", "activations", "activation", "features", "metric", "op",
                "value", "epochs", "text")
# The same lists as actlab.engine.outcomes (METRICS, OPS); a test keeps them equal.
EXPECT_METRICS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy", "test_r2",
                  "pieces")
EXPECT_OPS = ("<", "<=", ">", ">=")
MAX_EXPECT_EPOCHS = 10_000_000
# One limit on points everywhere: generated sets (actlab.engine.data.MAX_POINTS), CSV
# imports (actlab.engine.csv_import.MAX_ROWS) and custom points in lab files; a test keeps
# them equal.
MAX_GENERATED_POINTS = MAX_CUSTOM_POINTS = 100_000
MAX_FILE_BYTES = 64 * 2**20  # as for CSV; 100,000 points with weights and history: about 6 MB
# ------------------------------------------------------------------- known names

def _registry(kind: str) -> Any:
    module_name, attr = _REGISTRIES[kind]
    try:
        return getattr(importlib.import_module(module_name), attr)
    except Exception:  # engine absent or half-written: fall back to the v1 lists
        return None


def known_names(kind: str) -> tuple[str, ...]:
    """Valid names of ``kind`` ("activation", "generator" incl. "custom", or "feature")."""
    names = tuple(n for n in (_registry(kind) or ()) if isinstance(n, str))
    names = names or FALLBACK_NAMES[kind]
    return names + ("custom",) if kind == "generator" and "custom" not in names else names


def _generator_info(name: str) -> Any:
    registry = _registry("generator")
    return registry.get(name) if isinstance(registry, dict) else None


def n_classes(data: DataSpec) -> int:
    """Number of classes of ``data`` (0 for regression).

    A generator decides its own count (3 for spiral3/blobs3, else 2).  Custom data has
    the largest label + 1, at least 2 and at least the number of class names (the same
    rule as ``actlab.engine.dataset.build_dataset``).
    """
    if data.problem == "regression":
        return 0
    if not data.is_custom:
        info = _generator_info(data.generator)
        return int(getattr(info, "n_classes", 0) or FALLBACK_CLASS_COUNTS.get(data.generator, 2))
    labels = [p[2] for pts in (data.train_points or (), data.test_points or ()) for p in pts]
    return max(int(max(labels, default=0)) + 1, len(data.class_names or ()), 2)


def layer_sizes(lab: Lab) -> tuple[int, ...]:
    """Inputs, hidden sizes and outputs (1 for regression or two classes, else n classes)."""
    k = n_classes(lab.data)
    return (len(lab.features), *lab.network.hidden, k if k > 2 else 1)


def _natural_problem(generator: str) -> str | None:
    if generator == "custom":
        return None
    problem = getattr(_generator_info(generator), "problem", None)
    return problem or ("regression" if generator in FALLBACK_REGRESSION else "classification")


# ------------------------------------------------------------------- Lab -> dict

def _plain(v: Any) -> Any:
    """NumPy scalars become Python ones; tuples become lists (JSON has no tuples)."""
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def _history_value(v: Any) -> Any:
    v = _plain(v)
    return None if isinstance(v, float) and not math.isfinite(v) else v


def _history_values(values: Any) -> list:
    """A history list as JSON values (NaN and infinities as null)."""
    if type(values) is list and set(map(type, values)) <= {float, int}:
        if np.isfinite(np.array(values, dtype=np.float64)).all():
            return list(values)  # the usual case, without a Python call per epoch
    return [_history_value(v) for v in values]


def lab_to_dict(lab: Lab) -> dict[str, Any]:
    """``lab`` as JSON-ready values (see ``docs/lab-format.md``); does not validate.
    Point labs are written as version 1 (older ActLabs open them), image and function
    labs as 2."""
    if lab.kind == "images":
        return _image_lab_to_dict(lab)
    if lab.kind == "functions":
        return _function_lab_to_dict(lab)
    data, net, tr = lab.data, lab.network, lab.training
    d_data: dict[str, Any] = {k: _plain(getattr(data, k)) for k in _DATA_KEYS[:6]}
    if data.train_points is not None or data.test_points is not None:
        classify = data.problem == "classification"

        def point(p: Any) -> list:
            p = _plain(list(p))
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
        d_data["class_names"] = _plain(data.class_names)
    d: dict[str, Any] = {
        "format": FORMAT_NAME, "version": 1, "name": lab.name,
        "description": lab.description, "seed": _plain(lab.seed), "data": d_data,
        "features": _plain(lab.features),
        "network": _network_to_dict(net),
        "training": {k: _plain(getattr(tr, k)) for k in _TRAINING_KEYS},
    }
    if lab.params is not None:
        d["params"] = [{"W": np.asarray(W).tolist(), "b": np.asarray(b).tolist()}
                       for W, b in lab.params]
    return _results_to_dict(lab, d)


def _results_to_dict(lab: Lab, d: dict) -> dict:
    if lab.history is not None:
        order = [k for k in HISTORY_KEYS if k in lab.history]
        order += [k for k in lab.history if k not in order]
        d["history"] = {k: _history_values(lab.history[k]) for k in order}
    if lab.guide is not None:
        d["guide"] = _plain(lab.guide)
    return d


def _image_lab_to_dict(lab: Lab) -> dict[str, Any]:
    d: dict[str, Any] = {
        "format": FORMAT_NAME, "version": images_format.IMAGES_VERSION, "name": lab.name,
        "description": lab.description, "seed": _plain(lab.seed),
        "data": _plain(images_format.image_data_to_dict(lab.data)),
        "network": _plain(images_format.image_network_to_dict(lab.network)),
        "training": {k: _plain(getattr(lab.training, k)) for k in _TRAINING_KEYS},
    }
    if lab.params is not None:
        d["params"] = images_format.image_params_to_list(lab.params, lab.network)
    return _results_to_dict(lab, d)


def _network_to_dict(net: NetworkSpec) -> dict[str, Any]:
    """``network`` of a point or function lab, with its custom activations by value."""
    d = {k: _plain(getattr(net, k)) for k in _NETWORK_KEYS}
    if getattr(net, "custom", ()):  # written only when there are some: old files unchanged
        from actlab.engine.custom_activation import to_dict
        d["custom"] = [to_dict(c) for c in net.custom]
    return d


def _function_lab_to_dict(lab: Lab) -> dict[str, Any]:
    net = lab.network
    d: dict[str, Any] = {
        "format": FORMAT_NAME, "version": 2, "name": lab.name,
        "description": lab.description, "seed": _plain(lab.seed),
        "data": _plain(functions_format.function_data_to_dict(lab.data)),
        "features": _plain(lab.features),
        "network": _network_to_dict(net),
        "training": {k: _plain(getattr(lab.training, k)) for k in _TRAINING_KEYS},
    }
    if lab.params is not None:
        d["params"] = [{"W": np.asarray(W).tolist(), "b": np.asarray(b).tolist()}
                       for W, b in lab.params]
    return _results_to_dict(lab, d)


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
    if not (np.abs(arr) < 1e300).all():  # also false for inf and NaN
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
        x1, x2 = _float(p[0], _at(at, 0)), _float(p[1], _at(at, 1))
        label = p[2]
        if classify and not (_is_finite(label) and float(label).is_integer()
                             and 0 <= label < MAX_CLASSES):
            raise LabFileError(_at(at, 2), f"must be a class number 0..{MAX_CLASSES - 1}, "
                                           f"got {_shown(label)}")
        out.append((x1, x2, _float(label, _at(at, 2))))
    return tuple(out)


def _read_data(v: Any, path: str) -> DataSpec:
    obj, base = _object(v, path, _DATA_KEYS), DataSpec()
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
    natural = _natural_problem(generator)
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


def _read_features(v: Any, path: str, known: tuple[str, ...] | None = None
                   ) -> tuple[str, ...]:
    if not _list(v, path):
        raise LabFileError(path, "must list at least one feature")
    known = known or known_names("feature")
    for i, name in enumerate(v):
        _choice(name, _at(path, i), "feature", known)
        if name in v[:i]:
            raise LabFileError(_at(path, i), f"{name!r} is listed twice")
    return tuple(v)


def _read_custom(v: Any, path: str) -> tuple:
    """``network.custom``: the lab's own piecewise-linear activations, by value (see
    actlab.engine.custom_activation); problems named by field path
    (``network.custom[0].points[2].x: ...``)."""
    from actlab.engine import custom_activation as ca
    out = []
    for i, item in enumerate(_list(v, path)):
        try:
            out.append(ca.from_dict(item))
        except ca.CustomActivationError as e:
            at = _at(path, i)
            raise LabFileError(f"{at}.{e.field}" if e.field else at, e.reason) from None
    try:
        return ca.check_unique(out)
    except ca.CustomActivationError as e:
        raise LabFileError(path + e.field, e.reason) from None


def _read_network(v: Any, path: str, custom: tuple = ()) -> NetworkSpec:
    """``network`` of a point lab; ``custom``: the lab's custom activations when ``v``
    is a guide claim's network, which names them but does not define them."""
    obj, base = _object(v, path, _NETWORK_KEYS + ("custom",)), NetworkSpec()
    if "custom" in obj:
        custom = _read_custom(obj["custom"], _at(path, "custom"))
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


def _read_training(v: Any, path: str) -> TrainingSpec:
    obj, base = _object(v, path, _TRAINING_KEYS), TrainingSpec()
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


def _read_params(v: Any, path: str, sizes: tuple[int, ...]) -> tuple:
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


def _read_history(v: Any, path: str) -> dict[str, list]:
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


def _read_expectation(v: Any, path: str, network: NetworkSpec,
                      features: tuple[str, ...], kind: str = "points") -> dict:
    """Check one expected outcome and return it pinned to the network it is about: the
    network fields it leaves out are the file's own (``network``, ``features``), so the
    claim stays about the teacher's network after the student changes theirs and saves."""
    obj = _object(v, path, _EXPECT_KEYS)
    for key in ("metric", "op", "value"):
        if key not in obj:
            raise LabFileError(_at(path, key), "missing")
    _choice(obj["metric"], _at(path, "metric"), "metric", EXPECT_METRICS)
    _choice(obj["op"], _at(path, "op"), "comparison", EXPECT_OPS)
    _float(obj["value"], _at(path, "value"))
    if "epochs" in obj:
        _int(obj["epochs"], _at(path, "epochs"), 1, MAX_EXPECT_EPOCHS)
    if "text" in obj:
        _str(obj["text"], _at(path, "text"))
    known = known_names("activation")
    if isinstance(network, NetworkSpec):  # and the lab's own, by name
        known += tuple(c.name for c in network.custom)
    if not isinstance(network, NetworkSpec):  # an image lab: conv layers and dense layers
        out = images_format.read_image_expectation_network(obj, path, network, known)
        out.update((k, obj[k]) for k in _EXPECT_KEYS if k in obj and k not in out)
        out.pop("activation", None)
        return out
    if "conv" in obj:
        raise LabFileError(_at(path, "conv"), "only for image labs")
    one, acts = obj.get("activation"), obj.get("activations")
    if one is not None:
        one = _choice(one, _at(path, "activation"), "activation", known)
    if isinstance(acts, str):  # one name for every layer, like "activation"
        if one is not None:
            raise LabFileError(_at(path, "activations"), "give activation or activations, "
                                                         "not both")
        one, acts = _choice(acts, _at(path, "activations"), "activation", known), None
    elif acts is not None and one is not None:
        raise LabFileError(_at(path, "activations"), "give activation or activations, "
                                                     "not both")
    hidden = obj.get("hidden", list(network.hidden))
    if acts is None:
        n = len(hidden) if isinstance(hidden, list) else 0
        if one is not None:
            acts = [one] * n
        elif "hidden" not in obj or n == len(network.hidden):
            acts = list(network.activations)
        else:
            raise LabFileError(_at(path, "activations"),
                               f"missing: name the activations of its {_count(n, 'hidden layer')}")
    net = _read_network({"hidden": hidden, "activations": acts}, path, network.custom)
    known_features = functions_format.feature_names() if kind == "functions" else None
    feats = _read_features(obj.get("features", list(features)), _at(path, "features"),
                           known_features)
    if obj["metric"] == "pieces":
        _check_pieces_claim(net, feats, path, kind)
    out = {"hidden": list(net.hidden), "activations": list(net.activations),
           "features": list(feats)}
    out.update((k, obj[k]) for k in _EXPECT_KEYS if k in obj and k not in out)
    out.pop("activation", None)
    return out


def _check_pieces_claim(net: NetworkSpec, features, path: str, kind: str) -> None:
    """A "pieces" claim needs a function lab and a curve that is piecewise linear in x."""
    if kind != "functions":
        raise LabFileError(_at(path, "metric"), "'pieces' is for function labs only")
    from actlab.engine.activations import get_activation
    from actlab.engine.pieces import not_piecewise_linear_reason
    acts = [get_activation(a, net.leaky_slope, net.custom) for a in net.activations]
    reason = not_piecewise_linear_reason(acts, list(features))
    if reason:
        raise LabFileError(_at(path, "metric"), f"'pieces' needs a piecewise-linear network: "
                                                f"{reason}")


def _read_guide(v: Any, path: str, network: NetworkSpec, features: tuple[str, ...],
                kind: str = "points") -> dict:
    """Check the guide fields ActLab uses (see ``docs/lab-format.md``); returns a copy
    whose expectations are pinned to ``network`` and ``features`` where they name none."""
    obj = _object(v, path, None)
    _json_value(obj, path)
    for key in obj:
        if key not in GUIDE_KEYS:
            close = difflib.get_close_matches(key, GUIDE_KEYS, n=1, cutoff=0.75)
            if close:
                raise LabFileError(_at(path, key), f"unknown field (did you mean "
                                                   f"'{close[0]}'?)")
    for key in ("instructions", "question", "notes"):
        if key in obj:
            _str(obj[key], _at(path, key))
    expect = None
    if "expect" in obj:
        at = _at(path, "expect")
        expect = [_read_expectation(e, _at(at, i), network, features, kind)
                  for i, e in enumerate(_list(obj["expect"], at))]
    for key in ("locked", "hidden"):
        if key not in obj:
            continue
        at, seen = _at(path, key), set()
        for i, name in enumerate(_list(obj[key], at)):
            name = _choice(name, _at(at, i), "control", CONTROL_GROUPS)
            if name in seen:
                raise LabFileError(_at(at, i), f"'{name}' is listed twice")
            seen.add(name)
    out = copy.deepcopy(obj)
    if expect is not None:
        out["expect"] = expect
    return out


def lab_from_dict(d: Any) -> Lab:
    """Validate ``d`` (parsed lab-file JSON) and build its Lab.

    Missing optional fields take the Lab defaults.  Raises :class:`LabFileError` naming the
    first problem found, in the order of the fields in the format.
    """
    if not isinstance(d, dict) or d.get("format") != FORMAT_NAME:
        raise LabFileError("format", "not an ActLab lab file")
    version = d.get("version")
    if not _is_int(version) or version < 1:
        raise LabFileError("version", "missing" if "version" not in d
                           else f"must be an integer >= 1, got {_shown(version)}")
    if version > FORMAT_VERSION:
        raise LabFileError("version", f"{version} is newer than this ActLab understands "
                                      f"({FORMAT_VERSION})")
    # Older versions would be upgraded here, one step at a time; v1 is the first.
    # Version 2 added image labs (data.kind "images") and then function labs ("functions":
    # an older version-2 reader refuses that kind by name); a version-1 file is a point lab.
    _object(d, "", _TOP_KEYS)
    _check_structure(d)
    base = Lab()
    name = _str(d.get("name", base.name), "name")
    description = _str(d.get("description", base.description), "description")
    seed = _int(d.get("seed", base.seed), "seed", 0, MAX_SEED)
    raw_data = d.get("data", {})
    kind = "points"
    if isinstance(raw_data, dict) and "kind" in raw_data:
        kind = _choice(raw_data["kind"], "data.kind", "data kind", DATA_KINDS)
        if kind != "points" and version < images_format.IMAGES_VERSION:
            raise LabFileError("data.kind", f"{kind[:-1]} labs need version "
                                            f"{images_format.IMAGES_VERSION} or newer, the "
                                            f"file says {version}")
        if kind == "points":
            raw_data = {k: x for k, x in raw_data.items() if k != "kind"}
    if kind == "functions":
        data = functions_format.read_function_data(raw_data, "data", MAX_SEED)
        features = functions_format.read_function_features(d.get("features"), "features")
        network = _read_network(d.get("network", {}), "network")
    elif kind == "images":
        if "features" in d:
            raise LabFileError("features", "only for point labs (an image lab's input is "
                                           "the image)")
        data = images_format.read_image_data(raw_data, "data", MAX_SEED)
        features = base.features
        network = images_format.read_image_network(d.get("network", {}), "network", data,
                                                   known_names("activation"), _read_custom)
    else:
        data = _read_data(raw_data, "data")
        features = _read_features(d.get("features", list(base.features)), "features")
        network = _read_network(d.get("network", {}), "network")
    training = _read_training(d.get("training", {}), "training")
    lab = Lab(name, description, data, features, network, training, seed)
    params = history = guide = None
    if d.get("params") is not None and kind == "images":
        params = images_format.read_image_params(d["params"], "params", network)
    elif d.get("params") is not None:
        params = _read_params(d["params"], "params", layer_sizes(lab))
    if d.get("history") is not None:
        history = _read_history(d["history"], "history")
    if d.get("guide") is not None:
        guide = _read_guide(d["guide"], "guide", network, features, kind)
        _check_r2_claims(guide, data)
    return Lab(name, description, data, features, network, training, seed, params, history,
               guide)


def _check_r2_claims(guide: dict, data: Any) -> None:
    """R² is defined for regression only: a claim about it in a classification lab is a
    mistake the file should not hide."""
    for i, e in enumerate(guide.get("expect") or ()):
        if e.get("metric") == "test_r2" and data.problem != "regression":
            raise LabFileError(f"guide.expect[{i}].metric", "test_r2 is for regression "
                                                             "labs only")


# ------------------------------------------------------------------- files

class _DuplicateField(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateField(key)
        out[key] = value
    return out


def _too_large() -> str:
    return f"the file is too large for a lab file (more than {MAX_FILE_BYTES // 2**20} MB)"


def load_lab(path: str | os.PathLike) -> Lab:
    """Read and validate the lab file at ``path``.

    Every user error (missing, unreadable or odd file, too large, not UTF-8, not JSON,
    invalid lab) raises :class:`LabFileError` whose one-line message starts with the file
    name.  Stale temporary files of interrupted saves of ``path`` are removed.
    """
    try:
        filename = os.fspath(path)
    except TypeError:
        raise LabFileError("", f"not a file name: {_shown(path)}") from None
    try:
        text = read_regular_file(filename, MAX_FILE_BYTES).decode("utf-8-sig")  # -sig: BOM
        if not text.strip():
            raise LabFileError("", "the file is empty", filename)
        lab = lab_from_dict(json.loads(text, object_pairs_hook=_no_duplicates))
    except LabFileError as e:
        raise LabFileError(e.path, e.reason, filename) from None
    except FileNotFoundError:
        raise LabFileError("", "file not found", filename) from None
    except IsADirectoryError:
        raise LabFileError("", "is a folder, not a lab file", filename) from None
    except NotARegularFile:
        raise LabFileError("", "not a regular file (a device, pipe or socket?)",
                           filename) from None
    except FileTooLarge:
        raise LabFileError("", _too_large(), filename) from None
    except UnicodeDecodeError as e:
        raise LabFileError("", f"not UTF-8 text (bad byte at position {e.start})",
                           filename) from None
    except OSError as e:  # permission, name too long, I/O error, ...: one clear line
        raise LabFileError("", f"cannot read the file: {e.strerror or e}", filename) from None
    except json.JSONDecodeError as e:
        raise LabFileError("", f"not valid JSON at line {e.lineno}, column {e.colno}: "
                               f"{e.msg}", filename) from None
    except _DuplicateField as e:
        raise LabFileError("", f"not a valid lab file: the field {_name(e.args[0])} appears twice",
                           filename) from None
    except RecursionError:
        raise LabFileError("", "not a valid lab file: nested too deeply", filename) from None
    except MemoryError:
        raise LabFileError("", "not enough memory to read the file", filename) from None
    except ValueError as e:  # e.g. an integer of more than 4300 digits
        what = ("a number has too many digits" if "digits" in str(e)
                else printable(str(e), 120))
        raise LabFileError("", f"not a valid lab file: {what}", filename) from None
    clean_stale_temps(filename)
    return lab


def lab_to_json(lab: Lab) -> str:
    """The text :func:`save_lab` writes: validated, indented, one point or row per line."""
    d = lab_to_dict(lab)
    lab_from_dict(d)  # never write a file that load_lab would reject
    return _format(d) + "\n"


def _rows(v: list, indent: int) -> str | None:
    """``_format(v)`` for a list of flat lists of numbers (points, weight matrices), made
    by one call of the C JSON encoder instead of one per row, which made saving 100,000
    points take seconds; None for any other list."""
    if not (v and type(v[0]) is list and set(map(type, v)) == {list}):
        return None
    text = json.dumps(v, ensure_ascii=False, allow_nan=False)
    if text.count("[") != len(v) + 1 or '"' in text or "{" in text:
        return None  # deeper lists, strings or objects: the general path
    pad = "\n" + " " * (indent + 1)
    return "[" + pad + text[1:-1].replace("], [", "]," + pad + "[") + "\n" + " " * indent + "]"


def _format(v: Any, indent: int = 0) -> str:
    if type(v) is list:
        text = _rows(v, indent)
        if text is None and v and type(v[0]) is not list and type(v[0]) is not dict:
            text = json.dumps(v, ensure_ascii=False, allow_nan=False)
            if text.count("[") != 1 or "{" in text:
                text = None  # it holds lists or objects (or brackets in strings)
        if text is not None:
            return text
    if isinstance(v, (dict, list)) and v:
        pad = " " * (indent + 1)
        if isinstance(v, dict):
            items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {_format(x, indent + 1)}"
                     for k, x in v.items()]
            return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
        if any(isinstance(x, (dict, list)) for x in v):
            items = [pad + _format(x, indent + 1) for x in v]
            return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
    return json.dumps(v, ensure_ascii=False, allow_nan=False)


def save_lab(lab: Lab, path: str | os.PathLike) -> None:
    """Write ``lab`` to ``path`` atomically.

    The text goes to a temporary file in the same folder, is fsynced, then renamed over
    ``path`` (:func:`actlab.atomic.atomic_path`).  On any failure the temporary file is
    removed and an existing file at ``path`` is left untouched.  Raises LabFileError, and
    nothing else, for an invalid lab (e.g. NaN weights) or an OS error (missing folder, no
    permission, disk full, name too long).
    """
    filename = os.fspath(path)
    try:
        text = lab_to_json(lab)
    except LabFileError as e:
        raise LabFileError(e.path, e.reason, filename) from None
    except RecursionError:
        raise LabFileError("", "cannot save: the lab is nested too deeply", filename) from None
    except Exception as e:  # a Lab built in code holding a value no lab file can hold
        raise LabFileError("", f"cannot save: the lab holds a value a lab file cannot "
                               f"({type(e).__name__}: {e})", filename) from e
    folder = os.path.dirname(os.path.abspath(filename))
    if not os.path.isdir(folder):
        raise LabFileError("", f"cannot save: the folder {folder} does not exist", filename)
    try:
        write_text_atomic(filename, text)
    except OSError as e:
        raise LabFileError("", f"cannot save: {e.strerror or e}", filename) from e


# ------------------------------------------------------------------- presets

def _preset_kind(path) -> str:
    """The data kind a preset file declares ("points" when it names none or cannot be
    read: load_preset then reports the problem)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8")).get("data", {})
        kind = data.get("kind", "points") if isinstance(data, dict) else "points"
    except (OSError, ValueError, AttributeError):
        return "points"
    return kind if kind in DATA_KINDS else "points"


def preset_names(kind: str = "points") -> list[str]:
    """Names (file stems) of the bundled preset labs of ``kind`` ("points", "images",
    "functions" or "all"), in teaching order.  The default is the point labs: the window opens those;
    image labs are trained with ``actlab train`` for now."""
    if kind not in (*DATA_KINDS, "all"):
        raise ValueError(f"kind must be one of {', '.join((*DATA_KINDS, 'all'))}, got {kind!r}")
    paths = {p.name[: -len(SUFFIX)]: p for p in resource_dir("labs").glob("*" + SUFFIX)}
    found = sorted(n for n, p in paths.items() if kind == "all" or _preset_kind(p) == kind)
    order = PRESET_ORDER + IMAGE_PRESET_ORDER + FUNCTION_PRESET_ORDER
    ordered = [n for n in order if n in found]
    return ordered + [n for n in found if n not in ordered]


def load_preset(name: str) -> Lab:
    """The bundled preset ``name`` (as listed by :func:`preset_names`)."""
    name = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name
    names = preset_names("all")
    if name not in names:
        raise LabFileError("", f"no preset named {_name(name)} (choose from {', '.join(names)})")
    return load_lab(resource_file("labs", name + SUFFIX))
