"""The ``guide`` of a lab file: the teacher's instructions and question, the controls
locked or hidden from the student, and the expected outcomes (``guide.expect``), each
checked and pinned to the network and the data set it is about (``expect[].data``,
written back only where it is not the lab's own data: :func:`omit_own_data`).  Shared by every kind of lab;
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
    LabFileError, json_copy, _at, _choice, _count, _float, _int, _list, _object, _shown, _str)
from actlab.labfile.names import known_names
from actlab.labfile.points import read_features, read_network

# The guide fields ActLab reads; other guide fields are kept untouched (for other tools),
# unless they look like a misspelling of one of these.
GUIDE_KEYS = ("instructions", "question", "expect", "locked", "hidden", "notes", "predict",
              "predictions")
# An expected outcome: the network it is about, the claim, the sentence shown (this order
# when saved; "activation" is the older one-name-for-every-layer spelling).
EXPECT_KEYS = ("conv", "hidden", "activations", "activation", "features", "data", "metric",
               "op", "value", "epochs", "text", "should", "because")
# What the lab expects of a claim (actlab.engine.outcomes.SHOULD; a test keeps them equal):
# that it holds ("reach", the default) or that it fails (the failure is the lesson).
EXPECT_SHOULD = ("reach", "fail")
# The data set an expected outcome is about (``guide.expect[].data``, as
# actlab.engine.outcome_data.DataClaim writes it).
EXPECT_DATA_KEYS = ("kind", "source", "generator", "size", "noise", "points", "added")
# The same lists as actlab.engine.outcomes (METRICS, OPS); a test keeps them equal.
EXPECT_METRICS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy", "test_r2",
                  "pieces")
EXPECT_OPS = ("<", "<=", ">", ">=")
MAX_EXPECT_EPOCHS = 10_000_000


def _read_expectation(v: Any, path: str, network: NetworkSpec,
                      features: tuple[str, ...], kind: str = "points", data: Any = None
                      ) -> dict:
    """Check one expected outcome and return it pinned to the network and data it is
    about: the network fields it leaves out are the file's own (``network``,
    ``features``) and so is its ``data`` (the file's ``data``), so the claim stays about
    the teacher's network and data set after the student changes theirs and saves."""
    obj = _object(v, path, EXPECT_KEYS)
    if "data" in obj or data is not None:
        obj = dict(obj, data=_read_data_claim(obj.get("data"), _at(path, "data"), kind, data))
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
    should = _read_should(obj, path)
    known = known_names("activation")
    if isinstance(network, NetworkSpec):  # and the lab's own, by name
        known += tuple(c.name for c in network.custom)
    if not isinstance(network, NetworkSpec):  # an image lab: conv layers and dense layers
        out = images_format.read_image_expectation_network(obj, path, network, known)
        out.update((k, obj[k]) for k in EXPECT_KEYS if k in obj and k not in out)
        out.pop("activation", None)
        return _with_should(out, should)
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
    return _with_should(out, should)


def _with_should(out: dict, should: str) -> dict:
    """``out`` with ``should`` in the registry spelling ("Fail" read as "fail")."""
    if "should" in out:
        out["should"] = should
    return out


def _read_should(obj: dict, path: str) -> str:
    """``should`` ("reach" or "fail") and ``because`` (why it fails: only with "fail")."""
    should = obj.get("should", "reach")
    if "should" in obj:
        if not (isinstance(should, str) and should.strip().lower() in EXPECT_SHOULD):
            raise LabFileError(_at(path, "should"), 'must be "reach" (the claim should hold) '
                                                    f'or "fail" (the lab predicts it fails), '
                                                    f"got {_shown(should)}")
        should = should.strip().lower()
    if "because" in obj:
        if should != "fail":
            raise LabFileError(_at(path, "because"), 'only with "should": "fail" (it says '
                                                     "why the claim fails)")
        _str(obj["because"], _at(path, "because"))
    return should


def _read_data_claim(v: Any, path: str, kind: str, data: Any) -> dict:
    """The data set an expectation is about, as the file says it (checked) or, left out,
    the file's own ``data`` (a DataSpec, FunctionDataSpec or ImageDataSpec)."""
    from actlab.engine.outcome_data import data_claim
    if v is None:
        return data_claim(data).to_dict()
    obj = _object(v, path, EXPECT_DATA_KEYS)
    own = obj.get("kind", "points")
    if own != kind:
        raise LabFileError(_at(path, "kind"), f"must be this lab's kind '{kind}', got "
                                              f"{_shown(own)}")
    if kind == "images":
        from actlab.engine.data.images import IMAGE_GENERATORS, MAX_NOISE, MAX_SIZE, MIN_SIZE
        generators, noise_max = tuple(IMAGE_GENERATORS), MAX_NOISE
        if "size" not in obj:
            raise LabFileError(_at(path, "size"), "missing")
        _int(obj["size"], _at(path, "size"), MIN_SIZE, MAX_SIZE)
    else:
        if kind == "functions":
            from actlab.engine.data.functions import FUNCTION_GENERATORS as gens
        else:
            from actlab.engine.data.points import GENERATORS as gens
        generators, noise_max = (*gens, "custom"), 0.5
        for key in ("size", "source", "added"):
            if key in obj:
                raise LabFileError(_at(path, key), "only for image labs")
    if "source" in obj:
        if "generator" in obj or "noise" in obj:
            raise LabFileError(_at(path, "generator" if "generator" in obj else "noise"),
                               "not used with source (the images come from the file)")
        src = _object(obj["source"], _at(path, "source"), ("npz", "folder"))
        if len(src) != 1:
            raise LabFileError(_at(path, "source"), "name npz or folder, not both")
        (stype, name), = src.items()
        _str(name, _at(_at(path, "source"), stype))
        if not name:
            raise LabFileError(_at(_at(path, "source"), stype), "must not be empty")
    else:
        if "generator" not in obj:
            raise LabFileError(_at(path, "generator"), "missing")
        gen = _choice(obj["generator"], _at(path, "generator"), "data set", generators)
        if gen == "custom":
            if "noise" in obj:
                raise LabFileError(_at(path, "noise"), "not used with custom points")
            if "points" not in obj:
                raise LabFileError(_at(path, "points"), "missing: a claim about custom "
                                   "points names their digest (leave data out to mean the "
                                   "lab's own)")
        else:
            if "noise" not in obj:
                raise LabFileError(_at(path, "noise"), "missing")
            _float(obj["noise"], _at(path, "noise"), 0, noise_max)
            if "points" in obj:
                raise LabFileError(_at(path, "points"), "only for custom points")
    if "points" in obj:
        _digest_of(obj["points"], _at(path, "points"), ("train", "test"))
    if "added" in obj:
        _digest_of(obj["added"], _at(path, "added"), ("images",))
    return obj


def _digest_of(v: Any, path: str, counts: tuple[str, ...]) -> None:
    obj = _object(v, path, (*counts, "sha256"))
    for key in (*counts, "sha256"):
        if key not in obj:
            raise LabFileError(_at(path, key), "missing")
    for key in counts:
        _int(obj[key], _at(path, key), 0)
    digest = _str(obj["sha256"], _at(path, "sha256"))
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise LabFileError(_at(path, "sha256"), "must be 64 lowercase hex digits")


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
               kind: str = "points", fresh: bool = False, data: Any = None) -> dict:
    """Check the guide fields ActLab uses (see ``docs/lab-format.md``); returns a copy
    whose expectations are pinned to ``network``, ``features`` and ``data`` (the lab's
    data spec; None: no data pinned) where they name none.
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
        expect = [_read_expectation(e, _at(at, i), network, features, kind, data)
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
    _read_prediction_fields(obj, out, path, network, features, kind, data)
    return out


def _read_prediction_fields(obj: dict, out: dict, path: str, network, features, kind: str,
                            data: Any) -> None:
    """``predict`` (questions) and ``predictions`` (answers): :mod:`.predictions`."""
    from actlab.labfile import predictions as predictions_format
    questions = []
    if "predict" in obj:
        questions = out["predict"] = predictions_format.read_predict(
            obj["predict"], _at(path, "predict"), kind, data,
            lambda claim, at: _read_expectation(claim, at, network, features, kind),
            lambda at: _check_pieces_claim(network, features, at, kind))
    if "predictions" in obj:
        predictions_format.read_predictions(obj["predictions"], _at(path, "predictions"),
                                            questions)


def omit_own_data(guide: dict, data: Any) -> dict:
    """``guide`` (JSON values, a copy the caller owns) as a lab file writes it: an
    expectation's ``data`` is left out where it is the lab's own ``data`` (reading fills
    it back in), so a lab whose data the student kept saves as before — and an older
    ActLab, which does not know the field, still opens it."""
    expect = guide.get("expect")
    if not isinstance(expect, list) or not any(isinstance(e, dict) and "data" in e
                                               for e in expect):
        return guide
    from actlab.engine.outcome_data import data_claim
    try:
        own = data_claim(data).to_dict()
    except (AttributeError, TypeError, ValueError):  # a lab built in code: checked later
        return guide
    for e in expect:
        if isinstance(e, dict) and e.get("data") == own:
            del e["data"]
    return guide


def check_r2_claims(guide: dict, data: Any) -> None:
    """R² is defined for regression only: a claim about it in a classification lab is a
    mistake the file should not hide."""
    for i, e in enumerate(guide.get("expect") or ()):
        if e.get("metric") == "test_r2" and data.problem != "regression":
            raise LabFileError(f"guide.expect[{i}].metric", "test_r2 is for regression "
                                                             "labs only")
