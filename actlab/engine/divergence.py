"""When a run counts as diverged, and the sentence that says why.

A run diverges when, after an epoch, any of these holds (checked in this order):

1. a parameter is NaN or infinite — looked for in the parameters themselves, because a
   loss can stay finite while weights are NaN (a unit whose output no longer reaches it);
2. the training loss (or the test loss, when there are test points) is not finite;
3. the training loss ran away: above ``runaway_factor(output)`` × max(starting loss, 1),
   i.e. the outputs are off by about a thousand times their starting scale.  Half the mean
   squared error grows with the square of the error, so that is 1e6 for regression;
   cross-entropy grows linearly with a wrong logit, so 1e3 for classification.  No run
   was seen to recover from there — on regression data the weights went on to
   |w| ~ 1e153 and surfaces of inf/NaN while the loss stayed "finite"; ELU on the circle
   at learning rate 5 jumped from 0.63 to 15286 in one epoch;
4. some pre-activation on the data rows exceeds ``VALUE_LIMIT`` = 1e30, within 1e8 of
   float32's largest number (3.4e38): the surface and neuron images are drawn in float32,
   so such weights could not be drawn.  Seen on plane data with ReLU: first-layer weights
   of 1e88 behind dead units, a small loss, and neuron images of inf.

Check 4 needs a scan of every layer's values; it is only made when the largest weight
exceeds :func:`safe_weight_limit`, below which no value can reach the limit.  The per-epoch
cost is one dot product of the parameters with themselves (which also finds NaN and inf).
"""
from __future__ import annotations

import math

import numpy as np

RUNAWAY_FACTOR = {"linear": 1e6, "sigmoid": 1e3, "softmax": 1e3}
VALUE_LIMIT = 1e30
_IN_WORDS = {1e6: "a million", 1e3: "a thousand"}


def runaway_factor(output: str) -> float:
    """How many times max(starting loss, 1) the training loss may reach (see above)."""
    return RUNAWAY_FACTOR[output]


def safe_weight_limit(sizes, x_max: float, gain: float = 1.0) -> float:
    """The largest ``m`` such that with every |parameter| <= m no pre-activation of a
    network with layer ``sizes`` can exceed ``VALUE_LIMIT`` on inputs with |x| <= x_max.

    Layer by layer |z| <= m (n_in s + 1) where s bounds the layer's inputs, and every
    activation keeps |f(z)| <= gain |z| + 1 (gain = max(1, leaky slope)).
    """
    def worst(m: float) -> float:
        s, top = float(x_max), 0.0
        for n_in in sizes[:-1]:
            z = m * (n_in * s + 1.0)
            top = max(top, z)
            s = gain * z + 1.0
        return top

    lo, hi = 0.0, VALUE_LIMIT          # worst(lo) <= limit < worst(hi)
    for _ in range(200):               # bisection in log space
        mid = math.sqrt(lo * hi) if lo > 0 else hi * 1e-30
        if worst(mid) <= VALUE_LIMIT:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-9 * hi:
            break
    return lo


def diagnose(P: np.ndarray, row: np.ndarray, has_test: bool, loss_start: float,
             factor: float, weight_limit: float, largest_value) -> str | None:
    """What went wrong in the epoch just trained (a phrase for the message), or None.

    ``P`` are the parameters after the epoch, ``row`` its ``[train_loss, test_loss, ...]``,
    ``largest_value()`` the largest |pre-activation| of that evaluation on the data rows.
    Call it under ``np.errstate(over="ignore")``: P·P overflows for huge weights (and then
    the exact checks decide).
    """
    start = max(loss_start, 1.0) if math.isfinite(loss_start) else 1.0
    # the common case in one BLAS call: sqrt(P·P) >= max|w|, and P·P is NaN or inf if any
    # weight is; then two comparisons (NaN fails them) settle it
    if (float(P.dot(P)) <= weight_limit * weight_limit and row[0] <= factor * start
            and (not has_test or math.isfinite(row[1]))):
        return None
    m = max(float(P.max()), -float(P.min()))   # NaN if any is NaN, inf if any is inf
    if not math.isfinite(m):
        bad = int(np.count_nonzero(~np.isfinite(P)))
        kind = "NaN" if np.isnan(P).any() else "infinite"
        return f"{bad} of {P.size} weights became {kind}"
    for i, part in ((0, "training"), (1, "test")):
        if not math.isfinite(row[i]) and (i == 0 or has_test):
            return f"the {part} loss became {'NaN' if math.isnan(row[i]) else 'infinite'}"
    if row[0] > factor * start:
        times = _IN_WORDS.get(factor, f"{factor:g}")
        return (f"the training loss ran away to {row[0]:.3g}, more than {times} times "
                f"its start ({loss_start:.3g})")
    if m > weight_limit:
        v = largest_value()
        if not v <= VALUE_LIMIT:   # also catches NaN
            return (f"values inside the network ran away to {v:.3g} (weights up to "
                    f"{m:.3g}), too large to draw")
    return None
