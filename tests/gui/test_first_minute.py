"""Issue 19, "the first minute": the app opens on a guided lab with its guide in front and
a "Stop after" that ends the first run by itself; training alone (Play, Step, Reset) is no
unsaved change, so switching labs after it asks nothing, while a change of the student's
own — a setting, the data, notes, a designed activation, a typed weight — still asks, shows
[*] and is autosaved (pytest-qt, offscreen)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import pytest
from PySide6 import QtCore
from PySide6.QtCore import Qt

from actlab.gui.files import autosave
from actlab.labfile.presets import STARTING_PRESET, load_preset

WAIT = 60_000  # ms: generous, the machine may be busy


def _epoch(w) -> int:
    pub = w.training_thread.latest()
    return -1 if pub is None or pub.generation != w._generation else pub.snapshot.epoch


@pytest.fixture
def first_window(qtbot, settings_dir, dialog_log):
    """The window as ``actlab`` opens it with no LAB, on empty settings, on a 1366 x 768
    laptop screen."""
    from actlab.gui.app import first_lab
    from actlab.gui.main_window import MainWindow

    w = MainWindow(first_lab([], None))
    w.dialog_log = dialog_log
    qtbot.addWidget(w)
    w.setWindowState(QtCore.Qt.WindowState.WindowNoState)
    w.layout_.apply_floors(QtCore.QSize(1366, 768))
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.playback.redraws > 0, timeout=WAIT)
    yield w
    w.close()
    assert not w.training_thread.thread.isRunning()


def test_first_lab_is_the_guided_starting_preset_only_when_no_lab_is_named():
    from actlab.gui.app import first_lab

    lab = first_lab([], None)
    assert lab is not None and lab.name == load_preset(STARTING_PRESET).name
    assert lab.guide and lab.guide.get("instructions") and lab.guide.get("expect")
    # it stops at the epoch its outcomes are judged at, so both are decided by then
    stop = lab.training.stop_after
    assert stop and stop >= max(e["epochs"] for e in lab.guide["expect"])
    assert first_lab(["mine.actlab"], None) is None  # a named LAB opens instead
    assert first_lab([], "circle-tanh") is None


def test_a_fresh_start_shows_the_guide_and_training_stops_by_itself(qtbot, first_window):
    w = first_window
    assert w.lab.name == load_preset(STARTING_PRESET).name and w.path is None
    # the Guide is in front of an unfolded side panel, with what to do first
    assert w.guide.guide_shown() and not w.side_panel.folded
    assert w.guide.guide_action.isChecked()
    assert "Press Play" in w.lab.guide["instructions"]
    # "Stop after" is on in the toolbar
    assert w.controls.stop_check.isChecked()
    assert w.controls.stop_epochs.value() == w.lab.training.stop_after
    assert not w.isWindowModified() and _epoch(w) == 0
    w.play()
    qtbot.waitUntil(lambda: _epoch(w) == w.lab.training.stop_after and not w.wants_playing
                    and not w._playing, timeout=WAIT)
    assert "Stopped at epoch" in w.statusBar().currentMessage()
    assert not w.isWindowModified()  # trained, nothing changed: nothing to save


def test_play_step_reset_then_another_preset_asks_nothing(qtbot, first_window):
    w = first_window
    w.play()
    qtbot.waitUntil(lambda: _epoch(w) >= 20, timeout=WAIT)
    w.pause()
    w.step()
    w.reset()
    w.step()
    qtbot.waitUntil(lambda: _epoch(w) == 1, timeout=WAIT)
    assert not w.isWindowModified()  # the title shows no [*]
    assert not w.autosaver.write_if_modified() and w.autosaver.writes == 0
    w.play()  # still training while the student picks another lab
    qtbot.waitUntil(lambda: _epoch(w) >= 3, timeout=WAIT)
    assert w.open_preset("circle-tanh")
    assert w.dialog_log["asked"] == []
    assert w.lab.name == "Circle with tanh"


def _change_learning_rate(qtbot, w):
    box = w.controls.learning_rate
    box.setCurrentIndex((box.currentIndex() + 1) % box.count())


def _change_data_set(qtbot, w):
    w.data_panel.dataset_buttons["spiral"].click()
    qtbot.waitUntil(lambda: w.lab.data.generator == "spiral", timeout=WAIT)


def _write_notes(qtbot, w):
    w.guide.guide_panel.notes_edit.setPlainText("four soft lines")
    w.guide.guide_panel.flush_notes()


def _design_activation(qtbot, w):
    from actlab.engine.activations.custom import PiecewiseLinear
    from actlab.gui.activations.designed_activations import design_for_all

    w.dialog_log["design"] = PiecewiseLinear("bend", ((-1.0, 0.0), (0.0, 0.0), (1.0, 2.0)))
    assert design_for_all(w)


def _type_a_weight(qtbot, w):
    nv = w.network_view
    link = nv.link_item(0, 0, 1)
    point = link.path().pointAtPercent(0.3)
    assert nv.scene.key_near(point) == link.tip_key
    qtbot.mouseClick(nv.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=nv.view.mapFromScene(point))
    popup = w.weight_editor.popup
    assert popup is not None and popup.isVisible()
    popup.edit.selectAll()
    qtbot.keyClick(popup.edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(popup.edit, "0.5")
    qtbot.keyClick(popup.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.isWindowModified(), timeout=WAIT)


@pytest.mark.parametrize("change", [_change_learning_rate, _change_data_set, _write_notes,
                                    _design_activation, _type_a_weight],
                         ids=["learning rate", "data set", "notes", "designed activation",
                              "typed weight"])
def test_a_change_of_the_students_asks_marks_and_autosaves(qtbot, first_window, change):
    w = first_window
    w.play()
    qtbot.waitUntil(lambda: _epoch(w) >= 5, timeout=WAIT)
    w.pause()
    qtbot.waitUntil(lambda: not w._playing, timeout=WAIT)
    assert not w.isWindowModified()
    change(qtbot, w)
    assert w.isWindowModified()  # the title's [*] shows
    assert w.windowTitle().endswith("[*]")
    assert w.autosaver.write_if_modified()  # and the autosave keeps it
    assert os.path.basename(w.autosaver.path) == autosave.FILE_NAME
    assert os.path.exists(w.autosaver.path)
    name = w.lab.name
    w.play()
    qtbot.waitUntil(lambda: _epoch(w) >= 1, timeout=WAIT)
    assert w.open_preset("circle-tanh")  # the fixture's dialog answers Discard
    assert w.dialog_log["asked"] == [name]
    assert not w.isWindowModified()  # the new lab is unchanged
