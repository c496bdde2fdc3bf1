"""Issue 18 for folders of pictures: a huge picture is called too large (not damaged), a
damaged one prints nothing on stderr, and an import is bounded in memory and time."""
from __future__ import annotations

import os
import struct
import tracemalloc
import zlib

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")
from PySide6.QtGui import QColor, QImage  # noqa: E402

from actlab.engine.data.images import ImageFileError  # noqa: E402
from actlab.kinds import image_folder, picture_decode  # noqa: E402
from actlab.kinds.image_folder import load_image_folder  # noqa: E402
from actlab.kinds.picture_decode import decode_picture, quiet_decoding  # noqa: E402

TOO_LARGE = ("20000x20000 px is too large: ActLab reads pictures of at most 16.8 million "
             "pixels (4096x4096); make it smaller first")


def _huge_png(path, w=20000, h=20000):
    """A valid 1-bit PNG of w x h white... black pixels: a few KB on disk, gigabytes decoded."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    z = zlib.compressobj(9)
    row = b"\x00" * (1 + (w + 7) // 8)
    idat = b"".join(z.compress(row) for _ in range(h)) + z.flush()
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
                     + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


def _picture(path, side=32):
    img = QImage(side, side, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    img.setPixelColor(side // 2, side // 2, QColor("black"))
    assert img.save(str(path)), path
    return path


def _classes(root, n=1, side=32):
    for cls in ("a", "b"):
        (root / cls).mkdir(parents=True)
        for i in range(n):
            _picture(root / cls / f"{i}.png", side)
    return root


def test_a_huge_picture_is_too_large_not_damaged(tmp_path, capfd):
    root = _classes(tmp_path / "f")
    _huge_png(root / "b" / "huge.png")
    with pytest.raises(ImageFileError) as e:
        load_image_folder(root)
    assert str(e.value) == "b/huge.png: " + TOO_LARGE
    with pytest.raises(ImageFileError) as e:  # decoding it alone says the same
        decode_picture(root / "b" / "huge.png")
    assert str(e.value) == "huge.png: " + TOO_LARGE
    assert capfd.readouterr().err == ""  # no "Rejecting image ... allocation limit"


@pytest.mark.parametrize("ext", ["png", "jpg"])
def test_a_cut_short_picture_prints_nothing_on_stderr(tmp_path, capfd, ext):
    root = _classes(tmp_path / "f")
    whole = _picture(tmp_path / f"whole.{ext}").read_bytes()
    (root / "b" / f"cut.{ext}").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ImageFileError, match=f"b/cut.{ext}: not a picture Qt can read"):
        load_image_folder(root)
    out = capfd.readouterr()
    assert out.err == "" and out.out == ""  # was "libpng error: Read Error"


def test_quiet_decoding_passes_other_stderr_output_on(capfd):
    with quiet_decoding():
        os.write(2, b"libpng error: Read Error\n")
        os.write(2, b"something else\n")
    assert capfd.readouterr().err == "something else\n"
    os.write(2, b"after\n")  # stderr is back
    assert capfd.readouterr().err == "after\n"


def test_too_many_pixels_in_all_are_refused_before_decoding(tmp_path, monkeypatch):
    root = _classes(tmp_path / "many", n=3, side=100)
    monkeypatch.setattr(image_folder, "MAX_FOLDER_PIXELS", 50_000)

    def must_not_decode(file):
        raise AssertionError(f"decoded {file}")

    monkeypatch.setattr(image_folder, "decode_picture", must_not_decode)
    with pytest.raises(ImageFileError) as e:
        load_image_folder(root)
    assert str(e.value) == ("many: the pictures hold 60,000 pixels; ActLab decodes at most "
                            "50,000 pixels in one import: make them smaller (they are used at "
                            "8 to 32 px), e.g. 256 px a side")


def test_a_large_picture_is_decoded_in_bounded_memory(tmp_path):
    """Before: a float64 copy of every RGBA channel (32 bytes a pixel) and more; now the
    grey float64 array (8 bytes a pixel) and a band of rows."""
    root = tmp_path / "big"
    for cls in ("a", "b"):
        (root / cls).mkdir(parents=True)
        _picture(root / cls / "p.png", side=2048)
    grey = 2048 * 2048 * 8
    tracemalloc.start()
    try:
        d = load_image_folder(root, size=16, train_fraction=1.0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert d.n_train == 2 and d.x_train.max() > 0
    assert peak < 2.5 * grey + 4 * picture_decode._BAND_PIXELS * 8, peak / 2**20


def test_running_out_of_memory_on_a_picture_is_one_clear_error(tmp_path, monkeypatch):
    root = _classes(tmp_path / "f")

    def no_memory(file):
        raise MemoryError

    monkeypatch.setattr(image_folder, "decode_picture", no_memory)
    with pytest.raises(ImageFileError) as e:
        load_image_folder(root)
    assert str(e.value) == "a/0.png: not enough memory to decode this picture (make it smaller)"
