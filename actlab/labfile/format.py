"""Lab files: the ``.actlab`` JSON format, its validation and atomic saving.

A lab file is UTF-8 JSON, specified in ``docs/lab-format.md``.  :func:`lab_to_dict` and
:func:`lab_from_dict` convert between a :class:`~actlab.lab.Lab` and plain JSON values;
:func:`lab_from_dict` validates while it reads and reports the *first* problem as a
:class:`LabFileError` whose ``path`` names the field (``network.hidden[2]``).  Floats
round-trip bit for bit because :mod:`json` writes ``repr(float)``.

This module reads the format's version and the lab's kind and hands each part to the
module that knows it: :mod:`.points` (point-lab data, the dense network, training,
params, history), :mod:`.functions`, :mod:`.images`, :mod:`.guide`; the names a file may
use are in :mod:`.names` and the bundled presets in :mod:`.presets`.  The package
(:mod:`actlab.labfile`) re-exports the public names of this module and of the presets.  Standard library and NumPy only (no Qt).
"""
from __future__ import annotations

import json
import os
from typing import Any

from actlab.labfile import guide as guide_format
from actlab.labfile import points as points_format
from actlab.labfile import runs as runs_format
from actlab.atomic import (FileTooLarge, NotARegularFile, clean_stale_temps,
                           read_regular_file, write_text_atomic)
from actlab.lab import DATA_KINDS, FORMAT_NAME, FORMAT_VERSION, Lab
from actlab.labfile import checks
from actlab.labfile.checks import (
    MAX_DEPTH, MAX_KEY_TEXT, LabFileError, _check_structure, _choice, _int, _is_int, _name,
    _object, _shown, _str)
from actlab.labfile.parts import PARTS
from actlab.labfile.guide import EXPECT_METRICS, EXPECT_OPS, GUIDE_KEYS, MAX_EXPECT_EPOCHS
from actlab.labfile.names import (
    FALLBACK_CLASS_COUNTS, FALLBACK_NAMES, FALLBACK_REGRESSION, known_names, layer_sizes,
    n_classes)
from actlab.labfile.points import (
    HISTORY_KEYS, MAX_CUSTOM_POINTS, MAX_GENERATED_POINTS, MAX_SEED, plain)
from actlab.safe_text import printable

# The API of lab files, importable from here: what this module defines, the format's
# limits and error (from checks.py) and the names that lived here before the format was
# split by what it holds (names, points, guide, presets).
__all__ = [
    "LabFileError", "load_lab", "save_lab", "lab_to_dict", "lab_from_dict", "lab_to_json",
    "MAX_FILE_BYTES", "MAX_DEPTH", "MAX_KEY_TEXT",
    "known_names", "n_classes", "layer_sizes", "FALLBACK_NAMES", "FALLBACK_REGRESSION",
    "FALLBACK_CLASS_COUNTS",
    "MAX_SEED", "HISTORY_KEYS", "MAX_GENERATED_POINTS", "MAX_CUSTOM_POINTS",
    "GUIDE_KEYS", "EXPECT_METRICS", "EXPECT_OPS", "MAX_EXPECT_EPOCHS",
]

_TOP_KEYS = ("format", "version", "name", "description", "seed", "data", "features",
             "network", "training", "params", "history", "guide", "runs")
#: The largest lab file ActLab reads — and writes: save_lab refuses a lab whose text would
#: be larger, so ActLab never writes a file it then refuses to open.  The largest lab the
#: window can make is an image lab whose conv builder is at every maximum (4.3 million
#: weights, 1,000 drawings): about 98 MB; a point lab with 100,000 points, a network at its
#: maximum and a full history is about 8 MB (benchmarks/largest_lab_files.py).
MAX_FILE_BYTES = 160 * 2**20

# ------------------------------------------------------------------- Lab -> dict

def _head(lab: Lab, version: int) -> dict[str, Any]:
    return {"format": FORMAT_NAME, "version": version, "name": lab.name,
            "description": lab.description, "seed": plain(lab.seed)}


def lab_to_dict(lab: Lab) -> dict[str, Any]:
    """``lab`` as JSON-ready values (see ``docs/lab-format.md``); does not validate.
    Point labs are written as version 1 (older ActLabs open them), image and function
    labs as 2 (see :data:`.parts.PARTS`)."""
    part = PARTS[lab.kind]
    d = _head(lab, part.version)
    d.update(part.write(lab))
    d["training"] = points_format.training_to_dict(lab.training)
    if lab.params is not None:
        d["params"] = part.write_params(lab)
    d = points_format.results_to_dict(lab, d)
    if isinstance(d.get("guide"), dict):
        d["guide"] = guide_format.omit_own_data(d["guide"], lab.data)
    if lab.runs:
        d["runs"] = runs_format.runs_to_list(lab.runs)
    return d


# ------------------------------------------------------------------- dict -> Lab

def lab_from_dict(d: Any, text: str | None = None) -> Lab:
    """Validate ``d`` (parsed lab-file JSON) and build its Lab.

    Missing optional fields take the Lab defaults.  Raises :class:`LabFileError` naming the
    first problem found, in the order of the fields in the format.  ``text``, the JSON
    that ``d`` was just parsed from (by :func:`load_lab`; nothing else holds ``d``), lets
    the checks of a large guide read the text at C speed instead of walking every item.
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
    sound, plain = checks.text_facts(text) if text is not None else (False, False)
    _check_structure(d, sound)
    base = Lab()
    name = _str(d.get("name", base.name), "name")
    description = _str(d.get("description", base.description), "description")
    seed = _int(d.get("seed", base.seed), "seed", 0, MAX_SEED)
    raw_data = d.get("data", {})
    kind = "points"
    if isinstance(raw_data, dict) and "kind" in raw_data:
        kind = _choice(raw_data["kind"], "data.kind", "data kind", DATA_KINDS)
    part = PARTS[kind]
    if version < part.version:
        raise LabFileError("data.kind", f"{kind[:-1]} labs need version {part.version} or "
                                        f"newer, the file says {version}")
    data, features, network = part.read(d, raw_data, base)
    training = points_format.read_training(d.get("training", {}), "training")
    lab = Lab(name, description, data, features, network, training, seed)
    params = history = guide = None
    if d.get("params") is not None:
        params = part.read_params(d["params"], lab)
    if d.get("history") is not None:
        history = points_format.read_history(d["history"], "history")
    if d.get("guide") is not None:
        guide = guide_format.read_guide(d["guide"], "guide", network, features, kind,
                                        fresh=plain, data=data)
        guide_format.check_r2_claims(guide, data)
    runs = runs_format.read_runs(d["runs"]) if d.get("runs") is not None else ()
    return Lab(name, description, data, features, network, training, seed, params, history,
               guide, runs)


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


#: the first bytes of files people pass for a lab file by mistake, and what they are
_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
               (b"GIF8", "a GIF image"), (b"BM", "a BMP image"), (b"%PDF", "a PDF document"),
               (b"PK\x03\x04", "a zip archive (an .npz of images is one)"),
               (b"\x93NUMPY", "a NumPy array file"))


def file_kind(head: bytes) -> str | None:
    """What a file starting with ``head`` is when it is a known non-lab format."""
    return next((what for sig, what in _SIGNATURES if head.startswith(sig)), None)


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
        raw = read_regular_file(filename, MAX_FILE_BYTES)
        what = file_kind(raw[:16])
        if what:
            raise LabFileError("", f"{what}, not a lab file", filename)
        text = raw.decode("utf-8-sig")  # -sig: a byte order mark
        if not text.strip():
            raise LabFileError("", "the file is empty", filename)
        lab = lab_from_dict(json.loads(text, object_pairs_hook=_no_duplicates), text)
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
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise LabFileError("", f"cannot save: the lab would be {size / 2**20:.0f} MB, more "
                               f"than the {MAX_FILE_BYTES // 2**20} MB ActLab can open again "
                               f"(a smaller network has fewer weights to save)", filename)
    folder = os.path.dirname(os.path.abspath(filename))
    if not os.path.isdir(folder):
        raise LabFileError("", f"cannot save: the folder {folder} does not exist", filename)
    try:
        write_text_atomic(filename, text)
    except OSError as e:
        raise LabFileError("", f"cannot save: {e.strerror or e}", filename) from e
