"""Image data sets drawn in code, the stratified split and area resizing (no Qt)."""
from __future__ import annotations


import numpy as np
import pytest

from actlab.engine.data import image_generators as gen
from actlab.engine.data.images import (
    IMAGE_GENERATORS, MAX_CLASSES, ImageData, make_images, split_stratified, square_and_resize)

NAMES = sorted(IMAGE_GENERATORS)


def _all(d: ImageData) -> tuple[np.ndarray, np.ndarray]:
    """Every image (n, H, W) and label, training and test together."""
    return np.concatenate([d.x_train, d.x_test])[:, 0], np.concatenate([d.y_train, d.y_test])


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("size", [8, 16, 32])
def test_every_generator_shape_dtype_range_balance(name, size):
    info = IMAGE_GENERATORS[name]
    d = make_images(name, size=size, per_class=12, seed=4)
    k = len(info.class_names)
    assert d.class_names == info.class_names and d.n_classes == k and 2 <= k <= MAX_CLASSES
    assert d.size == size
    assert d.x_train.shape == (d.n_train, 1, size, size) and d.x_test.shape == (d.n_test, 1, size, size)
    assert d.x_train.dtype == np.float64 and d.y_train.dtype == np.int64
    x, y = _all(d)
    assert x.min() >= 0.0 and x.max() <= 1.0
    assert np.bincount(y, minlength=k).tolist() == [12] * k
    # Stratified: every class gives exactly half of its 12 images to training.
    assert np.bincount(d.y_train, minlength=k).tolist() == [6] * k
    # Every image has ink and none is all ink.
    ink = x.reshape(len(x), -1).mean(axis=1)
    assert (ink > 0.01).all() and (ink < 0.9).all()
    assert not d.x_train.flags.writeable and not d.y_test.flags.writeable
    assert name in d.summary and f"{size}x{size}" in d.summary


@pytest.mark.parametrize("name", NAMES)
def test_same_arguments_same_bits_other_seed_other_images(name):
    a = make_images(name, noise=0.1, per_class=10, seed=7)
    b = make_images(name, noise=0.1, per_class=10, seed=7)
    c = make_images(name, noise=0.1, per_class=10, seed=8)
    for f in ("x_train", "y_train", "x_test", "y_test"):
        assert getattr(a, f).tobytes() == getattr(b, f).tobytes()
    assert a.x_train.tobytes() != c.x_train.tobytes()


def test_noise_adds_gaussian_noise_to_the_same_pictures():
    clean = make_images("shapes", noise=0.0, per_class=50, seed=3)
    noisy = make_images("shapes", noise=0.1, per_class=50, seed=3)
    assert np.array_equal(clean.y_train, noisy.y_train)  # same pictures, same split
    diff = noisy.x_train - clean.x_train
    mid = (clean.x_train > 0.3) & (clean.x_train < 0.7)  # hardly ever clipped
    assert diff[mid].std() == pytest.approx(0.1, rel=0.25)
    free = clean.x_train == 0.0  # background: only the upward half of the noise survives
    assert diff[free].min() == 0.0 and 0.03 < diff[free].mean() < 0.05  # E[max(N,0)] = 0.04


def test_bars_vertical_images_are_the_horizontal_ones_transposed():
    rng = np.random.default_rng(0)
    x, y = gen.bars(rng, 16, 50)
    h, v = x[y == 0], x[y == 1]
    assert np.array_equal(v, h.transpose(0, 2, 1))


@pytest.mark.parametrize("size", [8, 16, 32])
def test_bars_have_equal_ink_and_run_along_their_direction(size):
    d = make_images("bars", size=size, per_class=200, seed=11)
    x, y = _all(d)
    ink = x.sum(axis=(1, 2))
    # The same multiset of ink totals in both classes: counting ink cannot help.
    assert np.array_equal(np.sort(ink[y == 0]), np.sort(ink[y == 1]))
    rows = (x.sum(axis=2) > 0).sum(axis=1)  # rows that hold ink
    cols = (x.sum(axis=1) > 0).sum(axis=1)
    assert (rows[y == 0] < cols[y == 0]).all() and (cols[y == 1] < rows[y == 1]).all()
    m = max(1, size // 8)  # the margin that keeps the border out of the lesson
    assert x[:, :m].max() == 0 and x[:, -m:].max() == 0 and x[:, :, :m].max() == 0


def test_stripes_vary_only_in_their_direction():
    d = make_images("stripes", per_class=30, seed=2)
    x, y = _all(d)
    assert np.ptp(x[y == 0], axis=2).max() == 0  # horizontal: every row one value
    assert np.ptp(x[y == 1], axis=1).max() == 0  # vertical: every column one value
    check = x[y == 2]
    assert (np.ptp(check, axis=1).max(axis=1) > 0.5).all()
    assert (np.ptp(check, axis=2).max(axis=1) > 0.5).all()
    for c in range(3):  # about half ink in every class: ink says nothing
        assert 0.35 < x[y == c].mean() < 0.65


def test_shapes_fill_their_bounding_box_as_their_geometry_says():
    d = make_images("shapes", size=32, per_class=40, seed=5)
    x, y = _all(d)
    fill = {c: [] for c in range(4)}
    low = {c: [] for c in range(4)}
    for im, c in zip(x, y):
        rows, cols = np.nonzero(im > 0.5)
        box = im[rows.min():rows.max() + 1, cols.min():cols.max() + 1] > 0.5
        fill[c].append(box.mean())
        r = np.arange(len(box)) + 0.5
        centroid = (box.sum(axis=1) * r).sum() / box.sum()
        low[c].append(centroid / len(box) - 0.5)  # below the box's middle, in heights
    mean = {c: np.mean(v) for c, v in fill.items()}
    # Square fills its box, a circle pi/4 of it, cross and triangle about half.
    assert mean[1] > 0.9 and 0.7 < mean[0] < 0.85 and mean[2] < 0.65 and mean[3] < 0.65
    # A triangle point up has its centroid a sixth of its height below the middle; the
    # others are symmetric.
    assert min(low[2]) > 0.1
    assert max(np.abs(low[c]).max() for c in (0, 1, 3)) < 0.04
    ink = x.sum(axis=(1, 2))
    ranges = [(ink[y == c].min(), ink[y == c].max()) for c in range(4)]
    assert max(lo for lo, _ in ranges) < min(hi for _, hi in ranges)  # sizes overlap


def test_digits_are_ten_distinguishable_classes():
    d = make_images("digits", per_class=60, seed=9)
    # A nearest-class-mean classifier (no learning beyond averaging) tells them apart far
    # above the 10 % of chance: the templates differ and the jitter keeps them readable.
    means = np.stack([d.x_train[d.y_train == c, 0].mean(axis=0) for c in range(10)])
    dist = ((d.x_test[:, 0, None] - means[None]) ** 2).sum(axis=(2, 3))
    assert (dist.argmin(axis=1) == d.y_test).mean() > 0.4  # measured 0.51
    x, y = _all(d)
    ink = [x[y == c].sum(axis=(1, 2)).mean() for c in range(10)]
    assert ink[1] < ink[8] and ink[7] < ink[0]


def test_same_different_marks_stay_in_their_halves_with_equal_ink():
    size = 16
    d = make_images("same_different", size=size, per_class=300, seed=6)
    x, y = _all(d)
    left, right = x[:, :, : size // 2], x[:, :, size // 2:]
    # The XOR argument needs each mark wholly in its own half.
    assert (left.sum(axis=(1, 2)) > 1).all() and (right.sum(axis=(1, 2)) > 1).all()
    ink0, ink1 = x[y == 0].sum(axis=(1, 2)).mean(), x[y == 1].sum(axis=(1, 2)).mean()
    assert abs(ink0 - ink1) < 0.05 * ink0
    # Rings and dots of one radius have the same ink (to the anti-aliasing).
    rng = np.random.default_rng(1)
    imgs, labels = gen.same_different(rng, 32, 400)
    assert abs(imgs[labels == 0].mean() - imgs[labels == 1].mean()) < 0.03 * imgs.mean()


def test_same_different_defeats_a_linear_model_on_pixels():
    # Least squares on the raw pixels: the best linear score.  Control first: the same
    # fit reads digits' "is it a 1?" well, so a failure below is the data's doing.
    def linear_accuracy(d: ImageData, positive) -> float:
        a = np.c_[d.x_train.reshape(d.n_train, -1), np.ones(d.n_train)]
        w = np.linalg.lstsq(a, np.where(positive(d.y_train), 1.0, -1.0), rcond=None)[0]
        t = np.c_[d.x_test.reshape(d.n_test, -1), np.ones(d.n_test)]
        return float(((t @ w > 0) == positive(d.y_test)).mean())

    digits = make_images("digits", size=12, per_class=300, seed=2)
    assert linear_accuracy(digits, lambda y: y == 1) > 0.95
    xor = make_images("same_different", size=12, per_class=1500, seed=2)
    assert linear_accuracy(xor, lambda y: y == 0) < 0.6


@pytest.mark.parametrize("kwargs, words", [
    ({"name": "nope"}, ["Unknown image data set", "bars", "digits"]),
    ({"name": 3}, ["Unknown image data set"]),
    ({"size": 7}, ["size", "8 to 32"]),
    ({"size": 33}, ["size", "8 to 32"]),
    ({"size": 16.0}, ["size", "whole number"]),
    ({"size": True}, ["size"]),
    ({"noise": -0.1}, ["noise", "0.0 to 1.0"]),
    ({"noise": 1.5}, ["noise", "0.0 to 1.0"]),
    ({"noise": float("nan")}, ["noise"]),
    ({"noise": "0.1"}, ["noise"]),
    ({"per_class": 1}, ["per_class", "2 to"]),
    ({"per_class": 10_001}, ["per_class", "2 to"]),
    ({"train_fraction": 0.0}, ["train_fraction", "above 0.0 and at most 1.0"]),
    ({"train_fraction": 1.01}, ["train_fraction"]),
    ({"seed": -1}, ["seed", "0 or more"]),
    ({"seed": 1.5}, ["seed"]),
])
def test_bad_arguments_name_the_argument_and_its_range(kwargs, words):
    args = {"name": "bars", **kwargs}
    with pytest.raises(ValueError) as e:
        make_images(**args)
    assert all(w in str(e.value) for w in words), str(e.value)


def test_per_class_limit_keeps_ten_classes_under_the_image_cap():
    with pytest.raises(ValueError, match="per_class must be a whole number from 2 to 2000"):
        make_images("digits", per_class=2001)


def test_split_is_stratified_seeded_and_keeps_a_test_image_per_class():
    labels = np.repeat(np.arange(3), [2, 5, 9])
    train, test = split_stratified(labels, 0.9, seed=3)
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(16))
    assert np.bincount(labels[test], minlength=3).min() >= 1  # 0.9 * 2 rounds to 2 -> 1
    assert np.bincount(labels[train], minlength=3).tolist() == [1, 4, 8]
    again = split_stratified(labels, 0.9, seed=3)
    assert np.array_equal(train, again[0]) and np.array_equal(test, again[1])
    all_train, none = split_stratified(labels, 1.0, seed=3)
    assert len(all_train) == 16 and len(none) == 0
    d = make_images("bars", per_class=10, train_fraction=1.0)
    assert d.n_test == 0 and d.x_test.shape == (0, 1, 16, 16)


def test_split_mixes_the_classes():
    d = make_images("digits", per_class=20, seed=1)
    assert len(set(d.y_train[:10].tolist())) > 3  # a minibatch in order is not one class


def test_resize_by_area_keeps_the_mean_and_matches_block_means():
    rng = np.random.default_rng(0)
    for side, size in ((20, 16), (13, 8), (5, 8), (32, 32), (31, 9)):
        a = rng.random((3, side, side))
        out = square_and_resize(a, size)
        assert out.shape == (3, size, size)
        np.testing.assert_allclose(out.mean(axis=(1, 2)), a.mean(axis=(1, 2)), atol=1e-12)
    a = rng.random((2, 32, 32))
    blocks = a.reshape(2, 16, 2, 16, 2).mean(axis=(2, 4))
    np.testing.assert_allclose(square_and_resize(a, 16), blocks, atol=1e-12)


def test_resize_pads_the_short_side_instead_of_cropping():
    a = np.ones((1, 10, 20))
    out = square_and_resize(a, 20)[0]
    assert np.array_equal(out[5:15], np.ones((10, 20)))
    assert out[:5].max() == 0 and out[15:].max() == 0
    wide = np.zeros((1, 4, 16))
    wide[0, :, 0] = 1.0  # a stroke at the far left survives
    assert square_and_resize(wide, 8)[0, :, 0].max() > 0


def test_image_data_checks_itself():
    x = np.zeros((4, 1, 8, 8))
    with pytest.raises(ValueError, match="4 images but y_train 3 labels"):
        ImageData(x, np.zeros(3), x, np.zeros(4), ("a", "b"), 8)
    with pytest.raises(ValueError, match="class indices 0 to 1"):
        ImageData(x, np.full(4, 2), x, np.zeros(4), ("a", "b"), 8)
    with pytest.raises(ValueError, match="2 to 10 classes"):
        ImageData(x, np.zeros(4), x, np.zeros(4), ("a",), 8)
    with pytest.raises(ValueError, match="8 to 32"):
        ImageData(np.zeros((4, 1, 4, 4)), np.zeros(4), x, np.zeros(4), ("a", "b"), 4)


def test_registry_lists_what_a_window_needs():
    assert set(IMAGE_GENERATORS) >= {"bars", "stripes", "shapes", "digits"}
    for name, info in IMAGE_GENERATORS.items():
        assert info.name == name and info.title and len(info.description) > 40
        assert callable(info.function) and len(set(info.class_names)) == len(info.class_names)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("field", [3, 5])
def test_bars_defeat_the_best_linear_cnn_with_global_average_pooling(padding, field):
    # A linear CNN ending in global average pooling scores an image by sum_ab K[a,b] *
    # (ink in the image window shifted by (a, b)), K its composite kernel of side `field`
    # (stacked 3x3 convolutions: 3, 5, ...).  Fit the best K by least squares on those
    # field^2 window sums: it stays near chance, the lesson of the data set.
    d = make_images("bars", size=16, per_class=1000, seed=2)

    def windows(x: np.ndarray) -> np.ndarray:
        x = x[:, 0]
        if padding == "same":
            p = (field - 1) // 2
            x = np.pad(x, ((0, 0), (p, p), (p, p)))
        o = x.shape[1] - field + 1
        sums = [x[:, a:a + o, b:b + o].sum(axis=(1, 2)) for a in range(field) for b in range(field)]
        return np.stack(sums + [np.ones(len(x))], axis=1)

    w = np.linalg.lstsq(windows(d.x_train), np.where(d.y_train == 0, 1.0, -1.0), rcond=None)[0]
    accuracy = ((windows(d.x_test) @ w > 0) == (d.y_test == 0)).mean()
    assert accuracy < 0.62  # chance is 0.5; measured 0.42-0.54
