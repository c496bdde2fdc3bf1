"""Builders of the largest lab of each kind the app can make by its own means (every limit
read from the code), for tests/labfile/test_largest_lab_files.py.

benchmarks/largest_lab_files.py measures these labs' files with them (size, what fills
them, save and load time); its docstring says what each lab holds and why it is the
largest.
"""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from actlab.engine.activations.custom import MAX_CUSTOM, MAX_POINTS as MAX_KNOTS
from actlab.engine.activations.custom import PiecewiseLinear
from actlab.engine.data import images as image_data
from actlab.engine.features import FEATURES, FUNCTION_FEATURES
from actlab.engine.history import MAX_ROWS, History
from actlab.engine.models import cnn_spec
from actlab.lab import (MAX_CLASSES, MAX_HIDDEN_LAYERS, MAX_NEURONS, DataSpec,
                        FunctionDataSpec, ImageDataSpec, Lab, NetworkSpec, TrainingSpec)
from actlab.labfile import functions as functions_format
from actlab.labfile.guide import MAX_EXPECT_EPOCHS, read_guide
from actlab.labfile.images import param_shapes
from actlab.labfile.names import layer_sizes
from actlab.labfile.points import MAX_CUSTOM_POINTS

MB = 2**20
COORD = 6.0  # points lie within ±6, as the generators and the canvas place them


# ------------------------------------------------------------------- the parts

def custom_activations(rng: np.random.Generator) -> tuple:
    """MAX_CUSTOM piecewise-linear activations of MAX_KNOTS points each (x within ±6)."""
    out = []
    for i in range(MAX_CUSTOM):
        x = np.sort(rng.uniform(-COORD, COORD, MAX_KNOTS))
        y = np.tanh(x) + rng.normal(0, 0.3, MAX_KNOTS)
        out.append(PiecewiseLinear(f"bent ramp {i + 1}", tuple(zip(x.tolist(), y.tolist()))))
    return tuple(out)


def dense_network(custom: tuple) -> NetworkSpec:
    """MAX_HIDDEN_LAYERS layers of MAX_NEURONS, built-in and custom activations mixed."""
    names = ("tanh", "relu") + tuple(c.name for c in custom)
    acts = tuple(names[i % len(names)] for i in range(MAX_HIDDEN_LAYERS))
    return NetworkSpec((MAX_NEURONS,) * MAX_HIDDEN_LAYERS, acts, "he", 0.01, custom)


def trained_weights(rng: np.random.Generator, shapes) -> tuple:
    """``(W, b)`` pairs of the given weight and bias shapes: He-sized normal weights and
    small biases, full-precision floats as training leaves them."""
    out = []
    for wshape, bshape in shapes:
        fan_in = int(np.prod(wshape[1:])) if len(wshape) == 4 else wshape[0]
        out.append((rng.normal(0, math.sqrt(2 / fan_in), wshape), rng.normal(0, 0.1, bshape)))
    return tuple(out)


def long_history(rng: np.random.Generator, epochs: int = MAX_EXPECT_EPOCHS,
                 n_test: int | None = None) -> dict:
    """The history of a run of ``epochs`` epochs as the trainer records it, made cheaply:
    epochs 1..MAX_ROWS, then every 1024th epoch (the thinning keeps doubling its stride),
    then the last epochs one by one up to ``epochs``, as many as fill the record to
    exactly MAX_ROWS rows.  Losses are full-precision floats falling with the epoch;
    accuracies are a whole number of test points over ``n_test`` (None: regression,
    whose accuracies are NaN, written as null)."""
    h = History()

    def row(epoch: int) -> list:
        base = 0.02 + 0.7 / (1 + epoch / 500)
        loss = base * (1 + 0.1 * rng.random(2))
        if n_test is None:
            return [loss[0], loss[1], math.nan, math.nan]
        right = rng.integers(int(0.8 * n_test), n_test + 1, 2)
        return [loss[0], loss[1], right[0] / n_test, right[1] / n_test]

    for epoch in range(1, MAX_ROWS + 1):
        h.append_row(row(epoch), epoch)
    last_sparse = (epochs - MAX_ROWS - 1) // 1024 * 1024
    for epoch in range(MAX_ROWS + 1024, last_sparse + 1, 1024):
        h.append_row(row(epoch), epoch)
    fill = MAX_ROWS - len(h)  # rows left: the latest epochs, each kept
    for epoch in range(epochs - fill + 1, epochs + 1):
        h.append_row(row(epoch), epoch)
    assert len(h) == MAX_ROWS and h.epochs_done == epochs
    return h.to_dict()


TEXT = ("Train the network and watch the loss curve. Then set every hidden layer to "
        "linear and train again from the same seed: the curve stops falling early, "
        "because a stack of linear layers is one linear map, whatever its depth. Put "
        "the activations back one layer at a time and note which layer lets the "
        "network bend. ")


def teacher_guide(lab: Lab) -> dict:
    """A guide as a teacher writes one: instructions, a question, notes for the
    teacher, six expected outcomes (some about other networks), locked and hidden
    controls; pinned to the lab's network as the app reads and writes it."""
    kind, problem = lab.kind, lab.problem
    metric = "test_accuracy" if problem == "classification" else "test_loss"
    good, bad = ((">=", 0.9), ("<=", 0.7)) if metric == "test_accuracy" else \
        (("<=", 0.05), (">=", 0.2))
    expect = [
        {"metric": metric, "op": good[0], "value": good[1], "epochs": 5000,
         "text": "With these activations the network fits the data well."},
        {"activation": "linear", "metric": metric, "op": bad[0], "value": bad[1],
         "epochs": 5000, "text": "All-linear layers cannot bend: the fit stays poor."},
        {"activation": "relu", "metric": "train_loss", "op": "<=", "value": 0.1,
         "epochs": 20000, "text": "ReLU everywhere gets there too, given time."},
        {"metric": "train_loss", "op": "<=", "value": 0.03, "epochs": MAX_EXPECT_EPOCHS,
         "text": "A very long run brings the training loss right down."},
        {"activation": "sigmoid", "metric": "test_loss", "op": "<=", "value": 0.3,
         "epochs": 100000, "text": "Sigmoid learns, more slowly than tanh."},
    ]
    if kind == "functions":
        expect.append({"activation": "relu", "features": ["x"], "metric": "pieces",
                       "op": ">=", "value": 6, "epochs": 2000,
                       "text": "ReLU units draw the curve as straight pieces."})
    elif problem == "regression":
        expect.append({"metric": "test_r2", "op": ">=", "value": 0.9, "epochs": 5000,
                       "text": "The fit explains nine tenths of the variance."})
    else:
        expect.append({"activation": "tanh", "metric": "train_accuracy", "op": ">=",
                       "value": 0.95, "epochs": 5000,
                       "text": "tanh separates the training points almost perfectly."})
    guide = {"instructions": TEXT * 3,
             "question": "Why does a deep network with only linear layers do no better "
                         "than a single linear layer?",
             "notes": ("Answer: composing linear maps gives a linear map. " + TEXT) * 4,
             "expect": expect,
             "locked": ["data", "seed", "problem"],
             "hidden": ["regularization", "optimizer"]}
    return read_guide(guide, "guide", lab.network, lab.features, kind, data=lab.data)


# ------------------------------------------------------------------- the labs

def largest_point_lab(problem: str = "regression", seed: int = 0) -> Lab:
    """The largest point lab: MAX_CUSTOM_POINTS custom points within ±6 (regression:
    real-valued targets; classification: MAX_CLASSES classes with names), every
    feature, MAX_HIDDEN_LAYERS x MAX_NEURONS, trained, with a guide and a 10^7-epoch
    history."""
    rng = np.random.default_rng(seed)
    n = MAX_CUSTOM_POINTS
    xy = rng.uniform(-COORD, COORD, (n, 2))
    if problem == "regression":
        label = np.sin(xy[:, 0]) * np.cos(xy[:, 1]) + rng.normal(0, 0.1, n)
        names = None
    else:
        label = rng.integers(0, MAX_CLASSES, n).astype(float)
        names = tuple(f"class {k}" for k in range(MAX_CLASSES))
    pts = tuple(zip(xy[:, 0].tolist(), xy[:, 1].tolist(), label.tolist()))
    cut = n // 2
    data = DataSpec("custom", n, 0.0, 0.5, 1, problem, pts[:cut], pts[cut:], names)
    lab = Lab(name=f"Largest point lab ({problem})", description=TEXT, data=data,
              features=tuple(FEATURES), network=dense_network(custom_activations(rng)),
              training=TrainingSpec("adam", 0.003, 32, "l2", 1e-4, stop_after=None))
    sizes = layer_sizes(lab)
    shapes = [((a, b), (b,)) for a, b in zip(sizes[:-1], sizes[1:])]
    n_test = None if problem == "regression" else n - cut
    lab = replace(lab, params=trained_weights(rng, shapes),
                  history=long_history(rng, n_test=n_test))
    return replace(lab, guide=teacher_guide(lab))


def largest_function_lab(seed: int = 0) -> Lab:
    """The largest function lab: functions.MAX_POINTS custom (x, y) points, x within ±6,
    all three features, MAX_HIDDEN_LAYERS x MAX_NEURONS, trained, guide, long history."""
    rng = np.random.default_rng(seed)
    n = functions_format.MAX_POINTS
    x = rng.uniform(-COORD, COORD, n)
    y = np.sin(x) + 0.3 * np.abs(x) + rng.normal(0, 0.1, n)
    pairs = tuple(zip(x.tolist(), y.tolist()))
    cut = n // 2
    data = FunctionDataSpec("custom", n, 0.0, 0.5, 1, (pairs[:cut], pairs[cut:]))
    lab = Lab(name="Largest function lab", description=TEXT, data=data,
              features=tuple(FUNCTION_FEATURES),
              network=dense_network(custom_activations(rng)),
              training=TrainingSpec("adam", 0.003, 32))
    sizes = layer_sizes(lab)
    shapes = [((a, b), (b,)) for a, b in zip(sizes[:-1], sizes[1:])]
    lab = replace(lab, params=trained_weights(rng, shapes), history=long_history(rng))
    return replace(lab, guide=teacher_guide(lab))


def largest_image_network(custom: tuple = ()) -> cnn_spec.ImageNetSpec:
    """The image network with the most weights: MAX_CONV_LAYERS of MAX_FILTERS 7 x 7
    filters, "same" padding, stride 1, no pooling; the flatten head; MAX_DENSE_LAYERS of
    MAX_UNITS; 10 classes at MAX_SIZE px."""
    names = ("relu", "tanh") + tuple(c.name for c in custom)
    conv = tuple(cnn_spec.ConvSpec(cnn_spec.MAX_FILTERS, max(cnn_spec.KERNELS), "same", 1,
                                   names[i % len(names)], "none", custom=custom)
                 for i in range(cnn_spec.MAX_CONV_LAYERS))
    dense = (cnn_spec.MAX_UNITS,) * cnn_spec.MAX_DENSE_LAYERS
    return cnn_spec.ImageNetSpec(conv, "flatten", dense, ("relu",) * len(dense),
                                 IMAGE_CLASSES, image_data.MAX_SIZE, "auto", 0.01, custom)


#: the generator with the most classes, and its count
IMAGE_GENERATOR = max(image_data.IMAGE_GENERATORS,
                      key=lambda g: len(image_data.IMAGE_GENERATORS[g].class_names))
IMAGE_CLASSES = len(image_data.IMAGE_GENERATORS[IMAGE_GENERATOR].class_names)


def largest_image_lab(seed: int = 0, n_added: int = image_data.MAX_ADDED) -> Lab:
    """The largest image lab: see :func:`largest_image_network`, MAX_ADDED drawings of
    MAX_SIZE px (random ink levels), trained, guide, long history."""
    rng = np.random.default_rng(seed)
    side = image_data.MAX_SIZE
    per_class = min(image_data.MAX_PER_CLASS, image_data.MAX_IMAGES // IMAGE_CLASSES)
    levels = rng.integers(0, 256, (n_added, side * side))
    added = tuple((int(k), tuple((row / 255).tolist()))
                  for k, row in zip(rng.integers(0, IMAGE_CLASSES, n_added), levels))
    data = ImageDataSpec(IMAGE_GENERATOR, side, 0.2, per_class, 0.5, 1, added=added)
    net = largest_image_network(custom_activations(rng))
    lab = Lab(name="Largest image lab", description=TEXT, data=data, network=net,
              training=TrainingSpec("adam", 0.001, 64))
    shapes = [(w, b) for _, w, b in param_shapes(net)]
    n_test = IMAGE_CLASSES * per_class // 2
    lab = replace(lab, params=trained_weights(rng, shapes),
                  history=long_history(rng, n_test=n_test))
    return replace(lab, guide=teacher_guide(lab))


def without_data(lab: Lab) -> Lab:
    """``lab`` with its data cut to the least of the same shape: one point per class
    (points, functions) or no drawings (images); the network and weights still fit."""
    d = lab.data
    if lab.kind == "images":
        return replace(lab, data=replace(d, added=()))
    if lab.kind == "functions":
        return replace(lab, data=replace(d, points=(d.points[0][:1], ())))
    if d.problem == "regression":
        return replace(lab, data=replace(d, train_points=d.train_points[:1], test_points=()))
    first = {}
    for p in d.train_points:
        first.setdefault(p[2], p)
    return replace(lab, data=replace(d, train_points=tuple(first.values()), test_points=()))


def builders() -> dict:
    """Each row of the table: its label and the function building its lab."""
    return {"points": lambda: largest_point_lab("regression"),
            "points-cls": lambda: largest_point_lab("classification"),
            "functions": largest_function_lab,
            "images": largest_image_lab}
