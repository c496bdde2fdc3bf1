"""The instruments' redraw pacing: a slow picture makes the next one wait a little, never
for long.  (Regression: the first gradient-flow picture after its dock opens builds its
plots; its 0.6 s, times 15, held the next picture back ~9 s idle and past 20 s on a busy
machine, so the curves stayed at one point.)"""
from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import pytest

from actlab.gui.instruments import DRAW_BUDGET, MAX_DRAW_GAP, next_draw_time

WAIT = 30_000  # ms: generous, a loaded CI machine may be slow


@pytest.mark.parametrize("cost", [0.0, 0.001, 0.01, 0.05, 0.6, 5.0, 60.0])
def test_the_wait_grows_with_the_cost_up_to_the_cap(cost):
    wait = next_draw_time(100.0, cost) - 100.0
    assert wait == pytest.approx(min(MAX_DRAW_GAP, (1 + DRAW_BUDGET) * cost))
    assert 0 <= wait <= MAX_DRAW_GAP


def test_pictures_keep_coming_after_a_very_slow_one(qtbot, window, monkeypatch):
    """The first picture takes 2.5 s (as on a busy machine): without the cap the next one
    would wait ~37 s, past this test's limit; with it, the curves grow while training."""
    w = window
    assert w.open_preset("deep-sigmoid-vanishes")
    w.instruments.actions["gradient"].trigger()
    assert w.instruments.on_screen("gradient")
    real_draw, calls = w.instruments.draw, []

    def slow_first_draw(pub):
        drawn = real_draw(pub)
        if drawn and not calls:
            time.sleep(2.5)  # a slow picture, not a timing assertion
        calls.append(drawn)
        return drawn

    monkeypatch.setattr(w.instruments, "draw", slow_first_draw)
    view = w.instruments.gradient
    w.play()
    qtbot.waitUntil(lambda: w.instruments.draws >= 3 and view.curves
                    and view.curves[0].xData is not None and len(view.curves[0].xData) >= 3,
                    timeout=WAIT)
    w.pause()
