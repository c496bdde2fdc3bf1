"""Images from .npz files: round trips and one clear error per bad file (no Qt)."""
from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actlab.engine.data import image_npz
from actlab.engine.data.image_npz import load_npz
from actlab.engine.data.images import MAX_IMAGES, ImageFileError, make_images


def _save(path, **arrays):
    np.savez(path, **arrays)
    return path


def _ok(n=12, side=16, k=3):
    rng = np.random.default_rng(0)
    return {"images": rng.random((n, side, side)), "labels": np.arange(n) % k}


def test_round_trip_of_generated_images(tmp_path):
    d = make_images("shapes", per_class=10, seed=3)
    images = np.concatenate([d.x_train, d.x_test])
    labels = np.concatenate([d.y_train, d.y_test])
    path = _save(tmp_path / "shapes.npz", images=images, labels=labels,
                 class_names=np.array(d.class_names))
    back = load_npz(path, seed=5)
    assert back.size == 16 and back.class_names == d.class_names
    got = np.concatenate([back.x_train, back.x_test])
    got_y = np.concatenate([back.y_train, back.y_test])
    # The same images with the same labels, in another order (a new split).
    key = lambda x: [im.tobytes() for im in x]  # noqa: E731
    assert sorted(zip(key(got), got_y.tolist())) == sorted(zip(key(images), labels.tolist()))
    assert np.bincount(back.y_train).tolist() == [5] * 4
    again = load_npz(path, seed=5)
    assert again.x_train.tobytes() == back.x_train.tobytes()
    assert back.summary.startswith("shapes.npz: 40 images of 16x16 px, 4 classes")


def test_uint8_three_dims_and_bool_images(tmp_path):
    a = np.zeros((4, 8, 8), dtype=np.uint8)
    a[0, 0, 0], a[1, 1, 1] = 255, 51
    d = load_npz(_save(tmp_path / "u8.npz", images=a, labels=np.array([0, 0, 1, 1])),
                 train_fraction=1.0)
    assert sorted(np.unique(np.concatenate([d.x_train])).tolist()) == [0.0, 0.2, 1.0]
    assert d.class_names == ("0", "1") and d.x_train.shape == (4, 1, 8, 8)
    b = load_npz(_save(tmp_path / "b.npz", images=a[:, None] > 0, labels=np.array([0, 1, 0, 1.0])))
    assert b.x_train.max() == 1.0 and b.n_train + b.n_test == 4


def test_size_is_kept_clamped_or_chosen(tmp_path):
    for side, expected in ((28, 28), (5, 8), (64, 32)):
        d = load_npz(_save(tmp_path / f"s{side}.npz", **_ok(side=side)))
        assert d.size == expected
    d = load_npz(tmp_path / "s28.npz", size=14)
    assert d.size == 14 and "(from 28x28 px)" in d.summary
    wide = np.zeros((2, 10, 20))
    wide[:, :, 0] = 1.0
    d = load_npz(_save(tmp_path / "wide.npz", images=wide, labels=np.array([0, 1])),
                 size=20, train_fraction=1.0)
    assert d.x_train[0, 0, 5:15, 0].tolist() == [1.0] * 10 and d.x_train[0, 0, :5].max() == 0


def _bad_cases(tmp_path):
    """(file, words its error message must hold)."""
    ok = _ok()
    cases = []

    def npz(name, words, **arrays):
        cases.append((_save(tmp_path / name, **arrays), words))

    def raw(name, data, words):
        (tmp_path / name).write_bytes(data)
        cases.append((tmp_path / name, words))

    raw("empty.npz", b"", ["empty"])
    raw("text.npz", b"images,labels\n1,2\n", ["not an .npz file", "not a zip"])
    buf = io.BytesIO()
    np.save(buf, ok["images"])
    raw("single.npz", buf.getvalue(), ["single .npy array"])
    raw("broken.npz", b"PK\x03\x04" + b"\x00" * 50, ["damaged zip"])
    good = io.BytesIO()
    np.savez(good, **ok)
    raw("cut.npz", good.getvalue()[: len(good.getvalue()) // 2], ["damaged"])
    npz("nolabels.npz", ["no 'labels' array", "images"], images=ok["images"])
    npz("noimages.npz", ["no 'images' array", "labels, x"], labels=ok["labels"], x=ok["labels"])
    npz("objects.npz", ["'images' holds Python objects", "pickled"],
        images=np.array([None] * 12, dtype=object), labels=ok["labels"])
    npz("rgb.npz", ["3 channels", "greyscale"], images=np.zeros((12, 3, 8, 8)), labels=ok["labels"])
    npz("flat.npz", ["(n, H, W) or (n, 1, H, W)", "(12, 64)"], images=np.zeros((12, 64)),
        labels=ok["labels"])
    npz("none.npz", ["'images' is empty"], images=np.zeros((0, 8, 8)), labels=np.zeros(0))
    npz("nan.npz", ["NaN"], images=np.full((12, 8, 8), np.nan), labels=ok["labels"])
    npz("big.npz", ["[0, 1]", "found 0 to 255", "divide by 255"],
        images=np.full((12, 8, 8), 255.0) * (np.arange(12) > 0)[:, None, None], labels=ok["labels"])
    npz("int16.npz", ["0 to 255", "found -1 to 3"],
        images=np.array([-1, 3] * 6, dtype=np.int16)[:, None, None] * np.ones((1, 8, 8), np.int16),
        labels=ok["labels"])
    npz("strings.npz", ["must hold numbers"], images=np.full((12, 8, 8), "a"), labels=ok["labels"])
    npz("short.npz", ["'labels' must have shape (12,)", "(11,)"], images=ok["images"],
        labels=ok["labels"][:11])
    npz("half.npz", ["whole numbers"], images=ok["images"], labels=ok["labels"] + 0.5)
    npz("textlabels.npz", ["whole numbers", "dtype"], images=ok["images"],
        labels=np.array(["a"] * 12))
    npz("negative.npz", ["0 or more"], images=ok["images"], labels=ok["labels"] - 1)
    npz("eleven.npz", ["up to 10", "at most 10 classes"], images=ok["images"],
        labels=np.arange(12) % 11)
    npz("oneclass.npz", ["same label", "at least 2 classes"], images=ok["images"],
        labels=np.zeros(12, dtype=int))
    npz("gap.npz", ["no image has label 1", "0 to 2"], images=ok["images"],
        labels=np.array([0, 2] * 6))
    npz("names.npz", ["2 names for 3 classes"], class_names=np.array(["a", "b"]), **ok)
    npz("numnames.npz", ["1-D array of strings"], class_names=np.arange(3), **ok)
    npz("dupnames.npz", ["a name twice"], class_names=np.array(["a", "b", "a"]), **ok)
    npz("blank.npz", ["empty name"], class_names=np.array(["a", " ", "c"]), **ok)
    npz("wide.npz", ["at most 1024 px"], images=np.zeros((2, 1, 1025), np.uint8),
        labels=np.array([0, 1]))
    npz("many.npz", [f"{MAX_IMAGES + 1} images", f"at most {MAX_IMAGES}"],
        images=np.zeros((MAX_IMAGES + 1, 1, 1), np.uint8), labels=np.arange(MAX_IMAGES + 1) % 2)
    (tmp_path / "folder.npz").mkdir()
    cases.append((tmp_path / "folder.npz", ["is a folder"]))
    cases.append((tmp_path / "missing.npz", ["file not found"]))
    return cases


def test_every_bad_file_gives_one_line_naming_the_file_and_the_problem(tmp_path):
    for path, words in _bad_cases(tmp_path):
        with pytest.raises(ImageFileError) as e:
            load_npz(path)
        text = str(e.value)
        assert text.startswith(path.name + ": "), text
        assert all(w in text for w in words), (path.name, text)
        assert "\n" not in text and len(text) < 300
        assert isinstance(e.value, ValueError)


def test_a_small_archive_that_unpacks_huge_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "bomb.npz"
    np.savez_compressed(path, images=np.zeros((4000, 32, 32)), labels=np.arange(4000) % 2)
    assert path.stat().st_size < 200_000  # 32 MB of zeros compress to almost nothing
    monkeypatch.setattr(image_npz, "MAX_UNPACKED_BYTES", 16 * 2**20)
    with pytest.raises(ImageFileError, match="bomb.npz: the arrays unpack to more than 16 MB"):
        load_npz(path)


def test_bad_arguments_are_named_before_the_file_is_read(tmp_path):
    with pytest.raises(ValueError, match="size must be a whole number from 8 to 32"):
        load_npz(tmp_path / "missing.npz", size=40)
    with pytest.raises(ValueError, match="train_fraction"):
        load_npz(tmp_path / "missing.npz", train_fraction=0)
    with pytest.raises(ValueError, match="Not a file name"):
        load_npz(3.5)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_damaged_archives_never_raise_anything_but_image_file_error(tmp_path_factory, data):
    good = io.BytesIO()
    np.savez(good, **_ok(n=6, side=8, k=2), class_names=np.array(["x", "y"]))
    raw = bytearray(good.getvalue())
    for _ in range(data.draw(st.integers(1, 8))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    path = tmp_path_factory.mktemp("fuzz") / "f.npz"
    path.write_bytes(bytes(raw))
    try:
        d = load_npz(path)
    except ImageFileError as e:
        assert str(e).startswith("f.npz: ") and "\n" not in str(e)
    else:  # a byte flip that left a valid file (e.g. inside a pixel value)
        assert d.x_train.min() >= 0 and d.x_train.max() <= 1 and d.n_classes == 2


def test_zip_members_with_odd_names_are_listed_safely(tmp_path):
    path = tmp_path / "odd.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("evil\x1b[31m\n.npy", b"x")
    with pytest.raises(ImageFileError) as e:
        load_npz(path)
    assert "\x1b" not in str(e.value) and "\n" not in str(e.value)


def test_a_zip_of_an_unknown_version_gives_an_image_file_error(tmp_path):
    """zipfile raises NotImplementedError("zip file version 6.4") for a directory entry
    needing a newer zip version (found by the fuzz test): one clear message instead."""
    import io

    from actlab.engine.data.image_npz import load_npz
    from actlab.engine.data.images import ImageFileError

    buf = io.BytesIO()
    np.savez(buf, images=np.zeros((4, 8, 8)), labels=np.array([0, 1, 0, 1]))
    b = bytearray(buf.getvalue())
    i = b.find(b"PK\x01\x02")
    while i >= 0:  # central directory entries: "version needed to extract" at +6
        b[i + 6] = 64
        i = b.find(b"PK\x01\x02", i + 4)
    path = tmp_path / "v64.npz"
    path.write_bytes(bytes(b))
    with pytest.raises(ImageFileError, match="v64.npz: a zip archive of a newer kind"):
        load_npz(path, 8, 0.5, 1)


def test_a_member_without_npy_and_a_damaged_compressed_member_give_one_clear_error(tmp_path):
    """Two archives that let a raw error escape: ``images`` stored without ``.npy`` came back
    as bytes (AttributeError: 'bytes' object has no attribute 'ndim'), and a compressed
    member whose deflate stream is broken raised zlib.error."""
    ok = _ok()
    x, y = ok["images"], ok["labels"]
    raw = tmp_path / "raw.npz"
    with zipfile.ZipFile(raw, "w") as z:
        z.writestr("images", x.tobytes())  # raw numbers, not a .npy, named without ".npy"
        buf = io.BytesIO()
        np.save(buf, y)
        z.writestr("labels.npy", buf.getvalue())
    with pytest.raises(ImageFileError, match="'images' is not a NumPy array"):
        load_npz(raw)
    good = tmp_path / "good.npz"
    np.savez_compressed(good, images=x, labels=y)
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as z:
        info = z.getinfo("images.npy")
    # the member's deflate stream starts after its local header (30 bytes, name, extra)
    at = info.header_offset
    start = at + 30 + int.from_bytes(data[at + 26:at + 28], "little") \
        + int.from_bytes(data[at + 28:at + 30], "little")
    data[start:start + info.compress_size] = b"\xff" * info.compress_size
    broken = tmp_path / "broken.npz"
    broken.write_bytes(bytes(data))
    with pytest.raises(ImageFileError, match="broken.npz"):
        load_npz(broken)
