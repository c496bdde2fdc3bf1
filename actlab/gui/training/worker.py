"""Training on a worker thread: a :class:`TrainingWorker` owns one engine Trainer.

The GUI never touches the Trainer.  It sends commands as queued signals carrying
immutable values (a Lab, a frozen Dataset, a TrainingSpec) through a
:class:`TrainingThread`, and it reads results from one lock-protected "latest" slot
(:meth:`TrainingWorker.latest`) on its own draw timer, so the screen updates at a fixed
rate however many epochs a second the engine manages (DESIGN.md: draw at a fixed rate).

While playing the worker trains in chunks of about :data:`CHUNK_SECONDS` and returns to
its event loop between chunks (a zero-interval single-shot timer), so a Pause, Step or a
new learning rate is handled within one chunk.  A chunk is some epochs of a point or
function lab, and some steps of an image lab's epoch (minibatches, or pieces of the
evaluation that ends it: ``Trainer.train_steps``), so an image lab of 20,000 images answers
as quickly as a small one; its Step trains on to the end of the epoch in chunks too.  Every snapshot is tagged with the
*generation* of the load that made its Trainer and a sequence number, so the GUI can drop
stale ones (a snapshot of an old network, or one it has already drawn).
:class:`~actlab.gui.training_thread.TrainingThread` is the GUI side's handle.

The teaching instruments need more than a snapshot (the linear collapse, gradient norms,
regions, the hidden space).  The worker's :class:`~actlab.gui.insights_feed.InsightsFeed`
computes them only while the window says an instrument is on screen
(:meth:`TrainingWorker.set_instruments`), at most ~8 times a second, and they travel
inside the same published value as the snapshot (``Published.insights``).
"""
from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, replace

from PySide6.QtCore import Signal, Slot

from actlab.engine.data.build import build_dataset
from actlab.engine.pictures.curve import make_curve_picture
from actlab.engine.pictures.images import make_pictures
from actlab.engine.analysis.insights import GradientLog
from actlab.engine.trainer import Trainer
from actlab.engine.snapshot import Snapshot
from actlab.lab import Lab, TrainingSpec

from actlab.gui.training.insights_feed import InsightsFeed, InsightsPack
from actlab.gui.training.thread_handle import LoopWorker

CHUNK_SECONDS = 0.005  # aim for chunks well under the ~15 ms a queued command may wait
MAX_EPOCHS_PER_CHUNK = 100_000
PUBLISH_INTERVAL = 1.0 / 60.0  # never make snapshots faster than a screen can show them
IDLE_PUBLISH_INTERVAL = 0.25  # while nobody asks, still refresh latest() now and then
# Surface resolution (GRID x GRID).  80 rather than the Playground's 100: the surface is
# drawn smoothed, so the picture looks the same, and the decision-boundary contour and
# colour mapping (Python, on the GUI thread) cost ~35 % less per frame, which the
# training thread gets back (see benchmarks/ui_bench.py).
GRID = 80
INSIGHTS_GRID = GRID  # the regions picture lines up with the surface
# The surface and neuron pictures need a forward pass over the GRID² plane: ~1 ms for
# config B, ~35 ms for 10 × 64.  While playing they are remade only when that keeps them
# under this share of the training thread's time; the snapshots in between carry the
# last pictures (the same read-only arrays) with fresh weights, epoch and loss, so the
# epoch counter and the loss curve never wait behind the pictures.
PICTURE_SHARE = 0.25
# Image labs: the probed image's feature maps, the gallery and the confusion matrix cost
# ~1-2 ms (one image's forward pass; the predictions come from the epoch's evaluation),
# so they are remade at most this often while playing (the issue asks for >= 5 Hz).
IMAGE_PICTURE_INTERVAL = 0.1
# An image lab trains its epochs step by step (a minibatch, or a piece of the closing
# evaluation, per step: Trainer.train_steps), so Pause and Step answer within a chunk
# however many images there are.  While an epoch is under way a fresh snapshot measures
# the weights on the trainer's fixed subsample (~35 ms for 28 px Digits), so it is remade
# at most this often; the snapshots in between carry it with the epoch's progress moved on.
MID_EPOCH_INTERVAL = 0.15
# A function lab's curve picture (~1 ms): 25 times a second while playing is smooth.
CURVE_INTERVAL = 0.04


@dataclass(frozen=True)
class Published:
    """One snapshot as published by the worker.

    ``generation`` names the load that built the Trainer, ``seq`` increases with every
    publication (across loads), ``playing`` is the play state when it was made.
    """

    generation: int
    seq: int
    snapshot: Snapshot
    playing: bool
    insights: InsightsPack | None = None  # the newest pack of this run, if asked for


@dataclass(frozen=True)
class ParamEdit:
    """One hand edit: weight ``W[i, j]`` of weight layer ``layer`` (0 = inputs -> first
    layer), or the bias ``b[j]`` when ``i`` is None, set to ``value``."""

    layer: int
    i: int | None
    j: int
    value: float


def _frozen_params(params) -> tuple:
    out = []
    for W, b in params:
        W, b = W.copy(), b.copy()
        W.flags.writeable = False
        b.flags.writeable = False
        out.append((W, b))
    return tuple(out)


class TrainingWorker(LoopWorker):
    """Lives in a QThread; every public slot runs there (call them via queued signals)."""

    snapshotReady = Signal(object)  # Published, at most ~60 per second
    diverged = Signal(str)
    loadFailed = Signal(int, str)  # generation, message: the old Trainer is kept
    labChanged = Signal(object)  # the Lab after reset(new_seed=True) picked a seed
    # generation, ParamEdit, the Published made right after it (params, surface, numbers)
    paramSet = Signal(int, object, object)
    paramRefused = Signal(int, object, str)  # generation, ParamEdit, why (nothing changed)

    def __init__(self, grid: int = GRID, chunk_seconds: float = CHUNK_SECONDS):
        super().__init__(grid, chunk_seconds, MAX_EPOCHS_PER_CHUNK)
        self._trainer: Trainer | None = None
        self._lab: Lab | None = None  # the lab the Trainer was built from (for Reset)
        # each kind of lab's snapshot: a point lab's surface, a function lab's curve, an
        # image lab's pictures
        self._snapshots = {"points": self._point_snapshot, "functions": self._curve_snapshot,
                           "images": self._image_snapshot}
        self._generation = 0
        self._wanted = threading.Event()  # the GUI asked for a fresh snapshot
        self._feed = InsightsFeed(INSIGHTS_GRID)  # what the instruments on screen need
        self._pictures = None  # (trainer, snapshot, time made, seconds it took)
        # Set by the GUI thread the moment Pause is pressed (before the queued pause()
        # arrives): no new chunk or picture is started, so Pause waits for at most the
        # work already under way, not a 35-90 ms picture of a 10 x 64 network after it.
        # Cleared by play() (overriding the inherited pause slot made Qt call it on the
        # GUI thread).
        self.pause_pending = threading.Event()
        self._probe = ("test", 0)  # the image lab's probed image: (split, index)
        # an image or function lab's own pictures, see _kind_picture:
        # (trainer, (epoch, progress), key, pictures, time made)
        self._kind_pictures = None
        self._stepping = False  # Step of an image lab: training on to the epoch's end
        self._mid_epoch_snap = None  # (trainer, epoch, probe, snapshot, time made)

    # ------------------------------------------------------------ thread-safe reads
    def current_lab(self) -> tuple[int, Lab] | None:
        """(generation, lab with the current trained params and history), from any thread.

        Waits at most one training chunk.  The arrays are read-only copies."""
        with self._lock:
            trainer, generation = self._trainer, self._generation
            if trainer is None:
                return None
            lab = trainer.to_lab()
            return generation, replace(lab, params=_frozen_params(lab.params))

    def want_snapshot(self) -> None:
        """Ask for a fresh snapshot after the current chunk (any thread; cheap).  The
        display timer calls this after each draw, so snapshots are made as fast as they
        are drawn and no faster."""
        self._wanted.set()

    def set_instruments(self, insights: bool, hidden: tuple | None = None) -> None:
        """Which instruments are on screen (any thread; cheap): ``insights`` for the
        collapse, gradient and regions views, ``hidden`` the (layer, i, j) the hidden-space
        view shows, or None.  Nothing is computed while both are off.  The next snapshot
        carries a fresh pack (ask for one with ``request_snapshot`` while paused)."""
        self._feed.set_wants(insights, hidden)

    def set_probe(self, split: str, index: int) -> None:
        """Probe image ``index`` of ``split`` ("test"/"train") in an image lab (any
        thread; cheap): the next snapshot's pictures follow it.  While paused, ask for one
        with ``request_snapshot``."""
        self._probe = (str(split), int(index))
        set_probe = getattr(self._feed, "set_probe", None)
        if set_probe is not None:
            set_probe(str(split), int(index))

    def gradient_log(self) -> GradientLog:
        """The gradient norms sampled so far in this run (for tests; read-only)."""
        return self._feed.log

    # ------------------------------------------------------------------ commands
    @Slot(object, object, int, bool)
    def load(self, lab: Lab | None, dataset=None, generation: int = 0,
             keep_weights: bool = False) -> None:
        """Build a new Trainer for ``lab`` (and ``dataset``, else built from lab.data).

        ``keep_weights`` carries the current weights and history over when the layer
        sizes match (used when a student edits points, or adds drawn images to an image
        lab).  ``lab=None`` leaves no Trainer (an empty data set).  On failure emits
        ``loadFailed`` and keeps the old one."""
        try:
            # a click on the surface and a drawing added keep the weights: the new
            # Trainer takes them when they fit its layers (every model refuses weights of
            # another shape), else it starts afresh
            trainer = None
            if lab is not None and keep_weights and self._trainer is not None:
                if dataset is None:
                    dataset = build_dataset(lab.data)
                carried = self._with_current_weights(lab, dataset)
                if carried is not lab:
                    try:
                        trainer, lab = Trainer(carried, dataset), carried
                    except ValueError:  # the data changed the layers (classes, size)
                        trainer = None
            if trainer is None and lab is not None:
                trainer = Trainer(lab, dataset)
        except Exception as e:  # a bad lab must never kill the thread
            self.loadFailed.emit(generation, str(e))
            return
        with self._lock:
            self._trainer, self._generation = trainer, generation
            self._lab = lab
            self._dataset = trainer.dataset if trainer is not None else None
            self._feed.new_run()
            self._kind_pictures = None  # the probe stays: the student chose it
        self._per_chunk = 1
        self._stepping = False
        if trainer is None:
            self._set_playing(False)
            return
        self._publish()
        if self._playing:
            self._timer.start()

    def _with_current_weights(self, lab: Lab, dataset) -> Lab:
        """``lab`` carrying the current weights and history when its network and features
        are the ones trained (the Trainer checks that the weights fit its layers)."""
        with self._lock:
            old = self._trainer.to_lab()
        if old.params is None or lab.features != old.features or lab.network != old.network:
            return lab
        return replace(lab, params=_frozen_params(old.params), history=old.history)

    @Slot()
    def play(self) -> None:
        self.pause_pending.clear()
        self._stepping = False
        trainer = self._trainer
        if trainer is None or self._stop.is_set():
            return
        if trainer.diverged:
            self.diverged.emit(trainer.diverged)
            return
        if trainer.finished:
            self.finished.emit()
            return
        self._set_playing(True)
        self._timer.start()

    def _has_work(self) -> bool:
        return self._trainer is not None

    @Slot()
    def step(self) -> None:
        """Pause and train exactly one epoch — for an image lab, on to the end of the
        epoch: a whole one from an epoch's end, the rest of the epoch a Pause stopped part
        way.  An image lab's step goes on in chunks like Play (its pictures follow, and a
        Pause stops it where it is)."""
        self._set_playing(False)
        self._timer.stop()
        self._stepping = False
        trainer = self._trainer
        if trainer is None:
            return
        if self._in_steps(trainer) and not trainer.finished:
            self._stepping = True
            self._timer.start()
            return
        with self._lock:
            trainer.train(1)
        self._publish()
        self._report_end(trainer)

    @staticmethod
    def _in_steps(trainer: Trainer) -> bool:
        """Whether ``trainer`` trains in steps smaller than an epoch (image labs)."""
        return trainer.steps_per_epoch > 1

    def _end_step(self) -> bool:
        was, self._stepping = self._stepping, False
        return was

    @Slot(bool)
    def reset(self, new_seed: bool = False) -> None:
        """Start again from fresh initial weights (the same ones unless ``new_seed``)."""
        if self._lab is None:
            return
        lab = self._lab.without_results()
        if new_seed:
            lab = replace(lab, seed=random.SystemRandom().randrange(2**31))
        try:
            trainer = Trainer(lab, self._dataset)
        except Exception as e:
            self.error.emit(str(e))
            return
        with self._lock:
            self._trainer, self._lab = trainer, lab
            self._feed.new_run()
        self._per_chunk = 1
        self._stepping = False
        if new_seed:
            self.labChanged.emit(lab)
        self._publish()
        if self._playing:
            self._timer.start()

    @Slot(object)
    def set_training(self, spec: TrainingSpec) -> None:
        """New learning rate, batch size, optimizer, regularisation or stop_after,
        applied between chunks without touching the weights."""
        if self._trainer is None:
            return
        try:
            with self._lock:
                self._trainer.set_training(spec)
                self._lab = replace(self._lab, training=spec)
        except Exception as e:
            self.error.emit(str(e))
            return
        if not self._playing:
            self._publish()

    @Slot(object, int)
    def set_parameter(self, edit: ParamEdit, generation: int) -> None:
        """Apply a hand edit between chunks, on this thread (the GUI never writes the
        parameter buffer), then publish at once so a paused window redraws.  An edit made
        for another load's network (the student changed it meanwhile) is refused."""
        trainer = self._trainer
        if trainer is None or generation != self._generation:
            self.paramRefused.emit(generation, edit, "The network changed before the edit "
                                   "arrived; nothing was set.")
            return
        try:
            with self._lock:
                trainer.set_parameter(edit.layer, edit.i, edit.j, edit.value)
        except (ValueError, IndexError) as e:
            self.paramRefused.emit(generation, edit, str(e))
            return
        # the pictures kept for reuse while playing are of the old weights: a hand edit
        # is a jump, not a step of training, so the published snapshot draws them anew
        self._pictures = self._kind_pictures = None
        self._publish()
        self.paramSet.emit(generation, edit, self.latest())

    @Slot()
    def request_snapshot(self) -> None:
        if self._trainer is not None:
            self._publish()

    # ------------------------------------------------------------------ the loop
    @Slot()
    def _tick(self) -> None:
        trainer = self._trainer
        stepping = self._stepping and not self._playing
        if not (self._playing or stepping) or self._stop.is_set() or trainer is None:
            return
        if self.pause_pending.is_set():
            return  # the queued pause() is next; it restarts nothing
        if not self._in_steps(trainer):
            train = trainer.train
        elif stepping:
            def train(n: int) -> int:
                return trainer.train_steps(n, to_epoch_end=True)
        else:
            train = trainer.train_steps
        if self._train_chunk(train, "Training stopped") is None:
            self._stepping = False
            return
        if stepping and (not trainer.progress or trainer.finished):
            self._stepping = False  # the step's epoch ended
            self._publish()
            self._report_end(trainer)
            return
        if trainer.finished:
            self._report_end(trainer, publish=True)
            return
        since = time.perf_counter() - self._last_publish
        if (self._wanted.is_set() and since >= PUBLISH_INTERVAL) or since >= IDLE_PUBLISH_INTERVAL:
            self._publish()
        # Give the GUI thread a moment with the GIL between chunks: the timer event is
        # queued behind anything the GUI sent us, and sleep(0) releases the GIL.
        time.sleep(0)
        self._timer.start()

    def _report_end(self, trainer: Trainer, publish: bool = False) -> None:
        """The run ended (diverged or reached stop_after): stop playing and say why.
        Order matters to whoever watches: the last snapshot is published first, then the
        reason, then "not playing", so the pause arrives with its explanation."""
        if not (trainer.diverged or trainer.finished):
            return
        was = self._playing
        self._playing = False
        if publish:
            self._publish()
        if trainer.diverged:
            self.diverged.emit(trainer.diverged)
        else:
            self.finished.emit()
        if was:
            self.playingChanged.emit(False)

    def _image_snapshot(self, trainer) -> Snapshot:
        """An image lab's snapshot with its pictures (the probed image through the
        network, the gallery, the confusion matrix), remade when the weights or the probe
        changed, at most every IMAGE_PICTURE_INTERVAL while playing.  While an epoch is
        under way and training goes on, the numbers and pictures (on the trainer's fixed
        subsample) are remade at most every MID_EPOCH_INTERVAL; in between only the
        epoch's progress moves on."""
        probe = self._probe
        now = time.perf_counter()
        last = self._mid_epoch_snap
        going = self._playing or self._stepping
        if (trainer.progress and going and last is not None and last[0] is trainer
                and last[1] == trainer.epoch and last[2] == probe
                and (now - last[4] < MID_EPOCH_INTERVAL or self.pause_pending.is_set())):
            return replace(last[3], progress=trainer.progress,
                           epochs_per_second=trainer.epochs_per_second())
        snap = replace(trainer.snapshot(None), pictures=self._kind_picture(
            trainer, probe, IMAGE_PICTURE_INTERVAL,
            lambda: make_pictures(trainer, probe[1], probe[0])))
        self._mid_epoch_snap = (trainer, trainer.epoch, probe, snap, now) \
            if trainer.progress else None
        return snap

    def _curve_snapshot(self, trainer: Trainer) -> Snapshot:
        """A function lab's snapshot with its CurvePicture (the curve, its units, kinks
        and pieces), remade when the weights changed, at most every CURVE_INTERVAL while
        playing."""
        snap = self._point_snapshot(trainer)
        return replace(snap, pictures=self._kind_picture(
            trainer, None, CURVE_INTERVAL, lambda: make_curve_picture(trainer)))

    def _kind_picture(self, trainer, key, interval: float, make):
        """The last pictures ``make()`` made, while they still show this run: the same
        trainer and ``key`` (the probe), and the same weights (epoch and progress in it)
        — or, while playing, made less than ``interval`` seconds ago.  Otherwise new
        ones."""
        now = time.perf_counter()
        last = self._kind_pictures
        state = (trainer.epoch, trainer.progress)
        if last is not None and last[0] is trainer and last[2] == key and (
                last[1] == state or (self._playing and now - last[4] < interval)):
            return last[3]
        pics = make()
        self._kind_pictures = (trainer, state, key, pics, now)
        return pics

    def _snapshot(self, trainer: Trainer) -> Snapshot:
        """A snapshot with fresh pictures, or while playing and pictures were made
        recently, a cheap one reusing the last pictures (see PICTURE_SHARE)."""
        return self._snapshots[trainer.kind](trainer)

    def _point_snapshot(self, trainer: Trainer) -> Snapshot:
        now = time.perf_counter()
        last = self._pictures
        if (self._playing and last is not None and last[0] is trainer
                and (now - last[2] < last[3] / PICTURE_SHARE or self.pause_pending.is_set())):
            snap = trainer.snapshot(None)
            return replace(snap, surface=last[1].surface, neurons=last[1].neurons,
                           extent=last[1].extent)
        snap = trainer.snapshot(self._grid, True)
        self._pictures = (trainer, snap, now, time.perf_counter() - now)
        return snap

    def _publish(self) -> None:
        self._wanted.clear()
        trainer = self._trainer
        try:
            with self._lock:
                snap = self._snapshot(trainer)
                generation = self._generation
                pack = self._feed.pack(trainer, generation, self._playing)
        except Exception as e:
            self.error.emit(f"Could not draw the network's output: {e}")
            return
        if self._feed.error:  # the instruments stopped; the snapshot still goes out
            self.error.emit(self._feed.take_error())
        self._seq += 1
        pub = Published(generation, self._seq, snap, self._playing, pack)
        with self._latest_lock:
            self._latest = pub
        self._last_publish = time.perf_counter()
        self.snapshotReady.emit(pub)
