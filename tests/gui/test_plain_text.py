"""Lab and file content is shown as plain text in every message box and label.

Regression: "Cannot open the lab" drew an activation named ``<img src=... width=3000>``
as a 3000-pixel image, because QMessageBox guesses rich text."""
from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from PySide6 import QtWidgets
from PySide6.QtCore import Qt

from actlab.gui import crash_handler, dialogs
from actlab.lab import default_lab
from actlab.labfile.format import save_lab

EVIL = '<img src="data:image/png;base64,AAAA" width=3000 height=3000><b>bold</b>'


def _label(box, name="qt_msgbox_label") -> QtWidgets.QLabel:
    label = box.findChild(QtWidgets.QLabel, name)
    assert label is not None
    return label


def _shows_literally(label: QtWidgets.QLabel, text: str) -> None:
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert text in label.text()
    # drawn as text, the line is as wide as its characters, far from 3000 px
    assert label.sizeHint().width() < 2000 and label.sizeHint().height() < 1000


def test_message_boxes_are_plain_text(qtbot):
    box = dialogs.message_box(None, QtWidgets.QMessageBox.Icon.Warning, "Cannot open",
                              f"lab.actlab: {EVIL}", f"informative {EVIL}")
    qtbot.addWidget(box)
    assert box.textFormat() == Qt.TextFormat.PlainText
    _shows_literally(_label(box), EVIL)
    _shows_literally(_label(box, "qt_msgbox_informativelabel"), EVIL)


def test_the_window_shows_a_bad_lab_files_text_literally(qtbot, settings_dir, tmp_path,
                                                         monkeypatch):
    """The real error box of File ▸ Open, exec() replaced so it does not block."""
    from actlab.gui.main_window import MainWindow

    shown = []

    def record(box):
        shown.append((box.windowTitle(), box.textFormat(), box.text(),
                      _label(box).sizeHint().width()))
        return int(QtWidgets.QMessageBox.StandardButton.Ok)

    monkeypatch.setattr(QtWidgets.QMessageBox, "exec", record)
    path = tmp_path / "evil.actlab"
    save_lab(default_lab(), path)
    doc = json.loads(path.read_text())
    doc["network"]["activations"] = [EVIL, "tanh"]
    path.write_text(json.dumps(doc))
    w = MainWindow()
    qtbot.addWidget(w)
    assert not w.open_path(str(path), ask=False)
    assert len(shown) == 1
    title, fmt, text, width = shown[0]
    assert title == "Cannot open the lab" and fmt == Qt.TextFormat.PlainText
    assert "<img" in text and width < 2000
    w.setWindowModified(False)
    w.close()


def test_ask_save_changes_shows_the_lab_name_literally(qtbot, monkeypatch):
    seen = []

    def record(box):
        seen.append(box)
        return int(QtWidgets.QMessageBox.StandardButton.Discard)

    monkeypatch.setattr(QtWidgets.QMessageBox, "exec", record)
    assert dialogs.ask_save_changes(None, EVIL) == "discard"
    _shows_literally(_label(seen[0]), EVIL)


def test_warning_label_and_crash_box_are_plain_text(qtbot):
    from actlab.gui.workspaces.points.output_panel import OutputPanel

    panel = OutputPanel()
    qtbot.addWidget(panel)
    panel.set_warning(EVIL)
    assert panel.warning.textFormat() == Qt.TextFormat.PlainText
    assert panel.warning.text() == EVIL
    crash_handler._show_dialog(f"ValueError: {EVIL}\nDetails were written to /tmp/<b>x", "")
    box = crash_handler._open_box
    assert box is not None
    try:
        _shows_literally(_label(box), EVIL)
        assert _label(box, "qt_msgbox_informativelabel").textFormat() == Qt.TextFormat.PlainText
    finally:
        box.close()
