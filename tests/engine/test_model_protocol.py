"""Both networks are Models (engine/model.py): the seam the one Trainer drives."""
import numpy as np
import pytest

from actlab.engine.model import EditableModel, EpochProgram, Evaluation, Model, Update
from actlab.engine.models.cnn import ConvNetwork, ConvSpec, ImageNetSpec
from actlab.engine.models.mlp import Network
from actlab.engine.optimizers import make_optimizer


def _dense():
    net = Network(2, (3,), ("tanh",), 1, "sigmoid", "xavier", 0)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 2)), (np.arange(12) % 2).astype(float)
    return net, X, y


def _conv():
    spec = ImageNetSpec(conv=(ConvSpec(2, 3, "same", 1, "relu", "none"),), input_size=8)
    net = ConvNetwork(spec, 0)
    rng = np.random.default_rng(0)
    return net, rng.random((12, 1, 8, 8)), np.arange(12) % 2


@pytest.mark.parametrize("make", [_dense, _conv])
def test_both_networks_satisfy_the_model_protocol(make):
    net, X, y = make()
    assert isinstance(net, Model)
    assert isinstance(net.evaluation(X[:8], y[:8], X[8:], y[8:]), Evaluation)
    opt = make_optimizer("sgd", net.n_params, 0.1)
    update = Update([], np.empty(net.n_params), opt.ops(net.flat, net.grad_flat))
    program = net.epoch_program(X, y, 4, True, update)
    assert isinstance(program, EpochProgram)
    # the per-layer blocks tile the flat buffer, and their weights are the mask's ones
    blocks = net.weight_layers()
    assert sum(e for e, _ in blocks) == net.n_params == net.flat.size
    assert sum(w for _, w in blocks) == int(net.weight_mask.sum())


@pytest.mark.parametrize("make", [_dense, _conv])
def test_an_epoch_program_reports_the_data_gradient_where_it_is_complete(make):
    """``end`` sees the last minibatch's data gradient: with full batches and no
    regulariser, the gradient of the whole set at the weights the epoch started from."""
    net, X, y = make()
    _, grads = net.loss_and_grads(X, y)
    want = np.concatenate([np.concatenate([w.ravel(), b.ravel()]) for w, b in grads])
    tmp = np.empty(net.n_params)
    opt = make_optimizer("sgd", net.n_params, 0.1)
    program = net.epoch_program(X, y, len(y), False, Update([], tmp, opt.ops(net.flat,
                                                                           net.grad_flat)))
    seen = {}
    program.run(np.random.default_rng(0), lambda g, minus: seen.setdefault("start", g.copy()),
                lambda g, minus: seen.setdefault("end", g.copy()))
    np.testing.assert_allclose(seen["start"], want, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(seen["end"], want, rtol=1e-9, atol=1e-12)


def test_only_the_dense_network_takes_hand_edits():
    assert isinstance(_dense()[0], EditableModel)
    assert not isinstance(_conv()[0], EditableModel)
