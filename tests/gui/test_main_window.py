"""The main window driven through its real widgets (pytest-qt, offscreen).

No test asserts on timing except that closing while training ends the thread within a
second; everything else waits for an observable state with ``qtbot.waitUntil``.
"""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import time
from dataclasses import replace
import numpy as np
import pytest
from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt

from actlab.labfile.format import load_lab
from actlab.views.export import image_is_blank, qimage_to_array

WAIT = 10_000  # ms: generous, a loaded CI machine may be slow


# ------------------------------------------------------------------ helpers

def latest(w):
    """The newest snapshot of the window's current network (None if not there yet)."""
    pub = w.training_thread.latest()
    if pub is None or pub.generation != w._generation:
        return None
    return pub.snapshot


def epoch(w) -> int:
    snap = latest(w)
    return -1 if snap is None else snap.epoch


def surface_pixels(w) -> np.ndarray:
    return qimage_to_array(w.output.surface_view.grab().toImage())


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def wait_paused(qtbot, w):
    qtbot.waitUntil(lambda: not w._playing and latest(w) is not None
                    and not w.training_thread.latest().playing, timeout=WAIT)


def play_until(qtbot, w, n: int):
    click(qtbot, w.play_button)
    qtbot.waitUntil(lambda: epoch(w) >= n, timeout=WAIT)


def pause(qtbot, w):
    click(qtbot, w.play_button)
    wait_paused(qtbot, w)


# ------------------------------------------------------------------ training

def test_play_trains_and_redraws_the_surface(qtbot, window):
    w = window
    first = latest(w)
    assert first.epoch == 0
    before = surface_pixels(w)
    click(qtbot, w.play_button)
    qtbot.waitUntil(lambda: w._playing, timeout=WAIT)
    assert w.acts.play.text().replace("&", "") == "Pause"
    qtbot.waitUntil(lambda: epoch(w) >= 100 and latest(w).train_loss < 0.8 * first.train_loss,
                    timeout=WAIT)
    qtbot.waitUntil(lambda: not np.array_equal(surface_pixels(w), before), timeout=WAIT)
    assert w.output.values["train_loss"].text() != "–"
    assert not w.isWindowModified()  # training alone is no change to save (issue 19)
    pause(qtbot, w)
    assert w.acts.play.text().replace("&", "") == "Play"


def test_pause_then_step_advances_exactly_one_epoch(qtbot, window):
    w = window
    play_until(qtbot, w, 5)
    pause(qtbot, w)
    e = epoch(w)
    qtbot.wait(100)
    assert epoch(w) == e  # paused means paused
    click(qtbot, w.findChild(type(w.play_button), "step"))
    qtbot.waitUntil(lambda: epoch(w) == e + 1, timeout=WAIT)
    qtbot.wait(100)
    assert epoch(w) == e + 1
    assert w.epoch_label.text().replace(",", "").lstrip("0") == str(e + 1)
    assert "one epoch" in w.statusBar().currentMessage()


def test_reset_returns_to_the_same_initial_weights(qtbot, window):
    w = window
    initial = latest(w).params
    play_until(qtbot, w, 20)
    pause(qtbot, w)
    trained = latest(w).params
    assert not np.array_equal(trained[0][0], initial[0][0])
    click(qtbot, w.findChild(type(w.play_button), "reset"))
    qtbot.waitUntil(lambda: epoch(w) == 0, timeout=WAIT)
    for (W0, b0), (W1, b1) in zip(initial, latest(w).params):
        assert np.array_equal(W0, W1) and np.array_equal(b0, b1)
    assert "same starting weights" in w.statusBar().currentMessage()


def test_new_seed_gives_other_weights(qtbot, window):
    w = window
    initial, seed = latest(w).params, w.lab.seed
    w.acts.new_seed.trigger()
    qtbot.waitUntil(lambda: latest(w) is not None, timeout=WAIT)
    assert w.lab.seed != seed
    assert not np.array_equal(latest(w).params[0][0], initial[0][0])


def test_learning_rate_changes_while_playing_without_reset(qtbot, window):
    w = window
    seen = []
    w.training_thread.worker.snapshotReady.connect(lambda pub: seen.append(pub.snapshot.epoch))
    play_until(qtbot, w, 30)
    e = epoch(w)
    combo = w.controls.learning_rate
    combo.setCurrentIndex(combo.findData(0.1))
    assert w.lab.training.learning_rate == 0.1
    assert "Learning rate changed" in w.statusBar().currentMessage()
    qtbot.waitUntil(lambda: epoch(w) >= e + 50, timeout=WAIT)
    qtbot.waitUntil(lambda: w.training_thread.current_lab()[1].training.learning_rate == 0.1,
                    timeout=WAIT)
    later = seen[seen.index(next(x for x in seen if x >= e)):]
    assert min(later) >= e, "the learning rate change must not reset the epoch"
    pause(qtbot, w)


def test_batch_size_and_regularisation_apply_without_reset(qtbot, window):
    w = window
    play_until(qtbot, w, 10)
    w.controls.batch_size.setValue(25)
    reg = w.controls.regularization
    reg.setCurrentIndex(reg.findData("l2"))
    assert w.lab.training.batch_size == 25
    assert w.lab.training.regularization == "l2" and w.lab.training.reg_rate > 0
    e = epoch(w)
    qtbot.waitUntil(lambda: epoch(w) > e + 10, timeout=WAIT)
    pause(qtbot, w)


def test_stop_after_pauses_by_itself(qtbot, window):
    w = window
    w.controls.stop_epochs.setValue(40)
    w.controls.stop_check.setChecked(True)
    assert w.lab.training.stop_after == 40
    click(qtbot, w.play_button)
    # the epoch counter is read from the worker's latest snapshot, which can show 40
    # before the queued "playing" signals arrive: wait for the message the student reads
    qtbot.waitUntil(lambda: "Stop after" in w.statusBar().currentMessage(), timeout=WAIT)
    qtbot.waitUntil(lambda: not w._playing, timeout=WAIT)
    assert epoch(w) == 40


def test_diverging_training_pauses_and_warns(qtbot, window):
    w = window
    problem = w.controls.problem
    problem.setCurrentIndex(problem.findData("regression"))  # squared error can blow up
    combo = w.controls.learning_rate
    combo.setCurrentIndex(combo.findData(10.0))
    qtbot.waitUntil(lambda: latest(w) is not None, timeout=WAIT)
    click(qtbot, w.play_button)
    qtbot.waitUntil(lambda: w.output.warning.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: not w._playing, timeout=WAIT)
    assert "diverged" in w.output.warning.text().lower()
    assert "learning rate" in w.statusBar().currentMessage()
    snap = latest(w)
    assert all(np.isfinite(W).all() for W, _ in snap.params)  # the last good weights
    click(qtbot, w.findChild(type(w.play_button), "reset"))
    assert not w.output.warning.isVisible()


# ------------------------------------------------------------------ network and features

def test_add_and_remove_a_layer_resets_with_a_message(qtbot, window):
    w = window
    play_until(qtbot, w, 10)
    hidden = w.lab.network.hidden
    click(qtbot, w.network_view.add_layer_button())
    assert w.lab.network.hidden == hidden + (4,)
    assert w.statusBar().currentMessage() == "Network changed: weights re-initialised."
    qtbot.waitUntil(lambda: latest(w) is not None
                    and len(latest(w).params) == len(hidden) + 2, timeout=WAIT)
    click(qtbot, w.network_view.remove_layer_button())
    assert w.lab.network.hidden == hidden
    qtbot.waitUntil(lambda: latest(w) is not None
                    and len(latest(w).params) == len(hidden) + 1, timeout=WAIT)
    pause(qtbot, w)


def test_change_activation_per_layer_and_for_all(qtbot, window):
    w = window
    combo = w.network_view.layer_controls(0).combo
    combo.setCurrentIndex(combo.findData("relu"))
    assert w.lab.network.activations[0] == "relu"
    assert "weights re-initialised" in w.statusBar().currentMessage()
    assert w.controls.activation.currentData() == "mixed"
    every = w.controls.activation
    every.setCurrentIndex(every.findData("linear"))
    assert set(w.lab.network.activations) == {"linear"}
    assert w.network_view.layer_controls(1).combo.currentData() == "linear"
    qtbot.waitUntil(lambda: latest(w) is not None and latest(w).epoch == 0, timeout=WAIT)


def test_feature_toggles_change_the_inputs(qtbot, window):
    w = window
    click(qtbot, w.features_panel.buttons["x1sq"])
    assert w.lab.features == ("x1", "x2", "x1sq")
    assert "Input features changed" in w.statusBar().currentMessage()
    qtbot.waitUntil(lambda: latest(w) is not None and latest(w).params[0][0].shape[0] == 3,
                    timeout=WAIT)
    for name in ("x1", "x2", "x1sq"):
        click(qtbot, w.features_panel.buttons[name])
    assert w.lab.features == ("x1sq",), "the last feature cannot be switched off"
    assert w.features_panel.buttons["x1sq"].isChecked()


def test_hovering_a_neuron_shows_it_large(qtbot, window):
    w = window
    w.network_view.hover_neuron(0, 1)
    assert w.output.surface_view.override_active
    w.network_view.unhover_neuron()
    assert not w.output.surface_view.override_active


# ------------------------------------------------------------------ data

def test_show_test_data_checkbox_and_menu_agree(qtbot, window):
    w = window
    box = w.output.show_test
    assert not w.output.surface_view.test_points.isVisible()
    click(qtbot, box)
    assert box.isChecked() and w.acts.show_test.isChecked()
    assert w.output.surface_view.test_points.isVisible()
    w.acts.show_test.trigger()
    assert not box.isChecked()
    assert not w.output.surface_view.test_points.isVisible()


def test_picking_a_data_set_and_problem_type(qtbot, window):
    w = window
    click(qtbot, w.data_panel.dataset_buttons["xor"])
    assert w.lab.data.generator == "xor"
    assert "Data changed" in w.statusBar().currentMessage()
    problem = w.controls.problem
    problem.setCurrentIndex(problem.findData("regression"))
    assert w.lab.data.problem == "regression" and w.lab.data.generator == "plane"
    assert w.data_panel.click_stack.currentIndex() == 1  # a value picker for regression
    problem.setCurrentIndex(problem.findData("classification"))
    assert w.lab.data.generator == "xor"  # back to the last classification set
    w.data_panel.noise.setValue(25)
    assert w.lab.data.noise == 0.25


def test_clicking_the_surface_adds_and_ctrl_click_removes_a_point(qtbot, window):
    w = window
    n_train = w.dataset.n_train
    view = w.output.surface_view
    qtbot.waitUntil(lambda: view.map_to_viewport(0, 0).x() > 0, timeout=WAIT)
    pos = view.map_to_viewport(5.5, -5.5)
    with qtbot.waitSignal(view.clicked, timeout=WAIT):
        qtbot.mouseClick(view.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert w.dataset.n_train == n_train + 1
    assert w.lab.data.is_custom
    added = w.lab.data.train_points[-1]
    assert added[2] == 1.0 and abs(added[0] - 5.5) < 0.2 and abs(added[1] + 5.5) < 0.2
    assert "Added a training point" in w.statusBar().currentMessage()
    with qtbot.waitSignal(view.clicked, timeout=WAIT):
        qtbot.mouseClick(view.plot_widget.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.ControlModifier, pos)
    assert w.dataset.n_train == n_train
    assert "Removed the point" in w.statusBar().currentMessage()


def test_clear_points_then_click_to_build_a_data_set(qtbot, window):
    w = window
    click(qtbot, w.data_panel.clear_points)
    assert w.dataset.n_train == 0 and not w.acts.play.isEnabled()
    w.output.surface_view.clicked.emit(2.0, 2.0, 1, False)
    w.output.surface_view.clicked.emit(-2.0, -2.0, 2, False)
    assert w.dataset.n_train == 2 and sorted(w.dataset.y_train) == [0.0, 1.0]
    assert w.acts.play.isEnabled()
    qtbot.waitUntil(lambda: latest(w) is not None, timeout=WAIT)


# ------------------------------------------------------------------ files

def test_save_and_reopen_round_trip(qtbot, window, tmp_path):
    w = window
    play_until(qtbot, w, 25)
    pause(qtbot, w)
    assert not w.isWindowModified()  # trained only: nothing to ask, but Save still works
    path = tmp_path / "trained.actlab"
    w.dialog_log  # dialogs are silent
    assert w.files.save_to(str(path))
    assert not w.isWindowModified()
    assert w.windowTitle() == "Circle with tanh[*]"  # [*] is Qt's placeholder
    saved = load_lab(path)
    assert saved.config_equal(w.lab)
    e = epoch(w)
    assert len(saved.history["epoch"]) == e
    for (W0, b0), (W1, b1) in zip(saved.params, latest(w).params):
        assert np.array_equal(W0, W1) and np.array_equal(b0, b1)

    click(qtbot, w.network_view.add_layer_button())  # change something, then reopen
    assert w.isWindowModified()
    assert w.open_path(str(path))
    assert not w.isWindowModified()
    assert w.lab == saved
    qtbot.waitUntil(lambda: epoch(w) == e, timeout=WAIT)
    assert np.array_equal(latest(w).params[0][0], saved.params[0][0])
    assert str(path) in w.settings.value("recent/labs")


def test_save_action_asks_for_a_name_the_first_time(qtbot, window, tmp_path, monkeypatch):
    from actlab.gui import dialogs

    w = window
    target = tmp_path / "first"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: str(target))
    w.acts.save.trigger()
    assert (tmp_path / "first.actlab").exists()
    assert w.path == str(tmp_path / "first.actlab")
    assert not w.isWindowModified()


def test_broken_lab_file_shows_an_error_and_changes_nothing(qtbot, window, tmp_path):
    w = window
    before = w.lab
    path = tmp_path / "broken.actlab"
    path.write_text('{"format": "actlab", "version": 1, "network": {"hidden": [0]}}')
    assert not w.open_path(str(path))
    assert len(w.dialog_log["errors"]) == 1
    title, message = w.dialog_log["errors"][0]
    assert "broken.actlab" in message and "network.hidden" in message
    assert w.lab is before
    assert not os.path.exists(tmp_path / "missing.actlab")
    assert not w.open_path(str(tmp_path / "missing.actlab"))
    assert "file not found" in w.dialog_log["errors"][1][1]
    assert w.lab is before


def test_bad_csv_shows_an_error_and_changes_nothing(qtbot, window, tmp_path):
    w = window
    before = w.lab
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n1,2,0\n3,oops,1\n")
    assert not w.files.import_csv(str(bad))
    title, message = w.dialog_log["errors"][-1]
    assert "bad.csv" in message and "line 3" in message
    assert w.lab is before

    good = tmp_path / "good.csv"
    good.write_text("x1,x2,label\n" + "".join(f"{i % 5 - 2},{i % 3 - 1},{i % 2}\n"
                                              for i in range(20)))
    assert w.files.open_dropped(str(good))  # the drag-and-drop path
    assert w.lab.data.is_custom and w.dataset.n_train + w.dataset.n_test == 20


def test_presets_and_recent_menus(qtbot, window):
    w = window
    w.menus.labs.aboutToShow.emit()
    actions = w.menus.labs.actions()
    assert actions, "the presets are listed"
    actions[0].trigger()
    assert not w.isWindowModified()
    w.menus.recent.aboutToShow.emit()
    assert w.menus.recent.actions()


def test_export_png_and_history(qtbot, window, tmp_path):
    w = window
    play_until(qtbot, w, 10)
    pause(qtbot, w)
    png = tmp_path / "figure.png"
    assert w.export("figure", "png", str(png))
    assert png.exists() and not image_is_blank(png)
    assert w.export("surface", "svg", str(tmp_path / "surface.svg"))
    assert (tmp_path / "surface.svg").read_text().lstrip().startswith("<?xml")
    assert w.export("history", "csv", str(tmp_path / "history.csv"))
    rows = (tmp_path / "history.csv").read_text().splitlines()
    assert rows[0].startswith("epoch,train_loss") and len(rows) == epoch(w) + 1


# ------------------------------------------------------------------ closing

def test_close_while_training_stops_the_thread(qtbot, settings_dir, dialog_log):
    from actlab.gui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    play_until(qtbot, w, 10)
    assert w._playing
    t0 = time.perf_counter()
    assert w.close()
    elapsed = time.perf_counter() - t0
    assert not w.training_thread.thread.isRunning()
    assert elapsed < 1.0
    assert dialog_log["asked"] == []  # training alone is no unsaved change (issue 19)
    assert (settings_dir / "ActLab.ini").exists()  # geometry saved in the temp location


def test_cancel_keeps_the_window_open(qtbot, window, monkeypatch):
    from actlab.gui import dialogs

    w = window
    w.controls.batch_size.setValue(20)  # a real change (a Step alone asks nothing now)
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a: "cancel")
    assert not w.close()
    assert w.isVisible() and w.training_thread.thread.isRunning()
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a: "discard")


# ------------------------------------------------------------------ entry point

def test_entry_point_version_help_and_cli_dispatch(capsys, monkeypatch):
    import actlab
    from actlab import __main__ as entry

    assert entry.main(["--version"]) == 0
    assert actlab.__version__ in capsys.readouterr().out
    assert entry.main(["--help"]) == 0
    assert "actlab train" in capsys.readouterr().out
    calls = []
    import actlab.cli.main
    monkeypatch.setattr(actlab.cli.main, "main", lambda argv: calls.append(argv) or 0)
    assert entry.main(["train", "circle-tanh", "--epochs", "5"]) == 0
    assert calls == [["train", "circle-tanh", "--epochs", "5"]]
    assert entry.main(["--bogus"]) == 2


def test_keyboard_shortcuts_play_and_step(qtbot, window):
    w = window
    w.activateWindow()
    w.network_view.setFocus()
    qtbot.keyClick(w.network_view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: w._playing, timeout=WAIT)
    qtbot.keyClick(w.network_view, Qt.Key.Key_Space)
    wait_paused(qtbot, w)
    e = epoch(w)
    qtbot.keyClick(w.network_view, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: epoch(w) == e + 1, timeout=WAIT)


def test_dropping_a_lab_file_opens_it(qtbot, window, tmp_path):
    from PySide6 import QtGui

    from actlab.labfile.format import save_lab
    from actlab.labfile.presets import load_preset, preset_names

    w = window
    lab = load_preset(preset_names()[1])
    path = tmp_path / "dropped.actlab"
    save_lab(lab, path)
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(path))])
    pos = QtCore.QPointF(100, 100)
    enter = QtGui.QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime,
                                  Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    w.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QtGui.QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    w.dropEvent(drop)
    qtbot.waitUntil(lambda: w.lab.name == lab.name, timeout=WAIT)
    assert w.path == str(path)


def test_app_starts_with_a_lab_file_and_quits(tmp_path, settings_dir):
    import subprocess
    import sys

    from actlab.labfile.format import save_lab
    from actlab.labfile.presets import load_preset, preset_names

    path = tmp_path / "start.actlab"
    save_lab(load_preset(preset_names()[0]), path)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ACTLAB_QUIT_AFTER_SHOW="1",
               ACTLAB_START_TIME=repr(time.time()),
               PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-m", "actlab", str(path)], env=env, cwd=root,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "startup_seconds=" in out.stdout


def test_help_and_about_open_without_blocking(qtbot, window):
    w = window
    w.acts.help.trigger()
    w.acts.about.trigger()
    from PySide6 import QtWidgets
    tops = [t for t in QtWidgets.QApplication.topLevelWidgets() if t.isVisible() and t is not w]
    assert tops, "a help window or the About box is shown"
    for t in tops:
        t.close()


def test_window_geometry_and_recent_labs_persist(qtbot, settings_dir, dialog_log, tmp_path):
    from actlab.gui.main_window import MainWindow
    from actlab.gui.settings import MAX_RECENT, add_recent_lab, open_settings, recent_labs

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(741, 503)  # fits the offscreen screen (800 x 800): restored as it was
    w.show()
    qtbot.waitExposed(w)
    size = (w.width(), w.height())
    assert size != (1280, 800)
    w.close()
    again = MainWindow()
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == size
    again.close()

    s = open_settings()
    assert s.fileName().startswith(str(settings_dir))
    for i in range(MAX_RECENT + 3):
        add_recent_lab(s, str(tmp_path / f"lab{i}.actlab"))
    labs = recent_labs(s)
    assert len(labs) == MAX_RECENT and labs[0].endswith(f"lab{MAX_RECENT + 2}.actlab")


# ------------------------------------------------------------------ the worker on its own

@pytest.fixture
def thread(qtbot):
    from actlab.gui.training.training_thread import TrainingThread

    t = TrainingThread()
    yield t
    assert t.shutdown()
    assert not t.thread.isRunning()


class _Heard:
    """The arguments of every emission of a worker signal, in order.

    Not ``qtbot.waitSignal``: these signals are emitted on the training thread, where
    its callback would stop a GUI-thread timer and quit the loop from the wrong thread;
    when the signal came before the loop started (a quick worker), the wait never ended
    and once froze the suite.  A list append is safe from any thread."""

    def __init__(self, signal):
        self.args: list[tuple] = []
        signal.connect(lambda *a: self.args.append(a))

    def wait(self, qtbot, count: int) -> tuple:
        qtbot.waitUntil(lambda: len(self.args) >= count, timeout=WAIT)
        return self.args[count - 1]


def test_worker_commands_signals_and_failed_loads(qtbot, thread):
    from actlab.lab import default_lab

    w = thread.worker
    lab = default_lab()
    snapshots, playing = _Heard(w.snapshotReady), _Heard(w.playingChanged)
    reseeded, failed, finished = _Heard(w.labChanged), _Heard(w.loadFailed), _Heard(w.finished)
    gen = thread.load(lab)
    first = snapshots.wait(qtbot, 1)
    assert first[0].generation == gen and first[0].snapshot.epoch == 0
    thread.play()
    assert playing.wait(qtbot, 1) == (True,)
    qtbot.waitUntil(lambda: thread.latest().snapshot.epoch > 20, timeout=WAIT)
    thread.pause()
    assert playing.wait(qtbot, 2) == (False,)
    assert w._per_chunk >= 1

    thread.reset(new_seed=True)
    assert reseeded.wait(qtbot, 1)[0].seed != lab.seed
    qtbot.waitUntil(lambda: thread.latest().snapshot.epoch == 0, timeout=WAIT)

    bad = replace(lab, params=((np.zeros((5, 5)), np.zeros(5)),))  # wrong shapes
    bad_gen = thread.load(bad)
    args = failed.wait(qtbot, 1)
    assert args[0] == bad_gen and args[1]
    assert thread.current_lab()[0] == gen  # the old Trainer is kept

    spec = replace(lab.training, stop_after=5)
    thread.set_training(spec)
    thread.play()
    finished.wait(qtbot, 1)
    assert thread.latest().snapshot.epoch == 5
    saved_gen, saved = thread.current_lab()
    assert saved.training.stop_after == 5 and len(saved.history["epoch"]) == 5
    assert not saved.params[0][0].flags.writeable


def test_arrow_keys_move_a_focused_slider_instead_of_stepping(qtbot, window):
    w = window
    w.activateWindow()
    qtbot.waitActive(w)  # key events go to the focus widget of the active window
    slider = w.data_panel.findChild(QtWidgets.QSlider)
    slider.setFocus()
    qtbot.waitUntil(slider.hasFocus, timeout=WAIT)
    before = slider.value()
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert slider.value() == before + slider.singleStep()
    assert epoch(w) <= 0  # the Step shortcut did not fire
