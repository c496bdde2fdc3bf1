"""The desktop extras (pytest-qt): About box, help window, crash handler and log file."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import logging
import re
import sys
import threading
from pathlib import Path

import numpy
import pyqtgraph
import PySide6
import pytest
from PySide6 import QtCore, QtWidgets

import actlab
import actlab.gui  # noqa: F401  (the PySide6 reference-count guard)
from actlab.engine.activations.builtin import ACTIVATIONS
from actlab.engine.outcomes import expectations
from actlab.gui.help import about, help_window
from actlab.gui import crash_handler
from actlab.labfile.presets import load_preset, preset_names
from actlab.resources_path import resource_file


@pytest.fixture
def log_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "logs"
    monkeypatch.setenv(crash_handler.LOG_DIR_ENV, str(folder))
    return folder


# ------------------------------------------------------------------------ About
def _label_texts(widget: QtWidgets.QWidget) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QtWidgets.QLabel))


def test_about_dialog_shows_version_libraries_licences_and_log(qtbot, log_folder):
    dialog = about.AboutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    text = _label_texts(dialog)
    assert actlab.__version__ in dialog.version_label.text()
    assert "ActLab" in text and "MIT" in text and "2026 The ActLab developers" in text
    for name in ("Python", "NumPy", "PySide6", "Qt", "pyqtgraph"):
        assert name in text
    shown = {name: label.text() for name, label in dialog.library_labels.items()}
    assert shown["NumPy"] == numpy.__version__
    assert shown["PySide6"] == PySide6.__version__
    assert shown["Qt"] == QtCore.qVersion()
    assert shown["pyqtgraph"] == pyqtgraph.__version__
    assert shown["Python"] == ".".join(map(str, sys.version_info[:3]))
    for licence in ("BSD-3-Clause", "LGPL-3.0", "MIT"):
        assert licence in text
    assert dialog.log_label.text() == str(log_folder / crash_handler.LOG_NAME)
    assert dialog.icon_label.pixmap() is not None and not dialog.icon_label.pixmap().isNull()


def test_about_dialog_credits_the_shipped_digits_and_their_licence(qtbot, log_folder):
    dialog = about.AboutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    credit = dialog.data_label.text()
    assert "Optical Recognition of Handwritten Digits" in credit
    assert "Alpaydin" in credit and "Kaynak" in credit and "UCI" in credit
    assert "CC BY 4.0" in credit and "creativecommons.org/licenses/by/4.0" in credit
    assert credit in _label_texts(dialog)
    # the dialog is as tall as its text: the credit is not cut off
    assert dialog.data_label.geometry().bottom() < dialog.height()


def test_show_about_does_not_block_and_copies_version_info(qtbot, log_folder):
    dialog = about.show_about(None)
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    dialog.copy_button.click()
    copied = QtWidgets.QApplication.clipboard().text()
    assert f"ActLab {actlab.__version__}" in copied and f"NumPy {numpy.__version__}" in copied
    assert str(log_folder) in copied
    dialog.close()


# ------------------------------------------------------------------------ help
@pytest.fixture
def help_win(qtbot):
    opened: list[str] = []
    win = help_window.HelpWindow(open_lab=opened.append)
    qtbot.addWidget(win)
    win.opened = opened
    win.show()
    return win


def test_help_window_opens_on_the_how_to_page(help_win):
    assert help_win.topic == "how-to"
    text = help_win.browser.toPlainText()
    assert "How to use ActLab" in text
    for phrase in ("Play", "Space", "Ctrl+S", "Ctrl+O", "Ctrl+E", "Ctrl+click",
                   "Why non-linearity?", "Compare activations", "Gradient flow",
                   "Hidden space", "Linear regions", "actlab train",
                   "Function labs", "Draw a curve…", "linear pieces", "Units",
                   "Design an activation…", "tweak a built-in"):
        assert phrase in text, phrase
    assert not help_win.browser.openExternalLinks() and not help_win.browser.openLinks()


def test_every_link_of_the_how_to_page_leads_somewhere():
    page = resource_file("help", "how-to.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a name="([^"]+)"', page))
    links = re.findall(r'href="([^"]+)"', page)
    assert links
    for link in links:
        if link.startswith("#"):
            assert link[1:] in anchors, link
        else:
            scheme, _, topic = link.partition(":")
            assert scheme == help_window.HELP_SCHEME and topic in help_window.TOPICS, link


def test_switching_to_the_gallery_shows_every_activation(qtbot, help_win):
    help_win.contents.setCurrentRow(list(help_window.TOPICS).index("gallery"))
    assert help_win.topic == "gallery"
    text = help_win.browser.toPlainText()
    for act in ACTIVATIONS.values():
        assert act.title in text, act.title
    page = help_win.page_html("gallery")
    assert page.count("data:image/png;base64,") == len(ACTIVATIONS)
    assert "<table" in page  # laid out as plot | text rows for QTextBrowser


def test_guided_labs_page_lists_every_preset_with_its_guide(help_win):
    help_win.show_topic("labs")
    text = help_win.browser.toPlainText()
    every = preset_names("all")  # point, function and image labs, each under a heading
    assert set(preset_names("functions")) <= set(every) and preset_names("functions")
    for heading in ("Point labs", "Function labs", "Image labs"):
        assert heading in text
    for name in every:
        lab = load_preset(name)
        assert lab.name in text, name
        guide = lab.guide or {}
        for key in ("instructions", "question"):
            for paragraph in (guide.get(key) or "").split("\n\n"):  # one <p> each
                assert paragraph.strip() in text, (name, key)
        for e in expectations(guide):
            assert e.describe() in text, (name, e)
    assert text.count("Open this lab") == len(every)


def test_labs_page_says_which_outcomes_are_predicted_to_fail():
    from actlab.engine.outcomes import expectations
    from actlab.labfile.presets import load_preset

    text = help_window.labs_html()
    (linear, tanh) = expectations(load_preset("linear-collapse-xor").guide)
    assert f"<li><i>Predicted to fail:</i> {linear.describe()}</li>" in text
    assert f"<li>{tanh.describe()}</li>" in text


def test_labs_page_without_an_opener_has_no_open_links():
    assert "Open this lab" not in help_window.labs_html(with_links=False)


def test_links_switch_topics_open_labs_and_never_the_web(help_win):
    help_win.follow_link(QtCore.QUrl("help:labs#lab-circle-tanh"))
    assert help_win.topic == "labs"
    help_win.follow_link(QtCore.QUrl(f"{help_window.LAB_SCHEME}:xor-needs-nonlinearity"))
    assert help_win.opened == ["xor-needs-nonlinearity"]
    help_win.follow_link(QtCore.QUrl("help:how-to"))
    bar = help_win.browser.verticalScrollBar()
    assert bar.value() == 0
    help_win.follow_link(QtCore.QUrl("#files"))
    assert bar.value() > 0
    help_win.follow_link(QtCore.QUrl("https://example.com/"))
    assert help_win.topic == "how-to"
    assert "example.com" in help_win.statusBar().currentMessage()


def test_text_stays_in_a_readable_column(qtbot, help_win):
    help_win.resize(1600, 800)
    qtbot.waitUntil(lambda: help_win.browser.viewport().width() > 1200)
    fmt = help_win.browser.document().rootFrame().frameFormat()
    text_width = help_win.browser.viewport().width() - fmt.leftMargin() - fmt.rightMargin()
    assert text_width <= help_window.MAX_TEXT_WIDTH + 1


def test_show_help_reuses_one_window(qtbot, monkeypatch):
    monkeypatch.setattr(help_window, "_window", None)
    first = help_window.show_help(None, "labs")
    qtbot.addWidget(first)
    assert first.isVisible() and first.topic == "labs"
    assert help_window.show_help(None, "gallery") is first
    assert first.topic == "gallery"
    opened = []
    help_window.show_help(None, "labs", open_lab=opened.append)
    assert "Open this lab" in first.browser.toPlainText()
    first.close()


# ------------------------------------------------------------------------ crash handler
@pytest.fixture
def crash(qapp, log_folder, monkeypatch):
    """The crash handler installed with a recording dialog; uninstalled afterwards."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(crash_handler, "_show_dialog",
                        lambda text, details: shown.append((text, details)))
    path = crash_handler.install(qapp)
    yield path, shown
    crash_handler.uninstall()


def _flush_log() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def _raise_in_helper(message: str) -> None:
    raise ValueError(message)


def test_log_dir_comes_from_the_environment_or_the_user_data_folder(qapp, monkeypatch,
                                                                     tmp_path):
    monkeypatch.setenv(crash_handler.LOG_DIR_ENV, str(tmp_path / "x"))
    assert crash_handler.log_dir() == tmp_path / "x"
    assert crash_handler.log_path() == tmp_path / "x" / "actlab.log"
    monkeypatch.delenv(crash_handler.LOG_DIR_ENV)
    name = qapp.applicationName()
    try:
        qapp.setApplicationName("something-else")
        assert crash_handler.log_dir() == Path.home() / ".local/share/ActLab/logs"
        qapp.setApplicationName(actlab.APP_NAME)
        folder = crash_handler.log_dir()
        assert folder.name == "logs" and folder.parent.name == "ActLab"
        assert "ActLab/ActLab" not in folder.as_posix()  # organisation and app name once
    finally:
        qapp.setApplicationName(name)


def test_uncaught_exception_is_logged_and_shown_once(crash, capsys):
    path, shown = crash
    assert path.parent.is_dir()
    try:
        _raise_in_helper("boom on the GUI thread")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    _flush_log()
    log = path.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log
    assert "_raise_in_helper" in log and "ValueError: boom on the GUI thread" in log
    assert len(shown) == 1
    text, details = shown[0]
    assert "unexpected error" in text and str(path) in text
    assert "ValueError: boom on the GUI thread" in details
    assert "boom on the GUI thread" in capsys.readouterr().err  # still on the console
    try:  # the same error again: logged again, not shown again
        _raise_in_helper("boom on the GUI thread")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    _flush_log()
    assert path.read_text(encoding="utf-8").count("ValueError: boom on the GUI thread") == 2
    assert len(shown) == 1


def test_worker_thread_exception_reaches_the_gui_thread(qtbot, crash):
    path, shown = crash
    on_gui_thread = []
    original = crash_handler._dispatch

    def dispatch(*args):
        on_gui_thread.append(threading.current_thread() is threading.main_thread())
        original(*args)

    crash_handler._dispatch = dispatch
    try:
        worker = threading.Thread(target=_raise_in_helper, args=("boom in a worker",),
                                  name="actlab-test-worker")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: len(shown) == 1)
    finally:
        crash_handler._dispatch = original
    assert on_gui_thread == [True]
    assert str(path) in shown[0][0] and "boom in a worker" in shown[0][1]
    _flush_log()
    log = path.read_text(encoding="utf-8")
    assert "actlab-test-worker" in log and "ValueError: boom in a worker" in log


def test_qthread_exception_reaches_the_gui_thread(qtbot, crash):
    path, shown = crash

    class Failing(QtCore.QThread):
        def run(self):
            _raise_in_helper("boom in a QThread")

    thread = Failing()
    thread.start()
    assert thread.wait(5000)
    qtbot.waitUntil(lambda: len(shown) == 1)
    assert "boom in a QThread" in shown[0][1]
    _flush_log()
    assert "ValueError: boom in a QThread" in path.read_text(encoding="utf-8")


def test_a_failing_dialog_never_recurses(crash, monkeypatch):
    path, _ = crash
    calls = []

    def broken_dialog(text, details):
        calls.append(text)
        try:  # the dialog itself fails, and that failure reaches the hook too
            raise RuntimeError("the dialog broke")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
        raise RuntimeError("the dialog broke again")

    monkeypatch.setattr(crash_handler, "_show_dialog", broken_dialog)
    try:
        _raise_in_helper("first error")
    except ValueError:
        sys.excepthook(*sys.exc_info())  # must not raise
    assert len(calls) == 1
    _flush_log()
    log = path.read_text(encoding="utf-8")
    assert "first error" in log and "the dialog broke" in log
    assert "Could not show the error dialog" in log


def test_qt_warnings_are_logged_but_size_hint_noise_is_not(crash):
    path, _ = crash
    QtCore.qWarning("actlab test warning from Qt")
    QtCore.qWarning("This plugin does not support propagateSizeHints()")
    _flush_log()
    log = path.read_text(encoding="utf-8")
    assert "WARNING" in log and "Qt: actlab test warning from Qt" in log
    assert "propagateSizeHints" not in log


def test_install_is_undone_by_uninstall(qapp, log_folder, monkeypatch):
    before = (sys.excepthook, threading.excepthook, len(logging.getLogger().handlers))
    crash_handler.install(qapp)
    assert sys.excepthook is crash_handler._excepthook
    assert threading.excepthook is crash_handler._threading_excepthook
    assert crash_handler.install(qapp) == log_folder / "actlab.log"  # idempotent
    crash_handler.uninstall()
    assert (sys.excepthook, threading.excepthook,
            len(logging.getLogger().handlers)) == before


def test_unwritable_log_folder_falls_back_to_the_temp_folder(qapp, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(crash_handler.LOG_DIR_ENV, str(blocker / "logs"))
    monkeypatch.setattr(crash_handler.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    try:
        path = crash_handler.install(qapp)
        assert path == tmp_path / "tmp" / "ActLab-logs" / "actlab.log"
        assert path.is_file()
    finally:
        crash_handler.uninstall()


def test_the_real_dialog_opens_without_blocking_one_at_a_time(qtbot, qapp, log_folder):
    crash_handler.install(qapp)
    try:
        for message in ("first real error", "second real error"):
            try:
                _raise_in_helper(message)
            except ValueError:
                sys.excepthook(*sys.exc_info())
        boxes = [w for w in QtWidgets.QApplication.topLevelWidgets()
                 if isinstance(w, QtWidgets.QMessageBox) and w.isVisible()]
        assert len(boxes) == 1  # the second error was only logged
        box = boxes[0]
        assert "unexpected error" in box.text()
        assert str(crash_handler.log_path()) in box.informativeText()
        assert "first real error" in box.detailedText()
        box.close()
        qtbot.waitUntil(lambda: crash_handler._open_box is None)
    finally:
        crash_handler.uninstall()


def test_app_icon_has_every_size(qtbot):
    from actlab.gui.app import app_icon

    icon = app_icon()
    assert not icon.isNull()
    sizes = {s.width() for s in icon.availableSizes()}
    assert {16, 32, 48, 64, 128, 256} <= sizes
    assert not icon.pixmap(64, 64).toImage().isNull()
