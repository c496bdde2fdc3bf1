"""Every modal dialog the window opens goes through one of these functions.

Tests replace them (``monkeypatch.setattr(dialogs, "show_error", ...)``) so that no
message box ever blocks an automated run; the window always calls them through this
module (``dialogs.show_error(...)``), never imported by name.
"""
from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

LAB_FILTER = "ActLab labs (*.actlab);;All files (*)"
CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    """A warning box with one clear sentence of what went wrong and what to do."""
    QMessageBox.warning(parent, title, message)


def show_info(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.information(parent, title, message)


def ask_save_changes(parent: QWidget | None, lab_name: str) -> str:
    """"save", "discard" or "cancel" for a lab with unsaved changes."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Unsaved changes")
    box.setText(f"Save the changes to “{lab_name}”?")
    box.setInformativeText("Your changes and the trained weights are lost if you don't save.")
    box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                           | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    answer = box.exec()
    return {QMessageBox.StandardButton.Save: "save",
            QMessageBox.StandardButton.Discard: "discard"}.get(
        QMessageBox.StandardButton(answer), "cancel")


def open_file_name(parent: QWidget | None, caption: str, folder: str, filters: str) -> str:
    """A path chosen to open, or "" when cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, caption, folder, filters)
    return path


def save_file_name(parent: QWidget | None, caption: str, path: str, filters: str) -> str:
    """A path chosen to save to, or "" when cancelled."""
    chosen, _ = QFileDialog.getSaveFileName(parent, caption, path, filters)
    return chosen
