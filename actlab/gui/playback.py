"""Training controls and live drawing for the main window (its ``playback``).

Play/Pause, Step, Reset and New seed go to the worker thread; the worker's signals come
back here; and a display timer draws the newest snapshot at a fixed rate, never once per
epoch, into the workspace shown.  The window ``w`` supplies ``lab``, ``dataset``,
``training_thread``, ``acts``, ``workspace``, ``epoch_label``, ``speed_label``, ``seed_label``,
``status``, ``_commit``, ``_sync_panels`` and the training state ``wants_playing``,
``_playing`` and ``_generation``.
"""
from __future__ import annotations

import random
import time
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer

from actlab.gui import dialogs
from actlab.gui.actions import set_play_state
from actlab.gui.workspaces.base import NETWORK_EVERY

# The display timer: about 35 frames a second, never one draw per epoch.  Each frame
# costs the training thread its share of the GIL, so while training the surface is
# redrawn every frame, the network diagram every NETWORK_EVERY-th.
DRAW_INTERVAL_MS = 28
# The loss numbers and speed: every 0.045 s (15-20 Hz) rather than every n-th frame, so
# they stay above 10 Hz when a big network brings the frame rate down.  The loss plot
# re-lays out and repaints its axes on every update (~17 ms a paint, measured): about 6
# times a second, as before (every 5th frame at 30 frames/s), is plenty for a curve;
# 10 Hz cost config B ~5 redraws/s.
SLOW_INTERVAL_S = 0.045
PLOT_INTERVAL_S = 0.16



def speed_text(epochs_per_second: float) -> str:
    """"1 epoch/s", "2,345 epochs/s", "0.4 epochs/s"; "" before the speed is known."""
    if not epochs_per_second > 0:
        return ""
    shown = f"{epochs_per_second:,.0f}" if epochs_per_second >= 1.5 else (
        "1" if epochs_per_second >= 0.95 else f"{epochs_per_second:.1f}")
    return f"{shown} epoch/s" if shown == "1" else f"{shown} epochs/s"

class Playback(QObject):
    """Play/Pause/Step/Reset, the worker's signals and the display timer of window ``w``.

    A QObject living on the GUI thread, so the worker's signals reach it queued, on this
    thread (a plain object's methods would run on the training thread)."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.redraws = 0         # snapshots drawn (the benchmark reads it)
        self.surface_frames = 0  # fresh central pictures drawn (the benchmark reads it)
        self.snapshot = None     # the snapshot drawn last
        self._drawn_seq = 0
        self._good: tuple | None = None  # (generation, lab, dataset) known to load
        self._slow_drawn_at = 0.0  # when the loss numbers were last drawn
        self._plot_drawn_at = 0.0  # when the loss plot was last drawn
        w, a = window.training_thread.worker, window.acts
        a.play.triggered.connect(self.toggle_play)
        a.step.triggered.connect(self.step)
        a.reset.triggered.connect(self.reset)
        a.new_seed.triggered.connect(self.new_seed)
        w.playingChanged.connect(self._playing_changed)
        w.diverged.connect(self._diverged)
        w.finished.connect(self._finished)
        w.error.connect(self._worker_error)
        w.loadFailed.connect(self._load_failed)
        w.labChanged.connect(self._reseeded)

    # ------------------------------------------------------------------ training
    # Play, Step and Reset do not mark the lab modified: the run is reproducible from
    # the lab (same seed, same bits), so closing or switching labs after training alone
    # loses no work and asks nothing (issue 19).  What the student changes — settings,
    # data, notes, a new seed, a hand-typed weight — does mark it.
    # ``_playing`` is what the worker last reported; ``wants_playing`` what the student
    # last asked for.  Play/Pause decide by the request: the report comes back through a
    # queued signal, and deciding by it made Space pressed twice quickly start training
    # twice instead of pausing it (and Pause right after Play did nothing).
    def toggle_play(self) -> None:
        if self.w.wants_playing:
            self.request_pause()
            self.w.status("Paused.")
        else:
            guide = getattr(self.w, "guide", None)
            if guide is not None and not guide.before_play():  # predict first (cancelled)
                return
            self.w.wants_playing = True
            self.w.training_thread.play()  # training alone is no change to save (above)
            self.w.status("Training… press Space to pause.")

    def request_pause(self) -> None:
        """Ask the worker to pause (the button follows when it answers)."""
        self.w.wants_playing = False
        self.w.training_thread.pause()

    def play(self) -> None:
        if not self.w.wants_playing:
            self.toggle_play()

    def pause(self) -> None:
        if self.w.wants_playing:
            self.toggle_play()

    def step(self) -> None:
        self.w.wants_playing = False  # Step pauses first
        pub = self.w.training_thread.latest()
        progress = getattr(pub.snapshot, "progress", 0.0) if pub is not None else 0.0
        self.w.training_thread.step()
        if progress > 0:  # an image lab's epoch Pause stopped part way: Step ends it
            self.w.status(f"Step: training the rest of epoch {pub.snapshot.epoch + 1:,} "
                          f"({int(100 * progress)} % was done).")
        else:
            self.w.status("Step: training one epoch.")

    def reset(self) -> None:
        """Epoch 0 with the same starting weights (the seed is kept)."""
        self.w.lab = self.w.lab.without_results()
        self.w.training_thread.reset(False)
        self.w.workspace.output.set_warning(None)
        self.w.workspace.clear_history()  # not the old run's axes (log scale!)
        self.w.status(f"Reset to epoch 0 with the same starting weights (seed {self.w.lab.seed}).")

    def new_seed(self) -> None:
        seed = random.SystemRandom().randrange(2**31)
        self.w._commit(replace(self.w.lab.without_results(), seed=seed), self.w.dataset)
        self.w._mark_modified()
        self.w.status(f"New seed {seed}: training starts again from different random weights.")

    def _reseeded(self, lab) -> None:
        """The worker picked a new seed itself (``reset(new_seed=True)``)."""
        if lab.network == self.w.lab.network and lab.features == self.w.lab.features:
            self.w.lab = replace(self.w.lab.without_results(), seed=lab.seed)
            self.w.seed_label.setText(f"Weights seed {lab.seed}")

    def _playing_changed(self, playing: bool) -> None:
        self.w._playing = self.w.wants_playing = playing
        set_play_state(self.w.acts, playing, self.w.style())

    def _diverged(self, message: str) -> None:
        self.w.wants_playing = False  # also when Play was refused: nothing plays
        self.w.workspace.output.set_warning(message)
        self.w.status("Training diverged and was paused: lower the learning rate and press Reset.")

    def _finished(self) -> None:
        self.w.wants_playing = False
        stop = self.w.lab.training.stop_after
        self.w.status(f"Stopped at epoch {stop:,}, the “Stop after” limit: raise it or press "
                    "Reset to go on." if stop else "Training stopped.")

    def _worker_error(self, message: str) -> None:
        self.w.workspace.output.set_warning(message)
        self.w.status(message)

    def _load_failed(self, generation: int, message: str) -> None:
        if generation != self.w._generation:
            return
        dialogs.show_error(self.w, "Cannot use these settings", message)
        if self._good is not None:  # go back to what the worker still has
            self.w._generation, self.w.lab, self.w.dataset = self._good
            self.w.show_workspace(self.w.lab.kind)
            self.w.workspace.clear(self.w.dataset)
            self.w._sync_panels()

    # ------------------------------------------------------------------ drawing
    def draw_tick(self) -> None:
        """Draw the newest snapshot, if there is one we have not drawn (fixed rate)."""
        pub = self.w.training_thread.latest()
        self.w.training_thread.want_snapshot()  # the next one, ready by the next tick
        if pub is None or pub.seq == self._drawn_seq or pub.generation != self.w._generation:
            return
        self._drawn_seq = pub.seq
        # Keep the training thread off the GIL until this frame is painted: the paint
        # events posted by the updates below run before the second zero-timer fires.
        self.w.training_thread.begin_gui_turn()
        QTimer.singleShot(0, lambda: QTimer.singleShot(0, self.w.training_thread.end_gui_turn))
        if self._good is None or self._good[0] != pub.generation:
            self._good = (pub.generation, self.w.lab, self.w.dataset)
        snap = self.snapshot = pub.snapshot
        ws = self.w.workspace
        if ws.draw(pub, snap, self.redraws % NETWORK_EVERY == 0):
            self.surface_frames += 1
        self.w.epoch_label.setText(f"{snap.epoch:07,d}")
        now = time.perf_counter()
        if not pub.playing or now - self._plot_drawn_at >= PLOT_INTERVAL_S:
            self._plot_drawn_at = now
            ws.show_history(snap)
        if not pub.playing or now - self._slow_drawn_at >= SLOW_INTERVAL_S:
            self._slow_drawn_at = now
            ws.show_numbers(snap)
            self.w.speed_label.setText(speed_text(snap.epochs_per_second) if pub.playing
                                     else "")
        self.redraws += 1
