"""Typing a neuron count beside − / + (issue 9): 60 clicks to reach 64 were too many."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from actlab.lab import MAX_NEURONS
from actlab.views.network.view import LOCKED_TIP, NetworkView
from actlab.views.qt import QtCore, QtGui, QtWidgets

Qt = QtCore.Qt


def _view(qtbot, hidden=(4, 2), size=(420, 520)) -> NetworkView:
    view = NetworkView()
    qtbot.addWidget(view)
    view.resize(*size)
    view.set_architecture(("x1", "x2"), hidden, ("tanh",) * len(hidden), 1)
    view.show()
    qtbot.waitExposed(view)
    return view


def _type(qtbot, spin: QtWidgets.QSpinBox, text: str) -> None:
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)


def test_typing_64_and_enter_sets_the_layer_to_64_neurons(qtbot):
    view = _view(qtbot)
    spin = view.layer_controls(0).count_spin
    assert spin.isVisible() and spin.value() == 4
    _type(qtbot, spin, "64")
    with qtbot.waitSignal(view.architectureChanged, timeout=1000) as blocker:
        qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert blocker.args == [(64, 2), ("tanh", "tanh")]
    assert view.architecture() == ((64, 2), ("tanh", "tanh"))
    assert view.layer_controls(0).count_label.text() == "64 neurons"
    assert view.layer_controls(0).count_spin.value() == 64
    assert not view.layer_controls(0).add_button.isEnabled()  # at MAX_NEURONS


def test_leaving_the_box_applies_the_typed_count(qtbot):
    view = _view(qtbot)
    spin = view.layer_controls(1).count_spin
    _type(qtbot, spin, "7")
    with qtbot.waitSignal(view.architectureChanged, timeout=1000) as blocker:
        # focus moving away finishes the edit like Enter (sent directly: an offscreen
        # window may not be the active one)
        QtWidgets.QApplication.sendEvent(
            spin, QtGui.QFocusEvent(QtCore.QEvent.Type.FocusOut,
                                    Qt.FocusReason.TabFocusReason))
    assert blocker.args == [(4, 7), ("tanh", "tanh")]


def test_count_outside_1_to_max_is_refused_by_the_box(qtbot):
    view = _view(qtbot)
    spin = view.layer_controls(0).count_spin
    assert (spin.minimum(), spin.maximum()) == (1, MAX_NEURONS)
    with qtbot.assertNotEmitted(view.architectureChanged):
        _type(qtbot, spin, "0")  # no layer of 0 neurons: the box does not take it
        qtbot.keyClick(spin, Qt.Key.Key_Return)
        _type(qtbot, spin, "4")  # the same count again: nothing to change
        qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert view.architecture()[0] == (4, 2)
    _type(qtbot, spin, "99")  # 99 > 64: the box refuses the second 9
    assert spin.text() == "9"
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert view.architecture()[0] == (9, 2)


def test_teacher_lock_disables_typing_like_the_buttons(qtbot):
    view = _view(qtbot)
    view.set_edit_locks(True, False)
    spin = view.layer_controls(0).count_spin
    assert not spin.isEnabled()
    assert LOCKED_TIP in spin.toolTip()
    with qtbot.assertNotEmitted(view.architectureChanged):
        view.layer_controls(0).countEntered.emit(10)  # even a stray signal is ignored
    assert view.architecture()[0] == (4, 2)
    view.set_edit_controls_visible(structure=False)
    assert not spin.isVisible()


def test_count_box_works_in_the_compact_arrangement(qtbot):
    view = _view(qtbot, (3,) * 10, size=(300, 420))
    ctrl = view.layer_controls(9)
    assert ctrl.compact
    _type(qtbot, ctrl.count_spin, "12")
    with qtbot.waitSignal(view.architectureChanged, timeout=1000) as blocker:
        qtbot.keyClick(ctrl.count_spin, Qt.Key.Key_Enter)
    assert blocker.args[0] == (3,) * 9 + (12,)
