"""The hidden space: where the straight grid lines of the input plane (and the data
points) land in two neurons of a hidden layer, before and after its activation.

A dumb view: it draws the dict of :func:`actlab.engine.analysis.insights.hidden_space` it is handed
and asks for a new one by emitting ``selectionChanged`` when the student picks another
layer or pair of neurons.
"""
from __future__ import annotations

import numpy as np

from actlab.views import colors
from actlab.views.qt import QtCore, QtGui, QtWidgets, cache_axes, pg, plain_numbers, white_background

STACK_WIDTH = 520
_R, _G, _B = colors.hex_to_rgb(colors.BOUNDARY)
#: Lines of constant x₂ (horizontal in the input plane) blue, of constant x₁ grey.
ROW_PEN = pg.mkPen(colors.BLUE, width=1.1)
COLUMN_PEN = pg.mkPen((_R, _G, _B, 120), width=1.1)
#: The input axes (x₂ = 0 and x₁ = 0) a little thicker, so the student can follow them.
ROW_AXIS_PEN = pg.mkPen(colors.BLUE, width=2.4)
COLUMN_AXIS_PEN = pg.mkPen((_R, _G, _B, 200), width=2.4)

_LINES = ("Each line is a straight line of the input plane: blue ones run along x₁, grey "
          "ones along x₂ (the thick ones are the axes x₂ = 0 and x₁ = 0). ")
_AFTER = ("<b>Right, after it:</b> a = f(z) bends them. That bending is what lets the next "
          "layers separate classes that no straight line can.")


def caption_text(straight: bool | None, layer: int = 0) -> str:
    """The caption under the plots: straight before the activation, bent after — and, when
    the lines arrive already curved, why (bent input features or earlier layers)."""
    if straight or straight is None:
        before = ("<b>Left, before the activation:</b> z is a weighted sum, so the lines are "
                  "only stretched, turned and shifted — they stay straight. ")
    elif layer == 0:
        before = ("<b>Left, before the activation:</b> the lines are already curved because "
                  "the inputs include bent features (such as sin x₁ or x₁²); z itself is "
                  "only a weighted sum of them. ")
    else:
        before = ("<b>Left, before the activation:</b> the lines arrive already bent by the "
                  "earlier layers; z itself is only a weighted sum of them. ")
    return _LINES + before + _AFTER


def lines_are_straight(lines, tol: float = 1e-6) -> bool:
    """True when every polyline is straight (all points on the line through its ends)."""
    for line in lines:
        L = np.asarray(line, dtype=float)
        L = L[np.all(np.isfinite(L), axis=1)]
        if len(L) < 3:
            continue
        d, e = L - L[0], L[-1] - L[0]
        scale = max(float(np.max(np.abs(d))) ** 2, 1e-300)
        if np.max(np.abs(d[:, 0] * e[1] - d[:, 1] * e[0])) > tol * scale:
            return False
    return True


def _style(pi: pg.PlotItem, title: str) -> None:
    pi.setMenuEnabled(False)
    pi.hideButtons()
    vb = pi.getViewBox()
    vb.setMenuEnabled(False)
    vb.setMouseEnabled(False, False)
    vb.disableAutoRange()  # follows the pictures with some slack: see _fit_range
    for name in ("bottom", "left"):  # "a of neuron 1 (x0.001)" over ticks 400-600 misled
        plain_numbers(pi.getAxis(name))

    pi.showGrid(x=True, y=True, alpha=0.12)
    pi.setTitle(title, size="10pt", color=colors.OUTLINE)


class HiddenSpaceView(QtWidgets.QWidget):
    """Layer and neuron pickers above two plots: the chosen neurons' values before the
    activation (z) and after it (a).

    Signals:
        selectionChanged(layer, i, j): the student picked another hidden layer (0-based)
            or pair of neurons; answer with :meth:`show_space`.

    Attributes: ``layer_combo``, ``neuron_i_combo``, ``neuron_j_combo``, ``pre_plot``,
    ``post_plot`` (plot items; ``plot_item`` is ``post_plot`` for SVG export).
    """

    selectionChanged = QtCore.Signal(int, int, int)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._sizes: tuple[int, ...] = ()
        self._problem, self._n_classes = "classification", 2
        self._drawn = (0, 0)
        self._stacked = False
        white_background(self)  # behind the plots, on screen and in PNGs
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)

        row = QtWidgets.QHBoxLayout()
        row.setSpacing(6)
        self.layer_combo = QtWidgets.QComboBox(self)
        self.neuron_i_combo = QtWidgets.QComboBox(self)
        self.neuron_j_combo = QtWidgets.QComboBox(self)
        for combo in (self.layer_combo, self.neuron_i_combo, self.neuron_j_combo):
            combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.layer_combo.setToolTip("Which hidden layer to look inside.")
        self.neuron_i_combo.setToolTip("The neuron drawn across (horizontal axis).")
        self.neuron_j_combo.setToolTip("The neuron drawn upwards (vertical axis).")
        # the layer on one row, the two neurons on the next: fits a ~320 px wide dock
        pickers = QtWidgets.QHBoxLayout()
        pickers.setSpacing(6)
        for r, text, combo in ((row, "Hidden layer", self.layer_combo),
                               (pickers, "across: neuron", self.neuron_i_combo),
                               (pickers, "up: neuron", self.neuron_j_combo)):
            label = QtWidgets.QLabel(text)
            label.setStyleSheet(f"color: {colors.OUTLINE};")
            r.addWidget(label)
            r.addWidget(combo)
        row.addStretch(1)
        pickers.addStretch(1)
        lay.addLayout(row)
        lay.addLayout(pickers)

        self.plots = pg.GraphicsLayoutWidget(self)
        self.pre_plot: pg.PlotItem = self.plots.addPlot(row=0, col=0)
        self.post_plot: pg.PlotItem = self.plots.addPlot(row=0, col=1)
        self.plot_item = self.post_plot
        _style(self.pre_plot, "before activation (z)")
        _style(self.post_plot, "after activation (a)")
        cache_axes(self.pre_plot)
        cache_axes(self.post_plot)
        self.plots.setToolTip(
            "Each point is a data point, coloured by its class, placed by the values of the "
            "two chosen neurons. Left: before the activation; right: after it.")
        lay.addWidget(self.plots, 1)
        self._curves: dict[str, list[pg.PlotCurveItem]] = {"pre": [], "post": []}
        outline = pg.mkPen(colors.OUTLINE, width=0.8)
        self.pre_points = pg.ScatterPlotItem(size=6, pen=outline)
        self.post_points = pg.ScatterPlotItem(size=6, pen=outline)
        for pi, pts in ((self.pre_plot, self.pre_points), (self.post_plot, self.post_points)):
            pts.setZValue(10)
            pi.addItem(pts)

        self.caption = QtWidgets.QLabel(caption_text(None))
        self.caption.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet(f"color: {colors.OUTLINE}; font-size: 9pt;")
        lay.addWidget(self.caption)
        lay.addStretch(0)  # keeps the caption at the top while the plots are hidden

        self.layer_combo.currentIndexChanged.connect(self._layer_changed)
        self.neuron_i_combo.currentIndexChanged.connect(self._emit)
        self.neuron_j_combo.currentIndexChanged.connect(self._emit)

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(700, 500)

    # ----------------------------------------------------------------- selection
    def set_layers(self, layer_sizes) -> None:
        """Offer the hidden layers of these sizes.  Keeps the current choice when it
        still exists (else layer 0, neurons 0 and 1) and emits ``selectionChanged`` if the
        choice changed.  An empty tuple disables the pickers."""
        sizes = tuple(int(s) for s in layer_sizes)
        old = self.selection() if self._sizes else None
        self._sizes = sizes
        combos = (self.layer_combo, self.neuron_i_combo, self.neuron_j_combo)
        blockers = [QtCore.QSignalBlocker(c) for c in combos]
        self.layer_combo.clear()
        self.layer_combo.addItems([f"{k + 1} ({s} neurons)" for k, s in enumerate(sizes)])
        layer = old[0] if old and old[0] < len(sizes) else 0
        if sizes:
            self.layer_combo.setCurrentIndex(layer)
        self._fill_neurons(layer, old[1:] if old and old[0] == layer else None)
        del blockers
        for c in combos:
            c.setEnabled(bool(sizes))
        self.plots.setVisible(bool(sizes))
        if not sizes:  # nothing to look inside: clear the old picture, say why
            self.show_space({})
            self._caption = ("This network has no hidden layer, so there is no hidden "
                             "space to look at: its inputs go straight to the output.")
            self._show_caption()
        elif self.selection() != old:
            self._emit()

    def selection(self) -> tuple[int, int, int]:
        """(layer, i, j) currently chosen (0-based)."""
        return (max(self.layer_combo.currentIndex(), 0),
                max(self.neuron_i_combo.currentIndex(), 0),
                max(self.neuron_j_combo.currentIndex(), 0))

    def set_selection(self, layer: int, i: int, j: int) -> None:
        """Choose a layer and two neurons (emits ``selectionChanged`` if it changed)."""
        old = self.selection()
        blockers = [QtCore.QSignalBlocker(c) for c in
                    (self.layer_combo, self.neuron_i_combo, self.neuron_j_combo)]
        self.layer_combo.setCurrentIndex(int(layer))
        self._fill_neurons(int(layer), (int(i), int(j)))
        del blockers
        if self.selection() != old:
            self._emit()

    def _fill_neurons(self, layer: int, keep: tuple[int, int] | None) -> None:
        size = self._sizes[layer] if layer < len(self._sizes) else 0
        names = [f"{n + 1}" for n in range(size)]
        i, j = keep if keep and max(keep) < size else (0, min(1, max(size - 1, 0)))
        for combo, k in ((self.neuron_i_combo, i), (self.neuron_j_combo, j)):
            combo.clear()
            combo.addItems(names)
            if size:
                combo.setCurrentIndex(k)

    def _layer_changed(self, index: int) -> None:
        if index < 0:
            return
        with QtCore.QSignalBlocker(self.neuron_i_combo), \
                QtCore.QSignalBlocker(self.neuron_j_combo):
            self._fill_neurons(index, None)
        self._emit()

    def _emit(self, *_args) -> None:
        if self._sizes:
            self.selectionChanged.emit(*self.selection())

    # ----------------------------------------------------------------- data
    def set_problem(self, problem: str, n_classes: int = 2) -> None:
        """Colour points as classes (``"classification"``) or by value (regression)."""
        self._problem, self._n_classes = problem, int(n_classes)

    def show_space(self, space_dict: dict, labels=None) -> None:
        """Draw a dict from :func:`~actlab.engine.analysis.insights.hidden_space`: ``lines_pre`` and
        ``lines_post`` (first half: lines of constant x₂, second half: constant x₁) and,
        if present, ``points_pre``/``points_post`` coloured by ``labels``."""
        layer, i, j = self.selection()
        if getattr(self, "_axis_names", None) != (i, j):  # a new title re-lays the axis out
            self._axis_names = (i, j)
            self.pre_plot.setLabels(bottom=f"z of neuron {i + 1}", left=f"z of neuron {j + 1}")
            self.post_plot.setLabels(bottom=f"a of neuron {i + 1}",
                                     left=f"a of neuron {j + 1}")
        self._drawn = (self._draw_lines("pre", self.pre_plot, space_dict.get("lines_pre", ())),
                       self._draw_lines("post", self.post_plot,
                                        space_dict.get("lines_post", ())))
        for key, item in (("points_pre", self.pre_points), ("points_post", self.post_points)):
            pts = space_dict.get(key)
            if pts is None or len(pts) == 0:
                item.setData([])
                continue
            pts = np.asarray(pts, dtype=float)
            ok = np.isfinite(pts).all(axis=1)  # a runaway network's NaN points: left out
            keep = labels
            if labels is not None and not ok.all() and len(labels) == len(ok):
                keep = np.asarray(labels)[ok]
            pts = pts[ok]
            item.setData(pos=pts, brush=self._brushes(keep, len(pts)))
        for key, pi in (("pre", self.pre_plot), ("post", self.post_plot)):
            parts = list(space_dict.get(f"lines_{key}", ()))
            if space_dict.get(f"points_{key}") is not None:
                parts.append(space_dict[f"points_{key}"])
            self._fit_range(key, pi, parts)
        self._caption = caption_text(lines_are_straight(space_dict.get("lines_pre", ())), layer)
        self._show_caption()

    def _show_caption(self) -> None:
        text = getattr(self, "_caption", None)
        if text is None:
            return
        if self._stacked:  # the plots are above each other, not side by side
            text = text.replace("<b>Left, before", "<b>Top, before").replace(
                "<b>Right, after", "<b>Bottom, after")
        self.caption.setText(text)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        """Below STACK_WIDTH px (a dock) the two plots go above each other: side by side
        each would be too narrow to read (and their titles would be cut off)."""
        stacked = event.size().width() < STACK_WIDTH
        if stacked != self._stacked:
            self._stacked = stacked
            ci = self.plots.ci
            ci.removeItem(self.post_plot)
            ci.addItem(self.post_plot, row=1 if stacked else 0, col=0 if stacked else 1)
            # two plots above each other need the height of two (a short dock scrolls)
            self.plots.setMinimumHeight(400 if stacked else 0)
            self.plots.setToolTip(
                "Each point is a data point, coloured by its class, placed by the values of "
                "the two chosen neurons. " + ("Top: before the activation; bottom: after it."
                                              if stacked else
                                              "Left: before the activation; right: after it."))
            self._show_caption()
        super().resizeEvent(event)

    def _fit_range(self, key: str, pi: pg.PlotItem, parts) -> None:
        """Show everything drawn.  The range only moves when the picture leaves it or
        fills less than half of it, so it stays put while training nudges the
        picture (steady axes are easier to read, and cheaper to draw)."""
        pts = [np.asarray(p, dtype=float).reshape(-1, 2) for p in parts if len(p)]
        pts = np.concatenate(pts) if pts else np.zeros((0, 2))
        pts = pts[np.all(np.isfinite(pts), axis=1)]
        if not len(pts):
            return
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        span = np.maximum(hi - lo, 1e-9)
        ranges = getattr(self, "_ranges", {})
        self._ranges = ranges
        old = ranges.get(key)
        if old is not None:
            olo, ohi = old
            inside = np.all(lo >= olo) and np.all(hi <= ohi)
            if inside and np.all(span >= 0.5 * (ohi - olo)):
                return
        pad = 0.08 * span
        new = (lo - pad, hi + pad)
        ranges[key] = new
        pi.getViewBox().setRange(xRange=(new[0][0], new[1][0]), yRange=(new[0][1], new[1][1]),
                                 padding=0.0)

    def drawn_curve_counts(self) -> tuple[int, int]:
        """Grid-line curves drawn in the (before, after) plots by the last show_space."""
        return self._drawn

    def _draw_lines(self, key: str, pi: pg.PlotItem, lines) -> int:
        pool = self._curves[key]
        lines = list(lines)
        while len(pool) < len(lines):
            curve = pg.PlotCurveItem(connect="finite", antialias=True)
            pi.addItem(curve)
            pool.append(curve)
        half = len(lines) // 2
        mids = {half // 2, half + half // 2}  # the middle lines: x₂ = 0 and x₁ = 0
        for k, curve in enumerate(pool):
            if k >= len(lines):
                curve.setData([], [])
                curve.hide()
                continue
            L = np.asarray(lines[k], dtype=float)
            row = k < half
            pen = (ROW_AXIS_PEN if row else COLUMN_AXIS_PEN) if (half % 2 and k in mids) \
                else (ROW_PEN if row else COLUMN_PEN)
            curve.setPen(pen)
            curve.setZValue(2 if row else 1)
            curve.setData(L[:, 0], L[:, 1])
            curve.show()
        return len(lines)

    def _brushes(self, labels, n: int) -> list:
        # the same points arrive again with every picture while training: reuse the
        # brushes (making a few hundred QBrushes costs more than drawing them)
        key = (None if labels is None else np.asarray(labels).tobytes(), n, self._problem,
               self._n_classes)
        cached = getattr(self, "_brush_cache", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        brushes = self._make_brushes(labels, n)
        self._brush_cache = (key, brushes)
        return brushes

    def _make_brushes(self, labels, n: int) -> list:
        if labels is None:
            return [pg.mkBrush(colors.NEUTRAL)] * n
        y = np.asarray(labels, dtype=float)[:n]
        problem = self._problem
        if problem == "classification" and np.any(y != np.round(y)):
            problem = "regression"  # real-valued targets cannot be class indices
        n_classes = max(self._n_classes, int(np.nanmax(y)) + 1 if y.size and
                        problem == "classification" else 2)
        rgba = colors.point_rgba(y, problem, n_classes)
        cache: dict[bytes, QtGui.QBrush] = {}
        return [cache.setdefault(c.tobytes(), pg.mkBrush(*c)) for c in rgba]
