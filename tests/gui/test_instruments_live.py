"""The teaching instruments live in the main window (pytest-qt, offscreen): tabs of the
instrument column opened from the Instruments menu, fed by the training worker while they are on screen, and the
side-by-side comparison on its own thread.

Nothing here asserts on timing: every test waits for a state a student could see.
"""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import re

import numpy as np
from PySide6 import QtCore

from actlab.engine.analysis.dense import collapse_runs
from actlab.gui.instruments.instruments import INSTRUMENTS
from actlab.gui.workspaces.base import merged_layer_runs
from actlab.views.export import image_is_blank
from actlab.engine.activations.builtin import ACTIVATIONS

WAIT = 20_000  # ms: generous, a loaded CI machine may be slow


def _number(text: str) -> float | None:
    m = re.search(r"([0-9.]+e[+-]?[0-9]+|[0-9]+\.[0-9]+)", text)
    return float(m.group(1)) if m else None


def _difference(panel) -> float | None:
    """The "deep vs collapsed" number the collapse panel shows (None if not shown)."""
    if panel.linear_box.isHidden():
        return None
    return _number(panel.difference_label.text())


def _open(w, key: str) -> None:
    w.instruments.actions[key].trigger()
    assert w.instruments.is_open(key) and w.instruments.on_screen(key)


def _set_every_activation(w, name: str) -> None:
    every = w.controls.activation
    every.setCurrentIndex(every.findData(name))
    assert set(w.lab.network.activations) == {name}


def _epoch(w) -> int:
    pub = w.training_thread.latest()
    return -1 if pub is None or pub.generation != w._generation else pub.snapshot.epoch


# ------------------------------------------------------------------ the worker's feed

def test_insights_feed_computes_only_what_is_on_screen_and_not_too_often(monkeypatch):
    from actlab.engine.trainer import Trainer
    from actlab.gui.training import insights_feed
    from actlab.labfile.presets import load_preset

    t = Trainer(load_preset("xor-needs-nonlinearity"))
    feed = insights_feed.InsightsFeed(grid=20)
    assert feed.pack(t, 1, playing=True) is None  # nothing on screen: nothing computed
    feed.set_wants(True, None)
    first = feed.pack(t, 1, playing=True)
    assert first.insights is not None and first.hidden is None and first.epoch == 0
    assert feed.pack(t, 1, playing=False) is first  # the same epoch: never twice
    t.train(3)
    assert feed.pack(t, 1, playing=True) is first  # playing: not again within the interval
    monkeypatch.setattr(insights_feed, "INSIGHTS_INTERVAL", 0.0)
    second = feed.pack(t, 1, playing=True)
    assert second.seq > first.seq and second.epoch == 3
    # the gradient history comes from the trainer's record, every epoch from the first
    # (the feed's own log is only the fallback for an untrained run: epoch 0 here)
    assert list(second.insights.grad_epochs) == [0, 1, 2, 3]
    assert feed.log.epochs == [0]
    feed.set_wants(False, (0, 1, 2))
    third = feed.pack(t, 1, playing=True)
    assert third.insights is None and third.hidden[0] == (0, 1, 2)
    assert set(third.hidden[1]) >= {"lines_pre", "lines_post", "points_pre", "points_post"}
    feed.set_wants(False, (0, 9, 1))  # a neuron this network does not have
    assert feed.pack(t, 1, playing=False).hidden is None
    feed.new_run()  # Reset: a new run, a new log
    feed.set_wants(True, None)
    fourth = feed.pack(t, 1, playing=True)
    assert fourth.run == first.run + 1 and feed.log.epochs == []  # a fresh log
    assert list(fourth.insights.grad_epochs) == [0, 1, 2, 3]  # the trainer's record


# ------------------------------------------------------------------ docks and menu

def test_instrument_tabs_menu_shortcuts_and_column(qtbot, window):
    w = window
    ins = w.instruments
    titles = [a.text() for a in ins.menu.actions()]
    assert titles == ["Why non-linearity?", "Gradient flow", "Hidden space",
                      "Linear regions", "Compare activations"]
    assert [a.shortcut().toString() for a in ins.menu.actions()] == [
        f"Ctrl+{k}" for k in range(1, 6)]
    assert w.menuBar().actions()[-1].text() == "&Help"  # Instruments sits before Help
    for inst in INSTRUMENTS:  # closed at first: no tab, no column
        assert not ins.is_open(inst.key) and not ins.actions[inst.key].isChecked()
    assert ins.area.isHidden()
    _open(w, "collapse")
    _open(w, "gradient")  # a second tab: it comes to the front
    assert ins.is_open("collapse") and not ins.on_screen("collapse")
    area = ins.area
    assert [area.tabText(i) for i in range(area.count())] == ["Why non-linearity?",
                                                               "Gradient flow"]
    assert ins.actions["collapse"].isChecked()
    ins.actions["collapse"].trigger()  # open behind a tab: brought to the front
    qtbot.waitUntil(lambda: ins.on_screen("collapse"), timeout=WAIT)
    ins.actions["collapse"].trigger()  # in front: closed
    assert not ins.is_open("collapse") and not ins.actions["collapse"].isChecked()
    assert ins.on_screen("gradient")  # the other tab comes to the front
    # the main columns stay usable next to the instrument column
    assert w.network_view.width() >= 280 and w.output.surface_view.width() >= 260
    assert area.width() >= 320
    # the tab's close button closes it; the last one takes its column away
    area.tabCloseRequested.emit(0)
    assert not ins.is_open("gradient") and not ins.actions["gradient"].isChecked()
    assert area.isHidden()


def test_ctrl_number_opens_and_closes_an_instrument(qtbot, window):
    w = window
    w.activateWindow()
    w.network_view.setFocus()
    qtbot.keyClick(w.network_view, QtCore.Qt.Key.Key_2, QtCore.Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.instruments.on_screen("gradient"), timeout=WAIT)
    qtbot.keyClick(w.network_view, QtCore.Qt.Key.Key_2, QtCore.Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not w.instruments.is_open("gradient"), timeout=WAIT)


def test_open_instruments_come_back_after_restart(qtbot, settings_dir, dialog_log):
    from actlab.gui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    _open(w, "regions")
    w.setWindowModified(False)
    assert w.close()
    w2 = MainWindow()
    qtbot.addWidget(w2)
    w2.show()
    assert w2.instruments.is_open("regions") and not w2.instruments.is_open("collapse")
    assert w2.instruments.actions["regions"].isChecked()
    w2.setWindowModified(False)
    assert w2.close()


def test_small_screen_keeps_the_window_usable(qtbot, window):
    w = window
    w.resize(1024, 640)
    _open(w, "collapse")
    qtbot.waitUntil(lambda: w.width() == 1024, timeout=WAIT)
    assert w.height() <= 640
    assert w.output.surface_view.width() >= 150 and w.output.surface_view.height() >= 150
    assert w.instruments.area.width() >= 250


# ------------------------------------------------------------------ collapse

def test_merged_layer_runs_name_the_layers_that_act_as_one():
    # all linear, 3 hidden layers: weight layers 0..3 merge = hidden 1-3 and the output
    runs = collapse_runs(("linear",) * 3)
    assert runs == [(0, 3)]
    assert merged_layer_runs(runs, 3) == ((0, 3),)
    # relu, linear, relu: hidden layer 2 (linear) merges with hidden layer 3
    assert merged_layer_runs(collapse_runs(("relu", "linear", "relu")), 3) == ((1, 2),)
    # tanh, linear: the linear last hidden layer merges with the output layer
    assert merged_layer_runs(collapse_runs(("tanh", "linear")), 2) == ((1, 2),)
    assert merged_layer_runs(collapse_runs(("tanh", "tanh")), 2) == ()
    assert merged_layer_runs([(0, 5)], 3) == ()  # outside the network: dropped


def test_collapse_dock_shows_the_single_layer_and_its_line(qtbot, window):
    w = window
    assert w.open_preset("linear-collapse-xor")
    _open(w, "collapse")
    panel, surface = w.instruments.collapse, w.output.surface_view
    w.play()
    qtbot.waitUntil(lambda: _epoch(w) >= 30, timeout=WAIT)
    qtbot.waitUntil(lambda: _difference(panel) is not None and _difference(panel) < 1e-9
                    and surface.extra_line.isVisible(), timeout=WAIT)
    assert panel.title_label.text() == "This network is one linear layer"
    assert panel.meter_label.text() == "0.00"
    assert panel.equation_label.text().startswith("ŷ = σ(")
    # the network diagram brackets hidden layers 1-3 and the output: 4 layers act as 1
    brackets = w.network_view._brackets
    assert [b.run for b in brackets] == [(0, 3)]
    # the drawn line is the collapsed network's decision line
    line = w.training_thread.latest().insights.insights.collapse.line
    assert line is not None
    w.pause()

    _set_every_activation(w, "tanh")
    w.play()
    qtbot.waitUntil(lambda: panel.meter_bar.value > 0 and not surface.extra_line.isVisible(),
                    timeout=WAIT)
    assert panel.title_label.text() == "This network bends"
    assert w.network_view._brackets == []
    w.pause()


def test_closing_the_collapse_dock_removes_its_marks(qtbot, window):
    w = window
    assert w.open_preset("linear-collapse-xor")
    _open(w, "collapse")
    w.step()
    qtbot.waitUntil(lambda: w.output.surface_view.extra_line.isVisible(), timeout=WAIT)
    w.instruments.actions["collapse"].trigger()
    assert not w.output.surface_view.extra_line.isVisible()
    assert w.network_view._brackets == []


def test_opening_another_network_while_layers_are_bracketed(qtbot, window):
    """Regression: rebuilding the diagram for a new architecture deleted the bracket
    items, and drawing the next brackets touched the deleted ones."""
    w = window
    assert w.open_preset("linear-collapse-xor")
    _open(w, "collapse")
    w.step()
    qtbot.waitUntil(lambda: len(w.network_view._brackets) == 1, timeout=WAIT)
    assert w.open_preset("xor-needs-nonlinearity")  # 1 hidden layer instead of 3
    assert w.network_view._brackets == []
    _set_every_activation(w, "linear")
    w.step()
    qtbot.waitUntil(lambda: [b.run for b in w.network_view._brackets] == [(0, 1)],
                    timeout=WAIT)
    assert w.network_view._brackets[0].scene() is w.network_view.scene


# ------------------------------------------------------------------ gradient, hidden, regions

def test_gradient_dock_on_deep_sigmoid_draws_one_curve_per_layer(qtbot, window):
    w = window
    assert w.open_preset("deep-sigmoid-vanishes")
    _open(w, "gradient")
    view = w.instruments.gradient
    w.play()
    qtbot.waitUntil(lambda: _epoch(w) >= 20 and len(view.curves) == 9
                    and all(c.xData is not None and len(c.xData) >= 3 for c in view.curves),
                    timeout=WAIT)
    w.pause()
    first, output = view.curves[0].yData, view.curves[-1].yData
    assert np.median(first) < np.median(output)  # the gradient vanishes on its way back
    assert len(view.histograms) == 6 and all(h.isVisibleTo(view) for h in view.histograms)


def test_reset_starts_the_instruments_again(qtbot, window):
    w = window
    assert w.open_preset("deep-sigmoid-vanishes")
    _open(w, "gradient")
    view = w.instruments.gradient
    w.play()
    qtbot.waitUntil(lambda: _epoch(w) >= 30 and view.curves
                    and view.curves[0].xData is not None and view.curves[0].xData[-1] >= 30,
                    timeout=WAIT)
    w.pause()
    w.reset()
    # a new run: the view shows epoch 0 again although it is "older" than what it drew
    qtbot.waitUntil(lambda: view.curves[0].xData is not None
                    and list(view.curves[0].xData) == [0], timeout=WAIT)
    assert len(w.training_thread.worker.gradient_log().epochs) == 1


def test_hidden_space_follows_the_chosen_neurons(qtbot, window):
    w = window
    assert w.open_preset("xor-needs-nonlinearity")
    _open(w, "hidden")
    view = w.instruments.hidden
    assert view.layer_combo.count() == len(w.lab.network.hidden)
    w.step()
    qtbot.waitUntil(lambda: view.drawn_curve_counts() == (26, 26), timeout=WAIT)
    pack = w.training_thread.latest().insights
    assert pack.hidden[0] == (0, 0, 1)
    view.set_selection(0, 2, 3)
    qtbot.waitUntil(lambda: w.training_thread.latest().insights.hidden is not None
                    and w.training_thread.latest().insights.hidden[0] == (0, 2, 3), timeout=WAIT)
    qtbot.waitUntil(lambda: "neuron 3" in view.pre_plot.getAxis("bottom").labelText,
                    timeout=WAIT)


def test_regions_dock_counts_pieces_of_a_relu_network(qtbot, window):
    w = window
    assert w.open_preset("xor-needs-nonlinearity")
    _set_every_activation(w, "relu")
    _open(w, "regions")
    w.step()
    view = w.instruments.regions
    qtbot.waitUntil(lambda: view.count_label.text().endswith(("regions", "region")),
                    timeout=WAIT)
    assert view.plot_widget.isVisibleTo(view)


def test_regions_show_the_training_points_and_the_decision_boundary(qtbot, window):
    """Issue 19: the regions are drawn under the lab's training points (the surface's
    colours) and the network's 0.5 boundary, so a student relates pieces to data."""
    w = window
    assert w.open_preset("xor-needs-nonlinearity")
    _set_every_activation(w, "relu")
    _open(w, "regions")
    view = w.instruments.regions
    pos = view.train_points.getData()
    assert len(pos[0]) == w.dataset.n_train
    assert np.allclose(np.column_stack(pos), w.dataset.X_train)
    surface_brushes = [b.color().name() for b in w.output.surface_view.train_points.data["brush"]]
    assert [b.color().name() for b in view.train_points.data["brush"]] == surface_brushes
    assert len(set(surface_brushes)) == 2  # both classes
    w.step()
    qtbot.waitUntil(lambda: view.boundary.getData()[0] is not None
                    and len(view.boundary.getData()[0]) > 0, timeout=WAIT)
    x, y = view.boundary.getData()
    inside = np.isfinite(x) & np.isfinite(y)
    assert inside.sum() > 10 and np.all(np.abs(x[inside]) <= 6.2)
    # the 0.5 line of the output on the regions' own grid (same weights, same epoch)
    insights = w.instruments._pack.insights
    assert insights.surface.shape == insights.regions.shape
    w.instruments.lab_changed()  # a new lab: points follow, the old boundary goes
    assert view.boundary.getData()[0] is None or len(view.boundary.getData()[0]) == 0
    assert len(view.train_points.getData()[0]) == w.dataset.n_train


def test_no_insights_are_computed_while_no_instrument_is_on_screen(qtbot, window):
    w = window
    w.play()
    qtbot.waitUntil(lambda: _epoch(w) >= 20, timeout=WAIT)
    assert w.training_thread.latest().insights is None
    _open(w, "compare")  # on screen, but it needs no insights from the main training
    w.step()
    qtbot.waitUntil(lambda: not w._playing, timeout=WAIT)
    assert w.training_thread.latest().insights is None
    _open(w, "regions")
    qtbot.waitUntil(lambda: w.training_thread.latest().insights is not None, timeout=WAIT)


def test_each_instrument_exports_a_png(qtbot, window, tmp_path, monkeypatch):
    from actlab.gui import dialogs

    w = window
    assert w.open_preset("linear-collapse-xor")
    w.step()
    for key in ("collapse", "gradient", "hidden", "regions"):
        _open(w, key)
        qtbot.waitUntil(lambda k=key: w.instruments._drawn.get(k) is not None, timeout=WAIT)
        target = tmp_path / f"{key}.png"
        monkeypatch.setattr(dialogs, "save_file_name", lambda *a, t=target: str(t))
        button = w.instruments.pages[key].findChild(QtCore.QObject, f"export_{key}")
        button.click()
        assert target.exists() and not image_is_blank(target), key
        assert w.settings.value("files/last_folder") == str(tmp_path)


# ------------------------------------------------------------------ compare

def _start_compare(qtbot, w, names):
    _open(w, "compare")
    panel = w.instruments.compare
    for name, box in panel.checks.items():
        box.setChecked(name in names)
    assert panel.names() == tuple(n for n in panel.checks if n in names)
    panel.run_button.click()
    assert panel.comparing
    return panel


def _compare_epochs(panel) -> list[int]:
    return [snap.epoch for _, snap in panel.runs()]


def test_compare_trains_side_by_side_in_lock_step(qtbot, window, tmp_path):
    w = window
    assert w.open_preset("xor-needs-nonlinearity")
    w.play()
    qtbot.waitUntil(lambda: w._playing, timeout=WAIT)
    panel = _start_compare(qtbot, w, ("linear", "tanh"))
    qtbot.waitUntil(lambda: not w._playing, timeout=WAIT)  # the main training paused
    assert "main training is paused" in w.statusBar().currentMessage()
    assert w.instruments._comparing_label.isVisibleTo(w)
    qtbot.waitUntil(lambda: len(panel.runs()) == 2 and min(_compare_epochs(panel)) >= 300,
                    timeout=60_000)
    panel.run_button.click()  # pause
    assert not panel.comparing and not w.instruments._comparing_label.isVisibleTo(w)
    qtbot.waitUntil(lambda: not panel.thread.worker.playing, timeout=WAIT)

    runs = dict(panel.runs())
    assert list(runs) == ["linear", "tanh"]
    assert runs["linear"].epoch == runs["tanh"].epoch  # lock step
    assert len(runs["linear"].history["train_loss"]) == runs["tanh"].epoch
    start = panel.thread.worker.initial_params
    assert len(start) == 2
    for (W0, b0), (W1, b1) in zip(*start):  # the same starting weights
        assert np.array_equal(W0, W1) and np.array_equal(b0, b1)
    assert runs["tanh"].test_accuracy > runs["linear"].test_accuracy
    # the view shows both runs with their test accuracy
    qtbot.waitUntil(lambda: len(panel.view.surfaces) == 2, timeout=WAIT)
    titles = [s.plot_item.titleLabel.text.replace("<br>", " · ") for s in panel.view.surfaces]
    # each run by its activation's one display name
    assert titles[0].startswith(f"{ACTIVATIONS['linear'].title} · test acc")
    assert titles[1].startswith(f"{ACTIVATIONS['tanh'].title} · test acc")
    assert all(c.xData is not None and len(c.xData) > 0 for c in panel.view.curves)
    # one PNG for the whole comparison, drawn like the CLI's compare.png
    target = tmp_path / "compare.png"
    assert panel.export(str(target))
    assert target.exists() and not image_is_blank(target)


def test_compare_pauses_when_the_main_training_plays(qtbot, window):
    w = window
    assert w.open_preset("xor-needs-nonlinearity")
    # no "Stop after": on a busy machine the main run reached the preset's 500 epochs,
    # and its message replaced the one this test reads, before the check
    w.controls.stop_check.setChecked(False)
    panel = _start_compare(qtbot, w, ("relu", "tanh"))
    qtbot.waitUntil(lambda: bool(panel.runs()) and min(_compare_epochs(panel)) >= 5, timeout=WAIT)
    w.play()
    qtbot.waitUntil(lambda: not panel.comparing and not panel.thread.worker.playing,
                    timeout=WAIT)
    assert "Comparison paused" in w.statusBar().currentMessage()
    w.pause()


def test_compare_reset_and_new_lab(qtbot, window):
    w = window
    assert w.open_preset("xor-needs-nonlinearity")
    panel = _start_compare(qtbot, w, ("relu", "sigmoid", "tanh"))
    qtbot.waitUntil(lambda: len(panel.runs()) == 3 and min(_compare_epochs(panel)) >= 20,
                    timeout=WAIT)
    panel.run_button.click()
    panel.reset_button.click()
    qtbot.waitUntil(lambda: bool(panel.runs()) and _compare_epochs(panel) == [0, 0, 0],
                    timeout=WAIT)
    # a new lab: the comparison no longer matches it and stops
    panel.run_button.click()
    qtbot.waitUntil(lambda: len(panel.view.surfaces) == 3, timeout=WAIT)
    assert w.open_preset("circle-tanh")
    assert not panel.comparing
    assert "lab changed" in panel.hint.text()
    # and the old lab's runs are gone from view (they stood there, "epoch 20")
    qtbot.wait(200)
    assert panel.view.surfaces == [] and panel.epoch_label.text() == ""
    assert panel.runs() == []


def test_closing_the_window_while_comparing_stops_both_threads(qtbot, settings_dir,
                                                               dialog_log):
    from actlab.gui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    assert w.open_preset("xor-needs-nonlinearity")
    panel = _start_compare(qtbot, w, ("linear", "relu", "tanh", "sigmoid"))
    qtbot.waitUntil(lambda: bool(panel.runs()) and min(_compare_epochs(panel)) >= 10, timeout=WAIT)
    assert panel.thread.worker.playing
    assert w.close()
    assert not panel.thread.thread.isRunning()
    assert not w.training_thread.thread.isRunning()


def test_old_runs_are_not_drawn_in_the_view_of_a_new_kind(qtbot, window):
    """An image comparison, then a point lab: when the instrument is shown again it redraws
    the newest publication, which still holds the image runs; they belong in the image
    view (hidden now), never in the point view ('CompareTiles' has no 'train_y')."""
    w = window
    assert w.open_preset("images-two-3x3-are-one-5x5")
    panel = _start_compare(qtbot, w, ("linear", "relu"))
    qtbot.waitUntil(lambda: len(panel.runs()) == 2, timeout=60_000)
    w.instruments.close("compare")
    assert w.open_preset("xor-needs-nonlinearity")
    _open(w, "compare")  # shown again: the newest publication is drawn at once
    qtbot.wait(300)      # a few of the panel's draw ticks
    assert panel.stack.currentWidget() is panel.view  # the point lab's surfaces on top
    assert not panel.comparing
    assert "lab changed" in panel.hint.text().lower()


def test_the_comparison_says_which_runs_diverged_when_it_stops():
    """It said "every run diverged or reached 'Stop after'" when nothing diverged."""
    from types import SimpleNamespace as S

    from actlab.gui.instruments.compare_panel import finished_message

    ok = S(diverged=None, epoch=300)
    bad = S(diverged="Training diverged at epoch 12: …", epoch=300)
    assert finished_message([("relu", ok), ("tanh", ok)]) == \
        "Comparison finished: every run reached “Stop after” (300 epochs)."
    assert finished_message([("relu", bad), ("tanh", ok), ("linear", bad)]) == \
        ("Comparison stopped: ReLU and Linear diverged; the other runs reached “Stop "
         "after” (300 epochs).")
    assert "every run diverged" in finished_message([("relu", bad)])


def test_compare_cells_are_whole_at_1366x768(qtbot, window):
    """At 1366x768 the Linear cell was a sliver (its data area 12 px of 145) and the others
    were cut off at the right: a one-line title wider than the cell set the plot's minimum
    width, and the square box kept margins that squeezed the plot below it."""
    w = window
    w.layout_.apply_floors(QtCore.QSize(1366, 768))
    w.resize(1366, 768)
    assert w.open_preset("xor-needs-nonlinearity")
    panel = _start_compare(qtbot, w, ("linear", "relu", "tanh", "sigmoid"))
    qtbot.waitUntil(lambda: len(panel.runs()) == 4 and min(_compare_epochs(panel)) >= 5,
                    timeout=WAIT)
    panel.run_button.click()
    qtbot.waitUntil(lambda: len(panel.view.surfaces) == 4, timeout=WAIT)
    qtbot.wait(300)
    for s in panel.view.surfaces:
        pw, pi, vb = s.plot_widget, s.plot_item, s.view_box
        # the whole plot is inside its widget, and its data area is a real picture
        assert pi.geometry().width() <= pw.width() + 1, s.plot_item.titleLabel.text
        assert vb.geometry().width() >= 60 and vb.geometry().height() >= 60
        (x0, x1), (y0, y1) = vb.viewRange()
        assert x0 <= -6 + 1e-6 and x1 >= 6 - 1e-6 and y0 <= -6 + 1e-6 and y1 >= 6 - 1e-6
