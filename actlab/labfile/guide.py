"""The ``guide`` of a lab file: the teacher's instructions and question, the controls
locked or hidden from the student, and the expected outcomes (``guide.expect``), each
checked and pinned to the network it is about.  Shared by every kind of lab;
:mod:`actlab.labfile` calls :func:`read_guide` once the lab's network is read.  Every
check names the field path (``guide.expect[0].metric``) through :mod:`actlab.labfile.checks`.
Standard library only (no Qt).
"""
from __future__ import annotations

import difflib
from typing import Any

from actlab.labfile import functions as functions_format
from actlab.labfile import images as images_format
from actlab.lab import CONTROL_GROUPS, NetworkSpec
from actlab.labfile.checks import (
    LabFileError, json_copy, _at, _choice, _count, _float, _int, _list, _object, _str)
from actlab.labfile.names import known_names
from actlab.labfile.points import read_features, read_network

# The guide fields ActLab reads; other guide fields are kept untouched (for other tools),
# unless they look like a misspelling of one of these.
GUIDE_KEYS = ("instructions", "question", "expect", "locked", "hidden", "notes")
# An expected outcome: the network it is about, the claim, the sentence shown (this order
# when saved; "activation" is the older one-name-for-every-layer spelling).
EXPECT_KEYS = ("conv", "hidden", "activations", "activation", "features", "metric", "op",
               "value", "epochs", "text")
# The same lists as actlab.engine.outcomes (METRICS, OPS); a test keeps them equal.
EXPECT_METRICS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy", "test_r2",
                  "pieces")
EXPECT_OPS = ("<", "<=", ">", ">=")
MAX_EXPECT_EPOCHS = 10_000_000


def _read_expectation(v: Any, path: str, network: NetworkSpec,
                      features: tuple[str, ...], kind: str = "points") -> dict:
    """Check one expected outcome and return it pinned to the network it is about: the
    network fields it leaves out are the file's own (``network``, ``features``), so the
    claim stays about the teacher's network after the student changes theirs and saves."""
    obj = _object(v, path, EXPECT_KEYS)
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
        out.update((k, obj[k]) for k in EXPECT_KEYS if k in obj and k not in out)
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
    net = read_network({"hidden": hidden, "activations": acts}, path, network.custom)
    known_features = functions_format.feature_names() if kind == "functions" else None
    feats = read_features(obj.get("features", list(features)), _at(path, "features"),
                           known_features)
    if obj["metric"] == "pieces":
        _check_pieces_claim(net, feats, path, kind)
    out = {"hidden": list(net.hidden), "activations": list(net.activations),
           "features": list(feats)}
    out.update((k, obj[k]) for k in EXPECT_KEYS if k in obj and k not in out)
    out.pop("activation", None)
    return out


def _check_pieces_claim(net: NetworkSpec, features, path: str, kind: str) -> None:
    """A "pieces" claim needs a function lab and a curve that is piecewise linear in x."""
    if kind != "functions":
        raise LabFileError(_at(path, "metric"), "'pieces' is for function labs only")
    from actlab.engine.activations.lookup import get_activation
    from actlab.engine.analysis.pieces import not_piecewise_linear_reason
    acts = [get_activation(a, net.leaky_slope, net.custom) for a in net.activations]
    reason = not_piecewise_linear_reason(acts, list(features))
    if reason:
        raise LabFileError(_at(path, "metric"), f"'pieces' needs a piecewise-linear network: "
                                                f"{reason}")


def read_guide(v: Any, path: str, network: NetworkSpec, features: tuple[str, ...],
               kind: str = "points", fresh: bool = False) -> dict:
    """Check the guide fields ActLab uses (see ``docs/lab-format.md``); returns a copy
    whose expectations are pinned to ``network`` and ``features`` where they name none.
    ``fresh``: ``v`` was just parsed from a file whose text showed only JSON values
    (:func:`~.checks.text_facts`) and nobody else holds it: used as it is, not copied."""
    obj = _object(v, path, None)
    out = obj if fresh else json_copy(obj, path)
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
    if expect is not None:
        out["expect"] = expect
    return out


def check_r2_claims(guide: dict, data: Any) -> None:
    """R² is defined for regression only: a claim about it in a classification lab is a
    mistake the file should not hide."""
    for i, e in enumerate(guide.get("expect") or ()):
        if e.get("metric") == "test_r2" and data.problem != "regression":
            raise LabFileError(f"guide.expect[{i}].metric", "test_r2 is for regression "
                                                             "labs only")
