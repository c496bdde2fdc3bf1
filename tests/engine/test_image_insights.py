"""image_insights: the conv collapse, templates, saliency, dead filters and the image
trainer's gradient record, each checked against an independent computation."""
from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.analysis import conv as ca
from actlab.engine.analysis import conv_reference as ref
from actlab.engine.analysis.image_insights import image_insights
from actlab.engine.model import Update
from actlab.engine.models.cnn import ConvNetwork
from actlab.engine.optimizers import make_optimizer
from actlab.engine.regularizers import regularization_kind, regularizer_ops
from actlab.engine.trainer import Trainer
from actlab.labfile.presets import load_preset


def _lab(name):
    return load_preset(name)


@pytest.fixture(scope="module")
def five():
    t = Trainer(_lab("images-two-3x3-are-one-5x5"))
    t.train(2)
    return t


def test_composite_kernel_gives_the_stack_output(five):
    ins = image_insights(five)
    assert ins.runs == ((0, 1),)
    rc = ins.collapses[0]
    K, b = ca.compose_stack(list(zip(rc.kernels, rc.biases)))
    np.testing.assert_allclose(rc.collapse.kernel, K)
    # independent: the two valid convolutions and the one composite on a random image
    x = np.random.default_rng(3).random((2, 1, 16, 16))
    h = x
    for Ki, bi in zip(rc.kernels, rc.biases):
        h = ref.conv2d(h, Ki, bi, 1, (0, 0))
    single = ref.conv2d(x, rc.collapse.kernel, rc.collapse.bias, 1, (0, 0))
    assert rc.collapse.kernel_size == (5, 5)
    np.testing.assert_allclose(single, h, atol=1e-12)
    assert rc.collapse.max_difference < 1e-12 and rc.collapse.note == ""
    assert "5×5" in ins.merged_text


def test_templates_are_the_whole_linear_network(five):
    ins = image_insights(five)
    assert ins.first_nonlinearity is None
    T = ins.templates
    x = five.dataset.x_test[:20]
    scores = five.network.logits(x)
    direct = x.reshape(len(x), -1) @ T.templates.reshape(len(T.templates), -1).T + T.constants
    np.testing.assert_allclose(scores, direct, atol=1e-10)
    slow = ca.templates(five.network.get_params(), five.network.spec.conv,
                        five.network.spec.head, 16)
    np.testing.assert_allclose(T.templates, slow.templates, atol=1e-12)
    np.testing.assert_allclose(T.constants, slow.constants, atol=1e-12)
    assert T.max_difference < 1e-12


def test_saliency_same_for_linear_different_for_relu(five):
    lin = image_insights(five, "test", 5)
    assert lin.saliency_indices[0] == 5 and len(lin.saliency_indices) >= 3
    assert lin.saliency_difference < 1e-12
    # and it is the template of the class it was taken for
    np.testing.assert_allclose(lin.saliencies[1], lin.templates.templates[lin.saliency_class],
                               atol=1e-10)
    lab = _lab("images-shapes-need-nonlinearity")
    t = Trainer(lab)
    t.train(1)
    rel = image_insights(t, "test", 4)
    params, spec = t.network.get_params(), t.network.spec
    for i, m in zip(rel.saliency_indices, rel.saliencies):  # each against the one-image form
        one = ca.saliency(params, spec.conv, spec.head, t.dataset.x_test[i], (),
                          rel.saliency_class)
        np.testing.assert_allclose(m, one.gradient, atol=1e-12)
    assert rel.saliency_relative > 1e-3
    assert not np.allclose(rel.saliencies[0], rel.saliencies[1])
    assert rel.runs == () and rel.templates is None
    assert rel.breaks[0] == "layer 1 uses ReLU"
    assert rel.first_nonlinearity == "layer 1 uses ReLU"


def test_dead_filter_is_reported():
    t = Trainer(_lab("images-shapes-need-nonlinearity"))
    params = t.network.get_params()
    K, b = params[0]
    b = b.copy()
    b[2] = -1e3  # no image can lift filter 3 of layer 1 above zero
    params[0] = (K, b)
    t.network.set_params(params)
    ins = image_insights(t)
    assert ins.dead_lists[0] == (2,)
    assert ins.dead_units[0] == 1 and ins.unit_kinds[0] == "filters"
    assert ins.layer_sizes[0] == 8 and ins.unit_names[0] == "Convolution 1"
    assert ins.dead_sample <= 200


def _mean_abs_weights(grads):
    return np.array([np.mean(np.abs(g)) for g, _ in grads])


@pytest.mark.parametrize("reg", ["none", "l2"])
def test_gradient_record_from_epoch_zero(reg):
    lab = _lab("images-two-3x3-are-one-5x5")
    n = Trainer(lab).n_train
    # full batch: one step per epoch, so epoch 1's gradient is the full-batch gradient
    # at the starting weights, which loss_and_grads computes independently
    lab = replace(lab, training=replace(lab.training, batch_size=n, regularization=reg,
                                        reg_rate=0.01 if reg == "l2" else 0.0))
    t = Trainer(lab)
    start = Trainer(lab)
    _, grads = start.network.loss_and_grads(start.dataset.x_train, start.dataset.y_train)
    t.train(3)
    assert list(t.gradients.epochs()) == [0, 1, 2, 3]
    rows = t.gradients.norms()
    np.testing.assert_allclose(rows[0], _mean_abs_weights(grads), rtol=1e-9)
    np.testing.assert_allclose(rows[1], _mean_abs_weights(grads), rtol=1e-9)
    assert rows.shape == (4, 3) and np.all(rows > 0)
    ins = image_insights(t)
    assert list(ins.grad_epochs) == [0, 1, 2, 3]
    assert ins.layer_names == ("Convolution 1", "Convolution 2", "output")


def test_recording_changes_no_bit_of_training():
    """The trainer with its record against the bare network and its epoch program (the
    minibatch loop, with the same optimizer and regulariser), seeded the same way (see
    engine/trainer.py): the same weights bit for bit."""
    lab = _lab("images-linear-cnn-counts-ink")
    t = Trainer(lab)
    t.train(2)
    tr = lab.training
    net = ConvNetwork(t.network.spec, np.random.default_rng([lab.seed, 0]))
    opt = make_optimizer(tr.optimizer, net.n_params, tr.learning_rate, tr.momentum)
    reg = regularization_kind(tr.regularization) if tr.reg_rate > 0 else "none"
    term = np.empty(net.n_params)
    update = Update(regularizer_ops(reg, net.flat, net.grad_flat, net.weight_mask * tr.reg_rate,
                                    term), term, opt.ops(net.flat, net.grad_flat))
    bare = net.epoch_program(t.dataset.x_train, t.dataset.y_train, tr.batch_size, True, update)
    rng = np.random.default_rng([lab.seed, 1])
    for _ in range(2):
        with np.errstate(all="ignore"):
            bare.run(rng, None, None)
    assert np.isfinite(net.flat).all()
    assert np.array_equal(t.network.flat, net.flat)
