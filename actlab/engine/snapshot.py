"""The frozen picture of one moment of training that the views draw (see the one-way flow in
DESIGN.md): made by a trainer's ``snapshot()``, handed to the GUI thread without copying."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Snapshot:
    """What a view needs to draw one moment of training.  Arrays are read-only copies
    (history columns are read-only views of append-only storage)."""

    epoch: int
    train_loss: float
    test_loss: float
    train_accuracy: float
    test_accuracy: float
    history: dict
    params: tuple
    surface: np.ndarray | None
    neurons: tuple
    extent: float
    diverged: str | None
    epochs_per_second: float
    stopped: bool = False
    # the lab kind's own pictures, added by whoever shows them (the window's worker): an
    # image lab's pictures.images.ImagePictures (probed image, feature maps, gallery,
    # confusion), a function lab's pictures.curve.CurvePicture (the curve, its units,
    # kinks and pieces); None for a point lab (its pictures are the surface) or when none
    # were made
    pictures: object = None
    # how far the epoch under way is (0 <= progress < 1; 0: none, the numbers and
    # parameters are those the history ends with) — see Trainer.train_steps
    progress: float = 0.0
    # while an epoch is under way (and before an image lab's first epoch) the four numbers
    # are measured on a fixed subsample: (training images, test images) it holds; None: on
    # every image (the history's values)
    sample: tuple | None = None
