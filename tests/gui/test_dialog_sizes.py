"""Error and info boxes are wide enough for their whole title and show their text whole
(a short message under "Cannot import the CSV file" had its title cut to "Cannot i…")."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import pytest
from PySide6 import QtGui, QtWidgets

from actlab.gui import dialogs

Icon = QtWidgets.QMessageBox.Icon


def _shown(qtbot, box):
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    return box


def _bold_title_advance(title: str) -> int:
    font = QtGui.QFont(QtWidgets.QApplication.font())
    font.setBold(True)
    return QtGui.QFontMetrics(font).horizontalAdvance(title)


def _labels_whole(box) -> None:
    for label in box.findChildren(QtWidgets.QLabel):
        if not label.isVisible() or not label.text():
            continue
        if label.wordWrap():  # every wrapped line fits in the height it was given
            assert label.heightForWidth(label.width()) <= label.height(), label.text()
        else:
            assert label.width() >= label.sizeHint().width(), label.text()
        assert box.rect().contains(label.geometry()), label.text()


@pytest.mark.parametrize("title, text", [
    ("Cannot import the CSV file", "x"),
    ("Cannot recover the unsaved lab", "Disk full."),
    ("Imported with a warning", "points.csv: one class only"),
])
def test_short_messages_leave_room_for_the_title(qtbot, title, text):
    box = _shown(qtbot, dialogs.message_box(None, Icon.Warning, title, text))
    font = QtGui.QFont(QtWidgets.QApplication.font())
    # the title plus a title bar's icon and buttons (at least 100 px at this font size)
    room = max(100, 5 * QtGui.QFontMetrics(font).height())
    assert box.width() >= _bold_title_advance(title) + room
    _labels_whole(box)


def test_long_texts_wrap_inside_the_screen(qtbot):
    path = "/home/student/" + "very-long-folder-name/" * 4 + "points.csv"
    box = _shown(qtbot, dialogs.message_box(
        None, Icon.Warning, "Cannot open the lab",
        f"{path}: line 3 has 2 columns, expected 3 (x1, x2, label). " * 3,
        "Fix the file in a text editor and open it again."))
    screen = box.screen().availableGeometry()
    assert box.width() <= screen.width()
    assert box.width() >= _bold_title_advance("Cannot open the lab")
    _labels_whole(box)


def test_the_spacer_survives_later_texts(qtbot):
    # setInformativeText rebuilds QMessageBox's layout: the width is applied when shown
    box = dialogs.message_box(None, Icon.Information, "Cannot write the report", "x")
    box.setInformativeText("y")
    _shown(qtbot, box)
    assert box.width() >= _bold_title_advance("Cannot write the report") + 100
