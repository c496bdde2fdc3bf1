"""Autosave and "Recover unsaved lab?" (pytest-qt, offscreen).

The crash is real: a child process opens the window, edits the data (which autosaves)
and dies with ``os._exit`` — no close, no clean-up — then this process starts a window
on the same settings folder."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import pytest

from actlab.gui.files import autosave
from actlab.labfile.format import load_lab

WAIT = 20_000
ROOT = Path(__file__).resolve().parents[2]

CRASH = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6 import QtWidgets
app = QtWidgets.QApplication([])
from actlab.gui.main_window import MainWindow
w = MainWindow()
w.data_panel.points.setValue(300)
w.data_panel.noise.setValue(25)
assert w.autosaver.writes >= 2, w.autosaver.writes
print(w.lab.data.seed, flush=True)
os._exit(3)  # a crash: nothing closes, nothing is removed
"""


def _crash(settings_dir) -> None:
    env = dict(os.environ, ACTLAB_SETTINGS_DIR=str(settings_dir), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", CRASH], cwd=ROOT, env=env, timeout=120,
                          capture_output=True, text=True)
    assert done.returncode == 3, done.stderr
    assert (settings_dir / autosave.FILE_NAME).exists()


def _window(qtbot, dialog_log):
    from actlab.gui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    return w


def test_recover_after_a_crash_opens_the_lab_unsaved(qtbot, settings_dir, dialog_log):
    _crash(settings_dir)
    dialog_log["recover_answer"] = "recover"
    w = _window(qtbot, dialog_log)
    assert dialog_log["recover"] == ["Circle with tanh"]
    assert w.lab.data.n_points == 300 and w.lab.data.noise == 0.25
    assert w.dataset.n_train + w.dataset.n_test == 300
    assert w.isWindowModified() and "Recovered" in w.statusBar().currentMessage()
    assert (settings_dir / autosave.FILE_NAME).exists()  # still unsaved: still autosaved
    w.close()  # answered "discard" by the fixture: a clean close
    assert not (settings_dir / autosave.FILE_NAME).exists()
    w2 = _window(qtbot, dialog_log)  # nothing to offer after a clean close
    assert dialog_log["recover"] == ["Circle with tanh"] and not w2.isWindowModified()
    w2.close()


def test_discarding_the_recovery_removes_the_autosave(qtbot, settings_dir, dialog_log):
    _crash(settings_dir)
    w = _window(qtbot, dialog_log)  # the fixture answers "discard"
    assert dialog_log["recover"] == ["Circle with tanh"]
    assert w.lab.data.n_points == 500 and not w.isWindowModified()
    assert not (settings_dir / autosave.FILE_NAME).exists()
    w.close()


def test_autosave_runs_while_unsaved_and_goes_on_save_and_close(qtbot, settings_dir,
                                                                dialog_log, tmp_path,
                                                                monkeypatch):
    monkeypatch.setattr(autosave, "INTERVAL_MS", 50)
    w = _window(qtbot, dialog_log)
    file = settings_dir / autosave.FILE_NAME
    qtbot.wait(200)  # several intervals pass: an unmodified lab is never written
    assert w.autosaver.writes == 0 and not file.exists()
    for _ in range(3):
        w.step()
    qtbot.waitUntil(lambda: w.training_thread.latest().snapshot.epoch == 3, timeout=WAIT)
    qtbot.wait(200)  # training alone is no unsaved change (issue 19): nothing written
    assert w.autosaver.writes == 0 and not file.exists() and not w.isWindowModified()
    w.controls.batch_size.setValue(20)  # a real change: written with the trained weights
    qtbot.waitUntil(lambda: file.exists() and len(load_lab(file).history["epoch"]) == 3,
                    timeout=WAIT)
    assert w.files.save_to(str(tmp_path / "mine.actlab"))
    assert not file.exists()
    w.data_panel.regenerate.click()  # a data edit: written at once
    assert file.exists() and load_lab(file).data.seed == w.lab.data.seed
    w.close()
    assert not file.exists() and dialog_log["asked"] == [w.lab.name]


def test_a_second_window_leaves_the_first_ones_autosave_alone(qtbot, settings_dir,
                                                             dialog_log):
    first = _window(qtbot, dialog_log)
    first.data_panel.regenerate.click()
    file = settings_dir / autosave.FILE_NAME
    assert file.exists()
    second = _window(qtbot, dialog_log)
    assert dialog_log["recover"] == [] and not second.autosaver.active
    second.data_panel.regenerate.click()
    assert load_lab(file).data.seed == first.lab.data.seed  # not overwritten
    second.close()
    assert file.exists()
    first.close()
    assert not file.exists()


@pytest.mark.parametrize("content", ["", "{not json", '{"format": "actlab"}'])
def test_a_broken_autosave_is_reported_and_removed(qtbot, settings_dir, dialog_log, content):
    settings_dir.mkdir(parents=True, exist_ok=True)
    (settings_dir / autosave.FILE_NAME).write_text(content)
    w = _window(qtbot, dialog_log)
    assert [t for t, _ in dialog_log["errors"]] == ["Cannot recover the unsaved lab"]
    assert not (settings_dir / autosave.FILE_NAME).exists() and dialog_log["recover"] == []
    w.close()


def test_the_real_recover_question(qtbot, monkeypatch):
    """dialogs.ask_recover: plain text naming the lab, Recover is the default answer."""
    from PySide6 import QtWidgets
    from PySide6.QtCore import Qt

    from actlab.gui import dialogs

    seen = []

    def press_default(box):
        seen.append(box)
        box.defaultButton().click()
        return 0

    monkeypatch.setattr(QtWidgets.QMessageBox, "exec", press_default)
    assert dialogs.ask_recover(None, "<b>My lab</b>", 0.0) == "recover"
    box = seen[0]
    assert box.windowTitle() == "Recover unsaved lab?"
    assert box.textFormat() == Qt.TextFormat.PlainText and "<b>My lab</b>" in box.text()
