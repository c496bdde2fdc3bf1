"""Image labs live at any size: the worker trains an image lab's epoch step by step, so
Pause stops it between chunks, Step goes on to the epoch's end, and the output column
counts the epoch under way (no wall-clock waits: every wait is on published state)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from dataclasses import replace

import numpy as np

from actlab.engine.trainer import Trainer
from actlab.gui.workspaces.images.output_panel import measured_text, progress_text
from actlab.labfile.presets import load_preset

WAIT = 60_000


def big_lab():
    """10,000 bar images of 12 px (a cheap generator): 313 minibatches an epoch."""
    lab = load_preset("images-linear-cnn-counts-ink")
    return replace(lab, data=replace(lab.data, size=12, per_class=5000), guide=None,
                   training=replace(lab.training, stop_after=None))


def _open(window, qtbot, lab):
    assert window.open_lab(lab)
    qtbot.waitUntil(lambda: (p := window.training_thread.latest()) is not None
                    and p.generation == window._generation
                    and window.workspace.pictures() is not None, timeout=WAIT)
    return window.training_thread.worker


def _published_after(window, qtbot, seq):
    qtbot.waitUntil(lambda: window.training_thread.latest().seq > seq
                    and window.workspace.pictures() is window.training_thread.latest()
                    .snapshot.pictures, timeout=WAIT)
    return window.training_thread.latest().snapshot


def _same_params(p, q) -> bool:
    return all(np.array_equal(W, V) and np.array_equal(b, c) for (W, b), (V, c) in zip(p, q))


def test_a_paused_part_way_epoch_shows_its_progress_and_step_ends_it(window, qtbot):
    lab = big_lab()
    worker = _open(window, qtbot, lab)
    trainer = worker._trainer
    assert trainer.steps_per_epoch == 313
    seq = window.training_thread.latest().seq
    with worker._lock:  # paused: train part of the first epoch as a chunk would
        trainer.train_steps(60)
    window.training_thread.request_snapshot()
    snap = _published_after(window, qtbot, seq)
    assert snap.epoch == 0 and 0 < snap.progress < 1 and snap.sample is not None
    out = window.workspace.output
    qtbot.waitUntil(lambda: out.epoch_progress.text() == progress_text(0, snap.progress),
                    timeout=WAIT)
    assert out.epoch_progress.text().startswith("epoch 1 · ")
    qtbot.waitUntil(lambda: out.measured_on.text() == measured_text(snap.sample),
                    timeout=WAIT)
    assert "test" in out.measured_on.text() and "all" not in out.measured_on.text()
    # the pictures count the subsample, the gallery its answers
    pics = window.workspace.pictures()
    assert pics.counted == snap.sample[1] and int(pics.confusion.sum()) == snap.sample[1]
    # what the window would save now: the weights the history ends with (the start)
    _, saved = window.training_thread.current_lab()
    assert _same_params(saved.params, Trainer(lab).network.get_params())
    # Step trains on to the end of this epoch, the same epoch an unpaused run trains
    window.step()
    assert window.statusBar().currentMessage().startswith("Step: training the rest of epoch 1")
    qtbot.waitUntil(lambda: (p := window.training_thread.latest()).snapshot.epoch == 1
                    and p.snapshot.progress == 0 and not worker._stepping, timeout=WAIT)
    ref = Trainer(lab)
    ref.train(1)
    snap = window.training_thread.latest().snapshot
    assert _same_params(snap.params, ref.network.get_params())
    assert snap.test_loss == ref.history.last()["test_loss"] and snap.sample is None
    qtbot.waitUntil(lambda: out.epoch_progress.text() == "epoch 1 · 100 %"
                    and out.measured_on.text() == measured_text(None), timeout=WAIT)
    assert "all images" in out.measured_on.text()
    assert not window._playing


def test_pause_stops_a_large_image_lab_between_chunks(window, qtbot):
    """No chunk starts once Pause is pressed, and the run goes on from where it stopped:
    after a Step to the epoch's end the weights are those of whole epochs."""
    lab = big_lab()
    worker = _open(window, qtbot, lab)
    trainer = worker._trainer
    calls = []  # per chunk: (steps asked, was Pause already pressed?)
    train_steps = trainer.train_steps

    def watched(n, **kw):
        calls.append((n, worker.pause_pending.is_set()))
        return train_steps(n, **kw)

    trainer.train_steps = watched
    window.play()
    qtbot.waitUntil(lambda: window._playing and len(calls) > 20, timeout=WAIT)
    window.pause()
    qtbot.waitUntil(lambda: not window._playing, timeout=WAIT)
    done = list(calls)
    assert not any(pressed for _, pressed in done)
    # chunks are minibatches, never whole epochs of 313 of them
    assert max(n for n, _ in done) < trainer.steps_per_epoch
    epoch, progress = trainer.epoch, trainer.progress
    qtbot.waitUntil(lambda: window.training_thread.latest().snapshot.progress == progress
                    and window.training_thread.latest().snapshot.epoch == epoch,
                    timeout=WAIT)
    assert len(calls) == len(done)  # nothing trained after the pause
    window.step()
    qtbot.waitUntil(lambda: (p := window.training_thread.latest().snapshot).progress == 0
                    and p.epoch >= 1 and not worker._stepping, timeout=WAIT)
    snap = window.training_thread.latest().snapshot
    ref = Trainer(lab)
    ref.train(snap.epoch)
    assert _same_params(snap.params, ref.network.get_params())
    assert snap.history["train_loss"].tolist() == ref.history.view()["train_loss"].tolist()


def test_pause_during_a_step_stops_it_part_way(window, qtbot):
    lab = big_lab()
    worker = _open(window, qtbot, lab)
    trainer = worker._trainer
    calls = []
    train_steps = trainer.train_steps

    def watched(n, **kw):
        calls.append((n, worker.pause_pending.is_set(), kw.get("to_epoch_end")))
        return train_steps(n, **kw)

    trainer.train_steps = watched
    window.step()
    qtbot.waitUntil(lambda: len(calls) > 5, timeout=WAIT)
    window.pause()
    qtbot.waitUntil(lambda: not worker._stepping, timeout=WAIT)
    assert all(to_end for *_, to_end in calls)
    assert not any(pressed for _, pressed, _ in calls)
    n = len(calls)
    # the published snapshot is where the step stopped (part way, or the epoch's end
    # if it got there first)
    qtbot.waitUntil(lambda: (p := window.training_thread.latest().snapshot).progress
                    == trainer.progress and p.epoch == trainer.epoch, timeout=WAIT)
    assert len(calls) == n and trainer.epoch <= 1


def test_a_narrow_column_ends_the_counter_in_an_ellipsis_not_cut_letters(qtbot):
    from actlab.gui.workspaces.images.output_panel import ElidedCaption

    label = ElidedCaption("what it means")
    qtbot.addWidget(label)
    label.setText("on 109 test,\n80 training images")
    label.resize(400, 40)
    assert label.shown_lines() == ["on 109 test,", "80 training images"]
    label.resize(50, 40)
    assert all(line.endswith("…") for line in label.shown_lines())
    assert label.toolTip().startswith("on 109 test,\n80 training images\n\nwhat it means")
