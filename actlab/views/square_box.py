"""Keep a plane plot's box square, so its image fills the box exactly.

A view of the input plane shows [-e, e]² with equal scales on both axes.  pyqtgraph's
aspect lock keeps the scales equal by *widening the range* along the longer side of a
non-square box: the surface image (which covers only [-e, e]²) then leaves white bands at
the box's edges.  Instead the host widget sizes its plot so the box itself is square —
the spare room goes to margins outside the axes — and the range is exactly [-e, e]² with
no aspect lock, so the image meets all four edges of the box.
"""
from __future__ import annotations

import math

from actlab.views.qt import QtCore, QtWidgets, pg


class SquareBox(QtCore.QObject):
    """Keeps ``plot_widget``'s ViewBox square inside ``host`` by setting the margins of
    ``layout`` (the host's layout, holding only ``plot_widget``).  Re-checked whenever
    the ViewBox is resized or the host calls :meth:`host_resized`; converges in a step
    or two (the axes, title and legend around the box keep their size)."""

    def __init__(self, host: QtWidgets.QWidget, plot_widget: pg.PlotWidget,
                 layout: QtWidgets.QLayout, extent: float):
        super().__init__(host)
        self.host, self.plot_widget, self.layout = host, plot_widget, layout
        self.view_box = plot_widget.getPlotItem().getViewBox()
        self._extent = float(extent)
        self._locked = None
        #: called with the plot's width in px before it is applied: a host can make its
        #: parts narrower (SurfaceView stacks its key) so they do not widen the box
        self.on_width = None
        self.set_extent(extent)
        self.view_box.sigResized.connect(self.update)

    def set_extent(self, extent: float) -> None:
        """Show exactly [-extent, extent]² (the box being square, scales stay equal)."""
        e = self._extent = float(extent)
        self.view_box.setRange(xRange=(-e, e), yRange=(-e, e), padding=0.0)

    def host_resized(self) -> None:
        """Call from the host's ``resizeEvent``: re-checks once the layout has run."""
        QtCore.QTimer.singleShot(0, self, self.update)

    def update(self) -> None:
        """Set the margins that make the box square (nothing when it already is).  A
        reading taken while a layout is still pending (the plot resized, its box not yet)
        is skipped: the box's own resize calls this again once it is consistent."""
        margins = self._margins()
        if margins is None:
            return
        m = self.layout.contentsMargins()
        if margins != (m.left(), m.top(), m.right(), m.bottom()):
            self.layout.setContentsMargins(*margins)
            return  # the box is resized again: checked then
        # Square: the exact range, no lock.  A box that cannot be square (the widget
        # smaller than the plot's minimum size) falls back to the aspect lock: equal
        # scales matter more than the bands.
        locked = not self.is_square()
        if locked != self._locked:
            self._locked = locked
            self.view_box.setAspectLocked(locked, 1.0)
            self.set_extent(self._extent)

    def _margins(self) -> tuple[int, int, int, int] | None:
        vb = self.view_box.geometry()
        pw = self.plot_widget
        pi = pw.getPlotItem().geometry()
        if pi.width() > pw.width() + 1:
            # the plot needs more width than the widget has: first give it the host's
            # whole width (margins set for a narrower plot, e.g. before a longer title,
            # left it squeezed to a sliver and clipped: Compare activations at 1366x768)
            m = self.layout.contentsMargins()
            if m.left() or m.right():
                return 0, m.top(), 0, m.bottom()
            if self.on_width is not None:
                self.on_width(pw.width())  # the plot's minimum width is too wide: narrow it
                return None
            return 0, m.top(), 0, m.bottom()  # as wide as it can be: the aspect lock
        if pi.height() > pw.height() + 1:
            # the same upright: margins set for a taller host (Compare's cells moving from
            # two rows into one) left the plot a strip a few px high
            m = self.layout.contentsMargins()
            if m.top() or m.bottom():
                return m.left(), 0, m.right(), 0
        if vb.width() <= 0 or vb.height() <= 0 or not pi.contains(vb) or \
                abs(pi.width() - pw.width()) > 1 or abs(pi.height() - pw.height()) > 1:
            return None  # a layout is pending
        chrome_w = pw.width() - vb.width()    # axes left and right of the box
        chrome_h = pw.height() - vb.height()  # title, axes, legend above and below it
        W, H = self.host.width(), self.host.height()
        side = max(min(W - chrome_w, H - chrome_h), 1.0)
        w, h = round(side + chrome_w), round(side + chrome_h)
        if self.on_width is not None:
            self.on_width(w)  # the host narrows its parts (a key) to fit the square
        else:
            # never narrower than the plot's own minimum (its title, its axes): a box
            # that cannot be square that way keeps the aspect lock instead (see update)
            w = max(w, math.ceil(pw.getPlotItem().effectiveSizeHint(
                QtCore.Qt.SizeHint.MinimumSize).width()))
        w, h = min(max(w, 1), W), min(max(h, 1), H)
        left, top = (W - w) // 2, (H - h) // 2
        return left, top, W - w - left, H - h - top

    def is_square(self, tolerance: float = 1.0) -> bool:
        """True when the box's width and height differ by at most ``tolerance`` px."""
        g = self.view_box.geometry()
        return abs(g.width() - g.height()) <= tolerance
