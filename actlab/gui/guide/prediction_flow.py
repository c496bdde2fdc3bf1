"""Predict, then observe, in the main window: before Play in a guided lab the open
prediction questions about the network to be trained are asked
(:mod:`.prediction_dialog`); the answers go into the lab (``guide.predictions``, the lab
marked modified); when the run pauses or stops, each prediction is judged on it
(:func:`actlab.engine.predictions.judge_all`) and shown in the Guide
(:mod:`.prediction_results`).

The window ``w`` supplies ``lab``, ``dataset``, ``files``, ``training_thread``,
``_sync_panels``, ``_mark_modified`` and ``status``.
"""
from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

from PySide6.QtCore import QObject, Slot

from actlab.engine import predictions as pred
from actlab.gui.guide import prediction_dialog
from actlab.gui.guide.prediction_results import PredictionResultsBox
from actlab.views.prediction_sketch import SketchData


class PredictionFlow(QObject):
    """The prediction questions of window ``w``'s guided lab (see the module docstring).
    A QObject on the GUI thread, so the worker's signals reach it queued."""

    def __init__(self, window, extras_layout):
        super().__init__(window)
        self.w = window
        self.skipped: set[int] = set()
        self.results: dict[int, pred.PredictionResult] = {}
        self.box = PredictionResultsBox()
        extras_layout.addWidget(self.box)
        window.training_thread.worker.playingChanged.connect(self._playing_changed)

    # ------------------------------------------------------------------ the lab
    def lab_opened(self) -> None:
        """A lab was opened: forget the skips and results, show its saved predictions
        (judged on its saved run, if it has one)."""
        self.skipped = set()
        self.results = {}
        self.refresh(judge=True)

    def _custom(self):
        return getattr(self.w.lab.network, "custom", ())

    # ------------------------------------------------------------------ before Play
    def before_play(self) -> bool:
        """Ask the open questions about the network about to train; False when the
        student cancelled (Play does not start)."""
        guide = self.w.lab.guide
        if not guide or not guide.get("predict"):
            return True
        try:
            open_qs = pred.open_questions(guide, self.w.lab, self.skipped, self._custom())
        except (ValueError, KeyError, TypeError):  # a guide built in code that does not check
            return True
        for q in open_qs:
            data = SketchData.of(q.target, self.w.dataset) if q.form == "sketch" else None
            asked = prediction_dialog.ask_prediction(self.w, q, data, q.network_words())
            if asked.action == "cancel":
                return False
            if asked.action == "skip":
                self.skipped.add(q.index)
                continue
            p = pred.Prediction(q.index, asked.answer, asked.why,
                                self.w.guide.recorder.upcoming_number())
            self.w.lab = replace(self.w.lab, guide=pred.with_prediction(self.w.lab.guide, p))
            self.results.pop(q.index, None)
            self.w._sync_panels()
            self.w._mark_modified()
            self.w.status("Prediction saved. Watch what the network does.")
        self.refresh(judge=False)
        return True

    # ------------------------------------------------------------------ after the run
    @Slot(bool)
    def _playing_changed(self, playing: bool) -> None:
        if not playing:
            self.refresh(judge=True)

    def refresh(self, judge: bool = True) -> None:
        """Show every answered prediction; ``judge``: judge them on the run as it is now
        (a result about another network keeps the last one about its own)."""
        guide = self.w.lab.guide
        try:
            qs = pred.questions(guide, self._custom())
            answers = [p for p in pred.predictions(guide) if 0 <= p.question < len(qs)]
        except (ValueError, KeyError, TypeError):
            qs, answers = [], []
        if judge and answers:
            for r in self._judge(guide):
                if r.status != "other" or r.question.index not in self.results:
                    self.results[r.question.index] = r
        items = []
        for p in answers:
            q = qs[p.question]
            data = None
            if q.form == "sketch" and self.w.dataset is not None:
                try:
                    data = SketchData.of(q.target, self.w.dataset)
                except (AttributeError, IndexError, ValueError):
                    data = None
            items.append((q, p, self.results.get(p.question), data))
        self.box.show_items(items)

    def _judge(self, guide) -> list:
        """The answered predictions judged on the run of the window's lab as it is now;
        [] before it has trained."""
        lab = self.w.files.results_lab()
        if not lab.history or not lab.history.get("epoch"):
            return []
        needs_run = any(q.form != "choice" for q in pred.questions(guide, self._custom()))
        try:
            if needs_run:
                from actlab.engine.trainer import Trainer
                run = Trainer(lab, self.w.dataset)
            else:
                run = SimpleNamespace(lab=lab)
            return pred.judge_all(guide, run)
        except (ValueError, TypeError, KeyError, IndexError):
            return []
