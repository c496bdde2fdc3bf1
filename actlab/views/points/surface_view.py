"""The decision-surface plot: what the network predicts over the input plane.

A dumb view: it draws the Snapshot and Dataset it is handed and never calls the engine.
Every plot item is created once in ``__init__`` and updated in place.
"""
from __future__ import annotations

import html
import math

import numpy as np

from actlab.views import colors
from actlab.views.qt import (QtCore, QtGui, QtWidgets, fit_central, fix_plane_view, pg,
                             white_background)
from actlab.views.square_box import SquareBox

_BUTTONS = {QtCore.Qt.MouseButton.LeftButton: 1, QtCore.Qt.MouseButton.RightButton: 2,
            QtCore.Qt.MouseButton.MiddleButton: 3}


class _SmoothImageItem(pg.ImageItem):
    """An ImageItem drawn with bilinear filtering, so a 100×100 surface scaled to a few
    hundred pixels looks smooth (as the Playground's scaled canvas does), not blocky."""

    def paint(self, painter, *args):
        painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, True)
        super().paint(painter, *args)


def image_rect(n_rows: int, n_cols: int, extent: float) -> QtCore.QRectF:
    """Where an image sampled on ``linspace(-extent, extent, n)`` lies in data coordinates.

    Sample ``j`` is the *centre* of pixel ``j``, so the image reaches half a pixel beyond
    ``±extent`` on every side.
    """
    dx = 2 * extent / max(n_cols - 1, 1)
    dy = 2 * extent / max(n_rows - 1, 1)
    return QtCore.QRectF(-extent - dx / 2, -extent - dy / 2, 2 * extent + dx, 2 * extent + dy)


def contour_lines(image: np.ndarray, level: float, rect: QtCore.QRectF
                  ) -> tuple[np.ndarray, np.ndarray]:
    """The ``level`` isocurves of a row-major ``image`` placed at ``rect``, as x and y
    arrays with NaN between separate lines (for ``PlotCurveItem(connect="finite")``)."""
    img = np.nan_to_num(np.asarray(image, dtype=np.float64), nan=level)
    # a runaway run's ±inf/1e308 would overflow isocurve's interpolation (v2 - v1)
    np.clip(img, level - 1e150, level + 1e150, out=img)
    rows, cols = img.shape
    # pg.isocurve works on (x, y)-indexed data and returns pixel-corner coordinates
    # (the centre of sample j is at j + 0.5), the same frame as ImageItem pixels.
    lines = pg.isocurve(img.T, level, connected=True, extendToEdge=True)
    sx, sy = rect.width() / cols, rect.height() / rows
    xs, ys = [], []
    for line in lines:
        arr = np.asarray(line, dtype=np.float64)
        if len(arr) < 2:
            continue
        xs += [rect.left() + arr[:, 0] * sx, [np.nan]]
        ys += [rect.top() + arr[:, 1] * sy, [np.nan]]
    if not xs:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(xs), np.concatenate(ys)


def class_boundaries(probs: np.ndarray, rect: QtCore.QRectF) -> tuple[np.ndarray, np.ndarray]:
    """Boundaries between the most likely classes of an (N, N, k) probability image: for
    each class, where its probability equals the best of the others."""
    xs, ys = [], []
    for c in range(probs.shape[-1]):
        others = np.delete(probs, c, axis=-1).max(axis=-1)
        margin = probs[..., c] - others
        if margin.max() <= 0:  # class c wins nowhere: it has no boundary of its own
            continue
        x, y = contour_lines(margin, 0.0, rect)
        xs += [x, [np.nan]]
        ys += [y, [np.nan]]
    if not xs:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(xs), np.concatenate(ys)


class SurfaceView(QtWidgets.QWidget):
    """The input plane [-extent, extent]² with the network's output as a coloured image,
    its decision boundary, and the training (filled circles) and test (squares) points.

    Signals:
        clicked(x1, x2, button, ctrl): a click inside the plotted square, in data
            coordinates; ``button`` is 1 left, 2 right, 3 middle; ``ctrl`` is True when
            Control was held.
    """

    clicked = QtCore.Signal(float, float, int, bool)
    keyChanged = QtCore.Signal()  # the colour key changed: see colour_key()

    def __init__(self, parent: QtWidgets.QWidget | None = None, *, compact: bool = False,
                 extent: float = 6.0, point_size: float | None = None,
                 legend: bool = False):
        """``compact`` makes a small view for grids (no axis titles, fewer ticks);
        ``legend`` adds a key below the plot: training points are circles, test points
        squares (exports want it; the window's controls already say which is which)."""
        super().__init__(parent)
        self._extent = float(extent)
        self._compact = compact
        self._epoch: int | None = None
        self._surface: np.ndarray | None = None
        self._override = False
        self._discretize = False
        self._problem, self._n_classes = "classification", 2
        self._target_range: float | None = None
        self._dataset = None
        self._title: str | None = None
        self._shown_title: str | None = None  # the title on screen (a hover's too)
        self._point_size = point_size or (5.0 if compact else 7.5)
        self._clickable = True

        self.plot_widget = pg.PlotWidget(parent=self)
        self.plot_widget.setAntialiasing(True)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)
        self.plot_item: pg.PlotItem = self.plot_widget.getPlotItem()
        self.view_box: pg.ViewBox = self.plot_item.getViewBox()
        self._setup_axes()
        # the box stays square, so the surface fills it (no white bands at its sides)
        self.square = SquareBox(self, self.plot_widget, layout, self._extent)
        white_background(self)  # the margins around the square plot

        self.image = _SmoothImageItem()
        self.image.setZValue(-10)
        self.contour = pg.PlotCurveItem(pen=pg.mkPen(colors.BOUNDARY, width=1.6),
                                        connect="finite", antialias=True)
        self.contour.setZValue(5)
        outline = pg.mkPen(colors.OUTLINE, width=1.0)
        self.train_points = pg.ScatterPlotItem(symbol="o", size=self._point_size, pen=outline)
        self.train_points.setZValue(10)
        self.test_points = pg.ScatterPlotItem(symbol="s", size=self._point_size * 0.8,
                                              pen=outline)
        self.test_points.setZValue(9)
        self.extra_line = pg.InfiniteLine(pen=pg.mkPen("#000000", width=2.2,
                                                       style=QtCore.Qt.PenStyle.DashLine))
        self.extra_line.setZValue(20)
        self.extra_line.hide()
        for item in (self.image, self.contour, self.test_points, self.train_points,
                     self.extra_line):
            self.plot_item.addItem(item, ignoreBounds=True)
        self.legend = self._make_legend(outline) if legend else None
        if self.legend is not None:
            self.square.on_width = self._fit_legend
        self.plot_widget.scene().sigMouseClicked.connect(self._on_click)

    # ----------------------------------------------------------------- setup
    def _make_legend(self, outline) -> pg.LegendItem:
        """A one-row key under the x axis, outside the plane so it hides no point.  Its
        samples are neutral grey: the colours are the classes, the shapes the split."""
        legend = pg.LegendItem(colCount=2, labelTextSize="9pt", horSpacing=18)
        grey = pg.mkBrush("#9E9E9E")
        self._legend_samples = {
            "train": pg.ScatterPlotItem(symbol="o", size=self._point_size, pen=outline,
                                        brush=grey),
            "test": pg.ScatterPlotItem(symbol="s", size=self._point_size * 0.8,
                                       pen=outline, brush=grey)}
        legend.setParentItem(self.plot_item)
        legend.setSizePolicy(QtWidgets.QSizePolicy.Policy.Fixed,
                             QtWidgets.QSizePolicy.Policy.Fixed)
        # across all columns: the key must not set the box's minimum width
        self.plot_item.layout.addItem(legend, 4, 0, 1, 3)
        self.plot_item.layout.setAlignment(legend, QtCore.Qt.AlignmentFlag.AlignHCenter)
        self._fill_legend(legend)
        return legend

    def _fit_legend(self, width: float) -> None:
        """One row for the key when the plot is wide enough, else one entry a row: a
        row wider than the square box would widen the box (it sets its column)."""
        legend = self.legend
        if self._legend_row_width is None:  # measured once per set of entries
            legend.setColumnCount(2)
            self._legend_row_width = legend.effectiveSizeHint(
                QtCore.Qt.SizeHint.MinimumSize).width()
        legend.setColumnCount(2 if self._legend_row_width <= width else 1)

    def _fill_legend(self, legend) -> None:
        self._legend_row_width = None
        legend.clear()
        legend.addItem(self._legend_samples["train"], "training points")
        if self.test_points.isVisible():
            legend.addItem(self._legend_samples["test"], "test points")

    def legend_entries(self) -> list[str]:
        """The labels shown in the legend, in order (empty without a legend)."""
        if self.legend is None:
            return []
        return [label.text for _, label in self.legend.items]

    def _setup_axes(self) -> None:
        pi, e = self.plot_item, self._extent
        fix_plane_view(pi, e)
        step = e / 2 if self._compact else e / 3
        ticks = [[(v, f"{v:g}") for v in np.arange(-e, e + step / 2, step)]]
        for name in ("left", "bottom", "top", "right"):
            pi.showAxis(name)
            ax = pi.getAxis(name)
            ax.setTicks(ticks)
            ax.setStyle(hideOverlappingLabels=False)  # keep the "±6" at the ends
            if name in ("top", "right"):
                # no labels, but room for the "6" of the outer ticks of the other axes
                ax.setStyle(showValues=False, tickLength=0)
        pi.getAxis("top").setHeight(8)
        pi.getAxis("right").setWidth(12)
        font = QtGui.QFont()
        if not self._compact:
            pi.setLabel("bottom", "x<sub>1</sub>")
            pi.setLabel("left", "x<sub>2</sub>")
        else:
            font.setPointSizeF(max(font.pointSizeF() * 0.8, 6.0))
            for name in ("left", "bottom"):
                pi.getAxis(name).setStyle(tickFont=font, tickTextOffset=2)
        # A fixed width for the left axis: left to size itself it changes with the box's
        # height, and the square box (see SquareBox) would chase it over several layouts
        fm = QtGui.QFontMetricsF(font)
        labels = max(fm.horizontalAdvance(f"{v:g}") for v in (-e, e, -step))
        title = 0.0 if self._compact else fm.height() * 1.6
        pi.getAxis("left").setWidth(int(labels + 14 + title))

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(260, 260) if self._compact else QtCore.QSize(520, 520)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        title = self._shown_title
        if self._compact and title is not None and \
                ("<br>" in self.plot_item.titleLabel.text) == self._title_fits(title):
            self._show_title(title)  # one line again, or two, for the new width
        self.square.host_resized()

    # ----------------------------------------------------------------- data
    def set_problem(self, problem: str, n_classes: int) -> None:
        """Choose colours for ``problem`` ("classification"/"regression") and classes."""
        self._problem, self._n_classes = problem, int(n_classes)
        self._redraw()
        self.keyChanged.emit()

    def set_points(self, dataset) -> None:
        """Show the training and test points of an ``actlab.engine.data.dataset.Dataset``
        (also sets the problem type).  Passing the same object again does nothing."""
        if dataset is self._dataset:
            return
        self._dataset = dataset
        if dataset is None:
            self.train_points.setData([])
            self.test_points.setData([])
            return
        self._problem, self._n_classes = dataset.problem, dataset.n_classes
        self._target_range = None
        if dataset.problem == "regression":
            self._target_range = colors.symmetric_range(
                np.concatenate([dataset.y_train, dataset.y_test]))
        for item, X, y in ((self.train_points, dataset.X_train, dataset.y_train),
                           (self.test_points, dataset.X_test, dataset.y_test)):
            item.setData(pos=np.asarray(X), brush=self._brushes(y))
        self._redraw()
        self.keyChanged.emit()

    def colour_key(self) -> tuple[str, int, float | None, tuple]:
        """(problem, classes, regression value range, class names) the colours mean."""
        names = tuple(getattr(self._dataset, "class_names", None) or ())
        return self._problem, self._n_classes, self._target_range, names

    def _brushes(self, y: np.ndarray) -> list:
        rgba = colors.point_rgba(y, self._problem, self._n_classes, self._target_range)
        cache: dict[bytes, QtGui.QBrush] = {}  # few distinct colours for classes
        out = []
        for c in rgba:  # look up first: making a QBrush per point cost ~2 ms per 500
            key = c.tobytes()
            brush = cache.get(key)
            if brush is None:
                brush = cache[key] = pg.mkBrush(*c)
            out.append(brush)
        return out

    def set_show_test(self, show: bool) -> None:
        """Show or hide the test points (and their legend entry)."""
        self.test_points.setVisible(bool(show))
        if self.legend is not None:
            self._fill_legend(self.legend)

    def set_discretize(self, on: bool) -> None:
        """Paint hard class regions (True) or shade by the network's certainty (False)."""
        self._discretize = bool(on)
        self._redraw()

    def set_title(self, title: str | None) -> None:
        """A title above the plot, plain text (None: no title)."""
        self._title = title
        if not self._override:
            self._show_title(title)

    def _show_title(self, title: str | None) -> None:
        # pyqtgraph titles are rich text: escape, so a lab named "<img ...>" is just text
        text = None if title is None else html.escape(title)
        if text is not None and self._compact and not self._title_fits(title):
            # a title sets the plot's minimum width: on one line ("ReLU · test acc 98 %")
            # it was wider than a grid cell at 1366x768, and the square box beneath it was
            # squeezed to a sliver; the run's name above its numbers fits
            text = text.replace(" · ", "<br>")
        self._shown_title = title
        self.plot_item.setTitle(text, size="10pt" if self._compact else "11pt")
        fit_central(self.plot_widget)  # a shorter title frees the width a longer one held

    def _title_fits(self, title: str) -> bool:
        """True when ``title`` fits on one line in this view's width (with its axes)."""
        font = QtGui.QFont(self.font())
        font.setPointSizeF(10.0)
        need = QtGui.QFontMetricsF(font).horizontalAdvance(title) + 50  # axes, margins
        return need <= self.width()

    # ----------------------------------------------------------------- snapshots
    def show_snapshot(self, snapshot, force: bool = False) -> bool:
        """Draw ``snapshot.surface``.  A snapshot older (by epoch) than the last one drawn
        is dropped unless ``force`` (use ``force`` after a reset).  Returns True if drawn.

        A snapshot taken without a surface (``grid=None``) leaves the picture as it was.
        While a neuron image is shown (:meth:`show_image`) the surface is stored and
        appears on :meth:`clear_override`."""
        if snapshot is None:
            return False
        if not force and self._epoch is not None and snapshot.epoch < self._epoch:
            return False
        self._epoch = snapshot.epoch
        if snapshot.surface is not None:
            if float(snapshot.extent) != self._extent:
                self.square.set_extent(snapshot.extent)
            self._extent = float(snapshot.extent)
            self._surface = snapshot.surface
            self._redraw()
        return True

    @property
    def last_epoch(self) -> int | None:
        """Epoch of the last snapshot drawn (None before the first)."""
        return self._epoch

    def clear(self) -> None:
        """Forget the surface and the last epoch (e.g. after Reset); points stay."""
        self._epoch, self._surface = None, None
        self.image.clear()
        self.contour.setData([], [])

    def _redraw(self) -> None:
        if self._override:
            return
        s = self._surface
        if s is None:
            return
        rect = image_rect(s.shape[0], s.shape[1], self._extent)
        rgba = colors.surface_rgba(s, self._problem, self._discretize, self._target_range)
        self.image.setImage(rgba, autoLevels=False, rect=rect)
        if s.ndim == 3:
            x, y = class_boundaries(np.asarray(s, dtype=np.float64), rect)
        elif self._problem == "classification":
            x, y = contour_lines(s, 0.5, rect)
        else:
            x, y = np.zeros(0), np.zeros(0)
        self.contour.setData(x, y)

    # ----------------------------------------------------------------- overrides
    def show_image(self, img2d: np.ndarray, title: str | None = None,
                   vmax: float | None = None) -> None:
        """Show one 2-D image (e.g. a hidden neuron's output over the plane) in place of
        the surface, on a diverging map centred on 0 (half-range ``vmax``, default the
        largest ``|value|``).  Points stay; the decision boundary is hidden."""
        img = colors.as_float32(img2d)  # 1e300 from a runaway run: inf, no warning
        self._override = True
        rect = image_rect(img.shape[0], img.shape[1], self._extent)
        self.image.setImage(colors.diverging_rgba(img, vmax), autoLevels=False, rect=rect)
        self.contour.hide()
        self._show_title(title)

    def clear_override(self) -> None:
        """Go back to the decision surface after :meth:`show_image`."""
        if not self._override:
            return
        self._override = False
        self.contour.show()
        self._show_title(self._title)
        if self._surface is None:
            self.image.clear()
        self._redraw()

    @property
    def override_active(self) -> bool:
        """True while :meth:`show_image` replaces the surface."""
        return self._override

    def set_extra_line(self, p1, p2) -> None:
        """Overlay a dashed straight line through data points ``p1`` and ``p2`` (extends
        across the whole plot), e.g. the boundary of a collapsed linear model."""
        (x1, y1), (x2, y2) = p1, p2
        if not all(map(math.isfinite, (x1, y1, x2, y2))) or (x1, y1) == (x2, y2):
            self.clear_extra_line()
            return
        self.extra_line.setPos(QtCore.QPointF(float(x1), float(y1)))
        self.extra_line.setAngle(math.degrees(math.atan2(y2 - y1, x2 - x1)))
        self.extra_line.show()

    def clear_extra_line(self) -> None:
        """Remove the line set by :meth:`set_extra_line`."""
        self.extra_line.hide()

    # ----------------------------------------------------------------- mouse
    def map_to_viewport(self, x1: float, x2: float) -> QtCore.QPoint:
        """The viewport pixel (of ``plot_widget.viewport()``) showing data point (x1, x2)."""
        scene = self.view_box.mapViewToScene(QtCore.QPointF(x1, x2))
        return self.plot_widget.mapFromScene(scene)

    def set_clickable(self, on: bool) -> None:
        """Report clicks with ``clicked`` (True, the default) or ignore them (False, e.g.
        when a teacher locked the data so points cannot be added by clicking)."""
        self._clickable = bool(on)

    def is_clickable(self) -> bool:
        return self._clickable

    def _on_click(self, ev) -> None:
        if not self._clickable or ev.double():
            return  # the first click of a double-click was already reported
        pos = ev.scenePos()
        if not self.view_box.sceneBoundingRect().contains(pos):
            return
        p = self.view_box.mapSceneToView(pos)
        e = self._extent
        if abs(p.x()) > e or abs(p.y()) > e:
            return
        ctrl = bool(ev.modifiers() & QtCore.Qt.KeyboardModifier.ControlModifier)
        ev.accept()
        self.clicked.emit(float(p.x()), float(p.y()), _BUTTONS.get(ev.button(), 0), ctrl)
