"""What the network makes of one drawing (issue 20, item 4): the class probabilities are
the trainer's own, the maps the reference forward pass's, and the drawing's own template
gives its score exactly — or, for a smooth network, there is none and the answer says
why."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.analysis.conv import feature_maps
from actlab.engine.analysis.drawing_answer import DrawingClassifier
from actlab.engine.trainer import Trainer
from actlab.labfile.presets import load_preset


def _trained(name: str, activation: str | None = None, epochs: int = 3) -> Trainer:
    lab = load_preset(name)
    if activation is not None:
        net = lab.network
        lab = replace(lab, network=replace(net, conv=tuple(
            replace(c, activation=activation) for c in net.conv)))
    t = Trainer(lab)
    t.train(epochs)
    return t


def _drawing(size: int) -> np.ndarray:
    """A cross of ink, in whole ink levels as the canvas draws them."""
    x = np.zeros((size, size))
    i = np.arange(2, size - 2)
    x[i, i] = x[i, size - 1 - i] = 1.0
    x[size // 2, 1:-1] = 0.6
    return x


@pytest.mark.parametrize("name", ["images-shapes-need-nonlinearity",
                                  "images-max-pooling-is-nonlinear"])
def test_the_answer_is_the_trainers_and_its_template_gives_the_score(name):
    t = _trained(name)
    spec = t.network.spec
    x = _drawing(spec.input_size)
    a = DrawingClassifier(t)(x)
    # the probabilities are predict_images' own, bit for bit
    want = t.predict_images(x[None, None])[0]
    assert np.array_equal(a.probabilities, want)
    assert a.predicted == int(np.argmax(want))
    # every convolution's maps after its activation: the reference forward pass
    ref = feature_maps(t.network.get_params(), spec.conv, spec.head, x,
                       tuple(spec.activations), spec.leaky_slope)
    assert len(a.maps) == len(ref) == len(spec.conv)
    for got, r in zip(a.maps, ref):
        np.testing.assert_allclose(got, r.post_activation, rtol=0, atol=1e-10)
    # its own template: ⟨T(x), x⟩ + c is the network's logit of the predicted class
    logits = t.network.logits(x[None, None])[0]
    assert a.template.shape == x.shape and a.no_template is None
    assert abs(float(np.sum(a.template * x)) + a.constant - logits[a.predicted]) <= 1e-9
    assert abs(a.dot - float(np.sum(a.template * x))) <= 1e-12
    assert a.score == logits[a.predicted] and a.difference <= 1e-9
    assert not a.shared_template  # ReLU: another drawing may have another template
    assert not a.probabilities.flags.writeable and not a.template.flags.writeable


def test_a_linear_network_has_one_template_for_every_drawing():
    t = _trained("images-linear-cnn-counts-ink")
    ask = DrawingClassifier(t)
    size = t.network.spec.input_size
    a, b = ask(_drawing(size)), ask(np.rot90(_drawing(size)) * 0.5)
    assert a.shared_template and b.shared_template
    for ans, x in ((a, _drawing(size)), (b, np.rot90(_drawing(size)) * 0.5)):
        assert abs(float(np.sum(ans.template * x)) + ans.constant - ans.score) <= 1e-9
    if a.predicted == b.predicted:
        np.testing.assert_allclose(a.template, b.template, atol=1e-12)


def test_a_smooth_network_has_no_template_and_says_why():
    t = _trained("images-shapes-need-nonlinearity", activation="tanh", epochs=1)
    a = DrawingClassifier(t)(_drawing(t.network.spec.input_size))
    assert a.template is None and a.constant is None and a.dot is None
    assert "Tanh" in a.no_template and "not piecewise-linear" in a.no_template
    np.testing.assert_array_equal(
        a.probabilities, t.predict_images(_drawing(t.network.spec.input_size)[None, None])[0])
    assert len(a.maps) == len(t.network.spec.conv)


def test_a_drawing_of_another_size_is_refused():
    t = _trained("images-shapes-need-nonlinearity", epochs=0)
    with pytest.raises(ValueError, match="reads"):
        DrawingClassifier(t)(np.zeros((5, 5)))
