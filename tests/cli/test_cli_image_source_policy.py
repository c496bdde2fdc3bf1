"""`actlab train` and what a lab's ``data.source`` may read (issue 18): a source outside
the lab file's folder is read (the instructor named the lab) with a note on stderr naming
its resolved path; a FIFO, a device or a link leading out of a folder source is one error
line, exit 2, and never opened; the trained lab still finds its images."""
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
    "network": {"conv": [{"filters": 2, "kernel": 3, "padding": "same", "activation": "relu"}],
                "head": "gap"},
    "training": {"optimizer": "adam", "learning_rate": 0.01, "batch_size": 16},
}
NOTE = "reading images from outside the lab's folder"


def _lab_file(folder, source):
    folder.mkdir(parents=True, exist_ok=True)
    d = dict(LAB, data={"kind": "images", "source": source, "size": 12, "seed": 3})
    path = folder / "mine.actlab"
    path.write_text(json.dumps(d))
    return path


def _npz(path):
    ds = make_images("bars", 12, 0.0, 6, 0.5, 5)
    x = np.concatenate([ds.x_train, ds.x_test])[:, 0]
    y = np.concatenate([ds.y_train, ds.y_test])
    np.savez(path, images=x, labels=y)
    return path


def _train(lab, out, capsys, *more):
    code = main(["train", str(lab), "--epochs", "1", "--quiet", "--out", str(out), *more])
    return code, capsys.readouterr().err


def test_a_source_inside_the_lab_folder_trains_without_a_note(tmp_path, capsys):
    (tmp_path / "lab").mkdir()
    _npz(tmp_path / "lab" / "bars.npz")
    code, err = _train(_lab_file(tmp_path / "lab", {"npz": "bars.npz"}), tmp_path / "out",
                       capsys)
    assert code == 0 and err == ""


@pytest.mark.parametrize("how", ["parent", "absolute", "link"])
def test_a_source_outside_the_lab_folder_is_read_with_a_note(tmp_path, capsys, how):
    (tmp_path / "data").mkdir()
    npz = _npz(tmp_path / "data" / "bars.npz")
    lab_dir = tmp_path / "lab"
    lab_dir.mkdir()
    if how == "link":
        (lab_dir / "bars.npz").symlink_to(npz)
    name = {"parent": "../data/bars.npz", "absolute": str(npz), "link": "bars.npz"}[how]
    code, err = _train(_lab_file(lab_dir, {"npz": name}), tmp_path / "out", capsys)
    assert code == 0
    assert err.strip() == (f"actlab: note: {lab_dir / 'mine.actlab'}: data.source: {NOTE}: "
                           f"{os.path.realpath(npz)}")


def test_the_trained_lab_finds_its_images_again_and_says_where(tmp_path, capsys):
    (tmp_path / "lab").mkdir()
    npz = _npz(tmp_path / "lab" / "bars.npz")
    code, _ = _train(_lab_file(tmp_path / "lab", {"npz": "bars.npz"}), tmp_path / "out", capsys)
    assert code == 0
    trained = tmp_path / "out" / "mine-trained.actlab"
    assert load_lab(trained).data.source == ("npz", str(npz))  # explicit: absolute
    code, err = _train(trained, tmp_path / "again", capsys)
    assert code == 0 and f"{NOTE}: {os.path.realpath(npz)}" in err


def _one_error(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_source_is_one_error_line_and_never_blocks(tmp_path, capsys):
    (tmp_path / "lab").mkdir()
    os.mkfifo(tmp_path / "lab" / "pipe.npz")
    code, err = _train(_lab_file(tmp_path / "lab", {"npz": "pipe.npz"}), tmp_path / "out",
                       capsys)
    assert code == 2 and "pipe.npz: not a regular file" in _one_error(err)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_device_source_is_one_error_line(tmp_path, capsys):
    code, err = _train(_lab_file(tmp_path / "lab", {"npz": "/dev/zero"}), tmp_path / "out",
                       capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert NOTE in lines[0] and "zero: not a regular file" in lines[1] and len(lines) == 2


def test_a_picture_linking_out_of_a_folder_source_is_one_error_line(tmp_path, capsys):
    pytest.importorskip("PySide6")
    from PySide6.QtGui import QColor, QImage

    def picture(path):
        img = QImage(12, 12, QImage.Format.Format_RGB32)
        img.fill(QColor("white"))
        assert img.save(str(path))
        return path

    secret = picture(tmp_path / "secret.png")
    for cls in ("a", "b"):
        (tmp_path / "lab" / "pics" / cls).mkdir(parents=True)
        picture(tmp_path / "lab" / "pics" / cls / "0.png")
    (tmp_path / "lab" / "pics" / "b" / "1.png").symlink_to(secret)
    code, err = _train(_lab_file(tmp_path / "lab", {"folder": "pics"}), tmp_path / "out",
                       capsys)
    assert code == 2
    line = _one_error(err)
    assert f"b/1.png: a link to {secret}, outside the folder" in line
