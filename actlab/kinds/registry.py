"""The kinds of lab, by ``Lab.kind``: ``KINDS[lab.kind]`` (or :func:`kind_of`) answers what
a caller would otherwise branch on.  Qt-free; the window's per-kind parts are its
workspaces (:mod:`actlab.gui.workspaces`), the CLI's its outputs (:mod:`actlab.outputs`)."""
from __future__ import annotations

from actlab.kinds import functions, images, points
from actlab.kinds.base import LabKind
from actlab.lab import Lab

KINDS: dict[str, LabKind] = {
    "points": LabKind("points", "Point lab", "points", points.lab_data),
    "functions": LabKind(
        "functions", "Function lab", "points", functions.lab_data,
        fixed_problem="Function labs fit a curve y = f(x) (regression): choose a point "
                      "data set in the Data panel to classify points."),
    "images": LabKind(
        "images", "Image lab", "images", images.lab_data,
        fixed_problem="Image labs classify images: choose a point data set in the Data "
                      "panel to fit or classify points."),
}


def kind_of(lab: Lab) -> LabKind:
    """The :class:`~.base.LabKind` of ``lab``."""
    return KINDS[lab.kind]


def lab_data(lab: Lab, path: str | None = None):
    """``(lab, dataset)`` of ``lab`` ready to train (see :class:`~.base.LabKind`)."""
    return KINDS[lab.kind].lab_data(lab, path)


def trainable_lab_data(lab: Lab, path: str | None = None):
    """:func:`lab_data` with every check the engine makes (a Trainer is built and thrown
    away), so nothing fails once the window commits to the lab.  The window runs it off
    its GUI thread."""
    lab, dataset = lab_data(lab, path)
    if dataset.n_train:
        from actlab.engine.trainer import Trainer
        Trainer(lab, dataset)
    return lab, dataset
