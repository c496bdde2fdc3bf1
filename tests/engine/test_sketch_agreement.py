"""A sketched prediction is compared with the network's decision: agreement against known
boundaries (straight lines, a closed loop, a circle) is exactly the share of the grid on
the same side; and the judging of choice, number and sketch answers on a real run."""
from dataclasses import replace

import numpy as np
import pytest

from actlab.engine import predictions as pred
from actlab.engine.analysis.sketch_agreement import (
    boundary_agreement, curve_agreement, split_polygon)
from actlab.engine.trainer import Trainer
from actlab.lab import Lab

E = 6.0
XS = np.linspace(-E, E, 80)  # the surface grid: no grid point lies on any line below
G1, G2 = np.meshgrid(XS, XS)
POINTS = np.column_stack([G1.ravel(), G2.ravel()])
X, Y = POINTS[:, 0], POINTS[:, 1]


def _share(sketch, classes):
    return boundary_agreement(sketch, POINTS, classes.astype(int), E).share


def test_a_straight_line_matches_the_same_straight_classifier_exactly():
    line = [[-1, -2], [1, 2]]          # y = 2x, drawn short: extended to the box edge
    assert _share(line, Y > 2 * X) == 1.0
    assert _share(line, Y < 2 * X) == 1.0  # which side is which class is not asked
    assert _share(line[::-1], Y > 2 * X) == 1.0  # nor which way it was drawn


def test_a_shifted_line_disagrees_on_exactly_the_strip_between():
    sketch = [[0, -1], [0, 1]]         # x = 0
    classes = X > 3                    # the network's boundary is x = 3
    strip = np.mean((X > 0) & (X <= 3))
    assert _share(sketch, classes) == pytest.approx(1 - strip, abs=1e-12)
    assert 0.7 < 1 - strip < 0.8


def test_a_bent_line_closes_along_the_box_edge():
    v = [[-5, 5.05], [0, 0.05], [5, 5.05]]  # y = |x| + 0.05 (no grid point on it)
    assert _share(v, Y > np.abs(X) + 0.05) == 1.0
    short = [[-1, 0], [1, 0]]          # y = 0, extended both ways
    assert _share(short, Y > 0) == 1.0


def test_a_closed_loop_is_inside_against_outside():
    square = [[-3, -3], [3, -3], [3, 3], [-3, 3], [-3, -2.8]]  # ends meet: a loop
    inside_square = (np.abs(X) < 3) & (np.abs(Y) < 3)
    assert _share(square, inside_square) == 1.0
    circle = X ** 2 + Y ** 2 < 9
    corners = np.mean(inside_square & ~circle)
    assert _share(square, circle) == pytest.approx(1 - corners, abs=1e-12)
    poly = split_polygon(square, E)
    assert len(poly) == 5  # a loop is not extended to the box


def test_three_classes_take_the_best_pair():
    classes = np.where(X < -2, 0, np.where(X < 2, 1, 2))
    sketch = [[2, -1], [2, 1]]         # x = 2: the right side is class 2, the left 0 or 1
    expected = max(np.mean(((X < 2) & (classes == a)) | ((X >= 2) & (classes == 2)))
                   for a in (0, 1))
    assert boundary_agreement(sketch, POINTS, classes, E, 3).share == \
        pytest.approx(expected, abs=1e-12)


def test_a_dot_is_no_sketch():
    with pytest.raises(ValueError):
        boundary_agreement([[1, 1], [1, 1]], POINTS, (X > 0).astype(int), E)


def test_curve_agreement_share_and_mean_gap():
    xs = np.linspace(-6, 6, 401)
    drawn = [[-6, -6], [6, 6]]                      # y = x
    a = curve_agreement(drawn, xs, xs + 0.5, 12.0)  # tolerance 1.2
    assert a.share == 1.0 and a.mean_gap == pytest.approx(0.5)
    step = xs + 2.0 * (xs > 0)
    b = curve_agreement(drawn, xs, step, 12.0)
    assert b.share == pytest.approx(np.mean(xs <= 0))
    # beyond its ends a drawn curve continues level
    c = curve_agreement([[0, 1], [1, 1]], xs, np.ones_like(xs), 10.0)
    assert c.share == 1.0


# ----------------------------------------------------------------- judging a run

def _straight_classifier_run():
    """A network with no hidden layer whose weights are set by hand: class 1 where
    x2 > x1 + 0.05 (a known straight-line classifier)."""
    lab = replace(Lab(), network=replace(Lab().network, hidden=(), activations=()))
    t = Trainer(lab)
    t.train(1)
    t.network.set_params([(np.array([[-5.0], [5.0]]), np.array([-0.25]))])
    return t


def test_a_boundary_sketch_is_judged_on_the_networks_own_surface_grid():
    t = _straight_classifier_run()
    guide = {"predict": [{"ask": "Draw it", "kind": "sketch", "target": "boundary"}],
             "predictions": [{"question": 0, "answer": [[-2, -1.95], [2, 2.05]]}]}
    r, = pred.judge_all(guide, t)
    assert r.status == "share" and r.share == 1.0
    assert r.picture["classes"].shape == (pred.GRID, pred.GRID)
    guide["predictions"][0]["answer"] = [[0, -1], [0, 1]]  # x1 = 0: half the plane off
    r, = pred.judge_all(guide, t)
    xs = np.linspace(-6, 6, pred.GRID)
    g1, g2 = np.meshgrid(xs, xs)
    net = g2 > g1 + 0.05
    expected = max(np.mean(net == (g1 > 0)), np.mean(net == (g1 <= 0)))
    assert r.share == pytest.approx(expected, abs=1e-12)
    assert "agrees with the network's on" in pred.result_text(r)


def test_choice_and_number_answers_and_questions_about_another_network():
    t = _straight_classifier_run()
    guide = {"predict": [
        {"ask": "Separable?", "kind": "choice", "choices": ["Yes", "No"], "answer": "No"},
        {"ask": "Accuracy?", "kind": "number", "metric": "test_accuracy", "tolerance": 2},
        {"ask": "Tanh?", "kind": "choice", "choices": ["a", "b"], "answer": "a",
         "hidden": [4], "activations": ["tanh"]}],
        "predictions": [{"question": 0, "answer": "Yes"}, {"question": 1, "answer": 0.5},
                        {"question": 2, "answer": "a"}]}
    wrong, number, other = pred.judge_all(guide, t)
    assert wrong.status == "wrong" and wrong.mark == "✘"
    assert "the answer is No" in pred.result_text(wrong)
    assert number.status == "right" and 0 <= number.measured <= 1
    assert other.status == "other" and "this question is about" in other.reason
    # what is still to ask before this run: nothing answered is asked again
    assert pred.open_questions(guide, t.lab) == []
    fresh = {"predict": guide["predict"]}
    assert [q.index for q in pred.open_questions(fresh, t.lab)] == [0, 1]
    assert [q.index for q in pred.open_questions(fresh, t.lab, skipped={0})] == [1]


def test_with_prediction_replaces_an_earlier_answer_and_thins_a_sketch():
    g = pred.with_prediction({"predict": []}, pred.Prediction(1, "a"))
    g = pred.with_prediction(g, pred.Prediction(0, "b", why="because", run=3))
    g = pred.with_prediction(g, pred.Prediction(1, "c"))
    assert g["predictions"] == [{"question": 0, "answer": "b", "why": "because", "run": 3},
                                {"question": 1, "answer": "c"}]
    thin = pred.thin_sketch([[i / 7, 0] for i in range(1000)])
    assert len(thin) == pred.MAX_SKETCH_POINTS and thin[0] == [0, 0]
    assert thin[-1] == [round(999 / 7, 4), 0]


def test_a_function_lab_judges_pieces_and_a_curve_sketch():
    from actlab.labfile.presets import load_preset

    lab = load_preset("functions-four-relu-pieces").without_results()
    t = Trainer(lab)
    t.train(5)
    guide = {"predict": [{"ask": "Pieces?", "kind": "number", "metric": "pieces"},
                         {"ask": "Curve?", "kind": "sketch", "target": "curve"}]}
    pieces = pred.measured_now("pieces", t)
    xs, curve = pred.network_curve(t)
    sketch = [[float(x), float(y)] for x, y in zip(xs[::4], curve[::4])]
    guide["predictions"] = [{"question": 0, "answer": pieces}, {"question": 1, "answer": sketch}]
    number, drawn = pred.judge_all(guide, t)
    assert number.status == "right" and number.measured == pieces
    assert drawn.status == "share" and drawn.share == 1.0  # the network's own curve
    assert drawn.mean_gap < drawn.tolerance
