"""`actlab train FUNCTION_LAB` end to end: metrics (test R², losses, epochs, seconds, the
curve's linear pieces for piecewise-linear networks), history, loss.png, fit.png,
compare.png and the trained lab; bad input is one line, exit status 2."""
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from actlab.cli.main import main
from actlab.engine.data.functions import curve
from actlab.lab import NetworkSpec
from actlab.labfile.format import lab_to_dict, load_lab, save_lab
from actlab.labfile.presets import load_preset

PRESET = "functions-linear-draws-one-line"
KEYS = {"epochs", "seconds", "test_r2", "train_r2", "train_loss", "test_loss", "loss_note",
        "diverged", "seed", "activations", "features"}


def _png_has_content(path: Path) -> bool:
    from actlab.views.export import image_is_blank
    return path.stat().st_size > 1000 and not image_is_blank(path)


def _exact_pieces(params) -> int:
    """1 + distinct kinks -b/w in (-6, 6) of a one-ReLU-layer network on x."""
    (W1, b1), (W2, _) = params
    live = (W1[0] != 0) & (W2[:, 0] != 0)
    k = -b1[live] / W1[0][live]
    return 1 + len(np.unique(np.round(k[(k > -6) & (k < 6)], 9)))


def test_train_the_function_preset_with_three_activations(tmp_path):
    out = tmp_path / "out"
    assert main(["train", PRESET, "--epochs", "40", "--quiet", "--out", str(out),
                 "--activation", "linear", "--activation", "ReLU",
                 "--activation", "tanh"]) == 0
    doc = json.loads((out / "metrics.json").read_text())
    runs = doc["runs"]
    assert set(runs) == {"linear", "relu", "tanh"}
    for name, m in runs.items():
        assert KEYS <= set(m), name
        assert m["epochs"] == 40 and m["seconds"] >= 0 and m["test_loss"] > 0
        assert -1 < m["test_r2"] <= 1
        for fig in ("fit", "loss"):
            assert _png_has_content(out / f"{fig}-{name}.png"), (fig, name)
        assert (out / f"history-{name}.csv").read_text().count("\n") == 41
    assert runs["linear"]["pieces"] == 1 and "pieces" not in runs["tanh"]
    assert runs["relu"]["pieces"] >= 1
    assert _png_has_content(out / "compare.png")
    # the reported R² is the trained lab's own, recomputed here from its curve
    lab = load_lab(out / f"{PRESET}-linear-trained.actlab")
    from actlab.engine.trainer import Trainer
    t = Trainer(lab)
    y = t.dataset.y_test
    pred = t.predict_points(t.dataset.X_test)
    r2 = 1 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2)
    assert runs["linear"]["test_r2"] == pytest.approx(r2, abs=1e-6)


def test_pieces_of_a_one_layer_relu_fit_match_its_weights(tmp_path):
    lab = replace(load_preset(PRESET), network=NetworkSpec((6,), ("relu",)))
    lab = replace(lab, data=replace(lab.data, generator="abs", n_points=80))
    path = tmp_path / "abs.actlab"
    save_lab(lab, path)
    out = tmp_path / "out"
    assert main(["train", str(path), "--epochs", "30", "--quiet", "--out", str(out)]) == 0
    m = json.loads((out / "metrics.json").read_text())
    trained = load_lab(out / "abs-trained.actlab")
    assert m["pieces"] == _exact_pieces(trained.params)
    assert KEYS | {"pieces", "pieces_note"} <= set(m)
    assert _png_has_content(out / "fit.png") and not (out / "compare.png").exists()


def test_a_function_lab_from_csv_points_trains(tmp_path):
    from actlab.engine.data.functions import load_function_csv
    from actlab.lab import default_function_lab

    x = np.linspace(-6, 6, 40)
    csv = tmp_path / "bump.csv"
    csv.write_text("x,y\n" + "".join(f"{a!r},{b!r}\n" for a, b in zip(x.tolist(), curve("bump", x).tolist())))
    lab = replace(default_function_lab(), data=load_function_csv(csv, 0.75, 2))
    save_lab(lab, tmp_path / "mine.actlab")
    out = tmp_path / "o"
    assert main(["train", str(tmp_path / "mine.actlab"), "--epochs", "20", "--quiet",
                 "--out", str(out)]) == 0
    m = json.loads((out / "metrics.json").read_text())
    assert m["epochs"] == 20 and m["test_r2"] is not None and "pieces" not in m  # tanh


def test_bad_activation_is_one_line(tmp_path, capsys):
    assert main(["train", PRESET, "--activation", "wobble", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown activation 'wobble'" in err[0]


def test_a_point_out_of_range_is_one_line_and_a_diverged_run_writes_valid_json(
        tmp_path, capsys):
    """x = 1e200 with the x² feature printed a NumPy overflow warning, wrote ``Infinity``
    into metrics.json (not JSON) and blamed the learning rate.  A lab file now holds
    points within ±1e6 (as a CSV import does); a run that still diverges on huge inputs
    says to rescale the data, and metrics.json stays strict JSON."""
    from actlab.lab import FunctionDataSpec

    lab = load_preset(PRESET).without_results()
    far = replace(lab, features=("x", "xsq"), data=FunctionDataSpec(
        generator="custom", n_points=0, points=(((0.0, 0.0), (1.0, 1.0), (1e200, 2.0)),
                                                ((0.5, 0.5),))))
    doc = lab_to_dict(far)
    (tmp_path / "far.actlab").write_text(json.dumps(doc))
    assert main(["train", str(tmp_path / "far.actlab"), "--out", str(tmp_path / "o1"),
                 "--epochs", "5"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "data.points.train[2][0]: must be within ±1e6" in err
    assert "Warning" not in err and not (tmp_path / "o1").exists()

    doc["data"]["points"]["train"][2][0] = 1e6
    doc["training"].update(optimizer="sgd", learning_rate=0.02)
    (tmp_path / "far.actlab").write_text(json.dumps(doc))
    assert main(["train", str(tmp_path / "far.actlab"), "--out", str(tmp_path / "o2"),
                 "--epochs", "50"]) == 0
    assert "Warning" not in capsys.readouterr().err
    text = (tmp_path / "o2" / "metrics.json").read_text()
    metrics = json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in metrics.json"))
    assert "rescale the data" in metrics["diverged"]
    assert "learning rate" not in metrics["diverged"]


def test_metrics_json_writes_nonfinite_numbers_as_null():
    from actlab.outputs.runs import json_text

    doc = {"a": float("inf"), "b": [float("nan"), 1.5, np.float64(-np.inf)],
           "c": {"d": np.float32(2.0), "e": (float("inf"),)}, "f": "Infinity"}
    assert json.loads(json_text(doc)) == {"a": None, "b": [None, 1.5, None],
                                          "c": {"d": 2.0, "e": [None]}, "f": "Infinity"}
