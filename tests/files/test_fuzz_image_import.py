"""Property-based fuzzing of image import (issue 18): every ``.npz`` archive -- random
bytes, archives of random members (right and wrong names, dtypes, shapes, object arrays,
headers declaring huge shapes, every zip compression), byte flips, truncations -- and
every folder of random entries (pictures, cut-short and empty files, random bytes named
like pictures, other files, sub-folders, symlinks good, dangling and looping, FIFOs)
either loads valid ImageData or raises ImageFileError: no other exception, no warning,
nothing on stderr, and no hang (a FIFO named a.png must not block)."""
from __future__ import annotations

import io
import os
import struct
import warnings
import zipfile
import zlib

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402

from actlab.engine.data.image_npz import load_npz  # noqa: E402
from actlab.engine.data.images import MAX_CLASSES, ImageData, ImageFileError  # noqa: E402
from tests.files.fuzzing import FUZZ, event, one_clear_line  # noqa: E402


def _valid(d: ImageData) -> None:
    for x, y in ((d.x_train, d.y_train), (d.x_test, d.y_test)):
        assert x.dtype == np.float64 and x.shape[1:] == (1, d.size, d.size)
        assert len(x) == len(y)
        if len(x):
            assert np.isfinite(x).all() and x.min() >= 0.0 and x.max() <= 1.0 + 1e-12
            assert y.min() >= 0 and y.max() < d.n_classes
    assert 2 <= d.n_classes <= MAX_CLASSES and d.n_train > 0
    one_clear_line(d.summary)


def _loads_or_refuses(load, path, capfd) -> str:
    capfd.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a NumPy RuntimeWarning would reach stderr
        try:
            d = load(path)
        except ImageFileError as e:
            one_clear_line(str(e))
            outcome = "refused: " + " ".join(e.reason.split(" ")[:3])[:30]
        else:
            _valid(d)
            outcome = "loaded"
    out = capfd.readouterr()
    assert out.err == "" and out.out == "", out
    event(outcome)
    return outcome


# ------------------------------------------------------------------------------ .npz

def _npy(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=True)
    return buf.getvalue()


def _header_only(shape, descr) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue()


DTYPES = ["u1", "i2", ">i4", "i8", "u8", "f2", "f4", ">f8", "g", "c8", "?", "U3", "S2",
          "O", "V4", "M8[s]"]
SHAPES = st.one_of(
    st.tuples(st.integers(0, 6), st.integers(0, 12), st.integers(0, 12)),
    st.tuples(st.integers(1, 6), st.sampled_from([1, 3, 4]), st.integers(1, 8),
              st.integers(1, 8)),
    st.tuples(st.integers(1, 6), st.integers(1, 8), st.integers(1, 8),
              st.sampled_from([1, 3, 4])),
    st.lists(st.integers(0, 5), max_size=5).map(tuple))
HUGE = st.tuples(st.sampled_from([20_000, 20_001, 10**9, 2**40]),
                 st.sampled_from([1, 1024, 1025, 10**6]), st.sampled_from([1, 1024, 2**31]))


@st.composite
def _array(draw, role):
    dtype = draw(st.sampled_from(DTYPES))
    if role == "labels":
        shape = draw(st.one_of(st.tuples(st.integers(0, 6)), SHAPES))
    elif role == "class_names":
        shape = draw(st.tuples(st.integers(0, 4)))
    else:
        shape = draw(SHAPES)
    kind = draw(st.sampled_from(["levels", "random", "labels", "special"]))
    n = int(np.prod(shape))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    if dtype == "O":
        values = np.array([None, 1, "x"] * n, dtype=object)[:n]
    elif dtype in ("U3", "S2"):
        values = np.array([draw(st.sampled_from(["a", "b", "", " ", "a"]))
                           for _ in range(n)], dtype=dtype)
    elif kind == "levels":
        values = rng.integers(0, 256, n)
    elif kind == "labels":
        values = np.arange(n) % draw(st.integers(1, 12))
    elif kind == "special":
        values = rng.choice([0.0, 1.0, 0.5, -1.0, np.nan, np.inf, 1e300], n)
    else:
        values = rng.random(n)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(values).astype(dtype).reshape(shape)


@st.composite
def _member(draw, role):
    how = draw(st.sampled_from(["array", "array", "array", "huge", "bytes", "raw"]))
    if how == "array":
        a = draw(_array(role))
        if draw(st.booleans()) and a.ndim > 1:
            a = np.asfortranarray(a)
        return _npy(a)
    if how == "huge":
        return _header_only(draw(HUGE), draw(st.sampled_from(["<f8", "|u1", "|O", "<U99"])))
    if how == "bytes":
        return draw(st.binary(max_size=200))
    return b"\x93NUMPY" + draw(st.binary(max_size=120))


COMPRESSIONS = [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]


@st.composite
def _valid_members(draw) -> dict[str, bytes]:
    """The members of a valid archive, in one of the layouts and types ActLab reads."""
    n, k = draw(st.integers(4, 12)), draw(st.integers(2, 4))
    h, w = draw(st.integers(1, 20)), draw(st.integers(1, 20))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    dtype = draw(st.sampled_from(["u1", ">u2", "i8", "f4", ">f8", "?"]))
    levels = rng.integers(0, 256, (n, h, w))
    x = levels / 255.0 if dtype[-1] in "f48" and "f" in dtype else levels
    x = (levels > 128) if dtype == "?" else x
    x = np.asarray(x).astype(dtype)
    layout = draw(st.sampled_from(["nhw", "n1hw", "nhw1"]))
    x = x[:, None] if layout == "n1hw" else x[..., None] if layout == "nhw1" else x
    if draw(st.booleans()):
        x = np.asfortranarray(x)
    members = {"images.npy": _npy(x), "labels.npy": _npy(np.arange(n) % k)}
    if draw(st.booleans()):
        members["class_names.npy"] = _npy(np.array([f"c{i}" for i in range(k)]))
    return members


@st.composite
def _random_members(draw) -> dict[str, bytes]:
    members = {}
    for role in ("images", "labels", "class_names", "other"):
        if role in ("images", "labels") and draw(st.integers(0, 9)) == 0:
            continue  # a missing member
        if role in ("class_names", "other") and draw(st.booleans()):
            continue
        suffix = draw(st.sampled_from([".npy"] * 6 + ["", ".NPY", ".npy.npy"]))
        members[role + suffix] = draw(_member(role))
    return members


@st.composite
def npz_bytes(draw) -> bytes:
    how = draw(st.sampled_from(["bytes", "valid", "valid", "tweaked", "tweaked", "random",
                                "random"]))
    if how == "bytes":
        return draw(st.binary(max_size=400))
    members = draw(_random_members() if how == "random" else _valid_members())
    if how == "tweaked":  # one member replaced by a random one
        role = draw(st.sampled_from(["images", "labels", "class_names"]))
        members[role + ".npy"] = draw(_member(role))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data, compress_type=draw(st.sampled_from(COMPRESSIONS)))
    raw = bytearray(buf.getvalue())
    if how != "valid":
        for _ in range(draw(st.integers(0, 3))):  # flips
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        if draw(st.integers(0, 4)) == 0:
            raw = raw[: draw(st.integers(0, len(raw)))]
    return bytes(raw)


@settings(FUZZ, max_examples=400)
@given(data=npz_bytes(), size=st.sampled_from([None, 8, 13]))
def test_npz_archives_load_or_fail_clearly(tmp_path_factory, capfd, data, size):
    path = tmp_path_factory.mktemp("npz") / "f.npz"
    path.write_bytes(data)
    _loads_or_refuses(lambda p: load_npz(p, size), path, capfd)


# ---------------------------------------------------------------------------- folders

def _png(w, h, grey=255, declared=None) -> bytes:
    """A grey PNG of w x h pixels; ``declared`` (w, h) puts another size in its header."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    rows = b"".join(b"\x00" + bytes([grey]) * w for _ in range(h))
    dw, dh = declared or (w, h)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", dw, dh, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PNG = st.tuples(st.just("png"), st.integers(1, 24), st.integers(1, 24), st.integers(0, 255))
ENTRY = st.one_of(
    PNG, PNG, PNG, PNG, PNG, PNG,
    st.tuples(st.just("cut"), st.integers(1, 24), st.integers(1, 24), st.integers(1, 60)),
    st.tuples(st.just("huge"), st.sampled_from([(5000, 5000), (20000, 20000), (1, 2**30)])),
    st.tuples(st.sampled_from(["empty", "folder", "dangling", "loop", "link_file",
                               "link_folder", "fifo", "text"])),
    st.tuples(st.just("bytes"), st.binary(max_size=80)))
SUFFIXES = st.sampled_from([".png", ".png", ".PNG", ".jpg", ".jpeg", ".bmp", ".gif", ".txt", ""])


def _make_entry(folder, name, entry, other):
    path = folder / name
    kind = entry[0]
    if kind == "png":
        path.write_bytes(_png(entry[1], entry[2], entry[3]))
    elif kind == "cut":
        whole = _png(entry[1], entry[2])
        path.write_bytes(whole[: max(1, len(whole) * entry[3] // 100)])
    elif kind == "huge":
        path.write_bytes(_png(1, 1, declared=entry[1]))  # huge header, tiny data
    elif kind == "bytes":
        path.write_bytes(entry[1])
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("not a picture\n")
    elif kind == "folder":
        path.mkdir()
        (path / "inner.png").write_bytes(_png(4, 4))
    elif kind == "fifo" and hasattr(os, "mkfifo"):
        os.mkfifo(path)
    elif kind == "dangling":
        os.symlink(folder / "no such file", path)
    elif kind == "loop":
        os.symlink(path, path)
    elif kind == "link_file":
        other.write_bytes(_png(6, 6, 0))
        os.symlink(other, path)
    elif kind == "link_folder":
        os.symlink(folder, path)


@st.composite
def folder_tree(draw):
    classes = draw(st.lists(st.sampled_from(["a", "b", "c", ".hidden", "d e"]),
                            min_size=draw(st.sampled_from([0, 2, 2, 2])), max_size=4,
                            unique=True))
    return [(c, draw(st.lists(st.tuples(ENTRY, SUFFIXES), min_size=1, max_size=4)))
            for c in classes]


@settings(FUZZ, max_examples=120)
@given(tree=folder_tree(), stray=st.booleans())
def test_picture_folders_load_or_fail_clearly(tmp_path_factory, capfd, tree, stray):
    pytest.importorskip("PySide6")
    from actlab.kinds.image_folder import load_image_folder

    root = tmp_path_factory.mktemp("pics") / "root"
    root.mkdir()
    outside = root.parent / "outside.png"
    if stray:
        (root / "stray.png").write_bytes(b"a file beside the class folders")
    for cls, entries in tree:
        (root / cls).mkdir()
        for i, (entry, suffix) in enumerate(entries):
            _make_entry(root / cls, f"{i}{suffix}", entry, outside)
    _loads_or_refuses(lambda p: load_image_folder(p, size=8), root, capfd)
