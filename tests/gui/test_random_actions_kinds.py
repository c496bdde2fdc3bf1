"""A seeded random walk across the three kinds of lab (pytest-qt, offscreen).

test_random_actions.py walks a point lab; this walk switches between point, function and
image labs while training and a comparison run, and does what only the other kinds
offer: image and function data sets, images per class and picture size, the conv
builder (layers, kernels, pooling, its activation menus with "Design an activation…"
answered by a designed activation), imports of .npz images and CSV points (good files
and broken ones), the comparison with every kind's view.  Found this way (issue 18): an
abort when a data set was clicked during a comparison, the comparison drawing old runs
with a new kind's view, the conv builder's "+" on a designed activation.

It asserts no Python exception anywhere (a ``sys.excepthook`` capture and pytest-qt's
own capture in slots), that the window shows the workspace of its lab's kind after every
action, that every error dialog is one plain message, and that the window still trains
at the end.  ``ACTLAB_RANDOM_ACTIONS`` (count) and ``ACTLAB_RANDOM_SEED`` make longer or
other walks (benchmarks/random_actions_rss.py runs one for minutes and prints memory).
"""
from __future__ import annotations

import math
import os
import random
import warnings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import numpy as np
from PySide6 import QtWidgets

from test_random_actions import Walk, _click, _pick, excepthook_errors  # noqa: F401

N_ACTIONS = int(os.environ.get("ACTLAB_RANDOM_ACTIONS", "260"))
SEED = int(os.environ.get("ACTLAB_RANDOM_SEED", "20261207"))
WAIT = 60_000  # ms: an image lab's first snapshot on a busy 2-core machine
TURN_EVERY = 4
PRESETS = {"points": ("xor-needs-nonlinearity", "circle-tanh"),
           "functions": ("functions-one-kink", "functions-four-relu-pieces"),
           "images": ("images-two-3x3-are-one-5x5", "images-max-pooling-is-nonlinear")}


def make_files(folder) -> dict:
    """Good and broken files to import: .npz images, function CSVs, point CSVs."""
    from pathlib import Path

    folder = Path(folder)
    rng = np.random.default_rng(0)
    files = {}
    imgs = (rng.random((24, 8, 8)) > 0.5).astype(np.uint8) * 255
    np.savez(folder / "good.npz", images=imgs, labels=np.arange(24) % 3)
    files["npz"] = [folder / "good.npz"]
    (folder / "broken.npz").write_bytes(b"PK\x03\x04" + bytes(rng.integers(0, 256, 300,
                                                                          dtype=np.uint8)))
    files["npz"].append(folder / "broken.npz")
    np.savez(folder / "rgb.npz", images=rng.random((12, 8, 8, 3)), labels=np.arange(12) % 2)
    files["npz"].append(folder / "rgb.npz")
    xs = np.linspace(-5, 5, 40)
    (folder / "curve.csv").write_text("x,y\n" + "".join(f"{x},{abs(x)}\n" for x in xs))
    (folder / "bad_curve.csv").write_text("x,y\n1,2\nthree,4\n")
    files["function_csv"] = [folder / "curve.csv", folder / "bad_curve.csv"]
    pts = rng.uniform(-5, 5, (60, 2))
    (folder / "points.csv").write_text(
        "x1,x2,label\n" + "".join(f"{a},{b},{int(a * b > 0)}\n" for a, b in pts))
    (folder / "bad_points.csv").write_text("x1,x2,label\n1,2\n")
    files["point_csv"] = [folder / "points.csv", folder / "bad_points.csv"]
    return files


class KindsWalk(Walk):
    """The actions, each a method taking the rng; ``log`` keeps what was done.  Play,
    Step, Reset, Undo/Redo, the comparison and the instruments are the point walk's."""

    def __init__(self, w, files: dict):
        super().__init__(None, w)
        self.files = files
        self.actions = [(self.play_pause, 8), (self.step, 4), (self.reset, 2),
                        (self.preset, 2), (self.switch_kind, 3), (self.data_set, 4),
                        (self.image_settings, 3), (self.function_settings, 2),
                        (self.conv_builder, 6), (self.dense_network, 4),
                        (self.controls, 2), (self.compare, 3), (self.instrument, 3),
                        (self.import_file, 2), (self.undo_redo, 4)]
        self._fns = [f for f, _ in self.actions]
        self._weights = [k for _, k in self.actions]

    @property
    def kind(self) -> str:
        return self.w.lab.kind

    # ------------------------------------------------------------------ kinds and data
    def preset(self, rng):
        kind = rng.choice(list(PRESETS))
        self.w.open_preset(rng.choice(PRESETS[kind]))

    def switch_kind(self, rng):
        """The data panel's ways to another kind (as a student clicks them)."""
        ws = self.w.workspace
        if self.kind == "points":
            dp = ws.data_panel
            _click(rng.choice(list(dp.image_buttons.values()) +
                              list(dp.function_buttons.values())))
        elif self.kind == "images":
            _click(ws.data_panel.points_button)
        else:
            _click(ws.data_panel.other_button)

    def data_set(self, rng):
        _click(rng.choice(list(self.w.workspace.data_panel.dataset_buttons.values())))

    def image_settings(self, rng):
        if self.kind != "images":
            return
        dp = self.w.workspace.data_panel
        choice = rng.randrange(4)
        if choice == 0:
            dp.per_class.setValue(rng.choice((10, 20, 30)))
        elif choice == 1:
            dp.size.setValue(rng.choice((8, 12, 16)))
        elif choice == 2:
            dp.noise.setValue(rng.randrange(0, 101, 10))
        else:
            _click(dp.regenerate)

    def function_settings(self, rng):
        if self.kind != "functions":
            return
        dp = self.w.workspace.data_panel
        widgets = dp.sampling.widgets()
        ratio, noise, points = widgets[1], widgets[3], widgets[4]
        choice = rng.randrange(4)
        if choice == 0:
            ratio.setValue(rng.randrange(20, 101, 10))
        elif choice == 1:
            noise.setValue(rng.randrange(0, 31, 5))
        elif choice == 2:
            points.setValue(rng.choice((20, 50, 100)))
        else:
            _click(dp.regenerate)

    def import_file(self, rng):
        what = rng.choice(("npz", "function_csv", "point_csv"))
        path = str(rng.choice(self.files[what]))
        if what == "npz":
            self.w.workspace_for("images").import_images(path)
        elif what == "function_csv":
            self.w.workspace_for("functions").import_csv(path)
        else:
            self.w.workspace_for("points").import_csv(path)

    # ------------------------------------------------------------------ networks
    def conv_builder(self, rng):
        if self.kind != "images":
            return
        view = self.w.workspace.network_view
        choice = rng.randrange(5)
        if choice == 0:
            _click(view.add_layer_button if rng.random() < 0.6 else view.remove_layer_button)
        elif choice == 1 and view.controls:
            ctrl = rng.choice(view.controls)
            # the activation menu holds "Design an activation…" (answered by the fixture)
            _pick(rng, rng.choice((ctrl.act_combo, ctrl.act_combo, ctrl.kernel_combo,
                                   ctrl.pool_combo, ctrl.shape_combo)))
        elif choice == 2 and view.controls:
            ctrl = rng.choice(view.controls)
            _click(ctrl.add_button if rng.random() < 0.6 else ctrl.remove_button)
        elif choice == 3:
            head = view.head
            _click(head.add_dense if rng.random() < 0.5 else head.remove_dense)
        else:
            head = view.head
            _pick(rng, rng.choice((head.head_combo, *head.acts)) if head.acts
                  else head.head_combo)

    def dense_network(self, rng):
        if self.kind == "images":
            return
        nv = self.w.network_view
        hidden = self.w.lab.network.hidden
        choice = rng.randrange(3)
        if choice == 0:
            _click(nv.add_layer_button() if rng.random() < 0.5 else nv.remove_layer_button())
        elif hidden and choice == 1:
            _pick(rng, nv.layer_controls(rng.randrange(len(hidden))).combo)
        elif hidden:
            controls = nv.layer_controls(rng.randrange(len(hidden)))
            _click(controls.add_button if rng.random() < 0.55 else controls.remove_button)

    def controls(self, rng):
        c = self.w.controls
        _pick(rng, rng.choice((c.learning_rate, c.optimizer)))

def walk_kinds(qtbot, w, n_actions: int, seed: int, files: dict, errors: list,
               after_action=None) -> KindsWalk:
    """Run ``n_actions`` random actions on window ``w`` (training from the start), with
    the checks after each; ``after_action(i)`` is called after each (the benchmark's
    memory samples)."""
    from actlab.engine.activations.custom import PiecewiseLinear

    rng = random.Random(seed)
    walk = KindsWalk(w, files)
    shapes = (((-1.0, -1.0), (0.0, 0.0), (1.0, 2.0)), ((-1.0, -0.5), (1.0, 0.5)))
    w.dialog_log["design"] = lambda custom, editing: None if rng.random() < 0.3 else \
        PiecewiseLinear(editing.name if editing else f"bend{len(custom)}", rng.choice(shapes))
    w.play()
    for i in range(n_actions):
        walk.run_one(rng)
        QtWidgets.QApplication.processEvents()
        if i % TURN_EVERY == 0:
            qtbot.wait(5)
        assert w.workspace is w.workspaces[w.lab.kind], walk.log[-5:]
        assert not errors, f"after {walk.log[-6:]}:\n{errors[0]}"
        if after_action is not None:
            after_action(i)
    return walk


def test_random_actions_across_the_three_kinds(qtbot, window, excepthook_errors, tmp_path):
    warnings.simplefilter("error", RuntimeWarning)
    w = window
    files = make_files(tmp_path)
    walk = walk_kinds(qtbot, w, N_ACTIONS, SEED, files, excepthook_errors)
    kinds_seen = set()
    for name in walk.log:
        kinds_seen.add(name)
    assert {"switch_kind", "conv_builder", "compare", "import_file"} <= kinds_seen
    assert w.dialog_log["designs_asked"], "the walk never opened the activation editor"
    for title, message in w.dialog_log["errors"]:
        assert "Traceback" not in message and message.strip(), (title, message)
        assert message.count("\n") < 12, message

    # and every kind still trains afterwards
    for preset in ("functions-one-kink", "images-two-3x3-are-one-5x5", "circle-tanh"):
        w.pause()
        assert w.open_preset(preset)
        w.play()
        qtbot.waitUntil(lambda: w.training_thread.latest() is not None
                        and w.training_thread.latest().generation == w._generation
                        and w.training_thread.latest().snapshot.epoch >= 2, timeout=WAIT)
        snap = w.training_thread.latest().snapshot
        assert math.isfinite(snap.train_loss), preset
    w.pause()
    assert not excepthook_errors
