"""`actlab train IMAGE_LAB`: ``local_linear`` in metrics.json and ``templates.png`` for
every run of a piecewise-linear network, checked against the analysis on the trained
weights; none for a smooth one."""
import json

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from actlab.cli.main import main  # noqa: E402
from actlab.engine.analysis import local_linear as ll  # noqa: E402
from actlab.engine.trainer import Trainer  # noqa: E402
from actlab.labfile.format import load_lab  # noqa: E402
from actlab.views.export import image_is_blank  # noqa: E402


def _width(path) -> int:
    from actlab.views.qt import QtGui

    image = QtGui.QImage(str(path))
    assert not image.isNull()
    return image.width()


def test_relu_run_has_local_linear_and_templates_png_a_tanh_run_neither(tmp_path):
    out = tmp_path / "shapes"
    assert main(["train", "images-shapes-need-nonlinearity", "--epochs", "2", "--quiet",
                 "--activation", "relu", "--activation", "tanh", "--out", str(out)]) == 0
    runs = json.loads((out / "metrics.json").read_text())["runs"]
    local = runs["relu"]["local_linear"]
    assert local["max_difference"] <= 1e-9
    assert "local_linear" not in runs["tanh"]
    png = out / "templates-relu.png"
    assert png.exists() and not image_is_blank(png)
    assert _width(png) >= 1200
    assert not (out / "templates-tanh.png").exists()
    # the same numbers straight from the analysis on the trained weights
    trained = load_lab(out / "images-shapes-need-nonlinearity-relu-trained.actlab")
    t = Trainer(trained)
    spec, x = t.network.spec, t.dataset.x_test
    assert local["images"] == t.dataset.n_test and local["measured_on"].endswith("test images")
    patterns = ll.activation_patterns(trained.params, spec.conv, spec.head, x,
                                      spec.activations, spec.leaky_slope)
    assert local["activation_patterns"] == patterns
    assert 1 < patterns <= t.dataset.n_test  # ReLU and max pooling: many local maps


def test_a_linear_network_has_one_activation_pattern(tmp_path):
    out = tmp_path / "ink"
    assert main(["train", "images-linear-cnn-counts-ink", "--epochs", "2", "--quiet",
                 "--out", str(out)]) == 0
    doc = json.loads((out / "metrics.json").read_text())
    local = doc["local_linear"]
    assert local["activation_patterns"] == 1 and local["max_difference"] <= 1e-9
    assert "linear_templates" in doc
    assert _width(out / "templates.png") >= 1200
    assert not image_is_blank(out / "templates.png")
