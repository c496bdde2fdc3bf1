"""Every modal dialog the window opens goes through one of these functions.

Tests replace them (``monkeypatch.setattr(dialogs, "show_error", ...)``) so that no
message box ever blocks an automated run; the window always calls them through this
module (``dialogs.show_error(...)``), never imported by name.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication
from PySide6.QtWidgets import (QApplication, QFileDialog, QGridLayout, QMessageBox,
                               QSizePolicy, QSpacerItem, QWidget)

LAB_FILTER = "ActLab labs (*.actlab);;All files (*)"
CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"


#: Room the window manager's title bar takes besides the title (icon, close/maximise
#: buttons, padding), in lines of the title font.
TITLE_BAR_EXTRA_LINES = 9


def title_width(title: str) -> int:
    """How wide a window must be for a title bar to show ``title`` whole: the title in
    the bold application font (title bars are usually bold) plus the bar's buttons."""
    font = QFont(QApplication.font())
    font.setBold(True)
    metrics = QFontMetrics(font)
    return metrics.horizontalAdvance(title) + TITLE_BAR_EXTRA_LINES * metrics.height()


class _TitleFittingBox(QMessageBox):
    """A QMessageBox at least as wide as its title needs.  QMessageBox sizes itself to
    its text alone (a short message under "Cannot import the CSV file" had the title
    cut to "Cannot i…") and fixes that size when shown, rebuilding its layout whenever
    a text changes; so a spacer of the title's width goes into the final layout just
    before it is shown, where QMessageBox's own size computation counts it."""

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        layout = self.layout()
        if isinstance(layout, QGridLayout) and getattr(self, "_spaced", None) is not layout:
            width = title_width(self.windowTitle())
            screen = self.screen() or QGuiApplication.primaryScreen()
            if screen is not None:  # never wider than the screen: the text wraps instead
                width = min(width, int(screen.availableGeometry().width() * 0.9))
            width -= layout.contentsMargins().left() + layout.contentsMargins().right()
            layout.addItem(QSpacerItem(max(width, 0), 0, QSizePolicy.Policy.Minimum,
                                       QSizePolicy.Policy.Fixed),
                           layout.rowCount(), 0, 1, layout.columnCount())
            self._spaced = layout
        super().showEvent(event)


def message_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str,
                text: str, informative: str = "") -> QMessageBox:
    """An unshown message box whose texts are *plain* text.  Messages carry lab and file
    content (names, paths, a field's value): QMessageBox's default guesses rich text, so
    an activation named ``<img src=... width=3000>`` was drawn as an image.  When shown it
    is wide enough for its whole title (:func:`title_width`)."""
    box = _TitleFittingBox(parent)
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


def ask_read_outside(parent: QWidget | None, lab_name: str, path: str, what: str) -> bool:
    """Whether to read the images of the lab file ``lab_name`` from ``path`` (resolved,
    absolute), a ``what`` ("file" or "folder") outside the lab file's folder.  "Don't read"
    is the default: a lab file from someone else can name any file."""
    box = message_box(parent, QMessageBox.Icon.Question, "Read images from outside the lab?",
                      f"“{lab_name}” reads its images from a {what} outside its own "
                      f"folder:\n\n{path}",
                      f"Read this {what} only if you expect this lab to use it: a lab file "
                      "can name any file on your computer. If you don't read it, the lab "
                      "opens without its images.")
    read = box.addButton("Read", QMessageBox.ButtonRole.AcceptRole)
    skip = box.addButton("Don't read", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(skip)
    box.setEscapeButton(skip)
    box.exec()
    return box.clickedButton() is read


def open_file_name(parent: QWidget | None, caption: str, folder: str, filters: str) -> str:
    """A path chosen to open, or "" when cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, caption, folder, filters)
    return path


def save_file_name(parent: QWidget | None, caption: str, path: str, filters: str) -> str:
    """A path chosen to save to, or "" when cancelled."""
    chosen, _ = QFileDialog.getSaveFileName(parent, caption, path, filters)
    return chosen


def folder_name(parent: QWidget | None, caption: str, folder: str) -> str:
    """A folder chosen, or "" when cancelled."""
    return QFileDialog.getExistingDirectory(parent, caption, folder)
