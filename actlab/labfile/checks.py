"""The field checks of lab files: each reads one JSON value, returns it in the type ActLab
uses, or raises :class:`LabFileError` naming the field path and saying what is wrong in one
printable line of bounded length (whatever the file holds).  Used by
:mod:`actlab.labfile`; standard library and NumPy only (no Qt).
"""
from __future__ import annotations

import contextlib
import copy
import difflib
import json
import math
import os
import re
from typing import Any

import numpy as np

from actlab.safe_text import printable

MAX_DEPTH = 64  # nesting of objects and lists (only a guide's extra fields may nest)
_SURROGATE = re.compile("[\ud800-\udfff]")
# Error messages quote the file; these bound how much (a key or value may be megabytes).
MAX_KEY_TEXT, MAX_SHOWN_TEXT, MAX_NAME_TEXT = 40, 40, 80
MAX_PATH_TEXT, MAX_REASON_TEXT = 160, 400


class LabFileError(ValueError):
    """A lab file or lab dict that ActLab cannot use.

    ``path`` is the field path of the first problem (``"network.hidden[2]"``, or ``""``
    when the problem is the file itself), ``reason`` says what is wrong and ``filename`` is
    the file, if any.  ``str(error)`` is one line: ``"<file name>: <path>: <reason>"``,
    printable and of bounded length whatever the file contains (see actlab.safe_text).
    """

    def __init__(self, path: str, reason: str, filename: str | None = None) -> None:
        self.path, self.reason = printable(path, MAX_PATH_TEXT), printable(reason, MAX_REASON_TEXT)
        self.filename = filename
        parts = [printable(os.path.basename(filename), MAX_NAME_TEXT)] if filename else []
        super().__init__(": ".join(parts + ([self.path] if self.path else []) + [self.reason]))



def _at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    key = printable(key, MAX_KEY_TEXT)  # a field name from the file: one printable line
    return f"{path}.{key}" if path else key


def _shown(v: Any) -> str:
    """``v`` as JSON for an error message: escaped to one printable line, at most 40 chars."""
    if isinstance(v, str) and len(v) > 4 * MAX_SHOWN_TEXT:
        v = v[: 4 * MAX_SHOWN_TEXT]  # do not encode a megabyte to show 40 characters of it
    try:
        text = json.dumps(v, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        try:
            text = repr(v)
        except Exception:  # noqa: BLE001 - a value that cannot even describe itself
            text = f"<{type(v).__name__}>"
    return printable(text, MAX_SHOWN_TEXT)


def _name(v: str) -> str:
    """A name from the file quoted as repr does, for "unknown activation 'ReLu'" messages."""
    return printable(repr(v[: 4 * MAX_SHOWN_TEXT]), MAX_SHOWN_TEXT)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_finite(v: Any) -> bool:
    return (isinstance(v, float) and math.isfinite(v)) or (_is_int(v) and abs(v) < 1e300)


def _object(v: Any, path: str, keys: tuple[str, ...] | None) -> dict:
    if not isinstance(v, dict):
        raise LabFileError(path, f"must be an object {{...}}, got {_shown(v)}")
    for key in v:
        if not isinstance(key, str):
            raise LabFileError(path, f"field names must be strings, got {_shown(key)}")
        if keys is not None and key not in keys:
            close = difflib.get_close_matches(key, keys, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "expected " + ", ".join(keys)
            raise LabFileError(_at(path, key), f"unknown field ({hint})")
    return v


def required(d: dict, path: str, keys) -> None:
    """Refuse object ``d`` at ``path`` when one of ``keys`` is not in it (the first)."""
    for key in keys:
        if key not in d:
            raise LabFileError(_at(path, key), "missing")


def _list(v: Any, path: str) -> list:
    if not isinstance(v, list):
        raise LabFileError(path, f"must be a list [...], got {_shown(v)}")
    return v


def _str(v: Any, path: str) -> str:
    if not isinstance(v, str):
        raise LabFileError(path, f"must be a string, got {_shown(v)}")
    return v


def _int(v: Any, path: str, lo: int, hi: int | None = None) -> int:
    if _is_int(v) and v >= lo and (hi is None or v <= hi):
        return int(v)
    bounds = f"{lo}..{hi}" if hi is not None else f">= {lo}"
    raise LabFileError(path, f"must be {'' if _is_int(v) else 'an integer '}{bounds}, "
                             f"got {_shown(v)}")


#: The largest |coordinate| of a point a lab file may hold (x, y, and a regression
#: target), as a CSV import allows (actlab.engine.data.points_csv.MAX_ABS): beyond it a
#: feature such as x² overflows and no learning rate could train the network.
MAX_COORD = 1e6


def _coord(v: Any, path: str) -> float:
    """A point's coordinate: a finite number within ±MAX_COORD."""
    if _is_finite(v) and abs(v) <= MAX_COORD:
        return float(v)
    if _is_finite(v):
        raise LabFileError(path, f"must be within ±1e6 (as a CSV import allows), got "
                                 f"{_shown(v)}")
    return _float(v, path)


def _float(v: Any, path: str, lo: float | None = None, hi: float | None = None,
           lo_open: bool = False, hi_open: bool = False) -> float:
    ok = _is_finite(v) and (lo is None or (v > lo if lo_open else v >= lo)) and (
        hi is None or (v < hi if hi_open else v <= hi))
    if ok:
        return float(v)
    bounds = ([f"{'>' if lo_open else '>='} {lo}"] if lo is not None else []) + (
        [f"{'<' if hi_open else '<='} {hi}"] if hi is not None else [])
    what = "a number " + " and ".join(bounds) if bounds else "a finite number"
    raise LabFileError(path, f"must be {what}, got {_shown(v)}")


def _folded(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def _choice(v: Any, path: str, what: str, choices: tuple[str, ...]) -> str:
    """The registry spelling of ``v``: names match in any case, with ``-`` or a space for
    ``_`` (the window shows "ReLU", "L2"; files and the CLI may use either)."""
    if isinstance(v, str):
        if v in choices:
            return v
        key = _folded(v)
        for choice in choices:
            if _folded(choice) == key:
                return choice
    listing = ", ".join(choices)
    if isinstance(v, str):
        raise LabFileError(path, f"unknown {what} {_name(v)} (choose from {listing})")
    raise LabFileError(path, f"must be the name of a {what} ({listing}), got {_shown(v)}")


def _json_value(v: Any, path: str) -> None:
    if isinstance(v, dict):
        for k, x in _object(v, path, None).items():
            _json_value(x, _at(path, k))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            _json_value(x, _at(path, i))
    elif not (v is None or isinstance(v, (str, bool)) or _is_finite(v)):
        raise LabFileError(path, f"must be a JSON value (object, list, string, finite "
                                 f"number, true, false or null), got {_shown(v)}")


_NUMBERS_ONLY = ("data.points", "params", "history")


# A JSON string as json.dumps writes it (it escapes only quotes, backslashes and controls)
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
# what json.loads turns into a number _is_finite refuses (conservative: 1e300 and more)
_ODD_NUMBER = re.compile(r"NaN|Infinity|[0-9]{300}|[eE]\+?[0-9]{3}")


def _nesting(stripped: str) -> int:
    """How deep the brackets of JSON text without its strings nest (C speed)."""
    marks = np.frombuffer(stripped.encode("utf-8").translate(None, _NOT_BRACKETS), np.uint8)
    if not marks.size:
        return 0
    return int(np.cumsum(np.where((marks == ord("[")) | (marks == ord("{")), 1, -1)).max())


def text_facts(text: str) -> tuple[bool, bool]:
    """``(sound, plain)`` for the JSON ``text`` a lab dict was just parsed from, read at C
    speed: ``sound`` when the dict surely passes :func:`_check_structure` (no surrogate
    escape, brackets nested at most MAX_DEPTH deep), ``plain`` when every number in it is
    one :func:`_json_value` accepts.  False means "look closer", never "bad"."""
    stripped = _JSON_STRING.sub("", text)
    sound = not _SURROGATE_ESCAPE.search(text) and _nesting(stripped) <= MAX_DEPTH
    return sound, not _ODD_NUMBER.search(stripped)


def _surely_sound(d: Any) -> bool:
    """True when ``d`` certainly passes :func:`_check_structure`, found at C speed: its JSON
    text encodes as UTF-8 (no lone surrogates) and its brackets, strings left out, nest at
    most MAX_DEPTH deep.  False means "look closer" (the walk then names the problem).
    Walking a 9 MB guide item by item in Python took seconds; this takes a fraction."""
    try:
        text = json.dumps(d, ensure_ascii=False)
        text.encode("utf-8")
    except (TypeError, ValueError, RecursionError):  # UnicodeEncodeError is a ValueError
        return False
    return _nesting(_JSON_STRING.sub("", text)) <= MAX_DEPTH


def json_copy(v: Any, path: str) -> Any:
    """A deep copy of ``v`` after checking it is a JSON value (as :func:`_json_value`,
    with the same error naming the culprit).  Made by the C JSON encoder and decoder: a
    Python walk and ``copy.deepcopy`` of a guide's long extra lists took seconds."""
    try:
        out = json.loads(json.dumps(v, ensure_ascii=False, allow_nan=False),
                         parse_int=_bounded_int)
        if out == v:  # not so for non-string keys or tuples: the walk below says why
            return out
    except (TypeError, ValueError, RecursionError):
        pass
    _json_value(v, path)  # raises, naming the problem (or finds none: copy it slowly)
    return copy.deepcopy(v)


def _bounded_int(text: str) -> int:
    n = int(text)
    if abs(n) >= 1e300:
        raise ValueError("out of range")  # _json_value names it
    return n


def _check_structure(d: Any, sound: bool = False) -> None:
    """Reject what no lab file can hold, wherever it is: nesting deeper than MAX_DEPTH and
    lone surrogates (``"\\ud800"`` is valid JSON but no UTF-8 text, so it loads and could
    never be saved).  An explicit stack: no recursion limit to hit.  ``sound``: the file's
    text already showed there is nothing to find (:func:`text_facts`)."""
    if sound or _surely_sound(d):
        return
    stack = [(d, "", 0)]
    while stack:
        v, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise LabFileError(path, f"nested more than {MAX_DEPTH} levels deep")
        if path in _NUMBERS_ONLY:
            continue  # their validators accept numbers only: no need to look at each one
        if isinstance(v, str):
            if _SURROGATE.search(v):
                raise LabFileError(path, f"contains a lone surrogate escape (\\ud800-\\udfff), "
                                         f"which is not a character: {_shown(v)}")
        elif isinstance(v, dict):
            for key, x in v.items():
                if isinstance(key, str) and _SURROGATE.search(key):
                    raise LabFileError(path, f"a field name contains a lone surrogate escape "
                                             f"(\\ud800-\\udfff): {_shown(key)}")
                if isinstance(x, (str, dict, list)):
                    stack.append((x, _at(path, key), depth + 1))
        elif isinstance(v, list):
            for i, x in enumerate(v):
                if isinstance(x, (str, dict, list)):
                    stack.append((x, f"{path}[{i}]", depth + 1))


def _vector(v: Any, path: str) -> np.ndarray:
    """A list of finite numbers as a float64 array (fast path first, then find the culprit)."""
    _list(v, path)
    with contextlib.suppress(TypeError, ValueError, OverflowError):
        if all(_is_int(x) or isinstance(x, float) for x in v):
            arr = np.array(v, dtype=np.float64).reshape(len(v))
            if np.isfinite(arr).all():
                return arr
    for i, x in enumerate(v):
        _float(x, _at(path, i))
    raise LabFileError(path, "must be a list of finite numbers")  # not reached


def _matrix(v: Any, path: str) -> np.ndarray:
    rows = [_vector(r, _at(path, i)) for i, r in enumerate(_list(v, path))]
    for i, r in enumerate(rows):
        if len(r) != len(rows[0]):
            raise LabFileError(_at(path, i), f"has {_count(len(r), 'number')}, "
                                             f"but row 0 has {len(rows[0])}")
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(rows[0]) if rows else 0)


def frozen_matching(at: str, arrays) -> tuple:
    """The arrays of ``(name, array, wanted shape)`` triples, made read-only (a Lab is
    frozen, and so are its weights); LabFileError at ``at``.name when a shape does not
    match the network.  Shared by point and image labs' weights."""
    for name, arr, want in arrays:
        if arr.shape != want:
            raise LabFileError(_at(at, name), f"shape {arr.shape} does not match the "
                                              f"network {want}")
        arr.flags.writeable = False
    return tuple(arr for _, arr, _ in arrays)
