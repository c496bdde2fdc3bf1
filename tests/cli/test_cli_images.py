"""`actlab train IMAGE_LAB` end to end: metrics with the measured conv collapse, history,
loss figure and trained lab; --activation makes one run each; bad input is one line."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from actlab.outputs import images as cli_images
from actlab.cli.main import main
from actlab.engine.analysis import conv as conv_analysis
from actlab.labfile.format import load_lab

ROOT = Path(__file__).resolve().parents[2]


def _run(*args):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "actlab", *args], capture_output=True,
                          text=True, env=env, timeout=300)


def _png_has_content(path: Path) -> bool:
    from actlab.views.export import image_is_blank
    return path.stat().st_size > 1000 and not image_is_blank(path)


def test_train_an_image_preset_with_two_activations(tmp_path):
    out = tmp_path / "out"
    r = _run("train", "images-two-3x3-are-one-5x5", "--epochs", "6", "--activation", "linear",
             "--activation", "ReLU", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    doc = json.loads((out / "metrics.json").read_text())
    lin, relu = doc["runs"]["linear"], doc["runs"]["relu"]
    for run in (lin, relu):
        assert run["epochs"] == 6 and run["seconds"] > 0 and 0 <= run["test_accuracy"] <= 1
        assert run["train_loss"] > 0 and run["diverged"] is None
    assert lin["activations"] == ["linear", "linear"] and relu["activations"] == ["relu", "relu"]
    # the linear stack collapses (valid padding: no border, rounding only); ReLU does not
    c, = lin["conv_collapse"]
    assert c["layers"] == [1, 2] and c["kernel_size"] == [5, 5]
    assert c["border_pixels"] == 0 and c["border_difference"] is None
    assert c["interior_relative"] < 1e-12 and c["max_difference"] == c["interior_difference"]
    assert "conv_collapse" not in relu
    assert lin["linear_templates"]["relative_difference"] < 1e-12
    assert "linear_templates" not in relu
    for name in ("linear", "relu"):
        rows = (out / f"history-{name}.csv").read_text().strip().splitlines()
        assert len(rows) == 7 and rows[0].startswith("epoch")
        assert _png_has_content(out / f"loss-{name}.png")
        trained = load_lab(out / f"images-two-3x3-are-one-5x5-{name}-trained.actlab")
        assert trained.kind == "images" and len(trained.history["train_loss"]) == 6
        assert trained.params[0][0].shape == (4, 1, 3, 3)


def test_conv_collapse_entry_matches_the_analysis_with_same_padding(tmp_path):
    """One run of the ink lab (same padding): interior rounding only, border not."""
    out = tmp_path / "ink"
    assert main(["train", "images-linear-cnn-counts-ink", "--epochs", "3", "--quiet",
                 "--out", str(out)]) == 0
    doc = json.loads((out / "metrics.json").read_text())
    c, = doc["conv_collapse"]
    assert c["interior_relative"] < 1e-12 and c["border_relative"] > 1e-6
    assert "padding" in c["note"]
    trained = load_lab(out / "images-linear-cnn-counts-ink-trained.actlab")
    # the same numbers straight from the analysis on the same trained weights
    from actlab.engine.trainer import Trainer
    t = Trainer(trained)
    ref = conv_analysis.collapse_run(trained.params, t.network.spec.conv, (0, 1),
                                     t.dataset.x_test)
    assert c["border_difference"] == float(f"{ref.border_difference:.3e}")
    assert c["measured_on"] == f"{t.dataset.n_test} test images"


def test_train_writes_every_image_figure_and_a_comparison(tmp_path):
    from actlab.views.export import image_is_blank

    one = tmp_path / "one"
    assert main(["train", "images-linear-cnn-counts-ink", "--epochs", "2", "--quiet",
                 "--out", str(one)]) == 0
    for name in ("samples", "filters", "featuremaps", "confusion", "loss"):
        path = one / f"{name}.png"
        assert path.exists() and not image_is_blank(path), name
    assert not (one / "compare.png").exists()  # one run: nothing to compare
    two = tmp_path / "two"
    assert main(["train", "images-linear-cnn-counts-ink", "--epochs", "2", "--quiet",
                 "--activation", "linear", "--activation", "relu", "--out", str(two)]) == 0
    for act in ("linear", "relu"):
        for name in ("samples", "filters", "featuremaps", "confusion"):
            path = two / f"{name}-{act}.png"
            assert path.exists() and not image_is_blank(path), path.name
    assert not image_is_blank(two / "compare.png")
    assert not list(two.glob("tmp*"))  # the figures drawn aside were moved, none left


def test_image_figures_name_runs_by_their_display_names(tmp_path, monkeypatch):
    from actlab.figures import image_compare as render_image_compare

    seen = []
    monkeypatch.setattr(render_image_compare, "image_compare_png",
                        lambda path, runs, title, **kw: seen.append([r[0] for r in runs]))
    assert main(["train", "images-linear-cnn-counts-ink", "--epochs", "1", "--quiet",
                 "--activation", "linear", "--activation", "relu", "--out",
                 str(tmp_path)]) == 0
    assert seen == [["Linear", "ReLU"]]


def test_image_lab_errors_are_one_line(tmp_path, capsys):
    assert main(["train", "images-digits", "--activation", "nope", "--out",
                 str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "unknown activation" in err
    bad = tmp_path / "bad.actlab"
    bad.write_text(json.dumps({"format": "actlab", "version": 2,
                               "data": {"kind": "images", "size": 99}}))
    assert main(["train", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "data.size" in err and "8..32" in err


def test_metrics_name_each_layers_gradient_dead_filters_and_the_confusion(tmp_path):
    import numpy as np

    from actlab.engine.trainer import Trainer

    out = tmp_path / "m"
    assert main(["train", "images-linear-cnn-counts-ink", "--epochs", "2", "--quiet",
                 "--activation", "relu", "--out", str(out)]) == 0
    doc = json.loads((out / "metrics.json").read_text())
    trained = load_lab(out / "images-linear-cnn-counts-ink-trained.actlab")
    t = Trainer(trained)
    spec = t.network.spec
    layers = doc["layers"]
    assert [e["kind"] for e in layers] == (["conv"] * len(spec.conv) + ["dense"]
                                           * len(spec.hidden) + ["output"])
    # the gradient sizes are those of the trained weights on the first training images
    _, grads = t.network.loss_and_grads(t.dataset.x_train[:256], t.dataset.y_train[:256])
    for e, (K, _) in zip(layers, grads):
        assert e["mean_abs_gradient"] == pytest.approx(np.mean(np.abs(K)), rel=1e-3)
    # a dead filter is silent on every image: check each reported one directly
    for i, e in enumerate(layers[:len(spec.conv)]):
        assert e["activation"] == "ReLU"
        def after_activation(x):  # the stage right after "conv i+1"
            stages = t.network.forward_maps(x)
            names = [name for name, _ in stages]
            return stages[names.index(f"conv {i + 1}") + 1][1]

        maps = np.stack([after_activation(x) for x in t.dataset.x_train[:256]])
        silent = [c + 1 for c in range(maps.shape[1]) if not np.any(maps[:, c])]
        assert e["dead_filters"] == silent
    M = np.array(doc["confusion"])
    assert M.sum() == t.dataset.n_test and doc["class_names"] == list(t.dataset.class_names)
    assert np.trace(M) / M.sum() == pytest.approx(doc["test_accuracy"], abs=1e-6)


def test_an_image_lab_without_test_images_writes_everything_from_its_training_images(
        tmp_path, capsys):
    """A train fraction of 1 keeps no test images: the run used to write half its files
    and exit 2 ("cannot write the results"); point and function labs exit 0.  Now the
    figures show the training images and say so."""
    from dataclasses import replace

    from actlab.labfile.format import save_lab
    from actlab.labfile.presets import load_preset

    lab = load_preset("images-two-3x3-are-one-5x5")
    lab = replace(lab, data=replace(lab.data, train_fraction=1.0))
    save_lab(lab, tmp_path / "all-train.actlab")
    out = tmp_path / "out"
    assert main(["train", str(tmp_path / "all-train.actlab"), "--epochs", "2", "--quiet",
                 "--out", str(out)]) == 0
    assert capsys.readouterr().err == ""
    for name in ("samples", "filters", "featuremaps", "confusion", "loss"):
        assert _png_has_content(out / f"{name}.png"), name
    assert json.loads((out / "metrics.json").read_text())["epochs"] == 2
