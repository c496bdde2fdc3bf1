"""The real handwritten digits ActLab ships: UCI *Optical Recognition of Handwritten
Digits* (E. Alpaydin, C. Kaynak, 1998; CC BY 4.0), the 1,797 images of 8x8 px that
scikit-learn bundles, stored in ``resources/data/digits-8x8.npz`` (written once by
``resources/data/make_digits.py``; scikit-learn is not needed to run ActLab).

They are image data sets like the drawn ones (``IMAGE_GENERATORS`` "uci_digits" and
"uci_digits_inverted"), so a lab names them by ``data.generator`` and finds them wherever
ActLab runs from (checkout, wheel, PyInstaller build) without a path.  A generator picks
``per_class`` of the 174-183 images of each class with its random stream and resizes
them to ``size`` (area averaging; 16 px repeats each pixel 2x2).
"""
from __future__ import annotations

import functools

import numpy as np

from actlab.engine.data.resize import square_and_resize
from actlab.resources_path import resource_file

#: Images of the smallest class (8): the most ``per_class`` can be.
MAX_PER_CLASS = 174
NATIVE_SIZE = 8
FILE_PARTS = ("data", "digits-8x8.npz")


@functools.lru_cache(maxsize=1)
def uci_arrays() -> tuple[np.ndarray, np.ndarray]:
    """(images (1797, 8, 8) float64 ink in [0, 1], labels (1797,) int64 0..9), read-only,
    read once.  Our own file, so ``numpy.load`` without pickles is enough."""
    with np.load(resource_file(*FILE_PARTS), allow_pickle=False) as z:
        images = z["images"].astype(np.float64)
        labels = z["labels"].astype(np.int64)
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def _pick(rng: np.random.Generator, size: int, per_class: int):
    images, labels = uci_arrays()
    if per_class > MAX_PER_CLASS:
        raise ValueError(f"per_class must be at most {MAX_PER_CLASS} for the UCI digits "
                         f"(the smallest class has {MAX_PER_CLASS} images), got {per_class}")
    chosen = [rng.choice(np.flatnonzero(labels == c), per_class, replace=False)
              for c in range(10)]
    picked = images[np.concatenate(chosen)]
    return square_and_resize(picked, size), np.repeat(np.arange(10, dtype=np.int64),
                                                       per_class)


def uci_digits(rng: np.random.Generator, size: int, per_class: int):
    """``per_class`` real handwritten digits of each class, classes in order."""
    return _pick(rng, size, per_class)


def uci_digits_inverted(rng: np.random.Generator, size: int, per_class: int):
    """The same digits with exactly half of each class contrast-inverted (ink 1 - x: a
    light digit on a dark square), which half chosen at random.  A linear network scores
    an inverted image by a constant minus the score of the original, so one template per
    class cannot rank the right class first for both; a non-linearity can."""
    images, labels = _pick(rng, size, per_class)
    flip = np.zeros(len(labels), dtype=bool)
    for c in range(10):
        members = np.flatnonzero(labels == c)
        flip[rng.permutation(members)[: per_class // 2]] = True
    images[flip] = 1.0 - images[flip]
    return images, labels
