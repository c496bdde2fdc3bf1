"""Slow work runs off the GUI thread (issue 18, "the UI never blocks"): a data build is
applied when it is done, a newer change supersedes a pending one (its result is dropped),
Cancel keeps the lab, and closing during a save waits for the save.

The builds are made slow with a gate the test opens (small data: the mechanism is the
same for 20,000 images); nothing here asserts on timing."""
from __future__ import annotations

import os
import threading
from dataclasses import replace

import pytest
from PySide6 import QtCore

from actlab.kinds.images import image_lab_for
from actlab.lab import default_lab

WAIT = 20000  # ms: generous, for a busy machine


def small_image_lab():
    lab = image_lab_for("bars", default_lab())
    return replace(lab, data=replace(lab.data, size=8, per_class=10))


class Gate:
    """Makes ``lab_data`` wait, on its worker thread, while ``per_class`` is ``held``."""

    def __init__(self, monkeypatch, held: int):
        import actlab.gui.main_window as main_window
        import actlab.kinds.registry as registry

        self.held, self.open, self.entered = held, threading.Event(), threading.Event()
        self.finished = threading.Event()
        real = main_window.lab_data

        def gated(lab, path=None):
            if getattr(lab.data, "per_class", None) == self.held:
                self.entered.set()
                self.open.wait(30)
                try:
                    return real(lab, path)
                finally:
                    self.finished.set()
            return real(lab, path)

        monkeypatch.setattr(main_window, "lab_data", gated)  # edits
        monkeypatch.setattr(registry, "lab_data", gated)  # opening (trainable_lab_data)


def set_per_class(w, n: int) -> None:
    spin = w.workspace.data_panel.per_class
    spin.setValue(n)
    spin.editingFinished.emit()


def later(ms: int, fn) -> None:
    QtCore.QTimer.singleShot(ms, fn)


def when(condition, fn, every: int = 10) -> None:
    """Call ``fn`` from the event loop once ``condition()`` holds."""
    def poll():
        if condition():
            fn()
        else:
            QtCore.QTimer.singleShot(every, poll)
    QtCore.QTimer.singleShot(0, poll)


@pytest.fixture
def image_window(window, qtbot):
    assert window.open_lab(small_image_lab())
    qtbot.waitUntil(lambda: window.workspace.kind == "images", timeout=WAIT)
    return window


def test_images_per_class_is_built_off_the_gui_thread_and_applied(image_window, qtbot,
                                                                    monkeypatch):
    w = image_window
    gate = Gate(monkeypatch, 20)
    ticks = []
    timer = QtCore.QTimer()
    timer.timeout.connect(lambda: ticks.append(gate.entered.is_set()))
    timer.start(5)
    # the event loop runs while the build waits: the timer ticks, then the gate opens
    when(lambda: sum(ticks) >= 3, gate.open.set)
    set_per_class(w, 20)
    timer.stop()
    qtbot.waitUntil(lambda: w.lab.data.per_class == 20, timeout=WAIT)
    assert sum(ticks) >= 3  # the window kept running while the data was built
    assert w.dataset.n_train + w.dataset.n_test == 20 * w.dataset.n_classes
    assert w.workspace.data_panel.per_class.value() == 20
    assert not w.jobs.busy and not w.jobs.indicator.isVisible()
    assert w.isWindowModified()


def test_a_newer_change_supersedes_a_pending_build(image_window, qtbot, monkeypatch):
    w = image_window
    gate = Gate(monkeypatch, 20)
    dropped = w.jobs.builds_dropped
    # while 20 per class is being built, the student asks for 30
    when(gate.entered.is_set, lambda: set_per_class(w, 30))
    set_per_class(w, 20)
    qtbot.waitUntil(lambda: w.lab.data.per_class == 30, timeout=WAIT)
    assert w.jobs.builds_dropped == dropped + 1
    # the stale build finishes afterwards: its result is dropped, never applied
    gate.open.set()
    qtbot.waitUntil(gate.finished.is_set, timeout=WAIT)
    qtbot.wait(50)  # let its (queued) result arrive
    assert w.lab.data.per_class == 30
    assert w.dataset.n_train + w.dataset.n_test == 30 * w.dataset.n_classes
    assert w.workspace.data_panel.per_class.value() == 30


def test_cancel_keeps_the_old_lab(image_window, qtbot, monkeypatch):
    w = image_window
    gate = Gate(monkeypatch, 20)
    lab, dataset = w.lab, w.dataset
    seen = []

    def cancel():
        seen.append((w.jobs.progress_label.text(), w.jobs.cancel_button.isVisible()))
        qtbot.mouseClick(w.jobs.cancel_button, QtCore.Qt.MouseButton.LeftButton)

    # the progress bar and its Cancel button appear once the build takes half a second
    when(lambda: w.jobs.indicator.isVisible(), cancel)
    set_per_class(w, 20)
    assert seen and seen[0][1] and seen[0][0]
    assert w.lab is lab and w.dataset is dataset
    assert w.workspace.data_panel.per_class.value() == 10  # shows the lab as it is
    assert "Cancelled" in w.statusBar().currentMessage()
    gate.open.set()
    qtbot.waitUntil(gate.finished.is_set, timeout=WAIT)
    qtbot.wait(50)
    assert w.lab is lab
    assert not w.jobs.indicator.isVisible()


def test_open_path_reads_and_builds_off_the_gui_thread(image_window, qtbot, tmp_path,
                                                       monkeypatch):
    from actlab.labfile.format import save_lab

    w = image_window
    gate = Gate(monkeypatch, 12)
    lab = small_image_lab()
    path = tmp_path / "twelve.actlab"
    save_lab(replace(lab, data=replace(lab.data, per_class=12)), path)
    ticks = []
    timer = QtCore.QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    when(lambda: gate.entered.is_set() and len(ticks) >= 3, gate.open.set)
    assert w.open_path(str(path), ask=False)
    timer.stop()
    assert gate.entered.is_set() and len(ticks) >= 3  # the window ran while it was built
    assert w.path == os.path.abspath(path) and w.lab.data.per_class == 12
    assert not w.isWindowModified()


def test_closing_during_a_save_waits_for_it(window, qtbot, tmp_path, monkeypatch):
    import actlab.labfile.format as labfile

    w = window
    path = str(tmp_path / "mine.actlab")
    gate, events = threading.Event(), []
    real = labfile.save_lab

    def slow_save(lab, target):
        gate.wait(30)
        real(lab, target)
        events.append("saved")

    monkeypatch.setattr(labfile, "save_lab", slow_save)
    w._mark_modified()

    def close_now():
        w.close()  # refused for now: the save is running
        events.append(("close asked", w.isVisible()))
        gate.set()

    when(lambda: w.jobs.saving, close_now)
    assert w.files.save_to(path)
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=WAIT)
    assert events[0] == ("close asked", True) and events[1] == "saved"
    assert labfile.load_lab(path).name == w.lab.name
    assert w.dialog_log["asked"] == []  # saved, so nothing to ask on closing


def test_closing_during_a_build_drops_it(image_window, qtbot, monkeypatch):
    w = image_window
    gate = Gate(monkeypatch, 20)
    lab = w.lab
    when(gate.entered.is_set, w.close)  # closing supersedes the pending build
    set_per_class(w, 20)
    assert not w.isVisible() and w.lab is lab
    gate.open.set()
    qtbot.waitUntil(gate.finished.is_set, timeout=WAIT)
    qtbot.wait(50)  # its late result finds nobody waiting: dropped
    assert w.lab is lab
