"""What the Trainer does differently for each kind of lab, in one table keyed by
``Lab.kind``: how a lab is fitted to its data, which model it trains, the rows that model
takes, how a student's raw points or images become such rows, and the grid of the
snapshot's pictures.  Everything else about training is one implementation
(:mod:`.trainer`), and what an epoch does is the model's (:mod:`.model`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

import numpy as np

from actlab.engine.features import transform
from actlab.engine.model import Model
from actlab.engine.models.cnn import ConvNetwork
from actlab.engine.models.mlp import Network, output_kind
from actlab.engine.pictures.curve_grid import CurveGrid
from actlab.engine.pictures.surface import SurfaceGrid
from actlab.lab import Lab


@dataclass(frozen=True)
class TrainingKind:
    """How the Trainer sets up and reads out a run of one kind of lab.

    ``noun`` names the data in messages; ``fit(lab, data)`` is the lab as it trains on
    ``data``; ``model(lab, data)`` the seeded model (weights from ``default_rng([seed,
    0])``); ``rows(lab, data)`` gives ``(X_train, y_train, X_test, y_test)`` in the
    model's input space; ``takes`` is what ``predict_<takes>`` accepts and ``inputs(raw,
    features)`` turns it into model rows; ``grid(features, n)`` makes the snapshot's
    picture grid (None: the kind draws no surface)."""

    noun: str
    fit: Callable[[Lab, Any], Lab]
    model: Callable[[Lab, Any], Model]
    rows: Callable[[Lab, Any], tuple]
    takes: str
    inputs: Callable[[Any, tuple], np.ndarray]
    grid: Callable[[tuple, int], Any] | None


def _as_is(lab: Lab, data) -> Lab:
    return lab


def _dense_network(lab: Lab, data) -> Network:
    output, n_out = output_kind(data.problem, data.n_classes)
    net = lab.network
    return Network(len(lab.features), net.hidden, net.activations, n_out, output, net.init,
                   np.random.default_rng([lab.seed, 0]), net.leaky_slope,
                   getattr(net, "custom", ()))


def _feature_rows(lab: Lab, data) -> tuple:
    features = tuple(lab.features)
    return (transform(data.X_train, features), np.asarray(data.y_train, dtype=float),
            transform(data.X_test, features), np.asarray(data.y_test, dtype=float))


def _point_inputs(points, features) -> np.ndarray:
    P = np.asarray(points, dtype=float)
    if P.ndim == 1:
        P = P.reshape(1, -1)
    if P.ndim != 2 or P.shape[1] != 2:
        raise ValueError(f"points must be rows of (x1, x2), shape (n, 2); got shape "
                         f"{np.shape(points)}")
    return transform(P, features)


def _x_inputs(xs, features) -> np.ndarray:
    """A function lab's x values, any shape."""
    return transform(np.asarray(xs, dtype=float).reshape(-1, 1), features)


def _fit_images(lab: Lab, data) -> Lab:
    """The network's input size and classes follow the images."""
    spec = lab.network
    if spec.input_size != data.size or spec.n_classes != data.n_classes:
        lab = replace(lab, network=replace(spec, input_size=data.size,
                                           n_classes=data.n_classes))
    return lab


def _conv_network(lab: Lab, data) -> ConvNetwork:
    return ConvNetwork(lab.network, np.random.default_rng([lab.seed, 0]))


def _image_rows(lab: Lab, data) -> tuple:
    return data.x_train, data.y_train, data.x_test, data.y_test


def _images(X, features):
    return X  # the network checks the shape (n, 1, H, W) itself


TRAINING_KINDS = {
    "points": TrainingKind("points", _as_is, _dense_network, _feature_rows, "points",
                           _point_inputs, SurfaceGrid),
    # a function lab's "surface" is the area chart of its curve
    "functions": TrainingKind("points", _as_is, _dense_network, _feature_rows, "points",
                              _x_inputs, CurveGrid),
    "images": TrainingKind("images", _fit_images, _conv_network, _image_rows, "images",
                           _images, None),
}
