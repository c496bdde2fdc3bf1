"""The epochs of a :class:`~actlab.engine.trainer.Trainer`: whole (:meth:`~EpochSteps.train`,
:meth:`~EpochSteps.train_epoch`) or in steps (:meth:`~EpochSteps.train_steps`: a minibatch
of an image lab's epoch, or a piece of its closing evaluation), which are one
implementation, so any run of steps gives the epochs of ``train`` bit for bit; and
divergence: the last good weights put back, a sentence saying what happened.

A mixin of the Trainer: it uses the Trainer's program, evaluation, history, optimizer
settings and gradient record (see :class:`~actlab.engine.trainer.Trainer`)."""
from __future__ import annotations

import math

import numpy as np

from actlab.engine.divergence import diagnose
from actlab.lab import TrainingSpec

#: Inputs beyond this (in absolute value) are blamed for a divergence before the learning
#: rate: the presets' inputs stay within ±40 (x1² of ±6), image pixels within [0, 1].
INPUT_SCALE = 1e3


class EpochSteps:
    """The training methods of the Trainer (see the module doc)."""

    # ------------------------------------------------------------------ training
    def train(self, epochs: int) -> int:
        """Train up to ``epochs`` epochs, stopping early on divergence or at the lab's
        ``stop_after``.  Returns the number of epochs done."""
        done = 0
        stop = self.training.stop_after
        history = self.history
        with np.errstate(all="ignore"):  # once for the whole call, not per epoch
            while done < epochs:
                if stop is not None and history.epochs_done >= stop:
                    break
                if not self._train_epoch():
                    break
                done += 1
        return done

    @property
    def finished(self) -> bool:
        """True when the run cannot continue: diverged or reached ``stop_after``."""
        stop = self.training.stop_after
        return bool(self.diverged) or (stop is not None and self.epoch >= stop)

    def train_epoch(self) -> bool:
        """One pass over the training data (or the rest of the epoch :meth:`train_steps`
        left under way).  Returns False (and sets ``diverged`` to a
        sentence saying what happened) when the run diverged — a parameter or a loss stopped
        being finite, the loss ran away, or values grew too large to draw (see
        :mod:`.divergence`).  The parameters are then put back to those of the last good
        epoch (finite, with finite predictions), so a snapshot still draws and ``to_lab()``
        saves them.

        The history row of the epoch is the evaluation of the weights the epoch ended
        with on every training and test row (not a mean over the epoch's minibatches).
        With :attr:`record_gradients` the epoch also extends :attr:`gradients`; without,
        it does not, and trains bit for bit the same."""
        with np.errstate(all="ignore"):
            return self._train_epoch()

    def _train_epoch(self) -> bool:
        """:meth:`train_epoch`, called under ``np.errstate(all="ignore")``."""
        if self._work is None:
            if self.diverged:
                return False
            self._begin_epoch()
        self._version += 1
        while True:
            try:
                next(self._work)
            except StopIteration as done:
                self._end_epoch()
                return done.value
            except BaseException:  # an engine error: the epoch cannot go on
                self._end_epoch()
                raise

    def train_steps(self, steps: int, to_epoch_end: bool = False) -> int:
        """Train up to ``steps`` steps — minibatches of an image lab's epoch, or pieces of
        its evaluation at the epoch's end (a point or function lab's epoch is one step) —
        ending epochs on the way as :meth:`train_epoch` does, so any run of steps gives
        the epochs of :meth:`train` bit for bit.  An epoch stopped part way (``progress``
        between 0 and 1) goes on with the same minibatch order at the next call.  Stops
        early on divergence, at the lab's ``stop_after``, and with ``to_epoch_end`` where
        an epoch ends.  Returns the steps done."""
        done = 0
        stop = self.training.stop_after
        while done < steps:
            if self._work is None:
                if self.diverged or (stop is not None and self.epoch >= stop):
                    break
                self._begin_epoch()
            self._version += 1
            done += 1
            try:
                with np.errstate(all="ignore"):
                    self._work_done += next(self._work) or 0
            except StopIteration as end:
                self._end_epoch()
                if not end.value or to_epoch_end:
                    break
            except BaseException:  # an engine error: the epoch cannot go on
                self._end_epoch()
                raise
        return done

    @property
    def progress(self) -> float:
        """How far the epoch under way is, from 0 (none under way: the parameters are
        those the history ends with) to below 1 — by the work done, a minibatch counting
        three times its images and the epoch's closing evaluation once per image."""
        if self._work is None:
            return 0.0
        return min(self._work_done / max(self._work_total, 1), 0.999)

    @property
    def steps_per_epoch(self) -> int:
        """The steps of one epoch's training pass (see :meth:`train_steps`): its
        minibatches for an image lab, 1 for a point or function lab."""
        return self._program.n_steps

    def _begin_epoch(self) -> None:
        self._work = self._epoch_work()
        self._work_done = 0
        self._work_total = 3 * self.n_train + (
            self._evaluation.n_steps > 1) * (len(self._rows[1]) + len(self._rows[3])) * (
            1 + (self._loss_start is None))

    def _end_epoch(self) -> None:
        self._work = None
        self._started = self._in_pass = False

    def _epoch_work(self):
        """The steps of one epoch (see :meth:`train_steps`); returns what
        :meth:`train_epoch` returns."""
        if self._loss_start is None:  # the scale of "ran away": the starting loss
            row = yield from self._evaluation.steps()
            self._evaluated_at = self._version
            self._loss_start = float(row[0])
            yield 0
        start_loss = self._loss_start
        P = self.network.flat
        np.copyto(self._good, P)
        self._started = self._in_pass = True
        if self.record_gradients:
            end = self._record_end
            start = self._record_start if (self.history.epochs_done == 0
                                           and not len(self.gradients)) else None
        else:
            start = end = None
        self._end_row = None
        loss = yield from self._program.steps(self._shuffle_rng, start, end)
        self._in_pass = False
        if self._pending is not None:  # settings that waited for the pass to end
            spec, self._pending = self._pending, None
            self.set_training(spec)
        evaluation = self._evaluation
        if loss is None:  # judge the evaluation, which is also the history row
            row = evaluation.run()
            self._evaluated_at = self._version
            # diagnose()'s common case inline: parameters finite and small enough that no
            # value can reach the drawing limit, the loss not run away, the test loss
            # finite (NaN fails every comparison); anything else goes to diagnose()
            scale = max(start_loss, 1.0) if math.isfinite(start_loss) else 1.0
            if (P.dot(P) <= self._weight_limit2 and row[0] <= self._runaway * scale
                    and (not self._has_test or math.isfinite(row[1]))):
                what = None
            else:
                what = diagnose(P, row, self._has_test, start_loss, self._runaway,
                                self._weight_limit, evaluation.largest_value)
        else:  # judge the epoch's own loss; weights that pass are evaluated after
            what = diagnose(P, np.array([loss, np.nan, np.nan, np.nan]), False,
                            start_loss, self._runaway, self._weight_limit,
                            evaluation.largest_value)
        if what:
            self._diverge(what)
            return False
        if loss is not None:
            if self._evaluation.n_steps > 1:
                yield 0
            row = yield from self._evaluation.steps()
            self._evaluated_at = self._version
            if not (math.isfinite(row[0]) and (not self._has_test or math.isfinite(row[1]))):
                # the epoch's checks passed but a whole-set loss did not (the weights are
                # finite, so they stay)
                self.diverged = (
                    f"Training diverged at epoch {self.epoch + 1}: the loss is no longer "
                    f"a finite number. {self._likely_cause(self.training)} and press Reset.")
                return False
        self.history.append_row(row)
        self._edited = False
        if self._end_row is not None:
            self.gradients.commit(self.history.epochs_done)
        return True

    def _diverge(self, what: str) -> None:
        """Put the last good weights back, start a fresh optimizer (its state saw the
        blow-up) and say what happened."""
        np.copyto(self.network.flat, self._good)
        self._version += 1
        self.optimizer = None
        self.training, spec = None, self.training
        self.set_training(spec)
        kept = (f"the weights of epoch {self.epoch} are kept" if self.epoch
                else "the starting weights are kept")
        self.diverged = (f"Training diverged at epoch {self.epoch + 1}: {what}. "
                         f"{self._likely_cause(spec)} and press Reset; {kept}.")

    def _likely_cause(self, spec: TrainingSpec) -> str:
        """What to change, in words: the data when its inputs are huge (points far out, or
        x² of them), else the learning rate."""
        x_max = self._evaluation.x_max
        if not x_max <= INPUT_SCALE:
            return (f"The network's inputs reach {x_max:.3g} (the data's values, or a "
                    f"feature such as x² of them), far beyond the ±10 or so a network "
                    f"learns from — rescale the data or leave such features out")
        return (f"The learning rate ({spec.learning_rate:g}) is probably too high — "
                f"lower it")

    def _start_loss(self) -> float:
        if self._loss_start is None:
            self._loss_start = float(self._evaluate_row()[0])
        return self._loss_start
