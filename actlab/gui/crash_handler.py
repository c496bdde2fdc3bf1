"""Log what goes wrong, and tell the user once, instead of failing silently.

:func:`install` (called once by ``run_app`` after the QApplication exists):

* writes Python's ``logging`` to a rotating file ``actlab.log`` (1 MB, 3 old files kept)
  in :func:`log_dir`;
* replaces ``sys.excepthook`` and ``threading.excepthook``: every uncaught exception is
  logged with its full traceback (and still printed to stderr), and the user sees one
  message box saying where the details are.  Exceptions raised on other threads (Python
  threads, or slots running on a ``QThread``) reach the GUI thread through a queued Qt
  signal, because widgets may only be made on the GUI thread;
* logs Qt's own warnings and errors (``qInstallMessageHandler``), except the offscreen
  platform's harmless "propagateSizeHints" notice.

The message box goes through the module-level :func:`_show_dialog`, which tests replace
with ``monkeypatch``.  Showing it can never recurse: an error raised while a box is being
made, or while one is open, is only logged; and the same error is shown once per session
(a failing paint event would otherwise reopen the box forever).
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import tempfile
import threading
import traceback
from pathlib import Path

from PySide6 import QtCore, QtWidgets

LOG_DIR_ENV = "ACTLAB_LOG_DIR"  # overrides the folder (tests, portable installs)
LOG_NAME = "actlab.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
#: Qt messages that contain one of these are dropped: noise, not problems.
IGNORED_QT_MESSAGES = ("propagateSizeHints",)

log = logging.getLogger("actlab")

_state: dict = {}          # what install() changed, so uninstall() can put it back
_in_dispatch = False       # True while a dialog is being made: errors then are only logged
_shown_errors: set = set()  # errors already shown to the user this session
_open_box: QtWidgets.QMessageBox | None = None


# ------------------------------------------------------------------------ where
def _app_data_location() -> str:
    """Qt's per-user data folder for ActLab, or "" when Qt cannot tell or the application
    is not (yet) named ActLab (the folder would then carry another program's name)."""
    import actlab
    if QtCore.QCoreApplication.applicationName() != actlab.APP_NAME:
        return ""
    # GenericDataLocation + "ActLab", not AppDataLocation: that one appends organisation
    # *and* application name, both "ActLab", and the About box showed "ActLab/ActLab".
    base = QtCore.QStandardPaths.writableLocation(
        QtCore.QStandardPaths.StandardLocation.GenericDataLocation)
    return str(Path(base) / actlab.APP_NAME) if base else ""


def log_dir() -> Path:
    """The folder for ActLab's log files: ``$ACTLAB_LOG_DIR`` if set, else the platform's
    per-user data folder (``QStandardPaths.GenericDataLocation`` + ``ActLab``, e.g.
    ``~/.local/share/ActLab`` on Linux, ``%LOCALAPPDATA%/ActLab`` on Windows,
    ``~/Library/Application Support/ActLab`` on macOS) plus ``/logs``, falling back
    to ``~/.local/share/ActLab/logs``.  Does not create the folder."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override).expanduser()
    base = _app_data_location()
    if not base:
        base = str(Path.home() / ".local" / "share" / "ActLab")
    return Path(base) / "logs"


def log_path() -> Path:
    """The log file in use (after :func:`install`), else where it would be."""
    handler = _state.get("handler")
    if handler is not None:
        return Path(handler.baseFilename)
    return log_dir() / LOG_NAME


# ------------------------------------------------------------------------ dialog
def _show_dialog(text: str, details: str) -> None:
    """Show the error box without blocking (tests replace this function)."""
    global _open_box
    parent = QtWidgets.QApplication.activeWindow()
    box = QtWidgets.QMessageBox(parent)
    box.setIcon(QtWidgets.QMessageBox.Icon.Critical)
    box.setWindowTitle("ActLab: unexpected error")
    head, sep, tail = text.partition("Details were written to")
    box.setTextFormat(QtCore.Qt.TextFormat.PlainText)  # the error may quote lab content
    box.setText(head.strip())
    if sep:  # the path on a line of its own, where it is easy to read and copy
        box.setInformativeText(sep + tail)
        label = box.findChild(QtWidgets.QLabel, "qt_msgbox_informativelabel")
        if label is not None:
            label.setTextFormat(QtCore.Qt.TextFormat.PlainText)
    box.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setStyleSheet("QLabel#qt_msgbox_label, QLabel#qt_msgbox_informativelabel"
                      " { min-width: 440px; }")
    box.setDetailedText(details)
    box.setStandardButtons(QtWidgets.QMessageBox.StandardButton.Close)
    box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)

    def closed() -> None:
        global _open_box
        _open_box = None

    box.finished.connect(closed)
    _open_box = box
    box.open()  # window-modal, no nested event loop inside an exception hook


def dialog_text(path: Path | str) -> str:
    """The message the user reads (``path``: the log file)."""
    return ("ActLab hit an unexpected error. Your lab is still open, but it may not "
            "behave as expected: save it under a new name and restart ActLab if anything "
            f"looks wrong. Details were written to {path}.")


def _dispatch(key: tuple, text: str, details: str) -> None:
    """On the GUI thread: show the box unless that could recurse or repeat."""
    global _in_dispatch
    if _in_dispatch or _open_box is not None or key in _shown_errors:
        return  # already logged; one box at a time, each error once
    _in_dispatch = True
    try:
        _shown_errors.add(key)
        _show_dialog(text, details)
    except BaseException:  # noqa: BLE001 - the error box must never raise in its turn
        try:
            log.exception("Could not show the error dialog")
        except Exception:  # noqa: BLE001
            pass
    finally:
        _in_dispatch = False


class _Bridge(QtCore.QObject):
    """Lives on the GUI thread; ``report`` emitted on any thread runs ``_dispatch`` there."""

    report = QtCore.Signal(object, str, str)

    def __init__(self) -> None:
        super().__init__()
        self.report.connect(self._on_report, QtCore.Qt.ConnectionType.QueuedConnection)

    @QtCore.Slot(object, str, str)
    def _on_report(self, key, text: str, details: str) -> None:
        _dispatch(key, text, details)


def _on_gui_thread() -> bool:
    app = QtCore.QCoreApplication.instance()
    return app is not None and QtCore.QThread.currentThread() is app.thread()


# ------------------------------------------------------------------------ hooks
def _print_to_stderr(text: str) -> None:
    stream = sys.stderr  # None in a windowed (no console) build
    if stream is not None:
        try:
            stream.write(text)
            stream.flush()
        except Exception:  # noqa: BLE001
            pass


def report_exception(exc_type, exc, tb, where: str = "") -> None:
    """Log an uncaught exception with its traceback and tell the user (on the GUI thread,
    directly or through the bridge).  Never raises."""
    try:
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.critical("Unhandled exception%s:\n%s", f" in {where}" if where else "",
                     details.rstrip())
        _print_to_stderr(details)
        last = traceback.extract_tb(tb)[-1] if tb is not None else None
        key = (exc_type.__name__, str(exc), last and (last.filename, last.lineno))
        text = dialog_text(log_path())
        bridge = _state.get("bridge")
        if _on_gui_thread():
            _dispatch(key, text, details)
        elif bridge is not None:
            bridge.report.emit(key, text, details)
    except BaseException:  # noqa: BLE001 - an exception hook that raises loses both errors
        try:
            sys.__excepthook__(exc_type, exc, tb)
        except Exception:  # noqa: BLE001
            pass


def _excepthook(exc_type, exc, tb) -> None:
    if issubclass(exc_type, KeyboardInterrupt):  # Ctrl+C in the terminal: not a crash
        sys.__excepthook__(exc_type, exc, tb)
        return
    report_exception(exc_type, exc, tb)


def _threading_excepthook(args) -> None:
    if args.exc_type is SystemExit:  # what threading's own hook ignores too
        return
    name = args.thread.name if args.thread is not None else "a thread"
    report_exception(args.exc_type, args.exc_value, args.exc_traceback,
                     f"thread {name!r}")


_QT_LEVELS = {
    QtCore.QtMsgType.QtWarningMsg: logging.WARNING,
    QtCore.QtMsgType.QtCriticalMsg: logging.ERROR,
    QtCore.QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message_handler(mode, context, message: str) -> None:
    try:
        if any(s in message for s in IGNORED_QT_MESSAGES):
            return
        level = _QT_LEVELS.get(mode)
        if level is not None:
            where = ""
            if context is not None and context.file:
                where = f" ({context.file}:{context.line})"
            log.log(level, "Qt: %s%s", message, where)
        previous = _state.get("previous_qt_handler")
        if previous is not None:
            previous(mode, context, message)
        else:  # what Qt's default handler does
            _print_to_stderr(message + "\n")
    except Exception:  # noqa: BLE001 - a message handler must never raise into Qt
        pass


# ------------------------------------------------------------------------ install
def _open_handler() -> logging.Handler:
    """The rotating file handler in :func:`log_dir`, or in the temp folder when that
    cannot be written (a read-only home must not stop the app)."""
    fmt = logging.Formatter("%(asctime)s %(levelname)-8s %(name)s [%(threadName)s] "
                            "%(message)s")
    for folder in (log_dir(), Path(tempfile.gettempdir()) / "ActLab-logs"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                folder / LOG_NAME, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT,
                encoding="utf-8")
        except OSError:
            continue
        handler.setFormatter(fmt)
        handler.setLevel(logging.INFO)
        return handler
    return logging.NullHandler()


def install(app: QtCore.QCoreApplication | None = None) -> Path:
    """Start logging to the file and catch every uncaught exception (see the module
    docstring).  Call it on the GUI thread once the QApplication exists and is named;
    calling it again changes nothing.  Returns the log file's path."""
    if _state:
        return log_path()
    handler = _open_handler()
    root = logging.getLogger()
    root.addHandler(handler)
    _state["root_level"] = root.level
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)
    _state["handler"] = handler if isinstance(handler, logging.FileHandler) else None
    _state["handler_obj"] = handler
    _state["bridge"] = _Bridge()
    app = app or QtCore.QCoreApplication.instance()
    if app is not None and _state["bridge"].thread() is not app.thread():
        _state["bridge"].moveToThread(app.thread())
    _state["excepthook"] = sys.excepthook
    _state["threading_excepthook"] = threading.excepthook
    sys.excepthook = _excepthook
    threading.excepthook = _threading_excepthook
    _state["previous_qt_handler"] = QtCore.qInstallMessageHandler(_qt_message_handler)
    import platform

    import actlab
    log.info("ActLab %s started (Python %s, Qt %s, %s)", actlab.__version__,
             platform.python_version(), QtCore.qVersion(), platform.platform())
    return log_path()


def uninstall() -> None:
    """Undo :func:`install` (tests): the previous hooks, Qt handler and log level come
    back and the log file is closed."""
    global _open_box
    if not _state:
        return
    if sys.excepthook is _excepthook:
        sys.excepthook = _state["excepthook"]
    if threading.excepthook is _threading_excepthook:
        threading.excepthook = _state["threading_excepthook"]
    QtCore.qInstallMessageHandler(_state["previous_qt_handler"])
    root = logging.getLogger()
    handler = _state["handler_obj"]
    root.removeHandler(handler)
    handler.close()
    root.setLevel(_state["root_level"])
    _state["bridge"].deleteLater()
    _state.clear()
    _shown_errors.clear()
    _open_box = None
