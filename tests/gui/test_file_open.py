"""A lab file the system hands over as a ``QFileOpenEvent`` (Finder's double-click on
macOS) opens in the window as File ▸ Open would.  Sent by hand here, offscreen."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from actlab.gui import file_open
from actlab.resources_path import resource_file

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def lab_file(tmp_path) -> Path:
    path = tmp_path / "double-clicked.actlab"
    shutil.copyfile(resource_file("labs", "xor-needs-nonlinearity.actlab"), path)
    return path


@pytest.fixture
def handler(qapp):
    h = file_open.install(qapp)
    yield h
    qapp.removeEventFilter(h)
    h.setParent(None)
    h.deleteLater()


def send_open(path) -> bool:
    """Deliver a file-open request to the application, as macOS does."""
    app = QtWidgets.QApplication.instance()
    return QtCore.QCoreApplication.sendEvent(app, QtGui.QFileOpenEvent(str(path)))


def test_a_file_open_event_opens_the_lab_in_the_window(window, handler, lab_file, qtbot):
    handler.attach(window)
    assert send_open(lab_file)  # accepted: the event stops at the handler
    qtbot.waitUntil(lambda: window.path == str(lab_file), timeout=10000)
    from actlab.labfile.format import load_lab
    assert window.lab.name == load_lab(str(lab_file)).name
    assert not window.isWindowModified()
    assert window.dialog_log["asked"] == [] and window.dialog_log["errors"] == []
    assert handler.received == [str(lab_file)] and handler.queued == 0


def test_unsaved_changes_are_asked_about_first(window, handler, lab_file, qtbot):
    handler.attach(window)
    name = window.lab.name
    window.setWindowModified(True)
    send_open(lab_file)
    qtbot.waitUntil(lambda: window.path == str(lab_file), timeout=10000)
    assert window.dialog_log["asked"] == [name]  # "Save changes?" (answered: discard)


def test_cancelling_the_question_keeps_the_open_lab(window, handler, lab_file, qtbot,
                                                     monkeypatch):
    from actlab.gui import dialogs

    asked = []
    monkeypatch.setattr(dialogs, "ask_save_changes",
                        lambda parent, name: asked.append(name) or "cancel")
    handler.attach(window)
    before = (window.path, window.lab)
    window.setWindowModified(True)
    send_open(lab_file)
    qtbot.waitUntil(lambda: handler.queued == 0 and bool(asked), timeout=10000)
    assert (window.path, window.lab) == before and window.isWindowModified()
    window.setWindowModified(False)  # so the fixture's close is not cancelled too


def test_a_file_that_comes_before_the_window_opens_once_it_exists(window, handler,
                                                                  lab_file, tmp_path):
    first = tmp_path / "first.actlab"
    shutil.copyfile(lab_file, first)
    send_open(first)
    send_open(lab_file)  # the last one wins: one window shows one lab
    assert handler.pending == str(lab_file) and window.path != str(lab_file)
    handler.attach(window)
    assert window.path == str(lab_file) and handler.pending is None


def test_a_broken_file_shows_the_usual_error(window, handler, tmp_path, qtbot):
    bad = tmp_path / "broken.actlab"
    bad.write_text("{ not json", encoding="utf-8")
    handler.attach(window)
    before = window.path
    send_open(bad)
    qtbot.waitUntil(lambda: bool(window.dialog_log["errors"]), timeout=10000)
    assert window.dialog_log["errors"][0][0] == "Cannot open the lab"
    assert window.path == before


def test_other_events_and_remote_urls_pass_through(handler, qapp):
    assert not handler.eventFilter(qapp, QtCore.QEvent(QtCore.QEvent.Type.Show))
    remote = QtGui.QFileOpenEvent(QtCore.QUrl("https://example.org/lab.actlab"))
    assert not handler.eventFilter(qapp, remote)
    assert handler.received == []


def test_the_app_opens_a_file_handed_over_at_launch(tmp_path, lab_file):
    """``actlab`` started with no LAB and a QFileOpenEvent (as Finder launches it):
    the window shows that lab (the same check runs on the frozen build in
    packaging/build_smoke.sh)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ACTLAB_QUIT_AFTER_SHOW="1",
               ACTLAB_OPEN_EVENT=str(lab_file), ACTLAB_SETTINGS_DIR=str(tmp_path / "s"),
               ACTLAB_LOG_DIR=str(tmp_path / "logs"), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "actlab"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"opened={lab_file}" in done.stdout.splitlines()
