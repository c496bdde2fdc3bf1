"""Inside a filter: a click on a filter tile opens it; the pixel's sum is the engine's own
pre-activation value, its maps are the engine's maps before and after the activation
(checked against the independent reference forward pass), hovering a pixel outlines its
patch, and the network column shows each map before or after its activation."""
import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from actlab.engine.analysis.conv import feature_maps
from actlab.views.images.filter_popup import fmt

WAIT = 60_000  # ms: generous, for a busy machine; every wait is on state, never a sleep


def _trained(window, qtbot, name="images-shapes-need-nonlinearity"):
    assert window.open_preset(name)
    window.play()
    qtbot.waitUntil(lambda: (p := window.training_thread.latest()) is not None
                    and p.generation == window._generation and p.snapshot.epoch >= 2,
                    timeout=WAIT)
    window.pause()
    qtbot.waitUntil(lambda: not window._playing, timeout=WAIT)
    if window.training_thread.latest().snapshot.progress > 0:
        # paused part way through an epoch: Step ends it, so the pictures and the weights
        # the window saves (those of the last whole epoch) are the same network
        window.step()
        qtbot.waitUntil(lambda: window.training_thread.latest().snapshot.progress == 0
                        and not window.training_thread.worker._stepping, timeout=WAIT)
    ws = window.workspace_for("images")
    window.training_thread.request_snapshot()
    qtbot.waitUntil(lambda: ws.pictures() is not None
                    and ws.pictures() is window.training_thread.latest().snapshot.pictures,
                    timeout=WAIT)
    return ws


def _hover(widget, point: QtCore.QPointF) -> None:
    """The mouse moving over ``point`` of ``widget`` (no button), as Qt delivers it."""
    event = QtGui.QMouseEvent(QtCore.QEvent.Type.MouseMove, point,
                              QtCore.QPointF(widget.mapToGlobal(point.toPoint())),
                              Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                              Qt.KeyboardModifier.NoModifier)
    QtWidgets.QApplication.sendEvent(widget, event)


def _reference(window, pics):
    lab = window.files.results_lab()
    specs = [{"activation": c.activation, "padding": c.padding, "stride": c.stride,
              "pool": c.pool} for c in lab.network.conv]
    params = [(np.asarray(K), np.asarray(b)) for K, b in lab.params]
    return feature_maps(params, specs, lab.network.head, pics.image,
                        tuple(lab.network.activations))


def test_a_click_on_a_tile_opens_the_filter_with_the_engines_numbers(window, qtbot):
    ws = _trained(window, qtbot)
    builder = ws.network_view
    col = builder.columns[1]
    qtbot.mouseClick(col, Qt.MouseButton.LeftButton, pos=col.map_rect(3).center())
    d = ws.filter_detail
    qtbot.waitUntil(lambda: d is not None and d.isVisible(), timeout=WAIT)
    assert (d.layer, d.filter) == (1, 3)
    assert d.title.text().startswith("Convolution 2 · filter 4 · 3×3 · ReLU")
    pics = ws.pictures()
    ref = _reference(window, pics)
    np.testing.assert_allclose(d.detail.pre, ref[1].pre_activation[3], atol=1e-9)
    np.testing.assert_allclose(d.detail.post, ref[1].post_activation[3], atol=1e-9)
    # the pixel's sum is the engine's z there, and the view writes it
    r, c = d.pixel
    assert abs(d.sum.z - pics.layers[1].pre[3, r, c]) < 1e-12
    text = d.view.description()
    assert f"z = {fmt(d.sum.z)}" in text and f"ReLU(z) = a = {fmt(d.sum.a)}" in text
    assert "sum over the 8 input channels" in text  # conv 2 reads conv 1's 8 maps
    assert d.channel_box.isVisible()
    # the view's pictures are the maps (the same arrays, drawn)
    np.testing.assert_array_equal(d.view.before.values, d.detail.pre)
    np.testing.assert_array_equal(d.view.after.values, d.detail.post)


def test_hovering_a_pixel_outlines_its_patch_and_works_it_out(window, qtbot):
    ws = _trained(window, qtbot)
    d = ws.open_filter_detail(0, 2)
    qtbot.waitUntil(lambda: d.detail is not None, timeout=WAIT)
    pic = d.view.before
    qtbot.waitUntil(lambda: pic.width() >= 100, timeout=WAIT)
    target = (5, 1)
    _hover(pic, pic.pixel_rect(*target).center())
    assert d.pixel == target
    k, p = d.detail.k, d.detail.padding
    assert d.view.input.patch == (5 - p, 1 - p, k)
    assert d.view.before.pixel == target and d.view.after.pixel == target
    pics = ws.pictures()
    assert abs(d.sum.z - pics.layers[0].pre[2, 5, 1]) < 1e-12
    # patch · kernel by hand, from the probed image itself
    padded = np.pad(pics.image, p)
    patch = padded[5:5 + k, 1:1 + k]
    z = float((patch * pics.layers[0].kernels[2, 0]).sum() + pics.layers[0].bias[2])
    assert abs(d.sum.z - z) < 1e-12
    # the arrow keys move the pixel, kept inside the map
    d.view.setFocus()
    epoch = window.training_thread.latest().snapshot.epoch
    qtbot.keyClick(d.view, Qt.Key.Key_Right)  # (→ steps the training elsewhere)
    assert d.pixel == (5, 2)
    for _ in range(30):
        qtbot.keyClick(d.view, Qt.Key.Key_Down)
    assert d.pixel == (d.detail.pre.shape[0] - 1, 2)
    assert not window.wants_playing and window.training_thread.latest().snapshot.epoch == epoch
    # the chosen pixel is the dot on the activation's curve
    xs, ys = d.view.curve.chosen.getData()
    assert (xs[0], ys[0]) == (d.sum.z, d.sum.a)


def test_the_detail_follows_training_and_another_filter(window, qtbot):
    ws = _trained(window, qtbot)
    d = ws.open_filter_detail(0, 0)
    before = ws.pictures()
    window.acts.step.trigger()
    qtbot.waitUntil(lambda: ws.pictures() is not before, timeout=WAIT)
    qtbot.waitUntil(lambda: d.pics is ws.pictures(), timeout=WAIT)
    np.testing.assert_array_equal(d.detail.pre, ws.pictures().layers[0].pre[0])
    d.filter_box.setValue(5)
    assert (d.layer, d.filter) == (0, 4)
    np.testing.assert_array_equal(d.detail.pre, ws.pictures().layers[0].pre[4])
    d.layer_box.setCurrentIndex(1)
    assert d.layer == 1 and d.detail.channels == 8
    # another kind of lab: the window closes
    assert window.open_preset("xor-needs-nonlinearity")
    assert not d.isVisible()


def test_enter_on_a_focused_column_opens_the_filter(window, qtbot):
    ws = _trained(window, qtbot)
    col = ws.network_view.columns[0]
    col.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: col.hover == 0, timeout=WAIT)
    qtbot.keyClick(col, Qt.Key.Key_Down)
    qtbot.keyClick(col, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ws.filter_detail is not None and ws.filter_detail.isVisible(),
                    timeout=WAIT)
    assert (ws.filter_detail.layer, ws.filter_detail.filter) == (0, 1)


def test_the_network_column_shows_maps_before_or_after_the_activation(window, qtbot):
    ws = _trained(window, qtbot)
    builder = ws.network_view
    pics = ws.pictures()
    for i, col in enumerate(builder.columns):
        np.testing.assert_array_equal(col.maps, pics.layers[i].post)
    builder.maps_box.setCurrentIndex(1)
    assert builder.maps_before()
    for i, col in enumerate(builder.columns):
        np.testing.assert_array_equal(col.maps, pics.layers[i].pre)
    # ReLU: the maps after are the maps before with the negatives cut to zero
    assert np.any(pics.layers[0].pre < 0)
    np.testing.assert_allclose(pics.layers[0].post, np.maximum(pics.layers[0].pre, 0))
    # the large view on hover says which one it shows
    builder._hovered(0, 1)
    assert "before ReLU" in builder.popup.caption
    builder._clear_hover()
    builder.set_maps_before(False)
    np.testing.assert_array_equal(builder.columns[0].maps, pics.layers[0].post)


def test_before_any_training_the_detail_says_to_press_play(window, qtbot):
    assert window.open_preset("images-shapes-need-nonlinearity")
    ws = window.workspace_for("images")
    d = ws.open_filter_detail(0, 0)
    if ws.pictures() is None:
        assert d.detail is None and "Press Play" in d.message.text()
        assert not d.view.isVisible()
    qtbot.waitUntil(lambda: ws.pictures() is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: d.detail is not None, timeout=WAIT)
    assert d.view.isVisible() and not d.message.isVisible()
    assert QtCore.QSize(d.width(), d.height()).width() <= 1366
