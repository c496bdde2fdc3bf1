"""Windows that fit the screen they open on.

A classroom laptop has 1366×768 pixels, a projector 1280×720, and a 1920×1080 screen at
200 % scaling offers 960×540 device-independent pixels.  A window that opens at a fixed
1280×800 hides its status bar below the screen edge there.  So every top-level window
asks for its preferred size *capped by the available screen geometry* (the screen minus
task bars), leaves room for the window manager's frame, and opens centred; saved geometry
is used only while it still fits the screen it would open on.
"""
from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

# Room for the window manager's title bar and borders, which Qt only knows after the
# window is shown (frameGeometry).  Generous rather than exact: a window a little smaller
# than the screen is fine, one a little larger hides its bottom row.
FRAME_ALLOWANCE = QtCore.QSize(16, 40)
# What the main window and the Help window ask for on a screen with room to spare.
MAIN_WINDOW_SIZE = QtCore.QSize(1280, 800)
HELP_WINDOW_SIZE = QtCore.QSize(980, 720)


def available_geometry(widget: QtWidgets.QWidget | None = None) -> QtCore.QRect:
    """The available geometry of the screen ``widget`` is on (else the primary one)."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QtGui.QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QtCore.QRect(0, 0, 1280, 800)


def fitted_size(wanted: QtCore.QSize, available: QtCore.QRect,
                minimum: QtCore.QSize | None = None) -> QtCore.QSize:
    """``wanted``, made no larger than ``available`` less the frame allowance (nor smaller
    than ``minimum``, the layout's own floor, if given)."""
    room = available.size() - FRAME_ALLOWANCE
    size = wanted.boundedTo(room)
    if minimum is not None:
        size = size.expandedTo(minimum)
    return size


def fit_to_screen(window: QtWidgets.QWidget, wanted: QtCore.QSize) -> None:
    """Resize ``window`` to ``wanted`` capped by its screen, and centre it there."""
    available = available_geometry(window)
    size = fitted_size(wanted, available, window.minimumSizeHint())
    window.resize(size)
    frame = QtCore.QRect(QtCore.QPoint(0, 0), size + FRAME_ALLOWANCE)
    frame.moveCenter(available.center())
    top_left = frame.topLeft()
    window.move(max(top_left.x(), available.left()), max(top_left.y(), available.top()))


def fits(rect: QtCore.QRect, available: QtCore.QRect, slack: int = 8) -> bool:
    """True when ``rect`` (a frame geometry) lies within ``available``, give or take
    ``slack`` pixels (window managers round)."""
    return available.adjusted(-slack, -slack, slack, slack).contains(rect)


def restore_or_fit(window: QtWidgets.QWidget, geometry, wanted: QtCore.QSize) -> bool:
    """Restore saved ``geometry`` (QByteArray or None) if it still fits the screen it
    opens on; else fit ``wanted`` to the screen.  True when the saved geometry was used."""
    if geometry is not None and window.restoreGeometry(geometry):
        if fits(window.frameGeometry(), available_geometry(window)) and not (
                window.width() > available_geometry(window).width()):
            return True
    fit_to_screen(window, wanted)
    return False
