"""Importing a student's own images: every bad source gives exactly one dialog that names
the file and the problem and changes nothing (None); a good .npz or folder gives an image
Lab whose network fits the images, which the engine trains as it is."""
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from actlab.engine.trainer import Trainer
from actlab.gui.workspaces.images import import_action as action
from actlab.kinds.image_sources import load_lab_images
from actlab.lab import default_lab
from actlab.labfile.format import load_lab, save_lab
from actlab.labfile.presets import load_preset


def _npz(path: Path, **arrays) -> str:
    with open(path, "wb") as f:  # np.savez(name) would add ".npz" to "A.NPZ"
        np.savez(f, **arrays)
    return str(path)


def _picture(path: Path, side: int, draw) -> None:
    """A white picture with black ink where ``draw(r, c)`` is true."""
    img = QtGui.QImage(side, side, QtGui.QImage.Format.Format_RGB32)
    img.fill(QtGui.QColor("white"))
    for r in range(side):
        for c in range(side):
            if draw(r, c):
                img.setPixelColor(c, r, QtGui.QColor("black"))
    path.parent.mkdir(parents=True, exist_ok=True)
    assert img.save(str(path))


def _shape_folder(root: Path, side: int = 12, per_class: int = 4) -> Path:
    for i in range(per_class):
        _picture(root / "horizontal" / f"h{i}.png", side, lambda r, c, i=i: r == 2 + i)
        _picture(root / "vertical" / f"v{i}.png", side, lambda r, c, i=i: c == 2 + i)
    return root


def _images(n=12, side=20, k=3, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, (n, side, side)).astype(np.uint8),
            np.arange(n) % k)


# ------------------------------------------------------------------ bad sources
def _bad_sources(tmp_path):
    x, y = _images()
    objects = np.empty(len(y), dtype=object)
    objects[:] = [np.zeros((4, 4)) for _ in y]
    (tmp_path / "empty").mkdir()
    (tmp_path / "one_class" / "circle").mkdir(parents=True)
    _picture(tmp_path / "one_class" / "circle" / "a.png", 12, lambda r, c: r == c)
    broken = _shape_folder(tmp_path / "broken")
    (broken / "vertical" / "zz.png").write_bytes(b"not a picture at all")
    return {
        "wrong keys": (_npz(tmp_path / "keys.npz", pictures=x, labels=y),
                       "keys.npz", "no 'images' array"),
        "pickled": (_npz(tmp_path / "pickled.npz", images=objects, labels=y),
                    "pickled.npz", "pickled"),
        "labels length": (_npz(tmp_path / "short.npz", images=x, labels=y[:-2]),
                          "short.npz", "one per image"),
        "not a zip": (str(tmp_path / "text.npz"), "text.npz", "not an .npz"),
        "empty folder": (str(tmp_path / "empty"), "empty", "0 class folder"),
        "one class": (str(tmp_path / "one_class"), "one_class", "1 class folder"),
        "unreadable picture": (str(broken), "vertical/zz.png", "not a picture"),
        "missing": (str(tmp_path / "gone.npz"), "gone.npz", "not found"),
    }


@pytest.mark.parametrize("case", ["wrong keys", "pickled", "labels length", "not a zip",
                                  "empty folder", "one class", "unreadable picture",
                                  "missing"])
def test_a_bad_source_gives_one_dialog_and_changes_nothing(qtbot, dialog_log, tmp_path,
                                                           case):
    (tmp_path / "text.npz").write_text("hello")
    path, name, problem = _bad_sources(tmp_path)[case]
    lab = load_preset("images-digits")
    assert action.import_images(None, path, lab) is None
    (title, message), = dialog_log["errors"]
    assert title == action.ERROR_TITLE
    assert message.startswith(name + ":"), message
    assert problem in message and "Nothing was changed" in message
    assert "Traceback" not in message


def test_the_real_dialog_is_a_plain_warning_box(qtbot, tmp_path, monkeypatch):
    """Without the recording fixture: one QMessageBox, plain text, naming the file."""
    path = _npz(tmp_path / "<b>x.npz", pictures=np.zeros((2, 4, 4)), labels=[0, 1])
    seen = []

    def close_box():
        box = QtWidgets.QApplication.activeModalWidget()
        if isinstance(box, QtWidgets.QMessageBox):
            seen.append((box.windowTitle(), box.text(), box.textFormat()))
            box.accept()
        else:
            QtCore.QTimer.singleShot(20, close_box)

    QtCore.QTimer.singleShot(0, close_box)
    assert action.import_images(None, path, default_lab()) is None
    (title, text, fmt), = seen
    assert title == action.ERROR_TITLE and text.startswith("<b>x.npz: ")
    assert fmt == QtCore.Qt.TextFormat.PlainText


def test_cancelling_the_file_dialog_changes_nothing(qtbot, dialog_log, monkeypatch):
    monkeypatch.setattr(action, "ask_image_source", lambda parent: "")
    assert action.import_images(None, None, default_lab()) is None
    assert dialog_log["errors"] == []


# ------------------------------------------------------------------ good sources
def test_a_good_npz_gives_a_trainable_image_lab(qtbot, dialog_log, tmp_path):
    x, y = _images(n=18, side=20, k=3)
    path = _npz(tmp_path / "mine.npz", images=x, labels=y,
                class_names=np.array(["a", "b", "c"]))
    old = replace(default_lab(), seed=5)
    lab = action.import_images(None, path, old)
    assert dialog_log["errors"] == []
    assert lab.kind == "images" and lab.seed == 5
    assert lab.data.source == ("npz", str(Path(path).absolute()))
    assert lab.data.classes == 3 and lab.data.size == 20  # the pictures' own size
    assert lab.network.n_classes == 3 and lab.network.input_size == 20
    assert lab.training.optimizer == "adam"
    trainer = Trainer(lab)
    assert trainer.lab.network == lab.network  # nothing for the Trainer to fix
    assert trainer.dataset.class_names == ("a", "b", "c")
    assert trainer.dataset.n_train + trainer.dataset.n_test == 18
    trainer.train(1)
    assert len(trainer.history) == 1
    save_lab(lab, tmp_path / "mine.actlab")
    assert load_lab(tmp_path / "mine.actlab") == lab


@pytest.mark.parametrize("side, size", [(5, 8), (40, 32), (28, 28)])
def test_the_size_is_the_pictures_clamped_to_8_to_32(qtbot, dialog_log, tmp_path, side, size):
    x, y = _images(n=6, side=side, k=2)
    lab = action.import_images(None, _npz(tmp_path / "s.npz", images=x, labels=y), None)
    assert lab.data.size == size and lab.network.input_size == size
    assert Trainer(lab).dataset.size == size


def test_a_good_folder_gives_a_trainable_image_lab(qtbot, dialog_log, tmp_path):
    root = _shape_folder(tmp_path / "my bars", side=12, per_class=4)
    old = load_preset("images-linear-cnn-counts-ink")
    lab = action.import_images(None, str(root), old)
    assert dialog_log["errors"] == []
    assert lab.data.source == ("folder", str(root.absolute()))
    assert lab.data.classes == 2 and lab.data.size == 12
    assert lab.network.conv == old.network.conv  # an image lab keeps its own network
    assert lab.training == old.training and lab.guide is None
    lab2, data = load_lab_images(lab)
    assert lab2 == lab  # already absolute, classes known, network sized
    assert data.class_names == ("horizontal", "vertical")
    trainer = Trainer(lab, data)
    assert trainer.lab.network == lab.network
    trainer.train(1)
    # the pictures as the engine sees them: ink 1 on background 0, the stroke where drawn
    first = data.x_train[0, 0]
    assert first.max() == pytest.approx(1.0) and first.min() == pytest.approx(0.0)


def test_a_network_too_deep_for_small_pictures_falls_back_to_the_default(qtbot, dialog_log,
                                                                         tmp_path):
    from actlab.engine.models.cnn_spec import ConvSpec

    old = load_preset("images-digits")
    deep = replace(old.network, conv=(ConvSpec(kernel=7, padding="valid"),) * 2)
    old = replace(old, network=deep)
    x, y = _images(n=6, side=8, k=2)
    lab = action.import_images(None, _npz(tmp_path / "small.npz", images=x, labels=y), old)
    assert lab.data.size == 8 and lab.network.input_size == 8
    assert Trainer(lab).lab.network == lab.network


# ------------------------------------------------------------------ choosing and dropping
def _mime(*paths: str, url: str | None = None) -> QtCore.QMimeData:
    m = QtCore.QMimeData()
    urls = [QtCore.QUrl.fromLocalFile(p) for p in paths]
    if url:
        urls.append(QtCore.QUrl(url))
    m.setUrls(urls)
    return m


def test_dropped_image_source(qtbot, tmp_path):
    npz = _npz(tmp_path / "A.NPZ", images=np.zeros((2, 8, 8)), labels=[0, 1])
    folder = _shape_folder(tmp_path / "pics")
    png = folder / "horizontal" / "h0.png"
    assert action.dropped_image_source(_mime(npz)) == npz
    assert action.dropped_image_source(_mime(str(folder))) == str(folder)
    assert action.dropped_image_source(_mime(str(png))) is None
    assert action.dropped_image_source(_mime(npz, str(folder))) is None
    assert action.dropped_image_source(_mime(str(tmp_path / "gone.npz"))) is None
    assert action.dropped_image_source(_mime(url="https://example.org/a.npz")) is None
    text = QtCore.QMimeData()
    text.setText("hello")
    assert action.dropped_image_source(text) is None


def test_the_file_dialog_takes_a_folder_or_an_npz(qtbot, tmp_path):
    folder = _shape_folder(tmp_path / "pics")
    npz = _npz(tmp_path / "a.npz", images=np.zeros((2, 8, 8)), labels=[0, 1])
    for chosen in (str(folder), npz):
        dialog = action.ImageSourceDialog(None, str(tmp_path))
        qtbot.addWidget(dialog)
        dialog.selectFile(chosen)
        dialog.accept()
        assert dialog.result() == QtWidgets.QDialog.DialogCode.Accepted
        assert Path(dialog.chosen) == Path(chosen)
