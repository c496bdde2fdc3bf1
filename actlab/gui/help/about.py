"""Help ▸ About ActLab: version, purpose, licence, the libraries in use, the data shipped
with it and the log file.

Library versions are read at run time, so the dialog tells the truth about the
installation (or frozen build) it runs in; "Copy version info" puts the same facts on the
clipboard for a bug report.
"""
from __future__ import annotations

import html
import platform
import sys

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

import actlab

from actlab.gui import crash_handler

DESCRIPTION = ("A desktop lab that shows why neural networks need activation functions: "
               "build a small network, change its activations and watch the decision "
               "boundary bend.")
COPYRIGHT = "Copyright © 2026 The ActLab developers"
LICENCE = "MIT"
#: The real data set ActLab ships (resources/data/digits-8x8.npz), with the credit its
#: licence asks for.
DATA_CREDIT = ("Handwritten digits (the UCI digit presets): Optical Recognition of "
               "Handwritten Digits, E. Alpaydin and C. Kaynak, UCI Machine Learning "
               "Repository (1998), doi:10.24432/C50P49. Used under CC BY 4.0 "
               "(creativecommons.org/licenses/by/4.0); the 1,797 8×8 images scikit-learn "
               "bundles, scaled to 0-1.")
ICON_SIZE = 96
DIALOG_WIDTH = 540


def library_versions() -> list[tuple[str, str, str]]:
    """(name, version, licence) of Python and every library ActLab runs on, read now."""
    import numpy
    import PySide6
    import pyqtgraph

    return [
        ("Python", platform.python_version(), "PSF-2.0"),
        ("NumPy", numpy.__version__, "BSD-3-Clause"),
        ("PySide6", PySide6.__version__, "LGPL-3.0"),
        ("Qt", QtCore.qVersion(), "LGPL-3.0"),
        ("pyqtgraph", pyqtgraph.__version__, "MIT"),
    ]


def version_info_text() -> str:
    """The facts of the dialog as plain text (what "Copy version info" copies)."""
    lines = [f"ActLab {actlab.__version__} ({LICENCE} licence)"]
    lines += [f"{name} {version} ({licence})" for name, version, licence in library_versions()]
    lines.append(f"Platform: {platform.platform()}"
                 + (" (frozen build)" if getattr(sys, "frozen", False) else ""))
    lines.append(f"Log file: {crash_handler.log_path()}")
    return "\n".join(lines)


def _app_icon_pixmap(size: int, ratio: float) -> QtGui.QPixmap | None:
    from actlab.resources_path import resource_file
    try:
        path = resource_file("icons", "actlab-256.png" if size * ratio > 128 else
                             "actlab-128.png")
    except FileNotFoundError:
        return None
    pix = QtGui.QPixmap(str(path))
    if pix.isNull():
        return None
    pix = pix.scaled(round(size * ratio), round(size * ratio),
                     Qt.AspectRatioMode.KeepAspectRatio,
                     Qt.TransformationMode.SmoothTransformation)
    pix.setDevicePixelRatio(ratio)  # sharp on HiDPI screens
    return pix


def _label(text: str, role: str | None = None, rich: bool = False) -> QtWidgets.QLabel:
    label = QtWidgets.QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    if role:
        label.setObjectName(role)
    return label


STYLE = """
QDialog#about { background: #FFFFFF; }
QLabel { color: #222; }
QLabel#appName { font-size: 20pt; font-weight: bold; color: #111; }
QLabel#version { color: #555; font-size: 11pt; }
QLabel#heading { color: #444; font-weight: bold; letter-spacing: 1px; margin-top: 6px; }
QLabel#muted { color: #666; }
QLabel#libName { font-weight: bold; }
QLabel#logPath { color: #222; background: #F3F4F6; border: 1px solid #DADDE1;
                 border-radius: 4px; padding: 4px 6px; }
QFrame#libraries { background: #F7F8FA; border: 1px solid #E1E4E8; border-radius: 6px; }
QFrame#libraries QLabel { background: transparent; }
"""


class AboutDialog(QtWidgets.QDialog):
    """The About box.  Attributes for tests: ``version_label``, ``library_labels`` (name →
    the label showing its version), ``data_label`` (the shipped data's source and
    licence), ``log_label``."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("about")
        self.setWindowTitle(f"About {actlab.APP_NAME}")
        self.setStyleSheet(STYLE)
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(22, 20, 22, 16)
        outer.setSpacing(10)
        outer.addLayout(self._header())
        outer.addWidget(_label("BUILT WITH", "heading"))
        outer.addWidget(self._libraries())
        outer.addWidget(_label("DATA", "heading"))
        self.data_label = _label(DATA_CREDIT, "muted")
        self.data_label.setWordWrap(True)
        self.data_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.data_label)
        outer.addWidget(_label("LOG FILE", "heading"))
        outer.addWidget(self._log_file())
        outer.addSpacing(4)
        outer.addWidget(self._buttons())
        # A fixed width lets the wrapped labels report their real height, so the dialog
        # is exactly as tall as its text (no gaps).
        self.setFixedWidth(DIALOG_WIDTH)
        self.setFixedHeight(self.heightForWidth(DIALOG_WIDTH))

    # ------------------------------------------------------------------ parts
    def _header(self) -> QtWidgets.QHBoxLayout:
        row = QtWidgets.QHBoxLayout()
        row.setSpacing(18)
        self.icon_label = QtWidgets.QLabel()
        self.icon_label.setFixedSize(ICON_SIZE, ICON_SIZE)
        pix = _app_icon_pixmap(ICON_SIZE, max(1.0, self.devicePixelRatioF()))
        if pix is not None:
            self.icon_label.setPixmap(pix)
        row.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignTop)
        text = QtWidgets.QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(_label(actlab.APP_NAME, "appName"))
        self.version_label = _label(f"Version {actlab.__version__}", "version")
        self.version_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.addWidget(self.version_label)
        description = _label(DESCRIPTION)
        description.setWordWrap(True)
        text.addSpacing(4)
        text.addWidget(description)
        licence = _label(f"{html.escape(COPYRIGHT)}.<br>Free software under the "
                         f"<b>{LICENCE}</b> licence.", "muted", rich=True)
        licence.setWordWrap(True)
        text.addSpacing(4)
        text.addWidget(licence)
        text.addStretch(1)
        row.addLayout(text, 1)
        return row

    def _libraries(self) -> QtWidgets.QFrame:
        frame = QtWidgets.QFrame()
        frame.setObjectName("libraries")
        grid = QtWidgets.QGridLayout(frame)
        grid.setContentsMargins(12, 8, 12, 8)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(3)
        self.library_labels: dict[str, QtWidgets.QLabel] = {}
        for row, (name, version, licence) in enumerate(library_versions()):
            grid.addWidget(_label(name, "libName"), row, 0)
            v = _label(version)
            v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(v, row, 1)
            grid.addWidget(_label(licence, "muted"), row, 2)
            self.library_labels[name] = v
        grid.setColumnStretch(2, 1)
        note = _label("PySide6 and Qt are used under the GNU LGPL v3 as separate, "
                      "dynamically loaded libraries that you may replace.", "muted")
        note.setWordWrap(True)
        n = len(self.library_labels)
        grid.setRowMinimumHeight(n, 6)
        grid.addWidget(note, n + 1, 0, 1, 3)
        return frame

    def _log_file(self) -> QtWidgets.QLabel:
        self.log_label = _label(str(crash_handler.log_path()), "logPath")
        self.log_label.setWordWrap(True)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_label.setToolTip("Where ActLab writes what went wrong. Attach this file "
                                  "to a bug report.")
        return self.log_label

    def _buttons(self) -> QtWidgets.QDialogButtonBox:
        box = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        self.copy_button = box.addButton("Copy version info",
                                         QtWidgets.QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setToolTip("Copy ActLab's and the libraries' versions and the log "
                                    "file's path, e.g. for a bug report.")
        self.copy_button.clicked.connect(self.copy_version_info)
        self.folder_button = box.addButton("Open log folder",
                                           QtWidgets.QDialogButtonBox.ButtonRole.ActionRole)
        self.folder_button.setToolTip("Show the folder that holds the log files.")
        self.folder_button.clicked.connect(self.open_log_folder)
        box.rejected.connect(self.reject)
        self.close_button = box.button(QtWidgets.QDialogButtonBox.StandardButton.Close)
        self.close_button.setDefault(True)
        return box

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self.close_button.setFocus()  # Enter or Esc closes; focus on no other button

    # ------------------------------------------------------------------ actions
    def copy_version_info(self) -> None:
        QtWidgets.QApplication.clipboard().setText(version_info_text())
        self.copy_button.setText("Copied")
        QtCore.QTimer.singleShot(1500, self.copy_button,  # the context: no call once closed
                                lambda: self.copy_button.setText("Copy version info"))

    def open_log_folder(self) -> None:
        folder = crash_handler.log_path().parent
        folder.mkdir(parents=True, exist_ok=True)
        QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(str(folder)))


def show_about(parent: QtWidgets.QWidget | None = None) -> AboutDialog:
    """Open the About box, window-modal over ``parent``, without blocking; returns it (it
    deletes itself when closed)."""
    dialog = AboutDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
