"""Keeps the window's run log (``window.lab.runs``, see :mod:`actlab.engine.run_log`).

A run starts when the weights are (re-)initialised: the worker's first snapshot of a load
or a Reset has fewer epochs than the run before it had.  An edit that keeps the weights
(a point added on the surface, a drawing added to a class) goes on with the same run.
Whenever training stops — Pause, "Stop after", before saving or writing a report — the
current run's record is brought up to date: its settings, epochs, final figures, each
guided outcome's verdict and a 96-px thumbnail of the surface, curve or filters.
"""
from __future__ import annotations

import datetime

from PySide6 import QtCore, QtGui

from actlab.engine.history import epochs_done
from actlab.engine.outcomes import check
from actlab.engine.run_log import THUMBNAIL_PX, add_run, next_number, record_of


class RunRecorder(QtCore.QObject):
    """The run log of window ``w`` (its ``lab``, ``dataset``, ``training_thread``,
    ``_generation``, ``_playing`` and ``workspace``).  :attr:`runs` is the log: it starts
    as the opened lab's and goes into the lab the window saves or reports
    (``files.results_lab``).  ``recorded`` fires after a record changed."""

    recorded = QtCore.Signal()

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self._generation = None      # the generation seen last
        self._epochs = 0             # the epochs of the current run seen last
        self._number = None          # the current run's number (None: none yet)
        self._recorded = None        # (number, epochs) recorded last
        self._last = None            # (lab, Published) of the current run, seen last
        self._thumb = (None, b"")    # (run number, PNG) taken last
        self.runs: tuple = tuple(window.lab.runs)
        window.training_thread.worker.snapshotReady.connect(self._published)

    # ------------------------------------------------------------------ the API
    def lab_opened(self) -> None:
        """Another lab: a saved lab with weights goes on with its last run."""
        lab = self.w.lab
        self.runs = tuple(lab.runs)
        self._generation, self._recorded, self._last = None, None, None
        self._epochs = epochs_done(lab.history) if lab.params is not None else 0
        self._number = lab.runs[-1].number if lab.runs and lab.params is not None else None

    def record_now(self) -> bool:
        """Bring the current run's record up to date (True when it changed)."""
        pub = self.w.training_thread.latest()
        if pub is None or pub.generation != self.w._generation:
            return False
        epochs = epochs_done(pub.snapshot.history)
        if epochs == 0 or self._number is not None and self._recorded == (self._number, epochs):
            return False  # nothing new: no thumbnail grabbed (the tick asks 5 times a second)
        return self._record(self.w.lab, pub, self._thumbnail())

    def upcoming_number(self) -> int:
        """The number of the run Play trains next: the current one when its weights
        train on, else a new one."""
        return self._number if self._number is not None else next_number(self.runs)

    def tick(self) -> None:
        """A few times a second: record a run that has stopped training."""
        if not self.w._playing:
            self.record_now()

    # ------------------------------------------------------------------ inside
    def _published(self, pub) -> None:
        if pub.generation != self.w._generation:
            return
        epochs = epochs_done(pub.snapshot.history)
        fresh = epochs < self._epochs or (pub.generation != self._generation and epochs == 0)
        if fresh:
            # the run before ends here: keep what it reached (the window may show the
            # next one already, so the thumbnail is the one taken last for it, if any)
            if self._last is not None:
                lab, last = self._last
                number = self._thumb[0]
                self._record(lab, last, self._thumb[1] if number == self._number else b"")
            self._number, self._last = None, None  # numbered when it has trained
        elif epochs:
            self._last = (self.w.lab, pub)
        self._generation, self._epochs = pub.generation, epochs

    def _record(self, lab, pub, thumbnail: bytes) -> bool:
        snap = pub.snapshot
        epochs = epochs_done(snap.history)
        if epochs == 0:
            return False
        if self._number is None:
            self._number = next_number(self.runs)
        if self._recorded == (self._number, epochs):
            return False
        try:
            verdicts = check(lab.guide, lab, snap.history, snap.params) if lab.guide else []
        except (KeyError, IndexError, TypeError, ValueError):
            verdicts = []
        when = datetime.datetime.now().replace(microsecond=0).isoformat()
        record = record_of(lab, snap.history, verdicts, self._number, thumbnail, when,
                           self.w.dataset)
        if thumbnail:
            self._thumb = (self._number, thumbnail)
        self.runs = add_run(self.runs, record)
        self._recorded = (self._number, epochs)
        self.recorded.emit()
        return True

    def _thumbnail(self) -> bytes:
        """A small PNG of the workspace's central picture (the filters of an image lab)."""
        ws = self.w.workspace
        widget = None
        for key in ("filters", "surface"):
            try:
                widget = ws.export_widget(key)
                break
            except KeyError:
                continue
        if widget is None or widget.width() < 8 or widget.height() < 8:
            return b""
        pix = widget.grab().scaled(THUMBNAIL_PX, THUMBNAIL_PX,
                                   QtCore.Qt.AspectRatioMode.KeepAspectRatio,
                                   QtCore.Qt.TransformationMode.SmoothTransformation)
        buf = QtCore.QBuffer()
        buf.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
        pix.toImage().convertToFormat(QtGui.QImage.Format.Format_RGB888).save(buf, "PNG")
        return bytes(buf.data())
