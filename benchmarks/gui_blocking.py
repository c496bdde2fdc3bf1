"""How long the window's event loop is blocked by slow work: building, loading, saving.

Drives the real MainWindow (offscreen) through four operations and prints, for each, the
total time until its result is shown and the LONGEST gap between two ticks of a 10 ms
QTimer meanwhile (a Python slot, so it also counts time the GIL was held elsewhere).  A
responsive window keeps that gap near 10-50 ms; a blocked one shows the whole operation.

1. images per class 10 -> 2,000 in an image lab's data panel (digits, 32 px: 20,000 images)
2. open a lab file of digits with 2,000 images per class
3. open a 9 MB lab file whose guide holds long extra lists
4. save an image lab holding the maximum of 1,000 drawings (about 5 MB)

    python3 benchmarks/gui_blocking.py [--per-class N] [--guide-mb M] [--drawings K]

Prints figures, never pass/fail.  Runs on older ActLabs too (it uses only the window's
public API), so the same script gives the before and after numbers.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ACTLAB_SETTINGS_DIR", tempfile.mkdtemp(prefix="actlab-bench-"))

import numpy as np  # noqa: E402
from PySide6 import QtCore, QtWidgets  # noqa: E402


class GapMeter:
    """A 10 ms timer that remembers the longest time between two of its ticks, and the
    longest cyclic garbage collection (ActLab runs them on the GUI thread)."""

    def __init__(self) -> None:
        self.gc_longest, self._gc_start = 0.0, 0.0
        gc.callbacks.append(self._gc)
        self.timer = QtCore.QTimer()
        self.timer.setInterval(10)
        self.timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def _gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
        else:
            self.gc_longest = max(self.gc_longest, time.perf_counter() - self._gc_start)

    def reset(self) -> None:
        self.last, self.longest, self.gc_longest = time.perf_counter(), 0.0, 0.0

    def finish(self) -> float:
        self._tick()
        return self.longest


def measure(app, meter: GapMeter, name: str, start, done) -> None:
    """``start()`` the operation, then run the event loop until ``done()``."""
    settle = time.perf_counter() + 1.5  # let the previous lab's leftovers finish first
    while time.perf_counter() < settle:  # (freeing a 9 MB guide holds the GIL ~1 s)
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
    meter.reset()
    t0 = time.perf_counter()
    start()
    while not done():
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
        if time.perf_counter() - t0 > 600:
            print(f"{name}: gave up after 600 s")
            return
    total = time.perf_counter() - t0
    print(f"{name:40s} total {total:6.2f} s   longest block {1000 * meter.finish():6.0f} ms"
          f"   (longest GC {1000 * meter.gc_longest:4.0f} ms)", flush=True)


def digits_lab(per_class: int):
    from actlab.kinds.images import fitted_network, image_lab_for
    from actlab.lab import default_lab

    lab = image_lab_for("digits", default_lab())
    lab = replace(lab, data=replace(lab.data, size=32, per_class=per_class))
    return replace(lab, network=fitted_network(lab.network, lab.data))


def guide_file(path: str, megabytes: float) -> None:
    from actlab.labfile.format import lab_to_dict
    from actlab.lab import default_lab

    n = int(megabytes * 1e6 / 25)  # each item below is about 25 bytes of JSON
    d = lab_to_dict(default_lab())
    d["guide"] = {"instructions": "Read the notes.",
                  "extra": [{"x": [{"y": [i]}]} for i in range(n)]}
    Path(path).write_text(json.dumps(d))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=2000)
    parser.add_argument("--guide-mb", type=float, default=9.0)
    parser.add_argument("--drawings", type=int, default=1000)
    args = parser.parse_args()

    from actlab.labfile.format import save_lab

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    from actlab.gui import dialogs
    from actlab.gui.main_window import MainWindow

    dialogs.ask_save_changes = lambda parent, name: "discard"
    w = MainWindow()
    w.resize(1280, 800)
    w.show()
    meter = GapMeter()
    folder = tempfile.mkdtemp(prefix="actlab-blocking-")
    import actlab
    print(f"ActLab from {os.path.dirname(actlab.__file__)}")

    # 1. images per class in the data panel
    w.open_lab(digits_lab(10))
    spin = w.workspace.data_panel.per_class

    def raise_per_class() -> None:
        spin.setValue(args.per_class)
        spin.editingFinished.emit()

    measure(app, meter, f"images per class 10 -> {args.per_class:,}", raise_per_class,
            lambda: w.lab.data.per_class == args.per_class)

    # 2. open a lab of that many images per class
    big = os.path.join(folder, "digits.actlab")
    save_lab(digits_lab(args.per_class), big)
    w.open_lab(digits_lab(10))
    measure(app, meter, f"open a lab of {args.per_class:,} per class",
            lambda: w.open_path(big, ask=False),
            lambda: w.path == os.path.abspath(big) and w.lab.data.per_class == args.per_class)

    # 3. a lab file with a large guide
    guide = os.path.join(folder, "guide.actlab")
    guide_file(guide, args.guide_mb)
    mb = os.path.getsize(guide) / 1e6
    measure(app, meter, f"open a {mb:.1f} MB guide lab",
            lambda: w.open_path(guide, ask=False),
            lambda: w.path == os.path.abspath(guide))

    # 4. save the most drawings a lab holds
    rng = np.random.default_rng(0)
    added = tuple((i % 10, tuple(np.round(rng.random(32 * 32) * 255) / 255))
                  for i in range(args.drawings))
    lab = digits_lab(10)
    w.open_lab(replace(lab, data=replace(lab.data, added=added)))
    target = os.path.join(folder, "drawn.actlab")
    measure(app, meter, f"save {args.drawings:,} drawings",
            lambda: w.files.save_to(target),
            lambda: os.path.exists(target) and not w.isWindowModified()
            and w.path == os.path.abspath(target))
    print(f"(saved {os.path.getsize(target) / 1e6:.1f} MB)")
    w.setWindowModified(False)
    w.close()


if __name__ == "__main__":
    main()
