"""The probed image's own templates in the image insights (issue 20, item 3): a
piecewise-linear CNN is exactly linear on the image's activation pattern."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from actlab.engine.analysis import local_linear as ll
from actlab.engine.analysis.image_insights import image_insights
from actlab.engine.trainer import Trainer
from actlab.labfile.presets import load_preset


def _trained(name: str, activation: str | None = None, epochs: int = 3) -> Trainer:
    lab = load_preset(name)
    if activation is not None:
        net = lab.network
        conv = tuple(replace(c, activation=activation) for c in net.conv)
        lab = replace(lab, network=replace(net, conv=conv))
    t = Trainer(lab)
    t.train(epochs)
    return t


def test_the_probed_images_template_gives_its_logits():
    t = _trained("images-shapes-need-nonlinearity")
    ins = image_insights(t, "test", 5)
    L = ins.local
    x = t.dataset.x_test[5:6]
    logits = t.network.logits(x)[0]  # the engine's own forward pass: independent truth
    assert np.allclose(L.scores, logits, rtol=0, atol=1e-12)
    assert np.allclose(L.dots + L.constants, logits, rtol=0, atol=1e-9)
    assert np.allclose(L.dots, np.einsum("khw,hw->k", L.templates, x[0, 0]), atol=1e-12)
    assert L.max_difference <= 1e-9
    spec = t.network.spec
    n = ll.activation_patterns(t.network.get_params(), spec.conv, spec.head,
                               t.dataset.x_test[:L.pattern_images], tuple(spec.activations),
                               spec.leaky_slope)
    assert L.patterns == n and 1 < n <= L.pattern_images


def test_a_linear_network_has_one_pattern_and_a_smooth_one_none():
    lin = image_insights(_trained("images-linear-cnn-counts-ink"), "test", 0)
    assert lin.local.patterns == 1 and lin.templates is not None
    assert np.allclose(lin.local.templates, lin.templates.templates, atol=1e-9)
    smooth = image_insights(_trained("images-shapes-need-nonlinearity", "tanh", 1), "test", 0)
    assert smooth.local is None
