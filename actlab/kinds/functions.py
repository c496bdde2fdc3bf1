"""The function labs (y = f(x)) the window switches to when the student picks a curve from
a point or image lab (:func:`function_lab_for`), and a lab's curve points made ready for
training (:func:`lab_data`).  The way back to point data is
:func:`.points.point_lab_for`, which keeps a function lab's dense network.

Pure Python (no Qt), so the CLI and tests can use the same defaults as the Data panels.
"""
from __future__ import annotations

from actlab.engine.data.build import build_dataset
from actlab.engine.data.points import MAX_POINTS, MIN_POINTS
from actlab.engine.data.functions import FUNCTION_GENERATORS, MAX_FUNCTION_NOISE
from actlab.lab import (FUNCTION_FEATURES, FunctionDataSpec, Lab, NetworkSpec, TrainingSpec,
                        default_function_lab)

#: What the function presets (resources/labs/functions-*.actlab) train with; used when
#: the lab switched from has no dense network whose training would make sense (an image lab).
FUNCTION_TRAINING = TrainingSpec(optimizer="adam", learning_rate=0.01, batch_size=10)


def function_title(generator: str) -> str:
    """The curve's short title ("Sine", "|x|", ...), or "Your own curve" for "custom"."""
    if generator == "custom":
        return "Your own curve"
    return FUNCTION_GENERATORS[generator].title


def function_lab_for(old_lab: Lab, generator: str) -> Lab:
    """A new function lab on curve ``generator`` (a key of ``FUNCTION_GENERATORS``).

    From a point or function lab it keeps the dense network (hidden sizes, activations,
    custom activations: the network is the student's experiment) and the training
    settings; from an image lab it takes the default function network (8 tanh units) and
    :data:`FUNCTION_TRAINING`.  The data keeps the old split and data seed; from a
    function lab with generated data also its number of points and noise (noise is a
    standard deviation here, so a point lab's noise fraction is not carried over).  The
    features are always x alone, the lab seed is ``old_lab.seed``, and results and guide
    are dropped (they belong to the old data)."""
    info = FUNCTION_GENERATORS[generator]  # KeyError for an unknown curve, like images
    old = old_lab.data
    data = FunctionDataSpec(generator=generator, train_fraction=old.train_fraction,
                            seed=old.seed)
    if old_lab.kind == "functions" and not old.is_custom:
        data = FunctionDataSpec(generator=generator, n_points=old.n_points,
                                noise=min(old.noise, MAX_FUNCTION_NOISE),
                                train_fraction=old.train_fraction, seed=old.seed)
    elif old_lab.kind == "functions" and MIN_POINTS <= old.n_points <= MAX_POINTS:
        data = FunctionDataSpec(generator=generator, n_points=old.n_points,
                                train_fraction=old.train_fraction, seed=old.seed)
    if isinstance(old_lab.network, NetworkSpec):
        network, training = old_lab.network, old_lab.training
    else:
        network, training = default_function_lab().network, FUNCTION_TRAINING
    return Lab(name=f"{info.title} (function)", description=info.description, data=data,
               features=FUNCTION_FEATURES, network=network, training=training,
               seed=old_lab.seed)


def as_function_lab(lab: Lab) -> Lab:
    """``lab`` itself when it is a function lab, else the sine function lab made from it
    (:func:`function_lab_for`): the base a drawn or imported curve replaces the data of."""
    return lab if lab.kind == "functions" else function_lab_for(lab, "sine")


def lab_data(lab: Lab, path: str | None = None):
    """``(lab, dataset)``: the curve's points of ``lab`` (drawn or imported curves always
    carry training points).  Raises ValueError with a message for the user."""
    return lab, build_dataset(lab.data)
