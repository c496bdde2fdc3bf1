"""`actlab train` on image labs whose images come from a file: an .npz archive or a folder
of pictures (decoded with QImage outside the engine), named relative to the lab file; a
missing or bad file is one error line naming it, exit 2."""
from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from actlab.cli.main import main  # noqa: E402
from actlab.engine.data.images import make_images  # noqa: E402
from actlab.labfile.format import load_lab  # noqa: E402

LAB = {
    "format": "actlab", "version": 2, "name": "my images",
    "network": {"conv": [{"filters": 4, "kernel": 3, "padding": "same", "activation": "relu"}],
                "head": "gap"},
    "training": {"optimizer": "adam", "learning_rate": 0.01, "batch_size": 16},
}


def _lab_file(folder, source, **data):
    d = dict(LAB, data={"kind": "images", "source": source, "size": 12, "seed": 3, **data})
    path = folder / "mine.actlab"
    path.write_text(json.dumps(d))
    return path


def _bars_npz(path, per_class=20):
    ds = make_images("bars", 12, 0.0, per_class, 0.5, 5)
    x = np.concatenate([ds.x_train, ds.x_test])[:, 0]
    y = np.concatenate([ds.y_train, ds.y_test])
    np.savez(path, images=(x * 255).round().astype(np.uint8), labels=y,
             class_names=np.array(["horizontal", "vertical"]))
    return y


def _train(lab, out, *more, capsys):
    code = main(["train", str(lab), "--epochs", "3", "--quiet", "--out", str(out), *more])
    return code, capsys.readouterr()


def test_an_npz_source_trains_end_to_end(tmp_path, capsys):
    (tmp_path / "data").mkdir()
    y = _bars_npz(tmp_path / "data" / "bars.npz")
    lab = _lab_file(tmp_path, {"npz": "data/bars.npz"}, train_fraction=0.75)
    out = tmp_path / "out"
    code, io = _train(lab, out, "--activation", "linear", "--activation", "relu",
                      capsys=capsys)
    assert code == 0, io.err
    doc = json.loads((out / "metrics.json").read_text())
    for run in doc["runs"].values():
        assert run["epochs"] == 3 and 0 <= run["test_accuracy"] <= 1
        assert run["class_names"] == ["horizontal", "vertical"]
        n_test = int(np.sum(run["confusion"]))
        assert n_test == len(y) - round(0.75 * len(y))  # 20 per class: 15 / 5 each
    trained = load_lab(out / "mine-relu-trained.actlab")
    # the trained lab in the output folder still finds its images: the path is absolute
    assert trained.data.source == ("npz", str((tmp_path / "data" / "bars.npz").absolute()))
    assert trained.data.classes == 2 and len(trained.history["train_loss"]) == 3
    assert (out / "samples-relu.png").stat().st_size > 1000


def test_a_relative_source_is_relative_to_the_lab_file_not_the_cwd(tmp_path, capsys,
                                                                   monkeypatch):
    _bars_npz(tmp_path / "bars.npz")
    lab = _lab_file(tmp_path, {"npz": "bars.npz"})
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, io = _train(lab, tmp_path / "out", capsys=capsys)
    assert code == 0, io.err


def _pictures(root, n=4):
    pytest.importorskip("PySide6")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QImage, QPainter, QPen

    for cls, vertical in (("horizontal", False), ("vertical", True)):
        (root / cls).mkdir(parents=True)
        for i in range(n):
            img = QImage(24, 24, QImage.Format.Format_RGB32)
            img.fill(QColor("white"))
            p = QPainter(img)
            p.setPen(QPen(QColor("black"), 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            at = 4 + 4 * i
            p.drawLine(*((at, 0, at, 24) if vertical else (0, at, 24, at)))
            p.end()
            assert img.save(str(root / cls / f"{i}.png"))


def test_a_folder_source_trains_end_to_end(tmp_path, capsys):
    _pictures(tmp_path / "pics")
    lab = _lab_file(tmp_path, {"folder": "pics"})
    out = tmp_path / "out"
    code, io = _train(lab, out, capsys=capsys)
    assert code == 0, io.err
    doc = json.loads((out / "metrics.json").read_text())
    assert doc["class_names"] == ["horizontal", "vertical"] and doc["epochs"] == 3
    assert np.sum(doc["confusion"]) == 4  # 4 pictures per class, half of each for testing
    trained = load_lab(out / "mine-trained.actlab")
    assert trained.data.source[0] == "folder" and trained.data.classes == 2


def _bad(tmp_path, capsys, source, make=None):
    if make:
        make(tmp_path)
    lab = _lab_file(tmp_path, source)
    code, io = _train(lab, tmp_path / "out", capsys=capsys)
    assert code == 2
    lines = io.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in io.err, io.err
    return lines[0]


def test_a_missing_npz_is_one_line_naming_it(tmp_path, capsys):
    line = _bad(tmp_path, capsys, {"npz": "gone.npz"})
    assert "mine.actlab: data.source: gone.npz: file not found" in line


def test_a_bad_npz_is_one_line_naming_it(tmp_path, capsys):
    line = _bad(tmp_path, capsys, {"npz": "junk.npz"},
                lambda d: (d / "junk.npz").write_bytes(b"not a zip"))
    assert "junk.npz: not an .npz file" in line


def test_an_npz_without_labels_is_one_line_naming_it(tmp_path, capsys):
    line = _bad(tmp_path, capsys, {"npz": "nolabels.npz"},
                lambda d: np.savez(d / "nolabels.npz", images=np.zeros((4, 8, 8))))
    assert "nolabels.npz:" in line and "labels" in line


def test_a_missing_folder_is_one_line_naming_it(tmp_path, capsys):
    line = _bad(tmp_path, capsys, {"folder": "nothing here"})
    assert "nothing here: folder not found" in line


def test_a_broken_picture_is_one_line_naming_it(tmp_path, capsys):
    def make(d):
        _pictures(d / "pics", n=2)
        (d / "pics" / "vertical" / "broken.png").write_bytes(b"\x89PNG garbage")
    line = _bad(tmp_path, capsys, {"folder": "pics"}, make)
    assert "vertical/broken.png: not a picture Qt can read" in line


def test_a_bad_source_field_is_one_line_with_its_path(tmp_path, capsys):
    line = _bad(tmp_path, capsys, {"zip": "a.zip"})
    assert "data.source.zip" in line and "unknown field" in line


# ------------------------------------------------------------------ --images / --size

def test_images_option_trains_a_default_network_on_an_npz(tmp_path, capsys):
    _bars_npz(tmp_path / "bars.npz", per_class=10)
    out = tmp_path / "out"
    code = main(["train", "--images", str(tmp_path / "bars.npz"), "--size", "10",
                 "--epochs", "2", "--quiet", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    doc = json.loads((out / "metrics.json").read_text())
    assert doc["epochs"] == 2 and doc["class_names"] == ["horizontal", "vertical"]
    trained = load_lab(out / "bars-trained.actlab")
    assert trained.data.size == 10 and trained.network.input_size == 10
    assert trained.data.source == ("npz", str((tmp_path / "bars.npz").absolute()))


def test_images_option_uses_the_network_of_a_preset_on_a_folder(tmp_path, capsys):
    _pictures(tmp_path / "pics")
    out = tmp_path / "out"
    code = main(["train", "images-two-3x3-are-one-5x5", "--images", str(tmp_path / "pics"),
                 "--epochs", "2", "--quiet", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    from actlab.labfile.presets import load_preset
    preset = load_preset("images-two-3x3-are-one-5x5")
    trained = load_lab(out / "images-two-3x3-are-one-5x5-trained.actlab")
    assert trained.network.conv == preset.network.conv
    assert trained.data.source[0] == "folder" and trained.data.classes == 2


@pytest.mark.parametrize("argv, words", [
    (["--images", "gone.npz"], "--images: gone.npz: file not found"),
    (["circle-tanh", "--images", "gone.npz"], "--images needs an image lab"),
    (["images-two-3x3-are-one-5x5", "--size", "40"], "--size must be 8..32, got 40"),
    (["circle-tanh", "--size", "12"], "--size is for image labs"),
    ([], "the following arguments are required: LAB"),
])
def test_bad_images_options_are_one_line(tmp_path, capsys, monkeypatch, argv, words):
    monkeypatch.chdir(tmp_path)
    code = main(["train", *argv, "--epochs", "1", "--quiet", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and words in err, err
