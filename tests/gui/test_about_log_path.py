"""The About box names the log file once under an "ActLab" folder, not "ActLab/ActLab"
(QStandardPaths.AppDataLocation appends the organisation *and* the application name,
both "ActLab", when the app names itself as gui/app.py does)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from pathlib import PurePath

import pytest
from PySide6 import QtCore

import actlab
from actlab.gui import crash_handler
from actlab.gui.help.about import AboutDialog, version_info_text


@pytest.fixture
def named_like_the_app(qapp, monkeypatch, tmp_path):
    monkeypatch.delenv(crash_handler.LOG_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setitem(crash_handler._state, "handler", None)  # not the suite's log
    org, name = qapp.organizationName(), qapp.applicationName()
    QtCore.QCoreApplication.setOrganizationName("ActLab")  # as gui/app.py names it
    QtCore.QCoreApplication.setApplicationName(actlab.APP_NAME)
    yield
    QtCore.QCoreApplication.setOrganizationName(org)
    QtCore.QCoreApplication.setApplicationName(name)


def test_about_box_log_path_has_one_actlab_folder(qtbot, named_like_the_app, tmp_path):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    shown = dialog.log_label.text()
    parts = PurePath(shown).parts
    assert parts.count("ActLab") == 1, shown
    assert "ActLab/ActLab" not in PurePath(shown).as_posix()
    # under the user's data folder: <XDG_DATA_HOME>/ActLab/logs/<log file>
    assert PurePath(shown) == PurePath(tmp_path / "data" / "ActLab" / "logs"
                                       / crash_handler.LOG_NAME)
    assert f"Log file: {shown}" in version_info_text()  # what "Copy version info" copies
