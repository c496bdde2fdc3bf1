"""Start the desktop app: ``run_app(argv)`` creates the QApplication and the window."""
from __future__ import annotations

import os
import sys
import time

QUIT_AFTER_SHOW_ENV = "ACTLAB_QUIT_AFTER_SHOW"  # startup benchmark: print time, then quit
START_TIME_ENV = "ACTLAB_START_TIME"  # time.time() when the process was launched


def run_app(argv: list[str] | None = None) -> int:
    """Open the main window (with the .actlab file in ``argv[1:]`` if one is given) and
    run the event loop; returns the exit status."""
    argv = list(sys.argv if argv is None else argv)
    from PySide6 import QtCore, QtWidgets

    import actlab

    QtCore.QCoreApplication.setOrganizationName("ActLab")
    QtCore.QCoreApplication.setApplicationName(actlab.APP_NAME)
    QtCore.QCoreApplication.setApplicationVersion(actlab.__version__)
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(argv)
    app.setApplicationDisplayName(actlab.APP_NAME)
    try:  # log uncaught errors to a file and tell the user once
        from . import crash_handler
        crash_handler.install(app)
    except ImportError:
        pass

    from .main_window import MainWindow

    paths = [a for a in argv[1:] if not a.startswith("-")]
    window = MainWindow()
    if paths:
        window.open_path(paths[0], ask=False)
    window.show()
    if os.environ.get(QUIT_AFTER_SHOW_ENV):
        def report() -> None:
            start = float(os.environ.get(START_TIME_ENV) or 0.0)
            if start:
                print(f"startup_seconds={time.time() - start:.3f}", flush=True)
            window.setWindowModified(False)
            window.close()
            app.quit()
        QtCore.QTimer.singleShot(0, report)
    return int(app.exec())
