"""``guide.predict`` (the teacher's prediction questions) and ``guide.predictions`` (the
student's answers) in a lab file: their checks, each problem a :class:`LabFileError`
naming the field path (``guide.predict[1].choices``).  What the fields mean is in
:mod:`actlab.engine.predictions` and ``docs/lab-format.md``.  Called by
:func:`actlab.labfile.guide.read_guide`.  Standard library only (no Qt).
"""
from __future__ import annotations

from typing import Any

from actlab.engine.outcomes import METRICS
from actlab.engine.predictions import KINDS, MAX_SKETCH_POINTS, SKETCH_TARGETS
from actlab.labfile.checks import (
    LabFileError, _at, _choice, _coord, _count, _float, _int, _list, _object, _shown,
    _str, required)

NETWORK_KEYS = ("conv", "hidden", "activations", "activation", "features")
PREDICT_KEYS = ("ask", "kind", "choices", "answer", "metric", "tolerance", "target",
                *NETWORK_KEYS, "explain", "required")
PREDICTION_KEYS = ("question", "answer", "why", "run")
MAX_QUESTIONS = 32
MAX_CHOICES = 8
MAX_CHOICE_TEXT = 200
MAX_ASK_TEXT = 2000
MAX_EXPLAIN_TEXT = 4000
MAX_WHY_TEXT = 4000
MAX_NUMBER = 1e9
# what each kind of question takes besides ask, kind, the network and explain/required
_KIND_KEYS = {"choice": ("choices", "answer"), "number": ("metric", "tolerance"),
              "sketch": ("target",)}


def _text(v: Any, path: str, limit: int, empty_ok: bool = True) -> str:
    s = _str(v, path)
    if len(s) > limit:
        raise LabFileError(path, f"must be at most {limit:,} characters, got {len(s):,}")
    if not empty_ok and not s.strip():
        raise LabFileError(path, "must not be empty")
    return s


def read_predict(v: Any, path: str, kind: str, data: Any, read_claim, check_pieces
                 ) -> list[dict]:
    """Check the questions of ``guide.predict``; returns them with the network fields
    pinned to the file's network and features where a question names a network but
    leaves some of its fields out, as expected outcomes are: ``read_claim(claim, path)``
    reads an expected outcome's fields that way (:mod:`.guide`), ``check_pieces(path)``
    refuses a count of pieces of the file's own network when it is not piecewise
    linear."""
    items = _list(v, path)
    if len(items) > MAX_QUESTIONS:
        raise LabFileError(path, f"at most {MAX_QUESTIONS} questions, got {len(items)}")
    return [_read_question(item, _at(path, i), kind, data, read_claim, check_pieces)
            for i, item in enumerate(items)]


def _read_question(v: Any, path: str, kind: str, data: Any, read_claim, check_pieces
                   ) -> dict:
    obj = _object(v, path, PREDICT_KEYS)
    for key in ("ask", "kind"):
        if key not in obj:
            raise LabFileError(_at(path, key), "missing")
    _text(obj["ask"], _at(path, "ask"), MAX_ASK_TEXT, empty_ok=False)
    form = _choice(obj["kind"], _at(path, "kind"), "question kind", KINDS)
    for other, keys in _KIND_KEYS.items():
        for key in keys:
            if key in obj and other != form:
                raise LabFileError(_at(path, key), f"only for {other} questions")
    out = dict(obj, kind=form)
    if form == "choice":
        _read_choices(obj, path)
    elif form == "number":
        if "metric" not in obj:
            raise LabFileError(_at(path, "metric"), "missing: name the measured quantity "
                                                    "the answer is compared with")
        out["metric"] = _choice(obj["metric"], _at(path, "metric"), "metric", METRICS)
        if "tolerance" in obj:
            _float(obj["tolerance"], _at(path, "tolerance"), 0)
        _check_metric(out["metric"], path, kind, data)
    else:
        if "target" not in obj:
            raise LabFileError(_at(path, "target"), "missing: boundary (point labs) or "
                                                    "curve (function labs)")
        out["target"] = _choice(obj["target"], _at(path, "target"), "sketch target",
                                SKETCH_TARGETS)
        _check_target(out["target"], path, kind, data)
    if "explain" in obj:
        _text(obj["explain"], _at(path, "explain"), MAX_EXPLAIN_TEXT)
    if "required" in obj and not isinstance(obj["required"], bool):
        raise LabFileError(_at(path, "required"), f"must be true or false, got "
                                                  f"{_shown(obj['required'])}")
    if any(k in obj for k in NETWORK_KEYS):
        out = _pinned_network(out, path, read_claim)
    elif form == "number" and out["metric"] == "pieces":
        check_pieces(path)
    return out


def _read_choices(obj: dict, path: str) -> None:
    if "choices" not in obj:
        raise LabFileError(_at(path, "choices"), "missing: list the answers to choose from")
    at = _at(path, "choices")
    choices = _list(obj["choices"], at)
    if not 2 <= len(choices) <= MAX_CHOICES:
        raise LabFileError(at, f"must list 2 to {MAX_CHOICES} answers, got {len(choices)}")
    seen = set()
    for i, c in enumerate(choices):
        _text(c, _at(at, i), MAX_CHOICE_TEXT, empty_ok=False)
        if c in seen:
            raise LabFileError(_at(at, i), f"{_shown(c)} is listed twice")
        seen.add(c)
    if "answer" not in obj:
        raise LabFileError(_at(path, "answer"), "missing: the right one of the choices")
    if obj["answer"] not in seen:
        raise LabFileError(_at(path, "answer"), f"must be one of the choices, got "
                                                f"{_shown(obj['answer'])}")


def _check_metric(metric: str, path: str, kind: str, data: Any) -> None:
    problem = getattr(data, "problem", None)
    if metric == "pieces" and kind != "functions":
        raise LabFileError(_at(path, "metric"), "'pieces' is for function labs only")
    if metric == "test_r2" and problem is not None and problem != "regression":
        raise LabFileError(_at(path, "metric"), "test_r2 is for regression labs only")


def _check_target(target: str, path: str, kind: str, data: Any) -> None:
    if target == "curve" and kind != "functions":
        raise LabFileError(_at(path, "target"), "a curve is sketched in function labs "
                                                "only (point labs sketch the boundary)")
    if target == "boundary":
        if kind != "points":
            raise LabFileError(_at(path, "target"), "a boundary is sketched in point labs "
                                                    "only (function labs sketch the curve)")
        if getattr(data, "problem", "classification") != "classification":
            raise LabFileError(_at(path, "target"), "a boundary is sketched in "
                                                    "classification labs only")


def _pinned_network(q: dict, path: str, read_claim) -> dict:
    """``q`` with its network fields checked and completed as an expected outcome's."""
    form = q["kind"]
    metric = q["metric"] if form == "number" else "test_loss"
    claim = {k: q[k] for k in NETWORK_KEYS if k in q}
    claim.update(metric=metric, op="<", value=0)
    net = read_claim(claim, path)
    out = {k: v for k, v in q.items() if k not in NETWORK_KEYS}
    out.update((k, net[k]) for k in ("conv", "hidden", "activations", "features") if k in net)
    return out


def read_predictions(v: Any, path: str, questions: list[dict]) -> list[dict]:
    """Check the student's answers (``guide.predictions``) against ``questions``."""
    items = _list(v, path)
    if len(items) > MAX_QUESTIONS:
        raise LabFileError(path, f"at most {MAX_QUESTIONS} answers, got {len(items)}")
    seen = set()
    for i, item in enumerate(items):
        at = _at(path, i)
        obj = _object(item, at, PREDICTION_KEYS)
        required(obj, at, ("question", "answer"))
        if not questions:
            raise LabFileError(_at(at, "question"), "the guide has no questions "
                                                    "(guide.predict) to answer")
        n = _int(obj["question"], _at(at, "question"), 0, len(questions) - 1)
        if n in seen:
            raise LabFileError(_at(at, "question"), f"question {n} is answered twice")
        seen.add(n)
        _read_answer(obj["answer"], _at(at, "answer"), questions[n])
        if "why" in obj:
            _text(obj["why"], _at(at, "why"), MAX_WHY_TEXT)
        if "run" in obj:
            _int(obj["run"], _at(at, "run"), 1, 10**9)
    return items


def _read_answer(v: Any, path: str, q: dict) -> None:
    form = q["kind"]  # "choice", "number" or "sketch"
    if form == "choice":
        if v not in q["choices"]:
            raise LabFileError(path, f"must be one of the question's choices, got {_shown(v)}")
    elif form == "number":
        if abs(_float(v, path)) > MAX_NUMBER:
            raise LabFileError(path, f"must be within ±1e9, got {_shown(v)}")
    else:
        pts = _list(v, path)
        if not 2 <= len(pts) <= MAX_SKETCH_POINTS:
            raise LabFileError(path, f"a sketch must have 2 to {MAX_SKETCH_POINTS} points, "
                                     f"got {_count(len(pts), 'point')}")
        for i, p in enumerate(pts):
            at = _at(path, i)
            if not isinstance(p, list) or len(p) != 2:
                raise LabFileError(at, f"must be a point [x, y], got {_shown(p)}")
            _coord(p[0], _at(at, 0))
            _coord(p[1], _at(at, 1))
        if len({(p[0], p[1]) for p in pts}) < 2:
            raise LabFileError(path, "a sketch needs at least two different points")
