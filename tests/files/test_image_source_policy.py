"""What a lab file's ``data.source`` may read (issue 18): only regular files, looked at
before they are opened; no symbolic links leading out of a folder source; and the
resolved path of a source outside the lab file's folder, for the reader to agree to."""
from __future__ import annotations

import os
import stat

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from actlab import atomic  # noqa: E402
from actlab.atomic import NotARegularFile, read_regular_file  # noqa: E402
from actlab.engine.data.images import ImageFileError, make_images  # noqa: E402
from actlab.kinds import image_sources  # noqa: E402
from actlab.kinds.image_sources import (  # noqa: E402
    ImagesNotFound, load_lab_images, source_outside, without_images)
from actlab.engine.models.cnn_spec import ImageNetSpec  # noqa: E402
from actlab.lab import ImageDataSpec, Lab  # noqa: E402
from actlab.labfile.format import lab_from_dict, lab_to_dict  # noqa: E402

HAS_FIFO = hasattr(os, "mkfifo")
DEV_ZERO = "/dev/zero"


def _lab(**source):
    d = lab_to_dict(Lab(name="mine", data=ImageDataSpec(size=12, seed=4),
                        network=ImageNetSpec(input_size=12)))
    d["data"] = {"kind": "images", "source": source, "size": 12, "seed": 4}
    return lab_from_dict(d)


def _npz(path, k=2):
    ds = make_images("shapes", 12, 0.0, 4, 0.5, 2)
    x = np.concatenate([ds.x_train, ds.x_test])[:, 0]
    y = np.concatenate([ds.y_train, ds.y_test])
    np.savez(path, images=x[y < k], labels=y[y < k])
    return path


# ---------------------------------------------------------------- read_regular_file
@pytest.mark.skipif(not HAS_FIFO, reason="no FIFOs here")
def test_a_fifo_is_refused_without_being_opened(tmp_path, opened):
    fifo = tmp_path / "lab.npz"
    os.mkfifo(fifo)
    with pytest.raises(NotARegularFile):
        read_regular_file(fifo, 1000)
    assert str(fifo) not in opened


@pytest.mark.skipif(not os.path.exists(DEV_ZERO), reason="no /dev/zero")
def test_a_device_is_refused_without_being_opened(opened):
    with pytest.raises(NotARegularFile):
        read_regular_file(DEV_ZERO, 1000)
    assert DEV_ZERO not in opened


def test_a_link_is_refused_when_links_are_not_followed(tmp_path):
    (tmp_path / "real.txt").write_bytes(b"hello")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    assert read_regular_file(tmp_path / "link.txt", 100) == b"hello"  # followed by default
    with pytest.raises(NotARegularFile, match="symbolic link"):
        read_regular_file(tmp_path / "link.txt", 100, follow_symlinks=False)
    assert read_regular_file(tmp_path / "real.txt", 100, follow_symlinks=False) == b"hello"


def test_a_file_swapped_between_the_look_and_the_open_is_refused(tmp_path, monkeypatch):
    a, b = tmp_path / "a.bin", tmp_path / "b.bin"
    a.write_bytes(b"a")
    b.write_bytes(b"b")
    real_stat = os.stat
    monkeypatch.setattr(atomic.os, "stat", lambda p, **kw: real_stat(b, **kw))
    with pytest.raises(NotARegularFile, match="changed"):
        read_regular_file(a, 100)


# ---------------------------------------------------------------- npz sources
@pytest.mark.skipif(not HAS_FIFO, reason="no FIFOs here")
def test_an_npz_source_that_is_a_fifo_is_refused_and_never_opened(tmp_path, opened):
    os.mkfifo(tmp_path / "pipe.npz")
    with pytest.raises(ImageFileError, match="pipe.npz: not a regular file"):
        load_lab_images(_lab(npz="pipe.npz"), tmp_path)
    assert not any(p.endswith("pipe.npz") for p in opened)


@pytest.mark.skipif(not os.path.exists(DEV_ZERO), reason="no /dev/zero")
def test_an_npz_source_that_is_a_device_is_refused_and_never_opened(tmp_path, opened):
    with pytest.raises(ImageFileError, match="zero: not a regular file"):
        load_lab_images(_lab(npz=DEV_ZERO), tmp_path)
    assert DEV_ZERO not in opened


def test_a_missing_source_is_images_not_found_with_its_absolute_path(tmp_path):
    with pytest.raises(ImagesNotFound) as e:
        load_lab_images(_lab(npz="gone.npz"), tmp_path)
    assert str(e.value) == "gone.npz: file not found"  # the CLI's line stays the same
    assert e.value.filename == str(tmp_path / "gone.npz")
    with pytest.raises(ImagesNotFound, match="pics: folder not found"):
        load_lab_images(_lab(folder="pics"), tmp_path)
    (tmp_path / "dangling.npz").symlink_to(tmp_path / "nothing.npz")
    with pytest.raises(ImagesNotFound):
        load_lab_images(_lab(npz="dangling.npz"), tmp_path)


# ---------------------------------------------------------------- outside the folder
def test_a_source_inside_the_lab_folder_needs_no_question(tmp_path):
    (tmp_path / "data").mkdir()
    _npz(tmp_path / "data" / "mine.npz")
    assert source_outside(_lab(npz="data/mine.npz"), tmp_path) is None
    assert source_outside(_lab(npz=str(tmp_path / "data" / "mine.npz")), tmp_path) is None
    assert source_outside(_lab(npz="data/../data/mine.npz"), tmp_path) is None
    assert source_outside(_lab(npz="mine.npz"), None) is None  # no lab file: the student's


@pytest.mark.parametrize("name", ["../other/mine.npz", "ABS", "~/mine.npz", "/etc/shadow"])
def test_a_source_outside_the_lab_folder_is_named_by_its_resolved_path(tmp_path, name,
                                                                       monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    lab_dir = tmp_path / "labs"
    lab_dir.mkdir()
    name = str(tmp_path / "other" / "mine.npz") if name == "ABS" else name
    expected = {"../other/mine.npz": tmp_path / "other" / "mine.npz",
                "~/mine.npz": tmp_path / "home" / "mine.npz"}.get(name, name)
    got = source_outside(_lab(npz=name), lab_dir)
    assert got == type(got)(os.path.realpath(expected)) and got.is_absolute()


def test_a_link_inside_the_lab_folder_leading_out_is_outside(tmp_path):
    (tmp_path / "secret").mkdir()
    _npz(tmp_path / "secret" / "x.npz")
    lab_dir = tmp_path / "lab"
    lab_dir.mkdir()
    (lab_dir / "mine.npz").symlink_to(tmp_path / "secret" / "x.npz")
    assert str(source_outside(_lab(npz="mine.npz"), lab_dir)) == \
        os.path.realpath(tmp_path / "secret" / "x.npz")
    (lab_dir / "pics").symlink_to(tmp_path / "secret")
    assert source_outside(_lab(folder="pics"), lab_dir) is not None


# ---------------------------------------------------------------- folder sources
def _picture(path):
    pytest.importorskip("PySide6")
    from PySide6.QtGui import QColor, QImage
    img = QImage(12, 12, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    for x in range(12):
        img.setPixelColor(x, 6, QColor("black"))
    assert img.save(str(path))
    return path


def _folder(root, n=2):
    for cls in ("a", "b"):
        (root / cls).mkdir(parents=True)
        for i in range(n):
            _picture(root / cls / f"{i}.png")
    return root


def test_links_that_stay_inside_a_folder_source_are_read(tmp_path):
    root = _folder(tmp_path / "pics")
    (root / "b" / "link.png").symlink_to(root / "a" / "0.png")
    lab, data = load_lab_images(_lab(folder="pics"), tmp_path)
    assert data.n_train + data.n_test == 5


def test_a_picture_linking_out_of_a_folder_source_is_refused_naming_it(tmp_path):
    outside = _picture(tmp_path / "private.png")
    root = _folder(tmp_path / "lab" / "pics")
    (root / "a" / "sneaky.png").symlink_to(outside)
    with pytest.raises(ImageFileError) as e:
        load_lab_images(_lab(folder="pics"), tmp_path / "lab")
    assert str(e.value).startswith("a/sneaky.png: a link to ")
    assert str(outside) in str(e.value) and "outside the folder" in str(e.value)


def test_a_class_folder_linking_out_of_a_folder_source_is_refused(tmp_path):
    elsewhere = _folder(tmp_path / "elsewhere")
    root = _folder(tmp_path / "lab" / "pics")
    (root / "c").symlink_to(elsewhere / "a")
    with pytest.raises(ImageFileError, match="^c: a link to .*outside the folder"):
        load_lab_images(_lab(folder="pics"), tmp_path / "lab")


@pytest.mark.skipif(not HAS_FIFO, reason="no FIFOs here")
def test_a_fifo_among_the_pictures_is_refused_and_never_opened(tmp_path, opened):
    root = _folder(tmp_path / "pics")
    os.mkfifo(root / "a" / "2.png")
    assert stat.S_ISFIFO(os.stat(root / "a" / "2.png").st_mode)
    with pytest.raises(ImageFileError, match="not a regular file"):
        load_lab_images(_lab(folder="pics"), tmp_path)
    assert not any(p.endswith("2.png") for p in opened)


@pytest.mark.skipif(not os.path.exists(DEV_ZERO), reason="no /dev/zero")
def test_a_device_as_a_folder_source_is_refused(tmp_path, opened):
    with pytest.raises(ImageFileError):
        load_lab_images(_lab(folder=DEV_ZERO), tmp_path)
    assert DEV_ZERO not in opened


def test_without_images_keeps_the_lab_s_classes_and_size(tmp_path):
    lab = _lab(npz="gone.npz", classes=3)
    data = without_images(lab)
    assert (data.n_train, data.n_test, data.n_classes, data.size) == (0, 0, 3, 12)
    plain = _lab(npz="x.npz")  # classes not known yet: the network's
    assert image_sources.without_images(plain).n_classes == plain.network.n_classes


def test_importing_a_folder_with_a_link_out_reads_nothing_outside(tmp_path, monkeypatch):
    """The window's import checks the links before it looks at any picture's size."""
    pytest.importorskip("PySide6")
    from PySide6 import QtGui

    from actlab.gui.workspaces.images.import_action import load_images_for_import

    outside = _picture(tmp_path / "private.png")
    root = tmp_path / "pics"
    for cls in ("a", "b"):
        (root / cls).mkdir(parents=True)
    (root / "a" / "0.png").symlink_to(outside)
    _picture(root / "b" / "0.png")
    read = []
    real = QtGui.QImageReader

    def reader(name, *a):
        read.append(name)
        return real(name, *a)
    monkeypatch.setattr(QtGui, "QImageReader", reader)
    with pytest.raises(ImageFileError, match="^a/0.png: a link to "):
        load_images_for_import(root)
    assert read == []
