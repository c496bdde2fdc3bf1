"""Activations by name: the built-ins and a lab's designed ones, in any spelling.
``canonical_name`` gives the one stored name, ``display_name`` the one shown, and
``get_activation`` the :class:`~.base.Activation` to train with."""
from __future__ import annotations

from actlab.engine.activations.base import Activation
from actlab.engine.activations.builtin import ACTIVATIONS, NAMES, _registry
from actlab.engine.activations.designed import find


def canonical_name(name, custom=()) -> str:
    """The registry name for ``name`` in any case, with ``-`` or a space for ``_``
    (``"ReLU"`` -> ``"relu"``, ``"Leaky-ReLU"`` -> ``"leaky_relu"``); or, for the name of
    one of the lab's ``custom`` activations (an iterable of
    :class:`~actlab.engine.activations.custom.PiecewiseLinear`, matched the same way), that
    activation's own name.  Raises ValueError naming the valid names for anything else."""
    key = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    if key in ACTIVATIONS:
        return key
    own = find(name, custom)
    if own is not None:
        return own.name
    names = NAMES + tuple(c.name for c in custom or ())
    raise ValueError(f"unknown activation {name!r} (choose from {', '.join(names)})")


def display_name(name, custom=()) -> str:
    """The one name an activation is shown by everywhere — menus, the toolbar, plot and
    figure titles, legends, reports, status messages: ``ACTIVATIONS[name].title``
    (``"relu"`` -> ``"ReLU"``, ``"silu"`` -> ``"SiLU"``), or a custom activation's name as
    the student wrote it.  Longer explanations ("the identity", "also called Swish") live
    in ``summary``, for tooltips.  Any spelling :func:`canonical_name` accepts works; an
    unknown name comes back as given."""
    try:
        key = canonical_name(name, custom)
    except ValueError:
        return str(name)
    return ACTIVATIONS[key].title if key in ACTIVATIONS else key


def get_activation(name: str, leaky_slope: float = 0.01, custom=()) -> Activation:
    """The activation called ``name``, in any case (see :func:`canonical_name`), looked up
    among the built-ins and then the lab's ``custom`` activations (``NetworkSpec.custom``);
    ``leaky_slope`` only matters for leaky_relu."""
    name = canonical_name(name, custom)
    if name not in ACTIVATIONS:
        return find(name, custom).activation()
    if name == "leaky_relu" and leaky_slope != 0.01:
        return _registry(leaky_slope)[name]
    return ACTIVATIONS[name]
