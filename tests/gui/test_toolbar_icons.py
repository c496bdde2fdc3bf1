"""Every toolbar icon is sharp at a 2× (and 3×) scale factor: it comes from a vector
source or a bitmap at least as large as the device pixels asked for.  Qt's standard
reload icon, the old Reset icon, exists only at 24 and 32 px and was blown up to 44."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import numpy as np
import pytest
from PySide6 import QtCore, QtWidgets

from actlab.gui.actions import dice_icon, toolbar_icon
from actlab.views.export import qimage_to_array


def _toolbar_buttons(window):
    bar = window.findChild(QtWidgets.QToolBar, "training_toolbar")
    buttons = [b for b in bar.findChildren(QtWidgets.QToolButton)
               if b.defaultAction() is not None and not b.defaultAction().icon().isNull()]
    assert {b.objectName() for b in buttons} >= {"reset", "play", "step", "new_seed"}
    return buttons


@pytest.mark.parametrize("ratio", [2.0, 3.0])
def test_toolbar_icons_have_device_pixels_at_high_scale(window, ratio):
    for button in _toolbar_buttons(window):
        icon = button.defaultAction().icon()
        size = button.iconSize()
        pixmap = icon.pixmap(size, ratio)
        want = QtCore.QSize(round(size.width() * ratio), round(size.height() * ratio))
        # a bitmap source smaller than this comes back smaller and is upscaled on screen
        assert pixmap.width() >= want.width() and pixmap.height() >= want.height(), \
            (button.objectName(), pixmap.size(), icon.availableSizes())
        sizes = icon.availableSizes()
        assert not sizes or max(s.width() for s in sizes) >= want.width(), \
            (button.objectName(), sizes)
        rgba = qimage_to_array(pixmap.toImage())
        assert (rgba[..., 3] > 200).mean() > 0.03, button.objectName()  # it draws something


def test_pause_icon_too(window):
    window.acts.play.trigger()  # shows Pause while training runs
    try:
        icon = window.acts.play.icon()
        assert icon.pixmap(QtCore.QSize(26, 26), 2.0).width() >= 52
    finally:
        window.acts.play.trigger()


def test_vector_icons_scale_without_blur(qapp):
    # drawn at 2×, the die's dots and the arrow have crisp edges: few half-transparent
    # pixels compared with the opaque ones (an upscaled 22 px bitmap has many)
    for icon in (toolbar_icon("reset"), dice_icon()):
        sharp = qimage_to_array(icon.pixmap(QtCore.QSize(22, 22), 2.0).toImage())[..., 3]
        small = icon.pixmap(QtCore.QSize(22, 22), 1.0).toImage()
        blown = small.scaled(44, 44, QtCore.Qt.AspectRatioMode.IgnoreAspectRatio,
                             QtCore.Qt.TransformationMode.SmoothTransformation)
        blurred = qimage_to_array(blown)[..., 3]

        def soft(a):
            return np.mean((a > 20) & (a < 235)) / max(np.mean(a >= 235), 1e-9)

        assert soft(sharp) < soft(blurred)
