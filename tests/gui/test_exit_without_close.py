"""A process that ends while training and a comparison still run — a script, a test or an
error that never closed the window — exits cleanly: Qt aborted it (exit 134, "QThread:
Destroyed while thread 'ActLab comparison' is still running") when Python destroyed the
still-running threads at exit."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import actlab

SCRIPT = textwrap.dedent("""
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6 import QtCore, QtWidgets
    app = QtWidgets.QApplication(sys.argv)
    from actlab.gui.main_window import MainWindow

    def settle(until, limit_ms=60000):
        timer = QtCore.QElapsedTimer(); timer.start()
        while not until() and timer.elapsed() < limit_ms:
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
        return until()

    w = MainWindow(); w.show()
    w.play()
    panel = w.instruments.compare
    panel.run_button.click()
    dp = w.data_panel
    for button in (list(dp.image_buttons.values())[:1] + list(dp.dataset_buttons.values())[1:2]):
        button.click()                    # kinds switched while both threads run
        panel.run_button.setChecked(True)
        w.play()
    assert settle(lambda: w.training_thread.running and panel.thread.running)
    print("both running", flush=True)
    sys.exit(0)                           # the window is never closed
""")


def test_exiting_without_closing_the_window_ends_the_threads(tmp_path):
    env = dict(os.environ, ACTLAB_SETTINGS_DIR=str(tmp_path / "settings"),
               ACTLAB_LOG_DIR=str(tmp_path / "log"),
               PYTHONPATH=str(Path(actlab.__file__).resolve().parents[1]))
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          env=env, timeout=300)
    assert "both running" in done.stdout, done.stderr[-2000:]
    assert "QThread: Destroyed" not in done.stderr
    assert done.returncode == 0, done.stderr[-2000:]
