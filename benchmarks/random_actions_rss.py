"""Memory over minutes of random user actions across the three kinds of lab.

Runs the seeded walk of tests/gui/test_random_actions_kinds.py (presets and data sets of
every kind, training, the comparison, the conv builder, imports, undo/redo …) on a real
window — offscreen unless a display is set — for ``--minutes``, and prints the resident
memory (RSS, /proc/self/statm) every ``--every`` seconds, then the growth after the
first minute (the warm-up: every kind's panels, plots and caches made once).

    python3 benchmarks/random_actions_rss.py                 # 10 minutes
    python3 benchmarks/random_actions_rss.py --minutes 2 --seed 5

Figures, not pass/fail (exit 0 unless the walk itself fails).  Linux only.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout
sys.path.insert(0, str(ROOT / "tests" / "gui"))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ACTLAB_SETTINGS_DIR", tempfile.mkdtemp(prefix="actlab-rss-"))
os.environ.setdefault("ACTLAB_LOG_DIR", tempfile.mkdtemp(prefix="actlab-rss-log-"))

MB = 2**20


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class _Bot:
    """What the walk needs of pytest-qt's qtbot: waiting with the event loop turning."""

    def wait(self, ms: int) -> None:
        from PySide6 import QtCore
        loop = QtCore.QEventLoop()
        QtCore.QTimer.singleShot(ms, loop.quit)
        loop.exec()


def _silent_dialogs() -> dict:
    """Every dialog answered at once (as the tests' dialog_log fixture does)."""
    from actlab.gui import dialogs
    from actlab.gui.activations import activation_editor

    log = {"errors": [], "infos": [], "design": None, "designs_asked": []}
    dialogs.show_error = lambda parent, title, message: log["errors"].append((title, message))
    dialogs.show_info = lambda parent, title, message: log["infos"].append((title, message))
    dialogs.ask_save_changes = lambda parent, name: "discard"
    dialogs.ask_recover = lambda parent, name, when: "discard"
    dialogs.open_file_name = lambda *a: ""
    dialogs.save_file_name = lambda *a: ""
    from actlab.gui.guide import prediction_dialog  # "Predict first": skipped (or answered)
    from conftest import answer_prediction
    prediction_dialog.run_dialog = answer_prediction

    def design(parent, custom=(), editing=None):
        log["designs_asked"].append(editing)
        answer = log["design"]
        return answer(custom, editing) if callable(answer) else answer

    activation_editor.design_activation = design
    return log


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=10.0)
    p.add_argument("--every", type=float, default=30.0, help="seconds between samples")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)

    from PySide6 import QtCore, QtWidgets
    app = QtWidgets.QApplication(sys.argv)
    from actlab.gui.main_window import MainWindow
    from test_random_actions_kinds import make_files, walk_kinds

    log = _silent_dialogs()
    w = MainWindow()
    w.dialog_log = log
    w.setWindowState(QtCore.Qt.WindowState.WindowNoState)
    w.resize(1366, 768)
    w.show()
    errors: list[str] = []
    sys.excepthook = lambda kind, value, tb: errors.append(f"{kind.__name__}: {value}")
    files = make_files(tempfile.mkdtemp(prefix="actlab-rss-files-"))
    bot = _Bot()
    t0 = time.perf_counter()
    end = t0 + 60 * args.minutes
    samples = [(0.0, 0, rss())]
    done = 0
    print(f"{'seconds':>8} {'actions':>8} {'RSS MB':>8}", flush=True)
    print(f"{0:>8.0f} {0:>8} {samples[0][2] / MB:>8.1f}", flush=True)
    next_sample = t0 + args.every
    seed = args.seed
    while time.perf_counter() < end:
        walk_kinds(bot, w, 50, seed, files, errors)
        seed += 1
        done += 50
        now = time.perf_counter()
        if now >= next_sample or now >= end:
            samples.append((now - t0, done, rss()))
            print(f"{now - t0:>8.0f} {done:>8} {samples[-1][2] / MB:>8.1f}", flush=True)
            next_sample += args.every
    w.pause()
    w.close()
    app.processEvents()
    warm = next((s for s in samples if s[0] >= 60), samples[-1])
    last = samples[-1]
    rate = (last[2] - warm[2]) / max(last[1] - warm[1], 1)
    print(f"\n{done} actions in {last[0]:.0f} s; RSS {samples[0][2] / MB:.0f} MB at start, "
          f"{warm[2] / MB:.0f} MB after the first minute, {last[2] / MB:.0f} MB at the end "
          f"({(last[2] - warm[2]) / MB:+.0f} MB since the first minute, "
          f"{rate / 1024:+.1f} KB per action); {len(errors)} exceptions; "
          f"{len(log['errors'])} error dialogs")
    for e in errors[:5]:
        print("  exception:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
