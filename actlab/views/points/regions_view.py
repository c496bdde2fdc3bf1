"""Linear regions: the input plane cut into the pieces on which a ReLU network is exactly
linear, each piece in its own colour, with their count.

A dumb view: it draws ``insights.regions`` (an (n, n) array of region ids, row-major like
the decision surface) and ``insights.region_count``, and over them the training points it
is given (:meth:`RegionsView.set_points`) and the decision boundary of
``insights.surface``, as the decision surface draws them: a student sees which pieces the
boundary runs through and which points each piece holds.
"""
from __future__ import annotations

import numpy as np

from actlab.views import colors
from actlab.engine.activations.builtin import ACTIVATIONS
from actlab.engine.activations.lookup import display_name
from actlab.views.qt import QtCore, QtWidgets, cache_axes, fix_plane_view, pg, white_background
from actlab.views.points.surface_view import class_boundaries, contour_lines, image_rect

PIECEWISE_LINEAR = ("relu", "leaky_relu", "linear")

#: A qualitative palette: the Okabe–Ito colours and lighter/darker variants, softened
#: towards white so the regions read as a map, not as classes.
_BASE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
         "#999999", "#8DD3C7", "#BEBADA", "#FB8072", "#80B1D3", "#FDB462", "#B3DE69")


def _soft(color: str, strength: float) -> tuple[int, int, int]:
    c = np.array(colors.hex_to_rgb(color), dtype=float)
    return tuple(int(round(v)) for v in 255 + (c - 255) * strength)


PALETTE = np.array([_soft(c, s) for s in (0.75, 0.45) for c in _BASE], dtype=np.uint8)


def _hash(ids: np.ndarray) -> np.ndarray:
    """A scrambled index per region id (Knuth's multiplicative hash), so regions with
    nearby ids do not get nearby palette entries."""
    return (np.asarray(ids, dtype=np.uint64) * np.uint64(2654435761)) % np.uint64(2 ** 32)


def region_colors(regions: np.ndarray) -> np.ndarray:
    """A palette index per region id such that regions touching on the grid (left/right
    or up/down) get different colours: each region takes its hashed palette entry, or
    the next one its already coloured neighbours do not use."""
    r = np.asarray(regions, dtype=np.int64)
    n_ids = int(r.max()) + 1 if r.size else 0
    pairs = [np.stack([r[:, :-1].ravel(), r[:, 1:].ravel()], 1),
             np.stack([r[:-1, :].ravel(), r[1:, :].ravel()], 1)]
    pairs = np.concatenate(pairs) if r.size else np.zeros((0, 2), np.int64)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs = np.unique(np.sort(pairs, axis=1), axis=0) if len(pairs) else pairs
    neighbours: list[list[int]] = [[] for _ in range(n_ids)]
    for a, b in pairs:
        neighbours[a].append(b)
        neighbours[b].append(a)
    start = (_hash(np.arange(n_ids)) % np.uint64(len(PALETTE))).astype(np.int64)
    chosen = np.full(n_ids, -1, dtype=np.int64)
    # colour the most connected regions first: they have the fewest free colours
    for rid in sorted(range(n_ids), key=lambda k: -len(neighbours[k])):
        used = {int(chosen[k]) for k in neighbours[rid]}
        for step in range(len(PALETTE)):
            c = (int(start[rid]) + step) % len(PALETTE)
            if c not in used:
                break
        chosen[rid] = c
    return chosen


def regions_rgba(regions: np.ndarray) -> np.ndarray:
    """RGBA uint8 image of the region ids, neighbours in different colours."""
    r = np.asarray(regions, dtype=np.int64)
    rgb = PALETTE[region_colors(r)][r]
    out = np.empty(r.shape + (4,), dtype=np.uint8)
    out[..., :3] = rgb
    out[..., 3] = 255
    return out


def count_text(count: int) -> str:
    """``"37 linear regions"`` / ``"1 linear region"``."""
    return f"{count} linear region" + ("" if count == 1 else "s")


def not_defined_text(activations) -> str:
    """Why no regions are shown, naming the activations that are not piecewise linear."""
    others = []
    for a in activations:
        if a not in PIECEWISE_LINEAR and a not in others:
            others.append(a)
    names = ", ".join(display_name(a) for a in others)  # a designed one: its name
    names_pl = " / ".join(ACTIVATIONS[a].title for a in ("relu", "leaky_relu", "linear"))
    return (f"Linear regions are defined for {names_pl} networks; this "
            f"network uses {names or 'other activations'}. Smooth activations bend "
            "the plane a little everywhere, so it does not split into flat pieces. "
            "Switch every layer to ReLU to see the pieces.")


class RegionsView(QtWidgets.QWidget):
    """The input plane [-extent, extent]² coloured by linear region, with a big count.

    Attributes: ``count_label``, ``message_label``, ``image``, ``plot_item``,
    ``train_points`` (scatter), ``boundary`` (curve).
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None, *, extent: float = 6.0):
        super().__init__(parent)
        self._extent = float(extent)
        self._epoch: int | None = None
        white_background(self)  # behind the plots, on screen and in PNGs
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        self.count_label = QtWidgets.QLabel("–")
        self.count_label.setStyleSheet(f"color: {colors.OUTLINE}; font-size: 18pt;"
                                       " font-weight: bold;")
        self.count_label.setToolTip(
            "Every ReLU is either on or off at a point. Points where all of them are in the "
            "same on/off state form one region, and there the whole network is exactly "
            "linear (a flat, tilted plane). More regions = more bends. Counted on the "
            "grid of the picture, so tiny regions may be missed.")
        lay.addWidget(self.count_label)
        self.message_label = QtWidgets.QLabel(
            "Each colour is a piece of the plane on which the network is exactly linear.")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(f"color: {colors.OUTLINE}; font-size: 9pt;")
        lay.addWidget(self.message_label)

        self.plot_widget = pg.PlotWidget(self)
        self.plot_item: pg.PlotItem = self.plot_widget.getPlotItem()
        pi, e = self.plot_item, self._extent
        fix_plane_view(pi, e)
        ticks = [[(v, f"{v:g}") for v in np.arange(-e, e + e / 6, e / 3)]]
        for name in ("left", "bottom", "top", "right"):
            pi.showAxis(name)
            ax = pi.getAxis(name)
            ax.setTicks(ticks)
            ax.setStyle(hideOverlappingLabels=False)  # keep the "±6" at the ends
            if name in ("top", "right"):  # no labels, but room for the outer "6"s
                ax.setStyle(showValues=False, tickLength=0)
        pi.getAxis("top").setHeight(8)
        pi.getAxis("right").setWidth(12)
        pi.setLabel("bottom", "x<sub>1</sub>")
        pi.setLabel("left", "x<sub>2</sub>")
        self.image = pg.ImageItem()
        self.image.setZValue(-10)
        # the decision surface's boundary and training points, in its colours
        self.boundary = pg.PlotCurveItem(pen=pg.mkPen(colors.BOUNDARY, width=2.0),
                                         connect="finite", antialias=True)
        self.boundary.setZValue(5)
        self.train_points = pg.ScatterPlotItem(symbol="o", size=7.0,
                                               pen=pg.mkPen(colors.OUTLINE, width=1.0))
        self.train_points.setZValue(10)
        self._problem = "classification"
        cache_axes(pi)
        for item in (self.image, self.boundary, self.train_points):
            pi.addItem(item, ignoreBounds=True)
        self.plot_widget.setToolTip(self.count_label.toolTip())
        lay.addWidget(self.plot_widget, 1)
        # takes the plot's room while it is hidden, so the text stays at the top
        self._spacer = QtWidgets.QSpacerItem(0, 0, QtWidgets.QSizePolicy.Policy.Minimum,
                                             QtWidgets.QSizePolicy.Policy.Fixed)
        lay.addItem(self._spacer)

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(520, 600)

    def set_points(self, dataset) -> None:
        """Show the training points of a point lab's ``Dataset`` (None: none), coloured
        by their targets as on the decision surface."""
        if dataset is None or np.asarray(dataset.X_train).shape[1:] != (2,):
            self.train_points.setData([])
            return
        self._problem = dataset.problem
        target_range = None
        if dataset.problem == "regression":
            target_range = colors.symmetric_range(
                np.concatenate([dataset.y_train, dataset.y_test]))
        rgba = colors.point_rgba(dataset.y_train, dataset.problem, dataset.n_classes,
                                 target_range)
        brushes = {c.tobytes(): pg.mkBrush(*c) for c in np.unique(rgba, axis=0)}
        self.train_points.setData(pos=np.asarray(dataset.X_train),
                                  brush=[brushes[c.tobytes()] for c in rgba])

    def show_boundary(self, surface) -> None:
        """Draw the decision boundary of an (n, n) P(class 1) or (n, n, k) probability
        image on the plane (none for regression values or no image)."""
        if surface is None or self._problem != "classification":
            self.boundary.setData([], [])
            return
        s = np.asarray(surface, dtype=np.float64)
        rect = image_rect(s.shape[0], s.shape[1], self._extent)
        x, y = class_boundaries(s, rect) if s.ndim == 3 else contour_lines(s, 0.5, rect)
        self.boundary.setData(x, y)

    def show_insights(self, insights, force: bool = False) -> bool:
        """Draw ``insights.regions`` and ``region_count`` (or say why there are none).
        Insights older (by epoch) than the last drawn are dropped unless ``force``."""
        if insights is None:
            return False
        if not force and self._epoch is not None and insights.epoch < self._epoch:
            return False
        self._epoch = insights.epoch
        self.show_regions(insights.regions, insights.region_count, insights.activations)
        self.show_boundary(getattr(insights, "surface", None))
        return True

    def clear(self) -> None:
        """Forget the last epoch drawn and its boundary (e.g. after Reset); points stay."""
        self._epoch = None
        self.boundary.setData([], [])

    def show_regions(self, regions, count=None, activations=()) -> None:
        """Draw an (n, n) region-id array (``count`` defaults to the distinct ids); with
        ``regions`` None explain that regions need piecewise-linear activations."""
        if regions is None:
            self.image.clear()
            self.count_label.setText("No linear regions")
            self.message_label.setText(not_defined_text(activations))
            self.message_label.setStyleSheet(f"color: {colors.OUTLINE}; font-size: 11pt;")
            self.plot_widget.hide()
            self._spacer.changeSize(0, 0, QtWidgets.QSizePolicy.Policy.Minimum,
                                    QtWidgets.QSizePolicy.Policy.Expanding)
            self.layout().invalidate()
            return
        r = np.asarray(regions)
        count = int(count) if count is not None else int(np.unique(r).size)
        self.plot_widget.show()
        self.message_label.setStyleSheet(f"color: {colors.OUTLINE}; font-size: 9pt;")
        self._spacer.changeSize(0, 0, QtWidgets.QSizePolicy.Policy.Minimum,
                                QtWidgets.QSizePolicy.Policy.Fixed)
        self.layout().invalidate()
        self.count_label.setText(count_text(count))
        self.message_label.setText(
            "Each colour is a piece of the plane where every ReLU stays on or stays off, so "
            "the network is exactly linear there; neighbouring pieces differ in colour."
            if count > 1 else
            "The whole plane is one piece: the network is a single linear function here.")
        self.image.setImage(regions_rgba(r), autoLevels=False,
                            rect=image_rect(r.shape[0], r.shape[1], self._extent))
