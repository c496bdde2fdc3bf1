"""The instruments' numbers, computed on real trainers."""
from dataclasses import replace

import numpy as np

from actlab.engine.analysis.insights import GradientLog, compute_insights, hidden_space
from actlab.engine.trainer import Trainer
from actlab.labfile.presets import load_preset
from actlab.lab import default_lab


def test_all_linear_network_reports_its_single_layer_and_line():
    t = Trainer(load_preset("linear-collapse-xor"))
    t.train(20)
    ins = compute_insights(t)
    c = ins.collapse
    assert c.all_linear and c.runs == ((0, 3),)
    assert c.W_eff.shape == (2, 1) and c.b_eff.shape == (1,)
    assert c.max_difference < 1e-9
    assert c.meter < 1e-9
    (x1a, x2a), (x1b, x2b) = c.line
    w, b = c.W_eff[:, 0], c.b_eff[0]
    # both points lie on the decision line w·x + b = 0
    assert abs(w[0] * x1a + w[1] * x2a + b) < 1e-9 and abs(w[0] * x1b + w[1] * x2b + b) < 1e-9
    assert "exact" in c.note


def test_bent_network_has_positive_meter_and_no_line():
    t = Trainer(default_lab())
    t.train(100)
    c = compute_insights(t).collapse
    assert not c.all_linear and c.line is None and c.runs == ()
    assert c.meter > 0.05


def test_gradient_history_goes_back_to_the_first_epoch():
    # the trainer records every epoch, so insights asked for only now still show the
    # whole run (the view once started its history when it was opened)
    t = Trainer(load_preset("deep-sigmoid-vanishes"))
    log = GradientLog()
    for _ in range(3):
        t.train(5)
        ins = compute_insights(t, log)
    assert list(ins.grad_epochs) == list(range(0, 16))
    assert ins.grad_norms.shape == (16, 9)
    assert np.all(ins.grad_norms[:, 0] < ins.grad_norms[:, -1] / 100)


def test_gradient_log_is_the_fallback_without_a_record_and_resets():
    # a lab saved with history but not trained since has no record: sample now
    done = Trainer(load_preset("deep-sigmoid-vanishes"))
    done.train(7)
    t = Trainer(done.to_lab())
    log = GradientLog()
    ins = compute_insights(t, log)
    assert list(ins.grad_epochs) == [7] and ins.grad_norms.shape == (1, 9)
    log.add(2, ins.grad_norms[0])
    assert log.epochs == [2]


def test_relu_network_has_regions_and_sizes():
    lab = load_preset("spiral-relu-vs-tanh")
    t = Trainer(lab)
    t.train(10)
    ins = compute_insights(t, grid=40)
    assert ins.regions.shape == (40, 40) and ins.region_count > 4
    assert ins.layer_sizes == lab.network.hidden and len(ins.dead_units) == 3
    assert all(p.shape[1] == s for p, s in zip(ins.pre_activations, ins.layer_sizes))
    tanh = Trainer(replace(lab, network=lab.network.with_activation("tanh")))
    assert compute_insights(tanh, grid=20).regions is None


def test_regions_come_with_the_output_on_their_own_grid():
    """The regions instrument draws the decision boundary of the same weights on the
    same grid as the regions (issue 19)."""
    t = Trainer(load_preset("spiral-relu-vs-tanh"))
    t.train(5)
    ins = compute_insights(t, grid=30)
    assert ins.surface.shape == ins.regions.shape == (30, 30)
    xs = np.linspace(-6, 6, 30)
    g1, g2 = np.meshgrid(xs, xs)  # row-major like the regions: x1 along the columns
    expected = t.predict_points(np.column_stack([g1.ravel(), g2.ravel()])).reshape(30, 30)
    assert np.allclose(ins.surface, expected, atol=1e-5)
    assert not ins.surface.flags.writeable


def test_hidden_space_lines_straight_before_activation():
    t = Trainer(default_lab())
    t.train(30)
    hs = hidden_space(t.network, t.features, 0, (0, 1), t.dataset.X_train[:50])
    for line in hs["lines_pre"]:
        # an affine image of a straight line is straight: zero cross product
        d = line - line[0]
        cross = d[:, 0] * d[-1, 1] - d[:, 1] * d[-1, 0]
        assert np.max(np.abs(cross)) < 1e-8 * (1 + np.max(np.abs(d)) ** 2)
    bent = max(np.max(np.abs((l - l[0])[:, 0] * (l[-1] - l[0])[1] - (l - l[0])[:, 1] * (l[-1] - l[0])[0]))
               for l in hs["lines_post"])
    assert bent > 1e-3
    assert hs["points_post"].shape == (50, 2)


def test_leaky_relu_with_slope_1_collapses_like_linear():
    # the built-in leaky ReLU with slope 1 is the identity: the instruments call it linear,
    # as they do a tweaked leaky ReLU with slope 1 (issue 19)
    from actlab.engine.activations.tweaked import Tweaked

    lab = load_preset("linear-collapse-xor")
    n = len(lab.network.hidden)
    built_in = replace(lab, network=replace(lab.network, activations=("leaky_relu",) * n,
                                            leaky_slope=1.0))
    mine = replace(lab, network=replace(lab.network, activations=("mine",) * n,
                                        custom=(Tweaked("mine", "leaky_relu", 1.0),)))
    for one in (built_in, mine):
        t = Trainer(one)
        t.train(5)
        c = compute_insights(t).collapse
        assert c.all_linear and c.runs == ((0, n),) and c.max_difference < 1e-9
    t = Trainer(replace(built_in, network=replace(built_in.network, leaky_slope=0.5)))
    assert not compute_insights(t).collapse.all_linear
