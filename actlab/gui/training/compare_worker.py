"""Comparing activations on a worker thread: one Trainer per activation, in lock step.

The same pattern as :mod:`actlab.gui.training.worker`: a :class:`CompareWorker` (a QObject in its
own QThread) owns the trainers; the GUI sends commands as queued signals through a
:class:`CompareThread` handle and reads the newest :class:`ComparePublished` from one
lock-protected slot on its own timer.  Every chunk trains every run the same number of
epochs, so the runs always stand at the same epoch when they are published.

Image labs train the same way (one Trainer per activation, the activation in every layer); each publication then
also carries every run's first-layer filters or class templates, computed here on the
worker so the GUI thread only draws them.  A function lab's publication carries every
run's curve picture (engine/function_pictures.py) the same way.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from actlab.engine.models.cnn import ConvNetwork
from actlab.kinds.registry import lab_data
from actlab.engine.pictures.curve import make_curve_picture
from actlab.engine.analysis.compare_tiles import trainer_tiles
from actlab.engine.lockstep import activation_variants, train_lock_step
from actlab.engine.trainer import Trainer

from actlab.gui.training.thread_handle import LoopWorker, WorkerHandle

CHUNK_SECONDS = 0.008  # all runs together; a Pause waits at most about this long
MAX_EPOCHS_PER_CHUNK = 20_000
PUBLISH_INTERVAL = 1.0 / 15.0  # small surfaces: 15 pictures a second are plenty
COMPARE_GRID = 50  # the small surfaces are drawn smoothed, ~200 px wide


@dataclass(frozen=True)
class ComparePublished:
    """The runs of one comparison at one moment: ``runs`` is ``((name, snapshot), ...)``
    in the order asked for; ``token`` names the load, ``seq`` increases.  For an image
    lab ``pictures`` holds one :class:`~actlab.engine.analysis.compare_tiles.CompareTiles` per
    run, for a function lab one :class:`~actlab.engine.pictures.curve.CurvePicture`
    per run (empty for a point lab)."""

    token: int
    seq: int
    epoch: int
    runs: tuple
    playing: bool
    pictures: tuple = ()


#: What a comparison shows of one run beside its snapshot, by kind: an image run's filters
#: or templates, a function run's curve; nothing for a point run (the snapshot's surface).
RUN_PICTURES = {"points": lambda trainer: None, "functions": make_curve_picture,
                "images": trainer_tiles}


def _run_picture(trainer):
    return RUN_PICTURES[trainer.kind](trainer)


class CompareWorker(LoopWorker):
    """Lives in a QThread; slots run there (call them through :class:`CompareThread`).
    ``finished`` means every run diverged or reached stop_after."""

    def __init__(self, grid: int = COMPARE_GRID, chunk_seconds: float = CHUNK_SECONDS):
        super().__init__(grid, chunk_seconds, MAX_EPOCHS_PER_CHUNK)
        self._runs: list[tuple[str, Trainer]] = []
        self._token = 0
        self.initial_params: tuple = ()  # per run, the weights at epoch 0 (read-only)

    # ------------------------------------------------------------ thread-safe reads
    def snapshots(self, grid: int = 100) -> list[tuple[str, object, object]]:
        """``(name, snapshot, dataset)`` per run, made now at ``grid`` (any thread;
        waits at most one chunk): what :func:`actlab.figures.render.render_compare_png` takes."""
        with self._lock:
            return [(name, t.snapshot(grid, False), t.dataset) for name, t in self._runs]

    def function_fit_runs(self) -> list:
        """Per function run, the :class:`~actlab.figures.functions.FitRun` of the CLI's
        compare.png, made now (any thread; waits at most one chunk)."""
        from actlab.outputs.functions import compare_fit_run

        with self._lock:
            return [compare_fit_run(name, t) for name, t in self._runs]

    def image_entries(self) -> list[tuple]:
        """Per image run, :func:`actlab.figures.image_compare.trainer_entry` made now (any
        thread; waits at most one chunk): what ``write_compare_png`` takes, exactly as
        the CLI builds it."""
        from actlab.figures.image_compare import trainer_entry

        with self._lock:
            return [trainer_entry(name, t) for name, t in self._runs
                    if isinstance(t.network, ConvNetwork)]

    # ------------------------------------------------------------------ commands
    @Slot(object, object, object, int)
    def load(self, lab, dataset, names, token: int) -> None:
        """Build one Trainer per activation in ``names`` from ``lab`` and ``dataset``
        (same seed, data and minibatch order) and publish epoch 0."""
        self._set_playing(False)
        self._timer.stop()
        try:
            if dataset is None:  # read once, shared by every run
                lab, dataset = lab_data(lab)
            runs = [(name, Trainer(v, dataset)) for name, v in activation_variants(lab, names)]
        except Exception as e:  # a bad lab must never kill the thread
            with self._lock:
                self._runs = []
            self.error.emit(str(e))
            return
        with self._lock:
            self._runs, self._token, self._dataset = runs, token, dataset
            self.initial_params = tuple(
                tuple((W.copy(), b.copy()) for W, b in t.network.get_params())
                for _, t in runs)
        self._per_chunk = 1
        self._publish()

    @Slot()
    def play(self) -> None:
        if not self._runs or self._stop.is_set():
            return
        if all(t.finished for _, t in self._runs):
            self.finished.emit()
            return
        self._set_playing(True)
        self._timer.start()

    def _has_work(self) -> bool:
        return bool(self._runs)

    # ------------------------------------------------------------------ the loop
    @Slot()
    def _tick(self) -> None:
        runs = self._runs
        if not self._playing or self._stop.is_set() or not runs:
            return
        trainers = [t for _, t in runs]
        if self._train_chunk(lambda n: train_lock_step(trainers, n),
                             "Comparison stopped") is None:
            return
        if all(t.finished for _, t in runs):
            self._set_playing(False)
            self._publish()
            self.finished.emit()
            return
        if time.perf_counter() - self._last_publish >= PUBLISH_INTERVAL:
            self._publish()
        time.sleep(0)  # let the GUI thread have the GIL between chunks
        self._timer.start()

    def _publish(self) -> None:
        try:
            with self._lock:
                runs = tuple((name, t.snapshot(self._grid, False)) for name, t in self._runs)
                pictures = tuple(_run_picture(t) for _, t in self._runs)
                pictures = () if None in pictures else pictures
                token = self._token
        except Exception as e:
            self.error.emit(f"Could not draw the comparison: {e}")
            return
        self._seq += 1
        epoch = max((s.epoch for _, s in runs), default=0)
        pub = ComparePublished(token, self._seq, epoch, runs, self._playing, pictures)
        with self._latest_lock:
            self._latest = pub
        self._last_publish = time.perf_counter()


class CompareThread(WorkerHandle):
    """The GUI-side handle: starts the thread, forwards commands, shuts it down."""

    _load = Signal(object, object, object, int)

    def __init__(self, parent: QObject | None = None, grid: int = COMPARE_GRID):
        super().__init__(CompareWorker(grid), "ActLab comparison", parent)
        self._load.connect(self.worker.load)
        self.token = 0
        self.start()

    def load(self, lab, dataset, names) -> int:
        """Queue new runs; returns their token (publications carry it)."""
        self.token += 1
        self._load.emit(lab, dataset, tuple(names), self.token)
        return self.token
