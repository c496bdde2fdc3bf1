"""Trainer(lab) for image labs: the same public shape as for point labs."""
import math
from dataclasses import replace

import numpy as np

from actlab.engine.models.cnn import ConvNetwork
from actlab.engine.trainer import Trainer
from actlab.lab import ImageDataSpec, Lab, TrainingSpec
from actlab.labfile.presets import load_preset


def small_lab(**training) -> Lab:
    lab = load_preset("images-linear-cnn-counts-ink")
    return replace(lab, data=replace(lab.data, per_class=12),
                   training=replace(lab.training, **training))


def test_trainer_of_an_image_lab_trains_a_cnn_and_point_labs_are_unchanged():
    image = Trainer(small_lab())  # one Trainer class for every kind of lab
    assert type(image) is Trainer and isinstance(image.network, ConvNetwork)
    point = Trainer(load_preset("circle-tanh"))
    assert type(point) is Trainer and point.network.get_params()[0][0].shape == (2, 4)


def test_history_params_and_predictions():
    t = Trainer(small_lab(stop_after=None))
    assert t.train(3) == 3 and t.epoch == 3
    h = t.history.view()
    assert set(h) >= {"epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy"}
    assert len(h["train_loss"]) == 3 and all(np.isfinite(h["test_loss"]))
    params = t.network.get_params()
    assert [p[0].shape for p in params] == [(8, 1, 3, 3), (8, 8, 3, 3), (8, 2)]
    # the history's last row is the whole-set loss and accuracy of the current weights
    ds = t.dataset
    probs = t.network.predict(ds.x_test)
    assert probs.shape == (ds.n_test, 2)
    acc = float(np.mean(probs.argmax(1) == ds.y_test))
    loss = -float(np.mean(np.log(probs[np.arange(ds.n_test), ds.y_test])))
    assert t.history.last()["test_accuracy"] == acc
    assert math.isclose(t.history.last()["test_loss"], loss, rel_tol=1e-12)


def test_initial_weights_are_the_network_of_seed_0_stream():
    lab = small_lab()
    t = Trainer(lab)
    ref = ConvNetwork(t.network.spec, np.random.default_rng([lab.seed, 0]))
    for (a, b), (c, d) in zip(t.network.get_params(), ref.get_params()):
        assert np.array_equal(a, c) and np.array_equal(b, d)


def test_same_seed_same_bits_and_another_seed_differs():
    runs = []
    for seed in (4, 4, 5):
        t = Trainer(replace(small_lab(), seed=seed))
        t.train(3)
        runs.append(t)
    a, b, c = (np.concatenate([w.ravel() for p in r.network.get_params() for w in p])
               for r in runs)
    assert a.tobytes() == b.tobytes() and not np.array_equal(a, c)
    assert runs[0].history.to_dict() == runs[1].history.to_dict()


def test_stop_after_and_resume_from_a_saved_lab():
    t = Trainer(small_lab(stop_after=2))
    assert t.train(10) == 2 and t.finished
    again = Trainer(replace(t.to_lab(), training=replace(t.lab.training, stop_after=None)))
    assert again.epoch == 2 and again.train(1) == 1 and again.epoch == 3


def test_divergence_is_reported_and_the_last_good_weights_kept():
    lab = small_lab(optimizer="sgd", learning_rate=10.0, stop_after=None)  # linear: blows up
    t = Trainer(lab)
    done = t.train(30)
    assert t.diverged and "diverged" in t.diverged and "learning rate" in t.diverged
    assert 0 < done < 30 and t.epoch == done  # the history holds the good epochs only
    assert t.finished and t.train(1) == 0
    assert all(np.isfinite(w).all() for p in t.network.get_params() for w in p)
    snap = t.snapshot()
    assert snap.diverged == t.diverged and snap.surface is None


def test_with_activation_sets_every_convolution_and_dense_layer():
    lab = small_lab()
    net = replace(lab.network, hidden=(6,), activations=("tanh",))
    relu = net.with_activation("relu")
    assert relu.activation_names() == ("relu", "relu", "relu")
    assert [c.pool for c in relu.conv] == [c.pool for c in net.conv]


def test_activations_share_the_minibatch_order():
    """Runs that differ only in activation see the same images in the same order:
    both shuffle with default_rng([seed, 1])."""
    lin, relu = (Trainer(replace(small_lab(), network=small_lab().network.with_activation(a)))
                 for a in ("linear", "relu"))
    assert lin._shuffle_rng.bit_generator.state == relu._shuffle_rng.bit_generator.state
    assert np.array_equal(lin.dataset.x_train, relu.dataset.x_train)
