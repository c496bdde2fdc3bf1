"""Presentation mode (View ▸ Presentation mode, F11): the window full screen with larger
fonts and thicker lines, for a projector at the back of a classroom.

The same layout rules apply (:mod:`actlab.gui.window_layout`, its floors at 100 %):
bigger fonts make the columns' contents wider, so on a small projector the side panel
folds to its rail sooner.  What a class looks at comes first: the output column gets the
larger share (NETWORK_SHARE), the loss plot keeps only its floor (the point labs' numbers
beside it), so the decision surface gets the height, and beside an open instrument the
side panel folds when the output would be narrower than the network.  The toolbar's combo
boxes widen to their entries at the bigger font (what no longer fits folds behind "»").
Widgets follow a style-sheet font size; the plots (pyqtgraph draws its own text and
lines) get their tick fonts and pen widths scaled here.  Leaving puts everything back,
the columns as they were before entering.
"""
from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from actlab.gui.style import STYLE_SHEET
from actlab.gui.window_layout import NETWORK, OUTPUT, OUTPUT_BESIDE

FONT_SCALE = 1.45
LINE_SCALE = 2.0
SHORTCUT = "F11"
# the network's % of the network and output columns' width (52 normally): the output is the
# larger picture on a projector
NETWORK_SHARE = 38
LOSS_STRETCH = 1  # the loss plot's stretch (2 normally) against the surface's 3, curve's 4


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


def _output_heights(window, on: bool) -> None:
    """In the output columns, the loss plot's share of the height down to LOSS_STRETCH (it
    keeps its floor) and the point labs' numbers beside it: the height goes to the
    decision surface or the curve, the picture the class looks at (at 1366 x 768 the
    surface was ~220 px under a loss plot as tall)."""
    outputs = [getattr(ws, "output", None)
               for ws in getattr(window, "workspaces", {}).values()]
    for out in outputs:
        if not on and hasattr(out, "set_numbers_beside"):
            out.set_numbers_beside(False)  # first: the loss plot back in the column
        loss = getattr(out, "loss_view", None)
        box = loss.parentWidget().layout() if loss is not None else None
        if not isinstance(box, QtWidgets.QBoxLayout) or box.indexOf(loss) < 0:
            continue  # the image labs' loss plot sits in a grid beside the accuracy
        i = box.indexOf(loss)
        base = loss.property("actlab_stretch")
        if base is None:
            base = box.stretch(i)
            loss.setProperty("actlab_stretch", base)
        box.setStretch(i, min(base, LOSS_STRETCH) if on else base)
        if on and hasattr(out, "set_numbers_beside"):
            out.set_numbers_beside(True)  # where the column is wide enough


def pg_pen(pen) -> QtGui.QPen:
    import pyqtgraph as pg

    return pen if isinstance(pen, QtGui.QPen) else pg.mkPen(pen)


class _ColumnWatch(QtCore.QObject):
    """Calls ``then`` once per burst of resizes of the columns' splitter (the window's
    size comes from the window manager after showFullScreen / showNormal, not at once)
    and when the instrument column opens."""

    def __init__(self, layout, then):
        super().__init__(layout.splitter)
        self.then = then
        self.pending = False
        layout.splitter.installEventFilter(self)
        layout.instrument_area.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if (kind == QtCore.QEvent.Type.Resize and isinstance(obj, QtWidgets.QSplitter)
                or kind == QtCore.QEvent.Type.Show) and not self.pending:
            self.pending = True
            QtCore.QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        self.pending = False
        self.then()


class Presentation:
    """The mode's action (``action``, checkable, F11) and the switching.

    On entering, the columns are fitted to the full screen with the output as the larger
    picture (and the side panel folded to its rail beside an open instrument); on leaving,
    the columns the window had before come back as they were, once the window is back to
    its size."""

    def __init__(self, window: QtWidgets.QMainWindow):
        self.w = window
        self.on = False
        self._was_maximized = False
        self._before = None  # the columns before entering: see _remember
        self._watch = None
        self._misses = 0  # resizes on leaving that did not bring the old width back
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
        lay = w.layout_
        if self._watch is None:
            self._watch = _ColumnWatch(lay, self._resized)
        self.on = on
        self.leave.setEnabled(on)
        if on:
            self._remember()
            self._misses = 0
            self._was_maximized = w.isMaximized()
            base = QtWidgets.QApplication.font().pointSizeF() or 10.0
            w.setStyleSheet(presentation_sheet(base))
            w.showFullScreen()
        else:
            w.setStyleSheet(STYLE_SHEET)
            w.showMaximized() if self._was_maximized else w.showNormal()
        for plot in _plot_items(w):
            _scale_plot(plot, on)
        # after the style sheet: the combo boxes measure their entries at the new font
        w.controls.fit_to_font(FONT_SCALE if on else 1.0)
        _output_heights(w, on)
        lay.network_share = NETWORK_SHARE if on else type(lay).network_share
        w.network_view.update()
        if on:
            self._fit()
        else:
            self._restore()
        w.status("Presentation mode: press F11 or Esc to leave." if on else
                 "Presentation mode off.")
        if self.action.isChecked() != on:
            self.action.setChecked(on)

    def refresh(self) -> None:
        """In presentation mode, scale what was made since entering it (a lab of another
        kind opens its workspace: its plots and its output column)."""
        if not self.on:
            return
        for plot in _plot_items(self.w):
            _scale_plot(plot, True)
        _output_heights(self.w, True)

    # ------------------------------------------------------------------ the columns
    def _remember(self) -> None:
        lay = self.w.layout_
        self._before = {"width": lay.splitter.width(), "window_width": self.w.width(),
                        "sizes": lay.splitter.sizes(), "folded": lay.side.folded,
                        "shared": lay.network_shared,
                        "instruments": not lay.instrument_area.isHidden(),
                        "for_room": lay._folded_for_room,
                        "squeezed": lay._side_squeezed_from}

    def _fit(self) -> None:
        """The columns fitted to the screen; beside an open instrument the side panel folds
        to its rail when the output would otherwise be narrower than the network or than
        OUTPUT_BESIDE (at 1366 x 768 all four columns sat at their floors, the surface
        ~220 px), not when there is room for it (1920 x 1080)."""
        lay = self.w.layout_
        lay.fit()
        if lay.instrument_area.isHidden() or lay.side.folded or not self._full_size():
            return
        sizes = lay.sizes()
        if sizes[OUTPUT] < max(sizes[NETWORK], OUTPUT_BESIDE):
            lay.fold_for_room()  # fits again

    def _full_size(self) -> bool:
        """Whether the window has its full-screen size yet: the window manager resizes it
        after showFullScreen, and the taller toolbar resizes the columns before that."""
        w, before = self.w, self._before or {}
        screen = w.screen()
        return (w.width() != before.get("window_width", w.width())
                or (screen is not None and w.width() == screen.geometry().width()))

    def _resized(self) -> None:
        if self.on:
            self._fit()  # the full screen arrived (or the window moved to another screen)
        else:
            self._restore()

    def _restore(self) -> None:
        """The columns as before entering, once the window has its size back; fitted
        anew when an instrument opened or closed meanwhile."""
        before, lay = self._before, self.w.layout_
        if before is None:
            return
        if before["instruments"] != (not lay.instrument_area.isHidden()):
            self._before = None
            lay.fit()
            return
        if lay.splitter.width() != before["width"]:
            # until the window is back to its size (then _resized comes here); a window
            # manager that gives it another size: fitted to that
            self._misses += 1
            if self._misses > 3:
                self._before = None
            lay.fit()
            return
        self._misses = 0
        if lay.side.folded != before["folded"]:
            lay.side.set_folded(before["folded"])  # its fit runs first, then this again
            QtCore.QTimer.singleShot(0, self.w, self._restore)
            return
        self._before = None
        lay.share_network(before["shared"])
        lay._folded_for_room = before["for_room"]
        lay._side_squeezed_from = before["squeezed"]
        lay.splitter.setSizes(before["sizes"])
