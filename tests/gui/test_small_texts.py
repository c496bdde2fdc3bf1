"""Small texts the student reads: the training speed, the log folder."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import pytest

from actlab.gui.playback import speed_text


@pytest.mark.parametrize("rate, text", [
    (0.0, ""), (float("nan"), ""), (-1.0, ""),
    (0.42, "0.4 epochs/s"), (1.0, "1 epoch/s"), (1.4, "1 epoch/s"),  # not "1 epochs/s"
    (1.6, "2 epochs/s"), (86.9, "87 epochs/s"), (2345.2, "2,345 epochs/s"),
])
def test_speed_text(rate, text):
    assert speed_text(rate) == text


def test_no_hidden_layer_shows_no_activation(qtbot, window):
    w = window
    every = w.controls.activation
    every.setCurrentIndex(every.findData("sine"))
    assert set(w.lab.network.activations) == {"sine"}
    for _ in range(20):  # the − button until no hidden layer is left
        if not w.lab.network.hidden:
            break
        w.network_view.remove_layer_button().click()
    assert not every.isEnabled() and every.currentData() == "none"
    assert "no hidden layer" in every.currentText().lower()
    assert every.findData("sine") >= 0  # the real choices are still there
