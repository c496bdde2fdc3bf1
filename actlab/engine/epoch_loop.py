"""The epoch loop both trainers share (points: :class:`~actlab.engine.trainer.Trainer`,
images: :class:`~actlab.engine.image_trainer.ImageTrainer`).

A trainer using it has ``training`` (a TrainingSpec: ``stop_after``), ``epoch``,
``diverged`` (None or the reason) and ``train_epoch() -> bool`` (False when it diverged).
"""
from __future__ import annotations


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
