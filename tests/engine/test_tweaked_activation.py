"""Tweaked built-ins (leaky ReLU slope, ELU alpha) as designed activations: values against
the closed form, gradients against finite differences, the in-place training forms, the
flags the collapse and the curve's pieces rely on, and bad values refused by field."""
import math

import numpy as np
import pytest

from actlab.engine.analysis import pieces
from actlab.engine.activations.lookup import get_activation
from actlab.engine.activations.custom import CustomActivationError, PiecewiseLinear
from actlab.engine.activations.tweaked import Tweaked
from actlab.engine.activations.designed import check_unique, fold_affine, from_dict, to_dict
from actlab.engine.analysis.curve_metrics import count_pieces_on_grid
from actlab.engine.analysis.insights import compute_insights
from actlab.engine.models.mlp import Network
from actlab.engine.trainer import Trainer
from designed_checks import gradient_and_finite_differences, point_lab

# away from the kink at 0 (a finite difference there would straddle it)
Z = np.array([-30.0, -3.1, -1.3, -0.7, -0.04, 0.03, 0.9, 1.7, 4.7, 40.0])
CASES = [("leaky_relu", 0.0), ("leaky_relu", 0.3), ("leaky_relu", 1.0),
         ("elu", 0.0), ("elu", 0.5), ("elu", 1.0), ("elu", 2.5), ("elu", 5.0)]


def _closed_form(base, p, z):
    if z > 0:
        return z
    return p * z if base == "leaky_relu" else p * (math.exp(z) - 1.0)


@pytest.mark.parametrize("base,p", CASES)
def test_value_is_the_closed_form(base, p):
    t = Tweaked("mine", base, p)
    z = np.linspace(-8, 8, 801)
    np.testing.assert_allclose(t.value(z), [_closed_form(base, p, v) for v in z],
                               rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(t.activation().value(z), t.value(z), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("base,p", CASES)
def test_derivative_matches_finite_differences(base, p):
    t, h = Tweaked("mine", base, p), 1e-6
    for f, d in ((t.value, t.derivative),
                 (t.activation().value, t.activation().derivative)):
        fd = (f(Z + h) - f(Z - h)) / (2 * h)
        np.testing.assert_allclose(d(Z), fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("base,p", CASES)
def test_inplace_forms_match_plain_forms_including_edges(base, p):
    t = Tweaked("mine", base, p)
    act = t.activation()
    z = np.concatenate([np.linspace(-9, 9, 37), [0.0, -0.0, 1e4, -1e4, np.inf, -np.inf,
                                                 np.nan]])
    out, tmp, back = np.empty_like(z), np.empty_like(z), np.empty_like(z)
    g = np.linspace(0.5, 1.5, z.size)
    finite = np.isfinite(z)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # huge inputs: clean
        zf, of, bf = z[finite], np.empty(finite.sum()), np.empty(finite.sum())
        act.forward(zf, of)
        act.backward(zf, of, g[finite], bf, np.empty_like(bf))
    np.testing.assert_allclose(of, t.value(zf), rtol=1e-12, atol=1e-15)
    with np.errstate(invalid="ignore"):  # NaN in, NaN out (numpy may warn about it)
        act.forward(z, out)
        act.backward(z, out, g, back, tmp)
    np.testing.assert_allclose(out, t.value(z), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(back, g * t.derivative(z), rtol=1e-12, atol=1e-15)
    assert np.isnan(out[-1]) and np.isnan(back[-1])  # a diverged input shows up as NaN
    # at 0 the left-hand slope, as the built-ins
    assert t.derivative(np.array([0.0]))[0] == p


def test_the_default_parameters_are_the_built_ins():
    z = np.linspace(-5, 5, 101)
    for base, p in (("elu", 1.0), ("leaky_relu", 0.01), ("leaky_relu", 0.2)):
        built_in = get_activation(base, leaky_slope=p if base == "leaky_relu" else 0.01)
        t = Tweaked("t", base, p)
        np.testing.assert_allclose(t.value(z), built_in.value(z), rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(t.derivative(z), built_in.derivative(z), rtol=1e-14)
    relu = get_activation("relu")
    for t in (Tweaked("r1", "elu", 0), Tweaked("r2", "leaky_relu", 0)):
        np.testing.assert_array_equal(t.value(z), relu.value(z))


@pytest.mark.parametrize("base,p,linear,pl,kinks", [
    ("leaky_relu", 1.0, True, True, ()), ("leaky_relu", 0.5, False, True, (0.0,)),
    ("leaky_relu", 0.0, False, True, (0.0,)), ("elu", 0.0, False, True, (0.0,)),
    ("elu", 0.7, False, False, ()), ("elu", 1.0, False, False, ())])
def test_flags(base, p, linear, pl, kinks):
    t = Tweaked("f", base, p)
    act = t.activation()
    assert (t.is_linear, t.piecewise_linear, t.kinks) == (linear, pl, kinks)
    assert (act.is_linear, act.piecewise_linear, act.kinks) == (linear, pl, kinks)
    assert act.name == act.title == "f"


def test_base_in_any_spelling_and_value_equality():
    assert Tweaked("a", "Leaky ReLU", 0.2) == Tweaked("a", "leaky_relu", 0.2)
    assert Tweaked("a", "leaky-relu", 0.2).base == "leaky_relu"
    assert Tweaked("a", "elu", -0.0).parameter.hex() == (0.0).hex()
    assert len({Tweaked("a", "elu", 1), Tweaked("a", "elu", 1.0)}) == 1
    assert Tweaked("a", "elu", 1) != Tweaked("a", "elu", 2)


@pytest.mark.parametrize("args,field,reason", [
    (("x", "tanh", 1.0), "base", "'tanh' cannot be tweaked"),
    (("x", 3, 1.0), "base", "must be a text"),
    (("x", "elu", 5.5), "parameter", "5.5 is outside 0..5"),
    (("x", "leaky_relu", 1.01), "parameter", "1.01 is outside 0..1"),
    (("x", "leaky_relu", -0.1), "parameter", "-0.1 is outside 0..1"),
    (("x", "elu", float("nan")), "parameter", "must be a finite number"),
    (("x", "elu", True), "parameter", "must be a number"),
    (("x", "elu", "1"), "parameter", "must be a number"),
    (("ReLU", "elu", 1.0), "name", "is the name of a built-in"),
    (("", "elu", 1.0), "name", "must not be empty"),
])
def test_bad_values_are_refused_naming_the_field(args, field, reason):
    with pytest.raises(CustomActivationError) as e:
        Tweaked(*args)
    assert e.value.field == field and reason in e.value.reason
    assert str(e.value).startswith(f"{field}: ")


def test_dict_round_trip_and_bad_objects():
    t = Tweaked("soft knee", "elu", 0.1 + 0.2)
    d = to_dict(t)
    assert d == {"name": "soft knee", "base": "elu", "parameter": 0.30000000000000004}
    assert from_dict(d) == t
    with pytest.raises(CustomActivationError, match=r"^parameter: missing"):
        from_dict({"name": "a", "base": "elu"})
    with pytest.raises(CustomActivationError, match=r"^base: missing"):
        from_dict({"name": "a", "parameter": 1})
    with pytest.raises(CustomActivationError, match=r"^base: unknown field"):
        from_dict({"name": "a", "base": "elu", "parameter": 1, "points": []})
    hat = PiecewiseLinear("hat", ((-1, 0), (0, 1), (1, 0)))
    assert check_unique((t, hat)) == (t, hat)  # both kinds in one lab
    with pytest.raises(CustomActivationError, match=r"^\[2\]\.name: 'Soft-Knee' is defined"):
        check_unique((t, hat, Tweaked("Soft-Knee", "leaky_relu", 0.1)))
    with pytest.raises(CustomActivationError, match=r"^\[1\]\.name: 'HAT' is defined"):
        check_unique((hat, Tweaked("HAT", "elu", 1)))


@pytest.mark.parametrize("output,n_out", [("sigmoid", 1), ("softmax", 3), ("linear", 1)])
def test_network_gradient_with_tweaked_layers_matches_finite_differences(output, n_out):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(12, 2))
    y = rng.integers(0, n_out, 12).astype(float) if output != "linear" else rng.normal(size=12)
    custom = (Tweaked("wide elu", "elu", 2.5), Tweaked("leak", "leaky_relu", 0.3))
    net = Network(2, (5, 4), ("wide elu", "leak"), n_out, output, rng=1, custom=custom)
    for pre in net.hidden_outputs(X, before_activation=True):
        assert np.min(np.abs(pre)) > 1e-4  # no pre-activation within h of the kink
    analytic, fd = gradient_and_finite_differences(net, X, y)
    np.testing.assert_allclose(analytic, fd, rtol=1e-5, atol=1e-7)


def test_slope_one_collapses_like_linear_and_any_other_slope_does_not():
    ident = Tweaked("straight", "leaky_relu", 1.0)
    t = Trainer(point_lab(("straight", "straight"), (ident,)))
    t.train(20)
    ins = compute_insights(t, grid=20)
    assert ins.collapse.all_linear
    (W1, b1), (W2, b2), (W3, b3) = t.network.get_params()
    np.testing.assert_allclose(ins.collapse.W_eff, W1 @ W2 @ W3, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ins.collapse.b_eff, (b1 @ W2 + b2) @ W3 + b3, rtol=1e-12,
                               atol=1e-14)
    params, acts = fold_affine(t.network.get_params(), ("straight", "straight"), (ident,))
    assert acts == ["linear", "linear"]
    bent = Tweaked("straight", "leaky_relu", 0.9)
    t2 = Trainer(point_lab(("straight", "straight"), (bent,)))
    t2.train(20)
    ins2 = compute_insights(t2, grid=20)
    assert not ins2.collapse.all_linear and ins2.collapse.W_eff is None
    assert ins2.collapse.meter > 0.01  # the output is no longer linear in the inputs


def test_curve_pieces_and_1d_collapse_with_tweaked_activations():
    rng = np.random.default_rng(7)
    params = [(rng.normal(size=(1, 6)), rng.normal(size=6)),
              (rng.normal(size=(6, 1)), rng.normal(size=1))]
    grid = np.linspace(-6, 6, 600_001)
    for t in (Tweaked("leak", "leaky_relu", 0.25), Tweaked("elu0", "elu", 0.0)):
        act = t.activation()
        p = pieces.curve_pieces(params, [act])
        # against a direct computation: the kinks are where a unit's pre-activation is 0
        W, b = params[0]
        roots = np.sort(-b / W[0])
        expect = roots[(roots > -6) & (roots < 6) & (np.abs(params[1][0][:, 0]) > 0)]
        np.testing.assert_allclose(p.kinks, expect, atol=1e-9)
        # and the count on a fine grid (second differences), independent of the weights
        assert p.n_pieces == count_pieces_on_grid(grid, pieces.curve(params, [act], grid))
        assert pieces.pieces_upper_bound((6,), [act]) == 7
    with pytest.raises(ValueError, match="smooth"):
        pieces.curve_pieces(params, [Tweaked("e", "elu", 1.0).activation()])
    line = pieces.collapse_line(params, [Tweaked("id", "leaky_relu", 1.0).activation()])
    (W1, b1), (W2, b2) = params
    assert line.slope == pytest.approx((W1 @ W2).item(), rel=1e-12)
    assert line.b == pytest.approx((b1 @ W2 + b2).item(), rel=1e-12)
    assert line.max_difference < 1e-12


def test_trainer_trains_a_tweaked_network_deterministically():
    custom = (Tweaked("big elu", "elu", 3.0),)
    lab = point_lab(("big elu", "relu"), custom, hidden=(6, 4))
    runs = []
    for _ in range(2):
        t = Trainer(lab)
        t.train(60)
        runs.append((t.network.flat.copy(), t.history.column("train_loss")))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    assert runs[0][1][-1] < runs[0][1][0]
    assert Trainer(lab).network.activation_names == ("big elu", "relu")
