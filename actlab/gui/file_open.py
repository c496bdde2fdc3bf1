"""Open the lab files the operating system hands to the running app.

macOS does not put a file double-clicked in Finder (or dropped on the Dock icon) on the
command line: it sends an "open documents" Apple Event, which Qt delivers to the
``QApplication`` as a :class:`QtGui.QFileOpenEvent` — at launch and while the app runs.
:class:`FileOpenHandler` is an event filter on the application that opens such a file in
the window as File ▸ Open would (asking first when the open lab has unsaved changes). A
file that arrives before the window exists is kept and opened once :meth:`attach` gives
the window; if several arrive by then, the last one wins (one window shows one lab).
"""
from __future__ import annotations

from PySide6 import QtCore, QtGui


class FileOpenHandler(QtCore.QObject):
    """Install with ``app.installEventFilter(handler)``; call :meth:`attach` with the
    main window once it is built."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.window = None
        self.pending: str | None = None  # arrived before the window existed
        self.received: list[str] = []    # every path the system asked to open
        self.queued = 0                  # opens scheduled but not yet done

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802
        if event.type() != QtCore.QEvent.Type.FileOpen:
            return False
        path = event.file() or event.url().toLocalFile()
        if not path:
            return False  # a URL that is no local file: nothing ActLab can open
        self.received.append(path)
        if self.window is None:
            self.pending = path
        else:
            # after the event returns: open_path may ask (a modal dialog), which should
            # not run inside the event filter of the system's event
            self.queued += 1
            QtCore.QTimer.singleShot(0, lambda p=path: self._open_queued(p))
        return True

    def attach(self, window) -> None:
        """From now on files open in ``window``; one that came earlier opens now."""
        self.window = window
        if self.pending is not None:
            path, self.pending = self.pending, None
            self._open(path)

    def _open_queued(self, path: str) -> None:
        try:
            self._open(path)
        finally:
            self.queued -= 1

    def _open(self, path: str) -> None:
        window = self.window
        if window is None:
            return
        # ask=True: a lab with unsaved changes asks "Save changes?" first, as every open
        window.open_path(path, ask=True)
        if QtGui.QGuiApplication.platformName() != "offscreen":  # it has no stacking
            window.raise_()
            window.activateWindow()


def install(app) -> FileOpenHandler:
    """A :class:`FileOpenHandler` filtering ``app``'s events, owned by ``app``."""
    handler = FileOpenHandler(app)
    app.installEventFilter(handler)
    return handler
