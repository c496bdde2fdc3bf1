"""Activations at the edges: NaN in gives NaN out on every face, GELU is exact for huge
inputs, and names are accepted in any case."""
import math

import numpy as np
import pytest

from actlab.engine.activations.builtin import ACTIVATIONS, NAMES
from actlab.engine.activations.lookup import canonical_name, get_activation
from actlab.engine.models.mlp import Network
from actlab.engine.models.mlp_program import fast

# every code path: the registry entries, plus leaky ReLU with a slope above 1 (its forward
# uses minimum instead of maximum) and a non-default slope below 1
CASES = [(n, ACTIVATIONS[n]) for n in NAMES] + [
    ("leaky_relu(0.2)", get_activation("leaky_relu", 0.2)),
    ("leaky_relu(1.5)", get_activation("leaky_relu", 1.5)),
]


def _faces(act, z, g=None):
    """value, derivative, in-place forward, in-place backward, and the compiled
    forward/backward ops replayed after ``plan.fast`` (as the training loop runs them)."""
    g = np.ones_like(z) if g is None else g
    out, tmp, back = np.empty_like(z), np.empty_like(z), np.empty_like(z)
    act.forward(z, out)
    act.backward(z, out, g, back, tmp)
    fout, ftmp, fback = np.empty_like(z), np.empty_like(z), np.empty_like(z)
    for f, args in fast(act.forward_ops(z, fout)):
        f(*args)
    for f, args in fast(act.backward_ops(z, fout, g, fback, ftmp)):
        f(*args)
    return {"value": act.value(z), "derivative": act.derivative(z), "forward": out,
            "backward": back, "compiled forward": fout, "compiled backward": fback}


@pytest.mark.parametrize("name,act", CASES, ids=[c[0] for c in CASES])
def test_nan_in_gives_nan_out_on_every_face(name, act):
    # NaN next to ordinary values, in a feature-major block as the network uses them
    z = np.array([[np.nan, -2.0, 0.0, 3.0], [1.5, np.nan, -0.5, np.nan]])
    with np.errstate(invalid="ignore"):
        faces = _faces(act, z)
    nan = np.isnan(z)
    for face, arr in faces.items():
        assert np.all(np.isnan(arr[nan])), f"{name} {face}: {arr[nan]} for NaN input"
        assert np.all(np.isfinite(arr[~nan])), f"{name} {face} spoilt finite entries"


@pytest.mark.parametrize("name,act", CASES, ids=[c[0] for c in CASES])
def test_nan_gradient_reaches_backward_output(name, act):
    """A NaN arriving from the layer above (the gradient) is not hidden either."""
    z = np.array([-1.0, 0.5, 2.0])
    g = np.array([np.nan, np.nan, np.nan])
    faces = _faces(act, z, g)
    assert np.all(np.isnan(faces["backward"])) and np.all(np.isnan(faces["compiled backward"]))


@pytest.mark.parametrize("name", ["relu", "elu", "leaky_relu", "linear"])
def test_nan_weight_makes_the_network_output_nan(name):
    """The defect as a student meets it: a NaN first-layer weight must reach the output."""
    net = Network(2, (4, 3), (name, name), output="sigmoid", rng=0)
    net.Wa[0][0, 0] = np.nan
    z = net.forward_logits(np.array([[1.0, 2.0, 1.0], [-1.0, 0.5, 1.0]]))
    assert np.all(np.isnan(z))


def _gelu_reference(z: float) -> float:
    """The tanh-approximation GELU in exact-enough float arithmetic, for finite z."""
    c, k = math.sqrt(2 / math.pi), 0.044715
    if abs(z) > 100:  # tanh(c(z + k z^3)) is ±1 to far below double precision
        return z if z > 0 else -0.0
    return 0.5 * z * (1 + math.tanh(c * (z + k * z ** 3)))


def test_gelu_is_z_for_huge_z_and_inf_for_inf():
    gelu = ACTIVATIONS["gelu"]
    z = np.array([1e5, 1e6, 1e300, np.finfo(float).max, np.inf, -1e6, -1e300, -np.inf])
    with np.errstate(all="raise"):
        v = gelu.value(z)
        d = gelu.derivative(z)
        out, tmp, back = np.empty_like(z), np.empty_like(z), np.empty_like(z)
        gelu.forward(z, out)
        gelu.backward(z, out, np.ones_like(z), back, tmp)
    np.testing.assert_array_equal(v[:5], z[:5])
    np.testing.assert_array_equal(v[5:], 0.0)
    np.testing.assert_array_equal(out, v)
    np.testing.assert_array_equal(d, [1, 1, 1, 1, 1, 0, 0, 0])
    np.testing.assert_array_equal(back, d)


def test_gelu_unchanged_where_it_was_right():
    gelu = ACTIVATIONS["gelu"]
    z = np.concatenate([np.linspace(-12, 12, 97), [-60.0, 60.0, 1e4, -1e4]])
    # 1 + tanh(...) cancels for z < 0, so absolute errors of one ulp of 1 are inherent
    np.testing.assert_allclose(gelu.value(z), [_gelu_reference(x) for x in z],
                               rtol=1e-14, atol=1e-15)
    # and below the old clip at 1e5 the value is the old formula's, up to the sign of 0
    c, k = math.sqrt(2 / math.pi), 0.044715
    old = 0.5 * z * (1.0 + np.tanh(c * (z + k * z ** 3)))
    np.testing.assert_array_equal(gelu.value(z), old)


@pytest.mark.parametrize("name,act", CASES, ids=[c[0] for c in CASES])
def test_extreme_finite_inputs_are_finite_without_warnings(name, act):
    z = np.array([-1e300, -1e6, 1e6, 1e300])
    if name == "sine":
        z = np.array([-1e6, 1e6])  # sin/cos of 1e300 are finite too, but meaningless
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        faces = _faces(act, z)
    for face, arr in faces.items():
        assert np.all(np.isfinite(arr)), f"{name} {face}: {arr}"


@pytest.mark.parametrize("spelling,name", [("ReLU", "relu"), ("TANH", "tanh"),
                                           ("Leaky_ReLU", "leaky_relu"),
                                           ("leaky-relu", "leaky_relu"), (" GeLU ", "gelu"),
                                           ("SiLU", "silu")])
def test_activation_names_in_any_case(spelling, name):
    assert canonical_name(spelling) == name
    assert get_activation(spelling).name == name
    net = Network(2, (3,), (spelling,), rng=0)
    assert net.activation_names == (name,)


@pytest.mark.parametrize("bad", ["swish2", "", "re lu", "softmax"])
def test_unknown_activation_lists_the_valid_names(bad):
    with pytest.raises(ValueError) as e:
        get_activation(bad)
    for n in NAMES:
        assert n in str(e.value)
    with pytest.raises(ValueError, match="choose from"):
        Network(2, (3,), (bad,), rng=0)


@pytest.mark.parametrize("name", ["relu", "elu", "leaky_relu"])
def test_fallback_without_the_clip_ufunc_is_the_same(name, monkeypatch):
    """The fast maximum uses NumPy's (non-public) clip ufunc; without it the partial
    fallback must give the same numbers and the same NaN, with no deprecation warning."""
    import warnings

    from actlab.engine.activations import base as activations
    z = np.array([[np.nan, -2.0, 0.0, 3.0], [1.5, -np.inf, -0.5, np.inf]])
    with np.errstate(invalid="ignore"):
        fast_faces = _faces(ACTIVATIONS[name], z)
        monkeypatch.setattr(activations, "_CLIP", None)
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)
            slow_faces = _faces(ACTIVATIONS[name], z)
    for face in fast_faces:
        np.testing.assert_array_equal(slow_faces[face], fast_faces[face], err_msg=face)
