"""The curve workspace of a function lab: CurveView draws the CurvePicture it is given,
and FunctionOutputPanel shows loss, R² and the pieces line as the student reads them."""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.features import transform
from actlab.engine.pictures.curve import make_curve_picture
from actlab.engine.trainer import Trainer
from actlab.gui.workspaces.functions.output_panel import FunctionOutputPanel
from actlab.lab import default_function_lab
from actlab.views import colors
from actlab.views.functions.curve_view import KINK_COLOR, UNIT_ALPHA, CurveView, unit_color


def trainer(hidden=(8,), act="relu", epochs=0, seed=1):
    lab = default_function_lab()
    lab = replace(lab, seed=seed, network=replace(lab.network, hidden=tuple(hidden),
                                                  activations=(act,) * len(hidden)))
    t = Trainer(lab)
    for _ in range(epochs):
        t.train_epoch()
    return t


def data(item):
    x, y = item.getData()
    return np.asarray(x), np.asarray(y)


def pixels_near(widget, color: str, tol: int = 40, alpha: int = 255) -> int:
    """How many pixels of ``widget``'s rendering are within ``tol`` of ``color`` (drawn
    with ``alpha`` over white)."""
    target = np.array(colors.hex_to_rgb(color)) * alpha / 255 + 255 * (1 - alpha / 255)
    img = widget.grab().toImage()
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(),
                                                           img.bytesPerLine())
    rgb = arr[:, :img.width() * 4].reshape(img.height(), img.width(), 4)[..., 2::-1]
    return int((np.abs(rgb.astype(int) - target).max(axis=2) < tol).sum())


def unit_pixels(view) -> int:
    """Pixels in the colours of units 3, 4, 6, 7, 8 (the others share their colour with
    the training dots, the kinks or the collapse line)."""
    return sum(pixels_near(view, unit_color(j), 20, UNIT_ALPHA) for j in (2, 3, 5, 6, 7))


@pytest.fixture
def relu_panel(qtbot):
    t = trainer(epochs=300)
    panel = FunctionOutputPanel()
    qtbot.addWidget(panel)
    panel.resize(520, 620)
    pic = make_curve_picture(t)
    panel.show_picture(pic)
    panel.show()
    qtbot.waitExposed(panel)
    return panel, pic, t


def test_the_view_holds_the_pictures_data(relu_panel):
    panel, pic, t = relu_panel
    view = panel.curve_view
    x, y = data(view.curve)
    assert np.array_equal(x, pic.x) and np.array_equal(y, pic.y)
    kx, ky = data(view.kinks)
    assert pic.kinks_x.size >= 2
    assert np.array_equal(kx, pic.kinks_x) and np.array_equal(ky, pic.kinks_y)
    # the kink markers are on the network's own curve
    pred = t.network.predict(transform(kx.reshape(-1, 1), t.features))
    assert np.allclose(ky, pred, atol=1e-12)
    tx, ty = data(view.train_points)
    assert np.array_equal(tx, t.dataset.X_train[:, 0]) and np.array_equal(ty, t.dataset.y_train)
    assert panel.curve_view.legend_entries() == ["training", "network", "kinks"]


def test_units_are_hidden_until_toggled_and_add_up_to_the_curve(relu_panel):
    panel, pic, _ = relu_panel
    view = panel.curve_view
    assert view.visible_unit_lines() == 0 and not view.bias_line.isVisible()
    before = unit_pixels(view)
    panel.show_units.click()
    assert view.visible_unit_lines() == 8 == pic.n_units
    total = np.zeros_like(pic.x)
    for j, c in enumerate(view.unit_curves[:8]):
        ux, uy = data(c)
        assert np.array_equal(ux, pic.x)
        total += uy
    assert view.bias_line.isVisible() and view.bias_line.value() == pic.bias
    assert np.allclose(total + pic.bias, pic.y, atol=1e-12)
    after = unit_pixels(view)
    assert after > before + 200  # now the student sees the lines
    assert "units" in view.legend_entries()
    panel.show_units.click()
    assert view.visible_unit_lines() == 0


def test_test_points_toggle(relu_panel):
    panel, pic, t = relu_panel
    view = panel.curve_view
    assert not view.test_points.isVisible()
    panel.show_test.click()
    assert view.test_points.isVisible() and "test" in view.legend_entries()
    tx, ty = data(view.test_points)
    assert np.array_equal(tx, t.dataset.X_test[:, 0]) and np.array_equal(ty, t.dataset.y_test)


def test_pieces_label_reads_as_a_sentence(relu_panel):
    panel, pic, _ = relu_panel
    text = panel.pieces_label.text()
    assert text == f"{pic.n_pieces} linear pieces on [−6, 6] · at most 9 for 8 ReLU units"
    assert pixels_near(panel.curve_view, KINK_COLOR) > 10  # the diamonds are drawn
    assert not panel.show_line.isVisible()  # a ReLU network is no line


def test_deep_relu_label_names_the_layers(qtbot):
    view = CurveView()
    qtbot.addWidget(view)
    pic = make_curve_picture(trainer((8, 8, 8), "relu", seed=3))
    view.show_picture(pic)
    assert re.fullmatch(r"\d+ linear pieces? on \[−6, 6\] · at most 729 for 8×8×8 ReLU "
                        r"units", view.pieces_text())


def test_linear_network_shows_its_line(qtbot):
    panel = FunctionOutputPanel()
    qtbot.addWidget(panel)
    panel.resize(520, 620)
    t = trainer(act="linear", epochs=50)
    pic = make_curve_picture(t)
    panel.show_picture(pic)
    panel.show()
    qtbot.waitExposed(panel)
    w, b = pic.line.slope, pic.line.b
    text = panel.pieces_label.text()
    m = re.fullmatch(r"Every activation is linear: the network is the line "
                     r"y = (−?\d+\.\d\d)·x ([+−]) (\d+\.\d\d) \(max difference (.+)\)", text)
    assert m, text
    assert float(m.group(1).replace("−", "-")) == pytest.approx(w, abs=0.005)
    sign = -1 if m.group(2) == "−" else 1
    assert sign * float(m.group(3)) == pytest.approx(b, abs=0.005)
    assert float(m.group(4)) < 1e-9
    assert panel.show_line.isVisible() and panel.show_line.isChecked()
    line = panel.curve_view.line
    assert line.isVisible()
    lx, ly = data(line)
    assert np.allclose(ly, w * lx + b) and lx.min() == -6 and lx.max() == 6
    assert panel.curve_view.legend_entries()[-1] == "line"
    panel.show_line.click()
    assert not line.isVisible()
    # back to a ReLU network: no line, no checkbox
    panel.show_line.click()
    panel.show_picture(make_curve_picture(trainer()))
    assert not line.isVisible() and not panel.show_line.isVisible()


def test_tanh_says_it_is_smooth(qtbot):
    view = CurveView()
    qtbot.addWidget(view)
    view.resize(520, 360)
    view.show_picture(make_curve_picture(trainer(act="tanh")))
    view.show()
    qtbot.waitExposed(view)
    assert view.pieces_text() == "Tanh is smooth: no linear pieces to count"
    assert data(view.kinks)[0].size == 0
    assert pixels_near(view, KINK_COLOR, 25) == 0


def test_y_range_stays_still_while_training(qtbot):
    view = CurveView()
    qtbot.addWidget(view)
    t = trainer(epochs=0)
    view.show_picture(make_curve_picture(t))
    first = view.view_box.viewRange()
    y = np.concatenate([t.dataset.y_train, t.dataset.y_test])
    lo, hi = first[1]
    assert lo < y.min() and hi > y.max() and hi - lo < 2 * (y.max() - y.min())
    assert first[0] == pytest.approx([-6.0, 6.0])
    for _ in range(5):
        for _ in range(20):
            t.train_epoch()
        view.show_picture(make_curve_picture(t))
        assert view.view_box.viewRange() == first
    assert view.plot_item.getAxis("bottom").labelText == "x"
    assert view.plot_item.getAxis("left").labelText == "y"


def test_a_diverged_picture_draws_no_curve_and_says_so(qtbot):
    panel = FunctionOutputPanel()
    qtbot.addWidget(panel)
    t = trainer((8, 8), "relu")
    t.network.set_params([(np.full_like(W, np.nan), b) for W, b in t.network.get_params()])
    panel.show_picture(make_curve_picture(t))
    panel.show_units.click()
    assert panel.pieces_label.text() == "The run diverged: no curve to draw"
    assert np.isnan(data(panel.curve_view.curve)[1]).all()
    assert panel.curve_view.visible_unit_lines() == 0
    panel.grab()  # paints without error


def test_trained_default_lab_shows_r2(qtbot):
    t = Trainer(default_function_lab())
    for _ in range(300):
        t.train_epoch()
    panel = FunctionOutputPanel()
    qtbot.addWidget(panel)
    panel.show_picture(make_curve_picture(t))
    snap = t.snapshot(grid=None, neurons=False)
    panel.show_history(snap.history, snap.train_loss)
    panel.show_numbers(snap)
    for key, (X, y) in (("train_r2", (t.dataset.X_train, t.dataset.y_train)),
                        ("test_r2", (t.dataset.X_test, t.dataset.y_test))):
        pred = t.predict_points(X)
        r2 = 1 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2)  # 1 − SSE/SST
        text = panel.values[key].text()
        assert text == f"{r2:.3f}".replace("-", "−"), (key, text, r2)
        assert r2 > 0.5  # trained: the curve explains most of the sine
    assert panel.values["test_loss"].text() not in ("", "–")
    assert panel._numbers.itemAtPosition(2, 0).widget().text() == "R²"
    assert set(panel.export_views()) == {"curve", "loss"}
    assert panel.export_views()["curve"] is panel.curve_view


def test_the_curve_exports_as_png_and_svg(qtbot, tmp_path):
    from actlab.views.export import export_png, export_svg, image_is_blank

    view = CurveView()
    qtbot.addWidget(view)
    view.resize(520, 360)
    pic = make_curve_picture(trainer(epochs=50))
    view.show_picture(pic)
    view.set_show_units(True)
    png = export_png(view, tmp_path / "curve.png")
    assert not image_is_blank(png)
    svg = export_svg(view, tmp_path / "curve.svg").read_text()
    assert "<svg" in svg and ("<path" in svg or "<polyline" in svg)


def test_in_a_scroll_area_the_panel_fills_the_column_and_scrolls_only_below_its_minimum(
        qtbot):
    """A wrapped pieces line gave the panel's layout a height-for-width, and the scroll
    area then sized the panel to its preferred height: it scrolled on a laptop although
    everything fitted."""
    from PySide6.QtCore import Qt

    from actlab.gui.workspaces.images.workspace import scrolling

    panel = FunctionOutputPanel()
    area = scrolling(panel, "area", Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    qtbot.addWidget(area)
    area.resize(440, 600)
    area.show()
    qtbot.waitExposed(area)
    panel.show_picture(make_curve_picture(trainer()))  # a long, wrapping pieces line
    panel.show_line.setVisible(True)
    panel.show_line.setVisible(False)
    qtbot.waitUntil(lambda: panel.height() == area.viewport().height(), timeout=5000)
    assert area.verticalScrollBar().maximum() == 0
    area.resize(440, 250)  # below the minimum: now it scrolls
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 0, timeout=5000)


def test_kinks_closer_than_a_pixel_are_named(qtbot):
    # hinges at x = 1 and x = 1.0003: 3 pieces, drawn as one diamond at any plot width
    from actlab.engine.analysis.pieces import curve_pieces
    from actlab.views.functions.curve_view import close_kinks_text, pieces_text

    params = [(np.array([[1.0, 1.0]]), np.array([-1.0, -1.0003])),
              (np.array([[1.0], [1.0]]), np.array([0.0]))]
    cp = curve_pieces(params, ["relu"])
    assert cp.n_pieces == 3
    pic = make_curve_picture(trainer((2,), "relu"))
    close = replace(pic, kinks_x=cp.kinks, kinks_y=np.zeros(2), n_pieces=3, pieces_bound=3)
    assert pieces_text(close) == ("3 linear pieces on [−6, 6] (two kinks 0.0003 apart: "
                                  "closer than a pixel) · at most 3 for 2 ReLU units")
    view = CurveView()
    qtbot.addWidget(view)
    view.resize(700, 400)
    view.show_picture(close)
    assert "two kinks 0.0003 apart: closer than a pixel" in view.pieces_text()
    # kinks a pixel or more apart need no words; several close pairs are counted
    assert close_kinks_text([-1.0, 1.0], 0.02) == ""
    assert close_kinks_text([0.0, 1e-6, 2.0, 2.001], 0.02) == (
        "2 pairs of kinks closer than a pixel, the closest 1e-06 apart")


def test_close_kinks_note_follows_the_width_of_the_plot(qtbot):
    """Issue 19: "closer than a pixel" was worked out for the width the curve had when
    the picture came, and stayed so when the column was resized."""
    params = [(np.array([[1.0, 1.0]]), np.array([-1.0, -1.03])),
              (np.array([[1.0], [1.0]]), np.array([0.0]))]
    from actlab.engine.analysis.pieces import curve_pieces

    cp = curve_pieces(params, ["relu"])
    pic = make_curve_picture(trainer((2,), "relu"))
    pic = replace(pic, kinks_x=cp.kinks, kinks_y=np.zeros(2), n_pieces=3, pieces_bound=3)
    panel = FunctionOutputPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 620)
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.waitUntil(lambda: panel.curve_view.view_box.width() > 600, timeout=5000)
    panel.show_picture(pic)
    label = panel.pieces_label
    assert "closer than a pixel" not in label.text()  # 0.03 apart: 1.8 pixels at ~800 px
    panel.resize(260, 620)  # ~0.06 x a pixel: the two kinks share one diamond
    qtbot.waitUntil(lambda: "two kinks 0.03 apart: closer than a pixel" in label.text(),
                    timeout=5000)
    assert label.text() == panel.curve_view.pieces_text()
    panel.resize(900, 620)  # and wide again: no note
    qtbot.waitUntil(lambda: "closer than a pixel" not in label.text(), timeout=5000)
    assert label.text().startswith("3 linear pieces")
