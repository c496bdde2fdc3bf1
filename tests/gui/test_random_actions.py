"""A seeded random walk through the window while it trains (pytest-qt, offscreen).

About 1500 actions through the real widgets and actions — Play/Pause, Step, Reset, New
seed, activation, learning rate, batch size, optimizer, layers and neurons +/−, features,
data set, noise, clicks on the output, Clear, Regenerate, log scale, the instruments,
hovering neurons, Undo/Redo, New lab, presets — with every dialog answered by the
``dialog_log`` fixture.  It asserts:

* no Python exception anywhere (a ``sys.excepthook`` capture, and pytest-qt's own
  capture of exceptions in Qt virtual methods and slots);
* no deadlock: every step runs the event loop, and every few steps the training thread
  must answer a snapshot request within a generous bound;
* memory stays bounded (RSS from /proc/self/statm after a warm-up and at the end);
* the window still trains afterwards (the epoch advances and the loss is finite).

``ACTLAB_RANDOM_ACTIONS`` (count) and ``ACTLAB_RANDOM_SEED`` make longer or other walks.
"""
from __future__ import annotations

import math
import os
import random
import sys
import warnings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import pytest
from PySide6 import QtCore, QtWidgets

N_ACTIONS = int(os.environ.get("ACTLAB_RANDOM_ACTIONS", "1500"))
SEED = int(os.environ.get("ACTLAB_RANDOM_SEED", "20261201"))
WAIT = 30_000  # ms for the worker to answer: a busy 2-core machine may be slow
CHECK_EVERY = 40  # actions between deadlock checks
TURN_EVERY = 8  # actions between turns of the event loop
RSS_GROWTH_LIMIT = 400 * 2**20  # bytes, generous: caches and pyqtgraph items warm up
PRESETS = ("xor-needs-nonlinearity", "deep-sigmoid-vanishes", "linear-collapse-xor")


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _pick(rng: random.Random, combo: QtWidgets.QComboBox) -> None:
    if combo.isEnabled() and combo.count():
        combo.setCurrentIndex(rng.randrange(combo.count()))


def _click(button) -> None:
    if button.isEnabled() and button.isVisibleTo(button.window()):
        button.click()


class Walk:
    """The actions, each a method taking the rng; ``log`` keeps what was done."""

    def __init__(self, qtbot, w):
        self.qtbot, self.w = qtbot, w
        self.log: list[str] = []
        # weights: common actions often, heavy ones (New lab, presets) rarely
        self.actions = [(self.play_pause, 8), (self.step, 6), (self.reset, 3),
                        (self.new_seed, 2), (self.activation, 4), (self.layer_activation, 3),
                        (self.learning_rate, 4), (self.batch_size, 3), (self.optimizer, 2),
                        (self.regularization, 2), (self.layers, 4), (self.neurons, 6),
                        (self.feature, 4), (self.data_set, 3), (self.noise, 3),
                        (self.click_point, 4), (self.clear_or_regenerate, 2),
                        (self.checkbox, 4), (self.instrument, 4), (self.hover, 3),
                        (self.undo_redo, 6), (self.problem, 1), (self.new_lab, 1),
                        (self.preset, 1), (self.split_points, 2), (self.compare, 1)]
        self._fns = [f for f, _ in self.actions]
        self._weights = [k for _, k in self.actions]

    def run_one(self, rng: random.Random) -> None:
        fn = rng.choices(self._fns, self._weights)[0]
        self.log.append(fn.__name__)
        fn(rng)

    # ------------------------------------------------------------------ training
    def play_pause(self, rng):
        if self.w.acts.play.isEnabled():
            self.w.acts.play.trigger()

    def step(self, rng):
        if self.w.acts.step.isEnabled():
            self.w.acts.step.trigger()

    def reset(self, rng):
        if self.w.acts.reset.isEnabled():
            self.w.acts.reset.trigger()

    def new_seed(self, rng):
        if self.w.acts.new_seed.isEnabled():
            self.w.acts.new_seed.trigger()

    def activation(self, rng):
        _pick(rng, self.w.controls.activation)

    def layer_activation(self, rng):
        hidden = self.w.lab.network.hidden
        if hidden:
            _pick(rng, self.w.network_view.layer_controls(rng.randrange(len(hidden))).combo)

    def learning_rate(self, rng):
        _pick(rng, self.w.controls.learning_rate)

    def batch_size(self, rng):
        self.w.controls.batch_size.setValue(rng.choice((1, 2, 10, 30, 100)))

    def optimizer(self, rng):
        _pick(rng, self.w.controls.optimizer)

    def regularization(self, rng):
        _pick(rng, rng.choice((self.w.controls.regularization, self.w.controls.reg_rate)))

    def problem(self, rng):
        _pick(rng, self.w.controls.problem)

    # ------------------------------------------------------------------ network, features
    def layers(self, rng):
        nv = self.w.network_view
        _click(nv.add_layer_button() if rng.random() < 0.5 else nv.remove_layer_button())

    def neurons(self, rng):
        hidden = self.w.lab.network.hidden
        if hidden:
            controls = self.w.network_view.layer_controls(rng.randrange(len(hidden)))
            _click(controls.add_button if rng.random() < 0.55 else controls.remove_button)

    def feature(self, rng):
        buttons = list(self.w.features_panel.buttons.values())
        _click(rng.choice(buttons))

    def hover(self, rng):
        nv, hidden = self.w.network_view, self.w.lab.network.hidden
        if hidden and rng.random() < 0.6:
            layer = rng.randrange(len(hidden))
            nv.hover_neuron(layer, rng.randrange(hidden[layer]))
        else:
            nv.unhover_neuron()

    # ------------------------------------------------------------------ data
    def data_set(self, rng):
        _click(rng.choice(list(self.w.data_panel.dataset_buttons.values())))

    def noise(self, rng):
        self.w.data_panel.noise.setValue(rng.randrange(0, 51, 5))

    def split_points(self, rng):
        dp = self.w.data_panel
        if rng.random() < 0.5:
            dp.ratio.setValue(rng.randrange(10, 101, 5))
        else:
            dp.points.setValue(rng.choice((2, 10, 50, 200, 500)))

    def click_point(self, rng):
        x1, x2 = rng.uniform(-6, 6), rng.uniform(-6, 6)
        self.w.output.surface_view.clicked.emit(x1, x2, rng.choice((1, 2)),
                                                rng.random() < 0.3)

    def clear_or_regenerate(self, rng):
        dp = self.w.data_panel
        _click(dp.clear_points if rng.random() < 0.4 else dp.regenerate)

    def undo_redo(self, rng):
        act = self.w.acts.undo if rng.random() < 0.6 else self.w.acts.redo
        if act.isEnabled():
            act.trigger()

    # ------------------------------------------------------------------ view
    def checkbox(self, rng):
        out = self.w.output
        rng.choice((out.log_scale, out.show_test, out.discretize)).click()

    def instrument(self, rng):
        ins = self.w.instruments
        key = rng.choice(list(ins.actions))
        ins.actions[key].trigger()

    def compare(self, rng):
        ins = self.w.instruments
        if not ins.on_screen("compare"):
            ins.open("compare")
        panel = ins.compare
        for box in panel.checks.values():
            box.setChecked(rng.random() < 0.4)
        _click(panel.run_button)

    def new_lab(self, rng):
        self.w.acts.new.trigger()

    def preset(self, rng):
        self.w.open_preset(rng.choice(PRESETS))


def _worker_answers(qtbot, w) -> None:
    """The training thread answers a snapshot request (no deadlock), for the network the
    window shows."""
    if not w.acts.step.isEnabled():  # no training points: nothing to answer with
        return
    before = w.training_thread.latest()
    seq = before.seq if before is not None else -1
    w.training_thread.request_snapshot()
    qtbot.waitUntil(lambda: w.training_thread.latest() is not None and w.training_thread.latest().seq > seq
                    and w.training_thread.latest().generation == w._generation, timeout=WAIT)
    snap = w.training_thread.latest().snapshot
    net = w.lab.network
    assert len(snap.params) == len(net.hidden) + 1
    assert [W.shape[1] for W, _ in snap.params[:-1]] == list(net.hidden)
    assert snap.params[0][0].shape[0] == len(w.lab.features)


def _consistent(w) -> None:
    """What the window shows agrees with its lab (checked after every action)."""
    lab, ds = w.lab, w.dataset
    assert w.network_view.architecture() == (tuple(lab.network.hidden),
                                             tuple(lab.network.activations))
    assert w.acts.play.isEnabled() == (ds.n_train > 0)
    sv = w.output.surface_view
    shown = sv.train_points.getData()[0]
    assert (0 if shown is None else len(shown)) == ds.n_train
    if not lab.data.is_custom:
        assert w.data_panel.noise.value() == round(lab.data.noise * 100)
        assert w.data_panel.dataset_buttons[lab.data.generator].isChecked()
    assert w.controls.learning_rate.currentData() == lab.training.learning_rate
    assert w.controls.batch_size.value() == lab.training.batch_size
    checked = {n for n, b in w.features_panel.buttons.items() if b.isChecked()}
    assert checked == set(lab.features)
    h = w.edits.data_history
    assert w.acts.undo.isEnabled() == bool(h.undo_list)
    assert w.acts.redo.isEnabled() == bool(h.redo_list)
    (_, _), (y0, y1) = w.output.loss_view.view_box.viewRange()
    if w.output.loss_view.log_scale:
        assert -400 < y0 < y1 < 400, (y0, y1)


@pytest.fixture
def excepthook_errors(monkeypatch):
    errors: list[str] = []

    def hook(kind, value, tb):
        import traceback

        errors.append("".join(traceback.format_exception(kind, value, tb)))

    monkeypatch.setattr(sys, "excepthook", hook)
    return errors


def test_random_actions_while_training(qtbot, window, excepthook_errors):
    # numpy's "All-NaN slice" / overflow warnings become errors here: a view drawing a
    # runaway network must handle it, not print warnings (pytest restores the filters)
    warnings.simplefilter("error", RuntimeWarning)
    w = window
    rng = random.Random(SEED)
    walk = Walk(qtbot, w)
    # "Design an activation…" in a layer menu: the editor answers with a bend, a line or
    # Cancel (the dialog_log fixture stands in for the modal dialog)
    from actlab.engine.activations.custom import PiecewiseLinear

    shapes = (((-1.0, -1.0), (0.0, 0.0), (1.0, 2.0)), ((-1.0, -0.5), (1.0, 0.5)))
    w.dialog_log["design"] = lambda custom, editing: None if rng.random() < 0.3 else \
        PiecewiseLinear(editing.name if editing else f"mine{len(custom)}", rng.choice(shapes))
    w.play()
    start_rss = None
    for i in range(N_ACTIONS):
        walk.run_one(rng)
        # the posted events (worker signals, layouts, repaints) after every action, and
        # every few actions a real turn of the event loop (timers: draws, autosave): a
        # quick student, whose repaints Qt merges, not one waiting for every frame
        QtWidgets.QApplication.processEvents()
        if i % TURN_EVERY == 0:
            qtbot.wait(1)
        _consistent(w)
        if i % CHECK_EVERY == CHECK_EVERY - 1:
            _worker_answers(qtbot, w)
        if i == 200:
            start_rss = _rss()
        assert not excepthook_errors, f"after {walk.log[-5:]}:\n{excepthook_errors[0]}"
    end_rss = _rss()
    # every dialog is one clear message, never an exception's raw text
    for title, message in w.dialog_log["errors"]:
        assert "Traceback" not in message and message.strip(), (title, message)
    assert end_rss - start_rss < RSS_GROWTH_LIMIT, (start_rss, end_rss)
    assert w.dialog_log["designs_asked"], "the walk never opened the activation editor"

    # and it still trains
    w.pause()
    w.acts.new.trigger()
    assert w.acts.play.isEnabled()
    w.play()
    try:
        qtbot.waitUntil(lambda: w.training_thread.latest() is not None
                        and w.training_thread.latest().generation == w._generation
                        and w.training_thread.latest().snapshot.epoch >= 5, timeout=WAIT)
    except Exception:
        pub = w.training_thread.latest()
        raise AssertionError(
            f"no training after the walk: playing={w._playing} "
            f"worker={w.training_thread.worker.playing} comparing={w.instruments.compare.comparing} "
            f"gen={w._generation} pub={(pub.generation, pub.seq, pub.snapshot.epoch)} "
            f"status={w.statusBar().currentMessage()!r} last={walk.log[-12:]}") from None
    w.pause()
    snap = w.training_thread.latest().snapshot
    assert math.isfinite(snap.train_loss) and math.isfinite(snap.test_loss)
    assert not excepthook_errors
    print(f"\n{N_ACTIONS} actions; RSS {start_rss / 2**20:.0f} -> {end_rss / 2**20:.0f} MiB; "
          f"{len(w.dialog_log['errors'])} error dialogs: "
          f"{sorted({t for t, _ in w.dialog_log['errors']})}")
