"""Autosave of the open lab, and the offer to recover it after a crash.

While the lab has unsaved changes, :class:`Autosaver` writes it (weights and history
included) every :data:`INTERVAL_MS` and right after each data edit, atomically
(:func:`actlab.labfile.save_lab`), to ``autosave.actlab`` next to the settings
(:func:`actlab.gui.settings.data_folder`).  A clean close, a save, a discard or opening
another lab removes it, so a file still there at start-up means a run ended without
closing: the window then offers to recover it (``dialogs.ask_recover``) and opens it
marked unsaved.

A :class:`QLockFile` makes one running window the owner: a second ActLab started beside
it neither offers the first one's live autosave nor overwrites it.  Qt sees a lock left by
a dead process as stale, so after a crash the next start owns it again.
"""
from __future__ import annotations

import os

from PySide6.QtCore import QLockFile, QTimer

from actlab.gui import dialogs
from actlab.gui.settings import data_folder

INTERVAL_MS = 45_000  # tests make it short (monkeypatch before creating the window)
FILE_NAME = "autosave.actlab"
LOCK_NAME = "autosave.lock"
PATH_KEY = "autosave/path"  # the file the autosaved lab belonged to ("" for none)


class Autosaver:
    """The autosave of ``window`` (a MainWindow: ``lab``, ``path``, ``settings``,
    ``files.results_lab``, ``isWindowModified``, ``open_lab``, ``status``)."""

    def __init__(self, window, folder: str | None = None, interval_ms: int | None = None):
        self.w = window
        folder = folder or data_folder(window.settings)
        os.makedirs(folder, exist_ok=True)
        self.path = os.path.join(folder, FILE_NAME)
        self._lock = QLockFile(os.path.join(folder, LOCK_NAME))
        self._lock.setStaleLockTime(0)  # only a dead owner makes the lock stale
        self.active = self._lock.tryLock(0)
        # an autosave nobody removed: the last run did not close cleanly
        self.pending = self.active and os.path.exists(self.path)
        self.writes = 0  # autosaves written (tests read it)
        self.writing = self._discard_after = False
        self.timer = QTimer(window)
        self.timer.setInterval(INTERVAL_MS if interval_ms is None else int(interval_ms))
        self.timer.timeout.connect(self.write_if_modified)
        if self.active:
            self.timer.start()

    def set_interval(self, ms: int) -> None:
        self.timer.setInterval(int(ms))

    # ------------------------------------------------------------------ writing
    def write_if_modified(self) -> bool:
        return self.write() if self.w.isWindowModified() else False

    def write(self) -> bool:
        """Write the lab now (with its weights, or without them when they cannot be
        saved, e.g. after a divergence); False when not the owner or writing failed.
        Never shows a message: an autosave that fails must not interrupt the student."""
        if not self.active or self.pending:
            return False
        from actlab.gui.files.file_actions import with_results
        from actlab.labfile.format import LabFileError, save_lab

        if self.writing:
            return False  # one at a time; the timer comes back
        self.w.guide.flush_notes()
        lab, generation, target = self.w.lab, self.w._generation, self.path
        training = self.w.training_thread

        def write() -> bool:  # off the GUI thread: a lab of 1,000 drawings takes a while
            lab_now = with_results(lab, generation, training)
            for candidate in (lab_now, lab_now.without_results()):
                try:
                    save_lab(candidate, target)
                except (LabFileError, OSError, ValueError):
                    continue
                return True
            return False

        self.writing = True
        try:
            written = self.w.jobs.save(write, "Autosaving…")
        finally:
            self.writing = False
        if self._discard_after:  # saved or replaced while it was written: remove it
            self._discard_after = False
            self.discard()
            return False
        if written:
            self.w.settings.setValue(PATH_KEY, self.w.path or "")
            self.writes += 1
        return written

    def discard(self) -> None:
        """The lab was saved, discarded or replaced: no autosave is needed any more
        (one waiting to be recovered is kept until the user answers)."""
        if not self.active or self.pending:
            return
        if self.writing:  # removing it now would leave the write landing after
            self._discard_after = True
            return
        try:
            os.remove(self.path)
        except FileNotFoundError:
            pass
        except OSError:
            return
        self.w.settings.remove(PATH_KEY)

    def close(self) -> None:
        """A clean close: remove the autosave and release the lock."""
        self.timer.stop()
        self.discard()
        if self.active:
            self._lock.unlock()
            self.active = False

    # ------------------------------------------------------------------ recovery
    def offer_recovery(self) -> bool:
        """At start-up: if the last run left an autosave, ask whether to recover it; open
        it marked unsaved if so, remove it if not.  True when a lab was recovered."""
        if not self.pending:
            return False
        from actlab.labfile.format import LabFileError, load_lab

        try:
            lab = load_lab(self.path)
        except LabFileError as e:
            self.pending = False
            dialogs.show_error(self.w, "Cannot recover the unsaved lab",
                               f"{e} The autosave was removed.")
            self.discard()
            return False
        answer = dialogs.ask_recover(self.w, lab.name, os.path.getmtime(self.path))
        original = str(self.w.settings.value(PATH_KEY, "") or "") or None
        self.pending = False
        if answer != "recover":
            self.discard()
            return False
        if original is not None and not os.path.isfile(original):
            original = None
        if not self.w.open_lab(lab, original, f"Recovered the unsaved lab “{lab.name}”: "
                               "save it to keep it."):
            self.discard()
            return False
        self.w.setWindowModified(True)
        self.write()  # the recovered lab is the unsaved lab now
        return True
