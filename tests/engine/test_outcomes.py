"""Every guided lab's expected outcome holds on the engine: no lab teaches something false."""
import pytest

from actlab.engine.outcomes import Expectation, check, expectations, verify_lab
from actlab.labfile import load_preset, preset_names


def test_curriculum_has_at_least_six_guided_labs():
    guided = [n for n in preset_names() if expectations(load_preset(n).guide)]
    assert len(guided) >= 6


@pytest.mark.parametrize("name", preset_names())
def test_preset_expected_outcomes_hold(name):
    lab = load_preset(name)
    verdicts = verify_lab(lab)
    assert verdicts, f"{name} states no expected outcome"
    for v in verdicts:
        assert v.status == "pass", f"{name}: '{v.expectation.describe()}' measured {v.measured}"


def test_check_reports_pending_pass_fail_and_other():
    guide = {"expect": [
        {"activation": "linear", "metric": "test_accuracy", "op": "<", "value": 0.75, "epochs": 3},
        {"activation": "tanh", "metric": "test_accuracy", "op": ">", "value": 0.9, "epochs": 3},
    ]}
    hist = {"train_loss": [1, 1], "test_accuracy": [0.5, 0.6]}
    assert [v.status for v in check(guide, ("linear",), hist)] == ["pending", "other"]
    hist = {"train_loss": [1, 1, 1], "test_accuracy": [0.5, 0.6, 0.8]}
    assert [v.status for v in check(guide, ("linear", "linear"), hist)] == ["fail", "other"]
    assert [v.status for v in check(guide, ("tanh",), hist)] == ["other", "fail"]
    hist["test_accuracy"][2] = 0.95
    assert [v.status for v in check(guide, ("tanh",), hist)] == ["other", "pass"]


def test_bad_expectation_is_rejected():
    with pytest.raises(ValueError, match="metric"):
        Expectation.from_dict({"metric": "speed", "op": "<", "value": 1})
