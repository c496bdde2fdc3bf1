"""The fixed subsample a window measures an image lab's weights on while an epoch is under
way (:meth:`.trainer.Trainer.sample_evaluation`): an epoch of 20,000 images ends with a
whole evaluation costing seconds, which a window cannot wait for five times a second.
"""
from __future__ import annotations

import numpy as np

from actlab.engine.pictures.images import display_sample

#: About this many images of each split (and the gallery's test images) make the subsample:
#: ~35 ms for 28 px Digits on a busy 2-core machine, so the pictures can follow five times
#: a second at a fifth of the training's time.
SAMPLE_IMAGES = 80


class DisplaySample:
    """A model's loss, accuracy and predicted classes on a fixed subsample of its rows
    ``(X_train, y_train, X_test, y_test)``: about :data:`SAMPLE_IMAGES` of each split,
    evenly spaced, plus the gallery's images (:func:`.pictures.images.gallery_indices`: of
    the test split, or of the training split when there are no test images).  The
    subsample is chosen once, when first measured."""

    def __init__(self, network, rows):
        self._network, self._rows = network, rows
        self._evaluation = None
        self._measured = (None, None)  # (version, row)

    def measure(self, version) -> tuple[np.ndarray, tuple, tuple]:
        """``(row, (train_index, train_predicted), (test_index, test_predicted))`` of the
        weights now, ``row`` as ``[train_loss, test_loss, train_accuracy, test_accuracy]``
        (read-only), the indices sorted; measured again only when ``version`` (of the
        weights) changed since the last call."""
        if self._evaluation is None:
            Xtr, ytr, Xte, yte = self._rows
            # the gallery shows test images, or training images when there are none
            self._index = (display_sample(ytr, SAMPLE_IMAGES, gallery=not len(yte)),
                           display_sample(yte, SAMPLE_IMAGES))
            itr, ite = self._index
            self._evaluation = self._network.evaluation(Xtr[itr], ytr[itr], Xte[ite],
                                                        yte[ite])
        ev = self._evaluation
        at, row = self._measured
        if at != version or row is None:
            with np.errstate(all="ignore"):
                row = ev.run().copy()
            row.setflags(write=False)
            self._measured = (version, row)
        tp, vp = ev.predicted if ev.predicted is not None else (None, None)
        (itr, ite) = self._index
        return row, (itr, tp), (ite, vp)
