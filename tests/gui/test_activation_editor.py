"""The activation editor (design your own activation) and its use in the window."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore, QtWidgets
from PySide6.QtTest import QTest

from actlab.engine.activations.custom import PiecewiseLinear
from actlab.gui.activations import designed_activations
from actlab.gui.activations.activation_editor import ActivationEditor, shape_sentence, start_points
from actlab.views.activation_plot import SNAP

Qt = QtCore.Qt
WAIT = 60_000
BEND = PiecewiseLinear("bend", ((-1.0, 0.0), (0.0, 0.0), (1.0, 2.0)))
LINE = PiecewiseLinear("line", ((-2.0, -0.9), (0.0, 0.1), (2.0, 1.1)))  # 0.5 z + 0.1


@pytest.fixture
def editor(qtbot):
    d = ActivationEditor(None, custom=(BEND,))
    qtbot.addWidget(d)
    d.resize(560, 520)
    d.show()
    qtbot.waitExposed(d)
    return d


def pixel(plot, x, y) -> QtCore.QPoint:
    return plot.to_pixel(x, y).toPoint()


def test_dragging_a_handle_moves_that_point_and_ok_returns_it(editor, qtbot):
    pts = ((-3.0, 0.0), (-1.0, 0.0), (1.0, 1.5), (3.0, 1.5))
    editor.set_points(pts)
    plot = editor.plot
    target = pixel(plot, 0.6, 0.8)
    QTest.mousePress(plot, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     pixel(plot, 1.0, 1.5))
    QTest.mouseMove(plot, target)
    # where the drop lands, independently: invert the pixel mapping, snap to the grid
    r = plot._plot_rect()
    y0, y1 = plot._y_range  # the range in use while dragging (it refits on release)
    QTest.mouseRelease(plot, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, target)
    want_y = round((y0 + (r.bottom() - target.y()) / r.height() * (y1 - y0)) / SNAP) * SNAP
    got = editor.points()
    assert got[0] == pts[0] and got[1] == pts[1] and got[3] == pts[3]
    want_x = round((-4 + (target.x() - r.left()) / r.width() * 8) / SNAP) * SNAP
    assert got[2] == (pytest.approx(want_x), pytest.approx(want_y))
    assert abs(got[2][0] - 0.6) <= SNAP and abs(got[2][1] - 0.8) <= SNAP
    assert editor.plot.selected_index() == 2 and editor.y_spin.value() == pytest.approx(got[2][1])
    assert editor.shape_label.text().startswith("2 kinks (at z = −1 and 0.6")
    editor.name_edit.setText("hat")
    editor.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).click()
    act = editor.activation()
    assert act.name == "hat" and act.points == got
    z = np.linspace(-3, 3, 601)  # the function through the points, on a fine grid
    assert np.allclose(act.value(z), np.interp(z, [p[0] for p in got], [p[1] for p in got]))


def test_a_dragged_point_cannot_pass_its_neighbour(editor):
    editor.set_points(((-1.0, 0.0), (0.0, 0.0), (1.0, 1.0)))
    plot = editor.plot
    far = pixel(plot, 3.5, 0.0)
    QTest.mousePress(plot, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     pixel(plot, 0.0, 0.0))
    QTest.mouseMove(plot, far)
    QTest.mouseRelease(plot, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, far)
    xs = [p[0] for p in editor.points()]
    assert xs[1] == pytest.approx(1.0 - SNAP) and xs[0] < xs[1] < xs[2]


def test_double_click_adds_a_point_on_the_curve_and_right_click_removes_it(editor):
    editor.set_points(((-2.0, 0.0), (2.0, 2.0)))
    plot = editor.plot
    QTest.mouseDClick(plot, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      pixel(plot, 1.0, 1.5))
    pts = editor.points()
    assert len(pts) == 3 and pts[1][0] == pytest.approx(1.0, abs=SNAP)
    assert pts[1][1] == pytest.approx((pts[1][0] + 2) / 2)  # on the line through the ends
    QTest.mouseClick(plot, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier,
                     pixel(plot, *pts[1]))
    assert editor.points() == ((-2.0, 0.0), (2.0, 2.0))
    QTest.mouseClick(plot, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier,
                     pixel(plot, -2.0, 0.0))
    assert len(editor.points()) == 2  # never fewer than 2


def test_collinear_points_are_called_linear_with_their_line(editor):
    editor.set_points(LINE.points)
    text = editor.shape_label.text()
    assert text.startswith("Linear: every point lies on one line")
    assert "f(z) = 0.5·z + 0.1" in text and "collapses" in text
    editor.set_points(BEND.points)
    assert editor.shape_label.text() == "1 kink (at z = 0): the network can bend"


def test_a_name_clash_is_refused_with_a_message(editor):
    ok = editor.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
    for name, words in (("relu", "built-in"), ("Bend", "already"), ("", "empty"),
                        ("a<b", "contains")):
        editor.name_edit.setText(name)
        assert editor.error_label.isVisible() and editor.error_label.text().startswith("name:")
        assert words in editor.error_label.text() and not ok.isEnabled()
        editor.accept()
        assert editor.activation() is None and editor.isVisible()
    editor.name_edit.setText("bend 2")
    assert not editor.error_label.isVisible() and ok.isEnabled()


def test_typed_x_that_breaks_the_order_is_explained_not_used(editor):
    editor.set_points(BEND.points)
    editor.plot.select(1)
    editor.x_spin.setValue(5.0)
    assert editor.points() == BEND.points
    assert editor.error_label.text().startswith("points[2].x:")


@pytest.mark.parametrize("kind", ["relu", "leaky_relu", "linear", "clamp", "abs"])
def test_start_points_are_the_builtin_functions(kind):
    from actlab.engine.activations.lookup import get_activation
    act = PiecewiseLinear("s", start_points(kind, 0.2))
    z = np.linspace(-2, 2, 401)
    truth = {"relu": get_activation("relu").value(z),
             "leaky_relu": get_activation("leaky_relu", 0.2).value(z),
             "linear": z, "clamp": np.clip(z, -1, 1), "abs": np.abs(z)}[kind]
    assert np.allclose(act.value(z), truth)


def test_start_from_leaky_relu_uses_the_slope_box(editor):
    editor.slope_spin.setValue(0.25)
    editor.start_combo.setCurrentIndex(editor.start_combo.findData("leaky_relu"))
    editor.start_combo.activated.emit(editor.start_combo.currentIndex())
    assert editor.slope_spin.isVisible()
    assert editor.points() == start_points("leaky_relu", 0.25)
    assert shape_sentence(PiecewiseLinear("x", editor.points())).startswith("1 kink")


# ------------------------------------------------------------------ in the window
def _combo_pick(combo, data):
    combo.setCurrentIndex(combo.findData(data))


def test_design_through_the_layer_menu_trains_and_undo_removes_it(window, qtbot, monkeypatch):
    from actlab.views.network.layer_controls import DESIGN_ITEM
    w = window
    made = PiecewiseLinear("hat", ((-1.0, 0.0), (0.0, 1.0), (1.0, 0.0)))
    seen = {}

    def fake_design(parent, custom, editing=None):
        seen["custom"], seen["editing"] = custom, editing
        return made

    monkeypatch.setattr(designed_activations.activation_editor, "design_activation",
                        fake_design)
    before = w.lab.network
    combo = w.network_view.layer_controls(0).combo
    assert combo.findData(DESIGN_ITEM) >= 0
    _combo_pick(combo, DESIGN_ITEM)
    assert w.lab.network.custom == (made,) and w.lab.network.activations[0] == "hat"
    assert w.lab.network.activations[1:] == before.activations[1:]
    combo = w.network_view.layer_controls(0).combo
    assert combo.currentText() == "hat" and combo.findText("Edit “hat”…") >= 0
    w.acts.play.trigger()
    qtbot.waitUntil(lambda: w.training_thread.latest() is not None
                    and w.training_thread.latest().generation == w._generation
                    and w.training_thread.latest().snapshot.epoch >= 2, timeout=WAIT)
    assert np.isfinite(w.training_thread.latest().snapshot.train_loss)
    w.request_pause()
    assert "hat" in w.acts.undo.text()
    assert w.edits.undo()
    assert w.lab.network == before
    assert w.network_view.layer_controls(0).combo.findData("hat") < 0


def test_editing_a_designed_activation_renames_every_layer_using_it(window, monkeypatch):
    from actlab.lab import DataSpec, Lab, NetworkSpec
    from actlab.views.network.layer_controls import EDIT_ITEM
    w = window
    w.open_lab(Lab(name="d", data=DataSpec("xor", n_points=60),
                   network=NetworkSpec((3, 3), ("bend", "bend"), custom=(BEND,))))
    new = PiecewiseLinear("bend2", ((-1.0, 0.0), (0.0, 0.5), (1.0, 2.0)))
    monkeypatch.setattr(designed_activations.activation_editor, "design_activation",
                        lambda parent, custom, editing=None: editing and new)
    _combo_pick(w.network_view.layer_controls(1).combo, EDIT_ITEM)
    assert w.lab.network.custom == (new,) and w.lab.network.activations == ("bend2", "bend2")


def test_a_point_lab_file_with_a_designed_activation_opens_and_shows_it(window, tmp_path):
    from actlab.lab import DataSpec, Lab, NetworkSpec
    from actlab.labfile.format import save_lab
    lab = Lab(name="designed", data=DataSpec("xor", n_points=60),
              network=NetworkSpec((3,), ("bend",), custom=(BEND,)))
    path = tmp_path / "designed.actlab"
    save_lab(lab, path)
    assert window.open_path(str(path), ask=False) is True
    assert window.dialog_log["errors"] == []
    assert window.lab.network.custom == (BEND,)
    combo = window.network_view.layer_controls(0).combo
    assert combo.currentText() == "bend" and "bend" in combo.toolTip()
    tip = window.network_view.tooltip(window.network_view.neuron_item(1, 0))
    assert "(bend)" in tip


def test_an_image_lab_with_a_designed_activation_opens_and_its_menus_list_it(window,
                                                                            monkeypatch):
    from actlab.engine.models.cnn_spec import ConvSpec, ImageNetSpec
    from actlab.lab import ImageDataSpec, Lab
    from actlab.views.network.layer_controls import DESIGN_ITEM
    net = ImageNetSpec(conv=(ConvSpec(3, 3, "same", 1, "bend", "max", custom=(BEND,)),), n_classes=4,
                       input_size=12, hidden=(8,), activations=("relu",), custom=(BEND,))
    lab = Lab(name="img", data=ImageDataSpec("shapes", 12, 0.0, 4, 0.5, 3), network=net)
    assert window.open_lab(lab) is True, window.dialog_log["errors"]
    b = window.workspaces["images"].network_view
    assert b.controls[0].act_combo.currentText() == "bend"
    assert b.head.acts[0].findData("bend") >= 0
    made = PiecewiseLinear("kink", ((0.0, 0.0), (1.0, 0.5), (2.0, 2.0)))
    monkeypatch.setattr(designed_activations.activation_editor, "design_activation",
                        lambda parent, custom, editing=None: made)
    _combo_pick(b.head.acts[0], DESIGN_ITEM)
    b.head.acts[0].activated.emit(b.head.acts[0].currentIndex())
    assert window.lab.network.custom == (BEND, made)
    assert window.lab.network.activations == ("kink",)
    assert window.lab.network.conv[0].activation == "bend"


def test_the_collapse_panel_collapses_a_collinear_designed_activation(qtbot):
    from actlab.engine.analysis.dense import forward_logits
    from actlab.engine.analysis.insights import compute_insights
    from actlab.engine.trainer import Trainer
    from actlab.kinds.registry import lab_data
    from actlab.lab import DataSpec, Lab, NetworkSpec
    from actlab.views.instruments.collapse_panel import CollapsePanel
    lab = Lab(name="line", data=DataSpec("xor", n_points=60),
              network=NetworkSpec((3, 2), ("line", "line"), custom=(LINE,)))
    trainer = Trainer(lab, lab_data(lab)[1])
    ins = compute_insights(trainer, grid=20)
    panel = CollapsePanel()
    qtbot.addWidget(panel)
    panel.resize(420, 500)
    assert panel.show_insights(ins, force=True)
    assert panel.title_label.text() == "This network is one linear layer"
    c = ins.collapse
    X = np.random.default_rng(0).uniform(-3, 3, (50, 2))
    deep = forward_logits(trainer.network.get_params(), ("line", "line"), X, custom=(LINE,))
    assert np.allclose(deep, X @ np.asarray(c.W_eff).reshape(2, -1) + np.asarray(c.b_eff))


def test_the_gallery_page_lists_designed_activations(qtbot):
    from actlab.views.gallery import gallery_html
    page = gallery_html((BEND,))
    assert "<h2>bend (designed)</h2>" in page and "1 kink" in page
    assert "<h2>ReLU</h2>" in page and "(designed)" not in gallery_html()


def test_the_point_stays_under_the_cursor_through_a_drag(editor):
    """The y axis holds still while a point is dragged (it refits on release): rescaling
    under the mouse made the point leave the cursor."""
    editor.set_points(((-3.0, 0.0), (0.0, 0.0), (3.0, 1.0)))
    plot = editor.plot
    before = plot._y_range
    QTest.mousePress(plot, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     pixel(plot, 3.0, 1.0))
    for y in (1.4, 1.9, 2.2):  # above the range's top data: it would grow on a refit
        target = pixel(plot, 3.0, y)
        QTest.mouseMove(plot, target)
        assert plot._y_range == before
        here = plot.to_pixel(*editor.points()[2])
        assert abs(here.y() - target.y()) <= abs(plot.to_pixel(3, 0).y()
                                                 - plot.to_pixel(3, SNAP).y()) + 1
    QTest.mouseRelease(plot, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, target)
    assert plot._y_range != before and plot._y_range[1] > 2.2  # refitted on release
