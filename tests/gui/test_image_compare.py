"""The "Compare activations" instrument on an image lab: one column per activation,
trained in lock step on the compare worker, curves and first-layer filters (or class
templates) drawn from the runs, and an export that is the CLI's compare.png."""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from PySide6 import QtWidgets

from actlab.engine.activations.lookup import display_name
from actlab.engine.analysis.compare_tiles import compare_tiles
from actlab.engine.lockstep import activation_variants
from actlab.engine.trainer import Trainer
from actlab.labfile.format import save_lab
from actlab.labfile.presets import load_preset

INK = "images-linear-cnn-counts-ink"
WAIT = 60_000  # generous: two busy cores


class FakeWindow(QtWidgets.QWidget):
    """What ComparePanel reads of the main window, and nothing more."""

    def __init__(self, lab, dataset=None):
        super().__init__()
        self.lab, self.dataset = lab, dataset
        self._generation, self._playing, self.wants_playing = 0, False, False
        self.statuses: list[str] = []
        self.comparing: list[bool] = []
        self.instruments = self
        self.exported: list[str] = []

    def status(self, text):
        self.statuses.append(text)

    def set_comparing(self, on):
        self.comparing.append(on)

    def request_pause(self):
        self._playing = False

    def export_with(self, what, write, path=None, kind="png"):
        write(path)
        self.exported.append(path)
        return True


def _lab(stop_after=None):
    lab = load_preset(INK)
    if stop_after is not None:
        lab = replace(lab, training=replace(lab.training, stop_after=stop_after))
    return lab


@pytest.fixture
def make_panel(qtbot):
    from actlab.gui.instruments.compare_panel import ComparePanel

    panels = []

    def make(lab, names, dataset=None, size=(360, 700)):
        w = FakeWindow(lab, dataset)
        qtbot.addWidget(w)
        panel = ComparePanel(w, parent=w)
        panels.append(panel)
        lay = QtWidgets.QVBoxLayout(w)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(panel)
        for name, box in panel.checks.items():
            box.setChecked(name in names)
        w.resize(*size)
        w.show()
        qtbot.waitExposed(w)
        panel.set_visible(True)
        return w, panel

    yield make
    for p in panels:
        assert p.shutdown()


def _epochs(panel):
    return [s.epoch for _, s in panel.runs()]


def _train_until(qtbot, panel, epochs):
    panel.run_button.setChecked(True)
    qtbot.waitUntil(lambda: len(panel.runs()) == len(panel.names())
                    and min(_epochs(panel)) >= epochs and not panel.comparing, timeout=WAIT)
    # the GUI timer draws the newest publication
    qtbot.waitUntil(lambda: bool(panel.image_view.columns) and all(
        c.epoch == epochs for c in panel.image_view.columns), timeout=WAIT)


def test_image_lab_shows_one_column_per_activation_curves_and_its_filters(qtbot, make_panel):
    names = ("linear", "relu", "tanh")
    w, panel = make_panel(_lab(stop_after=4), names)
    assert [b.text() for b in panel.checks.values()][:2] == ["Linear", "ReLU"]
    _train_until(qtbot, panel, 4)  # stop_after ends the runs: "finished" unchecks
    view = panel.image_view
    assert panel.stack.currentWidget() is view and not panel.view.isVisible()
    assert [c.heading.text() for c in view.columns] == [display_name(n) for n in names]
    for curve in view.acc_curves + view.loss_curves:
        x, y = curve.getData()
        assert list(x) == [1, 2, 3, 4] and np.isfinite(y).all()
    # independent truth: the same runs trained here, outside the panel
    trainers = [Trainer(v) for _, v in activation_variants(_lab(stop_after=4), names)]
    for t in trainers:
        t.train(10)
        assert t.epoch == 4
    for col, curve, t, (name, snap) in zip(view.columns, view.acc_curves, trainers,
                                           panel.runs()):
        assert np.array_equal(curve.getData()[1],
                              100 * np.asarray(t.history.view()["test_accuracy"]))
        expected = compare_tiles(t.network.spec, t.network.get_params())
        assert np.array_equal(col.tiles.tiles, expected.tiles)
        if name == "linear":  # nothing non-linear: the class templates, one per class
            assert expected.content == "templates" and col.tiles.tiles.shape == (2, 16, 16)
            assert "templates" in col.caption.text()
        else:  # the first convolution's 8 kernels, 3×3
            assert np.array_equal(col.tiles.tiles, t.network.get_params()[0][0][:, 0])
            assert "8 filters" in col.caption.text()
        assert col.caption.text().startswith(f"{snap.test_accuracy:.0%}")
    # the pictures on screen are the kernels' colours: sample the centre of each tile
    col = view.columns[1]
    img = col.tiles.grab().toImage()
    dpr = img.devicePixelRatio()
    for box, rgba in zip(col.tiles.boxes(), col.tiles.rgba):
        h, wd = rgba.shape[:2]
        for (r, c) in ((0, 0), (h - 1, wd - 1), (h // 2, wd // 2)):
            px = box.x() + (c + 0.5) * box.width() / wd
            py = box.y() + (r + 0.5) * box.height() / h
            colour = img.pixelColor(int(px * dpr), int(py * dpr))
            assert (colour.red(), colour.green(), colour.blue()) == tuple(rgba[r, c, :3])


def test_lock_step_runs_match_separately_built_trainers_bit_for_bit(qtbot, make_panel):
    w, panel = make_panel(_lab(stop_after=2), ("linear", "relu"))
    _train_until(qtbot, panel, 2)
    worker = panel.thread.worker
    start = worker.initial_params
    # same first-layer start for both (same shapes: 8 kernels 3×3, 1 channel)
    assert np.array_equal(start[0][0][0], start[1][0][0])
    for (name, snap) in panel.runs():
        lab = dict(activation_variants(_lab(stop_after=2), [name]))[name]
        t = Trainer(lab)
        t.train(2)
        for (K, b), (K2, b2) in zip(snap.params, t.network.get_params()):
            assert np.array_equal(K, K2) and np.array_equal(b, b2)


def test_export_is_the_clis_compare_png(qtbot, make_panel, tmp_path):
    from PySide6.QtGui import QImage

    from actlab.cli.main import main
    from actlab.views.export import image_is_blank

    lab = _lab(stop_after=3)
    w, panel = make_panel(lab, ("linear", "relu"))
    assert panel.export(str(tmp_path / "none.png")) is False  # nothing trained yet
    _train_until(qtbot, panel, 3)
    target = tmp_path / "gui.png"
    assert panel.export(str(target)) is True and not image_is_blank(target)
    path = tmp_path / "ink3.actlab"
    save_lab(lab, path)
    out = tmp_path / "cli"
    assert main(["train", str(path), "--epochs", "3", "--quiet", "--activation", "linear",
                 "--activation", "relu", "--out", str(out)]) == 0
    assert json.loads((out / "metrics.json").read_text())["runs"]["relu"]["epochs"] == 3
    a, b = QImage(str(target)), QImage(str(out / "compare.png"))
    assert a.size() == b.size() and a.width() > 800
    assert a == b  # the same runs, the same function: the same pixels


def test_point_lab_still_shows_surfaces_and_switching_back(qtbot, make_panel):
    w, panel = make_panel(load_preset("xor-needs-nonlinearity"), ("relu",))
    assert panel.stack.currentWidget() is panel.view
    w.lab = _lab()
    panel.lab_changed()
    assert panel.stack.currentWidget() is panel.image_view


def test_the_view_redraws_while_training_and_pause_keeps_the_runs_level(qtbot, make_panel):
    from actlab.engine.data.images import make_images

    lab = _lab()
    lab = replace(lab, training=replace(lab.training, stop_after=None))  # never ends
    d = lab.data
    data = make_images(d.generator, d.size, d.noise, d.per_class, d.train_fraction, d.seed)
    w, panel = make_panel(lab, ("relu", "sigmoid"), dataset=data)
    panel.run_button.setChecked(True)
    assert w.comparing == [True] and "paused" in w.statuses[-1]
    view = panel.image_view
    # drawn while the worker still trains: the columns move on from epoch to epoch
    qtbot.waitUntil(lambda: panel.comparing and bool(view.columns)
                    and min(c.epoch for c in view.columns) >= 3, timeout=WAIT)
    first = view.columns[0].epoch
    qtbot.waitUntil(lambda: view.columns[0].epoch > first, timeout=WAIT)
    assert panel.comparing
    panel.run_button.setChecked(False)
    qtbot.waitUntil(lambda: panel.thread.latest() is not None
                    and not panel.thread.latest().playing, timeout=WAIT)
    runs = panel.runs()
    assert len({s.epoch for _, s in runs}) == 1  # lock step: both at the same epoch
    epoch = runs[0][1].epoch
    qtbot.waitUntil(lambda: all(c.epoch == epoch for c in view.columns), timeout=WAIT)
    for curve in view.acc_curves + view.loss_curves:
        assert len(curve.getData()[0]) == epoch
    assert panel.epoch_label.text() == f"epoch {epoch:,}"


def test_images_that_cannot_be_read_give_one_message_and_no_runs(qtbot, make_panel, tmp_path):
    w, panel = make_panel(_lab(stop_after=1), ("linear", "relu"))
    _train_until(qtbot, panel, 1)  # a good comparison first: its runs must not be exported
    missing = tmp_path / "gone.npz"
    w.lab = replace(_lab(), data=replace(_lab().data, source=("npz", str(missing))))
    w._generation += 1
    panel.lab_changed()
    panel.run_button.setChecked(True)
    qtbot.waitUntil(lambda: not panel.comparing and "gone.npz" in panel.hint.text(),
                    timeout=WAIT)
    assert "\n" not in panel.hint.text() and "Traceback" not in panel.hint.text()
    assert panel.runs() == []
    assert panel.export(str(tmp_path / "x.png")) is False
    assert not (tmp_path / "x.png").exists()
