"""Lab files that crashed loading or saving, odd paths, and error text from hostile files.

Each case was found by checks from outside the project (issue 8): before the fix it gave a
traceback, a hang, unbounded memory, a lab that loads but cannot be saved, or an error
message over several lines or with raw terminal escapes.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import replace

import numpy as np
import pytest

from actlab.labfile import format as labfile
from actlab.engine.data import points_csv as csv_import, points as engine_data
from actlab.lab import DataSpec, Lab, default_lab
from actlab.labfile.format import LabFileError, lab_to_dict, load_lab, save_lab


def _write(tmp_path, d, name="lab.actlab"):
    path = tmp_path / name
    path.write_text(d if isinstance(d, str) else json.dumps(d), encoding="utf-8")
    return path


def _one_clear_line(message: str) -> None:
    assert message.isprintable(), repr(message)  # no newline, no escape, no surrogate
    assert len(message) < 600
    message.encode("utf-8")


def _load_error(path) -> LabFileError:
    with pytest.raises(LabFileError) as info:
        load_lab(path)
    _one_clear_line(str(info.value))
    return info.value


# ------------------------------------------------------------------ JSON that json rejects

def test_an_integer_of_5000_digits_is_one_clear_error(tmp_path):
    text = json.dumps(lab_to_dict(default_lab())).replace('"seed": 1', '"seed": ' + "9" * 5000, 1)
    e = _load_error(_write(tmp_path, text))
    assert str(e) == "lab.actlab: not a valid lab file: a number has too many digits"


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a":' * 50_000])
def test_deep_nesting_is_one_clear_error(tmp_path, text):
    assert "nested too deeply" in str(_load_error(_write(tmp_path, text)))


def test_a_guide_nested_deeper_than_the_limit_is_refused_at_load(tmp_path):
    deep: object = 1
    for _ in range(labfile.MAX_DEPTH + 1):
        deep = [deep]
    d = lab_to_dict(default_lab()) | {"guide": {"extra": deep}}
    e = _load_error(_write(tmp_path, d))
    assert e.reason == f"nested more than {labfile.MAX_DEPTH} levels deep"
    assert e.path.startswith("guide.extra[0][0]")


def test_nesting_within_the_limit_loads_and_saves(tmp_path):
    deep: object = "leaf"
    for _ in range(labfile.MAX_DEPTH - 2):
        deep = [deep]
    path = _write(tmp_path, lab_to_dict(default_lab()) | {"guide": {"extra": deep}})
    lab = load_lab(path)
    save_lab(lab, path)
    assert load_lab(path) == lab


# ------------------------------------------------------------------ lone surrogates

@pytest.mark.parametrize("where, path", [
    (lambda d: d.update(name="\ud800"), "name"),
    (lambda d: d.update(description="ok \udfff ok"), "description"),
    (lambda d: d.update(guide={"notes": "x\udc80"}), "guide.notes"),
    (lambda d: d.update(guide={"extra": [{"deep": ["\ud83d"]}]}), "guide.extra[0].deep[0]"),
    (lambda d: d.update(guide={"odd\ud800key": 1}), "guide"),
    (lambda d: d["data"].update(generator="\ud800"), "data.generator"),
])
def test_lone_surrogates_are_refused_at_load_naming_the_field(tmp_path, where, path):
    d = lab_to_dict(default_lab())
    where(d)
    # json.dumps writes a lone surrogate as the escape \ud800: valid JSON, invalid text
    file = _write(tmp_path, json.dumps(d))
    assert "\\ud8" in file.read_text() or "\\udc" in file.read_text() or "\\udf" in file.read_text()
    e = _load_error(file)
    assert e.path == path and "lone surrogate" in e.reason


def test_a_paired_surrogate_escape_is_a_real_character_and_round_trips(tmp_path):
    d = lab_to_dict(default_lab()) | {"name": "smile \U0001F600"}
    file = _write(tmp_path, json.dumps(d))  # ensure_ascii: written as \ud83d\ude00
    assert "\\ud83d\\ude00" in file.read_text()
    lab = load_lab(file)
    assert lab.name == "smile \U0001F600"
    save_lab(lab, file)
    assert load_lab(file) == lab


def test_a_lab_built_in_code_with_a_surrogate_fails_to_save_with_a_clear_error(tmp_path):
    target = tmp_path / "lab.actlab"
    save_lab(default_lab(), target)
    before = target.read_bytes()
    with pytest.raises(LabFileError) as info:
        save_lab(replace(default_lab(), guide={"notes": "typed \ud800"}), target)
    assert info.value.path == "guide.notes" and "lone surrogate" in info.value.reason
    _one_clear_line(str(info.value))
    assert target.read_bytes() == before and os.listdir(tmp_path) == ["lab.actlab"]


@pytest.mark.parametrize("bad", [
    lambda lab: replace(lab, name=None),
    lambda lab: replace(lab, guide={"x": object()}),
    lambda lab: replace(lab, params=(("not", "arrays"),)),
    lambda lab: replace(lab, history={"epoch": [1], "train_loss": ["x"]}),
    lambda lab: replace(lab, data=replace(lab.data, train_points=((1.0, "a", 0.0),))),
    lambda lab: replace(lab, network=replace(lab.network, hidden=None)),
])
def test_save_raises_only_lab_file_errors_for_labs_built_in_code(tmp_path, bad):
    with pytest.raises(LabFileError) as info:
        save_lab(bad(default_lab()), tmp_path / "x.actlab")
    _one_clear_line(str(info.value))
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------------ custom points

def _custom(n_train: int, n_test: int = 0, n_points: int = 0) -> Lab:
    pts = tuple((float(i), float(-i), float(i % 2)) for i in range(n_train + n_test))
    return Lab(data=DataSpec(generator="custom", n_points=n_points, problem="classification",
                             train_points=pts[:n_train], test_points=pts[n_train:]))


@pytest.mark.parametrize("n_points", [0, 1, 500, 100_001, 10**9])
def test_custom_data_ignores_n_points(tmp_path, n_points):
    # One click after "Clear points" makes n_points 1 or 0; an import of 100,001 rows would
    # make it 100,001: each was refused on every save before.
    lab = _custom(1, n_points=n_points)
    save_lab(lab, tmp_path / "one.actlab")
    assert load_lab(tmp_path / "one.actlab") == lab


def test_generated_data_still_checks_n_points():
    d = lab_to_dict(default_lab())
    d["data"]["n_points"] = 1
    with pytest.raises(LabFileError, match=r"data.n_points: must be 2..100000, got 1"):
        labfile.lab_from_dict(d)


def test_one_limit_for_custom_points_at_load_and_save(tmp_path):
    limit = labfile.MAX_CUSTOM_POINTS
    assert limit == engine_data.MAX_POINTS == csv_import.MAX_ROWS  # one limit everywhere
    most = _custom(limit - 10, 10)
    save_lab(most, tmp_path / "most.actlab")
    assert load_lab(tmp_path / "most.actlab") == most
    too_many = _custom(limit - 10, 11)
    with pytest.raises(LabFileError, match=rf"data.points: {limit + 1} points, at most {limit}"):
        save_lab(too_many, tmp_path / "more.actlab")
    d = json.loads((tmp_path / "most.actlab").read_text())
    d["data"]["points"]["test"].append([0, 0, 1])
    e = _load_error(_write(tmp_path, d, "more.actlab"))
    assert e.path == "data.points" and f"at most {limit}" in e.reason


# ------------------------------------------------------------------ odd paths

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "x.actlab"
    os.mkfifo(fifo)  # opening it for reading the usual way would wait for a writer forever
    assert _load_error(fifo).reason.startswith("not a regular file")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_an_endless_device_is_refused():
    assert _load_error("/dev/zero").reason.startswith("not a regular file")


def test_a_file_above_the_size_cap_is_refused_without_reading_it(tmp_path, monkeypatch):
    monkeypatch.setattr(labfile, "MAX_FILE_BYTES", 1000)
    path = _write(tmp_path, lab_to_dict(default_lab()) | {"description": "x" * 2000})
    assert "too large" in _load_error(path).reason
    small = _write(tmp_path, lab_to_dict(default_lab()), "small.actlab")
    assert load_lab(small) == default_lab()


def test_a_folder_is_refused(tmp_path):
    assert _load_error(tmp_path).reason == "is a folder, not a lab file"


def test_a_name_too_long_is_one_clear_error_on_load_and_save(tmp_path):
    long_name = str(tmp_path / ("n" * 300 + ".actlab"))
    e = _load_error(long_name)
    assert e.reason.startswith("cannot read the file")
    with pytest.raises(LabFileError) as info:
        save_lab(default_lab(), long_name)
    _one_clear_line(str(info.value))
    assert os.listdir(tmp_path) == []


def test_a_long_but_valid_name_saves(tmp_path):
    # The temporary file's name is longer than the target's; it is shortened to fit.
    path = tmp_path / ("n" * 240 + ".actlab")
    save_lab(default_lab(), path)
    assert load_lab(path) == default_lab() and os.listdir(tmp_path) == [path.name]


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="permissions are not enforced for root")
def test_an_unreadable_file_is_one_clear_error(tmp_path):
    path = _write(tmp_path, lab_to_dict(default_lab()))
    path.chmod(0)
    assert _load_error(path).reason == "cannot read the file: Permission denied"


# ------------------------------------------------------------------ error text

@pytest.mark.parametrize("key", ["ne\nw", "\x1b[31mred\x1b[0m", "bidi\u202etxt", "x" * 10_000,
                                 "del\x7f", "csi\x9b2J", "line\u2028sep"])
def test_field_names_from_the_file_are_shown_on_one_printable_line(tmp_path, key):
    d = lab_to_dict(default_lab())
    d["network"][key] = 1
    e = _load_error(_write(tmp_path, d))
    assert e.reason.startswith("unknown field")
    assert "\x1b" not in str(e) and "\n" not in str(e)
    assert len(e.path) <= labfile.MAX_KEY_TEXT + len("network.")


@pytest.mark.parametrize("value", ["\x1b[2J" + "x" * 100_000, "a\nb", "\u0085\u200f"])
def test_values_from_the_file_are_escaped_and_cut(tmp_path, value):
    d = lab_to_dict(default_lab())
    d["network"]["activations"] = [value, "tanh"]
    e = _load_error(_write(tmp_path, d))
    assert e.path == "network.activations[0]" and e.reason.startswith("unknown activation")
    assert len(str(e)) < 300


def test_escaping_is_as_repr_and_idempotent():
    from actlab.safe_text import printable
    assert printable("a\nb\x1b[0m\u202e") == "a\\nb\\x1b[0m\\u202e"
    assert printable(printable("a\nb")) == "a\\nb"
    assert printable("ü€ 😀 ok") == "ü€ 😀 ok"  # printable non-ASCII stays readable
    assert printable("x" * 50, 10) == "x" * 9 + "…"


def test_a_duplicate_hostile_key_is_escaped(tmp_path):
    text = '{"format": "actlab", "version": 1, "a\\u001b[1m": 1, "a\\u001b[1m": 2}'
    e = _load_error(_write(tmp_path, text))
    assert e.reason == "not a valid lab file: the field 'a\\x1b[1m' appears twice"


def test_weights_round_trip_exactly_through_the_fast_paths(tmp_path):
    rng = np.random.default_rng(5)
    # points lie within ±1e6 (as a CSV import allows; x² of more overflows), at every
    # scale below it down to the smallest subnormal
    values = np.concatenate([rng.normal(size=2000) * 10.0 ** rng.integers(-300, 6, 2000),
                             [5e-324, -0.0, 1e6, -1e6, 999999.9999999999, 0.1, 1 / 3]])
    pts = tuple((float(a), float(b), float(i % 3)) for i, (a, b) in
                enumerate(values[: len(values) // 2 * 2].reshape(-1, 2)))
    lab = Lab(data=DataSpec(generator="custom", problem="classification", train_points=pts))
    save_lab(lab, tmp_path / "exact.actlab")
    back = load_lab(tmp_path / "exact.actlab")
    assert back == lab
    assert np.array(back.data.train_points).tobytes() == np.array(pts).tobytes()
    assert all(type(x) is float for p in back.data.train_points for x in p)


def test_a_lab_larger_than_actlab_reads_is_not_saved(tmp_path, monkeypatch):
    """Never write a file ActLab would then refuse to open; the old file stays."""
    from actlab.labfile import format as fmt

    path = _write(tmp_path, lab_to_dict(default_lab()), "kept.actlab")
    before = path.read_bytes()
    monkeypatch.setattr(fmt, "MAX_FILE_BYTES", 3000)
    big = replace(default_lab(), description="x" * 4000)
    with pytest.raises(LabFileError, match=r"cannot save: the lab would be \d+ MB, more than "
                                           r"the \d+ MB ActLab can open again"):
        save_lab(big, path)
    assert path.read_bytes() == before
