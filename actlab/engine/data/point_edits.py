"""Adding and removing points by clicking: pure functions from one DataSpec to the next.

A generated data set becomes ``"custom"`` data holding its points
(:func:`~actlab.engine.data.dataset.dataset_to_points`), so the edit can be saved in a lab file.
No Qt here.
"""
from __future__ import annotations

import math

import numpy as np

from actlab.engine.data.dataset import Dataset, dataset_to_points
from actlab.lab import DataSpec

REMOVE_RADIUS = 1.0  # a Ctrl+click farther than this from every point removes nothing


def _custom(base: DataSpec, ds: Dataset, train, test) -> DataSpec:
    return DataSpec(generator="custom", n_points=len(train) + len(test), noise=0.0,
                    train_fraction=base.train_fraction, seed=base.seed, problem=ds.problem,
                    train_points=tuple(train), test_points=tuple(test),
                    class_names=ds.class_names)


def with_point_added(base: DataSpec, ds: Dataset, x1: float, x2: float,
                     label: float) -> DataSpec:
    """``base``'s points (as custom data) plus a training point (x1, x2, label)."""
    train, test = dataset_to_points(ds)
    if ds.problem == "classification":
        label = float(int(round(label)))
    return _custom(base, ds, train + ((float(x1), float(x2), float(label)),), test)


def with_nearest_removed(base: DataSpec, ds: Dataset, x1: float, x2: float,
                         radius: float = REMOVE_RADIUS) -> tuple[DataSpec, tuple] | None:
    """``base``'s points without the one nearest (x1, x2), and that point, or None when
    no point lies within ``radius``.  Training and test points are both candidates."""
    best = None
    for part, X in (("train", ds.X_train), ("test", ds.X_test)):
        if len(X) == 0:
            continue
        d = np.hypot(X[:, 0] - x1, X[:, 1] - x2)
        i = int(np.argmin(d))
        if best is None or d[i] < best[0]:
            best = (float(d[i]), part, i)
    if best is None or not math.isfinite(best[0]) or best[0] > radius:
        return None
    _, part, i = best
    train, test = dataset_to_points(ds)
    if part == "train":
        removed, train = train[i], train[:i] + train[i + 1:]
    else:
        removed, test = test[i], test[:i] + test[i + 1:]
    return _custom(base, ds, train, test), removed


def empty_dataset(data: DataSpec, n_classes: int = 2) -> Dataset:
    """A Dataset for custom data without training points (its test points kept), which
    the engine cannot train on but the surface can still show."""
    test = np.asarray(data.test_points or (), dtype=np.float64).reshape(-1, 3)
    return Dataset(np.zeros((0, 2)), np.zeros(0), test[:, :2], test[:, 2], data.problem,
                   0 if data.problem == "regression" else max(2, n_classes),
                   tuple(data.class_names) if data.class_names else None)
