"""Issue 18: an .npz is checked from its .npy headers before anything is allocated, and
unpacked a chunk at a time -- no hang, no gigabytes, no MemoryError traceback (no Qt)."""
from __future__ import annotations

import io
import tracemalloc
import zipfile

import numpy as np
import pytest

from actlab.engine.data import image_npz
from actlab.engine.data.image_npz import load_npz
from actlab.engine.data.images import ImageFileError


def _npy_header_only(shape, descr="<f8") -> bytes:
    """A .npy member that declares ``shape`` but holds no data at all."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue()


def _zip(path, **members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name + ".npy", data)
    return path


def _npy(a) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a)
    return buf.getvalue()


def test_many_large_zero_images_load_in_bounded_memory(tmp_path):
    """The tester's file was 20,000 zero images of 160x160 uint8 (499 KB): 17.8 s and a
    9.1 GB peak (float64 of the full-size input, twice).  A tenth of it here: the peak
    must stay a small multiple of the final (n, 32, 32) float64 array."""
    path = tmp_path / "zeros.npz"
    n = 2000
    np.savez_compressed(path, images=np.zeros((n, 160, 160), np.uint8),
                        labels=np.arange(n) % 2)
    final = n * 32 * 32 * 8  # 16 MB
    tracemalloc.start()
    try:
        d = load_npz(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert d.size == 32 and d.n_train + d.n_test == n and d.x_train.max() == 0.0
    # before: 2 x 410 MB of float64; now the result, its split copies and one chunk
    assert peak < 6 * final + 3 * image_npz.CHUNK_PIXELS * 8, peak / 2**20


def test_a_huge_shape_declared_in_the_header_is_refused_before_reading(tmp_path):
    path = _zip(tmp_path / "liar.npz", images=_npy_header_only((20000, 1024, 1024)),
                labels=_npy(np.arange(20000) % 2))
    with pytest.raises(ImageFileError) as e:
        load_npz(path)
    assert str(e.value) == ("liar.npz: 'images' unpacks to 160,000 MB (20000 images of "
                            "1024x1024 px as float64); at most 512 MB")


def test_an_array_shorter_than_its_header_says_is_damaged(tmp_path):
    short = _npy_header_only((4, 8, 8)) + b"\x00" * 100
    path = _zip(tmp_path / "short.npz", images=short, labels=_npy(np.array([0, 1, 0, 1])))
    with pytest.raises(ImageFileError, match=r"short.npz: 'images' is damaged \(it holds "
                                             r"fewer numbers than its shape \(4, 8, 8\) says\)"):
        load_npz(path)


def test_huge_class_names_are_refused_before_reading(tmp_path):
    ok = {"images": _npy(np.zeros((4, 8, 8))), "labels": _npy(np.array([0, 1, 0, 1]))}
    path = _zip(tmp_path / "names.npz", class_names=_npy_header_only((2,), "<U10000000"), **ok)
    with pytest.raises(ImageFileError, match="names.npz: 'class_names' is 76 MB; class "
                                             "names are short words"):
        load_npz(path)


def test_running_out_of_memory_is_one_clear_error(tmp_path, monkeypatch):
    path = tmp_path / "ok.npz"
    np.savez(path, images=np.zeros((4, 8, 8)), labels=np.array([0, 1, 0, 1]))

    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(image_npz, "square_and_resize", no_memory)
    with pytest.raises(ImageFileError) as e:
        load_npz(path)
    assert str(e.value) == ("ok.npz: not enough memory to read the images (save fewer or "
                            "smaller images)")


def test_colour_images_with_channels_last_are_refused_with_the_fix(tmp_path):
    path = tmp_path / "rgb.npz"
    np.savez(path, images=np.zeros((12, 16, 16, 3), np.uint8), labels=np.arange(12) % 2)
    with pytest.raises(ImageFileError) as e:
        load_npz(path)
    assert str(e.value) == (
        "rgb.npz: 'images' has shape (12, 16, 16, 3): looks like colour images with channels "
        "last (n, H, W, 3); ActLab images are greyscale, save them grey as (n, H, W), e.g. "
        "images.mean(axis=-1)")
    np.savez(path, images=np.zeros((12, 16, 16, 4)), labels=np.arange(12) % 2)
    with pytest.raises(ImageFileError, match=r"channels last \(n, H, W, 4\)"):
        load_npz(path)


def test_grey_images_with_a_channel_axis_last_load(tmp_path):
    """(n, H, W, 1), as Keras keeps greyscale images, is the same as (n, H, W)."""
    x = np.random.default_rng(0).random((6, 10, 10))
    np.savez(tmp_path / "a.npz", images=x[..., None], labels=np.arange(6) % 2)
    np.savez(tmp_path / "b.npz", images=x, labels=np.arange(6) % 2)
    a, b = load_npz(tmp_path / "a.npz"), load_npz(tmp_path / "b.npz")
    assert a.x_train.tobytes() == b.x_train.tobytes() and a.size == 10


def test_chunks_give_the_same_images_as_one_pass(tmp_path, monkeypatch):
    """Fortran-ordered, big-endian and chunked reads all give the same pixels."""
    rng = np.random.default_rng(1)
    x = (rng.random((30, 20, 12)) * 255).astype(np.uint8)
    y = np.arange(30) % 3
    np.savez(tmp_path / "c.npz", images=x, labels=y)
    np.savez(tmp_path / "f.npz", images=np.asfortranarray(x.astype(">u2")), labels=y)
    whole = load_npz(tmp_path / "c.npz", size=16)
    monkeypatch.setattr(image_npz, "CHUNK_PIXELS", 500)  # two images a chunk
    for name in ("c.npz", "f.npz"):
        d = load_npz(tmp_path / name, size=16)
        assert d.x_train.tobytes() == whole.x_train.tobytes(), name
    bad = x.astype(np.int16)
    bad[0, 0, 0], bad[-1, 0, 0] = -3, 300  # the message gives the whole array's range
    np.savez(tmp_path / "bad.npz", images=bad, labels=y)
    with pytest.raises(ImageFileError, match="found -3 to 300"):
        load_npz(tmp_path / "bad.npz")


def test_a_member_header_whose_utf8_name_is_not_utf8_is_called_damaged(tmp_path):
    """Found by the fuzz test: the local header of a member says "UTF-8 name" (flag bit
    11) over bytes that are not UTF-8, and zipfile raised UnicodeDecodeError."""
    buf = io.BytesIO()
    np.savez(buf, images=np.zeros((4, 8, 8), np.uint8), labels=np.array([0, 1, 0, 1]))
    data = bytearray(buf.getvalue())
    assert data[:4] == b"PK\x03\x04"
    data[6:8] = (int.from_bytes(data[6:8], "little") | 0x800).to_bytes(2, "little")
    data[30] = 0x80  # the first byte of the member's name: not UTF-8
    path = tmp_path / "bad_name.npz"
    path.write_bytes(bytes(data))
    with pytest.raises(ImageFileError, match=r"bad_name\.npz: '\w+' is damaged"):
        load_npz(path)
