"""Write ``digits-8x8.npz``, the UCI handwritten digits ActLab ships, from scikit-learn's
copy of them.

    pip install scikit-learn      # the "bench" extra; never needed to run ActLab
    python resources/data/make_digits.py

The data: *Optical Recognition of Handwritten Digits* by E. Alpaydin and C. Kaynak (UCI
Machine Learning Repository, 1998, https://doi.org/10.24432/C50P49), licensed CC BY 4.0.
scikit-learn bundles its test part: 1,797 images of 8x8 px, each pixel the number of ink
pixels (0..16) in a 4x4 block of a 32x32 bitmap.

The archive is in the format of ActLab's ``.npz`` import (docs/image-data.md):
``images`` float32 (1797, 8, 8) = count / 16, so ink lies in [0, 1] exactly (the 17
levels are exact binary fractions); ``labels`` int64 (1797,) in 0..9, in the order
scikit-learn gives them; ``class_names`` "0".."9".  Written with ``numpy.savez_compressed``
(about 30 KB); the same scikit-learn data gives the same arrays.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "digits-8x8.npz"


def main() -> None:
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)
    labels = digits.target.astype(np.int64)
    assert images.shape == (1797, 8, 8) and images.min() == 0.0 and images.max() == 1.0
    names = np.array([str(d) for d in range(10)])
    np.savez_compressed(OUT, images=images, labels=labels, class_names=names)
    print(f"{OUT}: {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
