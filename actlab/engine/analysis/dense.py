"""Pure functions that explain a network: the linear collapse, gradient flow, dead units,
linear regions and how far the network is from a linear map.

Parameters are ``[(W, b), ...]`` with ``W`` of shape (fan_in, fan_out), acting on row
vectors: ``h = f(x @ W + b)``.  All results are in the coordinates of the network's input
*features* (x1, x2, x1², …); :func:`feature_coordinates_note` says so in words.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actlab.engine.activations.lookup import get_activation
from actlab.engine.activations.designed import fold_affine
from actlab.engine.features import FUNCTION_FEATURES, feature_label, is_raw
from actlab.engine.models.mlp import Network, augment

PIECEWISE_LINEAR = ("relu", "leaky_relu", "linear")


def collapse_runs(activations) -> list[tuple[int, int]]:
    """Runs of consecutive weight layers that compose into one linear map.

    Weight layer ``i`` feeds hidden layer ``i``; weight layers ``i..j`` merge when hidden
    layers ``i..j-1`` are all linear.  Returns ``(i, j)`` pairs with ``j > i`` (inclusive).
    """
    runs, start = [], 0
    n_weight_layers = len(activations) + 1
    for i in range(n_weight_layers - 1):
        if activations[i] != "linear":
            if i > start:
                runs.append((start, i))
            start = i + 1
    if n_weight_layers - 1 > start:
        runs.append((start, n_weight_layers - 1))
    return runs


def compose(params) -> tuple[np.ndarray, np.ndarray]:
    """The single affine map equal to the given affine layers applied in order:
    ``W_eff = W1 W2 … Wk`` and ``b_eff = ((b1 W2 + b2) W3 + b3) …``."""
    W_eff = np.asarray(params[0][0], dtype=float).copy()
    b_eff = np.asarray(params[0][1], dtype=float).copy()
    for W, b in params[1:]:
        W_eff = W_eff @ W
        b_eff = b_eff @ W + b
    return W_eff, b_eff


def collapse(params, activations) -> tuple[list, list[str]]:
    """Merge every run of linear layers: returns (params, activations) of an equivalent
    shallower network.  When every hidden activation is linear the result is one layer,
    ``[(W_eff, b_eff)]`` and no activations."""
    params = list(params)
    runs = {start: end for start, end in collapse_runs(activations)}
    out_p, out_a, i = [], [], 0
    while i < len(params):
        end = runs.get(i, i)
        out_p.append(compose(params[i:end + 1]) if end > i else params[i])
        if end < len(activations):
            out_a.append(activations[end])
        i = end + 1
    return out_p, out_a


def forward_logits(params, activations, X, leaky_slope: float = 0.01,
                   custom=()) -> np.ndarray:
    """Output pre-activations of a network given as plain arrays (rows of X = features);
    ``custom``: the lab's own activations (``NetworkSpec.custom``)."""
    h = np.asarray(X, dtype=float)
    for (W, b), name in zip(params[:-1], activations):
        h = get_activation(name, leaky_slope, custom).value(h @ W + b)
    W, b = params[-1]
    return h @ W + b


def max_collapse_difference(params, activations, X, custom=(),
                            leaky_slope: float = 0.01) -> float:
    """Largest |deep − collapsed| difference of the output logits over the rows ``X``.
    A custom activation with collinear points is folded into its layer first
    (:func:`~actlab.engine.activations.custom.fold_affine`), so it collapses like linear."""
    deep = forward_logits(params, activations, X, leaky_slope, custom)
    cp, ca = collapse(*fold_affine(params, activations, custom, leaky_slope))
    return float(np.max(np.abs(deep - forward_logits(cp, ca, X, leaky_slope, custom)))) \
        if len(X) else 0.0


def feature_coordinates_note(features) -> str:
    """Plain words on which coordinates the collapsed weights refer to."""
    names = [feature_label(f) for f in features]
    if tuple(features) == ("x",):  # a function lab fed x alone
        return ("The weights act on x itself: with every activation linear, the curve is "
                "exactly one straight line.")
    if all(f in FUNCTION_FEATURES for f in features):
        return ("The weights act on the input features " + ", ".join(names) + ", not on x "
                "alone: the collapsed map is linear in these features, so its curve can "
                "still bend.")
    if all(is_raw(f) for f in features):
        return "Weights act on the raw inputs " + ", ".join(names) + ": the line is exact."
    return ("Weights act on the input features " + ", ".join(names) + ", not on x₁, x₂ "
            "alone: the collapsed map is linear in these features, so its boundary can be "
            "curved in the plane.")


@dataclass(frozen=True)
class LinearFit:
    weights: np.ndarray   # one row per feature, one column per output
    bias: np.ndarray
    residual_rms: float
    meter: float          # residual RMS / spread of the output: 0 = exactly linear


def nonlinearity_meter(net: Network, X_features: np.ndarray) -> LinearFit:
    """Least-squares linear fit of the output logits on the feature rows, and the leftover
    error relative to the logits' spread: 0 for a collapsed network, growing as it bends."""
    z = net.forward_logits(augment(X_features)).copy()
    A = augment(X_features)
    coef, *_ = np.linalg.lstsq(A, z, rcond=None)
    resid = z - A @ coef
    rms = float(np.sqrt(np.mean(resid ** 2)))
    spread = float(np.sqrt(np.mean((z - z.mean(axis=0)) ** 2)))
    meter = rms / spread if spread > 1e-12 else 0.0
    return LinearFit(coef[:-1], coef[-1], rms, meter)


def gradient_norms(net: Network, X_features: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean |∂L/∂W| per weight layer (biases excluded) on the given rows."""
    _, grads = net.loss_and_grads(X_features, y)
    return np.array([float(np.mean(np.abs(dW))) for dW, _ in grads])


def dead_units(net: Network, X_features: np.ndarray) -> list[int]:
    """Per hidden layer, how many ReLU units output 0 for every row (dead); 0 for layers
    whose activation cannot die."""
    outs = net.hidden_outputs(X_features)
    counts = []
    for name, a in zip(net.activation_names, outs):
        counts.append(int(np.sum(np.all(a <= 0.0, axis=0))) if name == "relu" else 0)
    return counts


def pre_activations(net: Network, X_features: np.ndarray) -> list[np.ndarray]:
    """Each hidden layer's pre-activations on the rows (for saturation histograms)."""
    return net.hidden_outputs(X_features, before_activation=True)


def linear_regions(net: Network, X_features: np.ndarray) -> tuple[np.ndarray, int] | None:
    """Region id per row (rows sharing an on/off pattern of every piecewise-linear unit lie
    in one linear piece) and the number of distinct regions.  None when some hidden
    activation is not piecewise linear."""
    if not all(a in PIECEWISE_LINEAR for a in net.activation_names):
        return None
    pre = net.hidden_outputs(X_features, before_activation=True)
    bits = [p > 0 for name, p in zip(net.activation_names, pre) if name != "linear"]
    if not bits:
        return np.zeros(len(X_features), dtype=int), 1
    pattern = np.concatenate(bits, axis=1)
    # Sorting rows of booleans (np.unique(axis=0)) sorts a structured dtype, ~50x slower
    # than sorting integers: pack each row's bits into big-endian 64-bit words, whose
    # numeric order is the rows' lexicographic order, so the ids come out the same.
    packed = np.packbits(pattern, axis=1)
    width = -(-packed.shape[1] // 8) * 8
    if width != packed.shape[1]:
        packed = np.pad(packed, ((0, 0), (0, width - packed.shape[1])))
    words = np.ascontiguousarray(packed).view(">u8")
    if words.shape[1] == 1:
        _, ids = np.unique(words[:, 0], return_inverse=True)
    else:
        _, ids = np.unique(words, axis=0, return_inverse=True)
    ids = ids.reshape(-1)
    return ids, int(ids.max()) + 1
