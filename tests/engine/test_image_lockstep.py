"""Comparing activations on an image lab: the variants start from the same kernels, see
the same minibatches, and the compare pictures are the first-layer kernels or — for a
fully linear network — the class templates."""
from __future__ import annotations

import copy
from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.analysis.compare_tiles import compare_tiles, is_fully_linear, trainer_tiles
from actlab.engine.lockstep import activation_variants, train_lock_step
from actlab.engine.trainer import Trainer
from actlab.labfile.presets import load_preset

INK = "images-linear-cnn-counts-ink"


def _perm(trainer) -> np.ndarray:
    return copy.deepcopy(trainer._shuffle_rng).permutation(trainer.n_train)


def test_linear_and_relu_variants_start_from_identical_kernels_and_minibatches():
    lab = load_preset(INK)
    (_, lin), (_, relu) = activation_variants(lab, ["linear", "ReLU"])
    assert [c.activation for c in relu.network.conv] == ["relu", "relu"]
    a, b = Trainer(lin), Trainer(relu)
    assert a.kind == b.kind == "images"
    for (K, c), (K2, c2) in zip(a.network.get_params(), b.network.get_params()):
        assert K.shape == K2.shape and np.array_equal(K, K2) and np.array_equal(c, c2)
    assert np.array_equal(_perm(a), _perm(b))
    assert np.array_equal(a.dataset.x_train, b.dataset.x_train)
    # why the variants pin the initialisation: "auto" draws He-normal for a ReLU layer
    # and Xavier-uniform for a linear one, so the same draws give different kernels
    auto = Trainer(replace(lab, network=lab.network.with_activation("relu")))
    assert not np.array_equal(auto.network.get_params()[0][0], a.network.get_params()[0][0])


def test_one_lock_step_epoch_matches_separately_built_trainers_bit_for_bit():
    lab = load_preset(INK)
    variants = activation_variants(lab, ["linear", "relu"])
    together = [Trainer(v) for _, v in variants]
    assert train_lock_step(together, 1) == 1
    for t, (_, v) in zip(together, variants):
        alone = Trainer(v)
        alone.train(1)
        for (K, c), (K2, c2) in zip(t.network.get_params(), alone.network.get_params()):
            assert np.array_equal(K, K2) and np.array_equal(c, c2)
        assert t.history.view()["test_accuracy"] == alone.history.view()["test_accuracy"]
    # both runs drew the same minibatch order: their shuffling generators stand level
    s0, s1 = (t._shuffle_rng.bit_generator.state for t in together)
    assert s0 == s1
    # and the activation made a difference
    assert not np.array_equal(together[0].network.get_params()[0][0],
                              together[1].network.get_params()[0][0])


def test_a_fully_linear_run_shows_its_class_templates_and_they_are_the_network():
    lab = dict(activation_variants(load_preset(INK), ["linear"]))["linear"]
    t = Trainer(lab)
    t.train(2)
    spec = t.network.spec
    assert is_fully_linear(spec)
    tiles = trainer_tiles(t)
    assert tiles.content == "templates" and tiles.tiles.shape == (2, 16, 16)
    assert not tiles.tiles.flags.writeable
    # independent truth: the network's scores are template · image + constant
    x = t.dataset.x_test
    logits = t.network.logits(x)
    c = t.network.logits(np.zeros((1,) + x.shape[1:]))[0]
    approx = x.reshape(len(x), -1) @ tiles.tiles.reshape(2, -1).T + c
    assert np.allclose(logits, approx, atol=1e-9)


def test_a_non_linear_run_shows_its_first_layer_kernels():
    lab = dict(activation_variants(load_preset(INK), ["tanh"]))["tanh"]
    t = Trainer(lab)
    tiles = compare_tiles(t.network.spec, t.network.get_params())
    assert tiles.content == "filters"
    assert np.array_equal(tiles.tiles, t.network.get_params()[0][0][:, 0])
    # max pooling alone is non-linear too: still filters, not templates
    conv = tuple(replace(c, pool="max") for c in lab.network.conv)
    pooled = replace(lab.network, conv=conv, activations=(), init="xavier")
    pooled = replace(pooled, conv=tuple(replace(c, activation="linear") for c in conv))
    assert not is_fully_linear(pooled)


def test_unknown_activation_is_refused_for_image_labs():
    with pytest.raises(ValueError, match="choose from"):
        activation_variants(load_preset(INK), ["relu", "swish2"])

