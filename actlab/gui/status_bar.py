"""The main window's status bar: a long message ends in "…" and is read whole in a tooltip.

QStatusBar draws its message clipped at the first permanent widget, mid-word and with no
way to read the rest: a lab's description ("Opened the lab “Circle with tanh”: One class
sits in a disc …") ran under "Weights seed 1" at 1366 px. Here the message is cut with
"…" where the permanent labels begin and the whole of it is the status bar's tooltip.
``currentMessage()`` stays the whole message, as before.
"""
from __future__ import annotations

import html

from PySide6 import QtGui, QtWidgets
from PySide6.QtCore import Qt


class StatusBar(QtWidgets.QStatusBar):
    """A QStatusBar that elides its message instead of clipping it."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.messageChanged.connect(lambda _: self._fit())

    def shown_message(self) -> str:
        """The message as drawn: whole when it fits, else cut with "…"."""
        return self.fontMetrics().elidedText(self.currentMessage(), Qt.TextElideMode.ElideRight,
                                             max(0, self.message_rect().width()))

    def message_rect(self):
        """Where the message is drawn: from the left edge (as QStatusBar leaves it) to just
        before the leftmost shown widget (the permanent ones while a message shows)."""
        rect = self.rect().adjusted(6, 0, -12, 0)
        rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
        for child in self.findChildren(QtWidgets.QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if not child.isVisible() or isinstance(child, QtWidgets.QSizeGrip):
                continue
            if rtl:
                rect.setLeft(max(rect.left(), child.geometry().right() + 3))
            else:
                rect.setRight(min(rect.right(), child.x() - 3))
        return rect

    def _fit(self) -> None:
        """The whole message in the tooltip while it is cut (no tooltip when it fits)."""
        message = self.currentMessage()
        cut = bool(message) and self.shown_message() != message
        # a tooltip is HTML: a paragraph wraps to the screen, a plain one would run past it
        tip = f"<p>{html.escape(message)}</p>" if cut else ""
        if self.toolTip() != tip:
            self.setToolTip(tip)

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit()

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:  # noqa: N802 (Qt name)
        if not self.currentMessage():
            super().paintEvent(event)
            return
        # QStatusBar.paintEvent with the message elided: the panel, the frames of the
        # shown widgets, then the text
        self._fit()  # a permanent label may have grown ("Comparing…") since the message
        p = QtGui.QPainter(self)
        opt = QtWidgets.QStyleOption()
        opt.initFrom(self)
        style = self.style()
        style.drawPrimitive(QtWidgets.QStyle.PrimitiveElement.PE_PanelStatusBar, opt, p, self)
        for child in self.findChildren(QtWidgets.QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child.isVisible() and not isinstance(child, QtWidgets.QSizeGrip):
                frame = QtWidgets.QStyleOption()
                frame.rect = child.geometry().adjusted(-2, -1, 2, 1)
                frame.palette = self.palette()
                frame.state = QtWidgets.QStyle.StateFlag.State_None
                style.drawPrimitive(QtWidgets.QStyle.PrimitiveElement.PE_FrameStatusBarItem,
                                    frame, p, child)
        p.setPen(self.palette().windowText().color())
        p.drawText(self.message_rect(), Qt.AlignmentFlag.AlignLeading
                   | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine,
                   self.shown_message())
        p.end()
