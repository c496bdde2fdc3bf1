"""Every modal dialog the window opens goes through one of these functions.

Tests replace them (``monkeypatch.setattr(dialogs, "show_error", ...)``) so that no
message box ever blocks an automated run; the window always calls them through this
module (``dialogs.show_error(...)``), never imported by name.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

LAB_FILTER = "ActLab labs (*.actlab);;All files (*)"
CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"


def message_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str,
                text: str, informative: str = "") -> QMessageBox:
    """An unshown message box whose texts are *plain* text.  Messages carry lab and file
    content (names, paths, a field's value): QMessageBox's default guesses rich text, so
    an activation named ``<img src=... width=3000>`` was drawn as an image."""
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
        label = box.findChild(QWidget, "qt_msgbox_informativelabel")
        if label is not None:
            label.setTextFormat(Qt.TextFormat.PlainText)
    return box


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    """A warning box with one clear sentence of what went wrong and what to do."""
    message_box(parent, QMessageBox.Icon.Warning, title, message).exec()


def show_info(parent: QWidget | None, title: str, message: str) -> None:
    message_box(parent, QMessageBox.Icon.Information, title, message).exec()


def ask_save_changes(parent: QWidget | None, lab_name: str) -> str:
    """"save", "discard" or "cancel" for a lab with unsaved changes."""
    box = message_box(parent, QMessageBox.Icon.Question, "Unsaved changes",
                      f"Save the changes to “{lab_name}”?",
                      "Your changes and the trained weights are lost if you don't save.")
    box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                           | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    answer = box.exec()
    return {QMessageBox.StandardButton.Save: "save",
            QMessageBox.StandardButton.Discard: "discard"}.get(
        QMessageBox.StandardButton(answer), "cancel")


def ask_recover(parent: QWidget | None, lab_name: str, when: float) -> str:
    """"recover" or "discard" for the autosave of a run that did not close cleanly
    (``when``: the autosave's time, seconds since the epoch)."""
    import time

    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(when))
    box = message_box(parent, QMessageBox.Icon.Question, "Recover unsaved lab?",
                      f"ActLab did not close properly last time. Recover the unsaved "
                      f"lab “{lab_name}” (autosaved {stamp})?",
                      "Discard throws the autosaved changes away for good.")
    recover = box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Discard)
    box.setDefaultButton(recover)
    box.exec()
    return "recover" if box.clickedButton() is recover else "discard"


def open_file_name(parent: QWidget | None, caption: str, folder: str, filters: str) -> str:
    """A path chosen to open, or "" when cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, caption, folder, filters)
    return path


def save_file_name(parent: QWidget | None, caption: str, path: str, filters: str) -> str:
    """A path chosen to save to, or "" when cancelled."""
    chosen, _ = QFileDialog.getSaveFileName(parent, caption, path, filters)
    return chosen
