"""Comparing activations: runs that differ only in their activation share the starting
weights and the minibatch order by construction, and train in lock step."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from actlab.engine.lockstep import activation_variants, train_lock_step
from actlab.engine.trainer import Trainer
from actlab.labfile.presets import load_preset

NAMES = ("linear", "relu", "tanh", "sigmoid")


def _first_permutation(trainer: Trainer) -> np.ndarray:
    """The order of the first epoch's points, read from a copy of the trainer's
    shuffling generator (the trainer itself is left untouched)."""
    return copy.deepcopy(trainer._shuffle_rng).permutation(trainer.n_train)


def test_variants_share_seed_data_start_weights_and_minibatch_order():
    lab = load_preset("xor-needs-nonlinearity")
    variants = activation_variants(lab, NAMES)
    assert [n for n, _ in variants] == list(NAMES)
    for name, v in variants:
        assert set(v.network.activations) == {name}
        assert (v.seed, v.data, v.features, v.training) == (lab.seed, lab.data, lab.features,
                                                           lab.training)
        assert v.params is None and v.history is None
    trainers = [Trainer(v) for _, v in variants]
    first = trainers[0]
    for t in trainers[1:]:
        for (W0, b0), (W, b) in zip(first.network.get_params(), t.network.get_params()):
            assert np.array_equal(W0, W) and np.array_equal(b0, b)
        assert np.array_equal(first.dataset.X_train, t.dataset.X_train)
        assert np.array_equal(_first_permutation(first), _first_permutation(t))
    assert first.training.reshuffle  # the permutation is really used


def test_lock_step_keeps_every_run_at_the_same_epoch():
    lab = load_preset("xor-needs-nonlinearity")
    trainers = [Trainer(v) for _, v in activation_variants(lab, ("linear", "tanh"))]
    for n in (1, 7, 30):
        assert train_lock_step(trainers, n) == n
    assert [t.epoch for t in trainers] == [38, 38]
    # same start, same points, different activation: different weights now
    assert not np.array_equal(trainers[0].network.flat, trainers[1].network.flat)


def test_no_hidden_layer_has_nothing_to_compare():
    lab = load_preset("one-layer-line")
    if lab.network.hidden:
        pytest.skip("the preset gained a hidden layer")
    with pytest.raises(ValueError, match="no hidden layer"):
        activation_variants(lab, NAMES)


def test_variant_names_in_any_case_are_canonical_and_unknown_ones_refused():
    lab = load_preset("xor-needs-nonlinearity")
    assert [n for n, _ in activation_variants(lab, ["ReLU", "TANH"])] == ["relu", "tanh"]
    assert activation_variants(lab, ["ReLU"])[0][1].network.activations == ("relu",)
    with pytest.raises(ValueError, match="choose from"):
        activation_variants(lab, ["relu", "swish2"])
