"""The epoch loop both trainers share (points: :class:`~actlab.engine.trainer.Trainer`,
images: :class:`~actlab.engine.image_trainer.ImageTrainer`).

A trainer using it has ``training`` (a TrainingSpec: ``stop_after``), ``epoch``,
``diverged`` (None or the reason), ``train_epoch() -> bool`` (False when it diverged) and
sets ``_rate, _rate_t0 = 0.0, (time.perf_counter(), self.epoch)`` when it starts.
"""
from __future__ import annotations

import time


class EpochLoop:
    def train(self, epochs: int) -> int:
        """Train up to ``epochs`` epochs, stopping early on divergence or at the lab's
        ``stop_after``.  Returns the number of epochs done."""
        done = 0
        stop = self.training.stop_after
        while done < epochs:
            if stop is not None and self.epoch >= stop:
                break
            if not self.train_epoch():
                break
            done += 1
        return done

    @property
    def finished(self) -> bool:
        """True when the run cannot continue: diverged or reached ``stop_after``."""
        stop = self.training.stop_after
        return bool(self.diverged) or (stop is not None and self.epoch >= stop)

    def epochs_per_second(self) -> float:
        """Training speed over the last half second or so."""
        now = time.perf_counter()
        t0, e0 = self._rate_t0
        if now - t0 >= 0.5:
            self._rate = (self.epoch - e0) / (now - t0)
            self._rate_t0 = (now, self.epoch)
        return self._rate
