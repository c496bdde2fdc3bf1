"""Click a link (or a bias dot) of the network diagram, type a value, Enter: the worker's
network has exactly that weight, and the surface, the thumbnails and the numbers drawn
are those of a direct forward pass with it."""
import numpy as np
import pytest
from PySide6 import QtCore
from PySide6.QtCore import Qt

from actlab.engine.features import transform
from actlab.engine.models.mlp import Network
from actlab.gui.panels.weight_edit import parse_value
from actlab.views.loss_view import format_loss
from actlab.views.network.items import link_color

WAIT = 10_000


class _Heard:
    """Records a worker signal's arguments.  (qtbot.waitSignal on a signal emitted in the
    training thread stops its Qt timer from that thread; a list append is harmless.)"""

    def __init__(self, signal):
        self.args = []
        signal.connect(lambda *a: self.args.append(a))


def _wait_heard(qtbot, heard, count=1):
    qtbot.waitUntil(lambda: len(heard.args) >= count, timeout=WAIT)
    return heard.args[count - 1]


def _status_log(window):
    """Every status-bar message from now on.  (The current message alone is not enough:
    the status tip of whatever widget the test cursor rests on may replace it.)"""
    said = []
    window.statusBar().messageChanged.connect(said.append)
    return said


def _click(qtbot, window, item, percent=0.3):
    """A real left click on ``item`` (a LinkItem at ``percent`` along its curve, or a
    BiasItem at its centre) through the diagram's viewport."""
    nv = window.network_view
    if hasattr(item, "path"):
        point = item.path().pointAtPercent(percent)
    else:
        point = item.sceneBoundingRect().center()
    assert nv.scene.key_near(point) == item.tip_key  # nothing else is on top right there
    qtbot.mouseClick(nv.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=nv.view.mapFromScene(point))
    popup = window.weight_editor.popup
    assert popup is not None and popup.isVisible()
    return popup


def _type(qtbot, popup, text):
    popup.edit.selectAll()
    qtbot.keyClick(popup.edit, Qt.Key.Key_Backspace)  # as a student clears the field
    assert popup.edit.text() == ""
    qtbot.keyClicks(popup.edit, text)
    qtbot.keyClick(popup.edit, Qt.Key.Key_Return)


def _engine_net(lab, params):
    net = Network(len(lab.features), lab.network.hidden, lab.network.activations, 1,
                  "sigmoid", lab.network.init, 0, lab.network.leaky_slope)
    net.set_params(params)
    return net


def _check_drawn_against_forward_pass(window, snap):
    """The snapshot's surface and first-layer thumbnails equal a forward pass of an
    independent engine Network with the snapshot's parameters (and a hand formula for
    the first layer)."""
    lab = window.lab
    n = snap.surface.shape[0]
    xs = np.linspace(-snap.extent, snap.extent, n)
    g1, g2 = np.meshgrid(xs, xs)  # surface[i, j] is at x1 = xs[j], x2 = xs[i]
    P = np.column_stack([g1.ravel(), g2.ravel()])
    net = _engine_net(lab, snap.params)
    np.testing.assert_allclose(snap.surface, net.predict(transform(P, lab.features))
                               .reshape(n, n), rtol=1e-5, atol=1e-6)
    W, b = snap.params[0]
    for k in range(W.shape[1]):  # first hidden layer, tanh: by hand
        np.testing.assert_allclose(snap.neurons[0][k],
                                   np.tanh(W[0, k] * g1 + W[1, k] * g2 + b[k]),
                                   rtol=1e-5, atol=1e-6)


def test_click_a_link_type_a_weight_and_everything_follows(qtbot, window):
    w, nv = window, window.network_view
    assert w.lab.features == ("x1", "x2") and w.lab.network.activations[0] == "tanh"
    before = w.training_thread.latest().snapshot
    assert nv.tooltip(nv.link_item(0, 0, 1)).endswith("Click to change it.")
    assert nv.tooltip(nv.bias_item(1, 1)).endswith("Click to change it.")
    popup = _click(qtbot, w, nv.link_item(0, 0, 1))
    assert popup.title.text() == "Weight from x₁ to neuron 2 of hidden layer 1"
    assert float(popup.edit.text()) == pytest.approx(before.params[0][0][0, 1], rel=1e-5)
    heard = _Heard(w.training_thread.worker.paramSet)
    said = _status_log(w)
    _type(qtbot, popup, "0.5")
    args = _wait_heard(qtbot, heard)
    pub = args[2]
    assert w.weight_editor.popup is None  # closed (and deleted)
    # the worker's network has exactly that weight, and only that one changed
    params = w.training_thread.current_lab()[1].params
    assert params[0][0][0, 1] == 0.5
    expected = [(W.copy(), b.copy()) for W, b in before.params]
    expected[0][0][0, 1] = 0.5
    for (W, b), (W0, b0) in zip(params, expected):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)
    snap = pub.snapshot
    assert not np.array_equal(snap.surface, before.surface)
    _check_drawn_against_forward_pass(w, snap)
    # the paused window draws it at once: surface, link colour, thumbnails, numbers
    qtbot.waitUntil(lambda: w.playback.snapshot is snap and w.isWindowModified(), timeout=WAIT)
    assert w.output.surface_view._surface is snap.surface
    assert nv.link_item(0, 0, 1).pen().color().rgb() == link_color(0.5).rgb()
    X = transform(w.dataset.X_train, w.lab.features)
    loss = _engine_net(w.lab, snap.params).data_loss(X, w.dataset.y_train)
    assert snap.train_loss == pytest.approx(loss, rel=1e-12)
    assert w.output.values["train_loss"].text() == format_loss(loss)
    qtbot.waitUntil(lambda: "Weight x₁ → h1,2 set to 0.5." in said, timeout=WAIT)
    assert w.isWindowModified()


def test_click_a_bias_dot_sets_the_bias(qtbot, window):
    w, nv = window, window.network_view
    popup = _click(qtbot, w, nv.bias_item(2, 1))
    assert popup.title.text() == "Bias of neuron 2 of hidden layer 2"
    heard = _Heard(w.training_thread.worker.paramSet)
    said = _status_log(w)
    _type(qtbot, popup, "-1e-2")
    args = _wait_heard(qtbot, heard)
    assert w.training_thread.current_lab()[1].params[1][1][1] == -0.01
    _check_drawn_against_forward_pass(w, args[2].snapshot)
    # the window hears of it through a queued signal: wait for that, not the clock
    qtbot.waitUntil(lambda: "Bias of h2,2 set to -0.01." in said, timeout=WAIT)


def test_the_output_links_and_bias_are_named_for_the_output(qtbot, window):
    nv = window.network_view
    popup = _click(qtbot, window, nv.link_item(2, 1, 0))
    assert popup.title.text() == "Weight from neuron 2 of hidden layer 2 to the output"
    qtbot.keyClick(popup.edit, Qt.Key.Key_Escape)
    popup = _click(qtbot, window, nv.bias_item(3, 0))
    assert popup.title.text() == "Bias of the output"


@pytest.mark.parametrize("text, says", [
    ("abc", "not a number"), ("", "Type a number"), ("0,5", "use a point"),
    ("nan", "not a finite number"), ("inf", "not a finite number"),
    ("-1e400", "not a finite number"), ("2000", "too large"), ("-1000.5", "too large")])
def test_bad_text_is_refused_with_a_message_and_nothing_is_sent(qtbot, window, monkeypatch,
                                                               text, says):
    sent = []
    monkeypatch.setattr(window.training_thread, "set_parameter", lambda *a: sent.append(a))
    before = window.training_thread.current_lab()[1].params[0][0].copy()
    popup = _click(qtbot, window, window.network_view.link_item(0, 1, 2))
    _type(qtbot, popup, text)
    assert popup.isVisible()  # still open: the student can correct it
    assert says in popup.message.text()
    assert sent == []
    np.testing.assert_array_equal(window.training_thread.current_lab()[1].params[0][0], before)
    qtbot.keyClick(popup.edit, Qt.Key.Key_Escape)  # Escape cancels
    assert not popup.isVisible() and window.weight_editor.popup is None
    assert sent == []


@pytest.mark.parametrize("text, value", [("0.5", 0.5), ("-1e-2", -0.01), (" 3 ", 3.0),
                                         ("\u22122.5", -2.5), ("1000", 1000.0)])
def test_parse_value_accepts_plain_numbers(text, value):
    assert parse_value(text) == value


def test_an_edit_while_training_applies_between_steps_and_training_goes_on(qtbot, window):
    w, nv = window, window.network_view
    w.play()
    qtbot.waitUntil(lambda: w._playing and w.training_thread.latest().snapshot.epoch > 2,
                    timeout=WAIT)
    popup = _click(qtbot, w, nv.link_item(1, 2, 0))
    assert popup.title.text() == "Weight from neuron 3 of hidden layer 1 to neuron 1 " \
                                 "of hidden layer 2"
    heard = _Heard(w.training_thread.worker.paramSet)
    _type(qtbot, popup, "-1.25")
    args = _wait_heard(qtbot, heard)
    pub = args[2]
    assert pub.playing and pub.snapshot.params[1][0][2, 0] == -1.25
    _check_drawn_against_forward_pass(w, pub.snapshot)
    # training goes on from there (the weight keeps being trained)
    qtbot.waitUntil(lambda: w.training_thread.latest().snapshot.epoch > pub.snapshot.epoch + 2,
                    timeout=WAIT)
    assert w._playing
    w.pause()
    qtbot.waitUntil(lambda: not w._playing, timeout=WAIT)


def test_edits_the_worker_refuses_change_nothing_and_say_why(qtbot, window):
    from actlab.gui.training.worker import ParamEdit

    w = window
    before = w.training_thread.current_lab()[1].params
    # an edit made for a network that has since been replaced is not applied
    heard = _Heard(w.training_thread.worker.paramRefused)
    w.training_thread.set_parameter(ParamEdit(0, 0, 0, 0.5), w._generation - 1)
    _wait_heard(qtbot, heard)
    # the engine's own check (the popup never sends this): nothing changes, the status
    # bar says why
    heard = _Heard(w.training_thread.worker.paramRefused)
    said = _status_log(w)
    w.training_thread.set_parameter(ParamEdit(0, 1, 0, 5000.0))
    _wait_heard(qtbot, heard)
    qtbot.waitUntil(lambda: any(m.startswith("Weight x₂ → h1,1 not changed: 5000 is too "
                                             "large") for m in said), timeout=WAIT)
    after = w.training_thread.current_lab()[1].params
    for (W, b), (W0, b0) in zip(after, before):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)
    assert not w.isWindowModified()


def test_weight_edits_stay_allowed_when_the_teacher_locks_the_structure(qtbot, window):
    nv = window.network_view
    nv.set_edit_locks(True, True)
    popup = _click(qtbot, window, nv.link_item(0, 0, 0))
    heard = _Heard(window.training_thread.worker.paramSet)
    _type(qtbot, popup, "0.25")
    _wait_heard(qtbot, heard)
    assert window.training_thread.current_lab()[1].params[0][0][0, 0] == 0.25


@pytest.mark.parametrize("epochs", [0, 1])
def test_the_edit_is_saved_with_the_lab_and_opens_again(qtbot, window, tmp_path, epochs):
    from actlab.labfile.format import load_lab

    w = window
    if epochs:
        seq = w.training_thread.latest().seq
        w.step()
        qtbot.waitUntil(lambda: w.training_thread.latest().seq > seq
                        and w.training_thread.latest().snapshot.epoch == 1, timeout=WAIT)
    popup = _click(qtbot, w, w.network_view.link_item(0, 1, 3))
    heard = _Heard(w.training_thread.worker.paramSet)
    said = _status_log(w)
    _type(qtbot, popup, "0.875")
    _wait_heard(qtbot, heard)
    qtbot.waitUntil(lambda: "Weight x₂ → h1,4 set to 0.875." in said, timeout=WAIT)
    path = tmp_path / "edited.actlab"
    assert w.files.save_to(str(path))
    lab = load_lab(path)
    assert lab.params[0][0][1, 3] == 0.875
    np.testing.assert_array_equal(lab.params[1][0], w.training_thread.current_lab()[1].params[1][0])
    # and it opens with that weight in the worker
    assert w.open_lab(lab, str(path))
    qtbot.waitUntil(lambda: w.training_thread.latest().generation == w._generation, timeout=WAIT)
    assert w.training_thread.current_lab()[1].params[0][0][1, 3] == 0.875


def test_a_link_in_a_crowded_layer_can_be_clicked_too(qtbot, window):
    """A layer of 64 x 64 links is drawn as one item (no LinkItem per link): a click on
    one of its drawn lines still opens the editor for that very weight."""
    from dataclasses import replace

    w, nv = window, window.network_view
    net = replace(w.lab.network, hidden=(64, 64), activations=("relu", "relu"))
    w.apply_edit(replace(w.lab, network=net), "network")
    qtbot.waitUntil(lambda: w.training_thread.latest() is not None
                    and w.training_thread.latest().generation == w._generation
                    and nv._dense[1] is not None and len(nv._dense[1].drawn()) > 0,
                    timeout=WAIT)
    dense = nv._dense[1]
    k = int(dense.drawn()[-1])  # the strongest link, painted on top
    i, j = divmod(k, dense.n_b)
    t = 0.5
    point = QtCore.QPointF(dense._xa + t * (dense._xb - dense._xa),
                           dense._ya[i] + t * (dense._yb[j] - dense._ya[i]))
    pos = nv.view.mapFromScene(point)  # whole pixels: the link nearest to that pixel
    key = nv.scene.key_near(nv.view.mapToScene(pos))
    assert key is not None and key[:2] == ("link", 1)
    _, _, ki, kj = key
    qtbot.mouseClick(nv.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    popup = w.weight_editor.popup
    assert popup is not None and popup.isVisible()
    assert popup.title.text() == (f"Weight from neuron {ki + 1} of hidden layer 1 to "
                                  f"neuron {kj + 1} of hidden layer 2")
    qtbot.keyClick(popup.edit, Qt.Key.Key_Escape)
    assert w.weight_editor.popup is None
