"""The worker's snapshots between fresh pictures (issue 9, live at 10 × 64): they carry
the last surface and neuron pictures, the same read-only arrays, with fresh weights,
epoch and loss; paused, every snapshot has fresh pictures."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import numpy as np

from actlab.engine.pictures.surface import NEURON_VALUES, SurfaceGrid, neuron_step
from actlab.gui.training import worker as worker_module
from actlab.gui.training.worker import TrainingWorker
from actlab.lab import default_lab


def _worker(monkeypatch, share: float) -> TrainingWorker:
    monkeypatch.setattr(worker_module, "PICTURE_SHARE", share)
    w = TrainingWorker(grid=24)
    w.load(default_lab())  # called directly: runs here, no thread needed
    return w


def test_playing_snapshots_reuse_pictures_with_fresh_weights(monkeypatch):
    w = _worker(monkeypatch, 1e-12)  # pictures "cost" forever: always reuse
    trainer = w._trainer
    w._playing = True
    first = w._snapshot(trainer)
    trainer.train(3)
    second = w._snapshot(trainer)
    assert second.surface is first.surface and second.neurons is first.neurons
    assert second.epoch == first.epoch + 3
    assert not np.array_equal(second.params[0][0], first.params[0][0])
    # a pending Pause also never starts new pictures
    w._playing, w._pictures = True, None
    fresh = w._snapshot(trainer)
    w.pause_pending.set()
    assert w._snapshot(trainer).surface is fresh.surface


def test_paused_or_new_trainer_snapshots_have_fresh_pictures(monkeypatch):
    w = _worker(monkeypatch, 1e-12)
    trainer = w._trainer
    w._playing = True
    first = w._snapshot(trainer)
    w._playing = False
    trainer.train(2)
    paused = w._snapshot(trainer)
    assert paused.surface is not first.surface
    expected = SurfaceGrid(trainer.features, 24).output(trainer.network)
    assert np.allclose(paused.surface, expected)
    w._playing = True
    w.load(default_lab())  # another run: the old pictures must not be reused
    assert w._snapshot(w._trainer).surface is not paused.surface


def test_cheap_pictures_are_remade_every_time(monkeypatch):
    w = _worker(monkeypatch, 1e12)  # any cost is within the share: always fresh
    w._playing = True
    a = w._snapshot(w._trainer)
    assert w._snapshot(w._trainer).surface is not a.surface


def test_big_networks_get_coarser_neuron_pictures():
    assert neuron_step(24, 80) == 1  # config B keeps full resolution
    assert neuron_step(640, 80) == 2  # 10 × 64: 40 × 40 each
    for n_neurons in (1, 64, 170, 300, 640):
        s = neuron_step(n_neurons, 80)
        m = -(-80 // s)
        assert n_neurons * m * m <= NEURON_VALUES or 80 // (s + 1) < 16
