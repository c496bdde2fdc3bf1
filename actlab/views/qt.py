"""The one place the views import Qt and pyqtgraph.

PySide6 is imported first so pyqtgraph binds to it (pyqtgraph picks the first Qt binding
it finds already in ``sys.modules``), then pyqtgraph's global options are set once:
antialiased lines, row-major images (``image[row, col]`` = ``image[x2, x1]``, as the
engine's :class:`~actlab.engine.pictures.surface.SurfaceGrid` produces them), and a white
background with dark foreground for readable, printable plots.

Every view module does ``from .qt import pg, QtCore, QtGui, QtWidgets``.
"""
from __future__ import annotations

import math

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


def white_background(widget) -> None:
    """Paint ``widget``'s background white, on screen and in exported PNGs."""
    widget.setAutoFillBackground(True)
    pal = widget.palette()
    pal.setColor(QtGui.QPalette.ColorRole.Window, QtGui.QColor("white"))
    widget.setPalette(pal)


def fix_plane_view(plot_item, extent: float) -> None:
    """A still, square view of the input plane [-extent, extent]²: no mouse panning or
    zooming, no context menu or auto-range button."""
    vb = plot_item.getViewBox()
    plot_item.setMenuEnabled(False)
    plot_item.hideButtons()
    vb.setMouseEnabled(False, False)
    vb.setMenuEnabled(False)
    vb.setAspectLocked(True, 1.0)
    vb.setRange(xRange=(-extent, extent), yRange=(-extent, extent), padding=0.0)
    vb.disableAutoRange()


def filling_plot(view, **plot_options):
    """A pyqtgraph PlotWidget (made with ``plot_options``, e.g. ``axisItems``) filling
    ``view`` edge to edge; returns ``(plot_widget, plot_item, view_box)``."""
    widget = pg.PlotWidget(parent=view, **plot_options)
    layout = QtWidgets.QVBoxLayout(view)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(widget)
    plot_item = widget.getPlotItem()
    return widget, plot_item, plot_item.getViewBox()


def plain_numbers(axis) -> None:
    """No automatic scale on ``axis``: pyqtgraph wrote "(x0.001)" after the label and
    ticks 400-600 for values of 0.4-0.6, which a student reads as 400-600.  Holds
    whatever label is set later (pyqtgraph 0.14's setLabel resets the ranges in which it
    scales, and ignores enableAutoSIPrefix)."""
    axis.enableAutoSIPrefix(False)  # pyqtgraph 0.13
    axis.getSIPrefixEnableRanges = lambda: ()  # 0.14: no range in which to scale
    axis.updateAutoSIPrefix()


def quiet_plot(plot_item, bottom: str, left: str) -> None:
    """A plot of a view that shows rather than explores: no context menu or auto-range
    button, axes labelled ``bottom`` and ``left``, a faint grid."""
    plot_item.setMenuEnabled(False)
    plot_item.hideButtons()
    for name in ("bottom", "left"):  # "test loss (x0.001)" over ticks 50-150 misled
        plain_numbers(plot_item.getAxis(name))
    plot_item.setLabel("bottom", bottom)
    plot_item.setLabel("left", left)
    plot_item.showGrid(x=True, y=True, alpha=0.15)


__all__ = ["pg", "QtCore", "QtGui", "QtWidgets", "cache_axes", "white_background",
           "fix_plane_view", "filling_plot", "plain_numbers", "quiet_plot"]


def fit_central(view) -> None:
    """Give a plot widget's central item the widget's size again when it is wider.

    A plot item is never laid out narrower than its minimum, which a title sets: sized
    while a longer title stood, it kept that width after the title was shortened (no
    resize follows), and its right end was cut off by the widget."""
    item = getattr(view, "centralWidget", None)  # (none yet while pyqtgraph builds it)
    if item is not None and item.geometry().width() > view.width() + 0.5:
        item.setGeometry(QtCore.QRectF(0, 0, view.width(), view.height()))


def even_columns(n: int, cols: int) -> int:
    """Columns for ``n`` cells at most ``cols`` a row, the rows as even as they can be
    (2 + 2, not 3 + 1)."""
    return math.ceil(n / math.ceil(n / cols)) if n and cols >= 1 else 1


def fill_grid(grid, widgets, cols: int) -> None:
    """Lay ``widgets`` out in ``grid`` again, ``cols`` a row, in order."""
    for w in widgets:
        grid.removeWidget(w)
    for i, w in enumerate(widgets):
        grid.addWidget(w, i // cols, i % cols)
