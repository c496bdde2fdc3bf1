"""Figures of function labs (y = f(x)) without a window: ``fit.png`` (training and test
points, the fitted curve and, for piecewise-linear networks, its kinks) and
``compare.png`` (one such plot per run, side by side, same axes).

Each figure is a pyqtgraph GraphicsLayoutWidget laid out and saved offscreen by
:func:`actlab.figures.render._export`, as the other CLI figures are.  Qt is imported lazily.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class FitRun:
    """What one fit plot shows: a title, the data set (x of shape (n, 1)), the curve
    sampled on [-6, 6] and the x positions of its kinks (empty when not counted)."""

    title: str
    dataset: object
    curve_x: np.ndarray
    curve_y: np.ndarray
    kinks: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: ``(w, b)`` of the one line y = w·x + b an all-linear network equals, drawn dashed
    #: over the curve (the 1-D collapse); None to draw no line
    line: tuple | None = None


def _y_range(runs) -> tuple[float, float]:
    """One y range for every plot (so side-by-side curves compare), from the data and the
    curves, clipped so one runaway curve does not flatten the others' points."""
    data = np.concatenate([np.concatenate([r.dataset.y_train, r.dataset.y_test])
                           for r in runs])
    lo, hi = (float(data.min()), float(data.max())) if data.size else (-1.0, 1.0)
    span = max(hi - lo, 1e-6)
    curves = np.concatenate([r.curve_y[np.isfinite(r.curve_y)] for r in runs] or [[0.0]])
    if curves.size:
        lo = max(min(lo, float(curves.min())), lo - span)
        hi = min(max(hi, float(curves.max())), hi + span)
    pad = 0.08 * max(hi - lo, 1e-6)
    return lo - pad, hi + pad


def _add_plot(layout, run: FitRun, y_range, row: int, col: int, legend: bool):
    from actlab.views import colors
    from actlab.views.qt import QtCore, pg

    plot = layout.addPlot(row=row, col=col, title=run.title)
    plot.showGrid(x=True, y=True, alpha=0.15)
    plot.setLabel("bottom", "x")
    plot.setLabel("left", "y")
    if legend:  # collects the named items below: train, test, the line (the curve is unnamed)
        plot.addLegend(offset=(8, 8), labelTextSize="9pt", brush=pg.mkBrush(255, 255, 255, 230),
                       pen=pg.mkPen("#BBBBBB"))
    ds = run.dataset
    plot.addItem(pg.ScatterPlotItem(
        ds.X_train[:, 0], ds.y_train, symbol="o", size=6, pen=pg.mkPen(colors.OUTLINE),
        brush=pg.mkBrush(colors.line_color(0)), name="train"))
    if ds.n_test:
        plot.addItem(pg.ScatterPlotItem(
            ds.X_test[:, 0], ds.y_test, symbol="s", size=6,
            pen=pg.mkPen(colors.line_color(1)), brush=pg.mkBrush(255, 255, 255, 200),
            name="test"))
    ok = np.isfinite(run.curve_y)
    plot.plot(run.curve_x[ok], run.curve_y[ok], pen=pg.mkPen(colors.OUTLINE, width=2.5))
    if run.line is not None:  # dashed and in colour, so the curve stays visible under it
        w, b = run.line
        xs = np.array([-6.0, 6.0])
        plot.plot(xs, w * xs + b, pen=pg.mkPen(colors.line_color(2), width=2,
                                               style=QtCore.Qt.PenStyle.DashLine),
                  name=f"y = {w:.3g}·x {'+' if b >= 0 else '−'} {abs(b):.3g}")
    if len(run.kinks):
        ky = np.interp(run.kinks, run.curve_x[ok], run.curve_y[ok])
        plot.addItem(pg.ScatterPlotItem(run.kinks, ky, symbol="d", size=9,
                                        pen=pg.mkPen("#B00020"),
                                        brush=pg.mkBrush("#E53935")))
    plot.setXRange(-6.0, 6.0, padding=0.02)
    plot.setYRange(*y_range, padding=0)
    plot.setMouseEnabled(False, False)
    return plot


def _figure(runs, columns: int):
    from actlab.figures.render import ensure_app
    from actlab.views.qt import pg

    ensure_app()
    layout = pg.GraphicsLayoutWidget()
    layout.setBackground("w")
    y_range = _y_range(runs)
    for i, run in enumerate(runs):
        _add_plot(layout, run, y_range, i // columns, i % columns, len(runs) == 1)
    return layout


def render_fit_png(run: FitRun, path, size: tuple[int, int] = (700, 480),
                   scale: float | None = None) -> Path:
    """Save one run's fit plot as a PNG (with ``run.line`` dashed over it when set: the
    collapse figure of ``--instruments``)."""
    from actlab.figures.render import _export
    return _export(_figure([run], 1), path, size, scale)


def render_function_compare_png(runs, path, scale: float | None = None) -> Path:
    """Save the fit plots of several runs side by side (at most three per row, one shared
    y range) as a PNG."""
    from actlab.figures.render import _export
    runs = list(runs)
    columns = min(3, max(1, len(runs)))
    rows = -(-len(runs) // columns)
    return _export(_figure(runs, columns), path, (420 * columns, 360 * rows), scale)
