"""Property-based fuzzing of lab files through load_lab / save_lab / Trainer.

Every case -- a valid preset with random changes at random places, random JSON, random
bytes, a valid file with bytes flipped -- is accepted (loads, saves, loads back equal,
trains an epoch) or refused with one clear LabFileError.  See tests/files/fuzzing.py.
"""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from actlab.labfile.format import lab_to_dict
from actlab.labfile.presets import load_preset, preset_names
from tests.files.fuzzing import FUZZ, JSON_VALUES, check_lab_file, dump, mutated


def _bases() -> dict[str, dict]:
    """Valid lab dicts to mutate: every preset, one with trained weights and history, and
    one with custom points and class names."""
    from dataclasses import replace

    from actlab.engine.trainer import Trainer
    from actlab.lab import DataSpec
    bases = {name: lab_to_dict(load_preset(name)) for name in preset_names()}
    trainer = Trainer(load_preset("xor-needs-nonlinearity"))
    trainer.train(3)
    bases["trained"] = lab_to_dict(trainer.to_lab())
    pts = tuple((i / 7 - 1.5, (i * 3 % 11) / 5 - 1, float(i % 3)) for i in range(24))
    custom = DataSpec(generator="custom", n_points=24, problem="classification",
                      train_points=pts[:18], test_points=pts[18:], class_names=("a", "b", "c"))
    bases["custom"] = lab_to_dict(replace(load_preset("circle-tanh"), data=custom))
    return bases


PRESETS = _bases()


def _write(folder, content) -> str:
    path = folder / "fuzz.actlab"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    return str(path)


@st.composite
def mutated_preset(draw, max_mutations: int = 3):
    return draw(mutated(PRESETS[draw(st.sampled_from(sorted(PRESETS)))], max_mutations))


@settings(FUZZ, max_examples=250)
@given(d=mutated_preset())
def test_mutated_presets_load_or_fail_clearly(tmp_path_factory, d):
    folder = tmp_path_factory.mktemp("lab")
    check_lab_file(_write(folder, dump(d)), folder)


@settings(FUZZ, max_examples=60)
@given(d=mutated_preset(max_mutations=1))
def test_one_change_written_as_ascii_escapes(tmp_path_factory, d):
    # ensure_ascii writes every non-ASCII character, lone surrogates included, as \uXXXX
    folder = tmp_path_factory.mktemp("lab")
    check_lab_file(_write(folder, json.dumps(d, ensure_ascii=True)), folder)


@settings(FUZZ, max_examples=60)
@given(v=JSON_VALUES)
def test_random_json_values_fail_clearly(tmp_path_factory, v):
    folder = tmp_path_factory.mktemp("lab")
    assert check_lab_file(_write(folder, dump(v)), folder) == "refused"


@settings(FUZZ, max_examples=60)
@given(data=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)))
def test_random_bytes_fail_clearly(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("lab")
    check_lab_file(_write(folder, data), folder)


@settings(FUZZ, max_examples=80)
@given(name=st.sampled_from(sorted(PRESETS)), edits=st.lists(
    st.tuples(st.floats(0, 1, exclude_max=True), st.sampled_from(["flip", "drop", "insert"]),
              st.integers(0, 255)), min_size=1, max_size=4))
def test_valid_files_with_damaged_bytes(tmp_path_factory, name, edits):
    data = bytearray(json.dumps(PRESETS[name], indent=1).encode())
    for where, how, byte in edits:
        i = int(where * len(data))
        if how == "flip":
            data[i] ^= byte or 1
        elif how == "drop":
            del data[i]
        else:
            data.insert(i, byte)
    folder = tmp_path_factory.mktemp("lab")
    check_lab_file(_write(folder, bytes(data)), folder)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_is_accepted(tmp_path, name):
    assert check_lab_file(_write(tmp_path, json.dumps(PRESETS[name])), tmp_path) == "accepted"
