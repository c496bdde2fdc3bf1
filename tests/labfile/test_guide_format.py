"""The "guide" of a lab file: teacher locks, expected outcomes and notes are checked with
clear field paths; other guide fields pass through unchanged."""
import copy

import pytest

from actlab.engine import outcomes
from actlab.lab import CONTROL_GROUPS
from actlab.labfile.format import (
    EXPECT_METRICS, EXPECT_OPS, LabFileError, lab_from_dict, lab_to_dict)
from actlab.labfile.presets import load_preset, preset_names

GUIDE = {
    "instructions": "Press Play.",
    "question": "Why?",
    "expect": [{"activation": "linear", "metric": "test_accuracy", "op": "<", "value": 0.75,
                "epochs": 300, "text": "stays below 75 %"}],
    "locked": ["data", "features"],
    "hidden": ["seed"],
    "notes": "My notes",
}


def _doc(guide):
    return {"format": "actlab", "version": 1, "guide": guide}


def _with(**changes):
    g = copy.deepcopy(GUIDE)
    for key, value in changes.items():
        if value is _DELETE:
            g.pop(key, None)
        else:
            g[key] = value
    return g


_DELETE = object()


def _expect(**changes):
    e = dict(GUIDE["expect"][0])
    for key, value in changes.items():
        if value is _DELETE:
            e.pop(key)
        else:
            e[key] = value
    return _with(expect=[e])


def test_vocabulary_matches_the_engine():
    from actlab.labfile.guide import EXPECT_SHOULD
    assert EXPECT_SHOULD == outcomes.SHOULD
    assert EXPECT_METRICS == outcomes.METRICS
    assert set(EXPECT_OPS) == set(outcomes.OPS)
    assert len(set(CONTROL_GROUPS)) == len(CONTROL_GROUPS) == 11


def test_valid_guide_round_trips_with_its_expectations_pinned():
    lab = lab_from_dict(_doc(GUIDE))
    # the file names only the activation: the rest of the network is the file's own,
    # and so is the data set
    pinned = {"hidden": [4, 2], "activations": ["linear", "linear"],
              "features": ["x1", "x2"], "data": {"generator": "circle", "noise": 0.0},
              "metric": "test_accuracy", "op": "<", "value": 0.75,
              "epochs": 300, "text": "stays below 75 %"}
    assert lab.guide == {**GUIDE, "expect": [pinned]} and lab.guide is not GUIDE
    assert GUIDE["expect"][0]["activation"] == "linear"  # the input is left alone
    assert lab_from_dict(lab_to_dict(lab)).guide == lab.guide


def test_other_guide_fields_are_kept():
    lab = lab_from_dict(_doc(_with(author="Ms. Lovelace", level=2)))
    assert lab.guide["author"] == "Ms. Lovelace" and lab.guide["level"] == 2


def test_every_preset_guide_is_valid_and_the_collapse_lab_locks_data_and_features():
    for name in preset_names():
        load_preset(name)  # raises on an invalid guide
    guide = load_preset("linear-collapse-xor").guide
    assert guide["locked"] == ["data", "features"]


@pytest.mark.parametrize("guide,path,reason", [
    (_with(locked=["data", "netwrk"]), "guide.locked[1]",
     "unknown control 'netwrk' (choose from data, features, network, activation, "
     "learning_rate, batch_size, optimizer, regularization, problem, stop_after, seed)"),
    (_with(locked="data"), "guide.locked", 'must be a list [...], got "data"'),
    (_with(hidden=[3]), "guide.hidden[0]", "must be the name of a control"),
    (_with(hidden=["seed", "seed"]), "guide.hidden[1]", "'seed' is listed twice"),
    (_with(notes=["a"]), "guide.notes", 'must be a string, got ["a"]'),
    (_with(instructions=None), "guide.instructions", "must be a string, got null"),
    (_with(question=3), "guide.question", "must be a string, got 3"),
    (_with(lockd=["data"]), "guide.lockd", "unknown field (did you mean 'locked'?)"),
    (_with(expect={"metric": "test_accuracy"}), "guide.expect", "must be a list"),
    (_with(expect=["x"]), "guide.expect[0]", "must be an object"),
    (_expect(metric="accuracy"), "guide.expect[0].metric", "unknown metric 'accuracy'"),
    (_expect(op="=="), "guide.expect[0].op", "unknown comparison '=='"),
    (_expect(value=_DELETE), "guide.expect[0].value", "missing"),
    (_expect(value="high"), "guide.expect[0].value", "must be a finite number"),
    (_expect(epochs=0), "guide.expect[0].epochs", "must be 1..10000000, got 0"),
    (_expect(activation="relux"), "guide.expect[0].activation", "unknown activation 'relux'"),
    (_expect(activations=["tanh"]), "guide.expect[0].activations",
     "give activation or activations, not both"),
    (_expect(activation=_DELETE, activations=["tanh"]), "guide.expect[0].activations",
     "1 activation for 2 hidden layers"),
    (_expect(activation=_DELETE, activations="relux"), "guide.expect[0].activations",
     "unknown activation 'relux'"),
    (_expect(activation=_DELETE, hidden=[4, 4, 4]), "guide.expect[0].activations",
     "missing: name the activations of its 3 hidden layers"),
    (_expect(hidden=4), "guide.expect[0].hidden", "must be a list"),
    (_expect(hidden=[0]), "guide.expect[0].hidden[0]", "must be 1..64, got 0"),
    (_expect(hidden=[4] * 11), "guide.expect[0].hidden", "at most 10"),
    (_expect(features=["x1", "x3"]), "guide.expect[0].features[1]", "unknown feature 'x3'"),
    (_expect(features=[]), "guide.expect[0].features", "at least one feature"),
    (_expect(network={"hidden": [4]}), "guide.expect[0].network", "unknown field"),
    (_expect(text=5), "guide.expect[0].text", "must be a string"),
    (_expect(epoch=5), "guide.expect[0].epoch", "unknown field (did you mean 'epochs'?)"),
    (_expect(should="pass"), "guide.expect[0].should",
     'must be "reach" (the claim should hold) or "fail" (the lab predicts it fails), '
     'got "pass"'),
    (_expect(should=False), "guide.expect[0].should", 'must be "reach"'),
    (_expect(because="one line"), "guide.expect[0].because",
     'only with "should": "fail"'),
    (_expect(should="reach", because="one line"), "guide.expect[0].because",
     'only with "should": "fail"'),
    (_expect(should="fail", because=["one line"]), "guide.expect[0].because",
     "must be a string"),
    (_expect(shuold="fail"), "guide.expect[0].shuold", "did you mean 'should'?"),
])
def test_bad_guides_name_the_field(guide, path, reason):
    with pytest.raises(LabFileError) as info:
        lab_from_dict(_doc(guide))
    assert info.value.path == path
    assert reason in info.value.reason


def test_an_expectation_without_network_or_epochs_is_about_the_files_network():
    doc = _doc(_expect(activation=None, epochs=_DELETE, text=_DELETE))
    doc["network"] = {"hidden": [3], "activations": ["relu"]}
    doc["features"] = ["x1", "x2", "x1x2"]
    lab = lab_from_dict(doc)
    (e,) = outcomes.expectations(lab.guide)
    assert e.epochs == 300 and e.activation is None
    assert (e.hidden, e.activations, e.features) == ((3,), ("relu",), ("x1", "x2", "x1x2"))


def test_network_fields_may_be_given_one_by_one():
    doc = _doc(_expect(activation=_DELETE, hidden=[8, 8, 8], activations="tanh",
                       features=["x1", "x2", "x1sq"]))
    (e,) = outcomes.expectations(lab_from_dict(doc).guide)
    assert (e.hidden, e.activations, e.features) == ((8, 8, 8), ("tanh",) * 3,
                                                     ("x1", "x2", "x1sq"))
    # hidden sizes alone keep the file's activations when the layer count matches
    (e,) = outcomes.expectations(lab_from_dict(_doc(_expect(
        activation=_DELETE, hidden=[6, 3]))).guide)
    assert (e.hidden, e.activations) == ((6, 3), ("tanh", "tanh"))


def test_every_preset_states_the_network_of_each_outcome():
    """Presets are written out in full, so what a teacher reads is what is checked."""
    import json

    from actlab.resources_path import resource_file
    for name in preset_names():
        with open(resource_file("labs", name + ".actlab"), encoding="utf-8") as f:
            raw = json.load(f)
        for e in raw.get("guide", {}).get("expect", []):
            assert {"hidden", "activations", "features"} <= set(e), (name, e)
            assert "activation" not in e, name


def test_an_outcome_predicted_to_fail_round_trips_and_the_default_is_not_written():
    doc = _doc(_expect(op=">=", text="linear reaches 75 %", should="Fail",
                       because="one straight line cannot split XOR"))
    lab = lab_from_dict(doc)
    (written,) = lab.guide["expect"]
    assert written["should"] == "fail"  # the registry spelling, whatever the case
    assert written["because"] == "one straight line cannot split XOR"
    assert lab_from_dict(lab_to_dict(lab)).guide == lab.guide
    assert lab_to_dict(lab)["guide"]["expect"][0]["should"] == "fail"
    (e,) = outcomes.expectations(lab.guide)
    assert e.should_fail and e.because == "one straight line cannot split XOR"
    assert outcomes.Expectation.from_dict(e.to_dict()) == e  # the engine's own round trip
    # "reach" is the default: a lab that does not say it is read and written as before
    plain = lab_from_dict(_doc(GUIDE))
    assert "should" not in lab_to_dict(plain)["guide"]["expect"][0]
    assert not outcomes.expectations(plain.guide)[0].should_fail
    assert "should" not in outcomes.expectations(plain.guide)[0].to_dict()
    assert lab_from_dict(_doc(_expect(should="reach"))).guide["expect"][0]["should"] == "reach"
