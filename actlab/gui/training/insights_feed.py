"""What the teaching instruments need from a run, made on the training thread.

The :class:`~actlab.gui.training.worker.TrainingWorker` owns one :class:`InsightsFeed`.  The window
says which instruments are on screen (:meth:`InsightsFeed.set_wants`, any thread); the
worker asks the feed for a pack each time it publishes a snapshot (with its Trainer lock
held), and the feed computes one only when something is on screen, at most every
:data:`INSIGHTS_INTERVAL` while training runs, and never twice for the same epoch.

For an image lab the pack's ``insights`` is an
:class:`~actlab.engine.analysis.image_insights.ImageInsights` (the conv collapse, templates,
saliency of the probed image beside others, gradient flow and dead filters) instead of a
point lab's :class:`~actlab.engine.analysis.insights.Insights`; ``hidden`` is always None (the
hidden space is about 2-D points).  :meth:`InsightsFeed.set_probe` says which image the
student probes.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from actlab.engine.models.cnn import ConvNetwork
from actlab.engine.analysis.image_insights import ImageInsights, image_insights
from actlab.engine.analysis.insights import GradientLog, Insights, compute_insights, hidden_space

INSIGHTS_INTERVAL = 1.0 / 8.0  # the instruments redraw at most ~8 times a second
HIDDEN_POINTS = 500  # data points drawn in the hidden space (the first ones)


@dataclass(frozen=True)
class InsightsPack:
    """What the instruments draw, computed from one moment of training.

    ``run`` increases with every new Trainer and every Reset (the epochs start again, so
    views must redraw even an "older" epoch); ``seq`` increases with every pack.
    ``hidden`` is ``((layer, i, j), space, labels)`` for the hidden-space view, or None
    when it was not asked for.  For an image lab ``insights`` is an ImageInsights (tell
    them apart by their type) and ``hidden`` is None."""

    generation: int
    run: int
    seq: int
    epoch: int
    insights: Insights | ImageInsights | None
    hidden: tuple | None


class InsightsFeed:
    """Insights for the instruments on screen, with the run's gradient log."""

    def __init__(self, grid: int):
        self.grid = grid
        # (insights wanted, hidden-space selection or None): written by the GUI thread as
        # one tuple, so the training thread always reads a consistent pair
        self._wants: tuple[bool, tuple | None] = (False, None)
        self._due = False
        self.log = GradientLog()
        self._run = 0
        self._pack: InsightsPack | None = None
        self._key = None
        self._seq = 0
        self._last = 0.0
        self.error: str | None = None  # why computing failed (once), see take_error
        self._probe: tuple[str, int] = ("test", 0)  # the image lab's probed image

    def set_wants(self, insights: bool, hidden: tuple | None) -> None:
        """Any thread: ``insights`` for the collapse, gradient and regions views, ``hidden``
        the (layer, i, j) of the hidden-space view or None.  The next pack is fresh."""
        self._wants = (bool(insights), None if hidden is None else tuple(int(v) for v in hidden))
        self._due = True

    def set_probe(self, split: str, index: int) -> None:
        """Any thread: the student probes image ``index`` of ``split`` ("test" or
        "train") of an image lab; the next pack shows its saliency.  (One tuple written
        at once, so the training thread reads a consistent pair.)"""
        split = "train" if str(split) == "train" else "test"
        self._probe = (split, max(0, int(index)))
        self._due = True

    def take_error(self) -> str | None:
        """The last failure's message (then forgotten)."""
        error, self.error = self.error, None
        return error

    def new_run(self) -> None:
        """A new Trainer or a Reset: the epochs start again, and so does the log."""
        self._run += 1
        self.log = GradientLog()
        self._pack = self._key = None
        self._due = True

    def pack(self, trainer, generation: int, playing: bool) -> InsightsPack | None:
        """The newest pack for the instruments on screen (call with the trainer locked):
        computed afresh when due and, while ``playing``, at least INSIGHTS_INTERVAL after
        the last one; else the last one.  None when no instrument is on screen."""
        want_insights, selection = self._wants
        # the trainer keeps its per-epoch gradient record only while a view shows it
        # (the gradient-flow view is one of the insights views): off, an epoch skips it
        trainer.record_gradients = want_insights
        if not want_insights and selection is None:
            return None
        images = isinstance(trainer.network, ConvNetwork)  # an image lab's insights
        probe = self._probe
        if images:
            selection = None  # the hidden space is about 2-D points
            if not want_insights:
                return None
        key = (self._run, trainer.epoch, want_insights, selection, probe if images else None)
        if key == self._key:
            return self._pack
        now = time.perf_counter()
        if (self._pack is not None and playing and not self._due
                and now - self._last < INSIGHTS_INTERVAL):
            return self._pack
        self._due = False
        self._last = now
        try:
            if images:
                insights = image_insights(trainer, *probe)
            else:
                insights = compute_insights(trainer, self.log, self.grid) if want_insights \
                    else None
            hidden = _hidden_space(trainer, selection) if selection is not None else None
        except Exception as e:  # noqa: BLE001 - an instrument must never stop training
            self._wants = (False, None)  # off until the window asks again
            self.error = f"The instruments could not be computed: {e}"
            return None
        self._seq += 1
        self._pack = InsightsPack(generation, self._run, self._seq, trainer.epoch, insights,
                                  hidden)
        self._key = key
        return self._pack


def _hidden_space(trainer, selection: tuple) -> tuple | None:
    layer, i, j = selection
    sizes = trainer.network.sizes[1:-1]
    if not 0 <= layer < len(sizes) or not (0 <= i < sizes[layer] and 0 <= j < sizes[layer]):
        return None  # a selection for another network: the GUI is about to send a new one
    ds = trainer.dataset
    X, y = ds.X_train[:HIDDEN_POINTS], ds.y_train[:HIDDEN_POINTS]
    space = hidden_space(trainer.network, trainer.features, layer, (i, j), X)
    labels = np.array(y, copy=True)
    labels.setflags(write=False)
    return selection, space, labels
