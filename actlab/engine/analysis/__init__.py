"""Questions asked of a trained model: what collapses, pieces, insights, curve and conv metrics.

The dense network's analysis (:mod:`.dense`: ``compose``, ``collapse``, ``dead_units`` …)
is importable from here too: ``from actlab.engine import analysis; analysis.compose(params)``.
"""
from actlab.engine.analysis.dense import (  # noqa: F401
    PIECEWISE_LINEAR, LinearFit, collapse, collapse_runs, compose, dead_units,
    feature_coordinates_note, forward_logits, gradient_norms, linear_regions,
    max_collapse_difference, nonlinearity_meter, pre_activations)
