"""Issue 19: an expected outcome is about the lab's data set.  A run on other data — the
student's own images, a drawn curve, another noise — is "not checked", with a reason
naming both data sets; a run on the lab's data (any data seed, any number of points) is
judged.  Lab files pin ``expect[].data`` at load, like the network fields."""
from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.outcome_data import DataClaim, data_claim
from actlab.engine.outcomes import Expectation, check, expectations
from actlab.lab import DataSpec, FunctionDataSpec, ImageDataSpec, Lab, NetworkSpec
from actlab.labfile.checks import LabFileError
from actlab.labfile.format import lab_from_dict, lab_to_dict, load_lab, save_lab
from actlab.labfile.presets import load_preset

NBSP = "\u00a0"


def _history(n, acc=0.99, loss=0.1):
    return {"epoch": list(range(1, n + 1)), "train_loss": [loss] * n, "test_loss": [loss] * n,
            "train_accuracy": [acc] * n, "test_accuracy": [acc] * n}


def _reasons(guide, run, history=None):
    return [(v.status, v.reason, v.other_data) for v in check(guide, run, history)]


# ------------------------------------------------------------------ the two reported cases

def test_max_pooling_preset_on_imported_images_is_not_checked():
    """Reported: after importing a ring/slash folder the preset marked ✔ on the student's
    own images."""
    lab = load_preset("images-max-pooling-is-nonlinear")
    assert lab.guide["expect"][0]["data"] == {"kind": "images", "generator": "bars",
                                              "size": 16, "noise": 0.0}
    for source in (("folder", "/home/sam/ring_slash"), ("npz", "/home/sam/ring_slash.npz")):
        run = replace(lab, data=replace(lab.data, source=source, classes=2))
        name = source[1].rsplit("/", 1)[1]
        verdicts = check(lab.guide, run, _history(20))
        assert [v.status for v in verdicts] == ["other", "other"]
        assert all(v.other_data and v.measured is None for v in verdicts)
        assert verdicts[0].reason == (
            "this outcome is about the lab's data set (Bars, 16 px, no noise); "
            f"yours is the images of {name}, 16 px")


def test_one_kink_preset_on_a_drawn_curve_is_not_checked():
    """Reported: a drawn curve got the "One kink" outcomes graded."""
    lab = load_preset("functions-one-kink")
    assert lab.guide["expect"][0]["data"] == {"kind": "functions", "generator": "abs",
                                              "noise": 0.05}
    pts = (((-3.0, 1.0), (0.0, 0.0), (3.0, 1.0)), ((1.0, 0.3),))
    run = replace(lab, data=FunctionDataSpec("custom", points=pts))
    verdicts = check(lab.guide, run, _history(300), params=None)
    assert [v.status for v in verdicts] == ["other", "other"]
    assert verdicts[1].reason == (
        f"this outcome is about the lab's data set (|x|, 5{NBSP}% noise); "
        "yours is a curve of 4 points of your own")


# ------------------------------------------------------------------ what counts

def test_the_lab_data_is_judged_for_any_data_seed_or_amount():
    lab = load_preset("linear-collapse-xor")
    for data in (lab.data, replace(lab.data, seed=7), replace(lab.data, n_points=200),
                 replace(lab.data, train_fraction=0.8)):
        run = replace(lab, data=data)
        # the lab's network is linear: its claim is judged (it should fail, and does),
        # the tanh one is about tanh
        assert [v.look for v in check(lab.guide, run, _history(300, acc=0.6))] == \
            ["as_predicted", "other"]
        (linear, tanh) = check(lab.guide, run, _history(300, acc=0.6))
        assert not linear.other_data and not tanh.other_data


@pytest.mark.parametrize("noise", [0.01, 0.3])
def test_another_noise_is_another_data_set(noise):
    lab = load_preset("circle-tanh")
    run = replace(lab, data=replace(lab.data, noise=noise))
    ((status, reason, other_data),) = _reasons(lab.guide, run, _history(300))
    assert status == "other" and other_data
    assert reason == ("this outcome is about the lab's data set (Circle, no noise); yours is "
                      f"Circle, {100 * noise:g}{NBSP}% noise")


def test_other_generator_and_other_kind():
    lab = load_preset("circle-tanh")
    spiral = replace(lab, data=replace(lab.data, generator="spiral"))
    assert _reasons(lab.guide, spiral)[0][1].endswith("yours is Spiral, no noise")
    own = replace(lab, data=DataSpec("custom", train_points=((0.0, 0.0, 0), (1.0, 1.0, 1))))
    assert _reasons(lab.guide, own)[0][1].endswith("yours is 2 points of your own")


def test_the_data_is_checked_before_the_network():
    lab = load_preset("xor-needs-nonlinearity")
    run = replace(lab, data=replace(lab.data, noise=0.2),
                  network=NetworkSpec((8, 8), ("relu", "relu")))
    assert all(v.other_data and "data set" in v.reason for v in check(lab.guide, run, None))


def test_custom_points_match_only_the_same_points(tmp_path):
    pts = ((0.0, 0.0, 0), (1.0, 1.0, 1), (-0.5, 2.0, 1))
    lab = Lab(data=DataSpec("custom", train_points=pts, test_points=((0.3, 0.2, 0),)),
              network=NetworkSpec((4,), ("tanh",)),
              guide={"expect": [{"metric": "test_accuracy", "op": ">", "value": 0.9,
                                 "epochs": 5}]})
    path = tmp_path / "mine.actlab"
    save_lab(lab, path)
    back = load_lab(path)
    claim = back.guide["expect"][0]["data"]
    assert claim["generator"] == "custom" and claim["points"]["train"] == 3 and \
        claim["points"]["test"] == 1 and len(claim["points"]["sha256"]) == 64
    assert [v.status for v in check(back.guide, back, _history(5))] == ["pass"]
    moved = replace(back, data=replace(back.data, train_points=pts[:2] + ((-0.5, 2.5, 1),)))
    ((status, reason, _),) = _reasons(back.guide, moved, _history(5))
    assert status == "other" and reason == (
        "this outcome is about the lab's data set (4 points of its own); "
        "yours is 4 points of your own")
    save_lab(moved, tmp_path / "moved.actlab")  # saved with the student's points ...
    moved_back = load_lab(tmp_path / "moved.actlab")
    assert moved_back.guide == back.guide  # ... the claim keeps the teacher's digest
    assert _reasons(moved_back.guide, moved_back)[0][0] == "other"
    swapped = replace(back, data=replace(back.data, train_points=pts[1:],
                                         test_points=pts[:1] + ((0.3, 0.2, 0),)))
    assert _reasons(back.guide, swapped)[0][0] == "other"  # the split is part of the data
    regression = replace(back, data=replace(back.data, problem="regression"))
    assert _reasons(back.guide, regression)[0][0] == "other"
    generated = replace(back, data=DataSpec())
    assert _reasons(back.guide, generated)[0][1].endswith("yours is Circle, no noise")


def test_a_drawn_curve_in_the_file_matches_itself_after_saving(tmp_path):
    rng = np.random.default_rng(3)
    train = tuple((float(x), float(np.sin(x))) for x in rng.uniform(-6, 6, 30))
    lab = Lab(data=FunctionDataSpec("custom", points=(train, ())), features=("x",),
              network=NetworkSpec((8,), ("relu",)),
              guide={"expect": [{"metric": "test_loss", "op": "<", "value": 1.0,
                                 "epochs": 3}]})
    save_lab(lab, tmp_path / "curve.actlab")
    back = load_lab(tmp_path / "curve.actlab")
    assert back.guide["expect"][0]["data"]["points"]["train"] == 30
    assert check(back.guide, back, _history(3))[0].status == "pass"
    other = replace(back, data=FunctionDataSpec("sine"))
    assert _reasons(back.guide, other)[0][1] == (
        "this outcome is about the lab's data set (a curve of 30 points of its own); "
        "yours is Sine, no noise")


def test_image_sources_and_drawn_images():
    lab = Lab(data=ImageDataSpec(source=("npz", "images/mine.npz"), size=12))
    claim = data_claim(lab.data)
    assert claim.to_dict() == {"kind": "images", "source": {"npz": "images/mine.npz"},
                               "size": 12}
    # the relative path the file wrote, resolved against the lab's folder by the window
    resolved = replace(lab.data, source=("npz", "/home/sam/labs/images/mine.npz"))
    assert claim.mismatch(resolved) == ""
    assert "yours is the images of theirs.npz, 12 px" in claim.mismatch(
        replace(lab.data, source=("npz", "/home/sam/labs/images/theirs.npz")))
    assert claim.mismatch(replace(resolved, source=("folder", resolved.source[1])))
    assert claim.mismatch(replace(resolved, size=16))
    # a drawing added to generated images makes them the student's own
    bars = ImageDataSpec()
    pixels = tuple(float(v) for v in np.linspace(0, 1, 64))
    drawn = replace(bars, added=((1, pixels),))
    assert data_claim(bars).mismatch(drawn).endswith(
        "yours is Bars, 16 px, no noise, and 1 drawn image")
    # ink levels as a file keeps them (0..255) digest the same as the drawn floats
    saved = replace(drawn, added=((1, tuple(round(p * 255) / 255 for p in pixels)),))
    assert data_claim(drawn).mismatch(saved) == ""
    assert data_claim(drawn).mismatch(replace(drawn, added=((0, pixels),)))


# ------------------------------------------------------------------ lab files

def _doc(expect, data=None):
    return {"format": "actlab", "version": 1,
            "data": data or {"generator": "circle", "noise": 0.1},
            "network": {"hidden": [4], "activations": ["tanh"]},
            "guide": {"expect": expect}}


CLAIM = {"metric": "test_accuracy", "op": ">", "value": 0.9, "epochs": 5}


def test_a_file_without_the_field_gets_its_own_data_and_round_trips():
    lab = lab_from_dict(_doc([CLAIM]))
    assert lab.guide["expect"][0]["data"] == {"generator": "circle", "noise": 0.1}
    d = lab_to_dict(lab)
    assert "data" not in d["guide"]["expect"][0]  # the file's own data: saved as before
    assert lab_from_dict(d) == lab
    # the student changes the data and saves: the claim stays about the teacher's
    moved = replace(lab, data=replace(lab.data, generator="xor", noise=0.0))
    d = lab_to_dict(moved)
    assert d["guide"]["expect"][0]["data"] == {"generator": "circle", "noise": 0.1}
    again = lab_from_dict(d)
    assert again == moved
    assert again.guide["expect"][0]["data"] == {"generator": "circle", "noise": 0.1}
    assert check(again.guide, again, _history(5))[0].status == "other"


def test_a_claim_may_name_another_generated_data_set():
    lab = lab_from_dict(_doc([dict(CLAIM, data={"generator": "xor", "noise": 0.0})]))
    assert check(lab.guide, lab, _history(5))[0].reason.startswith(
        "this outcome is about the lab's data set (Exclusive or, no noise); yours is Circle")
    xor = replace(lab, data=replace(lab.data, generator="xor", noise=0.0))
    assert check(lab.guide, xor, _history(5))[0].status == "pass"


@pytest.mark.parametrize("data, path, message", [
    ({"noise": 0.1}, "guide.expect[0].data.generator", "missing"),
    ({"generator": "circle"}, "guide.expect[0].data.noise", "missing"),
    ({"generator": "circle", "noise": 0.9}, "guide.expect[0].data.noise", "0.5"),
    ({"generator": "circl", "noise": 0.0}, "guide.expect[0].data.generator", "circle"),
    ({"generator": "custom"}, "guide.expect[0].data.points", "missing"),
    ({"generator": "custom", "points": {"train": 3, "test": 0, "sha256": "00"}},
     "guide.expect[0].data.points.sha256", "64"),
    ({"kind": "images", "generator": "bars"}, "guide.expect[0].data.kind", "points"),
    ({"generator": "circle", "noise": 0.0, "size": 16}, "guide.expect[0].data.size",
     "image labs"),
    ({"generator": "circle", "noise": 0.0, "seed": 3}, "guide.expect[0].data.seed",
     "unknown field"),
])
def test_a_bad_data_field_names_itself(data, path, message):
    with pytest.raises(LabFileError) as err:
        lab_from_dict(_doc([dict(CLAIM, data=data)]))
    assert err.value.path == path and message in err.value.reason


def test_an_image_file_pins_size_and_generator():
    doc = {"format": "actlab", "version": 2,
           "data": {"kind": "images", "generator": "shapes", "size": 12, "noise": 0.1},
           "guide": {"expect": [CLAIM]}}
    lab = lab_from_dict(doc)
    assert lab.guide["expect"][0]["data"] == {"kind": "images", "generator": "shapes",
                                              "size": 12, "noise": 0.1}
    assert lab_from_dict(lab_to_dict(lab)) == lab


def test_a_guide_built_in_code_without_data_places_no_condition():
    guide = {"expect": [CLAIM]}
    for data in (DataSpec(), DataSpec(noise=0.4), DataSpec("custom", train_points=((0, 0, 0),)),
                 FunctionDataSpec("custom", points=(((0.0, 1.0),), ()))):
        run = Lab(data=data, network=NetworkSpec((4,), ("tanh",)))
        assert check(guide, run, _history(5))[0].status == "pass"
    assert Expectation.from_dict(CLAIM).data is None
    assert "data" not in Expectation.from_dict(CLAIM).to_dict()


def test_expectation_dict_round_trip():
    e = expectations({"expect": [dict(CLAIM, data={"generator": "circle", "noise": 0.1})]})[0]
    assert e.data == DataClaim("points", "circle", 0.1)
    assert Expectation.from_dict(e.to_dict()) == e
