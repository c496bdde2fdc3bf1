"""Issue 18: `actlab train --images` on an oversized or damaged source prints ONE line on
stderr (checked at the file-descriptor level, where libpng writes) and exits 2."""
from __future__ import annotations

import io
import os
import zipfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("PySide6")
from PySide6.QtGui import QColor, QImage  # noqa: E402

from actlab.cli.main import main  # noqa: E402
from tests.files.test_image_folder_bounds import _huge_png  # noqa: E402


def _one_line(capfd, source, tmp_path) -> str:
    code = main(["train", "--images", str(source), "--epochs", "1", "--quiet",
                 "--out", str(tmp_path / "out")])
    err = capfd.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err and "libpng" not in err, err
    return lines[0]


def _folder(root, bad_name, bad_bytes):
    img = QImage(16, 16, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    for cls in ("a", "b"):
        (root / cls).mkdir(parents=True)
        assert img.save(str(root / cls / "ok.png"))
    (root / "b" / bad_name).write_bytes(bad_bytes)
    return root


def test_an_npz_declaring_gigabytes_is_one_line(tmp_path, capfd):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (20000, 1024, 1024)})
    labels = io.BytesIO()
    np.save(labels, np.arange(20000) % 2)
    path = tmp_path / "liar.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("images.npy", header.getvalue())
        z.writestr("labels.npy", labels.getvalue())
    line = _one_line(capfd, path, tmp_path)
    assert line.endswith("liar.npz: 'images' unpacks to 160,000 MB (20000 images of "
                         "1024x1024 px as float64); at most 512 MB"), line


def test_a_cut_short_png_is_one_line_without_libpng(tmp_path, capfd):
    buf = tmp_path / "whole.png"
    img = QImage(64, 64, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    assert img.save(str(buf))
    whole = buf.read_bytes()
    root = _folder(tmp_path / "pics", "cut.png", whole[: len(whole) // 2])
    line = _one_line(capfd, root, tmp_path)
    assert line.endswith("b/cut.png: not a picture Qt can read (damaged, or not really PNG)")


def test_a_huge_png_is_one_line_saying_too_large(tmp_path, capfd):
    root = _folder(tmp_path / "pics", "huge.png", b"")
    _huge_png(root / "b" / "huge.png")
    line = _one_line(capfd, root, tmp_path)
    assert line.endswith("b/huge.png: 20000x20000 px is too large: ActLab reads pictures of "
                         "at most 16.8 million pixels (4096x4096); make it smaller first"), line
