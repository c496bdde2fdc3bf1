"""The names a lab file may use (activations, generators, features) and what they imply
for a network's shape: :func:`known_names`, :func:`n_classes`, :func:`layer_sizes`.

Names come from the engine registries when they import, else from the literal v1 lists
below (so a half-installed copy still reads its lab files).  Standard library only (no
Qt); the engine is imported lazily.
"""
from __future__ import annotations

import importlib
from typing import Any

from actlab.lab import DataSpec, Lab

# The v1 vocabulary, used when the engine registries cannot be imported.
# The v1 vocabulary, used when the engine registries cannot be imported.
FALLBACK_NAMES = {
    "activation": ("linear", "relu", "leaky_relu", "elu", "tanh", "sigmoid", "softplus",
                   "gelu", "silu", "sine"),
    "generator": ("circle", "xor", "gaussian", "spiral", "moons", "checkerboard", "spiral3",
                  "blobs3", "plane", "gaussian_mix", "custom"),
    "feature": ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"),
}
FALLBACK_REGRESSION = ("plane", "gaussian_mix")
FALLBACK_CLASS_COUNTS = {"spiral3": 3, "blobs3": 3}  # other classification sets: 2
_REGISTRIES = {"activation": ("actlab.engine.activations.builtin", "ACTIVATIONS"),
               "generator": ("actlab.engine.data.points", "GENERATORS"),
               "feature": ("actlab.engine.features", "FEATURES")}


def _registry(what: str) -> Any:
    module_name, attr = _REGISTRIES[what]
    try:
        return getattr(importlib.import_module(module_name), attr)
    except Exception:  # engine absent or half-written: fall back to the v1 lists
        return None


def known_names(what: str) -> tuple[str, ...]:
    """Valid names of ``what`` ("activation", "generator" incl. "custom", or "feature")."""
    names = tuple(n for n in (_registry(what) or ()) if isinstance(n, str))
    names = names or FALLBACK_NAMES[what]
    return names + ("custom",) if what == "generator" and "custom" not in names else names


def _generator_info(name: str) -> Any:
    registry = _registry("generator")
    return registry.get(name) if isinstance(registry, dict) else None


def n_classes(data: DataSpec) -> int:
    """Number of classes of ``data`` (0 for regression).

    A generator decides its own count (3 for spiral3/blobs3, else 2).  Custom data has
    the largest label + 1, at least 2 and at least the number of class names (the same
    rule as ``actlab.engine.data.build.build_dataset``).
    """
    if data.problem == "regression":
        return 0
    if not data.is_custom:
        info = _generator_info(data.generator)
        return int(getattr(info, "n_classes", 0) or FALLBACK_CLASS_COUNTS.get(data.generator, 2))
    labels = [p[2] for pts in (data.train_points or (), data.test_points or ()) for p in pts]
    return max(int(max(labels, default=0)) + 1, len(data.class_names or ()), 2)


def layer_sizes(lab: Lab) -> tuple[int, ...]:
    """Inputs, hidden sizes and outputs (1 for regression or two classes, else n classes)."""
    k = n_classes(lab.data)
    return (len(lab.features), *lab.network.hidden, k if k > 2 else 1)


def natural_problem(generator: str) -> str | None:
    """The problem ``generator`` makes ("classification" or "regression"); None for
    "custom", whose file says which."""
    if generator == "custom":
        return None
    problem = getattr(_generator_info(generator), "problem", None)
    return problem or ("regression" if generator in FALLBACK_REGRESSION else "classification")
