"""Lab equality: labs with the same content are equal, NaN in the history included."""
import math
from dataclasses import replace

import numpy as np

from actlab.engine.trainer import Trainer
from actlab.lab import DataSpec, Lab, NetworkSpec
from actlab.labfile.format import load_lab, save_lab


def _trained_regression_lab() -> Lab:
    lab = Lab(data=DataSpec(generator="plane", n_points=60, problem="regression"),
              network=NetworkSpec(hidden=(3,), activations=("tanh",)))
    t = Trainer(lab)
    t.train(4)
    return t.to_lab()


def test_to_lab_equals_itself_and_a_copy_despite_nan_accuracy():
    lab = _trained_regression_lab()
    assert all(math.isnan(v) for v in lab.history["train_accuracy"])   # regression
    assert lab == lab
    # new float objects: list equality would otherwise match NaN by identity
    copy = replace(lab, history={k: [float(repr(x)) for x in v]
                                 for k, v in lab.history.items()})
    assert copy == lab and lab == copy


def test_saved_and_reloaded_lab_is_equal(tmp_path):
    for lab in (_trained_regression_lab(),
                Trainer(Lab(data=DataSpec(n_points=40, train_fraction=1.0))).to_lab()):
        path = tmp_path / "x.actlab"
        save_lab(lab, path)
        back = load_lab(path)
        assert back == lab


def test_nan_in_different_places_or_different_values_are_unequal():
    lab = _trained_regression_lab()
    h = {k: list(v) for k, v in lab.history.items()}
    moved = dict(h, train_loss=[math.nan] + h["train_loss"][1:])
    assert replace(lab, history=moved) != lab
    changed = dict(h, test_loss=[v + 1e-12 for v in h["test_loss"]])
    assert replace(lab, history=changed) != lab
    shorter = {k: v[:-1] for k, v in h.items()}
    assert replace(lab, history=shorter) != lab
    assert replace(lab, history=None) != lab and replace(lab, history={}) != lab
    fewer_keys = {k: v for k, v in h.items() if k != "test_loss"}
    assert replace(lab, history=fewer_keys) != lab


def test_params_compare_by_value():
    lab = _trained_regression_lab()
    other = replace(lab, params=tuple((W.copy(), b.copy()) for W, b in lab.params))
    assert other == lab
    W, b = other.params[0]
    W2 = W.copy()
    W2[0, 0] = np.nextafter(W2[0, 0], np.inf)
    assert replace(lab, params=((W2, b),) + other.params[1:]) != lab
