"""Lab files: exact round trips, presets, clear errors for broken files, atomic saving.

No Qt here: the lab-file code is standard library + NumPy only.
"""
from __future__ import annotations

import copy
import json
import math
import os
from dataclasses import replace

import numpy as np
import pytest

from actlab import labfile
from actlab.labfile import names as labfile_names
from actlab.lab import DataSpec, Lab, NetworkSpec, TrainingSpec, default_lab
from actlab.labfile.format import LabFileError, lab_from_dict, lab_to_dict, load_lab, save_lab
from actlab.labfile.presets import load_preset, preset_names
from actlab.resources_path import resource_dir, resource_file


def _roundtrip(lab: Lab, tmp_path) -> Lab:
    path = tmp_path / "lab.actlab"
    save_lab(lab, path)
    return load_lab(path)


def _custom_lab() -> Lab:
    rng = np.random.default_rng(7)
    pts = [(float(a), float(b), float(c % 3)) for c, (a, b) in enumerate(rng.normal(size=(9, 2)))]
    data = DataSpec(generator="custom", problem="classification", train_points=tuple(pts[:6]),
                    test_points=tuple(pts[6:]), class_names=("cat", "dog", "bird"))
    return Lab(name="Pets ünïcode", description="custom", data=data,
               network=NetworkSpec((3,), ("relu",)))


def _trained_lab() -> Lab:
    rng = np.random.default_rng(3)
    sizes = (4, 5, 3, 1)
    params = tuple((rng.normal(size=(a, b)) * 1e-3, rng.normal(size=b) / 3)
                   for a, b in zip(sizes[:-1], sizes[1:]))
    history = {"epoch": [1, 2, 3], "train_loss": [0.7, 0.1 + 0.2, 1e-300],
               "test_loss": [0.69, 0.5, 0.25], "train_accuracy": [0.5, 0.75, 1.0],
               "test_accuracy": [math.nan] * 3}
    return Lab(features=("x1", "x2", "x1sq", "x2sq"),
               network=NetworkSpec((5, 3), ("tanh", "sine")),
               training=TrainingSpec(optimizer="adam", learning_rate=0.001, stop_after=300),
               params=params, history=history, guide={"question": "Why?", "locked": ["data"]})


# ------------------------------------------------------------------ round trips

def test_default_lab_round_trips(tmp_path):
    lab = default_lab()
    assert lab_from_dict(lab_to_dict(lab)) == lab
    assert _roundtrip(lab, tmp_path) == lab


def test_custom_points_and_class_names_round_trip(tmp_path):
    lab = _custom_lab()
    back = _roundtrip(lab, tmp_path)
    assert back == lab
    assert back.data.train_points == lab.data.train_points  # every float bit for bit
    text = (tmp_path / "lab.actlab").read_text(encoding="utf-8")
    assert "ünïcode" in text  # written as UTF-8, not \u escapes
    assert json.loads(text)["data"]["points"]["train"][1][2] == 1  # labels written as ints


def test_params_and_history_round_trip_bit_for_bit(tmp_path):
    lab = _trained_lab()
    back = _roundtrip(lab, tmp_path)
    assert back == lab or _history_nan_only_difference(back, lab)
    for (W0, b0), (W1, b1) in zip(lab.params, back.params):
        assert W1.dtype == np.float64 and W0.tobytes() == W1.tobytes()
        assert b0.tobytes() == b1.tobytes()
        assert not W1.flags.writeable  # a Lab is frozen, and so are its weights
    assert back.history["train_loss"] == lab.history["train_loss"]
    assert all(math.isnan(v) for v in back.history["test_accuracy"])  # NaN <-> null
    assert load_lab(tmp_path / "lab.actlab") == back  # two loads compare equal
    assert back.guide == lab.guide


def _history_nan_only_difference(a: Lab, b: Lab) -> bool:
    # NaN != NaN for separate float objects, so compare with NaNs swapped for a marker.
    strip = {k: ["nan" if isinstance(x, float) and math.isnan(x) else x for x in v]
             for k, v in (a.history or {}).items()}
    other = {k: ["nan" if isinstance(x, float) and math.isnan(x) else x for x in v]
             for k, v in (b.history or {}).items()}
    return strip == other and replace(a, history=None) == replace(b, history=None)


def test_numpy_scalars_and_float32_weights_are_written_as_plain_json():
    lab = replace(default_lab(), seed=np.int64(5),
                  params=tuple((np.ones((a, b), np.float32), np.zeros(b, np.float32))
                               for a, b in ((2, 4), (4, 2), (2, 1))))
    d = lab_to_dict(lab)
    json.dumps(d, allow_nan=False)
    assert lab_from_dict(d) == lab


def test_missing_optional_fields_take_defaults():
    lab = lab_from_dict({"format": "actlab", "version": 1})
    assert lab == Lab()
    lab = lab_from_dict({"format": "actlab", "version": 1, "network": {"hidden": [3, 3, 3]}})
    assert lab.network.activations == ("tanh",) * 3
    lab = lab_from_dict({"format": "actlab", "version": 1, "data": {"generator": "plane"}})
    assert lab.problem == "regression"


def test_saved_file_is_readable_json():
    text = labfile.lab_to_json(_custom_lab())
    assert text.endswith("}\n")
    assert '  [0.' in text or '  [-' in text or '  [1' in text  # one point per line
    assert len(text.splitlines()) < 60


# ------------------------------------------------------------------ presets

def test_presets_load_in_teaching_order():
    names = preset_names()
    assert names[:len(labfile.PRESET_ORDER)] == list(labfile.PRESET_ORDER)
    for name in names:
        lab = load_preset(name)
        assert lab.params is None and lab.history is None
        assert lab.name and 2 <= lab.description.count(". ") + 1 <= 4
        assert lab.data.n_points == 500 and lab.data.train_fraction == 0.5 and lab.seed == 1
        assert lab_from_dict(lab_to_dict(lab)) == lab
    assert load_preset("circle-tanh.actlab") == load_preset("circle-tanh")


def test_default_preset_matches_default_lab():
    preset, default = load_preset("circle-tanh"), default_lab()
    assert replace(preset, description=default.description, guide=None) == default


def test_preset_contents():
    collapse = load_preset("linear-collapse-xor")
    assert collapse.network.hidden == (8, 8, 8) and set(collapse.network.activations) == {"linear"}
    features = load_preset("circle-features-vs-layers")
    assert features.network.hidden == () and features.features == ("x1", "x2", "x1sq", "x2sq")
    spiral = load_preset("spiral-relu-vs-tanh")
    assert spiral.training.optimizer == "adam" and spiral.training.learning_rate == 0.01
    deep = load_preset("deep-sigmoid-vanishes")
    assert deep.network.hidden == (8,) * 8 and set(deep.network.activations) == {"sigmoid"}


def test_unknown_preset():
    with pytest.raises(LabFileError, match="no preset named 'nope'"):
        load_preset("nope")


def test_resources_are_found_from_the_checkout():
    assert (resource_dir() / "labs").is_dir()
    assert resource_file("labs", "circle-tanh.actlab").is_file()
    with pytest.raises(FileNotFoundError):
        resource_file("labs", "missing.actlab")


# ------------------------------------------------------------------ broken documents

def _valid() -> dict:
    return lab_to_dict(_trained_lab())


def _custom() -> dict:
    return lab_to_dict(_custom_lab())


def _set(doc: dict, dotted: str, value) -> dict:
    doc = copy.deepcopy(doc)
    *parents, last = dotted.split(".")
    target = doc
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    if value is _DELETE:
        del target[last]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return doc


_DELETE = object()

BROKEN = [
    (_set(_valid(), "format", "pytorch"), "format", "not an ActLab lab file"),
    ([1, 2], "format", "not an ActLab lab file"),
    (_set(_valid(), "version", 7), "version",
     "7 is newer than this ActLab understands (2)"),
    (_set(_valid(), "version", "1"), "version", 'must be an integer >= 1, got "1"'),
    (_set(_valid(), "netwrok", {}), "netwrok", "unknown field (did you mean 'network'?)"),
    (_set(_valid(), "seed", -1), "seed", "must be 0..4294967295, got -1"),
    (_set(_valid(), "network.hidden.1", 100), "network.hidden[1]", "must be 1..64, got 100"),
    (_set(_valid(), "network.hidden", [2] * 11), "network.hidden",
     "11 hidden layers, at most 10"),
    (_set(_valid(), "network.activations", ["tanh"] * 3), "network.activations",
     "3 activations for 2 hidden layers"),
    (_set(_valid(), "network.init", "zeros"), "network.init",
     "unknown init 'zeros' (choose from xavier, he, playground)"),
    (_set(_valid(), "training.learning_rate", "fast"), "training.learning_rate",
     'must be a number > 0 and <= 10, got "fast"'),
    (_set(_valid(), "training.learning_rate", 0), "training.learning_rate",
     "must be a number > 0 and <= 10, got 0"),
    (_set(_valid(), "training.batch_size", 2.5), "training.batch_size",
     "must be an integer 1..10000, got 2.5"),
    (_set(_valid(), "training.momentum", 1), "training.momentum",
     "must be a number >= 0 and < 1, got 1"),
    (_set(_valid(), "training.reshuffle", 1), "training.reshuffle", "must be true or false, got 1"),
    (_set(_valid(), "training.stop_after", 0), "training.stop_after",
     "must be null or an integer >= 1, got 0"),
    (_set(_valid(), "training.optimizer", "rmsprop"), "training.optimizer",
     "unknown optimizer 'rmsprop' (choose from sgd, momentum, adam)"),
    (_set(_valid(), "data.noise", 0.6), "data.noise", "must be a number >= 0 and <= 0.5, got 0.6"),
    (_set(_valid(), "data.n_points", 1), "data.n_points", "must be 2..100000, got 1"),
    (_set(_valid(), "data.train_fraction", 0), "data.train_fraction",
     "must be a number > 0 and <= 1, got 0"),
    (_set(_valid(), "data.generator", "plane"), "data.problem",
     "generator 'plane' makes a regression problem, got 'classification'"),
    (_set(_valid(), "data.points", {"train": []}), "data.points",
     "only allowed when generator is 'custom'"),
    (_set(_valid(), "features", []), "features", "must list at least one feature"),
    (_set(_valid(), "features", ["x1", "x2", "x1", "x2sq"]), "features[2]", "'x1' is listed twice"),
    (_set(_valid(), "params.1.W", [[0.0] * 2] * 5), "params[1].W",
     "shape (5, 2) does not match the network (5, 3)"),
    (_set(_valid(), "params.0.b", [0.0] * 4), "params[0].b",
     "shape (4,) does not match the network (5,)"),
    (_set(_valid(), "params.2.W", [[0.5], [float("nan")], [1.0]]), "params[2].W[1][0]",
     "must be a finite number, got NaN"),
    (_set(_valid(), "params.0.W.3", [1.0, 2.0]), "params[0].W[3]",
     "has 2 numbers, but row 0 has 5"),
    (_set(_valid(), "params", _valid()["params"][:2]), "params",
     "2 layers of weights for a network with 3 layers (2 hidden + output)"),
    (_set(_valid(), "history.test_loss", [0.5]), "history.test_loss",
     "1 value, but history.epoch has 3"),
    (_set(_valid(), "history.epoch", _DELETE), "history.epoch", "missing"),
    (_set(_valid(), "guide", ["not", "a", "dict"]), "guide",
     'must be an object {...}, got ["not", "a", "dict"]'),
    (_set(_custom(), "data.points", _DELETE), "data.points",
     "required when generator is 'custom'"),
    (_set(_custom(), "data.points.train.2.2", 1.5), "data.points.train[2][2]",
     "must be a class number 0..5, got 1.5"),
    (_set(_custom(), "data.points.test.0", [1, 2]), "data.points.test[0]",
     "must be a point [x1, x2, label], got [1, 2]"),
    (_set(_custom(), "data.class_names", ["cat", "dog"]), "data.class_names",
     "2 names for 3 classes"),
]


@pytest.mark.parametrize("doc, path, message", BROKEN,
                         ids=[f"{i}-{case[1]}" for i, case in enumerate(BROKEN)])
def test_broken_documents_name_the_first_problem(doc, path, message):
    with pytest.raises(LabFileError) as info:
        lab_from_dict(doc)
    assert (info.value.path, info.value.reason) == (path, message)
    assert str(info.value) == f"{path}: {message}"


def test_unknown_activation_lists_the_choices():
    doc = _set(_valid(), "network.activations.1", "relux")
    with pytest.raises(LabFileError) as info:
        lab_from_dict(doc)
    assert info.value.path == "network.activations[1]"
    assert info.value.reason.startswith("unknown activation 'relux' (choose from linear, relu")


@pytest.mark.parametrize("field, given, stored", [
    ("network.activations.1", "ReLU", "relu"),          # as the window spells it
    ("network.activations.1", "Leaky-ReLU", "leaky_relu"),
    ("network.activations.1", "leaky relu", "leaky_relu"),
    ("training.regularization", "L2", "l2"),
    ("training.optimizer", "Adam", "adam"),
    ("data.generator", "XOR", "xor"),
])
def test_names_match_in_any_case_and_are_saved_in_registry_spelling(field, given, stored):
    lab = lab_from_dict(_set(_valid(), field, given))
    saved = lab_to_dict(lab)
    section, key = field.split(".")[:2]
    value = saved[section][key]
    assert (value[1] if isinstance(value, list) else value) == stored
    assert lab_from_dict(saved) == lab


def test_first_problem_wins():
    doc = _set(_set(_valid(), "training.batch_size", 0), "network.hidden.0", 0)
    with pytest.raises(LabFileError, match=r"^network\.hidden\[0\]"):
        lab_from_dict(doc)


def test_registry_fallback_when_engine_is_missing(monkeypatch):
    monkeypatch.setattr(labfile_names, "_registry", lambda kind: None)
    assert labfile.known_names("activation") == labfile.FALLBACK_NAMES["activation"]
    assert labfile.known_names("generator")[-1] == "custom"
    assert lab_from_dict(_valid()) == lab_from_dict(_valid())
    three = lab_from_dict(_set(_set(_valid(), "data.generator", "spiral3"), "params", None))
    assert labfile.layer_sizes(three)[-1] == 3
    with pytest.raises(LabFileError, match="regression problem"):
        lab_from_dict(_set(_valid(), "data.generator", "gaussian_mix"))


def test_three_class_generator_needs_three_outputs():
    doc = _set(_set(_valid(), "data.generator", "spiral3"), "params", None)
    lab = lab_from_dict(doc)
    assert labfile.layer_sizes(lab) == (4, 5, 3, 3)
    assert labfile.layer_sizes(_custom_lab()) == (2, 3, 3)


# ------------------------------------------------------------------ files

def test_not_json_names_line_and_column(tmp_path):
    path = tmp_path / "broken.actlab"
    path.write_text('{\n "format": "actlab",\n "version": 1,,\n}', encoding="utf-8")
    with pytest.raises(LabFileError) as info:
        load_lab(path)
    assert str(info.value).startswith("broken.actlab: not valid JSON at line 3, column 15:")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("content, message", [
    (None, "missing.actlab: file not found"),
    (b"", "missing.actlab: the file is empty"),
    (b'{"format": "actlab", "version": 1, "seed": 1, "seed": 2}',
     "missing.actlab: not a valid lab file: the field 'seed' appears twice"),
    (b'\xff\xfe{}', "missing.actlab: not UTF-8 text (bad byte at position 0)"),
    (json.dumps({"format": "actlab", "version": 1, "network": {"hidden": [100]}}).encode(),
     "missing.actlab: network.hidden[0]: must be 1..64, got 100"),
])
def test_load_errors_start_with_the_file_name(tmp_path, content, message):
    path = tmp_path / "missing.actlab"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(LabFileError) as info:
        load_lab(path)
    assert str(info.value) == message
    assert info.value.filename == str(path)


def test_load_accepts_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.actlab"
    path.write_bytes(b"\xef\xbb\xbf" + labfile.lab_to_json(default_lab()).encode())
    assert load_lab(path) == default_lab()


def test_save_to_a_missing_folder(tmp_path):
    with pytest.raises(LabFileError, match=r"^lab\.actlab: cannot save: the folder .* does not"):
        save_lab(default_lab(), tmp_path / "nowhere" / "lab.actlab")


def test_save_refuses_an_invalid_lab_without_touching_the_disk(tmp_path):
    bad = replace(_trained_lab(), params=((np.full((4, 5), np.nan), np.zeros(5)),
                                          *_trained_lab().params[1:]))
    with pytest.raises(LabFileError, match=r"^lab\.actlab: params\[0\]\.W\[0\]\[0\]: must be a"):
        save_lab(bad, tmp_path / "lab.actlab")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where, error", [("fsync", OSError(28, "No space left on device")),
                                          ("replace", OSError(13, "Permission denied")),
                                          ("replace", KeyboardInterrupt())])
def test_failed_save_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch, where, error):
    path = tmp_path / "lab.actlab"
    save_lab(default_lab(), path)
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise error

    monkeypatch.setattr(os, where, boom)
    expected = LabFileError if isinstance(error, OSError) else type(error)
    with pytest.raises(expected) as info:
        save_lab(_trained_lab(), path)
    monkeypatch.undo()
    if expected is LabFileError:
        assert str(info.value).startswith("lab.actlab: cannot save: ")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["lab.actlab"]


def test_save_replaces_and_keeps_permissions(tmp_path):
    path = tmp_path / "lab.actlab"
    save_lab(default_lab(), path)
    os.chmod(path, 0o640)
    save_lab(_custom_lab(), path)
    assert load_lab(path) == _custom_lab()
    if os.name == "posix":
        assert (os.stat(path).st_mode & 0o777) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["lab.actlab"]


def test_the_example_in_the_format_spec_is_a_valid_lab():
    spec = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "lab-format.md")
    with open(spec, encoding="utf-8") as f:
        text = f.read()
    example = text.split("```json\n", 1)[1].split("```", 1)[0]
    lab = lab_from_dict(json.loads(example))
    assert lab.data.class_names == ("cat", "dog", "bird") and len(lab.params) == 2
    assert json.loads(labfile.lab_to_json(lab)) == json.loads(example)
