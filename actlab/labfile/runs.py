"""``runs`` in a lab file: the run log (:mod:`actlab.engine.run_log`) as JSON values, and
its validation (each problem a :class:`LabFileError` naming the field path).  Thumbnails
are base64 PNG text.  Standard library only (no Qt)."""
from __future__ import annotations

import base64
import binascii
from typing import Any

from actlab.engine.run_log import (
    FIGURES, LOOKS, MAX_RUNS, MAX_THUMBNAIL_BYTES, PNG_SIGNATURE, STATUSES, OutcomeResult,
    RunRecord)
from actlab.labfile.checks import (
    LabFileError, _at, _choice, _float, _int, _list, _object, _str, required)

RUN_KEYS = ("number", "network", "activations", "training", "seed", "epochs", "figures",
            "outcomes", "thumbnail", "when")
OUTCOME_KEYS = ("outcome", "status", "measured", "look")
MAX_TEXT = 400
MAX_OUTCOMES = 64


def runs_to_list(runs) -> list[dict[str, Any]]:
    out = []
    for r in runs:
        d: dict[str, Any] = {"number": r.number, "network": r.network,
                             "activations": list(r.activations), "training": r.training,
                             "seed": r.seed, "epochs": r.epochs,
                             "figures": {k: r.figures[k] for k in FIGURES if k in r.figures},
                             "outcomes": [{"outcome": o.index, "status": o.status,
                                           **({"measured": o.measured}
                                              if o.measured is not None else {}),
                                           **({"look": o.look}
                                              if o.look and o.look != o.status else {})}
                                          for o in r.outcomes]}
        if r.thumbnail:
            d["thumbnail"] = base64.b64encode(r.thumbnail).decode("ascii")
        if r.when:
            d["when"] = r.when
        out.append(d)
    return out


def _text(v: Any, path: str) -> str:
    s = _str(v, path)
    if len(s) > MAX_TEXT:
        raise LabFileError(path, f"must be at most {MAX_TEXT} characters, got {len(s)}")
    return s


def _thumbnail(v: Any, path: str) -> bytes:
    s = _str(v, path)
    if len(s) > 4 * MAX_THUMBNAIL_BYTES // 3 + 4:
        raise LabFileError(path, f"a thumbnail must be at most {MAX_THUMBNAIL_BYTES} bytes "
                                 "of PNG")
    try:
        png = base64.b64decode(s.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise LabFileError(path, "must be a PNG picture as base64 text") from None
    if not png.startswith(PNG_SIGNATURE):
        raise LabFileError(path, "must be a PNG picture as base64 text (this is not a PNG)")
    return png


def read_runs(v: Any, path: str = "runs") -> tuple[RunRecord, ...]:
    items = _list(v, path)
    if len(items) > MAX_RUNS:
        raise LabFileError(path, f"at most {MAX_RUNS} runs are kept, the file has {len(items)}")
    out, numbers = [], set()
    for i, item in enumerate(items):
        at = _at(path, i)
        d = _object(item, at, RUN_KEYS)
        required(d, at, ("number", "network"))
        number = _int(d["number"], _at(at, "number"), 1, 10**9)
        if number in numbers:
            raise LabFileError(_at(at, "number"), f"run {number} is in the log twice")
        numbers.add(number)
        acts = tuple(_text(a, _at(_at(at, "activations"), j))
                     for j, a in enumerate(_list(d.get("activations", []),
                                                 _at(at, "activations"))[:64]))
        figures = {}
        fig = _object(d.get("figures", {}), _at(at, "figures"), FIGURES)
        for key, value in fig.items():
            figures[key] = _float(value, _at(_at(at, "figures"), key))
        results = []
        raw = _list(d.get("outcomes", []), _at(at, "outcomes"))
        if len(raw) > MAX_OUTCOMES:
            raise LabFileError(_at(at, "outcomes"), f"at most {MAX_OUTCOMES} outcomes")
        for j, o in enumerate(raw):
            oat = _at(_at(at, "outcomes"), j)
            od = _object(o, oat, OUTCOME_KEYS)
            if "outcome" not in od or "status" not in od:
                raise LabFileError(oat, "needs 'outcome' (its index) and 'status'")
            m = od.get("measured")
            results.append(OutcomeResult(
                _int(od["outcome"], _at(oat, "outcome"), 0, MAX_OUTCOMES - 1),
                _choice(od["status"], _at(oat, "status"), "status", STATUSES),
                None if m is None else _float(m, _at(oat, "measured")),
                _choice(od["look"], _at(oat, "look"), "look", LOOKS) if "look" in od else ""))
        out.append(RunRecord(
            number=number, network=_text(d["network"], _at(at, "network")),
            activations=acts, training=_text(d.get("training", ""), _at(at, "training")),
            seed=_int(d.get("seed", 1), _at(at, "seed"), 0, 2**32 - 1),
            epochs=_int(d.get("epochs", 0), _at(at, "epochs"), 0, 10**9),
            figures=figures, outcomes=tuple(results),
            thumbnail=_thumbnail(d["thumbnail"], _at(at, "thumbnail"))
            if d.get("thumbnail") else b"",
            when=_text(d.get("when", ""), _at(at, "when"))))
    return tuple(out)
