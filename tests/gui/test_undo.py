"""Undo and Redo of data edits in the window (pytest-qt, offscreen): the keys, the Edit
menu, and what the surface shows afterwards."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import numpy as np
from PySide6 import QtCore

Qt = QtCore.Qt
WAIT = 20_000


def _shown_points(w) -> np.ndarray:
    """Every point the output picture draws (training then test), as (n, 2)."""
    sv = w.output.surface_view
    parts = [np.column_stack(item.getData()) for item in (sv.train_points, sv.test_points)
             if item.getData()[0] is not None and len(item.getData()[0])]
    return np.concatenate(parts) if parts else np.zeros((0, 2))


def _key(qtbot, w, key, modifiers) -> None:
    w.activateWindow()
    w.network_view.setFocus()  # not a spin box: those keep Ctrl+Z for their own text
    qtbot.keyClick(w.network_view, key, modifiers)


def _undo_key(qtbot, w):
    _key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def _redo_key(qtbot, w):
    _key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
         | Qt.KeyboardModifier.ShiftModifier)


def test_import_then_ctrl_z_brings_the_300_points_back(qtbot, window, tmp_path):
    w = window
    a = w.acts
    assert not a.undo.isEnabled() and not a.redo.isEnabled()  # a fresh lab
    assert a.undo.shortcut().matches(QtCore.Qt.Key.Key_Z | Qt.KeyboardModifier.ControlModifier)
    w.data_panel.points.setValue(300)
    assert w.lab.data.n_points == 300
    before_data, before_points = w.lab.data, _shown_points(w)
    assert len(before_points) == 300

    csv = tmp_path / "four.csv"
    csv.write_text("x1,x2,label\n1,1,1\n-1,-1,0\n2,0,1\n0,2,0\n")
    assert w.files.import_csv(str(csv))
    assert w.lab.data.is_custom and len(_shown_points(w)) == 4
    assert a.undo.isEnabled() and a.undo.text() == "&Undo Import CSV"
    assert "Import CSV" in a.undo.statusTip()

    _undo_key(qtbot, w)
    qtbot.waitUntil(lambda: w.lab.data == before_data, timeout=WAIT)
    assert np.array_equal(_shown_points(w), before_points)  # the very same 300 points
    assert w.dataset.n_train + w.dataset.n_test == 300
    assert a.redo.isEnabled() and a.redo.text() == "&Redo Import CSV"
    assert w.isWindowModified()
    assert "Undone: Import CSV" in w.statusBar().currentMessage()

    _redo_key(qtbot, w)
    qtbot.waitUntil(lambda: w.lab.data.is_custom, timeout=WAIT)
    assert len(_shown_points(w)) == 4 and not a.redo.isEnabled()
    # and the window still trains on what it shows
    w.step()
    qtbot.waitUntil(lambda: w.training_thread.latest().snapshot.epoch == 1
                    and w.training_thread.latest().generation == w._generation, timeout=WAIT)


def test_clear_clicks_regenerate_and_data_set_undo_in_order(qtbot, window):
    w = window
    start = w.lab.data
    w.data_panel.regenerate.click()
    regenerated = w.lab.data
    assert regenerated.seed != start.seed
    w.data_panel.clear_points.click()
    assert len(_shown_points(w)) == 0 and not w.acts.play.isEnabled()
    w.output.surface_view.clicked.emit(1.0, 2.0, 1, False)  # add a point
    w.output.surface_view.clicked.emit(-1.0, -2.0, 2, False)  # and another
    assert len(_shown_points(w)) == 2
    w.output.surface_view.clicked.emit(1.0, 2.0, 1, True)  # Ctrl+click removes it
    assert _shown_points(w).tolist() == [[-1.0, -2.0]]
    w.data_panel.dataset_buttons["xor"].click()
    assert w.lab.data.generator == "xor"
    texts = [e.text for e in w.edits.data_history.undo_list]
    assert texts == ["Regenerate", "Clear points", "Add point", "Add point", "Remove point",
                     "Data set"]

    assert w.edits.undo() and w.lab.data.is_custom and _shown_points(w).tolist() == [[-1.0, -2.0]]
    assert w.edits.undo() and len(_shown_points(w)) == 2
    assert w.edits.undo() and w.edits.undo() and len(_shown_points(w)) == 0
    assert w.edits.undo() and w.lab.data == regenerated and w.acts.play.isEnabled()
    assert w.edits.undo() and w.lab.data == start
    assert not w.acts.undo.isEnabled() and not w.edits.undo()
    assert w.edits.redo() and w.lab.data == regenerated
    # a new edit after undoing: what was undone can no longer be redone
    w.data_panel.noise.setValue(30)
    assert w.lab.data.noise == 0.3 and not w.acts.redo.isEnabled()
    assert w.acts.undo.text() == "&Undo Noise"


def test_a_new_lab_starts_a_fresh_history(qtbot, window):
    w = window
    w.data_panel.regenerate.click()
    assert w.acts.undo.isEnabled()
    w.files.new_lab()
    assert not w.acts.undo.isEnabled() and not w.acts.redo.isEnabled()
    assert w.menus.edit.actions() == [w.acts.undo, w.acts.redo]
