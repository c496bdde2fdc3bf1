"""The one place the views import Qt and pyqtgraph.

PySide6 is imported first so pyqtgraph binds to it (pyqtgraph picks the first Qt binding
it finds already in ``sys.modules``), then pyqtgraph's global options are set once:
antialiased lines, row-major images (``image[row, col]`` = ``image[x2, x1]``, as the
engine's :class:`~actlab.engine.surface.SurfaceGrid` produces them), and a white
background with dark foreground for readable, printable plots.

Every view module does ``from .qt import pg, QtCore, QtGui, QtWidgets``.
"""
from __future__ import annotations

import PySide6  # noqa: F401  (must come before pyqtgraph: it selects the binding)
from PySide6 import QtCore, QtGui, QtWidgets

import pyqtgraph as pg

pg.setConfigOptions(antialias=True, imageAxisOrder="row-major", background="w",
                    foreground="#222")


def cache_axes(plot_item) -> None:
    """Keep each axis of ``plot_item`` as a ready pixmap: repainted only when its range
    or size changes, not whenever something else in the plot is redrawn (replaying an
    axis' text costs 1-2 ms, several times a frame while training)."""
    for axis in plot_item.axes.values():
        axis["item"].setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)


__all__ = ["pg", "QtCore", "QtGui", "QtWidgets", "cache_axes"]
