"""The instruments' draw pacing (pytest-qt, offscreen): a slow picture makes the next one
wait, but never for long, and a view's first picture of a run (which builds its plots)
does not set the pace at all.  Before this, one slow first picture on a busy machine
froze the gradient dock for 15 × its cost and the live tests timed out.

The clock is faked, so nothing here depends on how fast the machine is."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from actlab.gui.instruments import instruments

WAIT = 20_000


class SlowClock:
    """perf_counter that advances ``step`` seconds at every read: every drawing looks
    very slow."""

    def __init__(self, step: float):
        self.t, self.step = 1000.0, step

    def perf_counter(self) -> float:
        self.t += self.step
        return self.t


def _new_pack(qtbot, w, after_seq: int):
    w.step()
    qtbot.waitUntil(lambda: w.training_thread.latest().insights is not None
                    and w.training_thread.latest().insights.seq > after_seq, timeout=WAIT)
    return w.training_thread.latest()


def test_a_slow_picture_delays_the_next_by_at_most_the_gap(qtbot, window, monkeypatch):
    w = window
    ins = w.instruments
    assert w.open_preset("deep-sigmoid-vanishes")
    ins.actions["gradient"].trigger()
    ins.timer.stop()  # we tick by hand
    clock = SlowClock(5.0)
    monkeypatch.setattr(instruments, "time", clock)

    pub = _new_pack(qtbot, w, 0)
    ins._next_draw = -1.0
    ins._tick()  # the first picture of the run: builds the histograms
    qtbot.waitUntil(lambda: ins._next_draw != -1.0, timeout=WAIT)
    assert ins._next_draw == 0.0  # building is not the steady cost: no wait after it
    assert ins.gradient.curves and len(ins.gradient.histograms) == 6

    pub = _new_pack(qtbot, w, pub.insights.seq)
    start = clock.t
    ins._next_draw = -1.0
    ins._tick()
    qtbot.waitUntil(lambda: ins._next_draw != -1.0, timeout=WAIT)
    # the picture "took" 10+ s: the next may wait, but at most MAX_DRAW_GAP
    assert start < ins._next_draw <= start + 2 * clock.step + instruments.MAX_DRAW_GAP
    assert ins.gradient.curves[0].xData[-1] == pub.snapshot.epoch
