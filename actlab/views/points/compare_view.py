"""Side-by-side comparison: one small decision surface per run and their test losses."""
from __future__ import annotations

import html
import math

import numpy as np

from actlab.views import colors
from actlab.engine.activations.lookup import display_name
from actlab.views.loss_view import (EpochAxis, LossAxis, format_loss, legend_row, refit_legend,
                                    thin)
from actlab.views.qt import QtCore, QtWidgets, even_columns, fill_grid, pg, quiet_plot
from actlab.views.points.surface_view import SurfaceView

_STYLES = (QtCore.Qt.PenStyle.SolidLine, QtCore.Qt.PenStyle.DashLine,
           QtCore.Qt.PenStyle.DashDotLine, QtCore.Qt.PenStyle.DotLine)


# px: the smallest cell and loss plot that keep a data area of 60 px (at any scale:
# their titles, ticks and legend take these in logical px too)
CELL_MIN = (140, 140)
LOSS_MIN = 165  # (a legend of four runs wraps to two rows in a narrow column)
LEGEND_COLUMNS = 4  # runs per legend row above the loss plot


def grid_columns(n: int) -> int:
    """Columns for ``n`` small surfaces: one row up to 4, then two or more rows."""
    return max(1, n if n <= 4 else min(5, math.ceil(n / 2)))


def best_columns(n: int, width: float, height: float) -> int:
    """The number of columns that makes ``n`` square surfaces largest in a
    ``width``×``height`` area (fewer columns on a tie: rows read better)."""
    n = max(int(n), 1)
    best, best_side = 1, -1.0
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        side = min(width / cols, height / rows)
        if side > best_side + 1e-9:
            best, best_side = cols, side
    return best


def run_title(title: str, snapshot, dataset) -> str:
    """``"ReLU · test acc 97%"`` (classification) or ``"relu · test loss 0.012"``;
    says "diverged" when the run blew up."""
    if snapshot is None:
        return title
    if getattr(snapshot, "diverged", None):
        return f"{title} · diverged"
    acc = snapshot.test_accuracy
    if getattr(dataset, "problem", "classification") == "classification" and math.isfinite(acc):
        return f"{title} · test acc {acc:.0%}"
    return f"{title} · test loss {format_loss(snapshot.test_loss)}"


class CompareView(QtWidgets.QWidget):
    """A grid of small :class:`SurfaceView` (one per run, titled with its name and test
    accuracy) above one plot overlaying every run's test loss, with a legend."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, *,
                 max_points: int = 2000, auto_columns: bool = False):
        """``auto_columns`` picks the number of columns from the widget's shape (for a
        dock); otherwise :func:`grid_columns` (one row up to 4 runs, as in exports)."""
        super().__init__(parent)
        self.max_points = int(max_points)
        self.auto_columns = bool(auto_columns)
        self._columns = 1
        self.surfaces: list[SurfaceView] = []
        self.curves: list[pg.PlotDataItem] = []
        self._titles: tuple[str, ...] = ()

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(6)
        self._grid_host = QtWidgets.QWidget(self)
        self._grid = QtWidgets.QGridLayout(self._grid_host)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(4)
        layout.addWidget(self._grid_host, 3)

        self.loss_widget = pg.PlotWidget(parent=self, axisItems={
            "bottom": EpochAxis("bottom"), "left": LossAxis("left")})
        self.loss_widget.setMinimumHeight(LOSS_MIN)
        layout.addWidget(self.loss_widget, 2)
        self.loss_plot: pg.PlotItem = self.loss_widget.getPlotItem()
        pi = self.loss_plot
        quiet_plot(pi, "epoch", "test loss")
        self.legend = legend_row(pi, [])  # above the plot: it never hides a curve

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        if self.auto_columns:  # the runs in one row, when the column can give it
            n = max(len(self.surfaces), 2)
            m = self.layout().contentsMargins()
            return QtCore.QSize(n * (CELL_MIN[0] + self._grid.spacing()) + m.left()
                                + m.right(), 420)
        cols = grid_columns(max(len(self.surfaces), 1))
        rows = math.ceil(max(len(self.surfaces), 1) / cols)
        return QtCore.QSize(260 * cols, 260 * rows + 240)

    def minimumSizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        """Auto columns: what two columns of cells need, however many the grid shows now
        (it takes fewer when narrowed), so a wide column is not kept wide by its own
        grid."""
        if not self.auto_columns:
            return super().minimumSizeHint()
        n = max(len(self.surfaces), 1)
        cols = min(n, 2)
        rows = math.ceil(n / max(self._columns, 1))  # the rows shown now
        m = self.layout().contentsMargins()
        space = self._grid.spacing()
        return QtCore.QSize(cols * CELL_MIN[0] + (cols - 1) * space + m.left() + m.right(),
                            rows * CELL_MIN[1] + (rows - 1) * space + LOSS_MIN
                            + self.layout().spacing() + m.top() + m.bottom())

    def _rebuild(self, titles: tuple[str, ...]) -> None:
        """New surface views and loss curves for a different set of runs."""
        for view in self.surfaces:
            self._grid.removeWidget(view)
            view.deleteLater()
        for curve in self.curves:
            self.loss_plot.removeItem(curve)
        self.legend.clear()
        self.surfaces, self.curves = [], []
        for i, title in enumerate(titles):
            view = SurfaceView(self._grid_host, compact=True)
            # its title (two lines in a narrow cell) and axes leave a 60-px data area;
            # a shorter column scrolls (the instrument's page) rather than squeeze it
            view.setMinimumSize(*CELL_MIN)
            self.surfaces.append(view)
            pen = pg.mkPen(colors.line_color(i), width=2, style=_STYLES[i % len(_STYLES)])
            curve = self.loss_plot.plot(pen=pen, connect="finite")
            self.curves.append(curve)
            # legend labels are rich text: a run title is plain text
            self.legend.addItem(curve, html.escape(title))
        refit_legend(self.legend, min(max(len(titles), 1), LEGEND_COLUMNS))
        self._titles = titles
        self._place(self._wanted_columns(), force=True)

    @property
    def columns(self) -> int:
        """Columns of the grid of small surfaces."""
        return self._columns

    def _wanted_columns(self) -> int:
        n = max(len(self.surfaces), 1)
        if not self.auto_columns:
            return grid_columns(n)
        # the grid gets 3/5 of the height (stretch 3 : 2 with the loss plot)
        cols = best_columns(n, max(self.width(), 1), max(self.height() * 0.6, 1))
        m = self.layout().contentsMargins()
        space = self._grid.spacing()
        fit = max(1, (self.width() - m.left() - m.right() + space) // (CELL_MIN[0] + space))
        if self.height() <= self.minimumSizeHint().height() + 2:
            # a short column (its page scrolls): as few rows as the width allows, so the
            # loss plot under the cells stays in sight
            cols = n
        return even_columns(n, max(1, min(cols, fit, n)))

    def _place(self, cols: int, force: bool = False) -> None:
        if cols == self._columns and not force:
            return
        self._columns = cols
        fill_grid(self._grid, self.surfaces, cols)
        self.updateGeometry()  # its minimum height follows the rows

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self.auto_columns:
            self._place(self._wanted_columns())

    def show_runs(self, runs, force: bool = False) -> None:
        """Draw ``runs``, a list of ``(title, snapshot, dataset)``.  The same titles in
        the same order update the existing views in place (stale snapshots are dropped
        unless ``force``); anything else rebuilds the grid."""
        runs = list(runs)
        # a run named by its activation key ("relu") is shown by the activation's one
        # display name ("ReLU"), in the surface titles and the legend alike
        titles = tuple(display_name(t) for t, _, _ in runs)
        if titles != self._titles:
            self._rebuild(titles)
            force = True
        fell_back, drawn = False, False
        for view, curve, title, (_, snap, ds) in zip(self.surfaces, self.curves, titles, runs):
            view.set_points(ds)
            if not view.show_snapshot(snap, force=force):
                continue
            view.set_title(run_title(title, snap, ds))
            drawn = True
            hist = getattr(snap, "history", None) or {}
            y = np.asarray(hist.get("test_loss", ()), dtype=np.float64)
            if len(y) == 0 or np.isnan(y).all():  # no test set: fall back to train loss
                y = np.asarray(hist.get("train_loss", ()), dtype=np.float64)
                fell_back = fell_back or len(y) > 0
            if len(y) == 0:
                curve.setData([], [])
                continue
            ep = hist.get("epoch")
            ep = np.arange(1, len(y) + 1) if ep is None else np.asarray(ep)[: len(y)]
            x, y = thin(ep, y, self.max_points)
            curve.setData(x, np.maximum(y, 1e-12))  # > 0 for a log axis
        if drawn:
            self.loss_plot.setLabel("left", "loss (train: no test set)" if fell_back
                                    else "test loss")

    def set_log_scale(self, on: bool) -> None:
        """Log (True) or linear (False) loss axis."""
        self.loss_plot.setLogMode(x=False, y=bool(on))
