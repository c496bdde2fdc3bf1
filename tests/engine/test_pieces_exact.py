"""The "exact" piece count (issue 19) checked against exact rational arithmetic: the
weights, as the floats they are, are read as fractions (``fractions.Fraction`` is exact
for every float), the curve is evaluated with no rounding at all, and its pieces are
counted from those exact values.  That truth shares no code and no tolerance with
:func:`actlab.engine.analysis.pieces.curve_pieces`."""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest

from actlab.engine.analysis import pieces as P

LO, HI = -6.0, 6.0


# ------------------------------------------------------------------ exact truth
def _exact_params(params):
    return [([[Fraction(float(w)) for w in row] for row in np.asarray(W, dtype=float)],
             [Fraction(float(v)) for v in np.asarray(b, dtype=float).reshape(-1)])
            for W, b in params]


def _act(name, z, slope):
    if name == "linear":
        return z
    if name == "relu":
        return z if z > 0 else Fraction(0)
    if name == "leaky_relu":
        return z if z > 0 else slope * z
    raise AssertionError(name)


def _layer(W, b, h):
    return [sum((h[i] * W[i][j] for i in range(len(h))), Fraction(0)) + b[j]
            for j in range(len(b))]


def _pre(ep, acts, x, upto, slope):
    """Exact pre-activations of hidden layer ``upto`` (0-based) at the rational x."""
    h = [x]
    for (W, b), a in zip(ep[:upto], acts[:upto]):
        h = [_act(a, z, slope) for z in _layer(W, b, h)]
    return _layer(*ep[upto], h)


def exact_kinks(params, acts, lo=LO, hi=HI, slope=0.01) -> list[Fraction]:
    """The kinks of the curve on (lo, hi), in exact arithmetic.  Layer by layer, between
    the breakpoints found so far every pre-activation is affine in x, so its exact values
    at an interval's ends locate its zero exactly; then the curve's exact slope on each
    final interval is (f(b) − f(a)) / (b − a), and a kink is where it changes at all."""
    ep, slope = _exact_params(params), Fraction(slope)
    br = [Fraction(lo), Fraction(hi)]
    for l in range(len(acts)):
        if acts[l] == "linear":
            continue
        new = set(br)
        for a, b in zip(br[:-1], br[1:]):
            za, zb = _pre(ep, acts, a, l, slope), _pre(ep, acts, b, l, slope)
            for u, v in zip(za, zb):
                if u * v < 0:
                    new.add(a + (b - a) * u / (u - v))
        br = sorted(new)
    f = [_pre(ep, acts, x, len(acts), slope)[0] for x in br]
    s = [(f[k + 1] - f[k]) / (br[k + 1] - br[k]) for k in range(len(br) - 1)]
    return [br[k + 1] for k in range(len(s) - 1) if s[k + 1] != s[k]]


def _hinges(scale):
    """s·relu(x − 1) + s·relu(x − 4): 3 pieces on [-6, 6] for every s > 0."""
    return [(np.array([[scale, scale]]), np.array([-scale, -4 * scale])),
            (np.array([[1.0], [1.0]]), np.array([0.0]))]


# ------------------------------------------------------------------ tests
@pytest.mark.parametrize("s", [1.0, 1e-3, 1e-9, 1e-12])
def test_small_curves_keep_their_kinks(s):
    # the scale in the first layer, then in the output layer: a curve 1e-12 tall is
    # still made of 3 pieces (the old fixed floor of 1e-9 counted 1 for s <= 1e-9)
    for params in (_hinges(s), [(np.array([[1.0, 1.0]]), np.array([-1.0, -4.0])),
                                (np.array([[s], [s]]), np.array([0.0]))]):
        cp = P.curve_pieces(params, ["relu"], LO, HI)
        assert cp.n_pieces == 3 == len(exact_kinks(params, ["relu"])) + 1
        np.testing.assert_allclose(cp.kinks, [1.0, 4.0], rtol=1e-12)


def test_rounding_alone_is_not_a_kink():
    # x -> 0.1·x (linear) -> relu(3 h), relu(7 h) -> 7·g1 − 3·g2: in exact arithmetic
    # (0.1 read as the float it is) 7·3·0.1 − 3·7·0.1 = 0, one piece, a flat line; in
    # floats fl(fl(0.1·3)·7) − fl(fl(0.1·7)·3) = 4.4e-16, a slope change at x = 0 *larger
    # than the curve's largest slope* — a tolerance relative to that slope alone would
    # count it; the rounding bound from the weights' magnitudes does not
    params = [(np.array([[0.1]]), np.zeros(1)),
              (np.array([[3.0, 7.0]]), np.zeros(2)),
              (np.array([[7.0], [-3.0]]), np.zeros(1))]
    acts = ["linear", "relu"]
    float_slope = (np.array([0.1]) @ params[1][0]) @ params[2][0][:, 0]
    assert float_slope != 0.0
    assert exact_kinks(params, acts) == []      # no kink in exact arithmetic
    assert P.curve_pieces(params, acts, LO, HI).n_pieces == 1
    # the same cancellation 1e-12 times smaller is still rounding, not a kink
    small = [(params[0][0] * 1e-12, params[0][1]), *params[1:]]
    assert exact_kinks(small, acts) == []
    assert P.curve_pieces(small, acts, LO, HI).n_pieces == 1


def test_slope_tolerance_scales_with_the_weights():
    a = np.array([1.0, 2.0, 3.0])
    t = P.slope_tolerance(a, 10)
    np.testing.assert_allclose(P.slope_tolerance(a * 1e-12, 10), t * 1e-12)
    assert t.shape == (2,) and np.all(t > 0) and np.all(t < 1e-13)


def test_trained_four_relu_preset_counts_what_exact_arithmetic_counts():
    # functions-four-relu-pieces with weight seed 3 (data seed 1), 300 epochs: unit 1
    # has incoming weight 2.5e-6 and outgoing 8.1e-7, a real kink at x = -4.163 whose
    # slope change is 2.0e-12 — the old 1e-9 floor merged it (3 pieces)
    from actlab.engine import Trainer
    from actlab.labfile import load_preset

    lab = load_preset("functions-four-relu-pieces")
    t = Trainer(dataclasses.replace(lab, seed=3))
    t.train(300)
    params = t.network.get_params()
    truth = exact_kinks(params, ["relu"])
    cp = P.curve_pieces(params, ["relu"], LO, HI)
    assert len(truth) == 3 and cp.n_pieces == 4
    np.testing.assert_allclose(cp.kinks, [float(k) for k in truth], rtol=1e-12)
    assert cp.kinks[0] == pytest.approx(-4.163, abs=1e-3)


def test_random_networks_against_exact_arithmetic():
    rng = np.random.default_rng(19)
    for _ in range(12):
        n_layers = int(rng.integers(1, 3))
        sizes = [1, *rng.integers(1, 6, size=n_layers).tolist(), 1]
        # weights spread over 12 orders of magnitude, so some kinks change the slope
        # by very little
        params = [(rng.normal(size=(a, b)) * 10.0 ** rng.integers(-12, 1, size=(a, b)),
                   rng.normal(0, 2.0, size=b)) for a, b in zip(sizes[:-1], sizes[1:])]
        acts = [str(rng.choice(["relu", "leaky_relu", "linear"])) for _ in range(n_layers)]
        truth = exact_kinks(params, acts)
        cp = P.curve_pieces(params, acts, LO, HI)
        assert cp.n_pieces == len(truth) + 1, (acts, params)
        np.testing.assert_allclose(cp.kinks, [float(k) for k in truth], rtol=1e-9, atol=1e-9)
