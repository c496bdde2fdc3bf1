"""The Lab: one frozen, serialisable value that describes an experiment.

The GUI, the CLI, lab files, presets and tests all use this one type. Nothing mutates a
Lab; a change is a new Lab made with :func:`dataclasses.replace` (or the ``with_*``
helpers below).  It is pure Python (NumPy only for trained parameters) and imports no Qt.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

FORMAT_NAME = "actlab"
#: The newest lab file version this ActLab reads and writes.  Point labs are still written
#: as version 1 (an older ActLab opens them); image labs and function labs need version 2
#: (an older version-2 ActLab refuses data.kind "functions" naming that field, so
#: the version needs no bump for them).
FORMAT_VERSION = 2
DATA_KINDS = ("points", "images", "functions")

PROBLEMS = ("classification", "regression")
OPTIMIZERS = ("sgd", "momentum", "adam")
REGULARIZATIONS = ("none", "l1", "l2")
INITS = ("xavier", "he", "playground")
MAX_HIDDEN_LAYERS = 10
MAX_NEURONS = 64
MAX_CLASSES = 6
#: The groups of controls a lab's guide may list in "locked" (disabled) and "hidden" (not
#: shown); actlab.gui.teacher_mode finds the window's widgets for each.
CONTROL_GROUPS = ("data", "features", "network", "activation", "learning_rate", "batch_size",
                  "optimizer", "regularization", "problem", "stop_after", "seed")

Point = tuple[float, float, float]  # x1, x2, label (class index or regression target)


@dataclass(frozen=True)
class DataSpec:
    """Where the points come from.

    ``generator`` names one of the engine's data sets (``actlab.engine.data.GENERATORS``)
    or is ``"custom"``: then ``train_points``/``test_points`` hold the points themselves
    (imported from CSV or edited by clicking).  ``noise`` is TensorFlow Playground's noise
    as a fraction, 0 to 0.5 (the GUI shows 0-50 %).
    """

    generator: str = "circle"
    n_points: int = 500
    noise: float = 0.0
    train_fraction: float = 0.5
    seed: int = 1
    problem: str = "classification"
    train_points: tuple[Point, ...] | None = None
    test_points: tuple[Point, ...] | None = None
    class_names: tuple[str, ...] | None = None

    @property
    def is_custom(self) -> bool:
        return self.generator == "custom"

    @property
    def kind(self) -> str:
        return "points"


@dataclass(frozen=True)
class ImageDataSpec:
    """Where the images of an image lab come from: ``generator`` names one of
    ``actlab.engine.images.IMAGE_GENERATORS``, drawn at ``size``×``size`` px (8–32) with
    Gaussian pixel ``noise`` (0–1), ``per_class`` images of each class, split into training
    and test by ``train_fraction`` (stratified) with ``seed``.

    Or, with ``source`` set, the images come from a file: ``("npz", path)`` (an ``.npz``
    archive) or ``("folder", path)`` (one sub-folder of pictures per class), the path as
    the lab file writes it (a relative one is relative to the lab file's folder; see
    :mod:`actlab.image_sources`).  Then ``generator``, ``noise`` and ``per_class`` are
    unused, and ``classes`` is the file's number of classes once it is known (None
    before), so the lab's saved weights can be checked without reading the file.

    ``added`` holds images the student drew, each ``(label, pixels)``: a class index and
    a tuple of side×side floats in [0, 1] (ink 1 on background 0, row by row).  They are
    appended to the *training* images (never the test set) by every path that builds the
    data (:func:`actlab.engine.images.with_added`).  Each keeps the size it was drawn at
    (side = the square root of ``len(pixels)``, 8–32) and is resampled to ``size`` when the
    data is built, so changing ``size`` and back loses nothing."""

    generator: str = "bars"
    size: int = 16
    noise: float = 0.0
    per_class: int = 100
    train_fraction: float = 0.5
    seed: int = 1
    source: tuple[str, str] | None = None
    classes: int | None = None
    added: tuple = ()

    @property
    def kind(self) -> str:
        return "images"

    @property
    def is_custom(self) -> bool:
        return False

    @property
    def problem(self) -> str:
        return "classification"


FunctionPoint = tuple[float, float]  # x, y
#: The input features of a function lab unless it says otherwise: x alone.
FUNCTION_FEATURES = ("x",)


@dataclass(frozen=True)
class FunctionDataSpec:
    """Where the points (x, y) of a function lab (y = f(x), one input) come from.

    ``generator`` names one of ``actlab.engine.functions.FUNCTION_GENERATORS`` (x uniform
    in [-6, 6], y the curve plus Gaussian ``noise`` of that standard deviation, 0-0.5),
    ``n_points`` split into training and test by ``train_fraction`` with ``seed``.  Or it
    is ``"custom"``: then ``points`` holds ``(train, test)``, each a tuple of ``(x, y)``
    pairs (drawn with the mouse or imported from CSV) and the other fields are unused.
    A function lab is always a regression problem."""

    generator: str = "sine"
    n_points: int = 200
    noise: float = 0.0
    train_fraction: float = 0.5
    seed: int = 1
    points: tuple[tuple[FunctionPoint, ...], tuple[FunctionPoint, ...]] | None = None

    @property
    def kind(self) -> str:
        return "functions"

    @property
    def is_custom(self) -> bool:
        return self.generator == "custom"

    @property
    def problem(self) -> str:
        return "regression"


@dataclass(frozen=True)
class NetworkSpec:
    """Hidden layer sizes and one activation per hidden layer.

    ``custom`` holds the lab's own designed activations, by value: piecewise-linear ones
    (``actlab.engine.custom_activation.PiecewiseLinear``: a name and points) and tweaked
    built-ins (``actlab.engine.tweaked_activation.Tweaked``: a name, base, parameter);
    a layer uses one by naming it in ``activations`` like a built-in.  Empty for most
    labs, and then nothing about the lab or its file changes."""

    hidden: tuple[int, ...] = (4, 2)
    activations: tuple[str, ...] = ("tanh", "tanh")
    init: str = "xavier"
    leaky_slope: float = 0.01
    custom: tuple = ()

    def with_activation(self, name: str) -> "NetworkSpec":
        """The same architecture with ``name`` in every hidden layer."""
        return replace(self, activations=(name,) * len(self.hidden))

    def activation_names(self) -> tuple[str, ...]:
        """Every hidden layer's activation, first layer first (as ``ImageNetSpec``
        answers for its convolutions and dense layers)."""
        return tuple(self.activations)


@dataclass(frozen=True)
class TrainingSpec:
    optimizer: str = "sgd"
    learning_rate: float = 0.03
    batch_size: int = 10
    regularization: str = "none"
    reg_rate: float = 0.0
    momentum: float = 0.9
    reshuffle: bool = True
    stop_after: int | None = None


@dataclass(frozen=True, eq=False)
class Lab:
    """A whole experiment: data, features, network, training, seed and optional results.

    Its *kind* is its data's: a point lab has a :class:`DataSpec` and a
    :class:`NetworkSpec`; an image lab an :class:`ImageDataSpec` and an
    ``actlab.engine.cnn_spec.ImageNetSpec`` (conv layers, head, dense layers; its
    ``input_size`` and ``n_classes`` follow the data).  ``features`` is unused by image
    labs.  A function lab has a :class:`FunctionDataSpec`, a :class:`NetworkSpec` and
    features from the 1-D ones (``"x"``, ``"xsq"``, ``"sinx"``; default
    :data:`FUNCTION_FEATURES`).  Training, seed, results and guide are shared by all kinds.

    ``params`` (trained weights, a tuple of ``(W, b)`` arrays with W of shape
    ``(fan_in, fan_out)``; for an image lab first one ``(K, b)`` per convolution, K shaped
    ``(out_channels, in_channels, kh, kw)``) and ``history`` (a dict of per-epoch lists) are optional.
    ``guide`` carries the optional teaching side of a lab (instructions, question,
    expected outcome, locked controls) as a plain dict.  ``runs`` is the run log
    (``actlab.engine.run_log.RunRecord`` s, oldest first): what the student ran in this
    lab; like the results it is not part of the configuration (:meth:`config_equal`).
    """

    name: str = "Untitled lab"
    description: str = ""
    data: DataSpec | ImageDataSpec | FunctionDataSpec = field(default_factory=DataSpec)
    features: tuple[str, ...] = ("x1", "x2")
    network: Any = field(default_factory=NetworkSpec)  # NetworkSpec or ImageNetSpec
    training: TrainingSpec = field(default_factory=TrainingSpec)
    seed: int = 1
    params: tuple[tuple[np.ndarray, np.ndarray], ...] | None = None
    history: dict[str, list[float]] | None = None
    guide: dict[str, Any] | None = None
    runs: tuple = ()

    @property
    def problem(self) -> str:
        return self.data.problem

    @property
    def kind(self) -> str:
        """``"points"``, ``"images"`` or ``"functions"``: which data, network and workspace the lab uses."""
        return self.data.kind

    def without_results(self) -> "Lab":
        """The same configuration with no trained parameters or history."""
        return replace(self, params=None, history=None)

    def config_equal(self, other: "Lab") -> bool:
        """True when both labs describe the same experiment (results ignored)."""
        return _strip(self) == _strip(other)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Lab):
            return NotImplemented
        if not self.config_equal(other) or not _history_equal(self.history, other.history):
            return False
        if tuple(self.runs) != tuple(other.runs):
            return False
        if (self.params is None) != (other.params is None):
            return False
        if self.params is None:
            return True
        return len(self.params) == len(other.params) and all(
            _same(w1, w2) and _same(b1, b2)
            for (w1, b1), (w2, b2) in zip(self.params, other.params)
        )

    __hash__ = None  # type: ignore[assignment]


def _same(a, b) -> bool:
    """Equal arrays, NaN equal to NaN in the same place (a history holds NaN for an
    undefined metric — no test points, accuracy in regression — and NaN != NaN would make
    a lab unequal to its own saved and reloaded copy)."""
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return bool(np.array_equal(np.asarray(a, dtype=object), np.asarray(b, dtype=object)))
    return bool(np.array_equal(a, b, equal_nan=True))


def _history_equal(h1, h2) -> bool:
    if h1 is None or h2 is None:
        return h1 is h2
    return h1.keys() == h2.keys() and all(_same(h1[k], h2[k]) for k in h1)


def _strip(lab: Lab) -> tuple:
    return (lab.name, lab.description, lab.data, lab.features, lab.network,
            lab.training, lab.seed, repr(lab.guide))


def default_lab() -> Lab:
    """The lab the app opens with: circle data, two hidden layers of tanh."""
    return Lab(
        name="Circle with tanh",
        description="Two hidden layers of tanh learn to separate a circle from a ring.",
    )


def default_function_lab() -> Lab:
    """A function lab: sine data, one hidden layer of 8 tanh units, input x."""
    return Lab(name="Sine with tanh", description="Eight tanh units fit a sine curve.",
               data=FunctionDataSpec(), features=FUNCTION_FEATURES,
               network=NetworkSpec(hidden=(8,), activations=("tanh",)))
