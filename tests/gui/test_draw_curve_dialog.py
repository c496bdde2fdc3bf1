"""Drawing a curve with the mouse: driven by real mouse presses and moves on the canvas, the
points OK makes lie on the drawn shape (checked against the function drawn), sorted by x,
split by the lab's fraction; a later stroke replaces, the right button erases, and OK waits
for a drawing of at least one unit of x."""
from dataclasses import replace

import numpy as np
import pytest
from PySide6 import QtCore, QtGui
from PySide6.QtTest import QTest

from actlab.engine.trainer import Trainer
from actlab.gui.workspaces.functions import draw_curve_dialog as dcd
from actlab.gui.workspaces.functions.draw_curve_dialog import DrawCurveDialog, drawn_function_data
from actlab.lab import FunctionDataSpec, default_function_lab, default_lab
from actlab.labfile.format import load_lab, save_lab
from actlab.views import colors

Qt = QtCore.Qt


@pytest.fixture
def dialog(qtbot):
    d = DrawCurveDialog(None, default_function_lab())
    qtbot.addWidget(d)
    d.resize(640, 480)
    d.show()
    qtbot.waitExposed(d)
    return d


def drag(canvas, xs, f, button=Qt.MouseButton.LeftButton):
    """Press at (xs[0], f(xs[0])), move through every (x, f(x)), release: real events."""
    def at(x):
        return canvas.to_widget(x, f(x)).toPoint()
    QTest.mousePress(canvas, button, Qt.KeyboardModifier.NoModifier, at(xs[0]))
    for x in xs[1:]:
        QTest.mouseMove(canvas, at(x))
    QTest.mouseRelease(canvas, button, Qt.KeyboardModifier.NoModifier, at(xs[-1]))


def points(spec):
    train, test = spec.points
    return np.array(train), np.array(test)


def test_drawing_gives_sorted_points_on_the_drawn_curve(dialog):
    wave = lambda x: 1.5 * np.sin(x)  # noqa: E731
    drag(dialog.canvas, np.linspace(-5, 5, 101), wave)
    assert dialog.ok_button.isEnabled()
    assert dialog.canvas.covered() == pytest.approx(10.0, abs=0.05)
    spec = dialog.data_spec()
    assert spec.generator == "custom" and spec.n_points == 200
    train, test = points(spec)
    assert len(train) == len(test) == 100  # the lab's train fraction 0.5
    for part in (train, test):
        assert np.all(np.diff(part[:, 0]) > 0)  # sorted by x, one y per x
        assert part[:, 0].min() >= -5.02 and part[:, 0].max() <= 5.02
        np.testing.assert_allclose(part[:, 1], wave(part[:, 0]), atol=0.05)
    both = np.vstack([train, test])
    assert np.ptp(both[:, 0]) > 9.5  # spread over the whole drawing, not a corner of it
    assert "200 points" in dialog.status.text() and "100 training" in dialog.status.text()


def test_a_later_stroke_replaces_the_earlier_one_over_its_x_range(dialog):
    drag(dialog.canvas, np.linspace(-4, 4, 41), lambda x: 1.0)
    drag(dialog.canvas, np.linspace(2, 0, 21), lambda x: -1.0)  # right to left
    train, test = points(dialog.data_spec())
    both = np.vstack([train, test])
    inside = (both[:, 0] > 0.05) & (both[:, 0] < 1.95)
    outside = (both[:, 0] < -0.05) | (both[:, 0] > 2.05)
    assert inside.sum() > 10 and outside.sum() > 50
    np.testing.assert_allclose(both[inside, 1], -1.0, atol=0.03)
    np.testing.assert_allclose(both[outside, 1], 1.0, atol=0.03)


def test_the_right_button_erases_over_the_dragged_x_range(dialog):
    drag(dialog.canvas, np.linspace(-4, 4, 41), lambda x: 0.5 * x)
    drag(dialog.canvas, np.linspace(-1, 1, 11), lambda x: 2.5, Qt.MouseButton.RightButton)
    assert dialog.canvas.covered() == pytest.approx(6.0, abs=0.05)
    both = np.vstack(points(dialog.data_spec()))
    assert not np.any(np.abs(both[:, 0]) < 0.98)
    np.testing.assert_allclose(both[:, 1], 0.5 * both[:, 0], atol=0.03)


def test_ok_waits_for_one_unit_of_x_and_clear_takes_it_away(qtbot, dialog):
    assert not dialog.ok_button.isEnabled()
    drag(dialog.canvas, np.linspace(0, 0.5, 6), lambda x: 1.0)
    assert not dialog.ok_button.isEnabled()
    assert "at least 1" in dialog.status.text()
    drag(dialog.canvas, np.linspace(0.5, 1.6, 12), lambda x: 1.0)
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    assert dialog.canvas.covered() == 0.0 and not dialog.ok_button.isEnabled()
    with pytest.raises(ValueError):
        dialog.data_spec()


def test_points_noise_split_and_seed_are_used(qtbot):
    lab = replace(default_function_lab(),
                  data=FunctionDataSpec("sine", train_fraction=0.8, seed=12))
    d1, d2 = DrawCurveDialog(None, lab), DrawCurveDialog(None, lab)
    for d in (d1, d2):
        qtbot.addWidget(d)
        d.resize(640, 480)
        d.show()
        drag(d.canvas, np.linspace(-6, 6, 61), lambda x: 0.0)
        d.points.setValue(2000)
        d.noise.setValue(0.3)
    s1, s2 = d1.data_spec(), d2.data_spec()
    assert s1 == s2  # the same drawing and seed give the same points
    assert (s1.train_fraction, s1.seed, s1.noise, s1.n_points) == (0.8, 12, 0.3, 2000)
    train, test = points(s1)
    assert (len(train), len(test)) == (1600, 400)
    y = np.concatenate([train[:, 1], test[:, 1]])
    assert np.std(y) == pytest.approx(0.3, rel=0.1) and abs(np.mean(y)) < 0.03


def test_existing_custom_points_show_faintly(qtbot):
    pts = ((( -3.0, 2.0), (3.0, -2.0)), ())
    lab = replace(default_function_lab(), data=FunctionDataSpec("custom", 2, points=pts))
    d = DrawCurveDialog(None, lab)
    qtbot.addWidget(d)
    d.resize(640, 480)
    d.show()
    qtbot.waitExposed(d)
    img = d.canvas.grab().toImage()
    dpr = img.devicePixelRatio()
    for x, y in pts[0]:
        p = d.canvas.to_widget(x, y)
        c = QtGui.QColor(img.pixel(int(p.x() * dpr), int(p.y() * dpr)))
        orange = QtGui.QColor(colors.ORANGE)
        assert c != QtGui.QColor("white")
        assert c.red() > c.blue() and abs(c.hue() - orange.hue()) < 12, c.name()
    assert not d.ok_button.isEnabled()  # shown, not taken as a drawing


def test_drawn_function_data_returns_the_lab_or_none(qtbot, monkeypatch, tmp_path):
    def exec_drawing(self):
        self.canvas.stroke((-2.0, -1.0), (2.0, 1.0))
        return 1
    monkeypatch.setattr(DrawCurveDialog, "exec", exec_drawing)
    old = replace(default_lab(), seed=6)
    lab = drawn_function_data(None, old)  # from a point lab: a function lab
    assert lab.kind == "functions" and lab.data.is_custom and lab.seed == 6
    both = np.vstack([np.array(p) for p in lab.data.points])
    np.testing.assert_allclose(both[:, 1], both[:, 0] / 2.0, atol=0.01)
    Trainer(lab).train_epoch()
    save_lab(lab, tmp_path / "drawn.actlab")
    assert load_lab(tmp_path / "drawn.actlab") == lab
    monkeypatch.setattr(DrawCurveDialog, "exec", lambda self: 0)
    assert drawn_function_data(None, default_function_lab()) is None


def test_sample_drawing_stays_in_drawn_columns():
    y = np.full(dcd.BINS, np.nan)
    cols = slice(100, 200)
    y[cols] = 2.0
    x, v = dcd.sample_drawing(y, 500, 0.0, 3)
    centres = dcd.bin_centres()
    half = (centres[1] - centres[0]) / 2
    assert x.min() >= centres[100] - half and x.max() <= centres[199] + half
    assert np.all(v == 2.0)
