"""Compare activations for a function lab: every run's curve side by side (the same data,
the same starting weights, the same minibatches), each titled with its activation, its
test R² and — for piecewise-linear networks — its number of linear pieces; above them the
runs' test losses in one plot.

It draws ``(name, snapshot, CurvePicture)`` triples and nothing else (the comparison's
worker makes the pictures); cells are made once per set of names and updated in place.
"""
from __future__ import annotations

import numpy as np

from actlab.engine.activations.lookup import display_name
from actlab.engine.analysis.curve_metrics import r2_from_loss
from actlab.views import colors
from actlab.views.instruments.collapse_panel import MINUS
from actlab.views.loss_view import legend_row, refit_legend, thin
from actlab.views.qt import QtCore, QtWidgets, even_columns, fill_grid, pg, quiet_plot
from actlab.views.functions.curve_view import CurveView

COLUMNS = 2          # cells a row at least (when there are two): a column ~330-450 px
CELL_HEIGHT = 170    # enough for the curve and its axis numbers
CELL_WIDTH = 140     # the narrowest cell: its axis numbers and a 60-px data area


def run_title(name: str, snapshot, pic, custom=()) -> str:
    """"ReLU · R² 0.973 · 7 pieces" — what a cell's title says about its run."""
    parts = [display_name(name, custom)]
    if snapshot is not None and pic is not None and pic.test_y.size >= 2:
        r2 = r2_from_loss(snapshot.test_loss, pic.test_y)
        if r2 is not None:
            parts.append(f"R² {r2:.3f}".replace("-", MINUS))
    if pic is not None and pic.n_pieces is not None and pic.line is None:
        parts.append(f"{pic.n_pieces} piece{'s' if pic.n_pieces != 1 else ''}")
    elif pic is not None and pic.line is not None:
        parts.append("one line")
    return " · ".join(parts)


class _Cell(QtWidgets.QWidget):
    """One run: its title above a small curve view (no key: the main view has one)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.title = QtWidgets.QLabel("")
        self.title.setAlignment(QtCore.Qt.AlignmentFlag.AlignHCenter)
        self.title.setStyleSheet("font-weight: bold;")
        self.full_title = ""
        self.view = CurveView(self)
        # no key in a small cell (the main curve view has one): out of the layout, so
        # its row above the plot takes no height
        self.view.plot_item.layout.removeItem(self.view.legend)
        self.view.legend.hide()
        self.view.plot_item.setLabel("bottom", None)
        self.view.plot_item.setLabel("left", None)
        self.view.setMinimumHeight(CELL_HEIGHT - 20)
        # two lines of title whether it wraps or not: the cells of a row stay level
        self.title.setAlignment(QtCore.Qt.AlignmentFlag.AlignHCenter
                                | QtCore.Qt.AlignmentFlag.AlignBottom)
        lay.addWidget(self.title)
        lay.addWidget(self.view, 1)
        self.epoch = -1
        self.pic = None

    def set_title(self, text: str) -> None:
        self.full_title = text
        self._show_title()

    def _show_title(self) -> None:
        """One line, or the name over the numbers in a narrow cell ("Leaky ReLU · R² 0.973
        · 7 pieces" on one line made the cell wider than a small screen's column, the
        second cell cut off).  Not a word-wrapped label: its height-for-width made the
        scrolling page as tall as the cells' preferred heights."""
        text = self.full_title
        # two lines at the font in use (presentation mode's is larger: a height set for
        # the normal font cut the first line off)
        self.title.setMinimumHeight(2 * self.title.fontMetrics().lineSpacing() + 2)
        if " · " in text and self.title.fontMetrics().horizontalAdvance(text) > self.width():
            name, rest = text.split(" · ", 1)
            text = f"{name}\n{rest}"
        if text != self.title.text():
            self.title.setText(text)

    def minimumSizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        hint = super().minimumSizeHint()
        hint.setWidth(CELL_WIDTH)  # the title takes two lines rather than widen the cell
        return hint

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._show_title()


class CompareCurvesView(QtWidgets.QWidget):
    """The test loss of every run, then one curve per run in a grid.  Public parts (for
    tests): ``cells`` (each with ``title`` and ``view``), ``loss_plot``,
    ``loss_curves``."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._names: tuple = ()
        self._columns = 0
        self.cells: list[_Cell] = []
        self.loss_curves: list[pg.PlotDataItem] = []
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        self.loss_widget = pg.PlotWidget(parent=self)
        # a legend row, the epoch axis and a data area of at least 60 px (at 120 px it
        # kept 42 px at 1366x768)
        # (165: the legend wraps to two rows in a narrow column)
        self.loss_widget.setMinimumHeight(165)
        self.loss_widget.setMaximumHeight(210)
        self.loss_plot: pg.PlotItem = self.loss_widget.getPlotItem()
        quiet_plot(self.loss_plot, "epoch", "test loss")
        self.loss_plot.setMouseEnabled(False, False)
        self.legend = legend_row(self.loss_plot, [])
        lay.addWidget(self.loss_widget)
        self.grid = QtWidgets.QGridLayout()
        self.grid.setSpacing(6)
        lay.addLayout(self.grid, 1)

    def _rebuild(self, names: tuple, custom) -> None:
        for cell in self.cells:
            self.grid.removeWidget(cell)
            cell.deleteLater()
        for curve in self.loss_curves:
            self.loss_plot.removeItem(curve)
        self.legend.clear()
        self.cells, self.loss_curves = [], []
        self._columns = 0
        for i, name in enumerate(names):
            cell = _Cell(self)
            self.cells.append(cell)
            curve = self.loss_plot.plot(pen=pg.mkPen(colors.line_color(i), width=2))
            self.loss_curves.append(curve)
            self.legend.addItem(curve, display_name(name, custom))
        refit_legend(self.legend, max(1, min(len(names), 4)))
        self._names = names
        self._place()

    def _place(self) -> None:
        """As many cells a row as the width holds (at least two), rows of equal length:
        four runs in one row on a wide column keep every curve in sight on a short
        screen, two rows of two on a narrow one."""
        n = len(self.cells)
        fit = (self.width() + self.grid.spacing()) // (CELL_WIDTH + self.grid.spacing())
        cols = even_columns(n, max(1, min(n, max(fit, COLUMNS))))
        if cols == self._columns:
            return
        self._columns = cols
        fill_grid(self.grid, self.cells, cols)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._place()

    def minimumSizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        """Two cells a row (the grid takes fewer rows when it is wider)."""
        hint = super().minimumSizeHint()
        cols = min(len(self.cells), COLUMNS) or 1
        hint.setWidth(cols * CELL_WIDTH + (cols - 1) * self.grid.spacing())
        return hint

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        """Every run in one row, when the window can give the width."""
        hint = super().sizeHint()
        n = max(len(self.cells), COLUMNS)
        hint.setWidth(max(hint.width(), n * (CELL_WIDTH + self.grid.spacing())))
        return hint

    def show_runs(self, runs, force: bool = False, custom=()) -> None:
        """Draw ``runs``, a list of ``(name, snapshot, CurvePicture)`` (or ``(name, pic)``
        with no snapshot).  The same names update in place; others rebuild the cells."""
        runs = [r if len(r) == 3 else (r[0], None, r[1]) for r in runs]
        names = tuple(name for name, _, _ in runs)
        if names != self._names:
            self._rebuild(names, custom)
            force = True
        for i, (name, snap, pic) in enumerate(runs):
            cell = self.cells[i]
            epoch = getattr(pic, "epoch", -1)
            if not force and pic is cell.pic and epoch == cell.epoch:
                continue
            cell.pic, cell.epoch = pic, epoch
            cell.view.show_picture(pic)
            cell.set_title(run_title(name, snap, pic, custom))
            cell.setToolTip(cell.view.pieces_text())
            hist = getattr(snap, "history", None) or {}
            ep = np.asarray(hist.get("epoch", ()), dtype=np.float64)
            loss = np.asarray(hist.get("test_loss", ()), dtype=np.float64)
            if len(ep) != len(loss):
                ep = np.arange(1, len(loss) + 1, dtype=np.float64)
            if loss.size:
                x, y = thin(ep, loss)
                self.loss_curves[i].setData(x, y)
            else:
                self.loss_curves[i].setData([], [])

    def titles(self) -> list[str]:
        """The cells' titles, in order (what the student reads)."""
        return [c.full_title for c in self.cells]
