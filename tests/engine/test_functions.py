"""Function data (y = f(x)): generators, CSV import, 1-D features, training with the point
Trainer, R² and the grid count of linear pieces (checked against the kinks computed
directly from a one-hidden-layer ReLU network's weights)."""
import math
from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.analysis import curve_metrics as fm
from actlab.engine.data.points_csv import CsvError
from actlab.engine.data.build import build_dataset
from actlab.engine.features import transform
from actlab.engine.data.functions import (
    FUNCTION_GENERATORS, curve, generate_function, load_function_csv, parse_function_csv)
from actlab.engine.outcomes import check
from actlab.engine.trainer import Trainer
from actlab.lab import FunctionDataSpec, Lab, NetworkSpec, TrainingSpec, default_function_lab

# Independent values of each curve (by hand, not by the module's formulas).
KNOWN = {
    "sine": [(math.pi / 2, 1.0), (0.0, 0.0), (-math.pi / 2, -1.0)],
    "abs": [(-6.0, 1.0), (0.0, -1.0), (3.0, 0.0), (6.0, 1.0)],
    "step": [(-0.001, -1.0), (0.0, 1.0), (5.0, 1.0), (-5.0, -1.0)],
    "cubic": [(6.0, 1.0), (-6.0, -1.0), (1.0, 0.0), (0.0, 0.0)],
    "sawtooth": [(-2.0, -1.0), (2.0, -1.0), (0.0, 0.0), (1.0, 0.5), (-6.0, -1.0), (-4.0, 0.0)],
    "bump": [(0.0, 1.0), (1.0, math.exp(-0.5)), (6.0, math.exp(-18.0))],
}


def test_every_generator_has_a_title_a_description_and_known_values():
    assert set(FUNCTION_GENERATORS) == set(KNOWN)
    for name, info in FUNCTION_GENERATORS.items():
        assert info.title and info.description
        xs, ys = zip(*KNOWN[name])
        np.testing.assert_allclose(curve(name, np.array(xs)), ys, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_generator_shape_range_determinism_and_noise(name):
    x, y = generate_function(name, 500, 0.0, 3)
    assert x.shape == y.shape == (500,) and x.dtype == y.dtype == np.float64
    assert x.min() >= -6 and x.max() <= 6 and x.max() - x.min() > 11  # spread over it
    assert np.all(np.abs(y) <= 1.0 + 1e-12)  # every curve is scaled into [-1, 1]
    np.testing.assert_array_equal(y, curve(name, x))  # noise 0: the exact function
    x2, y2 = generate_function(name, 500, 0.0, 3)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    assert not np.array_equal(x, generate_function(name, 500, 0.0, 4)[0])
    xn, yn = generate_function(name, 20_000, 0.2, 5)
    residual = yn - curve(name, xn)
    assert abs(residual.std() - 0.2) < 0.01 and abs(residual.mean()) < 0.01


@pytest.mark.parametrize("args, words", [
    (("nope", 10, 0.0, 1), "Unknown function"), (("sine", 1, 0.0, 1), "between 2"),
    (("sine", 10, 0.6, 1), "Noise"), (("sine", 10, float("nan"), 1), "Noise"),
    (("sine", 10, 0.0, -1), "seed"), (("sine", 2.5, 0.0, 1), "whole number")])
def test_bad_generator_arguments_say_what_is_wrong(args, words):
    with pytest.raises(ValueError, match=words):
        generate_function(*args)


def test_dataset_of_a_function_lab_has_one_input_and_splits_like_points():
    ds = build_dataset(FunctionDataSpec("abs", 101, 0.0, 0.7, 2))
    assert ds.X_train.shape == (71, 1) and ds.X_test.shape == (30, 1)
    assert ds.problem == "regression" and ds.n_classes == 0
    np.testing.assert_array_equal(ds.y_train, np.abs(ds.X_train[:, 0]) / 3 - 1)
    custom = FunctionDataSpec("custom", points=(((0.0, 1.0), (1.0, 2.0)), ((2.0, 3.0),)))
    ds = build_dataset(custom)
    assert ds.X_train[:, 0].tolist() == [0.0, 1.0] and ds.y_test.tolist() == [3.0]
    with pytest.raises(ValueError, match="at least one training point"):
        build_dataset(FunctionDataSpec("custom", points=((), ((1.0, 1.0),))))


def test_one_d_features_and_their_guard_against_the_point_ones():
    X = np.array([[0.0], [2.0], [-1.5]])
    F = transform(X, ("x", "xsq", "sinx"))
    np.testing.assert_array_equal(F, [[0, 0, 0], [2, 4, math.sin(2)], [-1.5, 2.25,
                                                                      math.sin(-1.5)]])
    with pytest.raises(ValueError, match="x1"):
        transform(X, ("x1",))
    with pytest.raises(ValueError, match="Unknown input feature 'x'"):
        transform(np.zeros((3, 2)), ("x",))


# ------------------------------------------------------------------ CSV

def test_csv_with_and_without_header_and_other_separators():
    x, y = parse_function_csv("x,y\n1,2\n\n-3.5, 4e-1\n")
    assert x.tolist() == [1.0, -3.5] and y.tolist() == [2.0, 0.4]
    x, y = parse_function_csv("0;1\n2;3\n")
    assert x.tolist() == [0.0, 2.0] and y.tolist() == [1.0, 3.0]


@pytest.mark.parametrize("text, line, words", [
    ("x,y\n1,2\n3\n", 3, "expected 2 columns"), ("1,2,3\n", 1, "expected 2 columns"),
    ("1,2\n1,abc\n", 2, "y is not a number"), ("1,2\nnan,1\n", 2, "finite"),
    ("1,2\n1,2e9\n", 2, "out of range"), ("x,y\n", None, "no data rows"),
    ("1,2\nx,y\n", 2, "x is not a number"), ("x,y\nfoo,bar\n1,2\n", 2, "x is not a number")])
def test_csv_errors_name_the_line_and_the_problem(text, line, words):
    with pytest.raises(CsvError) as e:
        parse_function_csv(text)
    assert e.value.line == line and words in str(e.value)


def test_load_csv_names_the_file_and_splits(tmp_path):
    good = tmp_path / "curve.csv"
    good.write_text("x,y\n" + "".join(f"{i / 10},{i}\n" for i in range(10)))
    spec = load_function_csv(good, train_fraction=0.8, seed=3)
    assert spec.is_custom and len(spec.points[0]) == 8 and len(spec.points[1]) == 2
    assert sorted(spec.points[0] + spec.points[1]) == [(i / 10, float(i)) for i in range(10)]
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2\n3,four\n")
    with pytest.raises(CsvError, match=r"^bad\.csv: line 2: y is not a number"):
        load_function_csv(bad)
    with pytest.raises(CsvError, match="missing.csv: file not found"):
        load_function_csv(tmp_path / "missing.csv")


# ------------------------------------------------------------------ training

def test_the_point_trainer_fits_a_function_lab():
    lab = default_function_lab()
    assert lab.kind == "functions" and lab.problem == "regression" and lab.features == ("x",)
    t = Trainer(lab)
    start = t.evaluate()["train_loss"]
    t.train(100)
    assert t.history.last()["train_loss"] < 0.2 * start
    # no 2-D decision surface for a curve: its "surface" is the area chart of the curve
    # over x (the output node's picture in the diagram), one column per grid x
    snap = t.snapshot(50)
    assert snap.surface.shape == (50, 50, 1)
    y = t.predict_points(np.linspace(-6, 6, 50))
    filled = (snap.surface[:, :, 0] != 0).sum(axis=0)  # pixels between 0 and the curve
    assert filled[np.argmax(np.abs(y))] == filled.max() > 0
    x = np.array([-1.0, 0.5, 2.0])
    manual = t.network.predict(transform(x.reshape(-1, 1), ("x",)))
    np.testing.assert_array_equal(t.predict_points(x), manual)
    # same seed, same bits
    t2 = Trainer(lab)
    t2.train(100)
    assert np.array_equal(t.network.flat, t2.network.flat)


def test_r2_from_the_loss_matches_r2_of_the_predictions():
    t = Trainer(replace(default_function_lab(), features=("x", "sinx")))
    t.train(20)
    y, pred = t.dataset.y_test, t.predict_points(t.dataset.X_test)
    direct = 1 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2)
    assert fm.r2_score(y, pred) == pytest.approx(direct, rel=1e-12)
    assert fm.r2_from_loss(t.evaluate()["test_loss"], y) == pytest.approx(direct, rel=1e-9)
    assert fm.r2_score([1.0, 1.0], [0.0, 2.0]) is None and fm.r2_score([1.0], [1.0]) is None


def test_test_r2_outcome_is_judged_from_the_history():
    lab = default_function_lab()
    t = Trainer(lab)
    t.train(30)
    r2 = fm.r2_score(t.dataset.y_test, t.predict_points(t.dataset.X_test))
    guide = {"expect": [{"metric": "test_r2", "op": ">", "value": r2 - 1e-6, "epochs": 30},
                        {"metric": "test_r2", "op": ">", "value": r2 + 1e-6, "epochs": 30}]}
    ok, fail = check(guide, lab, t.history.to_dict())
    assert ok.status == "pass" and fail.status == "fail"
    assert ok.measured == pytest.approx(r2, rel=1e-9)
    assert "test R²" in ok.expectation.describe()


# ------------------------------------------------------------------ pieces

def _exact_pieces_one_layer(params) -> int:
    """1 + the distinct kinks in (-6, 6) of a 1-input, one-ReLU-layer network: unit j
    bends at x = -b_j / w_j when its outgoing weight is not 0."""
    (W1, b1), (W2, _) = params
    w, b, out = W1[0], b1, W2[:, 0]
    live = (w != 0) & (out != 0)
    kinks = -b[live] / w[live]
    kinks = np.unique(np.round(kinks[(kinks > -6) & (kinks < 6)], 9))
    return 1 + len(kinks)


@pytest.mark.parametrize("seed", range(6))
def test_grid_count_of_pieces_matches_the_kinks_of_the_weights(seed):
    rng = np.random.default_rng(seed)
    lab = replace(default_function_lab(), network=NetworkSpec((6,), ("relu",)))
    t = Trainer(lab)
    params = [(rng.normal(size=(1, 6)), rng.normal(size=6) * 3),
              (rng.normal(size=(6, 1)), rng.normal(size=1))]
    t.network.set_params(params)
    assert fm.count_pieces(t.network, ("x",), ("relu",)) == _exact_pieces_one_layer(params)


def test_pieces_of_linear_and_smooth_networks():
    lab = replace(default_function_lab(), network=NetworkSpec((8, 8), ("linear", "linear")))
    t = Trainer(lab)
    t.train(5)
    assert fm.count_pieces(t.network, ("x",), ("linear", "linear")) == 1
    assert fm.count_pieces(t.network, ("x",), ("tanh", "tanh")) is None
    assert not fm.is_piecewise_linear(("relu",), ("x", "xsq"))  # x² bends without a kink
    assert fm.is_piecewise_linear(("ReLU", "leaky_relu"), ("x",))
    x = np.linspace(-6, 6, 1201)
    assert fm.count_pieces_on_grid(x, np.abs(x - 0.123) + np.abs(x + 2)) == 3
    assert fm.kinks_on_grid(x, np.abs(x - 0.123)) == pytest.approx([0.123], abs=0.01)


def test_a_training_run_of_a_function_lab_is_a_regression_with_one_input():
    lab = Lab(data=FunctionDataSpec("step", 60, 0.1, 0.5, 4), features=("x", "xsq"),
              network=NetworkSpec((5,), ("tanh",)),
              training=TrainingSpec(optimizer="adam", learning_rate=0.02))
    t = Trainer(lab)
    assert t.network.sizes[0] == 2 and t.output == "linear" and t.n_out == 1
