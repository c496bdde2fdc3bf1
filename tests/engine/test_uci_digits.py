"""The real handwritten digits ActLab ships (resources/data/digits-8x8.npz) and the two
image data sets made from them ("uci_digits", "uci_digits_inverted").

Checked against what the UCI data set is (1,797 test images of 8x8 px, each pixel a count
0..16 of ink in a 4x4 block; 178 178 177 183 181 182 181 179 174 180 images of the digits
0-9, as scikit-learn's ``load_digits`` documents), not against ActLab's own loader alone.
"""
from __future__ import annotations

import zipfile

import numpy as np
import pytest

from actlab.engine.data.image_npz import load_npz
from actlab.engine.data.images import IMAGE_GENERATORS, make_images, per_class_limit
from actlab.engine.data.uci_digits import FILE_PARTS, uci_arrays
from actlab.resources_path import resource_file

UCI_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_the_shipped_file_holds_the_uci_digits_as_documented():
    path = resource_file(*FILE_PARTS)
    assert path.stat().st_size < 100_000  # a small file in the wheel and the build
    with zipfile.ZipFile(path) as z:  # plain arrays, no pickles
        assert sorted(z.namelist()) == ["class_names.npy", "images.npy", "labels.npy"]
    with np.load(path, allow_pickle=False) as f:
        images, labels, names = f["images"], f["labels"], f["class_names"]
    assert images.shape == (1797, 8, 8) and images.dtype == np.float32
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert list(names) == [str(d) for d in range(10)]
    assert np.bincount(labels).tolist() == UCI_COUNTS
    # ink in [0, 1]: a count of 0..16 divided by 16, exactly, with both ends used
    counts = images.astype(np.float64) * 16
    assert np.array_equal(counts, np.round(counts)) and counts.min() == 0 and counts.max() == 16
    # every digit has ink, and digits of a class look alike more than across classes:
    # the mean 0 has an empty centre and a full ring, the mean 1 a full centre column
    assert (images.reshape(1797, -1).sum(axis=1) > 0).all()
    zero, one = images[labels == 0].mean(axis=0), images[labels == 1].mean(axis=0)
    assert zero[3:5, 3:5].mean() < 0.2 < zero[1:7, 1].mean()
    assert one[2:6, 3:5].mean() > zero[2:6, 3:5].mean() + 0.3


def test_the_npz_import_reads_it_like_any_npz():
    data = load_npz(resource_file(*FILE_PARTS), size=None, train_fraction=0.5, seed=1)
    assert data.size == 8 and data.n_classes == 10
    assert data.n_train + data.n_test == 1797
    assert data.x_train.min() == 0.0 and data.x_train.max() == 1.0
    images, _ = uci_arrays()
    with np.load(resource_file(*FILE_PARTS)) as f:
        assert np.array_equal(images, f["images"].astype(np.float64))


@pytest.mark.parametrize("name", ["uci_digits", "uci_digits_inverted"])
def test_the_generators_pick_real_digits_per_class(name):
    info = IMAGE_GENERATORS[name]
    assert info.class_names == tuple(str(d) for d in range(10)) and info.native_size == 8
    assert per_class_limit(name) == min(UCI_COUNTS)
    a = make_images(name, size=8, per_class=20, train_fraction=0.5, seed=3)
    b = make_images(name, size=8, per_class=20, train_fraction=0.5, seed=3)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_test, b.y_test)
    assert a.n_train == a.n_test == 100
    assert np.bincount(a.y_train).tolist() == [10] * 10
    images, labels = uci_arrays()
    flat = images.reshape(len(images), -1)
    x = np.concatenate([a.x_train, a.x_test]).reshape(200, -1)
    y = np.concatenate([a.y_train, a.y_test])
    inverted = 0
    for img, label in zip(x, y):
        same = np.flatnonzero((flat == img).all(axis=1))
        if not len(same):  # only the inverted set has images not in the file...
            same = np.flatnonzero((flat == 1.0 - img).all(axis=1))
            inverted += 1
        assert len(same) and (labels[same] == label).any()  # ...and then their inverse is
    if name == "uci_digits":
        assert inverted == 0
    else:  # exactly half of each class is inverted: 10 of the 20 per class
        assert inverted == 100
        dark = x.mean(axis=1) > 0.5  # an inverted digit is mostly ink
        assert dark.sum() == 100 and all(dark[y == c].sum() == 10 for c in range(10))


def test_sixteen_pixels_repeat_each_pixel_and_too_many_per_class_is_refused():
    small = make_images("uci_digits", size=8, per_class=5, seed=2)
    big = make_images("uci_digits", size=16, per_class=5, seed=2)
    up = small.x_train.repeat(2, axis=2).repeat(2, axis=3)
    assert np.allclose(big.x_train, up, atol=1e-12)
    with pytest.raises(ValueError, match="per_class"):
        make_images("uci_digits", per_class=175)


def test_the_wheel_and_the_frozen_build_take_the_file_along():
    """pyproject installs every file under resources/ (so the .npz too) as the package
    actlab.resources, and the PyInstaller spec bundles resources/ whole, dropping only
    its Python sources."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    setup = config["tool"]["setuptools"]
    assert setup["package-dir"]["actlab.resources"] == "resources"
    assert setup["package-data"]["actlab.resources"] == ["**/*"]
    assert (root / "resources" / Path(*FILE_PARTS)).is_file()
    spec = (root / "actlab.spec").read_text(encoding="utf-8")
    assert 'datas=[(str(ROOT / "resources"), "resources")]' in spec
    assert 'e[0].endswith((".py", ".pyc"))' in spec  # what is dropped: not .npz
