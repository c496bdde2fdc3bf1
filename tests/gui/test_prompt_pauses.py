"""Training pauses while a modal prompt is open and goes on as it was when the prompt
changed nothing (it used to run on behind "Unsaved changes": epoch 92 to 163)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from actlab.gui import dialogs

WAIT = 30_000


def _playing(qtbot, w):
    w.controls.batch_size.setValue(20)  # a real change: training alone asks nothing
    w.play()
    qtbot.waitUntil(lambda: w._playing and w.training_thread.latest().snapshot.epoch > 0,
                    timeout=WAIT)
    assert w.isWindowModified()


def test_unsaved_changes_prompt_pauses_and_cancel_resumes(qtbot, window, monkeypatch):
    w = window
    _playing(qtbot, w)
    seen = []

    def ask(parent, name):
        seen.append(w.wants_playing)
        return "cancel"

    monkeypatch.setattr(dialogs, "ask_save_changes", ask)
    assert not w.files.maybe_save()
    assert seen == [False]  # paused while the question was open
    assert w.wants_playing  # and training goes on after Cancel
    qtbot.waitUntil(lambda: w._playing, timeout=WAIT)
    w.pause()
    w.setWindowModified(False)  # let the fixture close the window (no Cancel then)


def test_discard_leaves_training_paused_and_new_lab_opens(qtbot, window):
    w = window
    _playing(qtbot, w)
    w.files.new_lab()  # the dialog_log fixture answers Discard
    assert w.dialog_log["asked"] and not w.wants_playing
    qtbot.waitUntil(lambda: not w._playing, timeout=WAIT)
    assert w.lab.name == "Untitled lab"


def test_a_cancelled_file_dialog_resumes_training(qtbot, window, monkeypatch):
    w = window
    _playing(qtbot, w)
    w.setWindowModified(False)  # no save question: straight to the file dialog
    seen = []
    monkeypatch.setattr(dialogs, "open_file_name",
                        lambda *a: seen.append(w.wants_playing) or "")
    w.files.open_dialog()
    w.import_csv_dialog()
    assert seen == [False, False] and w.wants_playing
    w.pause()
