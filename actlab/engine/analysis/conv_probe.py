"""One image through a run of merging convolutions, twice: layer after layer (the stack)
and as the single composite convolution, with their difference — what the "Why
non-linearity?" instrument draws for the image the student probes.

Inside (output pixels whose receptive field avoids every padding) the two maps differ by
rounding only; with zero ("same") padding in a later layer of the run they differ on the
border band, where that layer reads zeros the single convolution never sees (see
:func:`.conv.collapse_run`, whose numbers these maps show for one image and one filter).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actlab.engine.analysis import conv as ca
from actlab.engine.analysis import conv_reference as ref
from actlab.engine.frozen import read_only


@dataclass(frozen=True, eq=False)
class CollapseMaps:
    """One filter of a run's output for one image, from the stack and from the single
    convolution (before the run's last activation and pooling; read-only arrays)."""
    filter: int                 # 0-based output channel of the run shown
    image: np.ndarray           # (H, W) the network's input image
    stack: np.ndarray           # (h, w) the run's layers applied one after another
    single: np.ndarray          # (h, w) the composite kernel applied once
    difference: np.ndarray      # (h, w) |stack − single|
    interior: np.ndarray        # (h, w) bool: receptive field clear of all padding
    interior_max: float         # largest difference inside (rounding)
    border_max: float | None    # largest difference on the border band (None: no band)
    border_agrees: bool | None  # border within the rounding bound (None: no band)
    scale: float                # largest |stack| or |single|: the maps' shared range


def collapse_maps(params, layers, run, image, filter: int = 0,
                  leaky_slope: float = 0.01) -> CollapseMaps:
    """The stack's and the single convolution's output channel ``filter`` for one network
    input ``image`` ((H, W) or (1, H, W)), their difference, the interior mask, and the
    largest difference inside and on the border band.  ``border_agrees`` compares the
    band with :func:`.conv.rounding_bound`.  Raises ValueError for a run that does not
    merge or a filter the run does not have."""
    x = np.asarray(image, dtype=float)
    x = x.reshape(x.shape[-2:])
    r = ca.run_outputs(params, layers, run, x[None, None], leaky_slope)
    n_out = r.stack.shape[1]
    if not 0 <= int(filter) < n_out:
        raise ValueError(f"filter {filter} is outside 0..{n_out - 1}")
    f = int(filter)
    stack, single = r.stack[0, f], r.single[0, f]
    d = np.abs(stack - single)
    inner = r.interior
    inside = float(d[inner].max()) if inner.any() else 0.0
    border = agrees = None
    if (~inner).any():
        border = float(d[~inner].max())
        specs = [ref.as_spec(layer, i) for i, layer in enumerate(layers)]
        strides = [specs[i].stride for i in range(r.first, r.last + 1)]
        bound = ca.rounding_bound(r.run_input, r.run_convs, strides, r.pads, r.kernel,
                                  r.bias, r.stride, r.pad)[0, f]
        agrees = bool(np.all(d[~inner] <= bound[~inner]))
    scale = max(float(np.max(np.abs(stack))), float(np.max(np.abs(single))),
                np.finfo(float).tiny) if stack.size else np.finfo(float).tiny
    return CollapseMaps(f, read_only(x), read_only(stack), read_only(single), read_only(d),
                        read_only(inner, bool), inside, border, agrees, scale)
