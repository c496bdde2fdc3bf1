"""The point labs (2-D data): the lab the window switches to from another kind
(:func:`point_lab_for`) and a lab's points made ready for training (:func:`lab_data`).
Pure Python (no Qt)."""
from __future__ import annotations

from dataclasses import replace

from actlab.engine.data.build import build_dataset
from actlab.engine.data.point_edits import empty_dataset
from actlab.lab import Lab, default_lab
from actlab.labfile.names import n_classes


def point_lab_for(old_lab: Lab) -> Lab:
    """The default point lab (circle data, two tanh layers) with ``old_lab``'s seed.  From
    a function lab, whose network is dense too, it keeps that network and training (the
    way back from :func:`.functions.function_lab_for`, which keeps them)."""
    lab = replace(default_lab(), seed=old_lab.seed)
    if old_lab.kind == "functions":
        lab = replace(lab, name="Circle (points)", network=old_lab.network,
                      training=old_lab.training)
    return lab


def lab_data(lab: Lab, path: str | None = None):
    """``(lab, dataset)``: the points of ``lab`` (custom data without training points gives
    an empty training set, which the surface still shows).  Raises ValueError with a
    message for the user."""
    d = lab.data
    if d.is_custom and not d.train_points:
        return lab, empty_dataset(d, n_classes(d))
    return lab, build_dataset(d)
