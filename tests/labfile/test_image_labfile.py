"""Image labs in lab files (version 2): round trips with weights and history, every new
field validated with its field path, and version-1 files loading exactly as before."""
import copy
import json
from dataclasses import replace

import numpy as np
import pytest

from actlab.lab import ImageDataSpec, Lab
from actlab.labfile.format import (
    LabFileError, lab_from_dict, lab_to_dict, lab_to_json, load_lab, save_lab)
from actlab.labfile.presets import load_preset, preset_names
from actlab.engine.models.cnn_spec import ConvSpec, ImageNetSpec
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


# ------------------------------------------------------------------ images from a file

def _source_dict(**source):
    d = _image_dict()
    d["data"] = {"kind": "images", "source": source or {"npz": "mine.npz"}, "size": 12,
                 "train_fraction": 0.75, "seed": 4}
    return d


BAD_SOURCE = [
    ({"source": {}}, "data.source", "exactly one of npz or folder"),
    ({"source": {"npz": "a.npz", "folder": "b"}}, "data.source", "not both"),
    ({"source": {"csv": "a.csv"}}, "data.source.csv", "unknown field"),
    ({"source": "a.npz"}, "data.source", "must be an object"),
    ({"source": {"npz": 3}}, "data.source.npz", "must be a string"),
    ({"source": {"npz": "  "}}, "data.source.npz", "must not be empty"),
    ({"source": {"folder": "a\nb"}}, "data.source.folder", "control characters"),
    ({"source": {"npz": "x" * 1001}}, "data.source.npz", "at most 1000"),
    ({"source": {"npz": "a.npz", "classes": 11}}, "data.source.classes", "must be 2..10"),
    ({"source": {"npz": "a.npz", "classes": True}}, "data.source.classes", "2..10"),
    ({"generator": "bars"}, "data.generator", "not used with data.source"),
    ({"noise": 0.1}, "data.noise", "not used with data.source"),
    ({"per_class": 10}, "data.per_class", "not used with data.source"),
    ({"size": 40}, "data.size", "must be 8..32"),
    ({"train_fraction": 1.5}, "data.train_fraction", "<= 1"),
]


@pytest.mark.parametrize("change, where, words", BAD_SOURCE,
                         ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD_SOURCE)])
def test_every_source_field_is_checked_with_its_path(change, where, words):
    d = _source_dict()
    d["data"].update(change)
    with pytest.raises(LabFileError) as e:
        lab_from_dict(d)
    assert e.value.path == where and words in e.value.reason, str(e.value)


@pytest.mark.parametrize("kind", ["npz", "folder"])
def test_a_source_round_trips_through_save_and_load(tmp_path, kind):
    lab = lab_from_dict(_source_dict(**{kind: "sub dir/my images", "classes": 3}))
    assert lab.data.source == (kind, "sub dir/my images") and lab.data.classes == 3
    assert (lab.data.size, lab.data.train_fraction, lab.data.seed) == (12, 0.75, 4)
    assert lab.network.n_classes == 3  # the output layer fits the recorded classes
    save_lab(lab, tmp_path / "a.actlab")
    again = load_lab(tmp_path / "a.actlab")
    assert again == lab
    written = json.loads((tmp_path / "a.actlab").read_text())["data"]
    assert written == {"kind": "images", "source": {kind: "sub dir/my images", "classes": 3},
                       "size": 12, "train_fraction": 0.75, "seed": 4}


def _write_npz(path, size=12, k=3, per=6):
    from actlab.engine.data.images import make_images
    ds = make_images("shapes", size, 0.0, per, 0.5, 2)
    x = np.concatenate([ds.x_train, ds.x_test])[:, 0]
    y = np.concatenate([ds.y_train, ds.y_test])
    keep = y < k
    np.savez(path, images=x[keep], labels=y[keep])
    return x[keep], y[keep]


def test_an_npz_source_trains_with_trained_weights_saved_and_reloaded(tmp_path):
    from actlab.kinds.image_sources import load_lab_images
    x, y = _write_npz(tmp_path / "mine.npz")
    lab = lab_from_dict(_source_dict(npz="mine.npz"))
    assert lab.data.classes is None and lab.network.n_classes == 2  # not read yet
    lab, data = load_lab_images(lab, tmp_path)
    assert data.n_classes == 3 and lab.data.classes == 3 and lab.network.n_classes == 3
    assert lab.data.source == ("npz", str((tmp_path / "mine.npz").absolute()))
    # the images are the file's, split by the lab's fraction
    from actlab.engine.data.images import split_stratified
    train, test = split_stratified(y, 0.75, 4)
    assert (data.n_train, data.n_test) == (len(train), len(test))
    got = np.sort(np.concatenate([data.x_train, data.x_test])[:, 0].reshape(len(y), -1), axis=0)
    assert np.allclose(got, np.sort(x.reshape(len(y), -1), axis=0))
    t = Trainer(lab, data)
    t.train(2)
    trained = t.to_lab()
    save_lab(trained, tmp_path / "elsewhere.actlab")  # absolute path: loads from anywhere
    again = load_lab(tmp_path / "elsewhere.actlab")
    assert again == trained
    again_lab, again_data = load_lab_images(again, tmp_path / "nowhere")
    t2 = Trainer(again_lab, again_data)
    assert np.array_equal(t2.network.predict(again_data.x_test), t.network.predict(data.x_test))


def test_the_engine_reads_an_npz_source_but_not_a_folder(tmp_path):
    from actlab.engine.data.build import image_data
    _write_npz(tmp_path / "mine.npz")
    lab = lab_from_dict(_source_dict(npz="mine.npz"))
    assert image_data(lab, str(tmp_path)).n_classes == 3
    lab = lab_from_dict(_source_dict(folder="pics"))
    with pytest.raises(ValueError, match="image_sources.load_lab_images"):
        image_data(lab)


def test_weights_for_another_number_of_classes_are_refused_naming_the_file(tmp_path):
    from actlab.engine.data.images import ImageFileError
    from actlab.kinds.image_sources import load_lab_images
    _write_npz(tmp_path / "three.npz", k=3)
    _write_npz(tmp_path / "two.npz", k=2)
    lab, data = load_lab_images(lab_from_dict(_source_dict(npz="three.npz")), tmp_path)
    trained = Trainer(lab, data).to_lab()  # weights with 3 outputs, classes recorded
    assert lab_from_dict(lab_to_dict(trained)) == trained
    moved = replace(trained, data=replace(trained.data, source=("npz", "two.npz")))
    with pytest.raises(ImageFileError) as e:
        load_lab_images(moved, tmp_path)
    assert str(e.value) == "two.npz: 2 classes, but the lab's weights are for 3"
    # and a file claiming 2 classes cannot hold 3-output weights
    d = lab_to_dict(trained)
    d["data"]["source"]["classes"] = 2
    with pytest.raises(LabFileError) as e:
        lab_from_dict(d)
    assert e.value.path.startswith("params")
