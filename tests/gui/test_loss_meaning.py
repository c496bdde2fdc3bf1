"""Where the window shows a loss, it says what the number is: the data loss, without the
regularisation penalty (the engine's loss_and_grads adds the penalty; history does not)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import


def test_loss_numbers_and_curve_say_the_penalty_is_left_out(qtbot, window):
    out = window.output
    for widget in (out.values["train_loss"], out.values["test_loss"], out.loss_view):
        assert "without the regularisation penalty" in widget.toolTip()
    assert "without the regularisation penalty" not in out.values["test_accuracy"].toolTip()
