"""The activation editor's "Tweak a built-in" mode (leaky ReLU slope, ELU alpha) and its
use through the layer menus."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtTest import QTest

from actlab.engine.activations.custom import PiecewiseLinear
from actlab.engine.activations.tweaked import Tweaked
from actlab.gui.activations import designed_activations
from actlab.gui.activations.activation_editor import ActivationEditor
from actlab.views.colors import BLUE

Qt = QtCore.Qt
WAIT = 60_000
BEND = PiecewiseLinear("bend", ((-1.0, 0.0), (0.0, 0.0), (1.0, 2.0)))
OK = QtWidgets.QDialogButtonBox.StandardButton.Ok


def _editor(qtbot, editing=None, custom=(BEND,)):
    d = ActivationEditor(None, custom=custom, editing=editing)
    qtbot.addWidget(d)
    d.resize(560, 540)
    d.show()
    qtbot.waitExposed(d)
    return d


def _is_blue(plot, x, y) -> bool:
    """The plot's pixel at the point (x, y) is the curve's blue (within antialiasing)."""
    img = plot.grab().toImage()
    dpr = img.devicePixelRatio()
    q = plot.to_pixel(x, y)
    want = QtGui.QColor(BLUE)
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            c = img.pixelColor(int(q.x() * dpr) + dx, int(q.y() * dpr) + dy)
            if max(abs(c.red() - want.red()), abs(c.green() - want.green()),
                   abs(c.blue() - want.blue())) < 40:
                return True
    return False


def test_tweaking_leaky_relu_with_the_slider_draws_it_live_and_ok_returns_it(qtbot):
    d = _editor(qtbot)
    assert d.mode() == "points" and d.start_combo.isVisible() and not d.tweak.isVisible()
    QTest.mouseClick(d.mode_radios["tweak"], Qt.MouseButton.LeftButton)
    assert d.mode() == "tweak" and d.tweak.isVisible()
    # the points' widgets are gone and the plot has no handles to drag
    assert not d.start_combo.isVisible() and not d.x_spin.isVisible()
    assert not d.plot.editable
    d.tweak.base_combo.setCurrentIndex(d.tweak.base_combo.findData("leaky_relu"))
    d.tweak.parameter_slider.setValue(100)  # the slider's right end
    assert d.tweak.parameter_spin.value() == 1.0
    assert d.shape_label.text().startswith(
        "Leaky ReLU with slope 1 for z < 0 is the line f(z) = z: linear")
    assert _is_blue(d.plot, -3.0, -3.0)  # drawn through (−3, −3): the identity
    d.tweak.parameter_slider.setValue(25)
    assert d.tweak.parameter_spin.value() == pytest.approx(0.25)
    assert d.shape_label.text() == ("Leaky ReLU with slope 0.25 for z < 0: 1 kink (at z = "
                                    "0): the network can bend")
    assert _is_blue(d.plot, -3.0, -0.75) and not _is_blue(d.plot, -3.0, -3.0)
    seen = []
    d.plot.pointsChanged.connect(seen.append)  # a drag in tweak mode moves nothing
    start = d.plot.to_pixel(0.0, 0.0).toPoint()
    QTest.mousePress(d.plot, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(d.plot, start + QtCore.QPoint(30, -40))
    QTest.mouseRelease(d.plot, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       start + QtCore.QPoint(30, -40))
    assert seen == [] and d.points() == ((-2.0, 0.0), (0.0, 0.0), (2.0, 2.0))
    d.name_edit.setText("gentle")
    d.buttons.button(OK).click()
    act = d.activation()
    assert act == Tweaked("gentle", "leaky_relu", 0.25)
    z = np.linspace(-4, 4, 801)
    assert np.allclose(act.value(z), np.where(z > 0, z, 0.25 * z))


def test_elu_alpha_is_drawn_with_its_slope_and_alpha_zero_is_relu(qtbot):
    d = _editor(qtbot)
    d.set_mode("tweak")
    d.tweak.base_combo.setCurrentIndex(d.tweak.base_combo.findData("elu"))
    assert d.tweak.parameter_spin.maximum() == 5.0 and d.tweak.parameter_slider.maximum() == 500
    d.tweak.parameter_spin.setValue(0.5)
    assert d.tweak.parameter_slider.value() == 50
    z, f, df = d.plot._curve
    neg = z < 0  # independent truth: the closed form of ELU with alpha 0.5
    assert np.allclose(f[neg], 0.5 * (np.exp(z[neg]) - 1)) and np.allclose(f[~neg], z[~neg])
    assert np.allclose(df[neg], 0.5 * np.exp(z[neg])) and np.allclose(df[z > 0], 1.0)
    assert _is_blue(d.plot, -3.0, 0.5 * (np.exp(-3.0) - 1))
    assert d.shape_label.text().startswith("ELU with alpha 0.5: curved for z < 0")
    d.tweak.parameter_slider.setValue(0)
    assert d.shape_label.text().startswith("ELU with alpha 0 is ReLU")
    d.tweak.parameter_slider.setValue(300)
    d.name_edit.setText("steep elu")
    d.accept()
    assert d.activation() == Tweaked("steep elu", "elu", 3.0)


def test_editing_opens_in_the_mode_of_its_kind_and_switching_keeps_the_points(qtbot):
    t = Tweaked("soft", "elu", 0.5)
    d = _editor(qtbot, editing=t, custom=(BEND, t))
    assert d.mode() == "tweak" and d.mode_radios["tweak"].isChecked()
    assert d.tweak.base() == "elu" and d.tweak.parameter() == 0.5
    assert d.name_edit.text() == "soft" and d.buttons.button(OK).isEnabled()
    d.accept()
    assert d.activation() == t  # its own name may stay
    d = _editor(qtbot, editing=BEND)
    assert d.mode() == "points" and d.plot.editable and d.points() == BEND.points
    d.set_mode("tweak")
    d.set_mode("points")
    assert d.plot.editable and d.points() == BEND.points and d.x_spin.isVisible()
    d.name_edit.setText("relu")  # a name clash is explained in either mode
    d.set_mode("tweak")
    assert d.error_label.text().startswith("name:") and not d.buttons.button(OK).isEnabled()


def test_a_tweaked_design_through_the_layer_menu_trains_and_its_edit_opens_it(
        window, qtbot, monkeypatch):
    from actlab.views.network.layer_controls import DESIGN_ITEM, EDIT_ITEM
    w = window
    made = Tweaked("gentle", "leaky_relu", 0.3)
    seen = []

    def fake(parent, custom, editing=None):
        seen.append(editing)
        return made if editing is None else Tweaked("gentle", "leaky_relu", 0.6)

    monkeypatch.setattr(designed_activations.activation_editor, "design_activation", fake)
    combo = w.network_view.layer_controls(0).combo
    combo.setCurrentIndex(combo.findData(DESIGN_ITEM))
    assert w.lab.network.custom == (made,) and w.lab.network.activations[0] == "gentle"
    assert "Leaky ReLU with slope 0.3" in w.statusBar().currentMessage()
    w.acts.play.trigger()
    qtbot.waitUntil(lambda: w.training_thread.latest() is not None
                    and w.training_thread.latest().generation == w._generation
                    and w.training_thread.latest().snapshot.epoch >= 2, timeout=WAIT)
    assert np.isfinite(w.training_thread.latest().snapshot.train_loss)
    w.request_pause()
    combo = w.network_view.layer_controls(0).combo
    combo.setCurrentIndex(combo.findData(EDIT_ITEM))
    assert seen == [None, made]  # the edit opened the tweaked one
    assert w.lab.network.custom == (Tweaked("gentle", "leaky_relu", 0.6),)
