"""Presentation mode (View ▸ Presentation mode, F11): the window full screen with larger
fonts and thicker lines, for a projector at the back of a classroom.

The same layout rules apply (:mod:`actlab.gui.window_layout`): bigger fonts make the
columns' contents wider, so on a small projector the side panel folds to its rail sooner.
Widgets follow a style-sheet font size; the plots (pyqtgraph draws its own text and
lines) get their tick fonts and pen widths scaled here, and put back on leaving.
"""
from __future__ import annotations

from PySide6 import QtGui, QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from actlab.gui.style import STYLE_SHEET

FONT_SCALE = 1.45
LINE_SCALE = 2.0
SHORTCUT = "F11"


def presentation_sheet(base_pt: float) -> str:
    size = round(base_pt * FONT_SCALE, 1)
    return (STYLE_SHEET + f"\nQWidget {{ font-size: {size}pt; }}\n"
            f"QLabel#epoch {{ font-size: {round(size * 1.6, 1)}pt; }}\n")


def _plot_items(window: QtWidgets.QWidget):
    import pyqtgraph as pg

    for view in window.findChildren(pg.GraphicsView):
        for item in view.items():
            if isinstance(item, pg.PlotItem):
                yield item


def _scale_plot(plot, on: bool) -> None:
    """Tick fonts and curve widths of one pyqtgraph PlotItem, scaled or put back."""
    for axis in (a["item"] for a in plot.axes.values()):
        base = getattr(axis, "_actlab_font", None)
        if base is None:
            base = axis._actlab_font = QtGui.QFont(axis.style.get("tickFont")
                                                   or QtGui.QFont())
        font = QtGui.QFont(base)
        if on:
            font.setPointSizeF(max(8.0, base.pointSizeF() * FONT_SCALE))
        axis.setStyle(tickFont=font)
        axis.label.setFont(font)
    for curve in plot.listDataItems():
        pen = curve.opts.get("pen")
        if pen is None or not hasattr(curve, "setPen"):
            continue
        pen = QtGui.QPen(pg_pen(pen))
        base = curve.property("actlab_width") if hasattr(curve, "property") else None
        if base is None:
            base = pen.widthF() or 1.0
            curve.setProperty("actlab_width", base)
        pen.setWidthF(base * (LINE_SCALE if on else 1.0))
        curve.setPen(pen)


def pg_pen(pen) -> QtGui.QPen:
    import pyqtgraph as pg

    return pen if isinstance(pen, QtGui.QPen) else pg.mkPen(pen)


class Presentation:
    """The mode's action (``action``, checkable, F11) and the switching."""

    def __init__(self, window: QtWidgets.QMainWindow):
        self.w = window
        self.on = False
        self._was_maximized = False
        act = self.action = QAction("&Presentation mode", window)
        act.setObjectName("action_presentation")
        act.setCheckable(True)
        act.setShortcut(QKeySequence(SHORTCUT))
        act.setStatusTip("Full screen with larger text and thicker lines, for a "
                         "projector (F11 or Esc to leave).")
        act.toggled.connect(self.set_on)
        self.leave = QAction("Leave presentation mode", window)
        self.leave.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.leave.setEnabled(False)
        self.leave.triggered.connect(lambda: act.setChecked(False))
        window.addAction(self.leave)

    def set_on(self, on: bool) -> None:
        on = bool(on)
        if on == self.on:
            return
        w = self.w
        self.on = on
        self.leave.setEnabled(on)
        if on:
            self._was_maximized = w.isMaximized()
            base = QtWidgets.QApplication.font().pointSizeF() or 10.0
            w.setStyleSheet(presentation_sheet(base))
            w.showFullScreen()
        else:
            w.setStyleSheet(STYLE_SHEET)
            w.showMaximized() if self._was_maximized else w.showNormal()
        for plot in _plot_items(w):
            _scale_plot(plot, on)
        w.network_view.update()
        w.layout_.fit()
        w.status("Presentation mode: press F11 or Esc to leave." if on else
                 "Presentation mode off.")
        if self.action.isChecked() != on:
            self.action.setChecked(on)
