"""Setting one weight or bias by hand (Trainer.set_parameter): the value lands in the flat
buffer every compiled call reads, bad values change nothing, and snapshots report the
edited weights' loss."""
from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.trainer import PARAM_EDIT_LIMIT, Trainer
from actlab.lab import DataSpec, Lab, NetworkSpec


def _lab(hidden=(4, 2), activations=("tanh", "tanh"), generator="circle"):
    return Lab(data=DataSpec(generator=generator, n_points=120, seed=3),
               network=NetworkSpec(hidden=hidden, activations=activations), seed=5)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_a_weight_and_a_bias_set_by_hand_give_the_closed_form_output():
    # no hidden layer: the output is sigmoid(w1 x1 + w2 x2 + b), checked by hand
    t = Trainer(_lab(hidden=(), activations=()))
    t.set_parameter(0, 0, 0, 0.5)
    t.set_parameter(0, 1, 0, -1e-2)
    t.set_parameter(0, None, 0, 0.25)
    (W, b), = t.network.get_params()
    assert W[0, 0] == 0.5 and W[1, 0] == -1e-2 and b[0] == 0.25
    P = np.array([[1.0, 2.0], [-3.0, 0.5], [0.0, 0.0]])
    expected = _sigmoid(0.5 * P[:, 0] - 0.01 * P[:, 1] + 0.25)
    np.testing.assert_allclose(t.predict_points(P), expected, rtol=1e-12)
    # the surface of the next snapshot is that same function on its grid
    snap = t.snapshot(9)
    xs = np.linspace(-snap.extent, snap.extent, 9)
    g1, g2 = np.meshgrid(xs, xs)
    np.testing.assert_allclose(snap.surface, _sigmoid(0.5 * g1 - 0.01 * g2 + 0.25),
                               rtol=1e-6)
    assert snap.params[0][0][0, 0] == 0.5 and snap.params[0][1][0] == 0.25


def test_training_goes_on_from_the_edited_weights_bit_for_bit():
    """The compiled epoch must read the edited buffer: training after an edit equals a
    fresh run that starts from the edited weights."""
    edited = Trainer(_lab())
    edited.set_parameter(1, 3, 1, 0.75)   # hidden layer 1 neuron 4 -> layer 2 neuron 2
    edited.set_parameter(2, None, 0, -0.5)  # the output bias
    start = tuple(edited.network.get_params())
    fresh = Trainer(replace(_lab(), params=start))
    edited.train(4)
    fresh.train(4)
    np.testing.assert_array_equal(edited.network.flat, fresh.network.flat)
    np.testing.assert_array_equal(edited.history.column("train_loss"),
                                  fresh.history.column("train_loss"))


def test_the_snapshot_after_an_edit_reports_the_edited_weights_loss():
    t = Trainer(_lab())
    t.train(3)
    before = t.snapshot(None).train_loss
    t.set_parameter(0, 0, 0, 3.0)
    X, y = t.train_rows()
    snap = t.snapshot(None)
    assert snap.train_loss == pytest.approx(t.network.data_loss(X, y), rel=1e-12)
    assert snap.train_loss != before
    assert snap.epoch == 3 and len(t.history) == 3  # an edit is not an epoch
    t.train(1)  # after an epoch the history's row is current again
    assert t.snapshot(None).train_loss == t.history.last()["train_loss"]


@pytest.mark.parametrize("bad", ["abc", "", None, float("nan"), float("inf"), -float("inf"),
                                 PARAM_EDIT_LIMIT * 1.001, -2e3])
def test_bad_values_are_refused_and_change_nothing(bad):
    t = Trainer(_lab())
    flat = t.network.flat.copy()
    with pytest.raises(ValueError):
        t.set_parameter(0, 0, 0, bad)
    np.testing.assert_array_equal(t.network.flat, flat)


def test_indices_outside_the_layer_are_refused():
    t = Trainer(_lab())
    with pytest.raises(IndexError):
        t.set_parameter(0, 2, 0, 1.0)  # two inputs: 2 would be the bias row
    with pytest.raises(IndexError):
        t.set_parameter(3, 0, 0, 1.0)


def test_an_edit_that_makes_values_too_large_to_draw_is_undone():
    """A chain of linear one-neuron layers with every weight at the limit multiplies the
    input by 1000 per layer: the first edit that takes a pre-activation past the drawing
    limit (1e30) is refused, where the closed form says."""
    from actlab.engine.divergence import VALUE_LIMIT

    t = Trainer(_lab(hidden=(1,) * 10, activations=("linear",) * 10))
    rows = np.vstack([t.train_rows()[0], t.test_rows()[0]])
    s = float(np.abs(rows.sum(axis=1)).max())  # |x1 + x2| at its largest; biases are 0
    t.set_parameter(0, 0, 0, PARAM_EDIT_LIMIT)
    t.set_parameter(0, 1, 0, PARAM_EDIT_LIMIT)
    refused = None
    for layer in range(1, 11):
        flat = t.network.flat.copy()
        try:
            t.set_parameter(layer, 0, 0, PARAM_EDIT_LIMIT)
        except ValueError as e:
            assert "too large to draw" in str(e)
            np.testing.assert_array_equal(t.network.flat, flat)
            refused = layer
            break
    # layer L's pre-activation is 1000**(L + 1) * s once layers 0..L are all at 1000
    expected = next(L for L in range(11) if PARAM_EDIT_LIMIT ** (L + 1) * s > VALUE_LIMIT)
    assert refused == expected


def test_a_deliberately_bad_weight_is_a_new_start_not_a_divergence():
    """Big hand-set weights make the loss huge (every neuron saturated at +1, the output
    logit 9000 everywhere); training from there is not a runaway: the runaway check
    measures against the loss the edit left, not the run's first loss."""
    t = Trainer(_lab(hidden=(8,), activations=("tanh",)))
    start = t.snapshot(None).train_loss
    for j in range(8):
        t.set_parameter(0, None, j, PARAM_EDIT_LIMIT)
        t.set_parameter(1, j, 0, PARAM_EDIT_LIMIT)
    t.set_parameter(1, None, 0, PARAM_EDIT_LIMIT)
    loss = t.snapshot(None).train_loss
    assert loss > 1e3 * max(start, 1.0)  # past what counts as a runaway from the start
    assert t.train(2) == 2 and not t.diverged
