"""Python's cyclic garbage collector, run on the GUI thread only.

Python collects reference cycles on whichever thread happens to allocate when a threshold
is crossed.  With a training thread allocating all the time, that is usually the worker:
it then destroys Qt objects that belonged to the GUI (a closed window's menus, actions,
plot items caught in a cycle).  A QObject destructor takes Qt's signal lock and then asks
for the GIL, while the GUI thread, holding the GIL, destroys a neighbour and waits for
that lock: both wait for ever (seen in CI: the window froze in the middle of a Reset).

So while a worker thread runs, automatic collection is off and a GUI-thread timer runs
the same generational collections when the same thresholds are crossed (pyqtgraph's
GarbageCollector does this too).  Nothing else changes: reference counting still frees
everything not in a cycle at once.
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer

INTERVAL_MS = 250

_installed: "GuiThreadCollector | None" = None


class GuiThreadCollector(QObject):
    """Disables automatic GC and collects from a GUI-thread timer instead."""

    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self.collections = 0  # how many collections ran (tests read it)
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        """Collect the generations whose thresholds were crossed (as gc would)."""
        counts, limits = gc.get_count(), gc.get_threshold()
        if counts[0] <= limits[0]:
            return
        generation = 2 if counts[2] > limits[2] else 1 if counts[1] > limits[1] else 0
        gc.collect(generation)
        self.collections += 1


def install() -> GuiThreadCollector | None:
    """Make sure cycles are collected on the GUI thread only (call it on the GUI thread
    before starting a worker thread; safe to call again).  None without a Qt app."""
    global _installed
    app = QCoreApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        return None
    try:
        alive = _installed is not None and _installed.parent() is app
    except RuntimeError:  # the Qt object went with an earlier QApplication
        alive = False
    if not alive:
        _installed = GuiThreadCollector(app)
    gc.disable()  # someone may have switched it on again
    return _installed
