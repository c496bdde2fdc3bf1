"""While a worker thread runs, Python's cyclic GC runs on the GUI thread only.

Regression: the training thread's allocations triggered a collection that destroyed a
closed window's Qt objects on the worker thread; the QObject destructor took Qt's signal
lock and waited for the GIL while the GUI thread, holding the GIL, waited for that lock
(the suite froze in test_reset_starts_the_instruments_again, seen once in CI)."""
from __future__ import annotations

import gc
import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

WAIT = 30_000


class _Cycle:
    """A reference cycle that records which thread collected it."""

    seen: list = []

    def __init__(self):
        self.me = self

    def __del__(self):
        _Cycle.seen.append(threading.current_thread() is threading.main_thread())


def test_cycles_are_collected_on_the_gui_thread_while_training(qtbot, window):
    w = window
    w.play()
    qtbot.waitUntil(lambda: w._playing, timeout=WAIT)
    assert not gc.isenabled()  # no collection can start on the worker thread
    _Cycle.seen.clear()
    for _ in range(gc.get_threshold()[0] * 3):
        _Cycle()
    qtbot.waitUntil(lambda: len(_Cycle.seen) > 0, timeout=WAIT)  # the GUI timer ran gc
    assert all(_Cycle.seen)  # ... on the GUI thread
    w.pause()


def test_install_is_idempotent(qapp):
    from actlab.gui import gui_thread_gc

    a = gui_thread_gc.install()
    b = gui_thread_gc.install()
    assert a is b and a is not None and not gc.isenabled()
    assert a.timer.isActive()
