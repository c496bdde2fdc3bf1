"""The image-network builder: real clicks and key presses on the real controls, the real
pictures of a real image trainer, and what the tiles and the hover view show."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from actlab.engine.models.cnn_spec import ConvSpec, ImageNetSpec
from actlab.engine.pictures.images import make_pictures
from actlab.engine.trainer import Trainer
from actlab.labfile.format import load_lab
from actlab.views import colors
from actlab.views.images.conv_builder import ConvBuilderView
from actlab.views.images.filter_popup import fmt
from actlab.views.qt import QtCore, QtGui, QtWidgets

Qt = QtCore.Qt
LAB = Path(__file__).resolve().parents[2] / "resources/labs/images-linear-cnn-counts-ink.actlab"
CAPTION = "these 2 convolutions act as one 5×5"


@pytest.fixture(scope="module")
def lab():
    return load_lab(LAB)


@pytest.fixture(scope="module")
def pics(lab):
    return make_pictures(Trainer(lab))


def _view(qtbot, spec, size=(330, 600)) -> ConvBuilderView:
    view = ConvBuilderView()
    qtbot.addWidget(view)
    view.resize(*size)
    view.set_architecture(spec)
    view.show()
    qtbot.waitExposed(view)
    return view


def _emitted(qtbot, view, action):
    """The last spec emitted by ``action`` (arrowing through a box emits each step)."""
    got = []
    view.architectureChanged.connect(got.append)
    action()
    view.architectureChanged.disconnect(got.append)
    assert got, "no architectureChanged"
    assert view.architecture() == got[-1]
    return got[-1]


def test_plus_and_minus_filters_emit_the_new_spec(qtbot, lab):
    view = _view(qtbot, lab.network)
    spec = _emitted(qtbot, view, lambda: qtbot.mouseClick(view.controls[0].add_button,
                                                          Qt.MouseButton.LeftButton))
    assert isinstance(spec, ImageNetSpec)
    assert spec.conv[0] == replace(lab.network.conv[0], filters=9)
    assert spec.conv[1] == lab.network.conv[1]
    assert (spec.input_size, spec.n_classes) == (lab.network.input_size, lab.network.n_classes)
    assert view.controls[0].count.text() == "9" and view.columns[0].filters == 9
    spec = _emitted(qtbot, view, lambda: qtbot.mouseClick(view.controls[1].remove_button,
                                                          Qt.MouseButton.LeftButton))
    assert [c.filters for c in spec.conv] == [9, 7]


def test_plus_and_minus_layers(qtbot, lab):
    view = _view(qtbot, lab.network)
    spec = _emitted(qtbot, view, lambda: qtbot.mouseClick(view.add_layer_button,
                                                          Qt.MouseButton.LeftButton))
    assert len(spec.conv) == 3 and len(view.columns) == 3
    # the new layer continues the last one: its filter count and activation, 3×3 same
    assert spec.conv[2] == ConvSpec(filters=8, kernel=3, padding="same", stride=1,
                                    activation="linear", pool="none")
    assert view.layers_label.text() == "Convolutions: 3"
    spec = _emitted(qtbot, view, lambda: qtbot.mouseClick(view.remove_layer_button,
                                                          Qt.MouseButton.LeftButton))
    assert spec == lab.network
    # four layers is the limit: "+" is disabled there, one layer the floor for "−"
    view.set_architecture(replace(lab.network, conv=(ConvSpec(),) * 4))
    assert not view.add_layer_button.isEnabled()
    view.set_architecture(replace(lab.network, conv=(ConvSpec(),)))
    assert not view.remove_layer_button.isEnabled()


def test_plus_continues_a_layer_with_a_designed_activation(qtbot, lab):
    """The last convolution uses the student's own activation: "+" adds a layer with it
    (it raised "unknown activation 'bend'" and added nothing)."""
    from actlab.engine.activations.custom import PiecewiseLinear

    bend = PiecewiseLinear("bend", ((-1.0, 0.0), (0.0, 0.0), (1.0, 2.0)))
    net = lab.network
    designed = replace(net, custom=(bend,),
                       conv=net.conv[:-1] + (replace(net.conv[-1], activation="bend",
                                                     custom=(bend,)),))
    view = _view(qtbot, designed)
    spec = _emitted(qtbot, view, lambda: qtbot.mouseClick(view.add_layer_button,
                                                          Qt.MouseButton.LeftButton))
    assert len(spec.conv) == 3 and spec.conv[2].activation == "bend"
    assert spec.custom == (bend,)


def _pick(qtbot, combo, text):
    """Choose ``text`` the way a keyboard user does: focus the box, arrow to it."""
    combo.setFocus()
    target = next(i for i in range(combo.count()) if combo.itemText(i) == text)
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    for _ in range(abs(target - combo.currentIndex())):
        qtbot.keyClick(combo, key)


def test_kernel_shape_pool_and_activation_boxes(qtbot, lab):
    view = _view(qtbot, lab.network, size=(700, 900))
    ctrl = view.controls[1]
    spec = _emitted(qtbot, view, lambda: _pick(qtbot, ctrl.kernel_combo, "5×5"))
    assert spec.conv[1].kernel == 5 and spec.conv[0] == lab.network.conv[0]
    spec = _emitted(qtbot, view, lambda: _pick(qtbot, ctrl.shape_combo, "valid/2"))
    assert (spec.conv[1].padding, spec.conv[1].stride) == ("valid", 2)
    spec = _emitted(qtbot, view, lambda: _pick(qtbot, ctrl.pool_combo, "max pool"))
    assert spec.conv[1].pool == "max"
    relu = ctrl.act_combo.itemText(ctrl.act_combo.findData("relu"))
    spec = _emitted(qtbot, view, lambda: _pick(qtbot, ctrl.act_combo, relu))
    assert spec.conv[1] == ConvSpec(filters=8, kernel=5, padding="valid", stride=2,
                                    activation="relu", pool="max")
    assert spec.conv[0] == lab.network.conv[0]


def test_impossible_edit_is_refused_and_the_controls_go_back(qtbot, lab):
    # 8 px in; a valid 7×7 leaves 2 px; a second 7×7 fits only with same padding
    spec = replace(lab.network, input_size=8,
                   conv=(ConvSpec(kernel=7, padding="valid"), ConvSpec(kernel=7)))
    view = _view(qtbot, spec)
    changed = []
    view.architectureChanged.connect(changed.append)
    ctrl = view.controls[1]
    with qtbot.waitSignal(view.refused, timeout=2000) as blocker:
        _pick(qtbot, ctrl.shape_combo, "valid")
    assert "below 1 px" in blocker.args[0] and "conv[1]" in blocker.args[0]
    assert changed == [] and view.architecture() == spec
    assert ctrl.shape_combo.currentText() == "same"  # back to the network's value
    # a third layer of valid 7×7 cannot be built either
    with qtbot.waitSignal(view.refused, timeout=2000):
        _pick(qtbot, view.controls[0].kernel_combo, "7×7")  # no change: already 7×7
        qtbot.mouseClick(view.add_layer_button, Qt.MouseButton.LeftButton)  # 3×3 same: ok
        _pick(qtbot, view.controls[2].kernel_combo, "7×7")     # 7×7 same on 2 px: ok
        _pick(qtbot, view.controls[2].shape_combo, "valid")    # 2 px − 6: refused
    assert changed and view.architecture() == changed[-1]
    assert view.architecture().conv[2] == ConvSpec(kernel=7, activation="relu")


def test_head_controls(qtbot, lab):
    view = _view(qtbot, lab.network)
    head = view.head
    spec = _emitted(qtbot, view, lambda: qtbot.mouseClick(head.add_dense,
                                                          Qt.MouseButton.LeftButton))
    assert spec.hidden == (32,) and spec.activations == ("relu",)
    assert head.units[0].isVisible() and not head.units[1].isVisible()

    def type_units():
        head.units[0].setFocus()
        head.units[0].selectAll()
        qtbot.keyClicks(head.units[0], "64")
        qtbot.keyClick(head.units[0], Qt.Key.Key_Return)
    spec = _emitted(qtbot, view, type_units)
    assert spec.hidden == (64,)
    spec = _emitted(qtbot, view, lambda: _pick(qtbot, head.head_combo, "flatten"))
    assert spec.head == "flatten" and spec.hidden == (64,)
    spec = _emitted(qtbot, view, lambda: qtbot.mouseClick(head.remove_dense,
                                                          Qt.MouseButton.LeftButton))
    assert spec.hidden == () and spec.activations == ()


def _pixel(widget, rect: QtCore.QRect, i: int, j: int, n: int) -> QtGui.QColor:
    """The colour at the centre of cell (i, j) of an n×n grid drawn in ``rect``."""
    img = widget.grab().toImage()
    dpr = img.devicePixelRatio()
    x = rect.x() + (j + 0.5) * rect.width() / n
    y = rect.y() + (i + 0.5) * rect.height() / n
    return img.pixelColor(int(x * dpr), int(y * dpr))


def _check_signs(widget, rect, values):
    """Blue where the value is clearly positive, orange where clearly negative, white at
    the largest |value|'s opposite end never: the app's diverging map, read off the
    screen (independent of how the tile built its image)."""
    n = values.shape[0]
    vmax = np.abs(values).max()
    checked = 0
    for i in range(n):
        for j in range(n):
            v = values[i, j]
            if abs(v) < 0.2 * vmax:
                continue
            c = _pixel(widget, rect, i, j, n)
            assert (c.blue() > c.red()) == (v > 0), (i, j, v, c.name())
            checked += 1
    return checked


def test_tiles_show_the_kernels_and_maps(qtbot, lab, pics):
    view = _view(qtbot, lab.network, size=(700, 900))
    view.show_pictures(pics)
    qtbot.waitUntil(lambda: view.columns[1].kernels is not None)
    col0, col1 = view.columns
    k0 = pics.layers[0].kernels[:, 0]          # one grey input channel: the kernel itself
    k1 = pics.layers[1].kernels.sum(axis=1)    # 8 input channels: summed
    np.testing.assert_allclose(col0.kernels, k0)
    np.testing.assert_allclose(col1.kernels, k1)
    checked = 0
    for col, kernels in ((col0, k0), (col1, k1)):
        for f in range(len(kernels)):
            checked += _check_signs(col, col.kernel_rect(f), kernels[f])
    assert checked > 40
    # the strongest weight of the layer is the map's full-strength end colour
    f, i, j = np.unravel_index(np.abs(k0).argmax(), k0.shape)
    end = colors.BLUE if k0[f, i, j] > 0 else colors.ORANGE
    assert _pixel(col0, col0.kernel_rect(f), i, j, 3).name().upper() == end
    # feature maps: after the (linear) activation; a 16×16 map in its tile
    post = pics.layers[0].post
    f = int(np.abs(post).max(axis=(1, 2)).argmax())
    assert _check_signs(col0, col0.map_rect(f), post[f]) > 0
    # the probed image, greyscale with ink dark
    assert view.input_tile.image is not None
    np.testing.assert_array_equal(view.input_tile.image, pics.image)
    # None clears the tiles; a stale picture (another kernel size) is not drawn
    view.show_pictures(None)
    assert col0.kernels is None and view.input_tile.image is None
    view.set_architecture(replace(lab.network, conv=(ConvSpec(kernel=5, activation="linear"),
                                                     lab.network.conv[1])))
    view.show_pictures(pics)
    assert view.columns[0].kernels is None and view.columns[1].kernels is not None


def test_hover_shows_the_filter_large_with_values(qtbot, lab, pics):
    view = _view(qtbot, lab.network, size=(330, 600))
    view.show_pictures(pics)
    col = view.columns[1]
    qtbot.mouseMove(col, col.tile_rect(3).center())
    qtbot.waitUntil(view.popup.isVisible)
    assert col.hover == 3  # outlined as the hovered one
    kernel = pics.layers[1].kernels[3].sum(axis=0)
    np.testing.assert_allclose(view.popup.kernel, kernel)
    np.testing.assert_allclose(view.popup.map, pics.layers[1].post[3])
    text = view.popup.values_text()
    for row in kernel:
        assert " ".join(fmt(v) for v in row) in text
    assert "summed over its 8 input channels" in view.popup.caption
    # the links that help: layer 1's tiles outlined by how filter 4 reads each of them
    weights = pics.layers[1].kernels[3].sum(axis=(1, 2))
    np.testing.assert_allclose(view.columns[0].link_weights, weights)
    # and a line from each map that matters to the hovered kernel, signed by its weight
    links = view.content.links
    strong = np.abs(weights) >= 0.08 * np.abs(weights).max()
    assert len(links) == strong.sum() > 0
    assert [w > 0 for _, _, w in links] == list(weights[strong] > 0)
    left = view.columns[1].mapTo(view.content, view.columns[1].kernel_rect(3).topLeft())
    assert all(abs(end.x() - left.x()) <= 1 for _, end, _ in links)
    qtbot.mouseMove(view.layers_label, QtCore.QPoint(5, 5))  # on screen at any scale
    qtbot.waitUntil(lambda: not view.popup.isVisible())
    assert view.columns[0].link_weights is None
    # hiding the builder (the window switches to a point lab) closes the popup with it
    qtbot.mouseMove(col, col.tile_rect(1).center())
    qtbot.waitUntil(view.popup.isVisible)
    view.hide()
    assert not view.popup.isVisible() and view.content.links == []


def test_merged_runs_bracket(qtbot, lab):
    view = _view(qtbot, lab.network)
    view.set_merged_runs(((0, 1),), CAPTION)
    assert view.bracket_captions() == [CAPTION]
    band = view.content.brackets[0][0]
    for col in view.columns:
        assert band.contains(QtCore.QRectF(col.geometry()))
        assert band.contains(QtCore.QRectF(view.controls[col.layer].geometry()))
    assert band.right() <= view.content.width()
    view.set_merged_runs((), "")
    assert view.bracket_captions() == []
    view.set_merged_runs(((0, 5),), CAPTION)  # outside the network: nothing drawn
    assert view.bracket_captions() == []


def test_fits_the_network_column(qtbot, lab):
    view = _view(qtbot, lab.network, size=(330, 600))
    view.set_merged_runs(((0, 1),), CAPTION)
    vp = view.scroll.viewport()
    # 2 layers × 8 filters: everything visible at 330×600, nothing to scroll
    assert view.content.height() <= vp.height()
    for w in view.columns + view.controls:
        assert w.geometry().right() < vp.width()
    big = replace(lab.network, conv=(ConvSpec(filters=16),) * 4)
    view.set_architecture(big)
    # 4 × 16: the tiles scroll vertically, never clipped sideways
    assert view.content.width() <= vp.width()
    for w in view.columns + view.controls:
        assert w.geometry().right() < vp.width()
    assert view.scroll.verticalScrollBar().maximum() > 0
    assert view.columns[3].geometry().bottom() < view.content.height()


def test_every_control_has_a_tooltip_and_tab_reaches_it(qtbot, lab):
    view = _view(qtbot, replace(lab.network, hidden=(16,), activations=("relu",)))
    controls = [w for w in view.findChildren(QtWidgets.QWidget)
                if isinstance(w, (QtWidgets.QAbstractButton, QtWidgets.QComboBox,
                                  QtWidgets.QAbstractSpinBox)) and w.isVisibleTo(view)]
    assert len(controls) >= 2 + 2 * 6 + 3 + 2
    for w in controls:
        assert w.toolTip(), w
    # Tab from the first control visits every control before coming back
    first = view.remove_layer_button
    seen, w = [], first
    for _ in range(200):
        seen.append(w)
        w = w.nextInFocusChain()
        if w is first:
            break
    missing = [c for c in controls if c not in seen and c.focusPolicy() & Qt.FocusPolicy.TabFocus]
    assert missing == []


def test_keyboard_reaches_the_large_view(qtbot, lab):
    # 4 × 16 at 330×600: the column scrolls, and arrowing down keeps the filter in sight
    spec = replace(lab.network, conv=(ConvSpec(filters=16, activation="linear"),) * 2)
    pics = make_pictures(Trainer(replace(lab, network=spec)))
    view = _view(qtbot, spec)
    view.show_pictures(pics)
    col = view.columns[1]
    view.activateWindow()  # focus events reach only the active window
    qtbot.waitUntil(view.isActiveWindow)
    view.controls[1].act_combo.setFocus()
    qtbot.keyClick(view.controls[1].act_combo, Qt.Key.Key_Tab)  # the next stop: the tiles
    qtbot.waitUntil(col.hasFocus)
    qtbot.waitUntil(view.popup.isVisible)
    assert col.hover == 0
    for _ in range(15):
        qtbot.keyClick(col, Qt.Key.Key_Down)
    assert col.hover == 15
    np.testing.assert_allclose(view.popup.kernel, pics.layers[1].kernels[15].sum(axis=0))
    vp = view.scroll.viewport()
    tile = QtCore.QRect(col.mapTo(vp, col.tile_rect(15).topLeft()), col.tile_rect(15).size())
    assert vp.rect().contains(tile)
    qtbot.keyClick(col, Qt.Key.Key_Escape)
    assert not view.popup.isVisible() and col.hover == -1


def test_a_removed_layer_is_gone_from_the_screen_at_once(qtbot):
    """A layer removed (or a lab with fewer convolutions opened) leaves no column drawn
    over the next one, even before Qt deletes its widgets."""
    from actlab.views.images.filter_tiles import FilterColumn

    view = ConvBuilderView()
    qtbot.addWidget(view)
    view.resize(500, 500)
    view.show()
    three = ImageNetSpec(conv=(ConvSpec(4), ConvSpec(4), ConvSpec(4)))
    view.set_architecture(three)
    view.set_architecture(replace(three, conv=three.conv[:1]))
    shown = [c for c in view.content.findChildren(FilterColumn) if c.isVisible()]
    assert shown == view.columns and len(shown) == 1
