"""Every guided preset's expected outcomes hold for 10 weight seeds × 5 data seeds.

A claim that holds for the lab's own seed only is luck, not a lesson: a student who
presses "new seed" must see the same outcome.  Each case trains the network every
expectation is about (``outcomes.verify_lab``: the expectation's own hidden sizes,
activations and features, the preset's training settings and epochs) and needs every
verdict to be met (a claim the lab says should fail must fail: ``Verdict.met``).  The whole grid costs about 53 s of CPU (measured on this 2-core
machine; deep-sigmoid-vanishes is 20 s of it), so each preset is its own test case.
"""
from dataclasses import replace

import pytest

from actlab.engine.outcomes import expectations, verify_lab
from actlab.labfile.presets import load_preset, preset_names

WEIGHT_SEEDS = range(1, 11)
DATA_SEEDS = range(1, 6)
GUIDED = [n for n in preset_names() if expectations(load_preset(n).guide)]


def test_the_grid_covers_every_guided_preset():
    assert len(GUIDED) >= 6 and len(WEIGHT_SEEDS) >= 10 and len(DATA_SEEDS) >= 5


def grid_verdicts(lab):
    """(weight seed, data seed, verdict) for every case of the grid."""
    for ws in WEIGHT_SEEDS:
        for ds in DATA_SEEDS:
            case = replace(lab, seed=ws, data=replace(lab.data, seed=ds))
            for v in verify_lab(case):
                yield ws, ds, v


@pytest.mark.parametrize("name", GUIDED)
def test_preset_outcomes_hold_for_every_seed(name):
    lab = load_preset(name)
    assert not lab.data.is_custom, "a generated data set is what a data seed varies"
    assert lab.seed in WEIGHT_SEEDS and lab.data.seed in DATA_SEEDS  # the lab's own run too
    failures = [f"weight seed {ws}, data seed {ds}: '{v.expectation.describe()}' "
                f"{v.status} ({v.measured})"
                for ws, ds, v in grid_verdicts(lab) if not v.met]
    assert not failures, f"{name}: {len(failures)} cases fail:\n" + "\n".join(failures[:10])
