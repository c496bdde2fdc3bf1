"""Input features (no Qt)."""
from __future__ import annotations

import numpy as np
import pytest

from actlab.engine.features import FEATURES, FeatureInfo, feature_names, is_raw, transform

X = np.array([[0.0, 0.0], [1.5, -2.0], [-6.0, 6.0], [np.pi / 2, -np.pi], [3.25, 0.5]])
x1, x2 = X[:, 0], X[:, 1]

FORMULAS = {
    "x1": x1,
    "x2": x2,
    "x1sq": x1 * x1,
    "x2sq": x2 * x2,
    "x1x2": x1 * x2,
    "sinx1": np.sin(x1),
    "sinx2": np.sin(x2),
}


def test_names_and_order():
    assert feature_names() == ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
    assert tuple(FEATURES) == feature_names()
    for name, info in FEATURES.items():
        assert isinstance(info, FeatureInfo) and info.name == name and info.label


def test_labels_are_readable():
    assert FEATURES["x1sq"].label == "x₁²"
    assert FEATURES["sinx2"].label == "sin(x₂)"


@pytest.mark.parametrize("name", list(FORMULAS))
def test_each_feature_matches_its_formula(name):
    np.testing.assert_array_equal(FEATURES[name].function(X), FORMULAS[name])
    np.testing.assert_array_equal(transform(X, [name])[:, 0], FORMULAS[name])


def test_transform_stacks_columns_in_the_given_order():
    names = ("sinx2", "x1", "x1x2")
    out = transform(X, names)
    assert out.shape == (len(X), 3) and out.dtype == np.float64 and out.flags.c_contiguous
    np.testing.assert_array_equal(out, np.column_stack([FORMULAS[n] for n in names]))
    everything = transform(X, feature_names())
    assert everything.shape == (len(X), 7)


def test_transform_accepts_integer_points_and_empty_input():
    out = transform(np.array([[1, 2]]), ["x1sq", "x1x2"])
    assert out.dtype == np.float64 and out.tolist() == [[1.0, 2.0]]
    assert transform(np.zeros((0, 2)), ["x1"]).shape == (0, 1)


def test_transform_errors():
    with pytest.raises(ValueError, match="at least one"):
        transform(X, [])
    with pytest.raises(ValueError, match="Unknown input feature 'x3'"):
        transform(X, ["x1", "x3"])
    with pytest.raises(ValueError, match="more than once"):
        transform(X, ["x1", "x1"])
    with pytest.raises(ValueError, match="shape"):
        transform(np.zeros((4, 3)), ["x1"])


def test_is_raw():
    assert is_raw("x1") and is_raw("x2")
    assert not any(is_raw(n) for n in ("x1sq", "x2sq", "x1x2", "sinx1", "sinx2"))
    with pytest.raises(ValueError, match="Unknown input feature"):
        is_raw("cosx1")
