"""A lab's designed activations outside the layer menus: the toolbar's activation menu,
the help's activation gallery (and its "Design your own…"), the gradient-flow
histograms, and Compare activations (point and image labs)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.models.cnn_spec import ConvSpec, ImageNetSpec
from actlab.engine.activations.custom import PiecewiseLinear
from actlab.engine.lockstep import activation_variants
from actlab.engine.trainer import Trainer
from actlab.engine.activations.tweaked import Tweaked
from actlab.lab import DataSpec, ImageDataSpec, Lab, NetworkSpec, TrainingSpec
from actlab.engine.activations.builtin import NAMES
from actlab.views.instruments.gradient_view import FLAT_FRACTION

WAIT = 60_000
BEND = PiecewiseLinear("bend", ((-1.0, 0.0), (0.0, 0.0), (1.0, 2.0)))  # flat for z < 0
SOFT = Tweaked("soft", "elu", 0.5)


def _point_lab(acts=("relu", "relu"), stop_after=None) -> Lab:
    return Lab(name="designed", data=DataSpec("xor", n_points=80),
               network=NetworkSpec((4, 3), acts, custom=(BEND, SOFT)),
               training=TrainingSpec(stop_after=stop_after))


def _image_lab(stop_after=None) -> Lab:
    net = ImageNetSpec(conv=(ConvSpec(3, 3, "same", 1, "relu", "max"),), n_classes=4,
                       input_size=12, hidden=(8,), activations=("relu",),
                       custom=(BEND, SOFT))
    return Lab(name="img", data=ImageDataSpec("shapes", 12, 0.0, 4, 0.5, 3), network=net,
               training=TrainingSpec(stop_after=stop_after))


# ------------------------------------------------------------------ the toolbar's menu
def test_the_toolbar_menu_lists_designed_activations_and_sets_every_layer(window):
    w = window
    assert w.open_lab(_point_lab(("bend", "relu")))
    menu = w.controls.activation
    items = [menu.itemData(i) for i in range(menu.count())]
    assert items[:len(NAMES)] == list(NAMES) and items[len(NAMES):] == ["bend", "soft",
                                                                        "mixed"]
    assert menu.currentText() == "Mixed"
    menu.setCurrentIndex(menu.findData("soft"))
    assert w.lab.network.activations == ("soft", "soft")
    assert w.controls.activation.currentText() == "soft"  # its name, not "Mixed"
    assert w.controls.activation.findData("mixed") < 0
    menu.setCurrentIndex(menu.findData("relu"))  # back to a built-in: every layer too
    assert w.lab.network.activations == ("relu", "relu") and menu.currentText() == "ReLU"
    assert w.lab.network.custom == (BEND, SOFT)  # the designs stay in the lab
    assert w.open_lab(_point_lab(("bend", "bend")))
    assert w.controls.activation.currentText() == "bend"


def test_the_toolbar_menu_of_an_image_lab_sets_every_conv_and_dense_layer(window):
    w = window
    assert w.open_lab(_image_lab()), w.dialog_log["errors"]
    menu = w.controls.activation
    assert menu.findData("bend") > menu.findData(NAMES[-1])
    menu.setCurrentIndex(menu.findData("bend"))
    net = w.lab.network
    assert [c.activation for c in net.conv] == ["bend"] and net.activations == ("bend",)
    assert menu.currentText() == "bend"


# ------------------------------------------------------------------ gallery
def _help(qtbot, lab_holder, design=None):
    from actlab.gui.help.help_window import HelpWindow
    h = HelpWindow(None, designed=lambda: lab_holder["custom"], design=design)
    qtbot.addWidget(h)
    h.show_topic("gallery")
    return h


def test_the_help_gallery_shows_the_labs_designed_activations(qtbot):
    holder = {"custom": ()}
    h = _help(qtbot, holder)
    text = h.browser.toPlainText()
    assert "ReLU" in text and "(designed)" not in text
    assert not h.design_bar.isVisibleTo(h)  # no design callback: no button
    holder["custom"] = (BEND, SOFT)
    h.refresh_gallery()
    text = h.browser.toPlainText()
    assert "bend (designed)" in text and "soft (designed)" in text
    assert "Your ELU with alpha 0.5" in text and "1 kink" in text
    # f'(0) of each, as computed: BEND's right-hand slope 2, the ELU's left slope 0.5
    assert "f′(0) = 2" in text and "f′(0) = 0.5" in text
    page = h.page_html("gallery")
    assert page.count("data:image/png;base64,") == len(NAMES) + 2  # every curve drawn
    assert page.count("<a name='designed'></a><h2>bend (designed)</h2>") == 1


def test_the_gallery_widget_draws_designed_cards_by_their_own_function(qtbot):
    from actlab.views.gallery import ActivationGallery
    g = ActivationGallery(None, custom=(BEND, SOFT))
    qtbot.addWidget(g)
    assert list(g.cards)[len(NAMES):] == ["bend", "soft"]
    card = g.cards["soft"]
    assert card.title_label.text() == "soft (designed)"
    value, slope = [c for c in card.plot.getPlotItem().listDataItems()][::-1]
    z, f = value.getData()
    assert np.allclose(f, np.where(z > 0, z, 0.5 * np.expm1(z)))  # ELU, alpha 0.5
    assert np.allclose(slope.getData()[1], np.where(z > 0, 1.0, 0.5 * np.exp(z)))


def test_design_your_own_adds_to_the_lab_and_sets_every_hidden_layer(window, qtbot,
                                                                      monkeypatch):
    from actlab.gui.help import help_window
    w = window
    before = w.lab.network
    made = Tweaked("mine", "leaky_relu", 0.2)
    monkeypatch.setattr(designed_activations().activation_editor, "design_activation",
                        lambda parent, custom, editing=None: made)
    monkeypatch.setattr(help_window, "_window", None)
    w.show_help("gallery")
    h = help_window._window
    qtbot.addWidget(h)
    assert h.topic == "gallery" and h.design_bar.isVisibleTo(h)
    assert "no designed activations yet" in h.designed_label.text()
    assert "mine (designed)" not in h.browser.toPlainText()
    h.design_button.click()
    assert w.lab.network.custom == before.custom + (made,)
    assert set(w.lab.network.activations) == {"mine"}
    assert len(w.lab.network.activations) == len(before.hidden)
    assert "mine (designed)" in h.browser.toPlainText()
    assert "1 designed activation</a> is at the end" in h.designed_label.text()
    assert "mine" in w.acts.undo.text() and w.edits.undo()
    assert w.lab.network == before


def test_design_your_own_respects_the_teachers_activation_lock(window, monkeypatch):
    w = window
    assert w.open_lab(replace(_point_lab(), guide={"locked": ["activation"]}))
    before = w.lab.network
    opened = []
    monkeypatch.setattr(designed_activations().activation_editor, "design_activation",
                        lambda *a, **k: opened.append(a) or Tweaked("x", "elu", 1.0))
    assert designed_activations().design_for_all(w) is False
    assert opened == [] and w.lab.network == before
    assert "locked by the teacher" in w.statusBar().currentMessage()


def designed_activations():
    from actlab.gui.activations import designed_activations as d
    return d


# ------------------------------------------------------------------ gradient flow
def test_gradient_histograms_use_the_designed_curve_and_flat_share(window, qtbot):
    w = window
    assert w.open_lab(_point_lab(("bend", "soft")))
    w.instruments.actions["gradient"].trigger()
    w.step()
    view = w.instruments.gradient
    qtbot.waitUntil(lambda: w.instruments._drawn.get("gradient") is not None
                    and len(view.histograms) == 2, timeout=WAIT)
    pre = w.instruments._pack.insights.pre_activations
    h0, h1 = view.histograms
    # BEND's slope is 0 for z < 0 and 2 above: flat exactly where z < 0
    z0 = np.asarray(pre[0], float).ravel()
    assert h0.flat_share == pytest.approx(float(np.mean(z0 < 0)))
    assert 0 < h0.flat_share < 1
    assert "bend" in h0.toolTip() and f"{h0.flat_share:.0%} flat" in h0.toolTip()
    xs, ys = h0.curve.getData()
    assert len(xs) == 300
    truth = np.where(xs < 0, 0.0, 2 * xs)
    top = float(ys.max())
    assert np.allclose(ys, (truth - truth.min()) / (truth.max() - truth.min()) * top)
    # the ELU (alpha 0.5, peak slope 1): flat where its slope 0.5 e^z is below the cut
    z1 = np.asarray(pre[1], float).ravel()
    cut = FLAT_FRACTION * 1.0
    assert h1.flat_share == pytest.approx(float(np.mean((z1 <= 0) & (0.5 * np.exp(z1) < cut))))
    assert h1.flat_share > 0 and len(h1.curve.getData()[0]) == 300


# ------------------------------------------------------------------ compare
def _compare(window, qtbot, names):
    w = window
    w.instruments.actions["compare"].trigger()
    panel = w.instruments.compare
    for name, box in panel.checks.items():
        box.setChecked(name in names)
    assert panel.names() == tuple(names)
    panel.run_button.click()
    qtbot.waitUntil(lambda: len(panel.runs()) == len(names) and not panel.comparing,
                    timeout=WAIT)
    return panel


def test_compare_lists_designed_activations_and_trains_them_like_builtins(window, qtbot):
    w = window
    lab = _point_lab(stop_after=3)
    assert w.open_lab(lab)
    panel = w.instruments.compare
    assert list(panel.checks)[:len(NAMES)] == list(NAMES)
    assert list(panel.checks)[len(NAMES):] == ["bend", "soft"]
    assert panel.checks["soft"].text() == "soft" and "ELU" in panel.checks["soft"].toolTip()
    panel = _compare(w, qtbot, ("relu", "bend", "soft"))
    runs = dict(panel.runs())
    assert list(runs) == ["relu", "bend", "soft"] and {s.epoch for s in runs.values()} == {3}
    # independent truth: the same variants trained here, outside the panel
    for name, v in activation_variants(lab, ["bend", "soft"]):
        assert v.network.custom == (BEND, SOFT) and set(v.network.activations) == {name}
        t = Trainer(v, w.dataset)
        t.train(3)
        for (W, b), (W2, b2) in zip(runs[name].params, t.network.get_params()):
            assert np.array_equal(W, W2) and np.array_equal(b, b2)
    # another lab without them: their boxes go
    assert w.open_lab(replace(lab, network=NetworkSpec((3,), ("relu",))))
    assert list(panel.checks) == list(NAMES)


def test_compare_an_image_lab_with_a_designed_activation(window, qtbot):
    w = window
    lab = _image_lab(stop_after=2)
    assert w.open_lab(lab), w.dialog_log["errors"]
    panel = _compare(w, qtbot, ("relu", "soft"))
    runs = dict(panel.runs())
    assert list(runs) == ["relu", "soft"] and runs["soft"].epoch == 2
    (_, v), = activation_variants(lab, ["soft"])
    assert [c.activation for c in v.network.conv] == ["soft"] and v.network.custom == (BEND, SOFT)
    t = Trainer(v)
    t.train(2)
    for (K, b), (K2, b2) in zip(runs["soft"].params, t.network.get_params()):
        assert np.array_equal(K, K2) and np.array_equal(b, b2)
