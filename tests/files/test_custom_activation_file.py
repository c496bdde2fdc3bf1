"""Custom activations in lab files: written by value, read back bit for bit, bad ones
refused with a field-path message, old files unchanged, and the CLI trains with them."""
import copy
import json

import numpy as np
import pytest

from actlab.cli.main import main
from actlab.engine.activations.custom import PiecewiseLinear
from actlab.lab import DataSpec, Lab, NetworkSpec, TrainingSpec
from actlab.labfile.format import LabFileError, lab_from_dict, lab_to_dict, load_lab, save_lab
from actlab.labfile.presets import load_preset

# coordinates whose shortest repr has 17 digits: a lossy writer would change them
KINK = PiecewiseLinear("My kink", ((-1.0, -0.1), (0.1 + 0.2, 1 / 3), (2.0, np.pi)))
LINE = PiecewiseLinear("straight-ish", ((0.0, 1.0), (1.0, 3.0)))


def _lab(acts=("My kink", "straight-ish"), custom=(KINK, LINE), stop=None):
    return Lab(name="custom", data=DataSpec("xor", n_points=120, seed=4),
               network=NetworkSpec((4, 3), acts, custom=custom),
               training=TrainingSpec(learning_rate=0.02, stop_after=stop))


def test_round_trip_is_bit_exact(tmp_path):
    lab = _lab()
    path = tmp_path / "custom.actlab"
    save_lab(lab, path)
    back = load_lab(path)
    assert back == lab
    for c, d in zip(back.network.custom, lab.network.custom):
        assert c.name == d.name
        assert all(x.hex() == y.hex() for p, q in zip(c.points, d.points)
                   for x, y in zip(p, q))
    written = json.loads(path.read_text())["network"]
    assert written["custom"][0] == {"name": "My kink",
                                    "points": [[-1.0, -0.1], [0.30000000000000004,
                                                              0.3333333333333333],
                                               [2.0, 3.141592653589793]]}


def test_layers_name_custom_activations_in_any_spelling():
    d = lab_to_dict(_lab())
    d["network"]["activations"] = ["MY KINK", "Straight ish"]
    assert lab_from_dict(d).network.activations == ("My kink", "straight-ish")


def test_trained_weights_round_trip(tmp_path):
    from actlab.engine.trainer import Trainer
    t = Trainer(_lab())
    t.train(5)
    trained = t.to_lab()
    save_lab(trained, tmp_path / "t.actlab")
    back = load_lab(tmp_path / "t.actlab")
    assert back == trained and back.network.custom == (KINK, LINE)


def test_old_files_are_unchanged():
    lab = load_preset("circle-tanh")
    assert lab.network.custom == ()
    d = lab_to_dict(lab)
    assert "custom" not in d["network"]  # an older ActLab still opens the file
    assert lab_from_dict(copy.deepcopy(d)) == lab


def _bad(edit):
    d = lab_to_dict(_lab())
    edit(d["network"])
    with pytest.raises(LabFileError) as e:
        lab_from_dict(d)
    return e.value


def _set_point(i, j, value):
    def edit(net):
        net["custom"][0]["points"][i][j] = value
    return edit


@pytest.mark.parametrize("edit,path,reason", [
    (_set_point(2, 0, 0.2), "network.custom[0].points[2].x",
     "0.2 is not greater than points[1].x (0.30000000000000004)"),
    (_set_point(1, 1, None), "network.custom[0].points[1].y", "must be a number, got None"),
    (_set_point(0, 0, "-1"), "network.custom[0].points[0].x", "must be a number"),
    (lambda n: n["custom"][1].update(points=[[0, 0]]), "network.custom[1].points",
     "1 point, at least 2 needed"),
    (lambda n: n["custom"][1].update(points=[[i, 0] for i in range(20)]),
     "network.custom[1].points", "20 points, at most 16"),
    (lambda n: n["custom"][0]["points"].__setitem__(1, [1]), "network.custom[0].points[1]",
     "must be an [x, y] pair"),
    (lambda n: n["custom"][1].update(name="Tanh"), "network.custom[1].name",
     "'Tanh' is the name of a built-in activation"),
    (lambda n: n["custom"][1].update(name="my-KINK"), "network.custom[1].name",
     "'my-KINK' is defined twice"),
    (lambda n: n["custom"][0].pop("points"), "network.custom[0].points", "missing"),
    (lambda n: n["custom"][0].update(code="lambda z: z"), "network.custom[0].code",
     "unknown field"),
    (lambda n: n["custom"].__setitem__(0, "relu"), "network.custom[0]", "must be an object"),
    (lambda n: n.update(custom={"name": "x"}), "network.custom", "must be a list"),
    (lambda n: n["custom"].pop(0), "network.activations[0]", "unknown activation 'My kink'"),
])
def test_bad_custom_activations_are_refused_with_a_field_path(edit, path, reason):
    e = _bad(edit)
    assert e.path == path, str(e)
    assert reason in e.reason, str(e)


def test_nan_in_a_file_is_refused(tmp_path):
    text = json.dumps(lab_to_dict(_lab())).replace("3.141592653589793", "NaN")
    (tmp_path / "nan.actlab").write_text(text)
    with pytest.raises(LabFileError) as e:
        load_lab(tmp_path / "nan.actlab")
    assert "points[2].y" in str(e.value) or "NaN" in str(e.value)


def test_cli_trains_a_lab_with_a_custom_activation(tmp_path, capsys):
    lab_path = tmp_path / "mine.actlab"
    save_lab(_lab(acts=("My kink", "My kink"), stop=40), lab_path)
    out = tmp_path / "out"
    assert main(["train", str(lab_path), "--out", str(out), "--quiet", "--instruments"]) == 0
    m = json.loads((out / "metrics.json").read_text())
    assert m["epochs"] == 40 and m["activations"] == ["My kink", "My kink"]
    assert np.isfinite(m["train_loss"]) and m["diverged"] is None
    trained = load_lab(out / "mine-trained.actlab")
    assert trained.network.custom == (KINK, LINE) and trained.params is not None
    assert len(trained.history["train_loss"]) == 40
    for png in ("surface.png", "loss.png", "collapse.png"):
        assert (out / png).stat().st_size > 1000


def test_cli_compares_a_custom_activation_with_a_built_in(tmp_path):
    lab_path = tmp_path / "mine.actlab"
    save_lab(_lab(), lab_path)
    out = tmp_path / "cmp"
    assert main(["train", str(lab_path), "--epochs", "20", "--out", str(out), "--quiet",
                 "--activation", "my kink", "--activation", "ReLU"]) == 0
    m = json.loads((out / "metrics.json").read_text())
    assert set(m["runs"]) == {"My kink", "relu"}
    assert (out / "compare.png").stat().st_size > 1000


def test_cli_names_the_lab_custom_activations_for_an_unknown_one(tmp_path, capsys):
    lab_path = tmp_path / "mine.actlab"
    save_lab(_lab(), lab_path)
    assert main(["train", str(lab_path), "--epochs", "2", "--out", str(tmp_path / "o"),
                 "--activation", "my kinc"]) == 2
    err = capsys.readouterr().err
    assert "unknown activation 'my kinc'" in err and "My kink" in err
    assert "Traceback" not in err


def test_a_guide_claim_may_name_the_labs_custom_activation():
    from actlab.engine.outcomes import verify_lab
    d = lab_to_dict(_lab(stop=60))
    d["guide"] = {"expect": [{"activation": "my kink", "metric": "train_loss", "op": "<",
                              "value": 10.0, "epochs": 30}]}
    lab = lab_from_dict(d)
    assert lab.guide["expect"][0]["activations"] == ["My kink", "My kink"]
    assert lab_from_dict(lab_to_dict(lab)) == lab
    (verdict,) = verify_lab(lab)
    assert verdict.status == "pass", verdict
    d["guide"]["expect"][0]["activation"] = "my kinc"
    with pytest.raises(LabFileError) as e:
        lab_from_dict(d)
    assert e.value.path == "guide.expect[0].activation" and "My kink" in e.value.reason
