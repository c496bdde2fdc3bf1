"""Image labs in lab files (version 2): round trips with weights and history, every new
field validated with its field path, and version-1 files loading exactly as before."""
import copy
import json
from dataclasses import replace

import numpy as np
import pytest

from actlab.lab import ImageDataSpec, Lab
from actlab.labfile import (LabFileError, lab_from_dict, lab_to_dict, lab_to_json, load_lab,
                            load_preset, preset_names, save_lab)
from actlab.engine.cnn_spec import ConvSpec, ImageNetSpec
from actlab.engine.trainer import Trainer
from actlab.resources_path import resource_file


def image_lab(**net) -> Lab:
    spec = ImageNetSpec(conv=(ConvSpec(4, 3, "same", 1, "relu", "max"),
                              ConvSpec(3, 5, "valid", 1, "tanh")), **net)
    return Lab(name="tiny", data=ImageDataSpec("shapes", 12, 0.1, 6, 0.5, 3), network=spec)


def test_point_labs_are_still_written_as_version_1_and_load_unchanged():
    for name in preset_names():
        path = resource_file("labs", name + ".actlab")
        raw = json.loads(path.read_text(encoding="utf-8"))
        assert raw["version"] == 1 and "kind" not in raw["data"]
        lab = load_lab(path)
        assert lab.kind == "points"
        # the lab written again is the same JSON, version 1 included
        assert json.loads(lab_to_json(lab)) == lab_to_dict(lab_from_dict(raw))
        assert lab_to_dict(lab)["version"] == 1


def test_a_point_lab_may_say_kind_points():
    d = lab_to_dict(load_preset("circle-tanh"))
    d["data"]["kind"] = "points"
    assert lab_from_dict(d) == load_preset("circle-tanh")


def test_image_lab_round_trips_with_trained_weights_and_history(tmp_path):
    lab = image_lab(hidden=(5,), activations=("elu",))
    t = Trainer(lab)
    t.train(2)
    trained = t.to_lab()
    path = tmp_path / "tiny.actlab"
    save_lab(trained, path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["version"] == 2 and raw["data"]["kind"] == "images" and "features" not in raw
    assert [sorted(p) for p in raw["params"]] == [["K", "b"], ["K", "b"], ["W", "b"], ["W", "b"]]
    back = load_lab(path)
    assert back == trained and back.kind == "images"
    for (w1, b1), (w2, b2) in zip(back.params, t.network.get_params()):
        assert w1.tobytes() == w2.tobytes() and b1.tobytes() == b2.tobytes()  # bit for bit
    assert back.params[0][0].shape == (4, 1, 3, 3) and back.params[1][0].shape == (3, 4, 5, 5)
    # the reloaded weights predict exactly what the trained network does
    t2 = Trainer(back)
    x = t.dataset.x_test
    assert np.array_equal(t2.network.predict(x), t.network.predict(x))
    assert t2.epoch == 2


def _image_dict():
    return lab_to_dict(image_lab())


def _set(d, path, value):
    d = copy.deepcopy(d)
    *keys, last = path
    node = d
    for k in keys:
        node = node[k]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return d


BAD = [
    (("data", "kind"), "pictures", "data.kind", "unknown data kind 'pictures'"),
    (("version",), 1, "data.kind", "image labs need version 2"),
    (("data", "generator"), "circle", "data.generator", "unknown image data set 'circle'"),
    (("data", "size"), 64, "data.size", "must be 8..32"),
    (("data", "noise"), 1.5, "data.noise", "<= 1"),
    (("data", "per_class"), 1, "data.per_class", "must be 2..5000"),
    (("data", "n_points"), 10, "data.n_points", "unknown field"),
    (("data", "train_fraction"), 0, "data.train_fraction", "> 0"),
    (("network", "conv"), [], "network.conv", "0 convolution layers, needs 1 to 4"),
    (("network", "conv", 1, "kernel"), 4, "network.conv[1].kernel", "must be one of 3, 5, 7"),
    (("network", "conv", 0, "filters"), 17, "network.conv[0].filters", "must be 1..16"),
    (("network", "conv", 0, "padding"), "full", "network.conv[0].padding", "unknown padding"),
    (("network", "conv", 0, "stride"), 3, "network.conv[0].stride", "must be one of 1, 2"),
    (("network", "conv", 0, "activation"), "ReLu6", "network.conv[0].activation",
     "unknown activation"),
    (("network", "conv", 0, "pool"), "min", "network.conv[0].pool", "unknown pooling"),
    (("network", "conv", 0, "dilation"), 2, "network.conv[0].dilation", "unknown field"),
    (("network", "head"), "mean", "network.head", "unknown head"),
    (("network", "hidden"), [3, 3, 3], "network.hidden", "3 dense layers, at most 2"),
    (("network", "activations"), ["relu"], "network.activations",
     "1 activation for 0 dense layers"),
    (("network", "init"), "zeros", "network.init", "unknown init"),
    (("features",), ["x1"], "features", "only for point labs"),
]


@pytest.mark.parametrize("path, value, where, words", BAD,
                         ids=[".".join(map(str, b[0])) + f"={b[1]}" for b in BAD])
def test_every_image_field_is_checked_with_its_path(path, value, where, words):
    with pytest.raises(LabFileError) as e:
        lab_from_dict(_set(_image_dict(), path, value))
    assert e.value.path == where and words in e.value.reason, str(e.value)


def test_a_stack_that_shrinks_below_one_pixel_names_the_layer():
    d = _image_dict()
    d["data"]["size"] = 8
    d["network"]["conv"] = [{"kernel": 7, "padding": "valid"}, {"kernel": 5, "padding": "valid"}]
    with pytest.raises(LabFileError) as e:
        lab_from_dict(d)
    assert e.value.path == "network.conv[1]" and "below 1 px" in e.value.reason


def test_params_shapes_and_keys_are_checked():
    lab = image_lab()
    trained = Trainer(lab).to_lab()
    d = lab_to_dict(trained)
    bad = _set(d, ("params", 1, "K"), np.zeros((3, 3, 5, 5)).tolist())
    with pytest.raises(LabFileError) as e:
        lab_from_dict(bad)
    assert e.value.path == "params[1].K" and "(3, 3, 5, 5) does not match the network (3, 4, 5, 5)" in e.value.reason
    bad = copy.deepcopy(d)
    bad["params"][0]["W"] = bad["params"][0].pop("K")
    with pytest.raises(LabFileError) as e:
        lab_from_dict(bad)
    assert e.value.path == "params[0].W" and "unknown field" in e.value.reason
    with pytest.raises(LabFileError) as e:
        lab_from_dict(_set(d, ("params",), d["params"][:2]))
    assert e.value.path == "params" and "2 convolution + 1 dense" in e.value.reason
    ragged = _set(d, ("params", 0, "K", 1), [[[0.0]]])
    with pytest.raises(LabFileError) as e:
        lab_from_dict(ragged)
    assert e.value.path == "params[0].K[1]"


def test_image_expectations_are_pinned_and_checked():
    d = _image_dict()
    d["guide"] = {"expect": [{"metric": "test_accuracy", "op": ">", "value": 0.5}]}
    lab = lab_from_dict(d)
    e, = lab.guide["expect"]
    assert e["conv"] == d["network"]["conv"] and e["hidden"] == [] and e["activations"] == []
    d["guide"] = {"expect": [{"metric": "test_accuracy", "op": ">", "value": 0.5,
                              "activation": "linear"}]}
    e, = lab_from_dict(d).guide["expect"]
    assert [c["activation"] for c in e["conv"]] == ["linear", "linear"]
    for field, value, words in (("features", ["x1"], "only for point labs"),
                                ("conv", [{"kernel": 9}], "must be one of 3, 5, 7")):
        d["guide"] = {"expect": [{"metric": "test_accuracy", "op": ">", "value": 0.5,
                                  field: value}]}
        with pytest.raises(LabFileError) as err:
            lab_from_dict(d)
        assert err.value.path.startswith(f"guide.expect[0].{field}") and words in err.value.reason


def test_conv_in_a_point_lab_expectation_is_refused():
    d = lab_to_dict(load_preset("circle-tanh"))
    d["guide"] = {"expect": [{"metric": "test_accuracy", "op": ">", "value": 0.5,
                              "conv": [{}]}]}
    with pytest.raises(LabFileError) as e:
        lab_from_dict(d)
    assert e.value.path == "guide.expect[0].conv" and "only for image labs" in e.value.reason


def test_a_newer_version_is_refused():
    d = _image_dict()
    d["version"] = 3
    with pytest.raises(LabFileError) as e:
        lab_from_dict(d)
    assert "3 is newer than this ActLab understands (2)" in str(e.value)
