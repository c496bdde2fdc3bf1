"""Side-by-side comparison of image runs: every run's test accuracy and test loss on two
small plots, and under them one column per run headed by its activation, holding its
first-layer filters — or, for a fully linear run, its class templates — as small
blue/orange pictures (the colours of the CLI's ``compare.png``)."""
from __future__ import annotations

import math

import numpy as np

from actlab.views import colors
from actlab.engine.activations.lookup import display_name
from actlab.views.loss_view import EpochAxis, LossAxis, thin
from actlab.views.qt import (QtCore, QtGui, QtWidgets, even_columns, fill_grid, pg,
                             quiet_plot)

_STYLES = (QtCore.Qt.PenStyle.SolidLine, QtCore.Qt.PenStyle.DashLine,
           QtCore.Qt.PenStyle.DashDotLine, QtCore.Qt.PenStyle.DotLine)
MAX_GRID_COLUMNS = 10
AXIS_W = 44  # both plots' left axes: their epochs line up
MIN_COLUMN_W = 78  # px: narrower and a "Leaky ReLU" heading or a tile gets too small
_WHAT = {"filters": "filters", "templates": "templates"}


def tile_columns(n: int, width: float, height: float, aspect: float = 1.0) -> int:
    """Columns that make ``n`` tiles of ``aspect`` (w/h) largest in ``width``×``height``
    (fewer columns on a tie)."""
    best, best_side = 1, -1.0
    for cols in range(1, max(int(n), 1) + 1):
        rows = math.ceil(n / cols)
        side = min(width / (cols * aspect), height / rows)
        if side > best_side + 1e-9:
            best, best_side = cols, side
    return best


class TilesView(QtWidgets.QWidget):
    """Signed pictures on one symmetric scale (blue +, orange −, white 0), drawn with
    sharp pixels in the grid that makes them largest.  ``tiles`` (n, h, w) is what it
    shows, ``rgba`` the colours of each tile, ``vmax`` the scale's half-width."""

    GAP = 3

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.tiles = np.zeros((0, 1, 1))
        self.rgba: list[np.ndarray] = []
        self.vmax = 1.0
        self._images: list[QtGui.QImage] = []
        self.setMinimumSize(40, 40)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding,
                           QtWidgets.QSizePolicy.Policy.Expanding)

    def set_tiles(self, tiles) -> None:
        t = np.asarray(tiles, dtype=float)
        self.tiles = t
        self.vmax = colors.symmetric_range(t)
        self.rgba = [np.ascontiguousarray(colors.diverging_rgba(
            tile, self.vmax, lut=colors.POINT_DIVERGING_LUT)) for tile in t]
        self._images = [QtGui.QImage(a.data, a.shape[1], a.shape[0], 4 * a.shape[1],
                                     QtGui.QImage.Format.Format_RGBA8888).copy()
                        for a in self.rgba]
        self.update()

    def boxes(self) -> list[QtCore.QRectF]:
        """Where each tile is drawn (logical px): for hover and tests."""
        n = len(self._images)
        if n == 0:
            return []
        h, w = self.tiles.shape[1:]
        W, H, g = self.width(), self.height(), self.GAP
        cols = tile_columns(n, W, H, w / h)
        rows = math.ceil(n / cols)
        side = max(1.0, min((W - g * (cols - 1)) / (cols * w), (H - g * (rows - 1)) / rows / h))
        tw, th = side * w, side * h
        x0 = (W - (cols * tw + (cols - 1) * g)) / 2
        return [QtCore.QRectF(x0 + (k % cols) * (tw + g), (k // cols) * (th + g), tw, th)
                for k in range(n)]

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, False)
        pen = QtGui.QPen(QtGui.QColor("#B8B8B8"))
        pen.setCosmetic(True)
        for img, box in zip(self._images, self.boxes()):
            p.drawImage(box, img)
            p.setPen(pen)
            p.drawRect(box)
        p.end()


def run_pen(i: int) -> QtGui.QPen:
    """Run ``i``'s curve pen: its colour and line style (shared by plots and headings)."""
    return pg.mkPen(colors.line_color(i), width=2, style=_STYLES[i % len(_STYLES)])


class LineSwatch(QtWidgets.QWidget):
    """A short stretch of a run's curve (colour and dash): the legend, on its column —
    a legend row above a plot ~330 px wide had no room for four names."""

    def __init__(self, index: int, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.index = index
        self.setFixedHeight(8)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        p = QtGui.QPainter(self)
        pen = QtGui.QPen(run_pen(self.index))
        pen.setWidthF(3.0)
        p.setPen(pen)
        y = self.height() / 2
        p.drawLine(QtCore.QPointF(2, y), QtCore.QPointF(self.width() - 2, y))
        p.end()


class RunColumn(QtWidgets.QWidget):
    """One run: a stretch of its curve, its activation's name, a caption (test
    accuracy, what the pictures are) and the pictures."""

    def __init__(self, title: str, index: int, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(2, 0, 2, 0)
        lay.setSpacing(1)
        swatch = LineSwatch(index, self)
        self.heading = QtWidgets.QLabel(title, self)
        self.heading.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.heading.setAlignment(QtCore.Qt.AlignmentFlag.AlignHCenter)
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold;")
        self.caption = QtWidgets.QLabel("", self)
        self.caption.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.caption.setAlignment(QtCore.Qt.AlignmentFlag.AlignHCenter)
        self.caption.setWordWrap(True)
        self.caption.setProperty("role", "caption")
        self.tiles = TilesView(self)
        for w in (swatch, self.heading, self.caption):
            lay.addWidget(w)
        lay.addWidget(self.tiles, 1)
        self.epoch = -1


class ImageCompareView(QtWidgets.QWidget):
    """Test accuracy and test loss of every run, and one :class:`RunColumn` per run
    (its heading carries the curves' legend: a stretch of the run's line).

    ``show_runs([(name, snapshot, tiles), ...])`` draws them: ``tiles`` a
    :class:`actlab.engine.analysis.compare_tiles.CompareTiles`.  Public parts (for tests):
    ``acc_curves``, ``loss_curves``, ``columns``."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, *, max_points: int = 2000):
        super().__init__(parent)
        self.max_points = int(max_points)
        self.columns: list[RunColumn] = []
        self.acc_curves: list[pg.PlotDataItem] = []
        self.loss_curves: list[pg.PlotDataItem] = []
        self._titles: tuple[str, ...] = ()
        self._cols = 0
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        self.acc_widget, self.acc_plot = self._plot("test accuracy (%)")
        self.acc_plot.setYRange(0, 100, padding=0.04)
        self.acc_plot.getViewBox().setLimits(yMin=-2, yMax=102)
        self.acc_plot.enableAutoRange(y=False)
        # fixed ticks: 50 % (chance for two classes) and 100 % must always be labelled
        self.acc_plot.getAxis("left").setTicks(
            [[(v, f"{v}") for v in (0, 25, 50, 75, 100)], []])
        self.loss_widget, self.loss_plot = self._plot("test loss")
        lay.addWidget(self.acc_widget, 5)
        lay.addWidget(self.loss_widget, 3)
        self.explain = QtWidgets.QLabel(
            "First-layer filters of each run (class templates for a fully linear run): "
            "blue +, orange −, white 0.", self)
        self.explain.setWordWrap(True)
        self.explain.setProperty("role", "caption")
        lay.addWidget(self.explain)
        self._grid_host = QtWidgets.QWidget(self)
        self._grid = QtWidgets.QGridLayout(self._grid_host)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(6)
        lay.addWidget(self._grid_host, 6)

    def _plot(self, label: str):
        widget = pg.PlotWidget(parent=self, axisItems={
            "bottom": EpochAxis("bottom"), "left": LossAxis("left")})
        pi = widget.getPlotItem()
        quiet_plot(pi, "epoch", label)
        pi.getAxis("left").setWidth(AXIS_W)
        widget.setMinimumHeight(115)  # a data area of at least 60 px (52 px at 90)
        return widget, pi

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(360, 520)

    # ------------------------------------------------------------------ building
    def _rebuild(self, titles: tuple[str, ...]) -> None:
        for col in self.columns:
            self._grid.removeWidget(col)
            col.deleteLater()
        for curve in self.acc_curves:
            self.acc_plot.removeItem(curve)
        for curve in self.loss_curves:
            self.loss_plot.removeItem(curve)
        self.columns, self.acc_curves, self.loss_curves = [], [], []
        for i, title in enumerate(titles):
            self.acc_curves.append(self.acc_plot.plot(pen=run_pen(i), connect="finite"))
            self.loss_curves.append(self.loss_plot.plot(pen=run_pen(i), connect="finite"))
            self.columns.append(RunColumn(title, i, self._grid_host))
        self._titles = titles
        self._cols = 0
        self._place()

    def _place(self) -> None:
        n = max(len(self.columns), 1)
        per_row = max(1, min(n, int(self.width() // MIN_COLUMN_W) or 1))
        cols = even_columns(n, per_row)
        if cols == self._cols:
            return
        self._cols = cols
        fill_grid(self._grid, self.columns, cols)
        for c in range(MAX_GRID_COLUMNS):
            self._grid.setColumnStretch(c, 1 if c < cols else 0)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._place()

    # ------------------------------------------------------------------ drawing
    def show_runs(self, runs, force: bool = False) -> None:
        """Draw ``runs``, a list of ``(name, snapshot, tiles)``.  The same names in the
        same order update in place (a run already drawn at its epoch is skipped unless
        ``force``); other names rebuild the columns."""
        runs = list(runs)
        titles = tuple(display_name(n) for n, _, _ in runs)
        if titles != self._titles:
            self._rebuild(titles)
            force = True
        for i, (_, snap, tiles) in enumerate(runs):
            col = self.columns[i]
            if snap is None or (not force and snap.epoch == col.epoch):
                continue
            col.epoch = snap.epoch
            hist = getattr(snap, "history", None) or {}
            ep = np.asarray(hist.get("epoch", ()), dtype=np.float64)
            acc = np.asarray(hist.get("test_accuracy", ()), dtype=np.float64)
            loss = np.asarray(hist.get("test_loss", ()), dtype=np.float64)
            if len(ep) != len(acc):
                ep = np.arange(1, len(acc) + 1, dtype=np.float64)
            x, y = thin(ep, acc * 100.0, self.max_points)
            self.acc_curves[i].setData(x, y)
            x, y = thin(ep[: len(loss)], loss, self.max_points)
            self.loss_curves[i].setData(x, y)
            col.tiles.set_tiles(tiles.tiles)
            col.caption.setText(self._caption(snap, tiles))
            col.setToolTip(self._tooltip(titles[i], tiles, col.tiles.vmax))

    @staticmethod
    def _caption(snap, tiles) -> str:
        what = f"{len(tiles.tiles)} {_WHAT.get(tiles.content, tiles.content)}"
        if getattr(snap, "diverged", None):
            return f"diverged · {what}"
        acc = snap.test_accuracy
        return f"{acc:.0%} · {what}" if math.isfinite(acc) else what

    @staticmethod
    def _tooltip(title: str, tiles, vmax: float) -> str:
        if tiles.content == "templates":
            return (f"{title}: nothing in this network is non-linear, so each class score "
                    f"is one template image dotted with the input plus a constant. "
                    f"Scale ±{vmax:.3g}.")
        return f"{title}: the kernels of the first convolution. Scale ±{vmax:.3g}."
