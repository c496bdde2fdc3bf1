"""The plot views draw real snapshots from a real Trainer (pytest-qt)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import dataclasses

import numpy as np
import pytest

from actlab.engine import Trainer
from actlab.lab import DataSpec, default_lab
from actlab.views import colors
from actlab.views.points.compare_view import CompareView
from actlab.views.export import (export_csv_history, export_png, export_svg, image_is_blank,
                                 qimage_to_array)
from actlab.views.loss_view import LossView, thin_indices
from actlab.views.qt import QtCore, QtGui
from actlab.views.points.surface_view import SurfaceView
from actlab.engine.activations.builtin import ACTIVATIONS


@pytest.fixture(scope="module")
def trained():
    """The default lab (circle, tanh) trained until it separates the classes."""
    t = Trainer(default_lab())
    while t.epoch < 400:
        t.train(20)
        if t.evaluate()["test_accuracy"] >= 0.95:
            break
    return t, t.snapshot()


def _is_blue(rgba) -> bool:
    r, _, b = (int(c) for c in rgba[:3])
    return b > r


def _shown(qtbot, widget, size=(500, 500)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


# --------------------------------------------------------------------------- surface

def test_surface_image_matches_snapshot_and_classes(qtbot, trained):
    t, snap = trained
    view = _shown(qtbot, SurfaceView())
    view.set_points(t.dataset)
    assert view.show_snapshot(snap)
    img = view.image.image
    assert img.shape == (100, 100, 4) and img.dtype == np.uint8
    # The image covers the plane: sample centres at ±6, so edges half a pixel beyond.
    rect = view.image.mapRectToView(view.image.boundingRect())
    assert rect.left() == pytest.approx(-6 - 6 / 99) and rect.right() == pytest.approx(6 + 6 / 99)
    assert rect.top() == pytest.approx(-6 - 6 / 99)
    # Circle data: class 1 in the middle (blue), class 0 in the ring and corners (orange).
    assert _is_blue(img[50, 50]) and not _is_blue(img[2, 2])
    assert np.abs(img[50, 50, :3].astype(int) - img[2, 2, :3]).sum() > 150
    # Under each training point the surface shows that point's class (row = x2, col = x1).
    idx = np.clip(np.rint((t.dataset.X_train + 6) / 12 * 99).astype(int), 0, 99)
    blue = np.array([_is_blue(img[i2, i1]) for i1, i2 in idx])
    assert np.mean(blue == (t.dataset.y_train == 1)) > 0.9
    x, y = view.contour.getData()
    assert x is not None and np.isfinite(x).sum() > 20  # the decision boundary is drawn
    assert np.nanmax(np.hypot(x, y)) < 5  # ... around the inner disc


def test_stale_snapshots_are_dropped(qtbot, trained):
    t, _ = trained
    fresh = Trainer(default_lab())
    fresh.train(2)
    old = fresh.snapshot()
    fresh.train(3)
    new = fresh.snapshot()
    view = SurfaceView()
    qtbot.addWidget(view)
    assert view.show_snapshot(new)
    before = view.image.image.copy()
    assert not view.show_snapshot(old)
    assert np.array_equal(view.image.image, before) and view.last_epoch == new.epoch
    assert view.show_snapshot(old, force=True) and view.last_epoch == old.epoch


def test_discretize_override_and_extra_line(qtbot, trained):
    t, snap = trained
    view = SurfaceView()
    qtbot.addWidget(view)
    view.set_points(t.dataset)
    view.show_snapshot(snap)
    shaded = view.image.image.copy()
    view.set_discretize(True)
    hard = view.image.image
    assert len(np.unique(hard.reshape(-1, 4), axis=0)) == 2
    view.set_discretize(False)
    assert np.array_equal(view.image.image, shaded)

    neuron = snap.neurons[0][0]
    view.show_image(neuron, title="layer 1, neuron 1")
    assert view.override_active and not view.contour.isVisible()
    assert view.image.image.shape == (100, 100, 4)
    assert not np.array_equal(view.image.image, shaded)
    # centred on 0: the most negative output is orange, the most positive blue
    lo, hi = np.unravel_index(neuron.argmin(), neuron.shape), np.unravel_index(neuron.argmax(), neuron.shape)
    assert not _is_blue(view.image.image[lo]) and _is_blue(view.image.image[hi])
    view.show_snapshot(snap)  # arrives while hovering: kept for later, not shown
    view.clear_override()
    assert np.array_equal(view.image.image, shaded) and view.contour.isVisible()

    view.set_extra_line((-6, -3), (6, 3))
    assert view.extra_line.isVisible() and view.extra_line.angle == pytest.approx(26.565, abs=1e-2)
    view.clear_extra_line()
    assert not view.extra_line.isVisible()


@pytest.mark.parametrize("generator", ["spiral3", "gaussian_mix"])
def test_multiclass_and_regression_surfaces(qtbot, generator):
    lab = default_lab()
    lab = dataclasses.replace(lab, data=DataSpec(generator=generator, n_points=200))
    t = Trainer(lab)
    t.train(30)
    view = SurfaceView()
    qtbot.addWidget(view)
    view.set_points(t.dataset)
    view.show_snapshot(t.snapshot())
    img = view.image.image
    assert img.shape == (100, 100, 4)
    assert len(np.unique(img.reshape(-1, 4), axis=0)) > 20
    x, _ = view.contour.getData()
    n_lines = 0 if x is None else np.isfinite(x).sum()
    assert (n_lines > 0) == (generator == "spiral3")  # class boundaries; none for regression


def test_click_emits_data_coordinates(qtbot, trained):
    t, snap = trained
    view = _shown(qtbot, SurfaceView())
    view.set_points(t.dataset)
    view.show_snapshot(snap)
    qtbot.wait(1)  # let the ViewBox settle its range and aspect
    viewport = view.plot_widget.viewport()
    with qtbot.waitSignal(view.clicked, timeout=2000) as blocker:
        qtbot.mouseClick(viewport, QtCore.Qt.MouseButton.LeftButton,
                         pos=view.map_to_viewport(2.0, -3.0))
    x1, x2, button, ctrl = blocker.args
    assert x1 == pytest.approx(2.0, abs=0.1) and x2 == pytest.approx(-3.0, abs=0.1)
    assert (button, ctrl) == (1, False)
    with qtbot.waitSignal(view.clicked, timeout=2000) as blocker:
        qtbot.mouseClick(viewport, QtCore.Qt.MouseButton.RightButton,
                         QtCore.Qt.KeyboardModifier.ControlModifier,
                         pos=view.map_to_viewport(-4.0, 1.5))
    x1, x2, button, ctrl = blocker.args
    assert x1 == pytest.approx(-4.0, abs=0.1) and x2 == pytest.approx(1.5, abs=0.1)
    assert (button, ctrl) == (2, True)


# --------------------------------------------------------------------------- loss

def _long_history(n=1_000_000):
    epoch = np.arange(1, n + 1)
    rng = np.random.default_rng(0)
    train = 0.7 * np.exp(-epoch / 1e5) + 0.02 + 0.005 * rng.random(n)
    train[654_321] = 3.0  # one spike that must stay visible
    return {"epoch": epoch, "train_loss": train, "test_loss": train + 0.05,
            "train_accuracy": np.ones(n), "test_accuracy": np.ones(n)}


def test_thin_keeps_ends_and_extremes():
    y = np.sin(np.linspace(0, 50, 100_003))
    y[77_777] = 9.0
    idx = thin_indices(y, 2000)
    assert len(idx) <= 2004 and idx[0] == 0 and idx[-1] == len(y) - 1
    assert 77_777 in idx and np.all(np.diff(idx) > 0)
    assert y[idx].min() == y.min()
    assert np.array_equal(thin_indices(y[:500]), np.arange(500))


def test_loss_view_draws_a_million_epochs_thinned(qtbot):
    view = LossView()
    qtbot.addWidget(view)
    h = _long_history()
    view.show_history(h)
    n_train, n_test = view.point_counts()
    assert 0 < n_train <= 4000 and 0 < n_test <= 4000
    x, y = view.train_curve.getData()
    assert x[0] == 1 and x[-1] == 1_000_000 and y.max() == pytest.approx(3.0)
    view.set_log_scale(True)
    assert view.log_scale
    assert view.hover_text(654_322.3) == "epoch 654322: train 3.000, test 3.050"


def test_loss_view_hover_follows_the_mouse(qtbot, trained):
    _, snap = trained
    view = _shown(qtbot, LossView(), (700, 400))
    view.show_history(snap.history)
    qtbot.wait(1)
    vb = view.view_box
    (x0, x1), (y0, y1) = vb.viewRange()
    target = QtCore.QPointF(x0 + 0.3 * (x1 - x0), (y0 + y1) / 2)
    pos = view.plot_widget.mapFromScene(vb.mapViewToScene(target))
    qtbot.mouseMove(view.plot_widget.viewport(), pos)
    qtbot.waitUntil(view.hover_label.isVisible, timeout=2000)
    text = view.hover_label.textItem.toPlainText()
    assert text.startswith("epoch ") and ": train " in text and ", test " in text
    shown_epoch = int(text.split(":")[0].split()[1])
    assert abs(shown_epoch - target.x()) <= 1


# --------------------------------------------------------------------------- compare

def _runs(activations=("linear", "tanh"), epochs=40):
    runs = []
    for act in activations:
        lab = default_lab()
        lab = dataclasses.replace(lab, network=lab.network.with_activation(act))
        t = Trainer(lab)
        t.train(epochs)
        runs.append((act, t.snapshot(), t.dataset))
    return runs


def test_compare_view_titles_and_curves(qtbot):
    runs = _runs()
    view = CompareView()
    qtbot.addWidget(view)
    view.show_runs(runs)
    assert len(view.surfaces) == 2 and len(view.curves) == 2
    first = view.surfaces[0]
    # on one line, or the run's name above its numbers when the cell is too narrow
    title = view.surfaces[1].plot_item.titleLabel.text.replace("<br>", " · ")
    assert title.startswith(f"{ACTIVATIONS['tanh'].title} · test acc ") and title.endswith("%")
    assert len(view.curves[0].getData()[0]) == 40
    view.show_runs(runs)  # same runs again: views are reused, not rebuilt
    assert view.surfaces[0] is first


# --------------------------------------------------------------------------- export

def _pixel_variety(path) -> int:
    img = qimage_to_array(QtGui.QImage(str(path)))
    return len(np.unique(img.reshape(-1, 4)[::7], axis=0))


def test_render_functions_write_pictures(qtbot, tmp_path, trained):
    from actlab.figures import render

    t, snap = trained
    assert render.ensure_app() is not None
    paths = [render.render_surface_png(snap, t.dataset, tmp_path / "s.png", title="tanh"),
             render.render_loss_png(snap.history, tmp_path / "l.png"),
             render.render_compare_png(_runs(epochs=10), tmp_path / "c.png")]
    sizes = [QtGui.QImage(str(p)).size() for p in paths]
    assert sizes[0].width() >= 600 and sizes[1].width() >= 700 and sizes[2].width() >= 600
    for p in paths:
        assert not image_is_blank(p)
        assert _pixel_variety(p) > 50
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_export_png_scale_svg_and_csv(qtbot, tmp_path, trained):
    t, snap = trained
    view = _shown(qtbot, SurfaceView(), (300, 300))
    view.set_points(t.dataset)
    view.show_snapshot(snap)
    png = export_png(view, tmp_path / "sharp.png", scale=2)
    assert QtGui.QImage(str(png)).width() == 600 and not image_is_blank(png)
    svg = export_svg(view, tmp_path / "surface.svg")
    assert b"<svg" in svg.read_bytes()[:2000]
    csv = export_csv_history(snap.history, tmp_path / "history.csv")
    data = np.genfromtxt(csv, delimiter=",", names=True)
    assert data.dtype.names == ("epoch", "train_loss", "test_loss", "train_accuracy",
                                "test_accuracy")
    assert np.allclose(data["train_loss"], snap.history["train_loss"])
    blank = QtGui.QImage(10, 10, QtGui.QImage.Format.Format_ARGB32)
    blank.fill(QtGui.QColor("white"))
    assert image_is_blank(blank)


# --------------------------------------------------------------------------- colours

def test_colour_maps():
    ends = colors.binary_rgba(np.array([0.0, 0.5, 1.0]))
    assert not _is_blue(ends[0]) and _is_blue(ends[2])
    assert np.all(ends[1, :3] > 240)  # unsure is (nearly) white
    assert np.array_equal(colors.binary_rgba(np.array([0.49, 0.51]), discretize=True),
                          ends[[0, 2]])
    probs = np.array([[[1 / 3, 1 / 3, 1 / 3], [0.0, 0.0, 1.0]]])
    mc = colors.multiclass_rgba(probs)
    assert np.all(mc[0, 0, :3] > 240)
    assert np.array_equal(mc[0, 1], colors.multiclass_rgba(probs, discretize=True)[0, 1])
    reg = colors.regression_rgba(np.array([-2.0, 0.0, 1.0]))
    assert not _is_blue(reg[0]) and np.all(reg[1, :3] > 240) and _is_blue(reg[2])
    pts = colors.point_rgba(np.array([0, 1, 2]), "classification", 3)
    assert [tuple(p[:3]) for p in pts] == [colors.hex_to_rgb(c) for c in colors.CLASS_COLORS[:3]]


# --------------------------------------------------------------------------- exported figures

def _noisy_history(n=300, seed=0):
    """A loss that only wanders between 0.66 and 0.70, as a linear net on XOR does."""
    rng = np.random.default_rng(seed)
    return {"epoch": np.arange(1, n + 1), "train_loss": 0.68 + 0.02 * rng.uniform(-1, 1, n),
            "test_loss": 0.68 + 0.02 * rng.uniform(-1, 1, n)}


def test_exported_loss_axis_starts_at_zero_so_noise_stays_small(qtbot):
    from actlab.figures import render

    view = render.loss_view(_noisy_history(), title="XOR — linear · loss over 300 epochs")
    qtbot.addWidget(view)
    y0, y1 = view.view_box.viewRange()[1]
    assert y0 <= 0.0 < 0.70 < y1 < 0.8  # the 0.04 of noise is 5 % of the height
    assert view.plot_item.titleLabel.text == "XOR — linear · loss over 300 epochs"
    # a log axis cannot show 0: it keeps autoscaling, never a fixed range through 0
    log = render.loss_view(_noisy_history(), log_scale=True)
    qtbot.addWidget(log)
    assert log.view_box.autoRangeEnabled()[1]
    empty = render.loss_view({"train_loss": [float("nan")] * 3})
    qtbot.addWidget(empty)
    assert empty.view_box.autoRangeEnabled()[1]  # nothing finite: nothing to fix


def _legend_clear_of_the_plot(qtbot, view, plot_item, size):
    """The legend sits in its own row above the plot area: it cannot hide any point of
    any curve, however the curves run (it once sat in a corner of the plot)."""
    _shown(qtbot, view, size)
    qtbot.waitUntil(lambda: view.legend.sceneBoundingRect().height() > 0)
    box, vb = view.legend.sceneBoundingRect(), plot_item.getViewBox()
    area = vb.sceneBoundingRect()
    hidden = [(px, py) for curve in plot_item.listDataItems()
              for px, py in zip(*curve.getData())
              if box.contains(vb.mapViewToScene(QtCore.QPointF(px, py)))]
    return not hidden and not box.intersects(area) and box.bottom() <= area.top()


def test_exported_loss_legend_leaves_the_curves_visible(qtbot):
    from actlab.figures import render

    # flat and high (the top right corner taken) and the usual fall: never covered
    v = render.loss_view(_noisy_history())
    assert _legend_clear_of_the_plot(qtbot, v, v.plot_item, (700, 400))
    n = 300
    falling = {"train_loss": 0.7 * np.exp(-np.arange(n) / 30), "epoch": np.arange(1, n + 1),
               "test_loss": 0.7 * np.exp(-np.arange(n) / 40)}
    v = render.loss_view(falling)
    assert _legend_clear_of_the_plot(qtbot, v, v.plot_item, (700, 400))
    rising = {"train_loss": np.linspace(0.2, 1.4, n), "epoch": np.arange(1, n + 1),
              "test_loss": np.linspace(0.25, 1.5, n)}
    live = LossView()
    live.show_history(rising)
    assert _legend_clear_of_the_plot(qtbot, live, live.plot_item, (500, 260))


def test_exported_comparison_legend_clears_curves_high_and_low(qtbot):
    """One flat high curve and one falling to 0: neither corner is free."""
    from actlab.figures import render

    n = 200
    rng = np.random.default_rng(1)
    flat = {"test_loss": 0.74 + 0.03 * rng.uniform(-1, 1, n), "epoch": np.arange(1, n + 1)}
    fall = {"test_loss": 0.8 * np.exp(-np.arange(n) / 10), "epoch": np.arange(1, n + 1)}
    base = _runs(("linear", "tanh"), epochs=2)
    runs = [(name, dataclasses.replace(snap, history=h), ds)
            for (name, snap, ds), h in zip(base, (flat, fall))]
    view = render.compare_view(runs)
    assert _legend_clear_of_the_plot(qtbot, view, view.loss_plot, (600, 580))
    assert view.loss_plot.getViewBox().viewRange()[1][0] <= 0.0


def test_exported_titles_are_plain_text(qtbot, trained):
    from actlab.figures import render

    t, snap = trained
    evil = "<img src=x width=3000> & co"
    surface = render.surface_view(snap, t.dataset, title=evil)
    loss = render.loss_view(snap.history, title=evil)
    for v in (surface, loss):
        qtbot.addWidget(v)
        assert "<img" not in v.plot_item.titleLabel.text
        assert v.plot_item.titleLabel.item.toPlainText() == evil


def test_exported_surface_has_a_legend_for_training_and_test_points(qtbot, trained):
    from actlab.figures import render

    t, snap = trained
    view = render.surface_view(snap, t.dataset, title="tanh")
    qtbot.addWidget(view)
    assert view.legend_entries() == ["training points", "test points"]
    samples = [sample.item for sample, _ in view.legend.items]
    assert [s.opts["symbol"] for s in samples] == [view.train_points.opts["symbol"],
                                                   view.test_points.opts["symbol"]] == ["o", "s"]
    hidden = render.surface_view(snap, t.dataset, show_test=False)
    qtbot.addWidget(hidden)
    assert hidden.legend_entries() == ["training points"]
    plain = SurfaceView()
    qtbot.addWidget(plain)
    assert plain.legend_entries() == [] and plain.legend is None  # the window's has none


def test_exported_comparison_loss_axis_starts_at_zero(qtbot):
    from actlab.figures import render

    view = render.compare_view(_runs(epochs=10))
    qtbot.addWidget(view)
    y0, y1 = view.loss_plot.getViewBox().viewRange()[1]
    top = max(float(np.nanmax(c.getData()[1])) for c in view.curves)
    assert y0 <= 0.0 and top < y1 <= 1.1 * top


def test_cli_figure_titles_name_lab_activations_and_epochs():
    from actlab.outputs.runs import figure_titles

    lab = default_lab()
    relu = dataclasses.replace(lab, network=lab.network.with_activation("relu"))
    surface, loss = figure_titles(relu, 1500)
    relu_title = ACTIVATIONS["relu"].title  # the display name, not the key
    assert lab.name in surface and surface.endswith(f"— {relu_title}")
    assert lab.name in loss and f"— {relu_title} ·" in loss and "1,500 epochs" in loss
    assert figure_titles(lab, 1500)[1] != loss  # loss-tanh.png and loss-relu.png differ
