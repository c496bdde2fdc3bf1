"""The network diagram's tooltips: what a node, a link or a bias is, in words."""
from __future__ import annotations

import numpy as np

from actlab.engine.activations.lookup import display_name
from actlab.engine.features import FUNCTION_FEATURES, feature_label

FEATURE_HINTS = {
    "x1": "the point's horizontal position",
    "x2": "the point's vertical position",
    "x1sq": "x₁ squared: large at the far left and far right",
    "x2sq": "x₂ squared: large at the top and bottom",
    "x1x2": "x₁ times x₂: positive in the top-right and bottom-left quarters",
    "sinx1": "the sine of x₁: waves from left to right",
    "sinx2": "the sine of x₂: waves from bottom to top",
    "x": "the input x itself",
    "xsq": "x squared: already a bend, large at both ends",
    "sinx": "the sine of x: already a wave",
}


def format_value(v: float) -> str:
    if not np.isfinite(v):
        return str(v)
    return f"{v:.2f}" if v == 0 or abs(v) >= 0.005 else f"{v:.1e}"


def node_name(column: int, index: int, features, n_hidden: int, n_outputs: int) -> str:
    """"x₁", "h2,3" (hidden layer 2, neuron 3, counted from 1) or "output"."""
    if column == 0:
        return feature_label(features[index])
    if column == n_hidden + 1:
        return "output" if n_outputs == 1 else f"output {index + 1}"
    return f"h{column},{index + 1}"


def tooltip_text(key: tuple, features, activations, n_outputs: int, params) -> str:
    """The tooltip of the diagram item with ``tip_key`` ``key`` given the current
    parameters (``None`` before the first snapshot)."""
    n_hidden = len(activations)
    # a function lab's pictures are curves over x, a point lab's maps of the plane
    on_curve = bool(features) and set(features) <= set(FUNCTION_FEATURES)
    where = "every x from −6 to 6" if on_curve else "every point of the plane"

    def name(c, i):
        return node_name(c, i, features, n_hidden, n_outputs)

    if key[0] == "link":
        _, layer, i, j = key
        text = f"weight {name(layer, i)} → {name(layer + 1, j)}"
        if params is None:
            return f"{text} (not trained yet)"
        return (f"{text} = {format_value(float(params[layer][0][i, j]))}\nThicker means "
                "stronger; blue pushes the next neuron up, orange pushes it down. "
                "Click to change it.")
    part, column, index = key
    b = None if params is None or column == 0 else float(params[column - 1][1][index])
    bias = "" if b is None else f"\nbias = {format_value(b)}"
    if part == "bias":
        value = "(not trained yet)" if b is None else f"= {format_value(b)}"
        return (f"bias of {name(column, index)} {value}\nA constant the neuron adds before "
                "its activation: it shifts where the neuron switches."
                + ("" if b is None else " Click to change it."))
    if column == 0:
        hint = FEATURE_HINTS.get(features[index], "an input feature")
        return (f"Input {name(0, index)}: {hint}.\nThe picture shows its value at {where}"
                + ("." if on_curve else " (blue positive, orange negative)."))
    if column == n_hidden + 1:
        return (f"The {name(column, index)}: the network's answer at {where}"
                + ("." if on_curve else " (blue high, orange low).") + bias)
    act = display_name(activations[column - 1])  # a designed one: its own name
    # the same words as the surface's title while this neuron is hovered (see the point
    # workspace)
    return (f"Neuron {index + 1} of hidden layer {column} ({act}): the picture shows "
            f"what it outputs at {where}"
            + (". " if on_curve else " — blue positive, orange negative. ")
            + f"Hover to see it large.{bias}")
