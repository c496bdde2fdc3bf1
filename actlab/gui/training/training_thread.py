"""The GUI side of training: a handle that starts the worker thread, forwards commands
to the :class:`~actlab.gui.training.worker.TrainingWorker` as queued signals (so they run in the
worker thread, in the order sent) and shuts it down."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from actlab.lab import Lab, TrainingSpec

from actlab.gui.training.thread_handle import WorkerHandle
from actlab.gui.training.worker import GRID, ParamEdit, Published, TrainingWorker


class TrainingThread(WorkerHandle):
    """The GUI-side handle: starts the thread, forwards commands, shuts it down.

    Every command is a queued signal, so it runs in the worker thread in the order sent.
    """

    _load = Signal(object, object, int, bool)
    _step = Signal()
    _reset = Signal(bool)
    _set_training = Signal(object)
    _request_snapshot = Signal()
    _set_parameter = Signal(object, int)

    def __init__(self, parent: QObject | None = None, grid: int = GRID):
        super().__init__(TrainingWorker(grid), "ActLab training", parent)
        w = self.worker
        self._load.connect(w.load)
        self._step.connect(w.step)
        self._reset.connect(w.reset)
        self._set_training.connect(w.set_training)
        self._request_snapshot.connect(w.request_snapshot)
        self._set_parameter.connect(w.set_parameter)
        self.generation = 0
        self.start()

    # commands -------------------------------------------------------------------
    def load(self, lab: Lab | None, dataset=None, keep_weights: bool = False) -> int:
        """Queue a new Trainer; returns its generation (snapshots carry it)."""
        self.generation += 1
        self._load.emit(lab, dataset, self.generation, keep_weights)
        return self.generation

    def pause(self) -> None:
        self.worker.pause_pending.set()  # read by the worker at once (see worker.py)
        super().pause()

    def step(self) -> None:
        # a Pause pressed before this Step is behind it (its queued pause() arrives
        # first); one pressed after stops the step where it is
        self.worker.pause_pending.clear()
        self._step.emit()

    def reset(self, new_seed: bool = False) -> None:
        self._reset.emit(new_seed)

    def set_training(self, spec: TrainingSpec) -> None:
        self._set_training.emit(spec)

    def request_snapshot(self) -> None:
        self._request_snapshot.emit()

    def set_parameter(self, edit: ParamEdit, generation: int | None = None) -> None:
        """Queue a hand edit of one weight or bias for the network of ``generation``
        (default: the newest load); the worker answers ``paramSet`` or ``paramRefused``."""
        self._set_parameter.emit(edit, self.generation if generation is None else generation)

    # reads ----------------------------------------------------------------------
    def latest(self) -> Published | None:
        return self.worker.latest()

    def current_lab(self) -> tuple[int, Lab] | None:
        return self.worker.current_lab()

    def want_snapshot(self) -> None:
        self.worker.want_snapshot()

    def set_instruments(self, insights: bool, hidden: tuple | None = None) -> None:
        """Which instruments are on screen (see TrainingWorker.set_instruments)."""
        self.worker.set_instruments(insights, hidden)

    def begin_gui_turn(self) -> None:
        self.worker.begin_gui_turn()

    def end_gui_turn(self) -> None:
        self.worker.end_gui_turn()
