"""Training behaviour: determinism, the compiled epoch, settings changes, divergence."""
from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.trainer import Trainer
from actlab.engine.models.mlp import augment, target_form
from actlab.lab import DataSpec, Lab, NetworkSpec, TrainingSpec, default_lab


def _lab(**training):
    return replace(default_lab(), training=replace(default_lab().training, **training))


@pytest.mark.parametrize("opt", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("reshuffle", [True, False])
def test_same_seed_gives_bit_identical_runs(opt, reshuffle):
    lab = _lab(optimizer=opt, reshuffle=reshuffle, learning_rate=0.01, regularization="l2",
               reg_rate=0.001)
    a, b = Trainer(lab), Trainer(lab)
    a.train(15)
    b.train(15)
    assert a.network.flat.tobytes() == b.network.flat.tobytes()
    assert np.array_equal(a.history.column("train_loss"), b.history.column("train_loss"))
    c = Trainer(replace(lab, seed=2))
    c.train(15)
    assert not np.array_equal(a.network.flat, c.network.flat)


@pytest.mark.parametrize("data,acts,reg", [
    ("circle", ("tanh", "relu"), "none"),
    ("spiral3", ("elu", "sigmoid"), "l1"),
    ("plane", ("gelu", "sine"), "l2"),
])
def test_compiled_epoch_matches_readable_backprop(data, acts, reg):
    """The flat op list must do exactly what Network.train_gradients + SGD do."""
    problem = "regression" if data == "plane" else "classification"
    lab = Lab(data=DataSpec(generator=data, n_points=97, problem=problem),
              network=NetworkSpec(hidden=(5, 3), activations=acts),
              training=TrainingSpec(batch_size=7, reshuffle=False, regularization=reg,
                                    reg_rate=0.01 if reg != "none" else 0.0))
    t = Trainer(lab)
    ref = Trainer(lab)
    net = ref.network
    t.train(2)
    X, y = ref.train_rows()
    Xa = augment(X)
    n, bs = len(y), 7
    for _ in range(2):
        for s in range(0, n, bs):
            m = len(y[s:s + bs])
            net.train_gradients(Xa[s:s + bs], target_form(y[s:s + bs], net.output, net.sizes[-1], m))
            w = net.flat * net.weight_mask
            if reg == "l2":
                net.grad_flat += 0.01 * w
            elif reg == "l1":
                net.grad_flat += 0.01 * np.sign(w)
            net.flat -= 0.03 * net.grad_flat
    np.testing.assert_allclose(t.network.flat, net.flat, rtol=1e-12, atol=1e-14)


def test_training_reduces_loss_and_records_history():
    t = Trainer(default_lab())
    first = t.evaluate()["train_loss"]
    t.train(100)
    h = t.history.view()
    assert len(h["train_loss"]) == 100 and h["epoch"][-1] == 100
    assert h["train_loss"][-1] < first / 3
    assert h["test_accuracy"][-1] > 0.9


def test_learning_rate_and_batch_size_change_without_reset():
    t = Trainer(default_lab())
    t.train(5)
    before = t.network.flat.copy()
    t.set_training(replace(t.training, learning_rate=0.1, batch_size=25))
    assert np.array_equal(before, t.network.flat) and t.epoch == 5
    t.train(5)
    assert t.epoch == 10 and t.optimizer.lr == 0.1


def test_divergence_stops_with_reason_and_keeps_last_good_parameters():
    lab = Lab(data=DataSpec(generator="plane", problem="regression"),
              network=NetworkSpec(hidden=(8, 8), activations=("linear", "linear")),
              training=TrainingSpec(learning_rate=10.0, batch_size=10))
    t = Trainer(lab)
    done = t.train(50)
    assert t.diverged and "learning rate" in t.diverged
    assert done < 50 and len(t.history) == done
    assert np.all(np.isfinite(t.network.flat))
    assert t.train(5) == 0


def test_stop_after():
    t = Trainer(_lab(stop_after=7))
    assert t.train(100) == 7 and t.finished


def test_to_lab_round_trip_continues_identically():
    t = Trainer(_lab(reshuffle=False))
    t.train(10)
    lab = t.to_lab()
    u = Trainer(lab)
    assert u.epoch == 10
    assert np.array_equal(u.network.flat, t.network.flat)
    t.train(3)
    u.train(3)
    assert np.array_equal(u.network.flat, t.network.flat)


def test_activations_in_lock_step_share_initial_weights_and_order():
    base = default_lab()
    a = Trainer(replace(base, network=base.network.with_activation("relu")))
    b = Trainer(replace(base, network=base.network.with_activation("tanh")))
    assert np.array_equal(a.network.flat, b.network.flat)


def test_snapshot_is_frozen_and_shaped():
    t = Trainer(default_lab())
    t.train(3)
    s = t.snapshot(grid=50)
    assert s.epoch == 3 and s.surface.shape == (50, 50)
    assert [n.shape for n in s.neurons] == [(4, 50, 50), (2, 50, 50)]
    with pytest.raises(ValueError):
        s.surface[0, 0] = 1
    t.train(3)
    assert len(s.history["train_loss"]) == 3  # old snapshot unchanged


def test_multiclass_and_regression_train():
    t = Trainer(Lab(data=DataSpec(generator="blobs3"), network=NetworkSpec((6,), ("relu",))))
    t.train(50)
    assert t.history.last()["test_accuracy"] > 0.9
    r = Trainer(Lab(data=DataSpec(generator="plane", problem="regression"),
                    network=NetworkSpec((4,), ("linear",))))
    r.train(50)
    assert r.history.last()["test_loss"] < 0.01
    assert np.isnan(r.history.last()["test_accuracy"])


def test_history_views_share_one_epoch_column():
    """Snapshots take a view every few ms: the epoch column must not be a new array each
    time (a fresh arange per view made the heap creep on a 10^6-epoch run)."""
    from actlab.engine.history import History

    h = History(16)
    for i in range(40):  # past two doublings of the storage
        h.append(i, i, 0.5, 0.5)
    a, b = h.view(), h.view()
    assert np.array_equal(a["epoch"], np.arange(1, 41))
    assert np.shares_memory(a["epoch"], b["epoch"]) and not a["epoch"].flags.writeable
    h.append(1, 1, 1, 1)
    assert len(a["epoch"]) == 40 and np.array_equal(h.view()["epoch"], np.arange(1, 42))
