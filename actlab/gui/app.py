"""Start the desktop app: ``run_app(argv)`` creates the QApplication and the window."""
from __future__ import annotations

import os
import sys
import time

QUIT_AFTER_SHOW_ENV = "ACTLAB_QUIT_AFTER_SHOW"  # startup benchmark: print time, then quit
START_TIME_ENV = "ACTLAB_START_TIME"  # time.time() when the process was launched
# build smoke test (packaging/build_smoke.sh): the app sends itself a QFileOpenEvent for
# this path at start, as Finder does; with QUIT_AFTER_SHOW_ENV it prints the lab it opened
OPEN_EVENT_ENV = "ACTLAB_OPEN_EVENT"


def app_icon():
    """The application icon: the SVG, plus PNG sizes for platforms without SVG icons."""
    from PySide6 import QtGui

    from actlab.resources_path import resource_file

    icon = QtGui.QIcon()
    for size in (16, 32, 48, 64, 128, 256):
        icon.addFile(str(resource_file("icons", f"actlab-{size}.png")))
    icon.addFile(str(resource_file("icons", "actlab.svg")))
    return icon


def first_lab(paths: list[str], preset: str | None):
    """The lab the window opens with: the guided starting lab
    (:func:`actlab.labfile.presets.starting_lab`) when the command line names no lab;
    None (the window's plain default, replaced at once) when it names one, or when the
    starting preset cannot be read (a trimmed build): the app still opens."""
    if preset or paths:
        return None
    from actlab.labfile.presets import starting_lab

    try:
        return starting_lab()
    except Exception:  # noqa: BLE001 - never fail to start over a missing preset
        return None


def run_app(argv: list[str] | None = None, preset: str | None = None) -> int:
    """Open the main window (with the .actlab file in ``argv[1:]`` if one is given, or
    the bundled lab ``preset``) and run the event loop; returns the exit status."""
    argv = list(sys.argv if argv is None else argv)
    from PySide6 import QtCore, QtGui, QtWidgets

    import actlab

    QtCore.QCoreApplication.setOrganizationName("ActLab")
    QtCore.QCoreApplication.setApplicationName(actlab.APP_NAME)
    QtCore.QCoreApplication.setApplicationVersion(actlab.__version__)
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(argv)
    app.setApplicationDisplayName(actlab.APP_NAME)
    app.setWindowIcon(app_icon())
    # lets Wayland and desktop shells match the window to resources/actlab.desktop
    QtGui.QGuiApplication.setDesktopFileName("actlab")
    from actlab.gui import crash_handler  # log uncaught errors to a file and tell the user once
    crash_handler.install(app)
    opener = None
    # macOS: Finder's double-click on a .actlab file arrives as a QFileOpenEvent (kept
    # until the window exists, then opened).  Qt sends it on macOS only, and an
    # application-wide event filter costs about 1.5 µs on every event, so elsewhere the
    # handler is installed only for the smoke test that sends one.
    if sys.platform == "darwin" or os.environ.get(OPEN_EVENT_ENV):
        from actlab.gui import file_open
        opener = file_open.install(app)
    if os.environ.get(OPEN_EVENT_ENV):
        QtCore.QCoreApplication.postEvent(app, QtGui.QFileOpenEvent(os.environ[OPEN_EVENT_ENV]))

    from actlab.gui.main_window import MainWindow

    paths = [a for a in argv[1:] if not a.startswith("-")]
    # no LAB named: the guided starting lab, its guide in front, stopping by itself
    window = MainWindow(first_lab(paths, preset))
    if preset:  # like the Labs menu: opened untitled, so Save never writes into the package
        window.open_preset(preset)  # asks first if a recovered (unsaved) lab is open
    elif paths:
        # a recovered lab is unsaved: ask before the file replaces it
        window.open_path(paths[0], ask=window.isWindowModified())
    window.show()
    if opener is not None:
        opener.attach(window)
    if os.environ.get(QUIT_AFTER_SHOW_ENV):
        def report() -> None:
            if opener is not None and opener.queued:  # a handed-over file is still opening
                QtCore.QTimer.singleShot(0, report)
                return
            if os.environ.get(OPEN_EVENT_ENV):
                print(f"opened={window.path}", flush=True)
            start = float(os.environ.get(START_TIME_ENV) or 0.0)
            if start:
                print(f"startup_seconds={time.time() - start:.3f}", flush=True)
            window.setWindowModified(False)
            window.close()
            app.quit()
        QtCore.QTimer.singleShot(0, report)
    return int(app.exec())
