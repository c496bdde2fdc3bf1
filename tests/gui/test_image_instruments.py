"""The image lab's instruments: "Why non-linearity?" shows the composite kernel the engine
computes, the templates and saliencies; the gradient page names convolutions and lists
dead filters; Hidden space and Linear regions are disabled for image labs.  Built with the
real Instruments, views and InsightsFeed around a stand-in window (the main window does
not open image labs yet)."""
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6 import QtCore, QtWidgets

from actlab.engine.analysis import conv as ca
from actlab.engine.analysis import conv_reference as ref
from actlab.engine.analysis.image_insights import image_insights
from actlab.engine.trainer import Trainer
from actlab.gui.training.insights_feed import InsightsFeed
from actlab.gui.workspaces.images.workspace import ImageWorkspace
from actlab.gui.side_panel import InstrumentArea
from actlab.labfile.presets import load_preset
from actlab.views.images.conv_collapse_view import ConvCollapseView


def _trained(name, epochs=2):
    t = Trainer(load_preset(name))
    t.train(epochs)
    return t


# ------------------------------------------------------------------ the view alone
def test_collapse_view_draws_the_engines_composite_kernel(qtbot):
    t = _trained("images-two-3x3-are-one-5x5")
    view = ConvCollapseView()
    qtbot.addWidget(view)
    assert view.show_insights(image_insights(t))
    (K,) = view.shown_composites
    params = t.network.get_params()
    Kc, bc = ca.compose_stack(params[:2])
    np.testing.assert_allclose(K, Kc)
    # independent of compose_stack: the drawn kernel does what the two layers do
    x = np.random.default_rng(0).random((1, 1, 16, 16))
    h = ref.conv2d(ref.conv2d(x, *params[0], 1, (0, 0)), *params[1], 1, (0, 0))
    np.testing.assert_allclose(ref.conv2d(x, K, bc, 1, (0, 0)), h, atol=1e-12)
    texts = view.texts()
    assert "Layers 1–2: these 2 convolutions act as this one 5×5" in texts
    assert any("rounding error only" in s for s in texts)
    assert "The whole network is: score = template · image + c" in texts
    assert any(s.startswith("Identical for every image") for s in texts)
    assert not any("border" in s for s in texts)  # valid padding: no caveat
    assert view.shown_templates.shape == (3, 16, 16)


def test_collapse_view_same_padding_gives_the_border_caveat(qtbot):
    view = ConvCollapseView()
    qtbot.addWidget(view)
    view.show_insights(image_insights(_trained("images-linear-cnn-counts-ink", 1)))
    texts = view.texts()
    assert any("away from the border" in s and "rounding error only" in s for s in texts)
    assert any(s.startswith("Why the border differs") for s in texts)


def test_collapse_view_with_relu_says_what_breaks_it(qtbot):
    view = ConvCollapseView()
    qtbot.addWidget(view)
    view.show_insights(image_insights(_trained("images-shapes-need-nonlinearity", 1)))
    texts = view.texts()
    assert "No convolutions merge here: layer 1 uses ReLU." in texts
    assert view.shown_composites == [] and view.shown_templates is None
    assert any(s.startswith("Different for each image") for s in texts)
    sal = view.shown_saliencies
    assert len(sal) >= 3 and not np.allclose(sal[0], sal[1])


# ------------------------------------------------------------------ Instruments
class _Layout:
    def __init__(self):
        self.instrument_area = InstrumentArea()
        self.shown = False

    def show_instruments(self, on):
        self.shown = bool(on)


class _Worker(QtCore.QObject):
    playingChanged = QtCore.Signal(bool)


class _Trainer:
    """What Instruments asks of the window's training handle, with a real InsightsFeed."""

    def __init__(self, trainer):
        self.worker = _Worker()
        self.feed = InsightsFeed(40)
        self.engine = trainer
        self.wants = None

    def set_instruments(self, insights, hidden):
        self.wants = (insights, hidden)
        self.feed.set_wants(insights, hidden)

    def request_snapshot(self):
        pass

    def latest(self):
        return None  # the tests call draw() with the pack they make

    def publish(self):
        return SimpleNamespace(insights=self.feed.pack(self.engine, 1, False), playing=False)

    def begin_gui_turn(self):
        pass

    def end_gui_turn(self):
        pass


class _Recorder:
    def __init__(self):
        self.calls = []

    def set_merged_runs(self, *args):
        self.calls.append(args)

    def set_extra_line(self, *args):
        pass

    def clear_extra_line(self):
        pass


class _ImageWorkspace:
    """The image workspace's collapse marks, drawn on a recording builder."""

    instruments, instruments_off = ImageWorkspace.instruments, ImageWorkspace.instruments_off
    mark_collapse = ImageWorkspace.mark_collapse
    clear_collapse_marks = ImageWorkspace.clear_collapse_marks

    def __init__(self):
        self.network_view = _Recorder()


class _Window(QtWidgets.QMainWindow):
    def __init__(self, trainer):
        super().__init__()
        self.layout_ = _Layout()
        self.setCentralWidget(self.layout_.instrument_area)
        self.training_thread = _Trainer(trainer)
        self.lab, self.dataset = trainer.lab, trainer.dataset
        self.output = SimpleNamespace(surface_view=_Recorder())
        self.network_view = _Recorder()
        self.workspace = _ImageWorkspace()
        self.workspaces = {"images": self.workspace}
        self._playing, self._generation = False, 1

    def status(self, text):
        pass


@pytest.fixture
def image_window(qtbot):
    from actlab.gui.instruments.instruments import Instruments

    t = _trained("images-two-3x3-are-one-5x5")
    w = _Window(t)
    qtbot.addWidget(w)
    w.instruments = Instruments(w)
    w.resize(400, 800)
    w.show()
    yield w, t
    assert w.instruments.shutdown()  # the comparison thread ends with the window


def test_instruments_show_the_image_views_and_disable_point_only_ones(image_window):
    w, t = image_window
    ins = w.instruments
    assert not ins.actions["hidden"].isEnabled() and not ins.actions["regions"].isEnabled()
    assert "2-D points" in ins.actions["hidden"].toolTip()
    assert "input plane" in ins.actions["regions"].toolTip()
    ins.open("collapse")
    assert w.training_thread.wants == (True, None)
    w.training_thread.feed.set_probe("test", 7)
    assert ins.draw(w.training_thread.publish())
    view = ins.views["collapse"]
    assert view is ins.image_collapse and view.isVisible() and not ins.collapse.isVisible()
    assert "Layers 1–2: these 2 convolutions act as this one 5×5" in view.texts()
    np.testing.assert_allclose(view.shown_composites[0],
                               ca.compose_stack(t.network.get_params()[:2])[0])
    assert "probed" in view.texts()
    # the builder's bracket over the merging convolutions
    runs, text = w.workspaces["images"].network_view.calls[-1]
    assert runs == ((0, 1),) and "5×5" in text
    ins.close("collapse")
    assert w.workspaces["images"].network_view.calls[-1] == ((), "")


def test_the_probe_reaches_the_saliency(image_window):
    w, _ = image_window
    ins = w.instruments
    ins.open("collapse")
    w.training_thread.feed.set_probe("test", 11)
    pack = w.training_thread.publish().insights
    assert pack.insights.saliency_indices[0] == 11 and pack.insights.probe_split == "test"


def test_gradient_page_names_convolutions_and_lists_dead_filters(qtbot):
    from actlab.gui.instruments.instruments import Instruments

    t = _trained("images-shapes-need-nonlinearity", 1)
    params = t.network.get_params()
    K, b = params[0]
    b = b.copy()
    b[[1, 4]] = -1e3  # filters 2 and 5 of layer 1 can never fire
    params[0] = (K, b)
    t.network.set_params(params)
    w = _Window(t)
    qtbot.addWidget(w)
    w.instruments = ins = Instruments(w)
    w.show()
    ins.open("gradient")
    assert ins.draw(w.training_thread.publish())
    view = ins.views["gradient"]
    assert view is ins.image_gradient and view.isVisible()
    labels = [view.legend.items[i][1].text for i in range(len(view.legend.items))]
    assert labels == ["Convolution 1", "Convolution 2", "output"]
    assert "Convolution 1: filters 2, 5" in view.dead_label.text()
    assert view.dead_labels()[0] == "dead: 2/8"
    assert ins.shutdown()


def test_collapse_view_first_layer_padding_only_says_the_border_agrees(qtbot):
    # same, then valid: the stack pads the input once, as the single convolution does,
    # so the border agrees to rounding and the view says so (issue 19), not "differs"
    from dataclasses import replace

    lab = load_preset("images-two-3x3-are-one-5x5")
    conv = (replace(lab.network.conv[0], padding="same"), *lab.network.conv[1:])
    t = Trainer(replace(lab, network=replace(lab.network, conv=conv)))
    t.train(1)
    ins = image_insights(t)
    c = ins.collapses[0].collapse
    assert c.n_border > 0 and c.border_agrees is True
    view = ConvCollapseView()
    qtbot.addWidget(view)
    view.show_insights(ins)
    texts = view.texts()
    assert not any(s.startswith("Why the border differs") for s in texts)
    assert any("agree to rounding everywhere, the border included" in s for s in texts)


@pytest.mark.parametrize("name", ["images-two-3x3-are-one-5x5", "images-linear-cnn-counts-ink"])
@pytest.mark.parametrize("column", [420, 300])
def test_merged_kernels_are_big_tiles_and_the_probe_goes_through_both(qtbot, name, column):
    # issue 20: merged kernels at least 96 px in the ~420-px column of a 1366×768 screen
    # (and a narrower one), the page scrolling down but never sideways; the probed image
    # through the stack and the single convolution beside their difference
    t = _trained(name, 2)
    ins = image_insights(t, "test", 4)
    scroll = QtWidgets.QScrollArea()
    qtbot.addWidget(scroll)
    view = ConvCollapseView()
    scroll.setWidget(view)
    scroll.setWidgetResizable(True)
    scroll.resize(column, 700)
    scroll.show()
    assert view.show_insights(ins)
    qtbot.waitUntil(lambda: view.composite_tiles and view.composite_tiles[0].width() > 1)
    QtWidgets.QApplication.processEvents()
    Kc = view.shown_composites[0]
    assert len(view.composite_tiles) == Kc.shape[0] * Kc.shape[1]
    for tile in view.composite_tiles:
        assert tile.pixmap().width() >= 96 and tile.pixmap().height() >= 96
        assert tile.width() >= 96 and tile.height() >= 96
        assert tile.geometry().right() < view.width()
    assert scroll.horizontalScrollBar().maximum() == 0
    assert view.width() <= scroll.viewport().width()
    (m,) = view.shown_maps
    np.testing.assert_array_equal(m.image, t.dataset.x_test[4, 0])
    note = view.maps_note.text()
    if m.border_max is None:
        assert note.startswith("Difference everywhere") and "rounding only" in note
    else:
        assert "Inside the dashed box" in note and "Border band" in note
        assert "where zero padding breaks the equality" in note


def test_why_nonlinearity_shows_the_probed_images_own_templates(qtbot):
    """A ReLU CNN: the probed image with its own template per class, T·x and c under
    each (their sum is the score), and how many patterns the test images have; a linear
    CNN: one template for every image."""
    t = Trainer(load_preset("images-shapes-need-nonlinearity"))
    t.train(3)
    ins = image_insights(t, "test", 4)
    view = ConvCollapseView()
    qtbot.addWidget(view)
    view.resize(420, 900)
    view.show()
    assert view.show_insights(ins)
    assert np.array_equal(view.shown_local, ins.local.templates)
    text = " ".join(view.texts())
    n = ins.local.patterns
    assert f"This network: {n} activation patterns on {ins.local.pattern_images} test" in text
    assert "own templates: score = T(x) · image + c(x)" in text
    logits = t.network.logits(t.dataset.x_test[4:5])[0]
    names = [str(c) for c in t.dataset.class_names]
    for k, name in enumerate(names):  # each caption's numbers add up to the logit
        cap = next(s for s in view.texts() if s.startswith(f"{name}\nT·x "))
        dot = float(cap.split("\n")[1].split()[1].replace("−", "-"))
        c = float(cap.split("\n")[2].split()[2].replace("−", "-"))
        assert abs(dot + c - logits[k]) < 0.01 * max(1.0, abs(logits[k]))
    lin = Trainer(load_preset("images-linear-cnn-counts-ink"))
    lin.train(2)
    assert view.show_insights(image_insights(lin, "test", 0), force=True)
    assert view.shown_local is None
    assert any(s.startswith("Linear: one template for every image (1 activation pattern")
               for s in view.texts())
