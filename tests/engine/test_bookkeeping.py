"""The per-epoch bookkeeping is cheap and changes no bit: the evaluation of train and
test rows in one pass equals separate passes exactly, and training with the gradient
record off gives the same weights and history as with it on."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.models.mlp import augment
from actlab.engine.models.mlp_program import Evaluator
from actlab.engine.trainer import Trainer
from actlab.lab import DataSpec, Lab, NetworkSpec, TrainingSpec
from actlab.labfile import load_preset


def _lab(hidden=(8, 8, 8), act="relu", batch=10, generator="circle", **training):
    return Lab(data=DataSpec(generator=generator, n_points=200, noise=0.1,
                             train_fraction=0.5, seed=3),
               network=NetworkSpec(hidden=hidden, activations=(act,) * len(hidden)),
               training=TrainingSpec(optimizer=training.pop("optimizer", "sgd"),
                                     learning_rate=0.03, batch_size=batch, **training))


def _same_bits(a, b) -> bool:
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    return a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("lab", [
    _lab(),
    _lab(hidden=(4, 2), act="tanh", batch=250),
    _lab(hidden=(8,) * 6, act="sigmoid", reshuffle=True, optimizer="adam"),
    _lab(hidden=(5,), act="elu", regularization="l2", reg_rate=0.01),
    replace(_lab(), data=DataSpec(generator="plane", n_points=120, seed=2)),  # regression
], ids=["relu", "tanh-full-batch", "sigmoid-adam-reshuffle", "elu-l2", "regression"])
def test_one_evaluation_pass_equals_separate_train_and_test_passes_bit_for_bit(lab):
    t = Trainer(lab)
    t.train(7)
    fused = t._evaluation.run().copy()
    (Xtr, ytr), (Xte, yte) = t.train_rows(), t.test_rows()
    net = t.network
    empty = np.empty(0)
    train_only = Evaluator(net, augment(Xtr), ytr, empty).run().copy()
    test_only = Evaluator(net, augment(Xte), yte, empty).run().copy()
    # [train_loss, test_loss, train_accuracy, test_accuracy]
    assert _same_bits(fused[[0, 2]], train_only[[0, 2]])
    assert _same_bits(fused[[1, 3]], test_only[[0, 2]])
    # and the history's last row is that evaluation, bit for bit
    last = t.history.view()
    assert _same_bits(fused, np.array([last[c][-1] for c in
                                       ("train_loss", "test_loss", "train_accuracy",
                                        "test_accuracy")]))


def _run(lab, record, epochs=25, toggle=None):
    t = Trainer(lab)
    t.record_gradients = record
    for e in range(epochs):
        if toggle is not None and e == toggle:
            t.record_gradients = not t.record_gradients
        t.train(1)
    return t


@pytest.mark.parametrize("lab", [
    _lab(),
    _lab(hidden=(4, 2), act="tanh", batch=250),
    _lab(hidden=(8,) * 6, act="sigmoid", reshuffle=True, optimizer="momentum"),
    _lab(hidden=(5,), act="elu", regularization="l1", reg_rate=0.01),
], ids=["relu", "tanh-full-batch", "sigmoid-momentum-reshuffle", "elu-l1"])
def test_gradient_record_off_or_on_trains_the_same_bits(lab):
    on, off = _run(lab, True), _run(lab, False)
    assert _same_bits(on.network.flat, off.network.flat)
    h_on, h_off = on.history.view(), off.history.view()
    assert all(_same_bits(h_on[k], h_off[k]) for k in h_on)
    assert len(on.gradients) == 26 and len(off.gradients) == 0
    # switched on mid-run: the record goes on from there, training still the same bits
    late = _run(lab, False, toggle=10)
    assert _same_bits(late.network.flat, on.network.flat)
    assert list(late.gradients.epochs()) == list(range(11, 26))
    assert _same_bits(late.gradients.norms(), on.gradients.norms()[11:])


def test_gradient_record_off_or_on_trains_an_image_lab_the_same():
    lab = load_preset("images-two-3x3-are-one-5x5")
    on, off = Trainer(lab), Trainer(lab)
    off.record_gradients = False
    on.train(2)
    off.train(2)
    assert _same_bits(on.network.flat, off.network.flat)
    assert all(_same_bits(on.history.view()[k], off.history.view()[k])
               for k in on.history.view())
    assert len(on.gradients) == 3 and len(off.gradients) == 0


def test_train_and_train_epoch_give_the_same_bits():
    # train() sets the error state once for many epochs; train_epoch() once per epoch
    a, b = Trainer(_lab()), Trainer(_lab())
    a.train(12)
    for _ in range(12):
        b.train_epoch()
    assert _same_bits(a.network.flat, b.network.flat)
    assert all(_same_bits(a.history.view()[k], b.history.view()[k])
               for k in a.history.view())
    assert _same_bits(a.gradients.norms(), b.gradients.norms())
