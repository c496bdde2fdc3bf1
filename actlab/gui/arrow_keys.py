"""Arrow keys go to the focused input, not to the window's shortcuts."""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt


class ArrowKeysToInputs(QtCore.QObject):
    """Arrow keys belong to the focused slider, spin box, combo box or text field: they
    must move the slider, not step the training (→ is the Step shortcut elsewhere)."""

    INPUTS = (QtWidgets.QAbstractSlider, QtWidgets.QAbstractSpinBox, QtWidgets.QComboBox,
              QtWidgets.QLineEdit, QtWidgets.QPlainTextEdit, QtWidgets.QTextEdit)
    KEYS = (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        if (event.type() == QtCore.QEvent.Type.ShortcutOverride
                and event.key() in self.KEYS and isinstance(obj, self.INPUTS)):
            event.accept()  # the widget takes the key; no shortcut fires
            return True
        return False
