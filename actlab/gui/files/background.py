"""Slow work off the GUI thread: building a lab's data, reading and writing lab files.

The window's ``jobs`` (:class:`BackgroundJobs`) runs a function on a worker thread and
waits for it in a local event loop, so the caller reads like a plain call (``open_lab``
still returns True or False) while the window keeps repainting and its menus work.  After
half a second a bar in the status bar says what is running, with a Cancel button for
builds.

Builds carry a generation id.  A newer request, any commit of another lab, Cancel or
closing the window supersedes every pending build: its wait ends at once and its result,
when the thread finishes, is dropped, so an old build never lands over a newer lab.  Saves
are never superseded (a half-applied save is no save): closing the window during one waits
for it (:meth:`BackgroundJobs.after_saves`), and its thread is not a daemon, so even a
quitting interpreter finishes the atomic write (:mod:`actlab.atomic`) first.
"""
from __future__ import annotations

import threading
from typing import Any, Callable

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Signal

#: A job shows its progress bar (and Cancel) once it has run this long.
SHOW_AFTER_MS = 500


class Superseded(Exception):
    """The build was cancelled or replaced by a newer one: nothing changed."""


class BackgroundJobs(QtCore.QObject):
    """Runs the slow work of window ``window`` on worker threads (see the module doc)."""

    _finished = Signal(int, object, object)  # job id, result, exception (from any thread)

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.generation = 0  # of the newest build; older ones are stale
        self._next_id = 0
        self._loops: dict[int, QtCore.QEventLoop] = {}
        self._results: dict[int, tuple[Any, BaseException | None]] = {}
        self._labels: dict[int, str] = {}
        self._saves: set[int] = set()
        self._after_saves: list[Callable[[], Any]] = []
        self.builds_started = self.builds_applied = self.builds_dropped = 0
        self._finished.connect(self._arrived, QtCore.Qt.ConnectionType.QueuedConnection)
        self._build_indicator(window)
        self._show_timer = QtCore.QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.setInterval(SHOW_AFTER_MS)
        self._show_timer.timeout.connect(self._show_progress)

    def _build_indicator(self, window) -> None:
        box = QtWidgets.QWidget()
        box.setObjectName("background_progress")
        row = QtWidgets.QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.progress_label = QtWidgets.QLabel()
        self.progress_bar = QtWidgets.QProgressBar()
        self.progress_bar.setRange(0, 0)  # busy: the work does not know how far it is
        self.progress_bar.setFixedWidth(120)
        self.progress_bar.setMaximumHeight(14)
        self.cancel_button = QtWidgets.QPushButton("Cancel")
        self.cancel_button.setObjectName("background_cancel")
        self.cancel_button.setToolTip("Stop waiting: the lab stays as it was.")
        self.cancel_button.clicked.connect(self.cancel)
        for widget in (self.progress_label, self.progress_bar, self.cancel_button):
            row.addWidget(widget)
        box.hide()
        self.indicator = box  # put in the status bar the first time it shows (see below)

    # ------------------------------------------------------------------ running
    @property
    def busy(self) -> bool:
        """True while any build or save is being waited for."""
        return bool(self._loops)

    @property
    def saving(self) -> bool:
        return bool(self._saves)

    def build(self, fn: Callable[[], Any], what: str) -> Any:
        """``fn()`` run on a worker thread, its result returned (its exception raised)
        once it is done; :class:`Superseded` when a newer build, a commit, Cancel or
        closing the window came first.  ``what`` is shown after half a second."""
        self.supersede()  # the newest request wins
        self.generation += 1
        self.builds_started += 1
        generation = self.generation
        try:
            result = self._run(fn, what, lambda: generation == self.generation, save=False)
            if generation != self.generation:
                raise Superseded(what)
        except Superseded:
            self.builds_dropped += 1
            raise
        self.builds_applied += 1
        return result

    def save(self, fn: Callable[[], Any], what: str) -> Any:
        """``fn()`` (a save) on a worker thread, waited for; never superseded."""
        return self._run(fn, what, lambda: True, save=True)

    def _run(self, fn, what: str, wanted: Callable[[], bool], save: bool) -> Any:
        self._next_id += 1
        job = self._next_id
        loop = QtCore.QEventLoop()
        self._loops[job] = loop
        self._labels[job] = what
        if save:
            self._saves.add(job)

        def work() -> None:
            try:
                result, error = fn(), None
            except BaseException as e:  # noqa: BLE001 - handed to the waiting caller
                result, error = None, e
            try:
                self._finished.emit(job, result, error)
            except RuntimeError:  # the window is gone: nobody waits for it
                pass

        # a save must finish even when the interpreter is quitting: not a daemon
        threading.Thread(target=work, name=f"actlab-{'save' if save else 'build'}-{job}",
                         daemon=not save).start()
        self._show_timer.start()
        try:
            # the result is delivered by a queued signal, so only inside exec: no race
            while job not in self._results and wanted():
                loop.exec()
        finally:
            self._loops.pop(job, None)
            self._labels.pop(job, None)
            self._saves.discard(job)
            self._update_progress()
            if not self._saves and self._after_saves:
                # after the caller has finished with the save (e.g. marked the lab saved)
                waiting, self._after_saves = self._after_saves, []
                for fn in waiting:
                    QtCore.QTimer.singleShot(0, fn)
        if job not in self._results:  # superseded: the thread's result will be dropped
            raise Superseded(what)
        result, error = self._results.pop(job)
        if error is not None:
            raise error
        return result

    def _arrived(self, job: int, result, error) -> None:
        loop = self._loops.get(job)
        if loop is None:  # nobody waits for it any more: a stale build, dropped
            return
        self._results[job] = (result, error)
        loop.quit()

    def supersede(self) -> None:
        """Every pending build is stale from now on (a save goes on)."""
        self.generation += 1
        for job, loop in list(self._loops.items()):
            if job not in self._saves:
                loop.quit()

    def cancel(self) -> None:
        """The Cancel button: stop waiting for the pending builds; the lab stays."""
        if any(job not in self._saves for job in self._loops):
            self.supersede()
            self.w.status("Cancelled: the lab is as it was.")

    def after_saves(self, fn: Callable[[], Any]) -> None:
        """Call ``fn`` once no save is running (at once when none is)."""
        if not self._saves:
            fn()
            return
        self._after_saves.append(fn)

    # ------------------------------------------------------------------ progress
    def _show_progress(self) -> None:
        self._update_progress(show=True)

    def _update_progress(self, show: bool = False) -> None:
        if not self._loops:
            self._show_timer.stop()
            self.indicator.hide()
            return
        newest = max(self._loops)
        self.progress_label.setText(self._labels.get(newest, ""))
        self.cancel_button.setVisible(any(job not in self._saves for job in self._loops))
        if show or self.indicator.isVisible():
            if self.indicator.parent() is None:  # not before: it would change the layout
                self.w.statusBar().addPermanentWidget(self.indicator)
            self.indicator.show()
