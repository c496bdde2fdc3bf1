"""Data generators, the train/test split and Dataset building (no Qt)."""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.data.points import GENERATORS, GeneratorInfo, generate, split
from actlab.engine.data.dataset import Dataset, dataset_to_points
from actlab.engine.data.build import build_dataset
from actlab.lab import DataSpec

NAMES = list(GENERATORS)


def test_registry_entries_are_complete():
    assert {"circle", "xor", "gaussian", "spiral", "moons", "checkerboard", "spiral3",
            "blobs3", "plane", "gaussian_mix"} <= set(GENERATORS)
    for name, info in GENERATORS.items():
        assert isinstance(info, GeneratorInfo) and info.name == name
        assert info.title and info.description.endswith(".")
        if info.problem == "classification":
            assert info.n_classes in (2, 3)
        else:
            assert info.problem == "regression" and info.n_classes == 0
        with pytest.raises(Exception):
            info.name = "other"  # frozen


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("noise", [0.0, 0.25, 0.5])
@pytest.mark.parametrize("n", [2, 3, 7, 500, 1001])
def test_shape_dtype_range_and_labels(name, noise, n):
    info = GENERATORS[name]
    X, y = generate(name, n, noise, seed=4)
    assert X.shape == (n, 2) and y.shape == (n,)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert X.flags.c_contiguous
    assert np.all(np.isfinite(X)) and np.all(np.isfinite(y))
    assert np.all(np.abs(X) <= 7.0)
    if info.problem == "classification":
        assert set(np.unique(y)) <= set(range(info.n_classes))
    else:
        assert np.all(np.abs(y) <= 2.0)


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_bits_other_seed_differs(name):
    X1, y1 = generate(name, 300, 0.2, seed=11)
    X2, y2 = generate(name, 300, 0.2, seed=11)
    assert X1.tobytes() == X2.tobytes() and y1.tobytes() == y2.tobytes()
    X3, _ = generate(name, 300, 0.2, seed=12)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", [n for n in NAMES if GENERATORS[n].problem == "classification"])
def test_every_class_present_and_balanced(name):
    info = GENERATORS[name]
    _, y = generate(name, 1200, 0.0, seed=2)
    counts = np.bincount(y.astype(int), minlength=info.n_classes)
    assert counts.sum() == 1200
    assert counts.min() >= 0.8 * 1200 / info.n_classes


@pytest.mark.parametrize("name", ["circle", "gaussian", "spiral", "moons", "spiral3", "blobs3"])
def test_structured_sets_are_exactly_balanced_at_zero_noise(name):
    k = GENERATORS[name].n_classes
    _, y = generate(name, 601, 0.0, seed=5)
    counts = np.bincount(y.astype(int), minlength=k)
    assert counts.max() - counts.min() <= 1


def test_circle_geometry():
    X, y = generate("circle", 2000, 0.0, seed=3)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_array_equal(y, (r < 2.5).astype(float))
    assert np.all(r <= 5.0 + 1e-12)
    assert not np.any((r > 2.5 + 1e-9) & (r < 3.5 - 1e-9))  # the gap between disc and ring
    # With noise the label is read at a jittered position: some points change side.
    Xn, yn = generate("circle", 2000, 0.5, seed=3)
    rn = np.hypot(Xn[:, 0], Xn[:, 1])
    assert np.any(yn != (rn < 2.5))


def test_xor_geometry():
    X, y = generate("xor", 2000, 0.0, seed=3)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] >= 0).astype(float))
    assert np.all(np.abs(X) >= 0.3) and np.all(np.abs(X) <= 5.3)
    Xn, yn = generate("xor", 2000, 0.5, seed=3)
    assert np.any(yn != (Xn[:, 0] * Xn[:, 1] >= 0))


def test_gaussian_geometry():
    X, y = generate("gaussian", 4000, 0.0, seed=3)
    pos, neg = X[y == 1], X[y == 0]
    np.testing.assert_allclose(pos.mean(axis=0), [2, 2], atol=0.1)
    np.testing.assert_allclose(neg.mean(axis=0), [-2, -2], atol=0.1)
    # dataset.ts: variance 0.5 at noise 0, and normalRandom scales by sqrt(variance).
    np.testing.assert_allclose(pos.std(axis=0), math.sqrt(0.5), rtol=0.1)
    Xw, yw = generate("gaussian", 4000, 0.5, seed=3)
    assert Xw[yw == 1].std() > 1.5 * pos.std()


def test_spiral_geometry_at_zero_noise():
    n = 400
    X, y = generate("spiral", n, 0.0, seed=3)
    m = n // 2
    i = np.arange(m)
    r = i / m * 5
    t = 1.75 * i / m * 2 * np.pi
    np.testing.assert_allclose(X[:m], np.column_stack((r * np.sin(t), r * np.cos(t))), atol=1e-12)
    np.testing.assert_allclose(X[m:], -X[:m], atol=1e-12)  # delta t = pi mirrors the arm
    assert np.all(y[:m] == 1) and np.all(y[m:] == 0)


def test_spiral_noise_is_bounded():
    X0, _ = generate("spiral", 400, 0.0, seed=3)
    X1, _ = generate("spiral", 400, 0.5, seed=3)
    assert 0 < np.abs(X1 - X0).max() <= 0.5


def test_checkerboard_labels_follow_square_parity():
    X, y = generate("checkerboard", 3000, 0.0, seed=3)
    cells = np.floor((X + 6) / 3).astype(int)
    np.testing.assert_array_equal(y, ((cells.sum(axis=1) % 2) == 0).astype(float))


def test_blobs3_and_spiral3_have_three_separate_groups():
    X, y = generate("blobs3", 3000, 0.0, seed=3)
    centres = np.array([X[y == k].mean(axis=0) for k in range(3)])
    np.testing.assert_allclose(np.hypot(centres[:, 0], centres[:, 1]), 3.5, atol=0.15)
    X3, y3 = generate("spiral3", 300, 0.0, seed=3)
    assert set(np.unique(y3)) == {0.0, 1.0, 2.0}


def test_moons_fill_the_plane():
    X, y = generate("moons", 2000, 0.0, seed=3)
    assert X[:, 0].min() < -4 and X[:, 0].max() > 4
    assert X[y == 1, 1].mean() > X[y == 0, 1].mean()


def test_plane_label_is_sum_over_ten_at_zero_noise():
    X, y = generate("plane", 1000, 0.0, seed=3)
    np.testing.assert_allclose(y, (X[:, 0] + X[:, 1]) / 10, rtol=0, atol=1e-12)
    Xn, yn = generate("plane", 1000, 0.5, seed=3)
    assert np.abs(yn - (Xn[:, 0] + Xn[:, 1]) / 10).max() > 0.1


def test_gaussian_mix_at_zero_noise():
    X, y = generate("gaussian_mix", 2000, 0.0, seed=3)
    bumps = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
    for (x1, x2), label in zip(X[:200], y[:200]):
        best = 0.0
        for cx, cy, sign in bumps:
            v = sign * min(max(1 - math.dist((x1, x2), (cx, cy)) / 2, 0.0), 1.0)
            if abs(v) > abs(best):
                best = v
        assert label == pytest.approx(best, abs=1e-12)
    assert y.min() < -0.5 and y.max() > 0.5 and np.any(y == 0)


@pytest.mark.parametrize("kwargs, words", [
    (dict(name="nope"), "Unknown data set"),
    (dict(n_points=1), "between 2 and 100000"),
    (dict(n_points=100_001), "between 2 and 100000"),
    (dict(n_points=2.5), "whole number"),
    (dict(noise=-0.1), "Noise must be between"),
    (dict(noise=0.6), "Noise must be between"),
    (dict(noise=float("nan")), "Noise must be between"),
    (dict(seed=-1), "seed"),
])
def test_bad_arguments_raise_value_error(kwargs, words):
    args = dict(name="circle", n_points=10, noise=0.0, seed=1) | kwargs
    with pytest.raises(ValueError, match=words):
        generate(**args)


# ---------------------------------------------------------------------------- split

@pytest.mark.parametrize("n, fraction, n_train", [
    (500, 0.5, 250), (10, 0.7, 7), (2, 0.5, 1), (2, 0.9, 1), (2, 0.1, 1), (3, 0.01, 1),
    (3, 0.99, 2), (10, 1.0, 10), (1, 0.5, 1),
])
def test_split_sizes(n, fraction, n_train):
    X = np.arange(2 * n, dtype=float).reshape(n, 2)
    y = np.arange(n, dtype=float)
    Xtr, ytr, Xte, yte = split(X, y, fraction, seed=3)
    assert Xtr.shape == (n_train, 2) and ytr.shape == (n_train,)
    assert Xte.shape == (n - n_train, 2) and yte.shape == (n - n_train,)
    # a permutation: every point lands in exactly one part, still paired with its label
    assert sorted(np.concatenate((ytr, yte)).tolist()) == y.tolist()
    np.testing.assert_array_equal(Xtr[:, 0], 2 * ytr)


def test_split_is_seeded():
    X, y = generate("xor", 100, 0.0, seed=1)
    a = split(X, y, 0.5, seed=7)
    b = split(X, y, 0.5, seed=7)
    c = split(X, y, 0.5, seed=8)
    assert all(p.tobytes() == q.tobytes() for p, q in zip(a, b))
    assert not np.array_equal(a[0], c[0])


def test_split_rejects_bad_fraction():
    X, y = generate("xor", 10, 0.0, seed=1)
    for bad in (0.0, -0.5, 1.5):
        with pytest.raises(ValueError, match="training fraction"):
            split(X, y, bad, seed=1)


# -------------------------------------------------------------------------- dataset

def test_build_dataset_from_generator():
    spec = DataSpec(generator="spiral3", n_points=301, noise=0.1, train_fraction=0.6, seed=9)
    ds = build_dataset(spec)
    assert ds.problem == "classification" and ds.n_classes == 3 and ds.class_names is None
    assert ds.n_train == round(301 * 0.6) and ds.n_train + ds.n_test == 301
    X, y = generate("spiral3", 301, 0.1, 9)
    Xtr, ytr, Xte, yte = split(X, y, 0.6, 10)
    assert ds.X_train.tobytes() == Xtr.tobytes() and ds.y_test.tobytes() == yte.tobytes()
    for a in (ds.X_train, ds.y_train, ds.X_test, ds.y_test):
        assert a.dtype == np.float64 and not a.flags.writeable
    assert build_dataset(replace(spec, generator="plane")).n_classes == 0


def test_build_custom_dataset_and_round_trip():
    ds = build_dataset(DataSpec(generator="gaussian", n_points=40, seed=2))
    train, test = dataset_to_points(ds)
    assert len(train) == ds.n_train and all(type(v) is float for p in train for v in p)
    custom = DataSpec(generator="custom", train_points=train, test_points=test)
    ds2 = build_dataset(custom)
    assert ds2.n_classes == 2 and ds2.problem == "classification"
    assert ds2.X_train.tobytes() == ds.X_train.tobytes()
    assert ds2.y_test.tobytes() == ds.y_test.tobytes()


def test_custom_dataset_classes_and_errors():
    pts = ((0.0, 0.0, 0.0), (1.0, 1.0, 4.0))
    ds = build_dataset(DataSpec(generator="custom", train_points=pts, test_points=None,
                                class_names=("a", "b", "c", "d", "e")))
    assert ds.n_classes == 5 and ds.X_test.shape == (0, 2) and ds.class_names[-1] == "e"
    single = build_dataset(DataSpec(generator="custom", train_points=((0.0, 0.0, 0.0),)))
    assert single.n_classes == 2
    reg = build_dataset(DataSpec(generator="custom", problem="regression",
                                 train_points=((0.0, 0.0, 0.25),)))
    assert reg.n_classes == 0
    with pytest.raises(ValueError, match="training point"):
        build_dataset(DataSpec(generator="custom", train_points=()))
    with pytest.raises(ValueError, match="whole numbers"):
        build_dataset(DataSpec(generator="custom", train_points=((0.0, 0.0, 0.5),)))
    with pytest.raises(ValueError, match="Unknown data set"):
        build_dataset(DataSpec(generator="nope"))
    assert isinstance(ds, Dataset)

