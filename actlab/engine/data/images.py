"""Image data for the image labs: seeded data sets drawn in code, and the one place that
turns any images (generated, from an ``.npz``, from a folder) into an :class:`ImageData`.

Conventions every image lab relies on: greyscale, square, ``size`` 8 to 32 pixels, float64
in [0, 1] with **ink = 1 on background 0**, shaped ``(n, 1, size, size)`` like PyTorch's
``conv2d`` input; labels are int64 class indices 0..k-1 with 2 to 10 classes.  The split
into training and test images is stratified (each class split on its own) and seeded; its
``train_fraction`` means what it means for point labs (:class:`actlab.lab.DataSpec`).

NumPy only: the folder reader that decodes PNG/JPEG lives outside the engine
(:mod:`actlab.kinds.image_folder`).
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Callable

import numpy as np

from actlab.engine.data import image_generators as gen
from actlab.engine.data import uci_digits as uci
from actlab.engine.data.resize import square_and_resize
from actlab.safe_text import printable

MIN_SIZE, MAX_SIZE, DEFAULT_SIZE = 8, 32, 16
MIN_CLASSES, MAX_CLASSES = 2, 10
MAX_NOISE = 1.0
MIN_PER_CLASS, MAX_PER_CLASS = 2, 5000
#: The most images an ImageData holds, generated or imported (20,000 x 32 x 32 float64 is
#: 160 MB; more would not fit the window's memory or a student's patience).
MAX_IMAGES = 20_000


class ImageFileError(ValueError):
    """An image file or folder ActLab cannot use.  ``str(error)`` is one printable line,
    ``"<file name>: <reason>"``; ``filename`` is the path and ``reason`` the problem."""

    def __init__(self, filename: str | os.PathLike, reason: str, shown: str | None = None
                 ) -> None:
        self.filename = os.fspath(filename)
        self.reason = printable(reason, 400)
        # ``shown`` replaces the base name, e.g. "circle/a.png" for a picture in a folder.
        name = shown or os.path.basename(os.path.normpath(self.filename)) or self.filename
        super().__init__(f"{printable(name, 80)}: {self.reason}")


@dataclass(frozen=True, eq=False)
class ImageData:
    """Training and test images, ready for a convolutional network.

    ``x_train``/``x_test`` are float64 ``(n, 1, size, size)`` in [0, 1] (ink 1 on
    background 0), ``y_train``/``y_test`` int64 ``(n,)`` in 0..n_classes-1; all four are
    read-only copies.  ``summary`` is one line saying what the data is, for a status bar.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    size: int
    summary: str = ""

    def __post_init__(self) -> None:
        k, s = len(self.class_names), int(self.size)
        if not MIN_SIZE <= s <= MAX_SIZE:
            raise ValueError(f"The image size must be {MIN_SIZE} to {MAX_SIZE} pixels, got {s}.")
        if not MIN_CLASSES <= k <= MAX_CLASSES:
            raise ValueError(f"Image data needs {MIN_CLASSES} to {MAX_CLASSES} classes, got {k}.")
        object.__setattr__(self, "class_names", tuple(str(c) for c in self.class_names))
        object.__setattr__(self, "size", s)
        for xn, yn in (("x_train", "y_train"), ("x_test", "y_test")):
            x = np.array(getattr(self, xn), dtype=np.float64, copy=True).reshape(-1, 1, s, s)
            y = np.array(getattr(self, yn), dtype=np.int64, copy=True).reshape(-1)
            if len(x) != len(y):
                raise ValueError(f"{xn} holds {len(x)} images but {yn} {len(y)} labels.")
            if len(y) and (y.min() < 0 or y.max() >= k):
                raise ValueError(f"{yn} must hold class indices 0 to {k - 1}.")
            x.flags.writeable = False
            y.flags.writeable = False
            object.__setattr__(self, xn, x)
            object.__setattr__(self, yn, y)

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def n_train(self) -> int:
        return len(self.y_train)

    @property
    def n_test(self) -> int:
        return len(self.y_test)


@dataclass(frozen=True)
class ImageGeneratorInfo:
    """One entry of :data:`IMAGE_GENERATORS`: what an image data set is and how to draw it."""

    name: str
    title: str
    description: str
    class_names: tuple[str, ...]
    function: Callable[[np.random.Generator, int, int], tuple[np.ndarray, np.ndarray]]
    #: the most images of a class it can give (a real data set has only so many); None:
    #: as many as asked, up to :data:`MAX_PER_CLASS` and :data:`MAX_IMAGES` in all
    max_per_class: int | None = None
    #: the side its images have before any resizing (a real data set), else None
    native_size: int | None = None


IMAGE_GENERATORS: dict[str, ImageGeneratorInfo] = {info.name: info for info in (
    ImageGeneratorInfo(
        "bars", "Bars: horizontal or vertical",
        "One bar per image; each vertical image is a horizontal one turned on its side, so "
        "both classes have the same ink. A linear CNN that averages over the image can "
        "only count ink and stays near chance; with ReLU it sees the direction.",
        ("horizontal", "vertical"), gen.bars),
    ImageGeneratorInfo(
        "stripes", "Stripes and checks",
        "Horizontal stripes, vertical stripes or a checkerboard with random period and "
        "phase; all cover half the image, so only the texture tells them apart.",
        ("horizontal", "vertical", "checkerboard"), gen.stripes),
    ImageGeneratorInfo(
        "shapes", "Shapes",
        "A filled circle, square, triangle or cross at a random place and size.",
        gen.SHAPE_NAMES, gen.shapes),
    ImageGeneratorInfo(
        "digits", "Digits 0-9",
        "Digits drawn from pen-stroke templates with random jitter, slant, size, place and "
        "pen thickness: a small MNIST made in code.",
        tuple(str(d) for d in range(10)), gen.digits),
    ImageGeneratorInfo(
        "same_different", "Same or different (XOR)",
        "A ring or a dot in each half: same kind or different kinds. XOR in pictures: no "
        "linear network can solve it, whatever its kernels and pooling; one hidden "
        "non-linearity can.",
        ("same", "different"), gen.same_different),
    ImageGeneratorInfo(
        "uci_digits", "Handwritten digits (UCI, 8x8)",
        "1,797 real handwritten digits, 8x8 px, from the UCI Optical Recognition of "
        "Handwritten Digits data (Alpaydin and Kaynak, CC BY 4.0). A linear network "
        "already reads most of them: it learns one blurry template per digit.",
        tuple(str(d) for d in range(10)), uci.uci_digits, uci.MAX_PER_CLASS,
        uci.NATIVE_SIZE),
    ImageGeneratorInfo(
        "uci_digits_inverted", "Handwritten digits, half inverted (UCI)",
        "The UCI handwritten digits with half of each class contrast-inverted (a light "
        "digit on a dark square). One template per digit cannot match both, so a linear "
        "network fails where a ReLU network still reads them.",
        tuple(str(d) for d in range(10)), uci.uci_digits_inverted, uci.MAX_PER_CLASS,
        uci.NATIVE_SIZE),
)}


def per_class_limit(name: str) -> int:
    """The most images of each class image data set ``name`` gives."""
    info = IMAGE_GENERATORS[name]
    limit = min(MAX_PER_CLASS, MAX_IMAGES // len(info.class_names))
    return limit if info.max_per_class is None else min(limit, info.max_per_class)


# ----------------------------------------------------------------------- validation

def _whole(value, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
            or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}, got {value!r}.")
    return int(value)


def _real(value, name: str, low: float, high: float, low_open: bool = False) -> float:
    ok = not isinstance(value, bool) and isinstance(value, (int, float, np.integer, np.floating))
    v = float(value) if ok else math.nan
    if not (math.isfinite(v) and (low < v if low_open else low <= v) and v <= high):
        where = f"above {low} and at most {high}" if low_open else f"from {low} to {high}"
        raise ValueError(f"{name} must be a number {where}, got {value!r}.")
    return v


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number of 0 or more, got {seed!r}.")
    return int(seed)


def check_train_fraction(value) -> float:
    return _real(value, "train_fraction", 0.0, 1.0, low_open=True)


# ------------------------------------------------------------------------- building

def split_stratified(labels: np.ndarray, train_fraction: float, seed: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test) that split every class on its own, each part shuffled.

    A class of m images gives ``round(m * train_fraction)`` to training, but at least one
    image to each part when m >= 2 and train_fraction < 1 (as the point split does).
    """
    fraction = check_train_fraction(train_fraction)
    rng = np.random.default_rng(_check_seed(seed))
    labels = np.asarray(labels)
    train, test = [], []
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        m = len(idx)
        n_train = int(round(m * fraction))
        n_train = min(max(n_train, 1), m - 1) if fraction < 1.0 and m >= 2 else max(n_train, 1)
        train.append(idx[:n_train])
        test.append(idx[n_train:])
    # Shuffle across classes too, so a minibatch taken in order is not one class.
    train_idx = rng.permutation(np.concatenate(train)).astype(np.intp)
    test_idx = rng.permutation(np.concatenate(test)).astype(np.intp)
    return train_idx, test_idx


def from_arrays(images: np.ndarray, labels: np.ndarray, class_names: tuple[str, ...],
                size: int, train_fraction: float, seed: int, what: str) -> ImageData:
    """ImageData from checked (n, size, size) images in [0, 1] and labels 0..k-1, split
    with ``seed``.  ``what`` starts the summary ("bars", "digits.npz", ...)."""
    train, test = split_stratified(labels, train_fraction, seed)
    x = images[:, None, :, :]
    k = len(class_names)
    counts = np.bincount(labels, minlength=k)
    per = f"{counts[0]} each" if (counts == counts[0]).all() else f"{counts.min()}-{counts.max()} per class"
    names = ", ".join(class_names) if k <= 4 else f"{class_names[0]} ... {class_names[-1]}"
    summary = (f"{what}: {len(labels)} images of {size}x{size} px, {k} classes ({names}), "
               f"{per}; {len(train)} training / {len(test)} test")
    return ImageData(x[train], labels[train], x[test], labels[test], tuple(class_names),
                     size, summary)


#: The most drawn images one lab holds (``ImageDataSpec.added``): a class of students
#: drawing, not a data set (1,000 drawings of 32x32 are about 3.5 MB of lab file).
MAX_ADDED = 1000


def added_image(pixels, what: str = "a drawn image") -> np.ndarray:
    """The ``(side, side)`` float64 array of one drawn image's ``pixels`` (side*side values
    in [0, 1], row by row, side 8..32); ValueError naming ``what`` otherwise."""
    p = np.asarray(pixels, dtype=np.float64).reshape(-1)
    side = math.isqrt(p.size)
    if side * side != p.size or not MIN_SIZE <= side <= MAX_SIZE:
        raise ValueError(f"{what} has {p.size} pixels; a drawing is a square of "
                         f"{MIN_SIZE}..{MAX_SIZE} pixels a side")
    if not (np.isfinite(p).all() and p.min() >= 0.0 and p.max() <= 1.0):
        raise ValueError(f"{what} has pixels outside 0..1")
    return p.reshape(side, side)


def with_added(data: ImageData, added) -> ImageData:
    """``data`` with the drawn images ``added`` (``(label, pixels)`` pairs, see
    :class:`actlab.lab.ImageDataSpec`) appended to its training images, each resampled to
    ``data.size`` (:func:`square_and_resize`, area averaging) when drawn at another size.
    The test images are never touched: a drawing is the student's own example to learn
    from, not a measure of the network.  ValueError for a label that is not a class of
    ``data`` or bad pixels, naming the drawing."""
    if not added:
        return data
    if len(added) > MAX_ADDED:
        raise ValueError(f"{len(added)} drawn images, at most {MAX_ADDED}")
    k = data.n_classes
    images, labels = [], []
    for i, (label, pixels) in enumerate(added):
        what = f"drawn image {i + 1}"
        if isinstance(label, bool) or not isinstance(label, (int, np.integer)) \
                or not 0 <= label < k:
            raise ValueError(f"{what} is of class {label!r}, but the data set has {k} "
                             f"classes (0-{k - 1})")
        images.append(square_and_resize(added_image(pixels, what)[None], data.size)[0])
        labels.append(int(label))
    x = np.concatenate([data.x_train, np.stack(images)[:, None]])
    y = np.concatenate([data.y_train, np.asarray(labels, dtype=np.int64)])
    n = len(labels)
    summary = data.summary + f" (+{n} drawn image{'' if n == 1 else 's'} in training)"
    return ImageData(x, y, data.x_test, data.y_test, data.class_names, data.size, summary)


def make_images(name: str, size: int = DEFAULT_SIZE, noise: float = 0.0, per_class: int = 100,
                train_fraction: float = 0.5, seed: int = 1) -> ImageData:
    """Draw the data set ``name`` (a key of :data:`IMAGE_GENERATORS`).

    ``noise`` is the standard deviation of Gaussian noise added to every pixel (then
    clipped to [0, 1]); ``per_class`` images of each class are drawn, and each class is
    split into training and test with ``train_fraction``.  The same arguments give the
    same bits.  Bad arguments raise one ValueError naming the argument and its range.
    """
    info = IMAGE_GENERATORS.get(name) if isinstance(name, str) else None
    if info is None:
        raise ValueError(f"Unknown image data set {name!r}; use one of {', '.join(IMAGE_GENERATORS)}.")
    size = _whole(size, "size", MIN_SIZE, MAX_SIZE)
    noise = _real(noise, "noise", 0.0, MAX_NOISE)
    per_class = _whole(per_class, "per_class", MIN_PER_CLASS, per_class_limit(name))
    train_fraction = check_train_fraction(train_fraction)
    seed = _check_seed(seed)
    # Independent streams for drawing, noise and the split: changing the noise keeps the
    # same pictures, and changing the split keeps the same noise.
    draw, jitter, split = np.random.SeedSequence(seed).spawn(3)
    images, labels = info.function(np.random.default_rng(draw), size, per_class)
    if noise > 0.0:
        images = np.clip(images + np.random.default_rng(jitter).normal(0.0, noise, images.shape),
                         0.0, 1.0)
    split_seed = int(split.generate_state(1)[0])
    what = info.name + (f", noise {noise:g}" if noise else "")
    return from_arrays(images, labels, info.class_names, size, train_fraction, split_seed, what)
