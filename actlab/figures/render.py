"""Render views to PNG without a window (used by the CLI and by tests).

Each function builds the same view widget the main window shows, sizes it, lets Qt lay
it out and saves it with :func:`actlab.views.export.export_png`.  Qt is imported lazily so
``import actlab.figures.render`` stays cheap, and :func:`ensure_app` picks the ``offscreen``
platform when there is no display, so this works over SSH and in CI.
"""
from __future__ import annotations

import html
import math
import os
import sys
from pathlib import Path

import numpy as np

_APP = None  # keeps the QApplication alive for the life of the process


def ensure_app(headless: bool = False):
    """The running QApplication, or a new one.

    Before creating one, ``QT_QPA_PLATFORM=offscreen`` is set when ``headless`` is True,
    or (on Linux and other X11/Wayland systems) when neither ``DISPLAY`` nor
    ``WAYLAND_DISPLAY`` is set.  An existing application is returned unchanged.
    """
    global _APP
    from PySide6 import QtWidgets

    app = QtWidgets.QApplication.instance()
    if app is not None:
        return app
    no_display = (sys.platform not in ("win32", "darwin")
                  and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"))
    if headless:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif no_display:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _APP = QtWidgets.QApplication([sys.argv[0] if sys.argv and sys.argv[0] else "actlab"])
    if _APP.platformName() == "offscreen":
        _quiet_offscreen_warning()
    return _APP


def _quiet_offscreen_warning() -> None:
    """Drop the offscreen plugin's harmless "does not support propagateSizeHints()"
    warning (printed for every window shown) so CLI output stays clean."""
    from PySide6 import QtCore

    def handler(mode, context, message):
        if "propagateSizeHints" in message:
            return
        if sys.stderr is not None:  # a windowed app (Windows, macOS) has none
            sys.stderr.write(message + "\n")

    QtCore.qInstallMessageHandler(handler)


def _export(widget, path, size: tuple[int, int], scale: float | None,
            after_layout=None) -> Path:
    from actlab.views.export import export_png
    from actlab.views.qt import QtCore, QtWidgets

    app = ensure_app()
    # Lay the widget out as if shown, without ever putting a window on a real screen.
    widget.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    widget.resize(*size)
    widget.show()
    for _ in range(3):  # layout, then the ViewBox range/aspect update, then paint
        app.processEvents()
        QtWidgets.QApplication.sendPostedEvents()
    if after_layout is not None:  # e.g. placing a legend needs the laid-out sizes
        after_layout()
        app.processEvents()
    try:
        return export_png(widget, path, scale)
    finally:
        widget.close()
        widget.deleteLater()


def surface_view(snapshot, dataset, title: str | None = None, show_test: bool = True,
                 discretize: bool = False):
    """The SurfaceView :func:`render_surface_png` saves: ``title`` (plain text) above,
    a legend for training (circles) and test (squares) points below."""
    ensure_app()
    from actlab.views.points.surface_view import SurfaceView

    view = SurfaceView(legend=True)
    view.set_points(dataset)
    view.set_show_test(show_test)
    view.set_discretize(discretize)
    view.set_title(title)
    view.show_snapshot(snapshot, force=True)
    return view


def render_surface_png(snapshot, dataset, path, title: str | None = None,
                       size: tuple[int, int] = (600, 600), scale: float | None = None,
                       show_test: bool = True, discretize: bool = False) -> Path:
    """Save the decision surface of ``snapshot`` with ``dataset``'s points as a PNG (see
    :func:`surface_view`)."""
    return _export(surface_view(snapshot, dataset, title, show_test, discretize), path,
                   size, scale)


def loss_view(history, log_scale: bool = False, title: str | None = None):
    """The LossView :func:`render_loss_png` saves: ``title`` (plain text) above; a linear
    axis starts at 0 (see :func:`loss_axis_range`)."""
    ensure_app()
    from actlab.views.loss_view import LossView

    view = LossView(title=html.escape(title) if title else None)
    view.set_log_scale(log_scale)
    view.show_history(history)
    if not log_scale:
        _fix_y_range(view.plot_item)
    return view


def render_loss_png(history, path, size: tuple[int, int] = (700, 400),
                    scale: float | None = None, log_scale: bool = False,
                    title: str | None = None) -> Path:
    """Save the train/test loss curves of ``history`` (a Snapshot's history) as a PNG
    (see :func:`loss_view`)."""
    # (the legend sits in a row above the plot: no corner to pick, no curve hidden)
    return _export(loss_view(history, log_scale, title), path, size, scale)


def loss_axis_range(plot_item) -> tuple[float, float] | None:
    """The y range for an exported linear loss plot: from just below 0 (so the 0 tick is
    drawn and labelled) to a little above the largest finite value its curves draw.
    Autoscaling to the data alone turns a loss wandering between 0.66 and 0.70 into a
    jagged line that reads as spikes; from 0 the same run is the flat line it is.  None
    when no curve has a finite value."""
    top = None
    for item in plot_item.listDataItems():
        y = item.getData()[1]
        if y is None:
            continue
        y = np.asarray(y, dtype=np.float64)
        y = y[np.isfinite(y)]
        if len(y):
            top = max(top or 0.0, float(y.max()))
    if top is None:
        return None
    top = top if top > 0 else 1.0
    return -0.02 * top, 1.05 * top


def _fix_y_range(plot_item) -> None:
    span = loss_axis_range(plot_item)
    if span is not None:
        plot_item.getViewBox().enableAutoRange(y=False)
        plot_item.getViewBox().setYRange(*span, padding=0)


def compare_view(runs):
    """The CompareView :func:`render_compare_png` saves (loss axis from 0, as in
    :func:`loss_view`)."""
    ensure_app()
    from actlab.views.points.compare_view import CompareView

    view = CompareView()
    view.show_runs(runs, force=True)
    _fix_y_range(view.loss_plot)
    return view


def render_compare_png(runs, path, size: tuple[int, int] | None = None,
                       scale: float | None = None) -> Path:
    """Save a comparison of ``runs`` (a list of ``(title, snapshot, dataset)``): one small
    surface per run and their test losses.  Default width is about 300 px per column."""
    from actlab.views.points.compare_view import grid_columns

    runs = list(runs)
    view = compare_view(runs)
    if size is None:
        cols = grid_columns(max(len(runs), 1))
        rows = math.ceil(max(len(runs), 1) / cols)
        size = (300 * cols, 300 * rows + 280)
    return _export(view, path, size, scale)


def render_collapse_png(insights, path, problem: str = "classification", width: int = 360,
                        height: int | None = None, scale: float | None = None) -> Path:
    """Save the "Why non-linearity?" collapse panel for ``insights`` as a PNG.  Without
    ``height`` the picture is as tall as the panel's content at ``width``."""
    app = ensure_app()
    from actlab.views.instruments.collapse_panel import CollapsePanel

    panel = CollapsePanel()
    panel.set_problem(problem)
    panel.show_insights(insights, force=True)
    if height is None:
        # lay the content out at this width first: wrapped labels grow taller
        panel.resize(width, 2000)
        panel.setAttribute(_dont_show_on_screen(), True)
        panel.show()
        for _ in range(3):
            app.processEvents()
        body = panel.scroll.widget()
        height = body.layout().totalHeightForWidth(width) if body.layout().hasHeightForWidth() \
            else body.sizeHint().height()
        height = max(200, int(height) + 4)
    return _export(panel, path, (width, height), scale)


def render_gradients_png(insights, path, size: tuple[int, int] = (700, 520),
                         scale: float | None = None) -> Path:
    """Save the gradient-flow view (gradient size per layer, dead ReLU units, saturation
    histograms) for ``insights`` as a PNG."""
    ensure_app()
    from actlab.views.instruments.gradient_view import GradientFlowView

    view = GradientFlowView()
    view.show_insights(insights, force=True)
    return _export(view, path, size, scale)


def render_regions_png(insights, path, size: tuple[int, int] = (520, 600),
                       scale: float | None = None) -> Path:
    """Save the linear-regions view for ``insights`` as a PNG (``insights.regions`` is
    None for networks that are not piecewise linear: the view then says so)."""
    ensure_app()
    from actlab.views.points.regions_view import RegionsView

    view = RegionsView()
    view.show_insights(insights, force=True)
    return _export(view, path, size, scale)


def _dont_show_on_screen():
    from actlab.views.qt import QtCore

    return QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen
