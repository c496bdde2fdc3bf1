"""The presets whose lesson is a failure say so (``"should": "fail"``, issue 21 item 3): each
marked outcome, trained headless on the lab's own seeds, fails as predicted and reads
"as predicted: <the lab's reason>", so the student sees ✔, never ✘.  (That every
outcome of every preset is met over a grid of seeds is test_preset_outcomes.py,
test_image_presets.py, test_function_presets.py and test_function_labfile.py.)"""
import pytest

from actlab.engine.outcomes import expectations, verify_lab
from actlab.labfile.presets import load_preset, preset_names
from actlab.report.guide_text import verdict_detail

#: preset -> the indexes of its outcomes that are predicted to fail
MARKED = {
    "linear-collapse-xor": [0],
    "xor-needs-nonlinearity": [1],
    "one-layer-line": [0],
    "deep-sigmoid-vanishes": [0],
    "functions-linear-draws-one-line": [0],
    "functions-one-kink": [0, 1],
    "images-linear-cnn-counts-ink": [0],
    "images-max-pooling-is-nonlinear": [1],
    "images-shapes-need-nonlinearity": [1],
    "images-two-3x3-are-one-5x5": [0, 2],
    "images-uci-digits-inverted": [1],
    "images-digits": [1],
}


def test_exactly_these_outcomes_are_predicted_to_fail_and_each_says_why():
    for name in preset_names("all"):
        exps = expectations(load_preset(name).guide)
        marked = [i for i, e in enumerate(exps) if e.should_fail]
        assert marked == MARKED.get(name, []), name
        for i in marked:
            assert exps[i].because and exps[i].text, (name, i)


@pytest.mark.parametrize("name", sorted(MARKED))
def test_a_marked_outcome_fails_as_predicted_on_the_labs_own_run(name):
    lab = load_preset(name)
    verdicts = verify_lab(lab)
    for i in MARKED[name]:
        v = verdicts[i]
        assert (v.status, v.met, v.look, v.mark) == ("fail", True, "as_predicted", "✔"), \
            (name, i, v.measured)
        assert verdict_detail(v).startswith(f"as predicted: {v.expectation.because} (")
    # and the others are reached as before
    assert all(v.met for v in verdicts), [(v.expectation.describe(), v.status) for v in verdicts]
