"""Windows open no larger than the screen they open on, and saved geometry is used only
while it still fits (pytest-qt, offscreen: the offscreen screen is 800 × 800)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import pytest
from PySide6 import QtCore

from actlab.gui.screen_fit import (FRAME_ALLOWANCE, MAIN_WINDOW_SIZE, available_geometry,
                                   fits, fitted_size)


@pytest.mark.parametrize("screen", [(1280, 720), (1366, 768), (1920, 1080), (960, 540),
                                    (3840, 2160)])
def test_the_main_window_asks_for_no_more_than_the_screen(screen):
    available = QtCore.QRect(0, 0, *screen)
    size = fitted_size(MAIN_WINDOW_SIZE, available)
    room = available.size() - FRAME_ALLOWANCE
    assert size.width() <= room.width() and size.height() <= room.height()
    if screen[0] >= 1400 and screen[1] >= 900:  # room to spare: the preferred size
        assert size == MAIN_WINDOW_SIZE


def test_the_layouts_floor_wins_over_a_tiny_screen():
    tiny = QtCore.QRect(0, 0, 400, 300)
    assert fitted_size(MAIN_WINDOW_SIZE, tiny, QtCore.QSize(728, 488)) == QtCore.QSize(728, 488)


def test_fits_allows_rounding_but_not_a_window_past_the_edge():
    screen = QtCore.QRect(0, 0, 1366, 768)
    assert fits(QtCore.QRect(0, 0, 1366, 768), screen)
    assert fits(QtCore.QRect(-4, 0, 1370, 770), screen)
    assert not fits(QtCore.QRect(0, 0, 1280, 840), screen)  # the old 1280 x 800 + frame
    assert not fits(QtCore.QRect(1500, 0, 400, 300), screen)  # on a screen now gone


def test_first_start_opens_within_the_screen(qtbot, settings_dir, dialog_log):
    from actlab.gui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    available = available_geometry(w)
    assert w.width() <= available.width() and w.height() <= available.height()
    assert available.contains(w.geometry())
    w.setWindowModified(False)
    w.close()


def test_saved_geometry_larger_than_the_screen_is_not_restored(qtbot, settings_dir,
                                                               dialog_log):
    from actlab.gui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.resize(1280, 800)  # e.g. saved on a bigger screen (offscreen allows it)
    w.move(0, 0)
    w.setWindowModified(False)
    w.close()
    again = MainWindow()
    qtbot.addWidget(again)
    available = available_geometry(again)
    assert again.width() <= available.width() and again.height() <= available.height()
    again.setWindowModified(False)
    again.close()


def test_the_help_window_fits_too(qtbot):
    from actlab.gui.help.help_window import HelpWindow

    h = HelpWindow()
    qtbot.addWidget(h)
    available = available_geometry(h)
    assert h.width() <= available.width() and h.height() <= available.height()


def test_the_help_window_opened_beside_the_main_window_stays_on_the_screen(qtbot, window):
    """It was sized to the screen, then moved 60 px right and 40 px down from the main
    window: at 200 % (960x540) it ran 46 px off the right edge and 13 px off the bottom."""
    from actlab.gui.help import help_window
    from actlab.gui.screen_fit import FRAME_ALLOWANCE

    help_window._window = None
    window.move(available_geometry(window).topLeft())
    window.show_help("how-to")
    h = help_window._window
    qtbot.addWidget(h)
    frame = QtCore.QRect(h.pos(), h.size() + FRAME_ALLOWANCE)
    assert available_geometry(h).contains(frame), (frame, available_geometry(h))
    h.close()
    help_window._window = None
