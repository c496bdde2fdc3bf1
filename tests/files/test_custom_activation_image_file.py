"""Designed activations in image labs: a piecewise-linear one on a conv layer and a
tweaked built-in on a dense layer are written by value, read back equal, refused with a
field path when bad, trained by `actlab train`, and a collinear one merges convolutions
exactly as "linear" does (checked against the real stack with the activation applied)."""
import json
from dataclasses import replace

import numpy as np
import pytest

from actlab.cli.main import main
from actlab.engine.analysis import conv as ca
from actlab.engine.analysis import conv_reference as ref
from actlab.engine.models.cnn import ConvSpec, ImageNetSpec
from actlab.engine.activations.custom import PiecewiseLinear
from actlab.engine.activations.tweaked import Tweaked
from actlab.labfile.format import LabFileError, lab_from_dict, lab_to_dict, load_lab, save_lab
from actlab.labfile.presets import load_preset

HAT = PiecewiseLinear("Hat", ((-1.0, 0.0), (0.0, 1.0), (1.0, 0.0), (2.0, 0.5)))
LINE = PiecewiseLinear("Line", ((-2.0, -3.0), (0.0, 1.0), (3.0, 7.0)))  # 2z + 1
ELU = Tweaked("wide elu", "elu", 2.5)
CUSTOM = (HAT, LINE, ELU)


def _lab(conv_acts=("Line", "Hat"), padding="same", dense="wide elu"):
    base = load_preset("images-linear-cnn-counts-ink")
    conv = tuple(ConvSpec(3, 3, padding, 1, a, "none", custom=CUSTOM) for a in conv_acts)
    net = ImageNetSpec(conv=conv, head="gap", hidden=(4,), activations=(dense,),
                       n_classes=base.network.n_classes, input_size=base.network.input_size,
                       custom=CUSTOM)
    return replace(base, name="designed", network=net,
                   data=replace(base.data, per_class=12))


def test_image_lab_round_trip(tmp_path):
    lab = _lab()
    save_lab(lab, tmp_path / "d.actlab")
    back = load_lab(tmp_path / "d.actlab")
    assert back == lab
    assert back.network.custom == CUSTOM
    assert [c.activation for c in back.network.conv] == ["Line", "Hat"]
    assert back.network.activations == ("wide elu",)
    written = json.loads((tmp_path / "d.actlab").read_text())["network"]["custom"]
    assert written[2] == {"name": "wide elu", "base": "elu", "parameter": 2.5}
    assert written[0]["points"][0] == [-1.0, 0.0]
    # old image files are unchanged: no custom key without designed activations
    assert "custom" not in lab_to_dict(load_preset("images-linear-cnn-counts-ink"))["network"]


@pytest.mark.parametrize("edit,path,reason", [
    (lambda n: n["custom"][2].update(parameter=7), "network.custom[2].parameter",
     "7.0 is outside 0..5"),
    (lambda n: n["custom"][2].update(base="tanh"), "network.custom[2].base",
     "'tanh' cannot be tweaked"),
    (lambda n: n["custom"][0]["points"][1].__setitem__(0, -5), "network.custom[0].points[1].x",
     "is not greater"),
    (lambda n: n["conv"][0].update(activation="Bend"), "network.conv[0].activation",
     "unknown activation 'Bend'"),
    (lambda n: n.pop("custom"), "network.conv[0].activation", "unknown activation 'Line'"),
])
def test_bad_designed_activations_in_image_files_name_the_field(edit, path, reason):
    d = lab_to_dict(_lab())
    edit(d["network"])
    with pytest.raises(LabFileError) as e:
        lab_from_dict(d)
    assert str(e.value).startswith(path + ":") and reason in str(e.value)


def test_cli_trains_an_image_lab_with_designed_activations(tmp_path):
    lab = _lab()
    save_lab(lab, tmp_path / "d.actlab")
    out = tmp_path / "out"
    assert main(["train", str(tmp_path / "d.actlab"), "--epochs", "6", "--quiet",
                 "--out", str(out), "--report"]) == 0
    m = json.loads((out / "metrics.json").read_text())
    assert m["activations"] == ["Line", "Hat", "wide elu"] and m["epochs"] == 6
    assert np.isfinite(m["train_loss"])
    trained = load_lab(out / "d-trained.actlab")
    assert trained.network == lab.network and trained.params is not None
    assert "Hat" in (out / "report.html").read_text()
    # the collapse summary of layers 1-2 (Line is collinear: they merge)
    assert [c["layers"] for c in m["conv_collapse"]] == [[1, 2]]
    assert m["conv_collapse"][0]["interior_difference"] < 1e-9


def _stack_with_activation(params, specs, x):
    """Layers 1 and 2 of the real network, the activation of layer 1 applied (its own
    value function), before layer 2's activation: what the composite must equal."""
    (K1, b1), (K2, b2) = params[:2]
    z = ref.conv2d(x, K1, b1, 1, ref.padding_of(specs[0], K1))
    h = LINE.value(z)
    return ref.conv2d(h, K2, b2, 1, ref.padding_of(specs[1], K2))


def test_a_collinear_designed_activation_merges_convolutions_exactly():
    from actlab.engine.trainer import Trainer
    t = Trainer(_lab(padding="valid"))
    t.train(3)
    params = t.network.get_params()
    convs = t.network.spec.conv
    specs = [ref.as_spec(c, i) for i, c in enumerate(convs)]
    assert ca.conv_runs(convs) == [(0, 1)]
    x = t.dataset.x_train[:10]
    c = ca.collapse_run(params, convs, (0, 1), x)
    single = ref.conv2d(ref.as_images(x), c.kernel, c.bias, 1, c.padding)
    real = _stack_with_activation(params, specs, ref.as_images(x))
    assert np.max(np.abs(single - real)) < 1e-10 * max(1.0, np.max(np.abs(real)))
    # a kink breaks it, and the words name the student's activation
    kinked = _lab(conv_acts=("Hat", "Line")).network.conv
    assert ca.conv_runs(kinked) == []
    assert ca.first_nonlinearity(kinked) == "layer 1 uses Hat"
    assert ca.first_nonlinearity(convs, ("wide elu",)) == "layer 2 uses Hat"
    straight = _lab(conv_acts=("Line", "Line")).network.conv
    assert ca.first_nonlinearity(straight, ("wide elu",)) == "dense layer 1 uses wide elu"


def test_a_network_linear_everywhere_has_exact_templates():
    from actlab.engine.trainer import Trainer
    straight = Tweaked("straight", "leaky_relu", 1.0)
    custom = CUSTOM + (straight,)
    lab = _lab()
    conv = tuple(replace(c, activation="Line", custom=custom) for c in lab.network.conv)
    net = replace(lab.network, conv=conv, activations=("straight",), custom=custom)
    t = Trainer(replace(lab, network=net))
    t.train(3)
    spec = t.network.spec
    assert ca.first_nonlinearity(spec.conv, spec.activations) is None
    x = t.dataset.x_test[:8]
    tm = ca.templates(t.network.get_params(), spec.conv, spec.head, spec.input_size, x,
                      spec.activations)
    # the engine's own network (not the reference forward) agrees with T·x + c
    scores = t.network.logits(x)
    flat = ref.as_images(x).reshape(len(x), -1)
    lin = flat @ tm.templates.reshape(len(tm.templates), -1).T + tm.constants
    np.testing.assert_allclose(scores, lin, rtol=1e-9, atol=1e-9)
    assert tm.max_difference < 1e-9
