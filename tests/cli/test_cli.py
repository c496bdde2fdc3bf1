"""`actlab train` end to end: files written, PNGs not blank, errors as one clear line."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from actlab.cli.main import main
from actlab.labfile.format import load_lab, save_lab
from actlab.labfile.presets import load_preset

ROOT = Path(__file__).resolve().parents[2]


def _run(*args, cwd=None):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "actlab", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=300)


def _png_has_content(path: Path) -> bool:
    from actlab.views.export import image_is_blank
    return path.stat().st_size > 1000 and not image_is_blank(path)


def test_train_writes_every_output(tmp_path):
    lab = tmp_path / "xor.actlab"
    save_lab(load_preset("xor-needs-nonlinearity"), lab)
    out = tmp_path / "out"
    r = _run("train", str(lab), "--epochs", "150", "--seed", "3", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    m = json.loads((out / "metrics.json").read_text())
    assert m["epochs"] == 150 and m["seed"] == 3
    assert m["test_accuracy"] > 0.8 and m["train_loss"] < 0.5
    assert m["seconds"] > 0
    rows = (out / "history.csv").read_text().strip().splitlines()
    assert len(rows) == 151 and rows[0].startswith("epoch")
    for png in ("surface.png", "loss.png"):
        assert _png_has_content(out / png), png
    trained = load_lab(out / "xor-trained.actlab")
    assert trained.params is not None and len(trained.history["train_loss"]) == 150


def test_several_activations_make_a_comparison(tmp_path):
    out = tmp_path / "cmp"
    assert main(["train", "xor-needs-nonlinearity", "--epochs", "120", "--activation",
                 "linear", "--activation", "tanh", "--out", str(out), "--quiet"]) == 0
    m = json.loads((out / "metrics.json").read_text())["runs"]
    assert set(m) == {"linear", "tanh"}
    # the linear network cannot solve XOR, tanh can
    assert m["linear"]["test_accuracy"] < 0.75 < 0.9 < m["tanh"]["test_accuracy"]
    assert _png_has_content(out / "compare.png")
    assert (out / "surface-linear.png").exists() and (out / "surface-tanh.png").exists()


def test_instruments_and_report(tmp_path):
    out = tmp_path / "teach"
    assert main(["train", "linear-collapse-xor", "--epochs", "300", "--instruments",
                 "--report", "--out", str(out), "--quiet"]) == 0
    for png in ("collapse.png", "gradients.png", "regions.png"):
        assert _png_has_content(out / png), png  # a linear network is piecewise linear
    m = json.loads((out / "metrics.json").read_text())
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Linear collapse on XOR" in html and "<b>300</b> epochs" in html
    assert f"{m['test_loss']:.4f}" in html and f"{m['train_loss']:.4f}" in html
    assert f"{100 * m['test_accuracy']:.1f}&nbsp;%" in html
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/]{1000,}={0,2}"', html)
    assert "Expected outcomes" in html and "✔" in html  # linear stays below 75 %
    pdf = (out / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


def test_instruments_for_several_runs_and_regions_only_where_defined(tmp_path):
    out = tmp_path / "two"
    assert main(["train", "xor-needs-nonlinearity", "--epochs", "60", "--activation", "relu",
                 "--activation", "tanh", "--instruments", "--out", str(out), "--quiet"]) == 0
    for name in ("collapse-relu.png", "collapse-tanh.png", "gradients-relu.png",
                 "gradients-tanh.png", "regions-relu.png"):
        assert _png_has_content(out / name), name
    assert not (out / "regions-tanh.png").exists()  # tanh has no linear regions
    assert not (out / "report.html").exists()  # only with --report


def test_instruments_do_not_change_the_run(tmp_path):
    a, b = tmp_path / "plain", tmp_path / "instruments"
    assert main(["train", "circle-tanh", "--epochs", "120", "--out", str(a), "--quiet"]) == 0
    assert main(["train", "circle-tanh", "--epochs", "120", "--out", str(b), "--quiet",
                 "--instruments"]) == 0
    assert (a / "history.csv").read_text() == (b / "history.csv").read_text()


def test_same_seed_same_metrics(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        assert main(["train", "circle-tanh", "--epochs", "40", "--out", str(d), "--quiet"]) == 0
    ha = (a / "history.csv").read_text()
    assert ha == (b / "history.csv").read_text()


@pytest.mark.parametrize("args,needle", [
    (["train", "missing.actlab"], "no such file"),
    (["train", "circle-tanh", "--epochs", "abc"], "invalid int"),
    (["train", "circle-tanh", "--epochs", "0"], "--epochs"),
    (["train", "circle-tanh", "--activation", "relux"], "unknown activation 'relux'"),
    (["train", "no-such-preset"], "no such file or preset"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_arguments_exit_2_with_one_line(args, needle, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_broken_lab_file_is_one_clear_line(tmp_path):
    bad = tmp_path / "bad.actlab"
    bad.write_text('{"format": "actlab", "version": 1, "network": {"hidden": [2, 100]}}')
    r = _run("train", str(bad), "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0
    assert "network.hidden[1]" in r.stderr and "Traceback" not in r.stderr


def test_a_diverged_run_saves_its_last_good_weights(tmp_path):
    """ELU at learning rate 5 (SGD, batch 1) on regression data diverges: the CLI still
    writes everything, says why in metrics.json, and the trained lab holds finite weights
    that load again (it used to save a lab without them, or fail on NaN weights)."""
    from dataclasses import replace as _replace

    from actlab.lab import DataSpec, Lab, NetworkSpec, TrainingSpec

    lab = Lab(name="runaway", data=DataSpec(generator="plane", n_points=200, seed=1,
                                            problem="regression"),
              network=NetworkSpec(hidden=(8, 8), activations=("elu", "elu")),
              training=TrainingSpec(optimizer="sgd", learning_rate=5.0, batch_size=1))
    path = tmp_path / "runaway.actlab"
    save_lab(lab, path)
    out = tmp_path / "out"
    r = _run("train", str(path), "--epochs", "50", "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    m = json.loads((out / "metrics.json").read_text())
    assert m["diverged"] and "learning rate" in m["diverged"]
    trained = load_lab(out / "runaway-trained.actlab")
    assert trained.params is not None
    import numpy as np
    assert all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in trained.params)
    assert _replace(trained, params=None, history=None) == _replace(lab, params=None,
                                                                   history=None)
