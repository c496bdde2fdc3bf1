"""The loss plot's log axis on absurd ranges, and the window resetting its axes.

Regression: after a diverged run and Reset, ticking Log scale left the empty plot's old
linear range (0..1e157) in place, read as exponents; the tick code built one entry per
decade of it (9.5 GB) and the process was killed.  Smaller ranges raised OverflowError in
every paint."""
from __future__ import annotations

import math
import os
import tracemalloc

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import numpy as np
import pytest

from actlab.views.loss_view import (MAX_TICKS, LossView, log_tick_strings,
                                    log_tick_values)

WAIT = 30_000
ABSURD = [(1e-300, 1e300), (-1e300, 1e300), (0.0, 1e157), (-5.0, 1e19), (-400.0, 400.0),
          (-1e308, -1e300), (1e300, 1e308), (-math.inf, 3.0), (0.0, math.inf),
          (math.nan, 1.0), (1.0, math.nan), (math.nan, math.nan), (5.0, 5.0), (3.0, -3.0),
          (-50.0, -10.0), (-0.5, -0.499999999999), (1.0, 1.0 + 1e-15), (300.0, 308.5)]


@pytest.mark.parametrize("lo, hi", ABSURD)
@pytest.mark.parametrize("size", [0, 25, 300, 1e9, math.inf, math.nan])
def test_log_ticks_stay_few_and_printable_on_any_range(lo, hi, size):
    tracemalloc.start()
    try:
        ticks = log_tick_values(lo, hi, size)
        labels = log_tick_strings(ticks[0][1])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    major, minor = ticks[0][1], ticks[1][1]
    assert len(major) <= MAX_TICKS + 1 and len(minor) <= 9 * 8
    assert peak < 1_000_000  # bytes: never one entry per decade of the range
    assert all(math.isfinite(v) and lo <= v <= hi for v in major + minor)
    assert len(labels) == len(major) and all(isinstance(t, str) for t in labels)


def test_log_ticks_on_ordinary_ranges_still_read_well():
    major = log_tick_values(-2.0, 0.0, 300)[0][1]  # 0.01 .. 1
    assert log_tick_strings(major)[:4] == ["0.01", "0.02", "0.03", "0.05"]
    many = log_tick_values(-12.0, 306.0, 300)[0][1]
    assert 2 <= len(many) <= 10 and all(float(v).is_integer() for v in many)
    assert log_tick_strings([400.0, -400.0, math.nan]) == ["1e400", "1e-400", ""]


def test_loss_view_paints_huge_and_infinite_losses_on_a_log_axis(qtbot):
    view = LossView()
    qtbot.addWidget(view)
    view.resize(500, 300)
    view.show()
    qtbot.waitExposed(view)
    train = np.array([0.7, 3.0, 1e10, 1e157, 1e306, np.inf, np.nan])
    view.show_history({"epoch": list(range(1, 8)), "train_loss": list(train),
                       "test_loss": list(train)})
    view.set_log_scale(True)
    view.grab()  # paints the axes: no OverflowError, no memory blow-up
    (_, _), (y0, y1) = view.view_box.viewRange()
    assert y0 <= math.log10(0.7) and y1 >= 306 and y1 < 400


def _pick(combo, value) -> None:
    combo.setCurrentIndex(combo.findData(value))
    assert combo.currentData() == value


def test_log_scale_after_a_diverged_run_and_reset(qtbot, window):
    """The reported sequence: plane data, learning rate 10, Play until it diverges,
    Reset, tick Log scale.  (The engine now stops a runaway loss in its first epoch, so
    a few epochs at learning rate 1 come first: the plot must have an old range.)"""
    w = window
    w.data_panel.dataset_buttons["plane"].click()
    assert w.lab.data.generator == "plane"
    view = w.output.loss_view
    _pick(w.controls.learning_rate, 1.0)
    w.play()
    qtbot.waitUntil(lambda: view.point_counts()[0] >= 5, timeout=WAIT)
    w.pause()
    _pick(w.controls.learning_rate, 10.0)
    assert w.lab.training.learning_rate == 10.0
    w.play()
    qtbot.waitUntil(lambda: not w.output.warning.isHidden(), timeout=WAIT)
    qtbot.waitUntil(lambda: not w._playing, timeout=WAIT)
    w.pause()
    assert "diverged" in w.output.warning.text()
    qtbot.waitUntil(lambda: view.point_counts()[0] > 0, timeout=WAIT)
    w.reset()
    qtbot.waitUntil(lambda: w.training_thread.latest().snapshot.epoch == 0, timeout=WAIT)
    qtbot.waitUntil(lambda: view.point_counts() == (0, 0), timeout=WAIT)
    w.output.log_scale.click()
    assert view.log_scale and w.acts.log_scale.isChecked()
    view.grab()
    (x0, x1), (y0, y1) = view.view_box.viewRange()
    loss = w.training_thread.latest().snapshot.train_loss
    assert x1 <= 20 and -10 < y0 <= math.log10(loss) <= y1 < 10
    # and it trains on a log axis afterwards
    _pick(w.controls.learning_rate, 0.03)
    w.play()
    qtbot.waitUntil(lambda: view.point_counts()[0] >= 3, timeout=WAIT)
    w.pause()
    view.grab()
    (_, _), (y0, y1) = view.view_box.viewRange()
    assert y1 < 10


@pytest.mark.parametrize("how", ["new", "preset", "network"])
def test_new_lab_open_and_network_change_reset_the_loss_axes(qtbot, window, how):
    w = window
    view = w.output.loss_view
    view.show_history({"epoch": [1, 2, 3], "train_loss": [1e150, 1e155, 1e157],
                       "test_loss": [1e150, 1e155, 1e157]})
    view.view_box.setXRange(0, 5e6)
    if how == "new":
        w.files.new_lab()
    elif how == "preset":
        assert w.open_preset("xor-needs-nonlinearity")
    else:
        w.network_view.architectureChanged.emit((3,), ("tanh",))
    assert view.point_counts() == (0, 0)
    (x0, x1), (y0, y1) = view.view_box.viewRange()
    assert x1 <= 20 and y1 <= 10
    w.output.log_scale.click()
    view.grab()
    (_, _), (y0, y1) = view.view_box.viewRange()
    assert -10 < y0 < y1 < 10
