"""Student-designed piecewise-linear activations: values against a direct computation,
gradients against finite differences (as every built-in in test_gradients.py), the
lab-scoped lookup, and the linear collapse for collinear points against the closed form."""
from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.analysis import dense as analysis
from actlab.engine.activations.lookup import canonical_name, display_name, get_activation
from actlab.engine.activations.custom import CustomActivationError, PiecewiseLinear
from actlab.engine.activations.designed import fold_affine
from actlab.engine.analysis.insights import compute_insights
from actlab.engine.models.mlp import Network
from actlab.engine.trainer import Trainer
from designed_checks import gradient_and_finite_differences, point_lab

HAT = PiecewiseLinear("Hat", ((-1.0, 0.0), (0.0, 1.0), (1.0, 0.0), (2.0, 0.5)))
LINE = PiecewiseLinear("Line", ((-2.0, -3.0), (0.0, 1.0), (0.5, 2.0), (3.0, 7.0)))  # 2z + 1
# points away from every kink of HAT (its kinks are at 0, 1; its ends at -1, 2)
Z = np.array([-3.1, -1.3, -0.7, -0.4, 0.27, 0.9, 1.2, 1.7, 2.6, 4.7])


def _direct(c: PiecewiseLinear, z: float) -> float:
    """f(z) written out from the definition: the segment containing z (the first or last
    one outside the points), the line through its two ends."""
    pts = c.points
    k = 0
    while k < len(pts) - 2 and z >= pts[k + 1][0]:
        k += 1
    (x0, y0), (x1, y1) = pts[k], pts[k + 1]
    return y0 + (y1 - y0) / (x1 - x0) * (z - x0)


@pytest.mark.parametrize("c", [HAT, LINE, PiecewiseLinear("two", ((0, 0), (1, 3)))])
def test_value_is_the_line_through_the_neighbouring_points(c):
    z = np.linspace(-6, 6, 1201)
    np.testing.assert_allclose(c.value(z), [_direct(c, t) for t in z], rtol=1e-12,
                               atol=1e-12)
    xs, ys = zip(*c.points)
    np.testing.assert_allclose(c.value(np.array(xs)), ys, atol=1e-12)  # through the points


@pytest.mark.parametrize("c", [HAT, LINE])
def test_derivative_matches_finite_differences_away_from_kinks(c):
    h = 1e-6
    fd = (c.value(Z + h) - c.value(Z - h)) / (2 * h)
    np.testing.assert_allclose(c.derivative(Z), fd, rtol=1e-6, atol=1e-8)


def test_derivative_at_a_kink_is_the_right_hand_slope():
    # kinks of HAT at 0 (slope 1 -> -1) and 1 (-1 -> 0.5); the first point -1 is no kink
    assert HAT.kinks == (0.0, 1.0)
    np.testing.assert_array_equal(HAT.derivative(np.array([-1.0, 0.0, 1.0, 2.0])),
                                  [1.0, -1.0, 0.5, 0.5])


def test_inplace_forms_match_plain_forms():
    act = get_activation("Hat", custom=(HAT,))
    z = np.linspace(-5, 5, 41).reshape(-1, 1) * np.ones((1, 3))
    out, tmp, back = np.empty_like(z), np.empty_like(z), np.empty_like(z)
    act.forward(z, out)
    np.testing.assert_allclose(out, HAT.value(z), rtol=1e-12, atol=1e-14)
    g = np.cos(z) + 0.5
    act.backward(z, out, g, back, tmp)
    np.testing.assert_allclose(back, g * HAT.derivative(z), rtol=1e-12, atol=1e-14)
    # at the kinks and ends too, the training loop's slope is the documented right-hand one
    k = np.array([-1.0, 0.0, 1.0, 2.0, np.nan])
    out, tmp, back = np.empty(5), np.empty(5), np.empty(5)
    act.backward(k, act.value(k), np.ones(5), back, tmp)
    np.testing.assert_array_equal(back, HAT.derivative(k))
    act.forward(k, out)
    assert np.isnan(out[-1])  # a diverged input shows up as NaN


@pytest.mark.parametrize("c", [LINE, PiecewiseLinear("v", ((0, 0), (1, -2), (3, 5)))])
def test_inplace_forms_of_other_shapes(c):
    act = c.activation()
    z = np.linspace(-7, 7, 57)
    out, tmp, back = np.empty_like(z), np.empty_like(z), np.empty_like(z)
    act.forward(z, out)
    np.testing.assert_allclose(out, c.value(z), rtol=1e-12, atol=1e-12)
    act.backward(z, out, np.sin(z), back, tmp)
    np.testing.assert_allclose(back, np.sin(z) * c.derivative(z), rtol=1e-12, atol=1e-14)


def test_huge_infinite_and_nan_inputs():
    flat_end = PiecewiseLinear("flat", ((0.0, 0.0), (1.0, 1.0), (2.0, 1.0)))  # slope 0 right
    z = np.array([-np.inf, -1e4, 0.5, 1e4, np.inf, np.nan])
    with np.errstate(all="raise"):
        v, d = flat_end.value(z), flat_end.derivative(z)
    np.testing.assert_array_equal(v[:5], [-np.inf, -1e4, 0.5, 1.0, 1.0])
    np.testing.assert_array_equal(d[:5], [1.0, 1.0, 1.0, 0.0, 0.0])
    assert np.isnan(v[5]) and np.isnan(d[5])  # a diverged input must show up as NaN


def test_collinear_points_are_linear_and_one_kink_is_not():
    assert LINE.is_linear and LINE.kinks == () and LINE.affine == (2.0, 1.0)
    assert get_activation("line", custom=(LINE,)).is_linear
    bent = PiecewiseLinear("bent", ((-2.0, -3.0), (0.0, 1.0), (0.5, 2.001), (3.0, 7.0)))
    assert not bent.is_linear and bent.kinks == (0.0, 0.5)
    # within the documented relative tolerance, still a line; well beyond it, not
    assert PiecewiseLinear("l", ((0, 0), (1, 1), (2, 2 + 1e-12))).is_linear
    assert not PiecewiseLinear("k", ((0, 0), (1, 1), (2, 2 + 1e-6))).is_linear


def test_lookup_is_scoped_to_the_lab_and_shows_the_students_name():
    assert canonical_name("HAT", (HAT,)) == "Hat" and display_name("hat", (HAT,)) == "Hat"
    assert display_name("relu", (HAT,)) == "ReLU"
    with pytest.raises(ValueError, match="unknown activation 'Hat'"):
        get_activation("Hat")  # another lab's activation is not found without its lab
    with pytest.raises(ValueError, match=r"choose from linear, .*, sine, Hat"):
        canonical_name("hut", (HAT,))


@pytest.mark.parametrize("points,field,reason", [
    (((0, 0), (0.8, 1), (0.5, 2)), "points[2].x", "0.5 is not greater than points[1].x (0.8)"),
    (((0, 0), (0, 1)), "points[1].x", "0.0 is not greater than points[0].x (0.0)"),
    (((0, 0),), "points", "1 point, at least 2 needed"),
    (tuple((i, 0) for i in range(17)), "points", "17 points, at most 16"),
    (((0, 0), (1, float("nan"))), "points[1].y", "must be a finite number, got nan"),
    (((0, 0), (float("inf"), 1)), "points[1].x", "must be a finite number, got inf"),
    (((0, 0), (1, "2")), "points[1].y", "must be a number, got '2'"),
    (((0, 0), (1, True)), "points[1].y", "must be a number, got True"),
    (((0, 0), (1, 2, 3)), "points[1]", "must be an [x, y] pair"),
    ("0,0;1,1", "points", "must be a list of [x, y] points"),
    (((0, 0), (1, 2e6)), "points[1].y", "2000000.0 is outside -1e+06..1e+06"),
])
def test_bad_points_are_refused_naming_the_field(points, field, reason):
    with pytest.raises(CustomActivationError) as e:
        PiecewiseLinear("mine", points)
    assert e.value.field == field and e.value.reason.startswith(reason)
    assert str(e.value).startswith(f"{field}: ")


@pytest.mark.parametrize("name,reason", [
    ("ReLU", "'ReLU' is the name of a built-in activation"),
    ("leaky-relu", "'leaky-relu' is the name of a built-in activation"),
    ("  ", "must not be empty"),
    ("a/b", "'a/b' contains '/'"),
    (3, "must be a text"),
    ("x" * 41, "41 characters, at most 40"),
])
def test_bad_names_are_refused(name, reason):
    with pytest.raises(CustomActivationError) as e:
        PiecewiseLinear(name, ((0, 0), (1, 1)))
    assert e.value.field == "name" and e.value.reason.startswith(reason)


@pytest.mark.parametrize("output,n_out", [("sigmoid", 1), ("softmax", 3), ("linear", 1)])
def test_network_gradient_with_custom_layers_matches_finite_differences(output, n_out):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(12, 2))
    y = rng.integers(0, n_out, 12).astype(float) if output != "linear" else rng.normal(size=12)
    net = Network(2, (5, 4), ("Hat", "relu"), n_out, output, rng=1, custom=(HAT,))
    # no pre-activation may sit within h of a kink (the finite difference would straddle it)
    for pre in net.hidden_outputs(X, before_activation=True)[:1]:
        assert np.min(np.abs(pre[..., None] - np.array([0.0, 1.0]))) > 1e-4
    analytic, fd = gradient_and_finite_differences(net, X, y)
    np.testing.assert_allclose(analytic, fd, rtol=1e-5, atol=1e-7)


def test_collinear_custom_collapses_exactly_to_the_closed_form_product():
    t = Trainer(point_lab(("Line", "Line"), (LINE,)))
    t.train(20)
    ins = compute_insights(t, grid=20)
    assert ins.collapse.all_linear
    (W1, b1), (W2, b2), (W3, b3) = t.network.get_params()
    a, c = LINE.affine  # f(z) = a z + c: h1 = a(x W1 + b1) + c, and so on
    W_eff = (a * W1) @ (a * W2) @ W3
    b_eff = ((a * b1 + c) @ (a * W2) + (a * b2 + c)) @ W3 + b3
    np.testing.assert_allclose(ins.collapse.W_eff, W_eff, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ins.collapse.b_eff, b_eff, rtol=1e-12, atol=1e-14)
    # and the one affine map is the network, everywhere on the plane
    X = np.random.default_rng(0).uniform(-6, 6, size=(300, 2))
    deep = t.network.forward_logits(np.hstack([X, np.ones((300, 1))])).copy()
    np.testing.assert_allclose(deep, X @ W_eff + b_eff, rtol=1e-10, atol=1e-10)
    assert ins.collapse.max_difference < 1e-10


def test_one_kink_breaks_the_collapse():
    # LINE with its third point lifted by 0.5: one kink at 0 and one at 0.5
    kinked = PiecewiseLinear("Line", ((-2.0, -3.0), (0.0, 1.0), (0.5, 2.5), (3.0, 7.0)))
    t = Trainer(point_lab(("Line", "Line"), (kinked,)))
    t.train(20)
    ins = compute_insights(t, grid=20)
    assert not ins.collapse.all_linear and ins.collapse.W_eff is None
    assert ins.collapse.runs == ()
    assert ins.collapse.meter > 0.01  # the output is no longer linear in the inputs
    # the product of the layers as if the function were the line 2z + 1 misses the net
    params = t.network.get_params()
    X = np.random.default_rng(0).uniform(-6, 6, size=(300, 2))
    deep = analysis.forward_logits(params, ("Line", "Line"), X, custom=(kinked,))
    as_line = analysis.forward_logits(params, ("Line", "Line"), X, custom=(LINE,))
    assert np.max(np.abs(deep - as_line)) > 1e-2


def test_a_mixed_network_merges_only_the_linear_run():
    params = [(np.eye(2) * 2, np.ones(2)), (np.eye(2), np.zeros(2)), (np.ones((2, 1)), np.zeros(1))]
    fp, fa = fold_affine(params, ("Line", "Hat"), (LINE, HAT))
    assert fa == ["linear", "Hat"]
    np.testing.assert_array_equal(fp[0][0], np.eye(2) * 4)
    np.testing.assert_array_equal(fp[0][1], np.ones(2) * 3)
    assert analysis.collapse_runs(fa) == [(0, 1)]
    X = np.random.default_rng(1).normal(size=(50, 2))
    assert analysis.max_collapse_difference(params, ("Line", "Hat"), X, (LINE, HAT)) < 1e-12


def test_trainer_trains_a_custom_network_deterministically():
    lab = point_lab(("Hat", "relu"), (HAT,), hidden=(6, 4))
    runs = []
    for _ in range(2):
        t = Trainer(lab)
        t.train(60)
        runs.append((t.network.flat.copy(), t.history.column("train_loss")))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])  # same seed, same bits
    losses = runs[0][1]
    assert losses[-1] < losses[0]
    assert Trainer(lab).network.activation_names == ("Hat", "relu")
    assert replace(lab.network, custom=()) != lab.network  # the points are part of the lab


# --- image labs: conv and dense layers name custom activations too ----------------------
def _image_spec(**kw):
    from actlab.engine.models.cnn import ConvSpec, ImageNetSpec
    conv = (ConvSpec(2, 3, "same", 1, "Hat", "max", custom=(HAT,)),
            ConvSpec(2, 3, "valid", 1, "tanh", "none"))
    return ImageNetSpec(conv=conv, head="flatten", hidden=(3,), activations=("hat",),
                        n_classes=2, input_size=8, custom=(HAT,), **kw)


def test_image_network_gradient_with_custom_layers_matches_finite_differences():
    from actlab.engine.models.cnn import ConvNetwork
    spec = _image_spec()
    assert spec.conv[0].activation == "Hat" and spec.activations == ("Hat",)
    assert all(c.custom == (HAT,) for c in spec.conv)  # the spec hands its tuple to every layer
    net = ConvNetwork(spec, 4)
    net.flat += np.random.default_rng(1).normal(scale=0.1, size=net.n_params)
    X = np.random.default_rng(2).random((4, 1, 8, 8))
    y = np.arange(4) % 2
    analytic, numeric = gradient_and_finite_differences(net, X, y)
    err = np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic) + np.linalg.norm(numeric))
    assert err < 1e-6


def test_image_spec_refuses_an_activation_it_does_not_carry():
    from actlab.engine.models.cnn import ConvSpec, ImageNetSpec
    with pytest.raises(ValueError, match=r"^activation: unknown activation 'Hat'"):
        ConvSpec(activation="Hat")  # a layer alone knows only the built-ins
    with pytest.raises(ValueError, match=r"^conv\[0\]\.activation: unknown activation 'Hat'"):
        ImageNetSpec(conv=(ConvSpec(activation="Hat", custom=(HAT,)),), custom=())
    with pytest.raises(ValueError, match=r"^activations\[0\]: unknown activation 'Hat'"):
        ImageNetSpec(hidden=(3,), activations=("Hat",))
    twin = PiecewiseLinear("hat", ((0, 0), (1, 1)))
    with pytest.raises(ValueError, match=r"^custom\[1\]\.name: 'hat' is defined twice"):
        ImageNetSpec(custom=(HAT, twin))


def test_image_trainer_trains_with_a_custom_activation():
    from actlab.labfile.presets import load_preset
    lab = load_preset("images-linear-cnn-counts-ink")
    net = replace(_image_spec(), input_size=lab.network.input_size,
                  n_classes=lab.network.n_classes)
    lab = replace(lab, data=replace(lab.data, per_class=12), network=net)
    a, b = Trainer(lab), Trainer(lab)
    assert a.kind == "images"  # one Trainer for every kind; this one trains a CNN
    a.train(4)
    b.train(4)
    np.testing.assert_array_equal(a.network.flat, b.network.flat)
    assert np.all(np.isfinite(a.history.column("train_loss"))) and a.diverged is None
    every = lab.network.with_activation("Hat")  # one custom activation in every layer
    assert {c.activation for c in every.conv} == {"Hat"} and every.activations == ("Hat",)
