"""The curve workspace of a function lab: the data (x, y), the network's curve through
them with its kinks, and — on demand — the units the curve is the sum of, or the one
line a network of linear layers collapses to.

It draws a :class:`~actlab.engine.pictures.curve.CurvePicture` and nothing else: every
plot item is made once and a frame only hands it new arrays (``setData``).
"""
from __future__ import annotations

import numpy as np

from actlab.views import colors
from actlab.views.instruments.collapse_panel import MINUS, format_weight
from actlab.views.loss_view import legend_row
from actlab.views.qt import QtCore, QtWidgets, filling_plot, pg, quiet_plot

X_RANGE = (-6.0, 6.0)
Y_MARGIN = 0.15      # of the data's span, above and below it
_FAR = 1e3           # spans beyond the range: drawn clipped (Qt draws 1e300 badly)
KINK_COLOR = colors.CLASS_COLORS[5]            # vermillion diamonds on the black curve
LINE_COLOR = colors.ORANGE                     # the collapse line, dashed
UNIT_ALPHA = 200
_DASH = QtCore.Qt.PenStyle.DashLine


def _rgba(color: str, alpha: int) -> tuple[int, int, int, int]:
    return (*colors.hex_to_rgb(color), alpha)


def unit_color(j: int) -> str:
    """The colour of unit j's contribution line (the layer palette: no black, no yellow)."""
    return colors.LAYER_COLORS[j % len(colors.LAYER_COLORS)]


def format_line(w: float, b: float) -> str:
    """``y = 0.42·x + 0.13`` (a real minus sign, 2 decimals as the collapse panel)."""
    sign = MINUS if b < 0 else "+"
    return f"y = {format_weight(w)}·x {sign} {format_weight(abs(b))}"


def data_y_range(pic) -> tuple[float, float]:
    """The y range for ``pic``'s data: their extent with a margin (±1.5 without data)."""
    y = np.concatenate([pic.train_y, pic.test_y])
    y = y[np.isfinite(y)]
    if not y.size:
        return -1.5, 1.5
    lo, hi = float(y.min()), float(y.max())
    span = hi - lo if hi > lo else max(1.0, abs(hi))
    return lo - Y_MARGIN * span, hi + Y_MARGIN * span


def close_kinks_text(kinks_x, x_per_pixel: float) -> str:
    """Words for kinks closer together than one pixel (drawn as one diamond, so the count
    would look wrong without them), or "" when every kink has a pixel of its own."""
    gaps = np.diff(np.sort(np.asarray(kinks_x, dtype=float)))
    close = gaps[gaps < x_per_pixel]
    if not close.size:
        return ""
    g = f"{float(close.min()):.2g}"
    if close.size == 1:
        return f"two kinks {g} apart: closer than a pixel"
    return f"{close.size} pairs of kinks closer than a pixel, the closest {g} apart"


def pieces_text(pic, x_per_pixel: float = (X_RANGE[1] - X_RANGE[0]) / 600) -> str:
    """One line on the curve's pieces, as the student reads it under the plot.
    ``x_per_pixel``: the plot's x units per screen pixel (kinks closer than that are
    named, since they are drawn on top of each other)."""
    if pic is None:
        return ""
    if pic.line is not None:
        what = ("No hidden layer" if not pic.hidden else "Every activation is linear"
                if all(t == "Linear" for t in pic.activation_titles)
                else "Every activation is a straight line")
        return (f"{what}: the network is the line {format_line(pic.line.slope, pic.line.b)}"
                f" (max difference {pic.line.max_difference:.0e})")
    if pic.n_pieces is None:
        return pic.short_reason or ""
    n = pic.n_pieces
    text = f"{n} linear piece{'s' if n != 1 else ''} on [{MINUS}6, 6]"
    close = close_kinks_text(pic.kinks_x, x_per_pixel)
    if close:
        text += f" ({close})"
    if pic.pieces_bound is not None and pic.hidden:
        titles = set(pic.activation_titles)
        sizes = "×".join(str(h) for h in pic.hidden)
        kind = f" {next(iter(titles))}" if len(titles) == 1 else ""
        text += f" · at most {pic.pieces_bound} for {sizes}{kind} units"
    return text


class CurveView(QtWidgets.QWidget):
    """y against x on [-6, 6]: training points (dots), test points (squares, optional),
    the network's curve (thick) with its kinks (diamonds), each hidden unit's weighted
    contribution (thin coloured lines, optional) and the collapse line (dashed,
    optional, when the network has one).

    Signals: ``scaleChanged()`` — the plot's x units per pixel changed (the view was
    resized), so :meth:`pieces_text` may now name other kinks as closer than a pixel.
    """

    scaleChanged = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._pic = None
        self._scale: float | None = None  # x_per_pixel when scaleChanged was last sent
        self._show_units = False
        self._show_test = False
        self._show_line = False
        self._data_key: tuple | None = None
        self._y_range = (-1.5, 1.5)

        self.plot_widget, self.plot_item, self.view_box = filling_plot(self)
        pi = self.plot_item
        quiet_plot(pi, "x", "y")
        self.view_box.setMouseEnabled(False, False)
        self.view_box.setMenuEnabled(False)
        self.view_box.disableAutoRange()
        self.view_box.setRange(xRange=X_RANGE, yRange=self._y_range, padding=0.0)
        pi.getAxis("bottom").setTicks([[(v, f"{v:g}".replace("-", MINUS))
                                        for v in range(-6, 7, 2)]])

        self.bias_line = pg.InfiniteLine(angle=0, pen=pg.mkPen(
            _rgba(colors.OUTLINE, 110), width=1.2, style=QtCore.Qt.PenStyle.DotLine))
        self.unit_curves: list[pg.PlotCurveItem] = []
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(colors.OUTLINE, width=3.0),
                                      connect="finite")
        self.line = pg.PlotCurveItem(pen=pg.mkPen(LINE_COLOR, width=2.4, style=_DASH))
        self.train_points = pg.ScatterPlotItem(
            symbol="o", size=6, pen=pg.mkPen("#FFFFFF", width=0.8),
            brush=pg.mkBrush(colors.BLUE))
        self.test_points = pg.ScatterPlotItem(
            symbol="s", size=6, pen=pg.mkPen(colors.line_color(1), width=1.3),
            brush=pg.mkBrush(255, 255, 255, 210))
        self.kinks = pg.ScatterPlotItem(symbol="d", size=9, pen=pg.mkPen(colors.OUTLINE),
                                        brush=pg.mkBrush(KINK_COLOR))
        for item, z in ((self.bias_line, 1), (self.test_points, 3), (self.train_points, 4),
                        (self.curve, 5), (self.line, 6), (self.kinks, 7)):
            item.setZValue(z)
            pi.addItem(item, ignoreBounds=True)
        self.bias_line.hide()
        self.line.hide()
        self.test_points.hide()
        # the key lists what is on screen; its samples are their own items (a hidden
        # item's sample is drawn as a crossed-out eye)
        self._samples = {
            "training": pg.ScatterPlotItem(symbol="o", size=6, pen=self.train_points.opts["pen"],
                                           brush=self.train_points.opts["brush"]),
            "test": pg.ScatterPlotItem(symbol="s", size=6, pen=self.test_points.opts["pen"],
                                       brush=self.test_points.opts["brush"]),
            "network": pg.PlotDataItem(pen=self.curve.opts["pen"]),
            "kinks": pg.ScatterPlotItem(symbol="d", size=9, pen=self.kinks.opts["pen"],
                                        brush=self.kinks.opts["brush"]),
            "units": pg.PlotDataItem(pen=pg.mkPen(unit_color(0), width=1.4)),
            "line": pg.PlotDataItem(pen=self.line.opts["pen"])}
        self.legend = legend_row(pi, [])
        self._legend_key: tuple = ()
        self._fill_legend()
        # a drag of the splitter resizes the plot many times an event-loop pass: the
        # scale is looked at once, after them
        self._scale_timer = QtCore.QTimer(self)
        self._scale_timer.setSingleShot(True)
        self._scale_timer.setInterval(0)
        self._scale_timer.timeout.connect(self._check_scale)
        self.view_box.sigResized.connect(lambda *_: self._scale_timer.start())

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(520, 360)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit_legend()

    def _fit_legend(self) -> None:
        """As many entries a row as fit the view's width (a row wider than the view would
        widen the plot past it and cut off its right edge)."""
        n = max(len(self._legend_key), 1)
        room = self.width() - 16
        for cols in sorted({n, -(-n // 2), 2, 1}, reverse=True):
            self.legend.setColumnCount(cols)
            if self.legend.effectiveSizeHint(QtCore.Qt.SizeHint.PreferredSize).width() <= room:
                break

    def _fill_legend(self) -> None:
        """The key: only what is drawn now (rebuilt when that changes, not every frame)."""
        pic = self._pic
        key = ("training",
               *(("test",) if self._show_test else ()), "network",
               *(("kinks",) if pic is not None and pic.kinks_x.size else ()),
               *(("units",) if self._show_units and pic is not None and pic.n_units else ()),
               *(("line",) if self.line.isVisible() else ()))
        if key == self._legend_key:
            return
        self._legend_key = key
        self.legend.clear()
        for name in key:
            self.legend.addItem(self._samples[name], name)
        self._fit_legend()

    def legend_entries(self) -> list[str]:
        """The names in the key above the plot, in order."""
        return [label.text for _, label in self.legend.items]

    # ----------------------------------------------------------------- toggles
    def set_show_units(self, show: bool) -> None:
        """Draw each hidden unit's weighted contribution and the output bias."""
        self._show_units = bool(show)
        self._draw_units()

    def set_show_test(self, show: bool) -> None:
        """Draw the test points (squares) too."""
        self._show_test = bool(show)
        self.test_points.setVisible(self._show_test)
        self._fill_legend()

    def set_show_line(self, show: bool) -> None:
        """Draw the collapse line y = w·x + b over the curve (when the picture has one)."""
        self._show_line = bool(show)
        self._draw_line()

    # ----------------------------------------------------------------- drawing
    def picture(self):
        """The picture drawn now (None before the first)."""
        return self._pic

    def pieces_text(self) -> str:
        """The pieces line for the picture drawn now (see :func:`pieces_text`), kinks
        closer than one of this plot's pixels named."""
        return pieces_text(self._pic, self.x_per_pixel())

    def x_per_pixel(self) -> float:
        """x units per screen pixel of the plot (600 pixels assumed while it is not
        shown, before its layout gives it a real width)."""
        width = float(self.view_box.width()) if self.isVisible() else 0.0
        return (X_RANGE[1] - X_RANGE[0]) / (width if width >= 1.0 else 600.0)

    def _check_scale(self) -> None:
        scale = self.x_per_pixel()
        if scale != self._scale:
            self._scale = scale
            self.scaleChanged.emit()

    def y_range(self) -> tuple[float, float]:
        return self._y_range

    def show_picture(self, pic) -> None:
        """Draw a CurvePicture (None clears the view)."""
        self._pic = pic
        if pic is None:
            for item in (self.curve, self.line, self.kinks, self.train_points,
                         self.test_points, *self.unit_curves):
                item.setData([], [])
            self.bias_line.hide()
            self.line.hide()
            self._fill_legend()
            return
        self._update_range(pic)
        self.train_points.setData(pic.train_x, pic.train_y)
        self.test_points.setData(pic.test_x, pic.test_y)
        self.curve.setData(pic.x, self._clipped(pic.y))
        self.kinks.setData(pic.kinks_x, pic.kinks_y)
        self._draw_units()
        self._draw_line()
        self._fill_legend()

    def _update_range(self, pic) -> None:
        """A new y range only when the data change: the axis stays still while training."""
        key = (pic.train_y.tobytes(), pic.test_y.tobytes())
        if key != self._data_key:
            self._data_key = key
            self._y_range = data_y_range(pic)
            self.view_box.setRange(xRange=X_RANGE, yRange=self._y_range, padding=0.0)

    def _clipped(self, y: np.ndarray) -> np.ndarray:
        lo, hi = self._y_range
        far = _FAR * (hi - lo)
        return np.clip(y, lo - far, hi + far)  # NaN stays NaN (left out: connect=finite)

    def _unit_curve(self, j: int) -> pg.PlotCurveItem:
        while len(self.unit_curves) <= j:  # made once per unit, kept for later pictures
            k = len(self.unit_curves)
            c = pg.PlotCurveItem(pen=pg.mkPen(_rgba(unit_color(k), UNIT_ALPHA), width=1.4))
            c.setZValue(2)
            self.plot_item.addItem(c, ignoreBounds=True)
            self.unit_curves.append(c)
        return self.unit_curves[j]

    def set_highlight(self, unit: int | None) -> None:
        """Draw unit ``unit``'s contribution bold (the network diagram's hovered neuron
        of the last hidden layer), shown even while "Units" is off; None: no highlight."""
        self._highlight = unit
        self._draw_units()

    def highlighted(self) -> int | None:
        return self._highlight

    _highlight: int | None = None

    def _draw_units(self) -> None:
        pic = self._pic
        n = pic.n_units if pic is not None else 0
        hi = self._highlight if self._highlight is not None and self._highlight < n else None
        shown = range(n) if self._show_units else ((hi,) if hi is not None else ())
        for j in shown:
            c = self._unit_curve(j)
            c.setData(pic.x, self._clipped(pic.parts[:, j]))
            c.setPen(pg.mkPen(_rgba(unit_color(j), 255 if j == hi else UNIT_ALPHA),
                              width=3.2 if j == hi else 1.4))
            c.show()
        for j, c in enumerate(self.unit_curves):
            if j not in shown:
                c.hide()
        n = n if self._show_units else 0
        show_bias = n > 0 and np.isfinite(pic.bias)
        if show_bias:
            self.bias_line.setValue(pic.bias)
        self.bias_line.setVisible(bool(show_bias))
        self._fill_legend()

    def _draw_line(self) -> None:
        pic = self._pic
        line = pic.line if pic is not None else None
        if line is None or not self._show_line:
            self.line.hide()
        else:
            x = np.array(X_RANGE)
            self.line.setData(x, self._clipped(line.slope * x + line.b))
            self.line.show()
        self._fill_legend()

    def visible_unit_lines(self) -> int:
        """How many unit contribution lines are on screen."""
        return sum(c.isVisible() for c in self.unit_curves)
