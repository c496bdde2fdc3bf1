"""Expected outcomes: a claim is about one network, is judged only on runs of that network
("not checked for this network" otherwise), and verify_lab trains exactly that network.
(That every preset's claims hold over a grid of seeds is tests/engine/test_preset_outcomes.py.)"""
from dataclasses import replace

import pytest

from actlab.engine.outcomes import (Expectation, check, expectations, network_for,
                                    network_words, verify_lab)
from actlab.engine.trainer import Trainer
from actlab.lab import Lab, NetworkSpec
from actlab.labfile.format import lab_from_dict, lab_to_dict
from actlab.labfile.presets import load_preset, preset_names


def _run(hidden, activations, features=("x1", "x2")) -> Lab:
    return Lab(network=NetworkSpec(tuple(hidden), tuple(activations)), features=features)


def test_curriculum_has_at_least_six_guided_labs():
    guided = [n for n in preset_names() if expectations(load_preset(n).guide)]
    assert len(guided) >= 6


def test_check_reports_pending_pass_fail_and_other():
    guide = {"expect": [
        {"activation": "linear", "metric": "test_accuracy", "op": "<", "value": 0.75, "epochs": 3},
        {"activation": "tanh", "metric": "test_accuracy", "op": ">", "value": 0.9, "epochs": 3},
    ]}
    linear1, linear2, tanh1 = _run([4], ["linear"]), _run([4, 2], ["linear"] * 2), \
        _run([4], ["tanh"])
    hist = {"train_loss": [1, 1], "test_accuracy": [0.5, 0.6]}
    assert [v.status for v in check(guide, linear1, hist)] == ["pending", "other"]
    hist = {"train_loss": [1, 1, 1], "test_accuracy": [0.5, 0.6, 0.8]}
    assert [v.status for v in check(guide, linear2, hist)] == ["fail", "other"]
    assert [v.status for v in check(guide, tanh1, hist)] == ["other", "fail"]
    hist["test_accuracy"][2] = 0.95
    assert [v.status for v in check(guide, tanh1, hist)] == ["other", "pass"]
    assert [v.mark for v in check(guide, tanh1, hist)] == ["–", "✔"]


def test_a_claim_about_one_network_is_not_checked_on_another():
    e = Expectation.from_dict({"metric": "test_accuracy", "op": ">", "value": 0.9,
                               "hidden": [4], "activations": ["tanh"],
                               "features": ["x1", "x2"]})
    assert e.mismatch(_run([4], ["tanh"])) == ""
    assert e.mismatch(_run([4], ["tanh"], ("x2", "x1"))) == ""  # input order is no matter
    assert e.mismatch(_run([4], ["linear"])) == (
        "this outcome is about 1 hidden layer of 4 tanh neurons; "
        "yours has 1 hidden layer of 4 linear neurons")
    assert e.mismatch(_run([4, 2], ["tanh", "relu"])) == (
        "this outcome is about 1 hidden layer of 4 tanh neurons; "
        "yours has 2 hidden layers (4 tanh, 2 relu neurons)")
    assert e.mismatch(_run([], [])).endswith("yours has no hidden layer")
    assert e.mismatch(_run([4], ["tanh"], ("x1", "x2", "x1sq"))) == (
        "this outcome is about inputs x₁, x₂; yours has inputs x₁, x₂, x₁²")
    hist = {"train_loss": [0.1] * 300, "test_accuracy": [0.1] * 300}
    (v,) = check({"expect": [e.to_dict()]}, _run([4], ["linear"]), hist)
    assert v.status == "other" and v.measured is None and "4 linear" in v.reason


def test_an_old_style_claim_names_only_the_activation():
    e = Expectation.from_dict({"activation": "linear", "metric": "test_accuracy", "op": "<",
                               "value": 0.75})
    assert e.applies_to(_run([8, 8, 8], ["linear"] * 3)) and e.applies_to(_run([2], ["linear"]))
    assert not e.applies_to(_run([], []))  # no hidden layer is not "linear hidden layers"
    assert e.mismatch(_run([2], ["relu"])) == (
        "this outcome is about linear in every hidden layer; "
        "yours has 1 hidden layer of 2 relu neurons")


def test_network_words():
    assert network_words((), ()) == "no hidden layer"
    assert network_words((1,), ("relu",)) == "1 hidden layer of 1 relu neuron"
    assert network_words((8, 8), ("sigmoid",) * 2) == "2 hidden layers of 8 sigmoid neurons"


def test_the_tanh_claim_of_the_xor_lab_is_unchecked_after_switching_to_linear():
    """The defect: "Four tanh neurons solve XOR" named no network and showed ✘ on linear."""
    lab = load_preset("xor-needs-nonlinearity")
    student = replace(lab, network=lab.network.with_activation("linear"))
    t = Trainer(student)
    t.train(500)
    tanh_claim, linear_claim = check(lab.guide, student, t.history.view())
    assert tanh_claim.status == "other" and "4 tanh" in tanh_claim.reason
    # "the linear network reaches 75 %" should fail, and does: met, ✔ as predicted
    assert linear_claim.status == "fail" and linear_claim.met
    assert linear_claim.look == "as_predicted" and linear_claim.mark == "✔"


def test_the_one_layer_claim_is_unchecked_once_a_tanh_layer_is_added():
    lab = load_preset("one-layer-line")
    student = replace(lab, network=NetworkSpec((4,), ("tanh",)))
    t = Trainer(student)
    t.train(200)
    (v,) = check(lab.guide, student, t.history.view())
    assert v.status == "other" and "about no hidden layer" in v.reason
    # the run itself shows why: a bent boundary beats the claim's 75 %
    assert t.history.view()["test_accuracy"][199] > 0.75


def test_the_claims_stay_about_the_teachers_network_after_the_student_saves():
    lab = load_preset("xor-needs-nonlinearity")
    student = replace(lab, network=NetworkSpec((6, 6), ("relu", "relu")),
                      features=("x1", "x2", "x1x2"))
    reopened = lab_from_dict(lab_to_dict(student))
    assert reopened.guide["expect"] == lab.guide["expect"]
    assert all(v.status == "other" for v in check(reopened.guide, reopened, None))


def test_verify_lab_trains_the_network_and_features_each_claim_names():
    """A circle lab with no hidden layer and raw inputs cannot pass 95 %; claims about
    squared inputs, or about a tanh layer, are trained on those and pass."""
    lab = replace(load_preset("one-layer-line"), guide={"expect": [
        {"metric": "test_accuracy", "op": ">", "value": 0.95, "epochs": 200,
         "hidden": [], "activations": [], "features": ["x1", "x2", "x1sq", "x2sq"]},
        {"metric": "test_accuracy", "op": ">", "value": 0.95, "epochs": 300,
         "hidden": [4, 2], "activations": ["tanh", "tanh"]},
        {"metric": "test_accuracy", "op": "<", "value": 0.75, "epochs": 200},
    ]})
    squares, tanh, plain = verify_lab(lab)
    assert squares.status == tanh.status == plain.status == "pass"
    variant = network_for(lab, tanh.expectation)
    assert variant.network.hidden == (4, 2) and variant.features == lab.features
    assert variant.params is None and variant.training.stop_after is None
    t = Trainer(variant)  # independent of verify_lab's own run: same seeds, same bits
    t.train(300)
    assert tanh.measured == float(t.history.view()["test_accuracy"][299])
    assert network_for(lab, squares.expectation).features[2:] == ("x1sq", "x2sq")


def test_verify_lab_trains_a_shared_network_once_and_judges_every_claim():
    lab = replace(load_preset("circle-tanh"), guide={"expect": [
        {"metric": "test_accuracy", "op": ">", "value": 0.5, "epochs": 10},
        {"metric": "test_accuracy", "op": ">", "value": 0.95, "epochs": 300},
    ]})
    early, late = verify_lab(lab)
    t = Trainer(lab.without_results())
    t.train(300)
    acc = t.history.view()["test_accuracy"]
    assert (early.measured, late.measured) == (float(acc[9]), float(acc[299]))


def test_bad_expectation_is_rejected():
    with pytest.raises(ValueError, match="metric"):
        Expectation.from_dict({"metric": "speed", "op": "<", "value": 1})
    with pytest.raises(ValueError, match="2 activations for 1 hidden layers"):
        Expectation.from_dict({"metric": "test_loss", "op": "<", "value": 1, "hidden": [3],
                               "activations": ["tanh", "tanh"]})


def test_a_claim_about_convolutions_may_name_a_designed_activation():
    """An image lab's guide may claim something about convolutions that use the lab's
    own (designed) activation: the claim is read with the lab's activations and is about
    that lab's network (the layers compared by their settings)."""
    from dataclasses import replace as _replace

    from actlab.engine.activations.custom import PiecewiseLinear
    from actlab.engine.outcomes import check, expectations
    from actlab.labfile.presets import load_preset

    lab = load_preset("images-linear-cnn-counts-ink")
    bend = PiecewiseLinear("bend", ((-1.0, 0.0), (0.0, 0.0), (1.0, 1.0)))
    conv = tuple(_replace(c, activation="bend", custom=(bend,)) for c in lab.network.conv)
    lab = _replace(lab, network=_replace(lab.network, conv=conv, custom=(bend,)))
    layers = [{k: getattr(c, k) for k in ("filters", "kernel", "padding", "stride",
                                          "activation", "pool")} for c in conv]
    guide = {"expect": [{"metric": "test_accuracy", "op": ">=", "value": 0.0,
                         "epochs": 1, "conv": layers},
                        {"metric": "test_accuracy", "op": ">=", "value": 0.0,
                         "epochs": 1, "conv": [dict(layers[0], activation="relu")]
                         + layers[1:]}]}
    mine, other = expectations(guide, lab.network.custom)
    assert mine.conv[0].activation == "bend"
    assert mine.mismatch(lab) == ""
    assert "relu" in other.mismatch(lab)
    history = {"epoch": [1], "test_accuracy": [0.5], "train_accuracy": [0.5],
               "test_loss": [0.7], "train_loss": [0.7]}
    first, second = check(guide, lab, history)
    assert (first.status, first.measured) == ("pass", 0.5)
    assert second.status == "other" and "relu" in second.reason


def _hist(n, acc):
    import numpy as np
    return {"epoch": np.arange(1, n + 1), "train_loss": np.full(n, 0.5),
            "test_loss": np.full(n, 0.5), "train_accuracy": np.full(n, acc),
            "test_accuracy": np.full(n, acc)}


def test_a_claim_predicted_to_fail_is_met_when_it_fails():
    """"Linear reaches 75 %" should fail: failing is met (✔ as predicted), holding is
    neutral (!), never the student's ✘; pending and other runs are as for any claim."""
    from actlab.engine.outcomes import Verdict
    from actlab.report.guide_text import verdict_detail

    guide = {"expect": [
        {"activation": "linear", "metric": "test_accuracy", "op": ">=", "value": 0.75,
         "epochs": 3, "should": "fail", "because": "one straight line cannot split XOR"},
        {"activation": "linear", "metric": "test_accuracy", "op": "<", "value": 0.75,
         "epochs": 3}]}
    linear = _run([4], ["linear"])
    failed, plain = check(guide, linear, _hist(3, 0.5))
    assert (failed.status, failed.met, failed.look, failed.mark) == \
        ("fail", True, "as_predicted", "✔")
    assert verdict_detail(failed) == ("as predicted: one straight line cannot split XOR "
                                      "(test accuracy 50.0\u00a0% at epoch 3)")
    assert (plain.status, plain.met, plain.look, plain.mark) == ("pass", True, "pass", "✔")
    held, _ = check(guide, linear, _hist(3, 0.9))
    assert (held.status, held.met, held.look, held.mark) == ("pass", False, "unexpected", "!")
    assert verdict_detail(held) == (
        "held this time (test accuracy 90.0\u00a0% at epoch 3): this lab predicted it would "
        "not (one straight line cannot split XOR)")
    pending, _ = check(guide, linear, _hist(2, 0.5))
    assert (pending.met, pending.look, pending.mark) == (None, "pending", "…")
    other, _ = check(guide, _run([4], ["tanh"]), _hist(3, 0.5))
    assert (other.met, other.look, other.mark) == (None, "other", "–")
    # a run that diverged (NaN) proves no lesson: ✘ as for any claim
    nan, _ = check(guide, linear, _hist(3, float("nan")))
    assert (nan.status, nan.met, nan.look, nan.mark) == ("fail", False, "fail", "✘")
    # without a reason the line still says it failed as predicted
    bare = Verdict(Expectation.from_dict({"metric": "test_accuracy", "op": ">", "value": 0.9,
                                          "epochs": 3, "should": "fail"}), "fail", 0.5)
    assert verdict_detail(bare).startswith("as predicted: it does not hold (test accuracy")
    with pytest.raises(ValueError, match="should must be one of reach, fail"):
        Expectation.from_dict({"metric": "test_accuracy", "op": ">", "value": 0.9,
                               "should": "pass"})
