"""Turn a :class:`actlab.lab.DataSpec` into the arrays the trainer and views use.

A :class:`Dataset` is frozen and its arrays are read-only, so it can be handed to the
training thread and to every view without copying or locking.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actlab.engine.data.points import GENERATORS, generate, split
from actlab.lab import MAX_CLASSES, PROBLEMS, DataSpec, Point


@dataclass(frozen=True, eq=False)
class Dataset:
    """Training and test points, ready to use.

    ``X_*`` have shape (n, 2) and ``y_*`` shape (n,), all float64 and read-only; for a
    function lab ``X_*`` have shape (n, 1) (x alone).
    ``y`` holds class indices 0..n_classes-1 for classification and real targets for
    regression (``n_classes`` is 0 then).  ``class_names`` is set only for data imported
    with named classes.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    problem: str
    n_classes: int
    class_names: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for name in ("X_train", "y_train", "X_test", "y_test"):
            object.__setattr__(self, name, _frozen(getattr(self, name), name[0] == "X"))
        if self.problem not in PROBLEMS:
            raise ValueError(f"Unknown problem {self.problem!r}; use one of {PROBLEMS}.")
        if self.X_train.shape[1] != self.X_test.shape[1]:
            raise ValueError(f"training points have {self.X_train.shape[1]} coordinates, "
                             f"test points {self.X_test.shape[1]}.")
        for X, y in ((self.X_train, self.y_train), (self.X_test, self.y_test)):
            if len(X) != len(y):
                raise ValueError(f"{len(X)} points but {len(y)} labels.")

    @property
    def n_train(self) -> int:
        return len(self.y_train)

    @property
    def n_test(self) -> int:
        return len(self.y_test)


def _frozen(a, is_x: bool) -> np.ndarray:
    """A read-only float64 copy, (n, 2) for points ((n, 1) when given so: a function
    lab's x) and (n,) for labels."""
    out = np.array(a, dtype=np.float64, copy=True)
    if is_x:
        out = out if out.ndim == 2 and out.shape[1] == 1 else out.reshape(-1, 2)
    else:
        out = out.reshape(-1)
    out.flags.writeable = False
    return out


def build_point_dataset(spec) -> Dataset:
    """The points described by a point lab's ``spec``: generated and split, or the custom
    points.

    A generator's data is ``generate(generator, n_points, noise, seed)`` split with seed
    ``seed + 1``; the generator decides the problem type.  For ``"custom"`` the problem
    comes from the spec and, for classification, ``n_classes`` is the largest label + 1
    (at least 2, and at least the number of class names).  Raises ValueError for a spec
    that cannot be built.
    """
    if not spec.is_custom:
        info = GENERATORS.get(spec.generator)
        if info is None:
            raise ValueError(f"Unknown data set {spec.generator!r}; choose one of: "
                             f"{', '.join(GENERATORS)} or 'custom'.")
        X, y = generate(spec.generator, spec.n_points, spec.noise, spec.seed)
        X_train, y_train, X_test, y_test = split(X, y, spec.train_fraction, spec.seed + 1)
        return Dataset(X_train, y_train, X_test, y_test, info.problem, info.n_classes)

    if spec.problem not in PROBLEMS:
        raise ValueError(f"Unknown problem {spec.problem!r}; use one of {PROBLEMS}.")
    X_train, y_train = _points_to_arrays(spec.train_points, "training")
    X_test, y_test = _points_to_arrays(spec.test_points, "test")
    if len(y_train) == 0:
        raise ValueError("A custom data set needs at least one training point.")
    n_classes = 0
    if spec.problem == "classification":
        labels = np.concatenate((y_train, y_test))
        if np.any(labels < 0) or np.any(labels != np.round(labels)):
            raise ValueError("Class labels must be whole numbers 0, 1, 2, ...")
        n_classes = max(int(labels.max()) + 1, len(spec.class_names or ()), 2)
        if n_classes > MAX_CLASSES:
            raise ValueError(f"Too many classes ({n_classes}); at most {MAX_CLASSES}.")
    names = tuple(spec.class_names) if spec.class_names else None
    return Dataset(X_train, y_train, X_test, y_test, spec.problem, n_classes, names)


def _points_to_arrays(points, part: str) -> tuple[np.ndarray, np.ndarray]:
    if not points:
        return np.zeros((0, 2)), np.zeros(0)
    arr = np.asarray(points, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise ValueError(f"Each {part} point must be (x1, x2, label).")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"The {part} points contain a value that is not a finite number.")
    return arr[:, :2], arr[:, 2]


def dataset_to_points(ds: Dataset) -> tuple[tuple[Point, ...], tuple[Point, ...]]:
    """(train_points, test_points) as tuples of (x1, x2, label) Python floats.

    Use this to turn a generated data set into a ``"custom"`` DataSpec, e.g. when a
    student adds a point by clicking.
    """
    def pts(X: np.ndarray, y: np.ndarray) -> tuple[Point, ...]:
        return tuple((float(a), float(b), float(c)) for (a, b), c in zip(X.tolist(), y.tolist()))

    return pts(ds.X_train, ds.y_train), pts(ds.X_test, ds.y_test)
