"""The loss plot: train and test loss against epoch, drawn fast for any run length."""
from __future__ import annotations

import math

import numpy as np

from actlab.views import colors
from actlab.views.qt import QtCore, QtWidgets, filling_plot, pg, plain_numbers, quiet_plot

MAX_POINTS = 2000
_TINY = 1e-12  # losses are clipped to this so a log axis never sees 0
MAX_TICKS = 40  # labelled ticks on the loss axis, whatever its range
_MAX_EXPONENT = 307  # 10**308 is about the largest float


def thin_indices(y: np.ndarray, max_points: int = MAX_POINTS) -> np.ndarray:
    """Indices of at most about ``max_points`` samples of ``y`` that keep its shape.

    The series is cut into ``max_points // 2`` equal buckets and each keeps its minimum
    and maximum (in order), so spikes stay visible; the first and last samples are always
    kept.  NaN never wins a bucket unless the whole bucket is NaN.
    """
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    if n <= max_points:
        return np.arange(n)
    buckets = max(1, (max_points - 2) // 2)
    size = -(-n // buckets)
    nan = np.isnan(y)
    lo, hi = (np.where(nan, np.inf, y), np.where(nan, -np.inf, y)) if nan.any() else (y, y)
    full = (n // size) * size
    starts = np.arange(0, full, size)
    parts = [np.array([0, n - 1]),
             lo[:full].reshape(-1, size).argmin(axis=1) + starts,
             hi[:full].reshape(-1, size).argmax(axis=1) + starts]
    if full < n:
        parts += [np.array([full + lo[full:].argmin(), full + hi[full:].argmax()])]
    return np.unique(np.concatenate(parts))


def thin(x: np.ndarray, y: np.ndarray, max_points: int = MAX_POINTS
         ) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` reduced with :func:`thin_indices` (unchanged when already short)."""
    idx = thin_indices(y, max_points)
    if len(idx) == len(y):
        return np.asarray(x), np.asarray(y)
    return np.asarray(x)[idx], np.asarray(y)[idx]


def format_loss(v: float) -> str:
    """A loss for a label: 3 decimals, scientific when tiny, a dash when missing."""
    if v is None or not math.isfinite(v):
        return "–"
    return f"{v:.3f}" if abs(v) >= 1e-3 or v == 0 else f"{v:.2e}"


def _linear_ticks_in_log(lo_log: float, hi_log: float, room: int) -> list[float]:
    """log10 of round values (steps of 1, 2 or 5 × 10^k) between 10^lo_log and 10^hi_log."""
    lo, hi = 10.0 ** lo_log, 10.0 ** hi_log
    raw = (hi - lo) / max(room - 1, 1)
    if not (raw > 0 and math.isfinite(raw)):  # a range too narrow to tell apart
        return [lo_log]
    base = 10.0 ** math.floor(math.log10(raw))
    step = next(m * base for m in (1, 2, 5, 10) if m * base >= raw)
    values = np.arange(math.ceil(lo / step) * step, hi + step * 1e-9, step)
    ticks = [math.log10(v) for v in values if v > 0]
    return [t for t in ticks if lo_log <= t <= hi_log]  # rounding can step just outside


class EpochAxis(pg.AxisItem):
    """A bottom axis for epochs: whole numbers with thousands separators (200,000)."""

    def __init__(self, orientation: str = "bottom", **kwargs):
        super().__init__(orientation, **kwargs)
        plain_numbers(self)

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802 (pyqtgraph name)
        """Epochs are whole numbers: never ticks between them (a range of one or two
        epochs once read "472.8 473.0 473.2")."""
        if self.logMode:
            return super().tickSpacing(minVal, maxVal, size)
        levels = [(s, o) for s, o in super().tickSpacing(minVal, maxVal, size) if s >= 1]
        return levels or [(1.0, 0.0)]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph name)
        if self.logMode or spacing * scale < 1:
            return super().tickStrings(values, scale, spacing)
        return [f"{v * scale:,.0f}" for v in values]


class LossAxis(pg.AxisItem):
    """A left axis whose log mode labels 1-2-5 steps (0.02, 0.05, 0.1, ...) as plain
    numbers, with unlabelled minor ticks, instead of crowding every 2..9 × 10^k."""

    def __init__(self, orientation: str = "left", **kwargs):
        super().__init__(orientation, **kwargs)
        plain_numbers(self)

    def setLogMode(self, *args, **kwargs):  # noqa: N802 (pyqtgraph name)
        super().setLogMode(*args, **kwargs)
        self.setStyle(maxTextLevel=0 if self.logMode else 2)

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802
        return log_tick_values(minVal, maxVal, size)

    def logTickStrings(self, values, scale, spacing):  # noqa: N802
        return log_tick_strings(values)


def log_tick_values(min_log: float, max_log: float, size: float) -> list:
    """pyqtgraph's ``[(spacing, major), (spacing, minor)]`` for a log axis showing
    10^min_log..10^max_log on ``size`` pixels.

    Never more than MAX_TICKS values whatever the range: a view range left over from a
    linear plot (0..1e157, read as *exponents* once the axis turns logarithmic) once
    built one tick per decade of it, 9.5 GB, and froze the window.  Non-finite or empty
    ranges give no ticks; exponents beyond a float's range are left out."""
    if not (math.isfinite(min_log) and math.isfinite(max_log)) or max_log <= min_log:
        return [(None, []), (None, [])]
    lo, hi = max(min_log, -_MAX_EXPONENT), min(max_log, _MAX_EXPONENT)
    if hi <= lo:
        return [(None, []), (None, [])]
    room = max(2, min(MAX_TICKS, int(size / 30) if math.isfinite(size) else 2))
    first, last = math.ceil(lo), math.floor(hi)
    if last - first + 1 > room:  # many decades: every k-th decade only, no minor ticks
        step = math.ceil((last - first + 1) / room)
        return [(None, [float(k) for k in range(first, last + 1, step)]), (None, [])]
    decades = range(math.floor(lo), math.ceil(hi) + 1)
    major: list[float] = []
    for mantissas in ((1, 2, 3, 5), (1, 2, 5), (1, 3), (1,)):
        major = [math.log10(m) + k for k in decades for m in mantissas]
        major = [v for v in major if lo <= v <= hi]
        if len(major) <= room:
            break
    else:
        major = major[::math.ceil(len(major) / room)]
    if len(major) < 3:  # less than a decade: evenly spaced round values instead
        return [(None, _linear_ticks_in_log(lo, hi, room)), (None, [])]
    minor = []
    if hi - lo <= 6:
        minor = [math.log10(m) + k for k in decades for m in range(1, 10)]
        minor = [v for v in minor if lo <= v <= hi and
                 min(abs(v - w) for w in major) > 1e-9]
    return [(None, major), (None, minor)]


def log_tick_strings(values) -> list[str]:
    """The labels of log-axis ticks at exponents ``values``: 10^v as a plain number
    ("0.02", "1e+05"), or "1e400"-style text where 10^v is no float."""
    out = []
    for v in values:
        v = float(v)
        if not math.isfinite(v):
            out.append("")
        elif abs(v) > _MAX_EXPONENT:
            out.append(f"1e{v:.0f}")
        else:
            out.append(f"{10.0 ** v:.3g}")
    return out


def legend_row(plot_item: pg.PlotItem, entries, columns: int | None = None) -> pg.LegendItem:
    """A legend in one row *above* the plot area of ``plot_item`` (under its title), for
    ``entries`` ``[(curve, name), …]``.  Inside the plot a legend hides whatever curve
    runs through its corner — a rising loss, a flat high one — at some point of every
    run; above it, it never does, and no range has to make room for it."""
    legend = pg.LegendItem(labelTextSize="9pt", verSpacing=-8, horSpacing=12)
    for curve, name in entries:
        legend.addItem(curve, name)
    legend.setColumnCount(columns or max(len(entries), 1))
    legend.setSizePolicy(QtWidgets.QSizePolicy.Policy.Fixed,
                         QtWidgets.QSizePolicy.Policy.Fixed)
    # row 1, between the title and the plot area, holds the top axis, which these plots
    # never show: the legend takes its cell
    plot_item.layout.removeItem(plot_item.getAxis("top"))
    plot_item.layout.addItem(legend, 1, 1)
    plot_item.layout.setAlignment(legend, QtCore.Qt.AlignmentFlag.AlignHCenter)
    plot_item.legend = legend
    views = plot_item.scene().views() if plot_item.scene() is not None else []
    if views:
        legend.fit = _LegendFit(views[0], plot_item, legend, columns or max(len(entries), 1))
    return legend


def refit_legend(legend, columns: int) -> None:
    """Set a legend row's columns after its entries changed: ``columns`` as the widest,
    fewer when its plot is too narrow for them (see :class:`_LegendFit`)."""
    legend.setColumnCount(columns)
    fit = getattr(legend, "fit", None)
    if fit is not None:
        fit.columns = columns
        fit.fit(fit.parent().width())


class _LegendFit(QtCore.QObject):
    """Wraps a legend row into fewer columns when its plot is narrower than the row.

    The row is a fixed-size item in the plot's layout, so a plot narrower than its legend
    was laid out wider than its widget and cut off at the right ("test los", and the
    right of the curves with it) in a narrow column."""

    def __init__(self, view: QtWidgets.QWidget, plot_item, legend, columns: int):
        super().__init__(view)
        self.plot_item, self.legend, self.columns = plot_item, legend, columns
        view.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QtCore.QEvent.Type.Resize:
            self.fit(event.size().width())
        return False

    def fit(self, width: int) -> None:
        legend = self.legend
        items = legend.items
        if not items:
            return
        axis = self.plot_item.getAxis("left")
        room = width - (axis.width() if axis.isVisible() else 0) - 16
        cells = sorted((s.boundingRect().width() + l.boundingRect().width()
                        + 2 * legend.layout.horizontalSpacing() for s, l in items),
                       reverse=True)
        cols = max(1, min(self.columns, len(items)))
        while cols > 1 and sum(cells[:cols]) > room:
            cols -= 1
        legend.setColumnCount(cols)


def train_test_curves(plot_item: pg.PlotItem, train: str, test: str) -> tuple:
    """``(train_curve, test_curve, legend)``: the training curve solid and the test curve
    dashed, in the two line colours, named ``train`` and ``test`` in a key above the
    plot — the loss and accuracy plots' pair."""
    train_curve = plot_item.plot(connect="finite",
                                 pen=pg.mkPen(colors.line_color(0), width=2))
    test_curve = plot_item.plot(connect="finite",
                                pen=pg.mkPen(colors.line_color(1), width=2,
                                             style=QtCore.Qt.PenStyle.DashLine))
    return train_curve, test_curve, legend_row(plot_item, [(train_curve, train),
                                                           (test_curve, test)])


class LossView(QtWidgets.QWidget):
    """Train loss (solid) and test loss (dashed) against epoch, with a legend, an
    optional log scale and a hover read-out "epoch N: train …, test …"."""

    #: the loss axis follows the curves (autorange) on every update; a subclass that sets
    #: its own steady range turns this off (the image lab's SteppedLossView)
    follow_curves = True

    def __init__(self, parent: QtWidgets.QWidget | None = None, *,
                 max_points: int = MAX_POINTS, title: str | None = None):
        super().__init__(parent)
        self.max_points = int(max_points)
        self._log = False
        self._empty_range = None  # (top, log) of the empty plot's range, once set
        self._epochs = np.zeros(0)
        self._train = np.zeros(0)
        self._test = np.zeros(0)

        self.plot_widget, self.plot_item, self.view_box = filling_plot(self, axisItems={
            "bottom": EpochAxis("bottom"), "left": LossAxis("left")})
        pi = self.plot_item
        quiet_plot(pi, "epoch", "loss")
        if title:
            pi.setTitle(title, size="11pt")
        self.train_curve, self.test_curve, self.legend = train_test_curves(
            pi, "train loss", "test loss")
        self.view_box.setMouseEnabled(x=True, y=False)

        self.hover_line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#999999", width=1))
        self.hover_label = pg.TextItem("", color="#222222", fill=pg.mkBrush(255, 255, 255, 230),
                                       border=pg.mkPen("#BBBBBB"))
        for item in (self.hover_line, self.hover_label):
            item.setZValue(50)
            item.hide()
            pi.addItem(item, ignoreBounds=True)
        self._mouse_proxy = pg.SignalProxy(self.plot_widget.scene().sigMouseMoved,
                                           rateLimit=60, slot=self._on_mouse_moved)

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(520, 260)

    # ----------------------------------------------------------------- data
    def show_history(self, history: dict | None, current_loss: float | None = None) -> None:
        """Draw a Snapshot's ``history`` (keys ``epoch``, ``train_loss``, ``test_loss``;
        any length — long runs are thinned to about ``max_points`` per curve).  With no
        history yet the axes go back to a small range around ``current_loss`` (the
        untrained network's loss), never the range of an earlier run."""
        history = history or {}
        train = np.asarray(history.get("train_loss", ()), dtype=np.float64)
        test = np.asarray(history.get("test_loss", ()), dtype=np.float64)
        epochs = history.get("epoch")
        epochs = np.arange(1, len(train) + 1) if epochs is None else np.asarray(epochs)
        self._epochs, self._train, self._test = epochs, train, test
        drawn = False
        for curve, y in ((self.train_curve, train), (self.test_curve, test)):
            if len(y) == 0 or not np.isfinite(y).any():
                curve.setData([], [])
                continue
            x, yy = thin(epochs[: len(y)], y, self.max_points)
            # inf would stretch the axis to nothing; the gap shows where it was
            curve.setData(x, np.where(np.isfinite(yy), np.maximum(yy, _TINY), np.nan))
            drawn = True
        if drawn:
            self._empty_range = None
            if self.follow_curves:
                self.view_box.enableAutoRange(y=True)
        else:
            self.reset_range(current_loss)

    def reset_range(self, current_loss: float | None = None) -> None:
        """Empty-plot axes: epochs 0..10 and losses 0..1 (or up to ``current_loss``),
        with autorange on so the next curve sets its own range."""
        top = 1.0
        if current_loss is not None and math.isfinite(current_loss) and current_loss > 0:
            top = min(max(1.0, 1.2 * float(current_loss)), 1e300)
        key = (top, self._log)
        if key == self._empty_range:
            return  # already there (every frame of a paused, untrained lab)
        self._empty_range = key
        y = (math.log10(top) - 3.0, math.log10(top)) if self._log else (0.0, top)
        self.view_box.setRange(xRange=(0.0, 10.0), yRange=y, padding=0.02)
        self.view_box.enableAutoRange(x=True, y=True)

    def set_log_scale(self, on: bool) -> None:
        """Log (True) or linear (False) loss axis."""
        self._log = bool(on)
        self.plot_item.setLogMode(x=False, y=self._log)
        self.hover_label.hide()
        self.hover_line.hide()
        if len(self._train) == 0 or not np.isfinite(self._train).any():
            self._empty_range = None
            self.reset_range()  # the old range, read as exponents, could be 0..1e157
        else:
            self.view_box.enableAutoRange(y=True)

    @property
    def log_scale(self) -> bool:
        """True when the loss axis is logarithmic."""
        return self._log

    def point_counts(self) -> tuple[int, int]:
        """Points currently drawn by the (train, test) curves."""
        def count(curve) -> int:
            x = curve.getData()[0]
            return 0 if x is None else len(x)
        return count(self.train_curve), count(self.test_curve)

    # ----------------------------------------------------------------- hover
    def hover_text(self, epoch: float) -> str | None:
        """The read-out for the epoch nearest ``epoch`` (None with no history)."""
        n = len(self._train)
        if n == 0:
            return None
        ep = self._epochs[:n]
        i = int(np.clip(np.searchsorted(ep, epoch), 0, n - 1))
        if i > 0 and abs(ep[i - 1] - epoch) <= abs(ep[i] - epoch):
            i -= 1
        test = self._test[i] if i < len(self._test) else float("nan")
        return f"epoch {int(ep[i])}: train {format_loss(self._train[i])}, test {format_loss(test)}"

    def _on_mouse_moved(self, args) -> None:
        pos = args[0]
        vb = self.view_box
        text = None
        if vb.sceneBoundingRect().contains(pos):
            p = vb.mapSceneToView(pos)
            text = self.hover_text(p.x())
        if text is None:
            self.hover_label.hide()
            self.hover_line.hide()
            return
        (x0, x1), (y0, y1) = vb.viewRange()
        self.hover_line.setPos(p.x())
        self.hover_label.setText(text)
        # keep the label inside the plot: left of the mouse on the right half, etc.
        self.hover_label.setAnchor((1.05 if p.x() > (x0 + x1) / 2 else -0.05,
                                    0.0 if p.y() > (y0 + y1) / 2 else 1.0))
        self.hover_label.setPos(p.x(), p.y())
        self.hover_label.show()
        self.hover_line.show()

    def leaveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.hover_label.hide()
        self.hover_line.hide()
        super().leaveEvent(event)
