"""What a comparison of image runs shows of each run besides its curves: the first-layer
filters, or — for a network with nothing non-linear anywhere — its class templates.

The lock step itself is :mod:`.lockstep`'s (image variants share the seed, so they share
the initial weights ``default_rng([seed, 0])`` and the minibatch order
``default_rng([seed, 1])``, see :mod:`actlab.engine.trainer`).  This module only picks the
pictures, in one place, so the window's comparison and the CLI's ``compare.png`` show the
same thing.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actlab.engine.analysis import conv as conv_analysis

MAX_TILES = 16  # pictures per run: more first-layer filters than this are not drawn


@dataclass(frozen=True)
class CompareTiles:
    """The pictures of one run: ``content`` ``"filters"`` (first-layer kernels, one tile
    per filter) or ``"templates"`` (one template image per class); ``tiles`` (n, h, w)
    floats, read-only, at most :data:`MAX_TILES`."""

    content: str
    tiles: np.ndarray


def is_fully_linear(spec) -> bool:
    """True when an image network (ImageNetSpec) has no non-linear piece anywhere, so the
    whole network is ``scores = T · image + c``."""
    return conv_analysis.first_nonlinearity(spec.conv, spec.activations,
                                            spec.leaky_slope) is None


def compare_tiles(spec, params) -> CompareTiles:
    """The pictures of a run with network ``spec`` and parameters ``params`` (the
    engine's ``[(K, b), ..., (W, b), ...]``): class templates for a fully linear network,
    else the first convolution's kernels (out, in, k, k) → their first input channel."""
    if is_fully_linear(spec):
        with np.errstate(all="ignore"):
            t = conv_analysis.templates(params, spec.conv, spec.head, spec.input_size,
                                        None, spec.activations,
                                        leaky_slope=spec.leaky_slope).templates
        content = "templates"
    else:
        t = np.asarray(params[0][0], dtype=float)[:, 0]
        content = "filters"
    tiles = np.array(t[:MAX_TILES], dtype=float)
    tiles.flags.writeable = False
    return CompareTiles(content, tiles)


def trainer_tiles(trainer) -> CompareTiles:
    """:func:`compare_tiles` of an image lab's Trainer's current weights."""
    return compare_tiles(trainer.network.spec, trainer.network.get_params())
