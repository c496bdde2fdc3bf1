"""The trainer's per-layer gradient record (what the gradient-flow view draws)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.analysis.dense import gradient_norms
from actlab.engine.history import GradientHistory
from actlab.engine.trainer import Trainer
from actlab.lab import Lab


def _lab(batch=100000, hidden=(6, 5, 4), act="tanh", reg="none", rate=0.0):
    lab = Lab()
    return replace(lab, network=replace(lab.network, hidden=hidden,
                                        activations=(act,) * len(hidden)),
                   training=replace(lab.training, batch_size=batch, regularization=reg,
                                    reg_rate=rate))


def _full_batch_norms(trainer):
    X, y = trainer.train_rows()
    return gradient_norms(trainer.network, X, y)


@pytest.mark.parametrize("reg", ["none", "l2", "l1"])
def test_full_batch_record_matches_the_analysis_gradient(reg):
    # with one minibatch per epoch the recorded gradient is the full-batch data gradient,
    # computed independently by Network.loss_and_grads (regularisation left out)
    t = Trainer(_lab(reg=reg, rate=0.0 if reg == "none" else 0.01))
    expected = [_full_batch_norms(t)]
    for _ in range(4):
        params = t.network.flat.copy()
        t.train(1)
        now = t.network.flat.copy()
        t.network.flat[:] = params           # the gradient was taken before the step
        expected.append(_full_batch_norms(t))
        t.network.flat[:] = now
    assert list(t.gradients.epochs()) == [0, 1, 2, 3, 4]
    # epoch e's row is the gradient taken at the weights before epoch e's step; epoch 0
    # is the same gradient (the first minibatch at the starting weights) as epoch 1's
    np.testing.assert_allclose(t.gradients.norms()[0], expected[0], rtol=1e-12)
    np.testing.assert_allclose(t.gradients.norms()[1:], np.array(expected[1:]), rtol=1e-12)


def test_minibatch_record_has_one_row_per_epoch_and_one_column_per_layer():
    t = Trainer(_lab(batch=10, hidden=(8,) * 4, act="relu"))
    t.train(12)
    assert list(t.gradients.epochs()) == list(range(13))
    n = t.gradients.norms()
    assert n.shape == (13, 5) and np.all(np.isfinite(n)) and np.all(n >= 0)


def test_record_stays_bounded_and_evenly_spaced_from_epoch_zero():
    g = GradientHistory(2, capacity=8)
    for e in range(0, 40):
        g.append(e, np.array([e, -e], dtype=float))
    ep = g.epochs()
    assert len(ep) <= 8 and ep[0] == 0
    assert len(set(np.diff(ep))) == 1                   # even spacing
    assert ep[-1] >= 40 - g.stride                      # reaches the present
    np.testing.assert_array_equal(g.norms()[:, 0], ep)  # rows moved with their epochs


def test_diverged_epoch_leaves_no_row():
    t = Trainer(replace(_lab(batch=10), training=replace(_lab().training, batch_size=10,
                                                         learning_rate=1e6)))
    t.train(50)
    assert t.diverged
    assert list(t.gradients.epochs()) == list(range(t.epoch + 1))


def test_same_seed_same_run_with_the_record():
    a, b = Trainer(_lab(batch=10)), Trainer(_lab(batch=10))
    a.train(5)
    b.train(5)
    assert np.array_equal(a.network.flat, b.network.flat)
    assert np.array_equal(a.gradients.norms(), b.gradients.norms())
