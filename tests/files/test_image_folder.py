"""A folder of pictures, one sub-folder per class, decoded with QImage (offscreen Qt)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter, QPen  # noqa: E402

from actlab.kinds import image_folder as image_import  # noqa: E402
from actlab.engine.data.images import ImageFileError  # noqa: E402
from actlab.kinds.image_folder import load_image_folder  # noqa: E402


def _picture(path, w=32, h=32, paper="white", ink="black", line=None, alpha=False):
    """Save a picture with one thick line (default: horizontal through the middle)."""
    fmt = QImage.Format.Format_ARGB32 if alpha else QImage.Format.Format_RGB32
    img = QImage(w, h, fmt)
    img.fill(QColor(0, 0, 0, 0) if alpha else QColor(paper))
    p = QPainter(img)
    p.setPen(QPen(QColor(ink), max(2, h // 8), Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
    x0, y0, x1, y1 = line or (0, h // 2, w, h // 2)
    p.drawLine(x0, y0, x1, y1)
    p.end()
    assert img.save(str(path)), path
    return path


def _two_classes(root, n=3, ext="png", **kw):
    for cls, vertical in (("horizontal", False), ("vertical", True)):
        (root / cls).mkdir(parents=True)
        for i in range(n):
            line = (16, 0, 16, 32) if vertical else None
            _picture(root / cls / f"{i}.{ext}", line=line, **kw)
    return root


@pytest.mark.parametrize("ext", ["png", "jpg", "bmp"])
def test_dark_strokes_on_paper_become_ink(tmp_path, ext):
    d = load_image_folder(_two_classes(tmp_path / "bars", ext=ext), size=16, train_fraction=1.0)
    assert d.class_names == ("horizontal", "vertical") and d.size == 16
    assert d.n_train == 6 and d.n_test == 0
    for im, label in zip(d.x_train[:, 0], d.y_train):
        assert im.min() >= 0 and im.max() <= 1
        line = im[7:9] if label == 0 else im[:, 7:9]  # the stroke: ink
        assert line.mean() > 0.8
        assert im[:4].mean() < 0.1 if label == 0 else im[:, :4].mean() < 0.1  # paper: none
    assert d.summary.startswith("bars: 6 images of 16x16 px, 2 classes (horizontal, vertical)")


def test_light_strokes_on_dark_are_kept_and_transparent_paper_is_white(tmp_path):
    root = tmp_path / "mixed"
    (root / "a").mkdir(parents=True)
    (root / "b").mkdir()
    _picture(root / "a" / "night.png", paper="black", ink="white")
    _picture(root / "b" / "clear.png", ink="black", alpha=True)
    d = load_image_folder(root, size=16, train_fraction=1.0)
    for im in d.x_train[:, 0]:
        assert im[7:9].mean() > 0.8 and im[:4].max() < 0.05


def test_wide_pictures_are_padded_not_cropped(tmp_path):
    root = tmp_path / "wide"
    for cls in ("l", "r"):
        (root / cls).mkdir(parents=True)
        # A vertical stroke at the far left (or right) edge of a 64 x 16 picture.
        x = 2 if cls == "l" else 61
        _picture(root / cls / "p.png", w=64, h=16, line=(x, 0, x, 16))
    d = load_image_folder(root, size=16, train_fraction=1.0)
    by_class = {int(c): im for c, im in zip(d.y_train, d.x_train[:, 0])}
    assert by_class[0][6:10, 0].mean() > 0.3 and by_class[1][6:10, 15].mean() > 0.3
    assert by_class[0][:5].max() == 0 and by_class[0][11:].max() == 0  # the padding


def test_hidden_entries_and_other_files_are_skipped(tmp_path):
    root = _two_classes(tmp_path / "d", n=2)
    (root / ".git").mkdir()
    (root / "README.txt").write_text("not a class")
    (root / "horizontal" / "notes.txt").write_text("skip me")
    (root / "horizontal" / ".hidden.png").write_bytes(b"not a picture")
    d = load_image_folder(root, train_fraction=1.0)
    assert d.class_names == ("horizontal", "vertical") and d.n_train == 4


def test_split_is_stratified_and_seeded(tmp_path):
    root = _two_classes(tmp_path / "s", n=4)
    a = load_image_folder(root, seed=3)
    b = load_image_folder(root, seed=3)
    assert np.bincount(a.y_train).tolist() == [2, 2] and np.bincount(a.y_test).tolist() == [2, 2]
    assert a.x_train.tobytes() == b.x_train.tobytes()


def _error(path, **kw) -> str:
    with pytest.raises(ImageFileError) as e:
        load_image_folder(path, **kw)
    text = str(e.value)
    assert "\n" not in text and isinstance(e.value, ValueError)
    return text


def test_folder_problems_name_the_folder(tmp_path):
    assert _error(tmp_path / "nowhere") == "nowhere: folder not found"
    (tmp_path / "file.png").write_bytes(b"x")
    assert _error(tmp_path / "file.png").startswith("file.png: not a folder")
    one = tmp_path / "one"
    (one / "only").mkdir(parents=True)
    assert _error(one).startswith("one: 1 class folder(s)")
    many = tmp_path / "many"
    for i in range(11):
        (many / f"c{i:02}").mkdir(parents=True)
    assert _error(many) == "many: 11 class folders; at most 10"
    empty = _two_classes(tmp_path / "e", n=1)
    (empty / "zzz").mkdir()
    (empty / "zzz" / "a.txt").write_text("no pictures")
    assert _error(empty).startswith("zzz: no pictures in this class folder")


def test_a_bad_picture_is_named_with_its_class_folder(tmp_path):
    root = _two_classes(tmp_path / "b", n=1)
    (root / "vertical" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    assert _error(root) == ("vertical/broken.png: not a picture Qt can read (damaged, or not "
                            "really PNG)")
    (root / "vertical" / "broken.png").unlink()
    (root / "vertical" / "folder.png").mkdir()  # a folder with a picture's name: skipped
    assert load_image_folder(root, train_fraction=1.0).n_train == 2


def test_too_many_pictures_is_refused_before_decoding(tmp_path, monkeypatch):
    root = _two_classes(tmp_path / "t", n=3)
    monkeypatch.setattr(image_import, "MAX_FOLDER_IMAGES", 5)
    assert _error(root) == "t: 6 pictures; ActLab imports at most 5"


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="size must be a whole number from 8 to 32"):
        load_image_folder(tmp_path, size=64)
    with pytest.raises(ValueError, match="seed"):
        load_image_folder(tmp_path, seed=-2)
