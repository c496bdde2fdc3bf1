"""Tweaked built-ins in point and function lab files: written by value as
{"name", "base", "parameter"}, read back bit for bit beside piecewise-linear ones, bad
values refused with a field path, and the CLI trains a function lab with one, counting
its curve's pieces exactly."""
import copy
import json
from dataclasses import replace

import numpy as np
import pytest

from actlab.cli.main import main
from actlab.engine.activations.custom import PiecewiseLinear
from actlab.engine.activations.tweaked import Tweaked
from actlab.lab import DataSpec, Lab, NetworkSpec, TrainingSpec
from actlab.labfile.format import LabFileError, lab_from_dict, lab_to_dict, load_lab, save_lab
from actlab.labfile.presets import load_preset

LEAK = Tweaked("gentle leak", "leaky_relu", 0.1 + 0.2)  # a 17-digit shortest repr
ELU = Tweaked("Big ELU", "elu", 3.5)
HAT = PiecewiseLinear("hat", ((-1, 0), (0, 1), (1, 0)))


def _lab():
    return Lab(name="tweaked", data=DataSpec("xor", n_points=120, seed=4),
               network=NetworkSpec((4, 3, 3), ("gentle leak", "Big ELU", "hat"),
                                   custom=(LEAK, ELU, HAT)),
               training=TrainingSpec(learning_rate=0.02))


def test_point_lab_round_trip_is_bit_exact(tmp_path):
    lab = _lab()
    save_lab(lab, tmp_path / "t.actlab")
    back = load_lab(tmp_path / "t.actlab")
    assert back == lab and back.network.activations == ("gentle leak", "Big ELU", "hat")
    assert back.network.custom[0].parameter.hex() == (0.1 + 0.2).hex()
    written = json.loads((tmp_path / "t.actlab").read_text())["network"]["custom"]
    assert written[:2] == [{"name": "gentle leak", "base": "leaky_relu",
                            "parameter": 0.30000000000000004},
                           {"name": "Big ELU", "base": "elu", "parameter": 3.5}]
    assert written[2] == {"name": "hat", "points": [[-1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]}


@pytest.mark.parametrize("edit,path,reason", [
    (lambda c: c[1].update(parameter=5.01), "network.custom[1].parameter",
     "5.01 is outside 0..5 (the alpha of elu)"),
    (lambda c: c[0].update(parameter=-1), "network.custom[0].parameter",
     "-1.0 is outside 0..1 (the slope for z < 0 of leaky_relu)"),
    (lambda c: c[0].update(parameter="0.3"), "network.custom[0].parameter",
     "must be a number"),
    (lambda c: c[0].update(base="sigmoid"), "network.custom[0].base",
     "'sigmoid' cannot be tweaked"),
    (lambda c: c[0].pop("base"), "network.custom[0].base", "missing"),
    (lambda c: c[1].update(slope=1), "network.custom[1].slope", "unknown field"),
    (lambda c: c[1].update(name="GENTLE-LEAK"), "network.custom[1].name", "defined twice"),
])
def test_bad_tweaks_are_refused_with_a_field_path(edit, path, reason):
    d = copy.deepcopy(lab_to_dict(_lab()))
    edit(d["network"]["custom"])
    with pytest.raises(LabFileError) as e:
        lab_from_dict(d)
    assert str(e.value).startswith(path + ": ") and reason in str(e.value)


def _function_lab():
    base = load_preset("functions-linear-draws-one-line")
    net = NetworkSpec((8,), ("gentle leak",), base.network.init, custom=(LEAK, HAT))
    return replace(base, network=net, guide=None)


def test_function_lab_round_trip_and_cli_pieces(tmp_path):
    lab = _function_lab()
    save_lab(lab, tmp_path / "f.actlab")
    assert load_lab(tmp_path / "f.actlab") == lab
    out = tmp_path / "out"
    assert main(["train", str(tmp_path / "f.actlab"), "--epochs", "60", "--quiet",
                 "--out", str(out)]) == 0
    m = json.loads((out / "metrics.json").read_text())
    assert m["activations"] == ["gentle leak"]
    # one layer of 8 units with one kink each: 1 + (kinks of the trained weights in
    # (-6, 6)), recomputed here from the saved weights
    trained = load_lab(out / "f-trained.actlab")
    (W1, b1), (W2, _) = trained.params
    W1, b1, W2 = np.asarray(W1), np.asarray(b1), np.asarray(W2)
    live = (W1[0] != 0) & (W2[:, 0] != 0)
    k = -b1[live] / W1[0][live]
    assert m["pieces"] == 1 + len(np.unique(np.round(k[(k > -6) & (k < 6)], 9)))
    assert m["pieces_upper_bound"] == 9
    # a smooth tweak has no pieces to count
    smooth = replace(lab, network=NetworkSpec((8,), ("Big ELU",), custom=(ELU,)))
    save_lab(smooth, tmp_path / "s.actlab")
    assert main(["train", str(tmp_path / "s.actlab"), "--epochs", "5", "--quiet",
                 "--out", str(tmp_path / "s")]) == 0
    assert "pieces" not in json.loads((tmp_path / "s" / "metrics.json").read_text())
