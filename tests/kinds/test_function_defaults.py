"""The labs the Data panels switch to for function data (y = f(x)): the student's dense
network and training carried from a point lab and back, the defaults from an image lab, and
every lab one the engine trains and the lab file round-trips."""
from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.data.functions import FUNCTION_GENERATORS, curve
from actlab.engine.trainer import Trainer
from actlab.kinds.functions import FUNCTION_TRAINING, as_function_lab, function_lab_for
from actlab.kinds.points import point_lab_for
from actlab.lab import FunctionDataSpec, NetworkSpec, TrainingSpec, default_function_lab, default_lab
from actlab.labfile.format import load_lab, save_lab
from actlab.labfile.presets import load_preset


def _point_lab():
    return replace(default_lab(), seed=42,
                   data=replace(default_lab().data, train_fraction=0.7, seed=9, noise=0.3),
                   network=NetworkSpec(hidden=(6, 3), activations=("relu", "linear")),
                   training=TrainingSpec(optimizer="momentum", learning_rate=0.1, batch_size=5),
                   guide={"instructions": "about circles"})


@pytest.mark.parametrize("name", list(FUNCTION_GENERATORS))
def test_from_a_point_lab_keeps_network_training_split_and_seeds(name, tmp_path):
    old = _point_lab()
    lab = function_lab_for(old, name)
    assert lab.kind == "functions" and lab.data.generator == name
    assert lab.features == ("x",)
    assert lab.network == old.network and lab.training == old.training
    assert lab.seed == 42 and lab.data.seed == 9 and lab.data.train_fraction == 0.7
    # a point lab's noise is a fraction of jumble, not a standard deviation of y
    assert lab.data.noise == 0.0 and lab.data.n_points == FunctionDataSpec().n_points
    assert lab.params is None and lab.history is None and lab.guide is None
    assert FUNCTION_GENERATORS[name].title in lab.name
    trainer = Trainer(lab)
    x = trainer.dataset.X_train[:, 0]
    assert trainer.dataset.n_train == 140 and trainer.dataset.n_test == 60
    np.testing.assert_allclose(trainer.dataset.y_train, curve(name, x))  # noise 0
    trainer.train_epoch()
    save_lab(lab, tmp_path / "f.actlab")
    assert load_lab(tmp_path / "f.actlab") == lab


def test_from_an_image_lab_takes_the_function_defaults():
    old = replace(load_preset("images-digits"), seed=5)
    lab = function_lab_for(old, "bump")
    assert lab.network == default_function_lab().network == NetworkSpec(hidden=(8,),
                                                                        activations=("tanh",))
    assert lab.training == FUNCTION_TRAINING and lab.seed == 5
    assert lab.data.train_fraction == old.data.train_fraction
    Trainer(lab).train_epoch()


def test_from_a_function_lab_keeps_points_and_noise():
    old = replace(default_function_lab(),
                  data=FunctionDataSpec("sine", n_points=321, noise=0.25, train_fraction=0.4,
                                        seed=3), features=("x", "sinx"))
    lab = function_lab_for(old, "step")
    assert lab.data == FunctionDataSpec("step", 321, 0.25, 0.4, 3)
    assert lab.features == ("x",)


def test_from_custom_function_data_keeps_the_count_but_no_noise():
    pts = (((0.0, 1.0), (1.0, 2.0), (2.0, 0.5)), ((3.0, 1.0),))
    old = replace(default_function_lab(),
                  data=FunctionDataSpec("custom", n_points=4, noise=0.2, points=pts))
    lab = function_lab_for(old, "abs")
    assert lab.data == FunctionDataSpec("abs", n_points=4, noise=0.0)


def test_an_unknown_curve_is_refused():
    with pytest.raises(KeyError):
        function_lab_for(default_lab(), "tangent")


def test_the_way_back_keeps_the_dense_network_and_training():
    fun = function_lab_for(_point_lab(), "sine")
    back = point_lab_for(fun)
    assert back.kind == "points" and back.features == default_lab().features
    assert back.network == fun.network and back.training == fun.training
    assert back.seed == 42
    Trainer(back).train_epoch()


def test_as_function_lab_keeps_a_function_lab_and_converts_others():
    fun = default_function_lab()
    assert as_function_lab(fun) is fun
    made = as_function_lab(_point_lab())
    assert made.kind == "functions" and made.data.generator == "sine"
