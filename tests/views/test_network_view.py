"""The network builder: real clicks on real buttons, real snapshots from a real Trainer."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import re
from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.trainer import Trainer
from actlab.lab import MAX_HIDDEN_LAYERS, MAX_NEURONS, NetworkSpec, default_lab
from actlab.views.network.items import LinkItem, MergeBracketItem, NeuronItem
from actlab.views.network.view import NetworkView
from actlab.views.qt import QtCore, QtWidgets
from actlab.engine.activations.builtin import ACTIVATIONS

Qt = QtCore.Qt


FEATURES = ("x1", "x2")


def _view(qtbot, hidden=(4, 2), activations=None, size=(420, 520), n_outputs=1,
          features=FEATURES) -> NetworkView:
    view = NetworkView()
    qtbot.addWidget(view)
    view.resize(*size)
    view.set_architecture(features, hidden, activations or ("tanh",) * len(hidden), n_outputs)
    view.show()
    qtbot.waitExposed(view)
    return view


def _trained(hidden=(4, 2), activation="tanh", epochs=5):
    lab = default_lab()
    lab = replace(lab, network=NetworkSpec(hidden=hidden, activations=(activation,) * len(hidden)))
    t = Trainer(lab)
    t.train(epochs)
    return t, t.snapshot()


def _nodes(view) -> list:
    return [i for i in view.scene.items() if isinstance(i, NeuronItem)]


def _links(view) -> list:
    return [i for i in view.scene.items() if isinstance(i, LinkItem)]


# ----------------------------------------------------------------------- editing
def test_add_layer_button_adds_a_layer_with_the_last_activation(qtbot):
    view = _view(qtbot, (4, 2), ("tanh", "relu"))
    with qtbot.waitSignal(view.architectureChanged, timeout=1000) as blocker:
        qtbot.mouseClick(view.add_layer_button(), Qt.MouseButton.LeftButton)
    assert blocker.args == [(4, 2, 4), ("tanh", "relu", "relu")]
    # the drawing follows at once: 2 inputs + 4 + 2 + 4 + 1 output
    assert len(_nodes(view)) == 2 + 4 + 2 + 4 + 1
    assert len(_links(view)) == 2 * 4 + 4 * 2 + 2 * 4 + 4 * 1
    assert view.layer_controls(2).count_label.text() == "4 neurons"
    assert view._layers_label.text() == "3 hidden layers"


def test_first_layer_gets_tanh_and_remove_takes_the_last(qtbot):
    view = _view(qtbot, (), ())
    with qtbot.waitSignal(view.architectureChanged, timeout=1000) as blocker:
        qtbot.mouseClick(view.add_layer_button(), Qt.MouseButton.LeftButton)
    assert blocker.args == [(4,), ("tanh",)]
    view.set_architecture(FEATURES, (5, 3), ("relu", "sigmoid"), 1)
    with qtbot.waitSignal(view.architectureChanged, timeout=1000) as blocker:
        qtbot.mouseClick(view.remove_layer_button(), Qt.MouseButton.LeftButton)
    assert blocker.args == [(5,), ("relu",)]
    assert len(_nodes(view)) == 2 + 5 + 1


def test_remove_neuron(qtbot):
    view = _view(qtbot, (4, 2))
    with qtbot.waitSignal(view.architectureChanged, timeout=1000) as blocker:
        qtbot.mouseClick(view.layer_controls(0).remove_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [(3, 2), ("tanh", "tanh")]
    assert len(_nodes(view)) == 2 + 3 + 2 + 1
    assert view.layer_controls(0).count_label.text() == "3 neurons"


def test_add_neuron_to_second_layer(qtbot):
    view = _view(qtbot, (4, 2))
    with qtbot.waitSignal(view.architectureChanged, timeout=1000) as blocker:
        qtbot.mouseClick(view.layer_controls(1).add_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [(4, 3), ("tanh", "tanh")]


def test_change_activation_with_the_combo(qtbot):
    view = _view(qtbot, (4, 2))
    combo = view.layer_controls(1).combo
    assert [combo.itemData(i) for i in range(combo.count())][:2] == ["linear", "relu"]
    assert combo.itemText(combo.findData("linear")) == ACTIVATIONS["linear"].title == "Linear"
    links_before = _links(view)
    with qtbot.waitSignal(view.architectureChanged, timeout=1000) as blocker:
        # choose with the keyboard, as a user would: tanh → the next entry
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    hidden, acts = blocker.args
    assert hidden == (4, 2)
    assert acts[0] == "tanh" and acts[1] == combo.currentData() != "tanh"
    # an activation change keeps every item (only the architecture's shape rebuilds them)
    assert set(map(id, _links(view))) == set(map(id, links_before))
    with qtbot.waitSignal(view.architectureChanged, timeout=1000) as blocker:
        combo.setCurrentIndex(combo.findData("relu"))
    assert blocker.args == [(4, 2), ("tanh", "relu")]


def test_set_architecture_emits_nothing(qtbot):
    view = _view(qtbot)
    with qtbot.assertNotEmitted(view.architectureChanged):
        view.set_architecture(("x1", "x2", "x1sq"), (3, 3, 3), ("relu",) * 3, 1)
        view.set_architecture(("x1", "x2", "x1sq"), (3, 3, 3), ("linear",) * 3, 1)
    assert view.layer_controls(2).combo.currentData() == "linear"
    assert view.architecture() == ((3, 3, 3), ("linear",) * 3)


def test_layer_limits_disable_the_buttons(qtbot):
    view = _view(qtbot, (2,) * MAX_HIDDEN_LAYERS)
    assert not view.add_layer_button().isEnabled()
    assert view.remove_layer_button().isEnabled()
    with qtbot.assertNotEmitted(view.architectureChanged):
        qtbot.mouseClick(view.add_layer_button(), Qt.MouseButton.LeftButton)
        view._add_layer()  # even if something calls the slot directly
    assert view.architecture()[0] == (2,) * MAX_HIDDEN_LAYERS

    view.set_architecture(FEATURES, (), (), 1)
    assert not view.remove_layer_button().isEnabled()
    assert view.add_layer_button().isEnabled()
    with qtbot.assertNotEmitted(view.architectureChanged):
        qtbot.mouseClick(view.remove_layer_button(), Qt.MouseButton.LeftButton)
    assert "0 hidden layers" in view._layers_label.text()


def test_neuron_limits_disable_the_buttons(qtbot):
    view = _view(qtbot, (1, MAX_NEURONS))
    one, full = view.layer_controls(0), view.layer_controls(1)
    assert not one.remove_button.isEnabled() and one.add_button.isEnabled()
    assert not full.add_button.isEnabled() and full.remove_button.isEnabled()
    with qtbot.assertNotEmitted(view.architectureChanged):
        qtbot.mouseClick(one.remove_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(full.add_button, Qt.MouseButton.LeftButton)
    assert view.architecture()[0] == (1, MAX_NEURONS)
    assert "at most 64" in full.add_button.toolTip()


def test_locked_disables_all_editing(qtbot):
    view = _view(qtbot, (4, 2))
    view.set_locked(True)
    controls = [view.add_layer_button(), view.remove_layer_button()]
    for i in range(2):
        c = view.layer_controls(i)
        controls += [c.add_button, c.remove_button, c.combo]
    assert not any(w.isEnabled() for w in controls)
    assert all("teacher" in w.toolTip() for w in controls)
    view.set_locked(False)
    assert all(w.isEnabled() for w in controls)


def test_every_control_has_a_tooltip(qtbot):
    view = _view(qtbot, (4, 2))
    widgets = [w for w in view.findChildren(QtWidgets.QWidget)
               if isinstance(w, (QtWidgets.QAbstractButton, QtWidgets.QComboBox))]
    assert len(widgets) == 2 + 2 * 3
    for w in widgets:
        assert len(w.toolTip()) > 20, w


# ----------------------------------------------------------------------- snapshots
def test_snapshot_sets_link_pens_by_weight(qtbot):
    t, snap = _trained((4, 2), "tanh")
    view = _view(qtbot, (4, 2))
    assert view.show_snapshot(snap)
    W = snap.params[0][0]
    widths = {(i, j): view.link_item(0, i, j).pen().widthF()
              for i in range(W.shape[0]) for j in range(W.shape[1])}
    strongest = max(widths, key=lambda k: abs(W[k]))
    weakest = min(widths, key=lambda k: abs(W[k]))
    assert abs(W[strongest]) > abs(W[weakest]) + 0.2
    assert widths[strongest] > widths[weakest]
    order = sorted(widths, key=lambda k: abs(W[k]))
    assert all(widths[a] <= widths[b] for a, b in zip(order, order[1:]))
    # colour by sign: blue for positive, orange for negative
    for (i, j), w in np.ndenumerate(W):
        if abs(w) > 0.3:
            c = view.link_item(0, i, j).pen().color()
            assert (c.blue() > c.red()) == (w > 0)
    # thumbnails: every hidden neuron and the output got a picture
    assert all(view.neuron_item(c, i).image is not None
               for c, n in ((1, 4), (2, 2), (3, 1)) for i in range(n))


def test_snapshots_restyle_without_new_items(qtbot, monkeypatch):
    t, snap = _trained((4, 2), "tanh")
    view = _view(qtbot, (4, 2))
    view.show_snapshot(snap)
    items = set(map(id, view.scene.items()))
    calls = []
    original = LinkItem.setPen
    monkeypatch.setattr(LinkItem, "setPen", lambda self, pen: (calls.append(self),
                                                               original(self, pen)))
    view.show_snapshot(snap)
    assert calls == []  # nothing changed: no pen is set
    t.train(200)
    view.show_snapshot(t.snapshot())
    assert 0 < len(calls) <= 2 * 4 + 4 * 2 + 2  # only the links whose weight moved
    assert set(map(id, view.scene.items())) == items


def test_mismatched_snapshot_is_ignored(qtbot):
    _, snap = _trained((4, 2), "tanh")
    view = _view(qtbot, (4, 3))
    before = view.link_item(0, 0, 0).pen().widthF()
    assert not view.show_snapshot(snap)
    assert view.link_item(0, 0, 0).pen().widthF() == before
    assert view.neuron_item(1, 0).image is None


def test_link_and_bias_tooltips_show_values(qtbot):
    _, snap = _trained((4, 2), "tanh")
    view = _view(qtbot, (4, 2))
    assert "not trained yet" in view.tooltip(view.link_item(0, 0, 2))
    view.show_snapshot(snap)
    link = view.link_item(0, 0, 2)
    text = view.tooltip(link)
    w = snap.params[0][0][0, 2]
    assert text.splitlines()[0] == f"weight x₁ → h1,3 = {w:.2f}"
    # what the scene shows when the mouse rests on the middle of the curve
    mid = link.path().pointAtPercent(0.5)
    assert view.scene.tooltip_at(mid).startswith("weight ")
    b = snap.params[1][1][1]
    assert view.tooltip(view.bias_item(2, 1)).splitlines()[0] == f"bias of h2,2 = {b:.2f}"
    dot = view.bias_item(2, 1)
    assert view.scene.tooltip_at(dot.sceneBoundingRect().center()).startswith("bias of h2,2")
    # the same words as the surface title while the neuron is hovered (live_view.py)
    tanh = ACTIVATIONS["tanh"].title
    assert view.tooltip(view.neuron_item(1, 0)).startswith(f"Neuron 1 of hidden layer 1 ({tanh})")
    assert view.tooltip(view.neuron_item(2, 1)).startswith(f"Neuron 2 of hidden layer 2 ({tanh})")


# ----------------------------------------------------------------------- hovering
def test_hovering_a_neuron_emits_its_layer_and_index(qtbot):
    view = _view(qtbot, (4, 2))
    viewport = view.view.viewport()
    qtbot.mouseMove(viewport, QtCore.QPoint(3, 3))
    item = view.neuron_item(1, 2)  # hidden layer 0, neuron 2
    with qtbot.waitSignal(view.neuronHovered, timeout=1000) as blocker:
        qtbot.mouseMove(viewport, view.view.mapFromScene(item.scenePos()))
    assert blocker.args == [0, 2]
    assert item.hovered
    with qtbot.waitSignal(view.neuronUnhovered, timeout=1000):
        qtbot.mouseMove(viewport, QtCore.QPoint(3, 3))
    assert not item.hovered


def test_hover_method_and_inputs_do_not_emit(qtbot):
    view = _view(qtbot, (4, 2))
    with qtbot.waitSignal(view.neuronHovered, timeout=1000) as blocker:
        view.hover_neuron(1, 1)
    assert blocker.args == [1, 1]
    with qtbot.waitSignal(view.neuronUnhovered, timeout=1000):
        view.unhover_neuron()
    with qtbot.assertNotEmitted(view.neuronHovered):
        qtbot.mouseMove(view.view.viewport(),
                        view.view.mapFromScene(view.neuron_item(0, 0).scenePos()))


# ----------------------------------------------------------------------- layout
def _visible_scene_rect(view):
    return view.view.mapToScene(view.view.viewport().rect()).boundingRect()


def test_64_neuron_layer_fits_a_400px_high_widget(qtbot):
    view = _view(qtbot, (MAX_NEURONS,), size=(420, 400))
    assert not view.view.verticalScrollBar().isVisible()
    assert not view.view.horizontalScrollBar().isVisible()
    visible = _visible_scene_rect(view)
    nodes = _nodes(view)
    assert len(nodes) == 2 + MAX_NEURONS + 1
    for node in nodes:
        assert visible.contains(node.sceneBoundingRect()), node.tip_key
    hidden = [view.neuron_item(1, i) for i in range(MAX_NEURONS)]
    assert all(n.compact for n in hidden)  # above 16 neurons: no thumbnails
    ys = [n.scenePos().y() for n in hidden]
    assert min(np.diff(ys)) >= 4.0  # rows do not overlap
    assert not view.neuron_item(0, 0).compact and view.neuron_item(0, 0).size >= 20


def test_wide_network_fits_and_controls_sit_over_their_columns(qtbot):
    view = _view(qtbot, (8, 8, 8, 64), ("relu",) * 4)
    assert not view.view.horizontalScrollBar().isVisible()
    visible = _visible_scene_rect(view)
    assert all(visible.contains(n.sceneBoundingRect()) for n in _nodes(view))
    for layer in range(4):
        ctrl = view.layer_controls(layer)
        centre = ctrl.mapTo(view, ctrl.rect().center()).x()
        column = view.view.viewport().mapTo(
            view, view.view.mapFromScene(view.neuron_item(layer + 1, 0).scenePos())).x()
        assert abs(centre - column) <= 2
        assert 0 <= ctrl.mapTo(view, QtCore.QPoint(0, 0)).x()
        assert ctrl.mapTo(view, QtCore.QPoint(ctrl.width(), 0)).x() <= view.width()


def test_too_narrow_for_ten_layers_scrolls_sideways_and_controls_follow(qtbot):
    # ten layers fit 300 px (see test_network_fit.py); 200 px is below the minimum pitch
    view = _view(qtbot, (3,) * 10, size=(200, 420))
    bar = view.view.horizontalScrollBar()
    assert bar.isVisible() and bar.maximum() > 0
    ctrl = view.layer_controls(9)
    x_before = ctrl.x()
    bar.setValue(bar.maximum())
    assert ctrl.x() == x_before - bar.maximum()


def test_merged_runs_draw_a_bracket(qtbot):
    view = _view(qtbot, (3, 3, 3), ("linear",) * 3)
    view.set_merged_runs([(0, 2)])
    brackets = [i for i in view.scene.items() if isinstance(i, MergeBracketItem)]
    # hidden layers 1-3 (0-based 0..2) of 3, the output not included
    assert [b.text for b in brackets] == ["hidden layers 1–3: one linear map"]
    band = brackets[0].boundingRect()
    for c in (1, 2, 3):
        assert band.contains(view.neuron_item(c, 0).sceneBoundingRect())
    assert not band.contains(view.neuron_item(0, 0).sceneBoundingRect())
    view.set_merged_runs([(5, 9), (1, 1)])  # out of range / single layer: nothing drawn
    assert not [i for i in view.scene.items() if isinstance(i, MergeBracketItem)]


def test_render_is_not_blank(qtbot):
    _, snap = _trained((8, 8, 8, 64), "relu")
    view = _view(qtbot, (8, 8, 8, 64), ("relu",) * 4)
    assert view.show_snapshot(snap)
    img = view.grab().toImage()
    colours = {img.pixel(x, y) for x in range(0, img.width(), 7)
               for y in range(0, img.height(), 7)}
    assert len(colours) > 50


def test_bad_architecture_is_rejected(qtbot):
    view = _view(qtbot)
    with pytest.raises(ValueError):
        view.set_architecture(FEATURES, (4,), ("tanh", "relu"), 1)
    with pytest.raises(ValueError):
        view.set_architecture(FEATURES, (MAX_NEURONS + 1,), ("tanh",), 1)
    with pytest.raises(ValueError):
        view.set_architecture(("x9",), (4,), ("tanh",), 1)
    assert view.architecture() == ((4, 2), ("tanh", "tanh"))


def test_tooltip_names_follow_the_pattern(qtbot):
    _, snap = _trained((4, 2), "tanh")
    view = _view(qtbot, (4, 2))
    view.show_snapshot(snap)
    pattern = re.compile(r"^weight (x₁|x₂|h\d+,\d+) → (h\d+,\d+|output) = -?\d+\.\d\d$")
    for layer, (W, _) in enumerate(snap.params):
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                first = view.tooltip(view.link_item(layer, i, j)).splitlines()[0]
                assert pattern.match(first), first
