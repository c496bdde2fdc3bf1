"""The curve analysis of one-input networks (actlab/engine/pieces.py), checked against
truth computed independently: a plain forward pass written here, kinks found from the
slopes of the curve on a very fine grid, integer products computed exactly."""
from __future__ import annotations

import numpy as np
import pytest

from actlab.engine.analysis import pieces as P
from actlab.engine.activations.builtin import ACTIVATIONS

LO, HI = -6.0, 6.0


# ------------------------------------------------------------------ independent truth
def _f(name, z, slope):
    """Activations written out here, not taken from the registry."""
    if name == "relu":
        return np.where(z > 0, z, 0.0)
    if name == "leaky_relu":
        return np.where(z > 0, z, slope * z)
    if name == "linear":
        return z
    raise AssertionError(name)


def _forward(params, acts, x, slope=0.01):
    h = np.asarray(x, dtype=float).reshape(-1, 1)
    for (W, b), a in zip(params[:-1], acts):
        h = _f(a, h @ W + b, slope)
    W, b = params[-1]
    return (h @ W + b)[:, 0]


def _random_net(rng, n_layers=None):
    n_layers = n_layers or int(rng.integers(1, 4))
    sizes = [1, *rng.integers(1, 9, size=n_layers).tolist(), 1]
    params = [(rng.normal(0, 1.0, size=(a, b)), rng.normal(0, 2.0, size=b))
              for a, b in zip(sizes[:-1], sizes[1:])]
    acts = [str(rng.choice(["relu", "relu", "leaky_relu", "linear"])) for _ in range(n_layers)]
    slope = float(rng.choice([0.01, 0.2, -0.5]))
    return params, acts, slope, sizes[1:-1]


def _grid_kink_clusters(params, acts, slope, m=240_000, lo=LO, hi=HI):
    """Kinks seen on a fine grid: where the slope of consecutive cells changes.  A kink
    inside cell i changes the slope at i-1|i and i|i+1, so adjacent changes are one
    kink.  Returns the clusters as (x_from, x_to) and the grid step."""
    x = np.linspace(lo, hi, m + 1)
    h = x[1] - x[0]
    d = np.diff(_forward(params, acts, x, slope)) / h
    change = np.abs(np.diff(d)) > 1e-7 * (1.0 + np.max(np.abs(d)))
    idx = np.flatnonzero(change)
    clusters = []
    for i in idx:
        if clusters and i - clusters[-1][1] <= 1:
            clusters[-1][1] = i
        else:
            clusters.append([i, i])
    # change index i sits between cells i and i+1, i.e. at grid point x[i+1]
    return [(x[a], x[b + 2]) for a, b in clusters], h


def _well_separated(pc: P.Pieces, h) -> bool:
    """A seed the grid can judge: every slope change either large against the grid's
    rounding or none at all (a breakpoint left unmerged must still count against the
    engine), and the real kinks apart from each other and from the ends."""
    scale = 1.0 + np.max(np.abs(pc.slopes))
    ds = np.abs(np.diff(pc.slopes))
    if np.any((ds > 1e-12 * scale) & (ds < 1e-4 * scale)):
        return False
    e = np.concatenate([[pc.edges[0]], pc.kinks[ds >= 1e-4 * scale], [pc.edges[-1]]])
    return bool(np.min(np.diff(e)) >= 6 * h)


# ------------------------------------------------------------------ kinks vs the grid
def test_kinks_match_a_fine_grid_on_many_random_networks():
    rng = np.random.default_rng(20261201)
    judged = 0
    for _ in range(160):
        params, acts, slope, hidden = _random_net(rng)
        pc = P.curve_pieces(params, acts, LO, HI, leaky_slope=slope)
        clusters, h = _grid_kink_clusters(params, acts, slope)
        if not _well_separated(pc, h):
            continue
        judged += 1
        assert len(clusters) == pc.kinks.size, (acts, hidden, pc.kinks, clusters)
        for t, (a, b) in zip(pc.kinks, clusters):
            assert a - 1e-12 <= t <= b + 1e-12, (t, a, b)
        assert P.linear_pieces(params, acts, LO, HI, leaky_slope=slope) == len(clusters) + 1
        np.testing.assert_array_equal(P.kinks(params, acts, LO, HI, leaky_slope=slope),
                                      pc.kinks)
    assert judged >= 100, judged


def test_pieces_reproduce_the_curve_between_the_kinks():
    rng = np.random.default_rng(7)
    x = np.linspace(LO, HI, 20001)
    for _ in range(60):
        params, acts, slope, _ = _random_net(rng)
        pc = P.curve_pieces(params, acts, LO, HI, leaky_slope=slope)
        k = np.clip(np.searchsorted(pc.edges, x, side="right") - 1, 0, pc.n_pieces - 1)
        y = _forward(params, acts, x, slope)
        approx = pc.slopes[k] * x + pc.intercepts[k]
        assert np.max(np.abs(approx - y)) <= 1e-9 * (1 + np.max(np.abs(y)))
        assert np.all(np.diff(pc.edges) > 0) and pc.edges[0] == LO and pc.edges[-1] == HI
        np.testing.assert_allclose(pc.kink_values(), _forward(params, acts, pc.kinks, slope),
                                   atol=1e-9 * (1 + np.max(np.abs(y))))


def test_breakpoints_without_a_slope_change_are_merged():
    # unit 0 switches at x = 1 but its outgoing weight is 0; unit 1 switches at x = -2
    one = [(np.array([[1.0, 1.0]]), np.array([-1.0, 2.0])), (np.array([[0.0], [3.0]]),
                                                                np.array([0.0]))]
    np.testing.assert_allclose(P.kinks(one, ["relu"]), [-2.0])
    # layer 1 bends at x = 1, but the only unit reading it is dead on both sides
    dead = [(np.array([[1.0]]), np.array([-1.0])), (np.array([[1.0]]), np.array([-100.0])),
            (np.array([[5.0]]), np.array([1.0]))]
    assert P.kinks(dead, ["relu", "relu"]).size == 0
    assert P.linear_pieces(dead, ["relu", "relu"]) == 1
    # a leaky slope of 1 is the identity: no kink at all
    assert P.linear_pieces(one, ["leaky_relu"], leaky_slope=1.0) == 1
    # two units bending at the same x make one kink
    same = [(np.array([[1.0, 2.0]]), np.array([-1.0, -2.0])), (np.array([[1.0], [1.0]]),
                                                                 np.array([0.0]))]
    np.testing.assert_allclose(P.kinks(same, ["relu"]), [1.0])


def test_kinks_outside_the_interval_are_not_counted():
    params = [(np.ones((1, 3)), -np.array([-8.0, 0.5, 7.0])), (np.ones((3, 1)), np.zeros(1))]
    np.testing.assert_allclose(P.kinks(params, ["relu"]), [0.5])
    np.testing.assert_allclose(P.kinks(params, ["relu"], lo=-10, hi=10), [-8.0, 0.5, 7.0])


# ------------------------------------------------------------------ the bound
def test_one_layer_never_exceeds_n_plus_one():
    rng = np.random.default_rng(3)
    for _ in range(300):
        params, _, slope, hidden = _random_net(rng, n_layers=1)
        act = str(rng.choice(["relu", "leaky_relu"]))
        n = P.linear_pieces(params, [act], leaky_slope=slope)
        assert n <= P.pieces_upper_bound(hidden) == hidden[0] + 1


def test_deeper_networks_never_exceed_the_product_bound():
    rng = np.random.default_rng(4)
    for _ in range(200):
        params, acts, slope, hidden = _random_net(rng)
        n = P.linear_pieces(params, acts, leaky_slope=slope)
        assert n <= P.pieces_upper_bound(hidden, acts)
        assert P.pieces_upper_bound(hidden, acts) <= P.pieces_upper_bound(hidden)


@pytest.mark.parametrize("n_units", [1, 2, 4, 8])
def test_the_one_layer_bound_is_reached(n_units):
    # unit j bends at t_j, with alternating outgoing weights so every kink shows
    t = np.linspace(-5, 5, n_units)
    params = [(np.ones((1, n_units)), -t),
              (np.array([[(-1.0) ** j * (j + 1)] for j in range(n_units)]), np.zeros(1))]
    assert P.linear_pieces(params, ["relu"]) == n_units + 1 == P.pieces_upper_bound([n_units])
    np.testing.assert_allclose(P.kinks(params, ["relu"]), t)
    clusters, _ = _grid_kink_clusters(params, ["relu"], 0.01)
    assert len(clusters) == n_units


def test_depth_makes_more_pieces_than_width_with_the_same_neurons():
    # the tent map 2relu(x) - 4relu(x - 1/2) on [0, 1], composed 3 times: 8 pieces from
    # 6 neurons, where one layer of 6 can make at most 7
    tent_in = (np.array([[1.0, 1.0]]), np.array([0.0, -0.5]))
    tent_mid = (np.array([[2.0, 2.0], [-4.0, -4.0]]), np.array([0.0, -0.5]))
    out = (np.array([[2.0], [-4.0]]), np.array([0.0]))
    params = [tent_in, tent_mid, tent_mid, out]
    acts = ["relu"] * 3
    n = P.linear_pieces(params, acts, lo=0.0, hi=1.0)
    clusters, _ = _grid_kink_clusters(params, acts, 0.01, m=80_000, lo=0.0, hi=1.0)
    assert n == len(clusters) + 1 == 8 > P.pieces_upper_bound([6])
    np.testing.assert_allclose(P.kinks(params, acts, 0.0, 1.0), np.arange(1, 8) / 8,
                               atol=1e-12)
    assert P.pieces_upper_bound([2, 2, 2]) == 27


# ------------------------------------------------------------------ contributions
def test_contributions_sum_to_the_curve():
    rng = np.random.default_rng(11)
    x = np.linspace(LO, HI, 501)
    for _ in range(50):
        params, acts, slope, _ = _random_net(rng)
        c = P.unit_contributions(params, acts, x, leaky_slope=slope)
        truth = _forward(params, acts, x, slope)
        assert c.parts.shape == (x.size, params[-1][0].shape[0])
        np.testing.assert_allclose(c.parts.sum(axis=1) + c.bias, truth, rtol=1e-12,
                                   atol=1e-12 * (1 + np.max(np.abs(truth))))
        np.testing.assert_allclose(c.curve, truth, rtol=1e-12,
                                   atol=1e-12 * (1 + np.max(np.abs(truth))))


def test_relu_contributions_are_the_hinges():
    W1, b1 = np.array([[1.0, -2.0, 0.5]]), np.array([1.0, 0.0, -1.0])
    W2, b2 = np.array([[2.0], [1.0], [-3.0]]), np.array([0.25])
    x = np.linspace(LO, HI, 101)
    c = P.unit_contributions([(W1, b1), (W2, b2)], ["relu"], x)
    for j in range(3):
        np.testing.assert_allclose(c.parts[:, j], W2[j, 0] * np.maximum(0, W1[0, j] * x + b1[j]))
    assert c.bias == 0.25 and c.n_units == 3


def test_contributions_with_features_of_x():
    rng = np.random.default_rng(5)
    params = [(rng.normal(size=(3, 4)), rng.normal(size=4)), (rng.normal(size=(4, 1)),
                                                               rng.normal(size=1))]
    x = np.linspace(LO, HI, 201)
    by_name = P.unit_contributions(params, ["tanh"], x, features=["x", "xsq", "sinx"])
    by_call = P.unit_contributions(params, ["tanh"], x,
                                   features=lambda v: np.column_stack([v, v * v, np.sin(v)]))
    F = np.column_stack([x, x ** 2, np.sin(x)])
    truth = (np.tanh(F @ params[0][0] + params[0][1]) @ params[1][0] + params[1][1])[:, 0]
    np.testing.assert_allclose(by_name.curve, truth, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(by_name.parts, by_call.parts)
    with pytest.raises(ValueError, match="2 inputs|3 inputs"):
        P.unit_contributions(params, ["tanh"], x, features=["x", "xsq"])
    with pytest.raises(ValueError, match="Unknown feature"):
        P.unit_contributions(params, ["tanh"], x, features=["x", "x3", "sinx"])


# ------------------------------------------------------------------ collapse line
def test_collapse_line_equals_the_linear_network():
    rng = np.random.default_rng(8)
    for _ in range(50):
        params, _, _, hidden = _random_net(rng)
        acts = ["linear"] * len(hidden)
        line = P.collapse_line(params, acts)
        y = _forward(params, acts, line.grid)
        scale = 1 + np.max(np.abs(y))
        assert np.max(np.abs(line.slope * line.grid + line.b - y)) <= 1e-12 * scale
        assert line.max_difference <= 1e-12 * scale
        assert P.linear_pieces(params, acts) == 1


def test_collapse_line_is_exactly_the_product_of_the_layers():
    # integer weights: every product and sum is exact in float64, so equality is exact
    rng = np.random.default_rng(9)
    for _ in range(30):
        sizes = [1, *rng.integers(1, 6, size=int(rng.integers(1, 4))).tolist(), 1]
        params = [(rng.integers(-3, 4, size=(a, b)).astype(float),
                   rng.integers(-3, 4, size=b).astype(float))
                  for a, b in zip(sizes[:-1], sizes[1:])]
        w = [[int(v) for v in row] for row in params[0][0]]
        b = [int(v) for v in params[0][1]]
        for W, bb in params[1:]:                       # Python integers: exact truth
            Wi = [[int(v) for v in row] for row in W]
            w = [[sum(r[k] * Wi[k][j] for k in range(len(r))) for j in range(len(Wi[0]))]
                 for r in w]
            b = [sum(b[k] * Wi[k][j] for k in range(len(b))) + int(bb[j])
                 for j in range(len(Wi[0]))]
        line = P.collapse_line(params, ["linear"] * (len(sizes) - 2))
        assert line.slope == w[0][0] and line.b == b[0]
        # the grid's x are not integers: the measured difference is rounding only
        assert line.max_difference <= 1e-12 * (1 + abs(line.slope) * 6 + abs(line.b))


def test_collapse_line_with_features_and_refusals():
    rng = np.random.default_rng(10)
    params = [(rng.normal(size=(2, 3)), rng.normal(size=3)), (rng.normal(size=(3, 1)),
                                                               rng.normal(size=1))]
    line = P.collapse_line(params, ["linear"], features=["x", "xsq"])
    np.testing.assert_allclose(line.w, (params[0][0] @ params[1][0])[:, 0], rtol=1e-15)
    assert line.max_difference < 1e-12
    with pytest.raises(ValueError, match="several inputs"):
        line.slope
    with pytest.raises(ValueError, match="ReLU, which is not linear"):
        P.collapse_line(params, ["relu"], features=["x", "xsq"])


# ------------------------------------------------------------------ refusals
@pytest.mark.parametrize("name", [n for n, a in ACTIVATIONS.items() if not a.piecewise_linear])
def test_smooth_activations_are_refused_with_a_reason(name):
    params = [(np.ones((1, 2)), np.zeros(2)), (np.ones((2, 1)), np.zeros(1))]
    title = ACTIVATIONS[name].title
    with pytest.raises(ValueError, match=f"uses {title}, which is smooth"):
        P.kinks(params, [name])
    with pytest.raises(ValueError, match="not piecewise linear"):
        P.pieces_upper_bound([2], [name])
    assert "not piecewise linear" in P.not_piecewise_linear_reason([name])
    # smooth anywhere in the stack is enough
    deep = [params[0], (np.ones((2, 2)), np.zeros(2)), params[1]]
    with pytest.raises(ValueError, match="Hidden layer 2"):
        P.linear_pieces(deep, ["relu", name])


def test_registry_flags():
    assert {n for n, a in ACTIVATIONS.items() if a.piecewise_linear} == \
        {"linear", "relu", "leaky_relu"}
    assert ACTIVATIONS["linear"].kinks == () and ACTIVATIONS["relu"].kinks == (0.0,)


def test_features_that_bend_x_are_refused():
    params = [(np.ones((2, 2)), np.zeros(2)), (np.ones((2, 1)), np.zeros(1))]
    for feats in (["x", "xsq"], ["sinx", "x"]):
        with pytest.raises(ValueError, match="not piecewise linear in x"):
            P.kinks(params, ["relu"], features=feats)
    with pytest.raises(ValueError, match="not affine in x"):
        P.kinks(params, ["relu"], features=lambda v: np.column_stack([v, v ** 2]))
    assert P.not_piecewise_linear_reason(["relu"], ["x"]) is None


def test_an_affine_feature_callable_is_followed_exactly():
    # features 2x + 1 and -x: the same network as weights folded into one input
    W1, b1 = np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([-1.0, 0.5])
    out = (np.array([[1.0], [-2.0]]), np.array([0.0]))
    feats = lambda v: np.column_stack([2 * v + 1, -v])  # noqa: E731
    folded = [(np.array([[2.0, -1.0]]) @ W1, np.array([1.0, 0.0]) @ W1 + b1), out]
    got = P.kinks([(W1, b1), out], ["relu"], features=feats)
    np.testing.assert_allclose(got, P.kinks(folded, ["relu"]), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got, [-0.125, 0.0], atol=1e-15)   # 1.5x = 0, -4x - 0.5 = 0


def test_bad_arguments_give_one_clear_message():
    params = [(np.ones((1, 2)), np.zeros(2)), (np.ones((2, 1)), np.zeros(1))]
    with pytest.raises(ValueError, match="lo < hi"):
        P.kinks(params, ["relu"], lo=1, hi=1)
    with pytest.raises(ValueError, match="1 activations for 2 hidden|2 activations for 1"):
        P.kinks(params, ["relu", "relu"])
    with pytest.raises(ValueError, match=">= 0"):
        P.pieces_upper_bound([-1])
    with pytest.raises(ValueError, match="takes 1 inputs"):
        P.kinks(params, ["relu"], features=["x", "x"])


def test_collapse_line_of_a_collinear_designed_activation_scales_and_shifts():
    """f(z) = 0.5 z + 1 given by collinear points is linear but not the identity: the
    line must carry its slope and offset (measured against the network itself)."""
    from actlab.engine.activations.lookup import get_activation
    from actlab.engine.activations.custom import PiecewiseLinear

    half = PiecewiseLinear("half", ((-2.0, 0.0), (0.0, 1.0), (2.0, 2.0)))
    act = get_activation("half", custom=(half,))
    rng = np.random.default_rng(5)
    params = [(rng.normal(size=(1, 4)), rng.normal(size=4)),
              (rng.normal(size=(4, 3)), rng.normal(size=3)),
              (rng.normal(size=(3, 1)), rng.normal(size=1))]
    line = P.collapse_line(params, [act, act])
    x = np.linspace(-6, 6, 7)
    h = x[:, None]
    for W, b in params[:-1]:
        h = 0.5 * (h @ W + b) + 1.0
    y = (h @ params[-1][0] + params[-1][1])[:, 0]
    np.testing.assert_allclose(line.slope * x + line.b, y, atol=1e-12)
    assert line.max_difference < 1e-12
