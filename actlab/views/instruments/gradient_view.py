"""Gradient flow: how big each layer's gradient is, which ReLU units died, and where each
hidden layer's pre-activations sit on its activation curve (saturation).

A dumb view: it draws the ``Insights`` it is handed.  The only engine code it calls is
the pure activation functions of :mod:`actlab.engine.activations`, to draw their curves.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from actlab.views import colors
from actlab.engine.activations.builtin import ACTIVATIONS
from actlab.engine.activations.lookup import get_activation
from actlab.views.fitted_title import FittedPlot
from actlab.views.loss_view import EpochAxis, LossAxis
from actlab.views.qt import (QtCore, QtGui, QtWidgets, cache_axes, pg, plain_numbers,
                             white_background)

MAX_HISTOGRAMS = 6
NARROW_WIDTH = 560
LEGEND_BELOW_WIDTH = 340
HIST_BINS = 30
FLAT_FRACTION = 0.1  # "flat": the slope is below a tenth of the activation's steepest
_TINY = 1e-12        # norms are clipped to this so the log axis never sees 0
DEAD_COLOR = colors.CLASS_COLORS[5]  # vermillion


def layer_name(index: int, n_weight_layers: int) -> str:
    """``"layer 1"`` … for weight layers, ``"output"`` for the last."""
    return "output" if index == n_weight_layers - 1 else f"layer {index + 1}"


def smoothing_window(n: int) -> int:
    """Epochs averaged per drawn point: each epoch's norm is one minibatch's (noisy by
    a factor of a few from batch to batch), so long records are drawn as a moving
    average to keep the layers' lines apart; short ones are drawn as they are."""
    return 1 if n < 60 else min(51, int(n // 30) | 1)


def smooth_log(y: np.ndarray, window: int) -> np.ndarray:
    """Centred moving average of ``log10(y)`` over ``window`` samples (shorter at the
    ends), back to values: a geometric mean, the right average on a log axis."""
    if window <= 1 or len(y) < window:
        return y
    logy = np.log10(y)
    c = np.concatenate([[0.0], np.cumsum(logy)])
    half = window // 2
    i = np.arange(len(y))
    lo, hi = np.maximum(i - half, 0), np.minimum(i + half + 1, len(y))
    return 10.0 ** ((c[hi] - c[lo]) / (hi - lo))


def lookup(name: str, custom=()):
    """Activation ``name`` among the built-ins and the lab's designed ``custom`` ones, or
    None for a name that is neither."""
    try:
        return get_activation(name, custom=custom)
    except ValueError:
        return None


def flat_mask(name: str, z: np.ndarray, custom=()) -> np.ndarray:
    """True where activation ``name`` (a built-in or one of the lab's designed ``custom``)
    is flat at ``z``: its slope is below ``FLAT_FRACTION`` of its steepest slope on
    [-5, 5] (saturated, or ReLU switched off).  All False for an unknown name."""
    act = lookup(name, custom)
    if act is None:
        return np.zeros(np.shape(z), dtype=bool)
    own = next((c for c in custom or () if c.name == act.name), None)
    peak = _peak_slope(name if own is None else act.name, own)
    return np.abs(act.derivative(np.asarray(z, dtype=float))) < FLAT_FRACTION * peak


@lru_cache(maxsize=64)
def _peak_slope(name: str, own=None) -> float:
    """The steepest slope of activation ``name`` on [-5, 5] — of the designed ``own``
    when given (computed once per name, resp. per designed value)."""
    act = own.activation() if own is not None else ACTIVATIONS[name]
    return float(np.max(np.abs(act.derivative(np.linspace(-5, 5, 1001)))))


def nice_ceil(value: float, least: float = 1.0) -> float:
    """``value`` rounded up to 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × a power of ten (at
    least ``least``): the histograms' ranges move in steps, not on every redraw, so the
    axes stay readable (and are not re-laid out while training)."""
    v = max(float(value), least)
    if not np.isfinite(v):
        return least
    base = 10.0 ** np.floor(np.log10(v))
    for step in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if step * base >= v - 1e-12:
            return float(step * base)
    return float(10.0 * base)


def dead_text(dead: int, size: int, activation: str, compact: bool = False) -> str:
    """``"dead: 3/8"`` for a ReLU layer (``"3/8"`` when ``compact``); ``"–"`` for layers
    whose units cannot die."""
    if activation != "relu":
        return "–"
    return f"{dead}/{size}" if compact else f"dead: {dead}/{size}"


def _style_plot(pi: pg.PlotItem, title: str, size: str = "10pt") -> None:
    pi.setMenuEnabled(False)
    pi.hideButtons()
    pi.getViewBox().setMouseEnabled(False, False)
    pi.getViewBox().setMenuEnabled(False)
    pi.setTitle(title, size=size, color=colors.OUTLINE)


class _Histogram(FittedPlot):
    """One hidden layer: bars of its pre-activations z (orange where the activation is
    flat) with the activation curve f(z) drawn over them, scaled to the bars' height."""

    def __init__(self, parent=None):
        super().__init__(parent)
        pi = self.getPlotItem()
        _style_plot(pi, "", "9pt")
        pi.setLabel("bottom", "z (before activation)", **{"font-size": "8pt"})
        pi.hideAxis("left")
        pi.showGrid(x=True, y=False, alpha=0.15)
        self.bars = pg.BarGraphItem(x0=[0], x1=[1], height=[0], pen=pg.mkPen(None))
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(colors.OUTLINE, width=2))
        self.zero = pg.InfiniteLine(pos=0, angle=90, pen=pg.mkPen("#999999", width=1,
                                                                 style=QtCore.Qt.PenStyle.DotLine))
        for item in (self.bars, self.zero, self.curve):
            pi.addItem(item)
        self.setMinimumHeight(150)
        cache_axes(pi)
        self.flat_share = 0.0
        self._shown = None  # (half, top, activation) of the drawn curve and range
        self._title = None

    def show_layer(self, index: int, z: np.ndarray, activation: str,
                   name: str | None = None, custom=()) -> None:
        """Layer ``index``'s pre-activations ``z`` over the curve of ``activation`` (a
        built-in or one of the lab's designed ``custom``), flat parts orange."""
        z = np.asarray(z, dtype=float).ravel()
        z = z[np.isfinite(z)]
        half = nice_ceil(float(np.abs(z).max()) * 1.05 if z.size else 1.0, 2.0)
        counts, edges = np.histogram(z, bins=HIST_BINS, range=(-half, half))
        centres = 0.5 * (edges[:-1] + edges[1:])
        flat = flat_mask(activation, centres, custom)
        blue, orange = pg.mkBrush(colors.BLUE), pg.mkBrush(colors.ORANGE)
        self.bars.setOpts(x0=edges[:-1], x1=edges[1:], height=counts,
                          brushes=[orange if f else blue for f in flat])
        top = nice_ceil(float(counts.max()) * 1.02)
        act = lookup(activation, custom)
        # the curve, the range and the title change rarely: redraw them only then (a
        # designed activation of the same name may have been edited: its value counts)
        shown = (half, top, activation, tuple(custom or ()))
        if shown != self._shown:
            self._shown = shown
            if act is not None:
                xs = np.linspace(-half, half, 300)
                v = act.value(xs)
                lo, hi = float(np.min(v)), float(np.max(v))
                self.curve.setData(xs, (v - lo) / max(hi - lo, 1e-12) * top)
            else:
                self.curve.setData([], [])
            self.getPlotItem().getViewBox().setRange(xRange=(-half, half),
                                                     yRange=(0, top), padding=0.02)
        self.flat_share = float(flat_mask(activation, z, custom).mean()) if z.size else 0.0
        title = act.title if act is not None else activation
        flat = f"{self.flat_share:.0%} flat"
        what = name or f"layer {index + 1}"
        full = f"{what} · {title} · {flat}"
        # narrow columns (a dock) get a shorter wording, never a cut one
        texts = (full, f"{index + 1} · {title} · {flat}", f"{what} · {flat}",
                 f"{index + 1} · {flat}")
        if texts != self._title:
            self._title = texts
            self.set_titles(texts, "9pt")
        self.setToolTip(
            f"<b>{full}</b><br>"
            f"{name or f'Hidden layer {index + 1}'}: the bars count how often each value z reached the "
            f"{title} (before it is applied); the line is the {title} curve. Orange bars "
            f"sit where the curve is flat ({self.flat_share:.0%} of the values): there "
            "the slope is tiny, so hardly any gradient gets through and those weights "
            "barely learn.")


class GradientFlowView(QtWidgets.QWidget):
    """Gradient size per layer over training (log scale), dead ReLU units per hidden
    layer, and a pre-activation histogram per hidden layer (first
    :data:`MAX_HISTOGRAMS`) with the activation curve on top.

    Attributes: ``plot_item`` (gradient plot, for SVG export), ``curves`` (one per weight
    layer), ``dead_plot``, ``dead_bars``, ``size_bars``, ``histograms``, ``custom`` (the
    lab's designed activations the histograms look names up in; :meth:`set_custom`).
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._epoch: int | None = None
        self.custom: tuple = ()
        self.curves: list[pg.PlotDataItem] = []
        self.histograms: list[_Histogram] = []
        self._dead_texts: list[pg.TextItem] = []
        self._dead_labels: list[str] = []
        white_background(self)  # behind the plots, on screen and in PNGs

        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        top = self._top = QtWidgets.QHBoxLayout()
        top.setSpacing(4)
        self._narrow = False  # narrow (a dock): dead units below the gradients
        self._legend_below = False
        lay.addLayout(top, 5)

        # --- gradient norms, legend to the right of the plot -----------------------
        self.grad_widget = pg.GraphicsLayoutWidget(self)
        self.plot_item = pg.PlotItem(axisItems={"bottom": EpochAxis("bottom"),
                                                "left": LossAxis("left")})
        _style_plot(self.plot_item, "Gradient size per layer")
        self.plot_item.setLabel("left", "gradient size")
        # room for labels like "0.0001" next to the axis title from the first draw on
        self.plot_item.getAxis("left").setWidth(64)
        self.plot_item.setLabel("bottom", "epoch")
        self.plot_item.showGrid(x=True, y=True, alpha=0.15)
        self.plot_item.setLogMode(x=False, y=True)
        self.grad_widget.ci.addItem(self.plot_item, row=0, col=0)
        cache_axes(self.plot_item)
        self.legend = pg.LegendItem(labelTextSize="8pt", verSpacing=-6, horSpacing=4)
        self.grad_widget.ci.addItem(self.legend, row=0, col=1)
        # keep the legend at its own height at the top, not stretched down the row
        self.legend.setSizePolicy(QtWidgets.QSizePolicy.Policy.Fixed,
                                  QtWidgets.QSizePolicy.Policy.Fixed)
        self.grad_widget.ci.layout.setAlignment(self.legend, QtCore.Qt.AlignmentFlag.AlignTop)
        self.grad_widget.ci.layout.setColumnStretchFactor(0, 1)
        self.grad_widget.setToolTip(
            "How strongly each layer's weights are pushed at every step (log scale: each "
            "grid line is 10× the one below). If the first layers' lines sit far below the "
            "output's, the gradient shrinks on its way back through the layers — it "
            "vanishes — and the first layers hardly learn.")
        top.addWidget(self.grad_widget, 3)

        # --- dead ReLU units ------------------------------------------------------
        self.dead_widget = FittedPlot(self)
        self.dead_plot: pg.PlotItem = self.dead_widget.getPlotItem()
        _style_plot(self.dead_plot, "Dead ReLU units")
        cache_axes(self.dead_plot)
        self.dead_plot.setLabel("bottom", "hidden layer")
        self.dead_plot.setLabel("left", "units")
        for name in ("left", "bottom"):
            plain_numbers(self.dead_plot.getAxis(name))
        self.size_bars = pg.BarGraphItem(x=[0], height=[0], width=0.6,
                                         brush=pg.mkBrush(colors.NEUTRAL),
                                         pen=pg.mkPen("#BBBBBB"))
        self.dead_bars = pg.BarGraphItem(x=[0], height=[0], width=0.6,
                                         brush=pg.mkBrush(DEAD_COLOR), pen=pg.mkPen(None))
        self.dead_plot.addItem(self.size_bars)
        self.dead_plot.addItem(self.dead_bars)
        self.dead_widget.setToolTip(
            "A ReLU unit is dead when it outputs 0 for every training point: its slope is "
            "0 everywhere, so it gets no gradient and can never come back. The grey bar is "
            "the layer's size, the red part its dead units. '–' = not ReLU (cannot die).")
        top.addWidget(self.dead_widget, 2)

        # --- saturation histograms ---------------------------------------------------
        self.hist_caption = QtWidgets.QLabel(
            "Where each layer's values z fall on its activation (line). Orange bars: the "
            "curve is flat there (saturated or switched off) — little gradient gets through.")
        self.hist_caption.setWordWrap(True)
        self.hist_caption.setStyleSheet(f"color: {colors.OUTLINE}; font-size: 8pt;")
        lay.addWidget(self.hist_caption)
        self.scroll = QtWidgets.QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self._hist_host = QtWidgets.QWidget()
        self._hist_grid = QtWidgets.QGridLayout(self._hist_host)
        self._hist_grid.setContentsMargins(0, 0, 0, 0)
        self._hist_grid.setSpacing(4)
        self.scroll.setWidget(self._hist_host)
        lay.addWidget(self.scroll, 4)

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(700, 520)

    def _legend_columns(self) -> None:
        n = len(self.curves)
        self.legend.setColumnCount(3 if self._legend_below else 1 if n <= 10 else 2)

    def _place_legend(self, below: bool) -> None:
        """The legend right of the gradient plot, or under it in a very narrow dock."""
        if below == self._legend_below:
            return
        self._legend_below = below
        ci = self.grad_widget.ci
        ci.removeItem(self.legend)
        ci.addItem(self.legend, row=1 if below else 0, col=0 if below else 1)
        ci.layout.setAlignment(self.legend, QtCore.Qt.AlignmentFlag.AlignTop
                               | QtCore.Qt.AlignmentFlag.AlignHCenter)
        self._legend_columns()
        self._min_heights()

    def _legend_below_width(self) -> int:
        # long layer names ("Convolution 1", an image lab's) need the legend below sooner
        names = getattr(self, "_curve_names", None) or ()
        longest = max((len(n) for n in names), default=0)
        return LEGEND_BELOW_WIDTH if longest <= 8 else LEGEND_BELOW_WIDTH + 12 * (longest - 8)

    def _min_heights(self) -> None:
        # stacked, each plot needs its own height (the bar labels sit above the bars)
        self.grad_widget.setMinimumHeight(
            (270 if self._legend_below else 190) if self._narrow else 0)
        self.dead_widget.setMinimumHeight(185 if self._narrow else 0)

    def _hist_columns(self) -> int:
        return 2 if self._narrow else 3

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        """Below NARROW_WIDTH px (a dock next to the main window) the dead-unit bars go
        under the gradient plot and the histograms into two columns, so no title or
        legend is cut off."""
        self._place_legend(event.size().width() < self._legend_below_width())
        narrow = event.size().width() < NARROW_WIDTH
        if narrow != self._narrow:
            self._narrow = narrow
            D = QtWidgets.QBoxLayout.Direction
            self._top.setDirection(D.TopToBottom if narrow else D.LeftToRight)
            self._min_heights()
            cols = self._hist_columns()
            for h in self.histograms:
                self._hist_grid.removeWidget(h)
            for i, h in enumerate(self.histograms):
                self._hist_grid.addWidget(h, i // cols, i % cols)
        super().resizeEvent(event)

    # ----------------------------------------------------------------- data
    def show_insights(self, insights, force: bool = False) -> bool:
        """Draw ``grad_epochs``/``grad_norms``, ``dead_units`` and ``pre_activations``.
        Insights older (by epoch) than the last drawn are dropped unless ``force``.
        Returns True if drawn."""
        if insights is None:
            return False
        if not force and self._epoch is not None and insights.epoch < self._epoch:
            return False
        self._epoch = insights.epoch
        # an image lab's insights name their layers ("Convolution 1", …; see
        # engine.image_insights); a point lab's are "layer 1" … "output"
        names = getattr(insights, "layer_names", None)
        units = getattr(insights, "unit_names", None)
        self._show_norms(np.asarray(insights.grad_epochs, dtype=float),
                         np.asarray(insights.grad_norms, dtype=float), names)
        self._show_dead(insights.dead_units, insights.layer_sizes, insights.activations,
                        getattr(insights, "unit_kinds", None))
        self._show_histograms(insights.pre_activations, insights.activations, units)
        return True

    def clear(self) -> None:
        """Forget the last epoch drawn (e.g. after Reset)."""
        self._epoch = None

    def set_custom(self, custom) -> None:
        """The lab's designed activations (``network.custom``): the histograms draw their
        curves and flat shares by them from the next picture on."""
        self.custom = tuple(custom or ())

    def dead_labels(self) -> list[str]:
        """The texts above the dead-unit bars, one per hidden layer."""
        return list(self._dead_labels)

    # ----------------------------------------------------------------- drawing
    def _show_norms(self, epochs: np.ndarray, norms: np.ndarray, names=None) -> None:
        norms = norms.reshape(len(epochs), -1) if norms.size else np.zeros((0, 0))
        n = norms.shape[1]
        names = tuple(names) if names is not None and len(names) == n else \
            tuple(layer_name(i, n) for i in range(n))
        if n != len(self.curves) or names != getattr(self, "_curve_names", None):
            self._curve_names = names
            for curve in self.curves:
                self.plot_item.removeItem(curve)
            self.legend.clear()
            self.curves = []
            dash = QtCore.Qt.PenStyle.DashLine
            for i, (color, dashed) in enumerate(colors.layer_styles(n)):
                pen = pg.mkPen(color, width=2, style=dash if dashed else None)
                curve = self.plot_item.plot(pen=pen, connect="finite",
                                            symbolBrush=color, symbolPen=None)
                self.curves.append(curve)
                self.legend.addItem(curve, names[i])
            self._legend_columns()
            if self.width() > 0:
                self._place_legend(self.width() < self._legend_below_width())
        few = len(epochs) <= 30  # with few samples dots show where the values are
        window = smoothing_window(len(epochs))
        for curve, y in zip(self.curves, norms.T):
            y = np.maximum(np.nan_to_num(y, nan=_TINY), _TINY)
            curve.setData(epochs, smooth_log(y, window), symbol="o" if few else None,
                          symbolSize=5)
        self.smoothing = window
        first, last = (float(epochs[0]), float(epochs[-1])) if len(epochs) else (0.0, 0.0)
        if last - first < 2:
            # one or two epochs: whole epochs half a step either side, not autorange's
            # ±0.2 around one point (which read "472.8 473.0 473.2")
            self.plot_item.setXRange(first - 0.5, last + 0.5, padding=0)
        elif not self.plot_item.getViewBox().autoRangeEnabled()[0]:
            self.plot_item.enableAutoRange(x=True)

    def _show_dead(self, dead, sizes, activations, kinds=None) -> None:
        kinds = tuple(kinds) if kinds is not None else ()
        key = (tuple(int(d) for d in dead), tuple(int(s) for s in sizes), tuple(activations),
               kinds)
        if key == getattr(self, "_dead_key", None):
            return  # unchanged (the usual case while training): nothing to redraw
        self._dead_key = key
        n = len(sizes)
        x = np.arange(1, n + 1)
        self.size_bars.setOpts(x=x, height=np.asarray(sizes, dtype=float))
        self.dead_bars.setOpts(x=x, height=np.asarray(dead, dtype=float))
        for item in self._dead_texts[n:]:
            item.hide()
        while len(self._dead_texts) < n:
            text = pg.TextItem("", color=colors.OUTLINE, anchor=(0.5, 1.0))
            self.dead_plot.addItem(text)
            self._dead_texts.append(text)
        compact = n > 4
        self._dead_labels = [dead_text(d, s, a, compact) for d, s, a
                             in zip(dead, sizes, activations)]
        font = QtGui.QFont()
        font.setPointSizeF(8.0 if compact else 9.0)
        top = max(max(sizes, default=1), 1)
        for i, label in enumerate(self._dead_labels):
            item = self._dead_texts[i]
            item.setText(label)
            item.setFont(font)
            item.setColor(DEAD_COLOR if dead[i] else colors.OUTLINE)
            item.setPos(x[i], sizes[i] + 0.03 * top)
            item.show()
        if n == 0:
            titles = ("No hidden layers",)
        elif "relu" not in activations:
            titles = ("Dead units: none (no ReLU layer)", "Dead units: none (no ReLU)",
                      "No dead units")
        else:
            titles = (("Dead ReLU units (dead/size)",) if compact else ()) + \
                ("Dead ReLU units", "Dead units")
        if "filters" in kinds:  # an image lab: convolutions first, then dense layers
            titles = tuple(t.replace("units", "filters/units") if "units" in kinds
                           else t.replace("units", "filters") for t in titles)
            self.dead_plot.setLabel("bottom", "layer (convolutions first)")
            self.dead_plot.setLabel("left", "filters" if "units" not in kinds else "count")
        else:
            self.dead_plot.setLabel("bottom", "hidden layer")
            self.dead_plot.setLabel("left", "units")
        self.dead_widget.set_titles(titles, "10pt")
        self.dead_plot.getAxis("bottom").setTicks([[(int(v), str(int(v))) for v in x]])
        self.dead_plot.getViewBox().setRange(xRange=(0.4, max(n, 1) + 0.6),
                                             yRange=(0, top * 1.22), padding=0)

    def _show_histograms(self, pre, activations, names=None) -> None:
        shown = min(len(pre), MAX_HISTOGRAMS)
        while len(self.histograms) < shown:
            h = _Histogram(self._hist_host)
            i = len(self.histograms)
            cols = self._hist_columns()
            self._hist_grid.addWidget(h, i // cols, i % cols)
            self.histograms.append(h)
        for i, h in enumerate(self.histograms):
            h.setVisible(i < shown)
            if i < shown:
                h.show_layer(i, pre[i], activations[i],
                             names[i] if names is not None and i < len(names) else None,
                             self.custom)
        more = len(pre) - shown
        self.hist_caption.setText(
            "Where each layer's values z fall on its activation (line). Orange bars: the "
            "curve is flat there (saturated or switched off) — little gradient gets through."
            + (f" Showing the first {shown} of {len(pre)} hidden layers." if more > 0 else "")
            + (" (No hidden layers.)" if not pre else ""))
