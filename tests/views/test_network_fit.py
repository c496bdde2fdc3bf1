"""The network diagram fits its area at any depth up to 10 × 64, and crowded layers'
links are drawn as one item (issue 9)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.activations.builtin import ACTIVATIONS
from actlab.engine.trainer import Trainer
from actlab.lab import MAX_NEURONS, NetworkSpec, default_lab
from actlab.views.network.links import MAX_DRAWN
from actlab.views.network.items import NeuronItem
from actlab.views.network.view import NetworkView
from actlab.views.qt import QtGui

FEATURES = ("x1", "x2")
SIZES = [(300, 420), (520, 600), (900, 700)]


def _view(qtbot, hidden, activation="sigmoid", size=(300, 420)) -> NetworkView:
    view = NetworkView()
    qtbot.addWidget(view)
    view.resize(*size)
    view.set_architecture(FEATURES, hidden, (activation,) * len(hidden), 1)
    view.show()
    qtbot.waitExposed(view)
    return view


def _visible(view):
    return view.view.mapToScene(view.view.viewport().rect()).boundingRect()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("depth", [1, 4, 6, 10])
def test_deep_wide_network_fits_without_scrolling(qtbot, size, depth):
    view = _view(qtbot, (MAX_NEURONS,) * depth, size=size)
    assert not view.view.horizontalScrollBar().isVisible()
    assert not view.view.verticalScrollBar().isVisible()
    visible = _visible(view)
    nodes = [i for i in view.scene.items() if isinstance(i, NeuronItem)]
    assert len(nodes) == 2 + depth * MAX_NEURONS + 1
    for node in nodes:
        assert visible.contains(node.sceneBoundingRect()), node.tip_key
    out = view.neuron_item(depth + 1, 0)
    assert visible.contains(out.sceneBoundingRect())
    # every layer's controls lie inside the widget, left to right without overlapping
    edges = []
    for layer in range(depth):
        ctrl = view.layer_controls(layer)
        left = ctrl.mapTo(view, ctrl.rect().topLeft()).x()
        right = ctrl.mapTo(view, ctrl.rect().topRight()).x()
        assert 0 <= left and right < view.width()
        edges.append((left, right))
    assert all(a[1] < b[0] for a, b in zip(edges, edges[1:]))
    # the output title is inside the strip, not cut at the right edge
    title = view._output_title
    assert title.mapTo(view, title.rect().topRight()).x() <= view.width()


@pytest.mark.parametrize("size", SIZES)
def test_activation_boxes_stay_readable_with_the_full_name_on_hover(qtbot, size):
    view = _view(qtbot, (8,) * 10, activation="leaky_relu", size=size)
    title = ACTIVATIONS["leaky_relu"].title
    for layer in range(10):
        combo = view.layer_controls(layer).combo
        shown = combo.shown_text()
        assert shown and "…" not in shown, shown  # a short name or an abbreviation
        font = combo.shown_font()
        assert QtGui.QFontMetrics(font).horizontalAdvance(shown) <= combo.width()
        assert font.pointSizeF() >= 6.5
        assert title in combo.toolTip()
    assert not view.view.horizontalScrollBar().isVisible()


def test_deep_sigmoid_preset_has_no_empty_band_under_the_controls(qtbot):
    # the "Deep sigmoid vanishes" lab: 8 hidden layers of 8 sigmoid neurons
    view = _view(qtbot, (8,) * 8, size=(520, 700))
    visible = _visible(view)
    top = min(view.neuron_item(c, 0).sceneBoundingRect().top() for c in range(1, 9))
    # the space above the first row is no more than the gap between two rows (+ margin):
    # before, the nodes sat centred in the height, ~200 px under the controls
    first, second = (view.neuron_item(1, i).sceneBoundingRect() for i in (0, 1))
    gap = second.top() - first.bottom()
    assert top - visible.top() <= 10 + gap
    # and the column uses the height: its nodes span more than half of it
    last = view.neuron_item(1, 7).sceneBoundingRect()
    assert last.bottom() - first.top() > 0.5 * visible.height()
    assert not view.view.horizontalScrollBar().isVisible()


def _snapshot(hidden):
    lab = replace(default_lab(), network=NetworkSpec(hidden=hidden,
                                                     activations=("tanh",) * len(hidden)))
    t = Trainer(lab)
    t.train(3)
    return t.snapshot(24)


def test_crowded_layer_draws_its_strongest_links_as_one_item(qtbot):
    hidden = (64, 64)
    snap = _snapshot(hidden)
    view = _view(qtbot, hidden, "tanh", size=(520, 600))
    assert view.show_snapshot(snap)
    dense = view.dense_links(1)  # 64 × 64 weights
    assert dense is not None
    assert view.dense_links(0) is None  # 2 × 64 links: one item each, as before
    drawn = dense.drawn()
    assert len(drawn) == MAX_DRAWN
    W = np.abs(snap.params[1][0]).ravel()
    # every link drawn is at least as strong as every link left out (by quantised level)
    from actlab.views.network.items import levels
    lv = np.abs(levels(snap.params[1][0].ravel(), 1.0))
    left_out = np.setdiff1d(np.arange(W.size), drawn)
    assert lv[drawn].min() >= lv[left_out].max()
    assert int(np.argmax(W)) in set(drawn.tolist())


def test_crowded_link_tooltip_names_the_link_under_the_mouse(qtbot):
    hidden = (64, 64)
    snap = _snapshot(hidden)
    view = _view(qtbot, hidden, "tanh", size=(520, 600))
    view.show_snapshot(snap)
    dense = view.dense_links(1)
    k = int(dense.drawn()[-1])  # the strongest, drawn on top
    i, j = divmod(k, 64)
    a = view.neuron_item(1, i).scenePos()
    b = view.neuron_item(2, j).scenePos()
    xa = a.x() + view.neuron_item(1, i).size / 2
    xb = b.x() - view.neuron_item(2, j).size / 2
    from actlab.views.qt import QtCore
    mid = QtCore.QPointF((xa + xb) / 2, (a.y() + b.y()) / 2)
    text = view.scene.tooltip_at(mid)
    w = snap.params[1][0][i, j]
    assert text.startswith("weight h")
    # the link found is one whose line passes through that point (maybe a crossing one)
    assert "=" in text.splitlines()[0]
    first = view.tooltip(view.link_item(1, i, j)).splitlines()[0]
    assert first == f"weight h1,{i + 1} → h2,{j + 1} = {w:.2f}"


def test_hovering_a_compact_neuron_emits_it_and_names_it(qtbot):
    from actlab.views.qt import QtCore
    view = _view(qtbot, (64, 64), "tanh", size=(520, 600))
    node = view.neuron_item(2, 10)  # hidden layer 2, neuron 11
    assert node.compact
    viewport = view.view.viewport()
    qtbot.mouseMove(viewport, QtCore.QPoint(2, 2))
    with qtbot.waitSignal(view.neuronHovered, timeout=1000) as blocker:
        qtbot.mouseMove(viewport, view.view.mapFromScene(node.scenePos()))
    assert blocker.args == [1, 10]
    assert node.hovered
    assert view.scene.tooltip_at(node.scenePos()) == view.tooltip(node)
    with qtbot.waitSignal(view.neuronUnhovered, timeout=1000):
        qtbot.mouseMove(viewport, QtCore.QPoint(2, 2))


@pytest.mark.parametrize("width", [300, 520])
def test_merged_caption_counts_what_the_student_built_and_is_never_cut(qtbot, width):
    view = _view(qtbot, (5,) * 4, "linear", size=(width, 420))
    view.set_merged_runs([(0, 4)])  # all 4 hidden layers and the output
    (bracket,) = view._brackets
    assert bracket.text == "4 hidden layers + output: one linear map"
    text_rect = bracket.boundingRect()
    # the caption's own rectangle is as wide as the text needs, inside the view
    visible = _visible(view)
    assert visible.contains(bracket._text_rect)
    from actlab.views.qt import QtGui
    fm = QtGui.QFontMetricsF(bracket.font)
    lines = 1 if fm.horizontalAdvance(bracket.text) + 8 <= bracket._text_rect.width() else 2
    assert bracket._text_rect.height() >= lines * fm.height()
    assert text_rect.bottom() <= visible.bottom()
    assert not view.view.verticalScrollBar().isVisible()


def test_one_hidden_layer_caption_is_singular(qtbot):
    from actlab.views.network.view import merged_caption
    assert merged_caption(0, 1, 1) == "1 hidden layer + output: one linear map"
    assert merged_caption(1, 3, 3) == "2 hidden layers + output: one linear map"
    assert merged_caption(0, 1, 4) == "hidden layers 1–2: one linear map"


def test_one_snapshot_ends_with_every_crowded_layer_drawn(qtbot):
    # each snapshot redraws only a time-budgeted slice of the crowded layers; a single
    # one (paused, after Step) must still end with all of them showing its weights
    hidden = (64,) * 6
    snap = _snapshot(hidden)
    view = _view(qtbot, hidden, "tanh", size=(520, 600))
    assert view.show_snapshot(snap)

    def strongest_drawn(layer):
        W = np.abs(snap.params[layer][0]).ravel()
        return int(np.argmax(W)) in set(view.dense_links(layer).drawn().tolist())

    qtbot.waitUntil(lambda: all(strongest_drawn(l) for l in range(1, 6)), timeout=5000)
    assert not view._dense_pending
