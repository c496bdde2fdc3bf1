"""Everything the teaching instruments draw, computed from a trainer in one frozen value.

The worker thread calls :func:`compute_insights` when the window asks for a picture (never
per epoch); the views only draw the returned :class:`Insights`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actlab.engine.analysis import dense as analysis
from actlab.engine.activations.designed import fold_affine
from actlab.engine.features import transform


@dataclass(frozen=True)
class CollapseInfo:
    all_linear: bool
    runs: tuple                 # ((first, last) weight layers that merge), …
    W_eff: np.ndarray | None    # (n_features, n_outputs) when all_linear
    b_eff: np.ndarray | None
    max_difference: float       # deep vs collapsed, largest |Δ logit| on the grid
    meter: float                # non-linearity meter: 0 = exactly linear in the features
    feature_names: tuple
    note: str                   # which coordinates the weights refer to
    line: tuple | None          # two points of the decision line in the (x1, x2) plane


@dataclass(frozen=True)
class Insights:
    epoch: int
    collapse: CollapseInfo
    grad_epochs: np.ndarray     # epochs at which gradient norms were sampled
    grad_norms: np.ndarray      # (samples, layers) mean |dL/dW| (see GradientHistory)
    dead_units: tuple           # per hidden layer
    layer_sizes: tuple
    pre_activations: tuple      # per hidden layer, (n_train, size) sample for histograms
    activations: tuple
    regions: np.ndarray | None  # (n, n) int region ids over the grid, or None
    region_count: int | None
    # the network's output on the same grid as ``regions`` (as ``Snapshot.surface``), so
    # the regions are drawn with the decision boundary of the same weights
    surface: np.ndarray | None = None


class GradientLog:
    """Per-layer gradient norms sampled whenever insights are computed (bounded)."""

    def __init__(self, limit: int = 4000):
        self.epochs: list[int] = []
        self.norms: list[np.ndarray] = []
        self.limit = limit

    def add(self, epoch: int, norms: np.ndarray) -> None:
        if self.epochs and self.epochs[-1] == epoch:
            return
        if self.epochs and epoch < self.epochs[-1]:  # a reset: start again
            self.epochs.clear()
            self.norms.clear()
        self.epochs.append(epoch)
        self.norms.append(norms)
        if len(self.epochs) > self.limit:            # keep every other old sample
            self.epochs[: self.limit // 2] = self.epochs[: self.limit // 2: 2]
            self.norms[: self.limit // 2] = self.norms[: self.limit // 2: 2]


def _decision_line(W: np.ndarray, b: np.ndarray, features) -> tuple | None:
    """Two points of {x : w·x + b = 0} when the features are exactly x1 and x2."""
    if tuple(features) not in (("x1", "x2"), ("x2", "x1")) or W.shape[1] != 1:
        return None
    w = W[:, 0] if features[0] == "x1" else W[::-1, 0]
    w1, w2, c = float(w[0]), float(w[1]), float(b[0])
    if abs(w1) < 1e-15 and abs(w2) < 1e-15:
        return None
    if abs(w2) >= abs(w1):   # x2 = -(w1 x1 + c) / w2
        return ((-6.0, (6.0 * w1 - c) / w2), (6.0, (-6.0 * w1 - c) / w2))
    return (((6.0 * w2 - c) / w1, -6.0), ((-6.0 * w2 - c) / w1, 6.0))


def _probe_points(trainer, grid: int) -> np.ndarray:
    """The inputs the collapse and the meter are measured on: the surface grid of a point
    lab; for a function lab (y = f(x), one input) ``grid``² evenly spaced x in [-6, 6]."""
    if trainer.dataset.X_train.shape[1] == 1:  # one input x: no plane
        from actlab.engine.data.functions import X_MAX, X_MIN
        return np.linspace(X_MIN, X_MAX, grid * grid).reshape(-1, 1)
    return trainer.surface_grid(grid).points


def compute_insights(trainer, log: GradientLog | None = None, grid: int = 60,
                     max_hist_points: int = 500) -> Insights:
    net = trainer.network
    features = trainer.features
    params = net.get_params()
    acts = tuple(net.activation_names)
    plane = trainer.dataset.X_train.shape[1] == 2  # the input is the (x1, x2) plane
    Xg = transform(_probe_points(trainer, grid), features)
    # a custom activation with collinear points is a line a·z + c: folded into its layer
    # it is "linear", and the collapse applies to it exactly
    custom = getattr(net, "custom", ())
    fparams, facts = fold_affine(params, acts, custom, net.leaky_slope)
    all_linear = all(a == "linear" for a in facts)
    runs = tuple(analysis.collapse_runs(facts))
    W_eff = b_eff = line = None
    if all_linear:
        W_eff, b_eff = analysis.compose(fparams)
        line = _decision_line(W_eff, b_eff, features) if net.output == "sigmoid" else None
    with np.errstate(all="ignore"):
        diff = analysis.max_collapse_difference(params, acts, Xg, custom, net.leaky_slope)
        meter = analysis.nonlinearity_meter(net, Xg).meter
        Xtr = transform(trainer.dataset.X_train, features)
        ytr = trainer.dataset.y_train
        record = getattr(trainer, "gradients", None)
        # the trainer's record goes back to the run's first epoch; without one (a lab
        # loaded with history but not trained since), sample the full-batch norms now
        norms = None if record is not None and len(record) else \
            analysis.gradient_norms(net, Xtr, ytr)
        dead = tuple(analysis.dead_units(net, Xtr))
        pre = analysis.pre_activations(net, Xtr[:max_hist_points])
        reg = analysis.linear_regions(net, Xg) if plane else None  # regions of the plane
    if norms is None:
        epochs, norm_rows = record.epochs(), record.norms()
    elif log is not None:
        log.add(trainer.epoch, norms)
        epochs, norm_rows = np.array(log.epochs), np.array(log.norms)
    else:
        epochs, norm_rows = np.array([trainer.epoch]), norms[None, :]
    collapse = CollapseInfo(all_linear, runs, W_eff, b_eff, diff, meter, tuple(features),
                            analysis.feature_coordinates_note(features), line)
    if reg is None or Xg.shape[0] != grid * grid:  # a function lab: its curve view
        regions, count, surface = None, None, None    # counts the pieces instead
    else:
        regions, count = reg[0].reshape(grid, grid), reg[1]
        with np.errstate(all="ignore"):
            surface = trainer.surface_grid(grid).output(net)
        surface.setflags(write=False)
    return Insights(trainer.epoch, collapse, epochs, norm_rows, dead,
                    tuple(net.sizes[1:-1]), tuple(pre), acts, regions, count, surface)


def hidden_space(net, features, layer: int, neurons: tuple[int, int], X_points=None,
                 n_lines: int = 13, samples: int = 120, extent: float = 6.0):
    """Where the input grid lines (and optional data points) land in two neurons of a
    hidden layer, before and after its activation.  Returns a dict with ``lines_pre``,
    ``lines_post`` (lists of (samples, 2) arrays) and ``points_pre``/``points_post``."""
    ts = np.linspace(-extent, extent, samples)
    cs = np.linspace(-extent, extent, n_lines)
    lines = [np.column_stack([ts, np.full_like(ts, c)]) for c in cs]
    lines += [np.column_stack([np.full_like(ts, c), ts]) for c in cs]
    i, j = neurons

    def project(P):
        Xf = transform(P, features)
        pre = net.hidden_outputs(Xf, before_activation=True)[layer]
        post = net.hidden_outputs(Xf)[layer]
        return pre[:, [i, j]], post[:, [i, j]]

    out = {"lines_pre": [], "lines_post": []}
    with np.errstate(all="ignore"):
        for L in lines:
            a, b = project(L)
            out["lines_pre"].append(a)
            out["lines_post"].append(b)
        if X_points is not None and len(X_points):
            out["points_pre"], out["points_post"] = project(np.asarray(X_points))
    return out
