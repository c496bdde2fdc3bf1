"""Guided labs in the main window (its ``guide``): the Guide page, teacher mode and the
lab report.

The window ``w`` supplies ``lab``, ``dataset``, ``training_thread``, ``_generation``, ``settings``,
``menus``, ``side_panel``, ``files``, ``status``, ``_sync_panels`` and ``_mark_modified``;
it calls :meth:`show_guide_for_lab` whenever a lab is opened.  Saving asks
:meth:`flush_notes` first, so the notes being typed go into the lab.
"""
from __future__ import annotations

import os
import re

from PySide6 import QtWidgets
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction

from actlab.gui import dialogs
from actlab.gui.guide.guide_panel import GuidePanel, has_guide, lab_with_notes
from actlab.gui.guide.prediction_flow import PredictionFlow
from actlab.gui.guide.run_recorder import RunRecorder
from actlab.gui.settings import last_folder, set_last_folder
from actlab.gui.guide.teacher_mode import apply_teacher_mode

GUIDE_INTERVAL_MS = 200  # the outcome marks are judged at 5 Hz at most
REPORT_FILTER = "Web page report (*.html);;PDF report (*.pdf)"


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-").lower() or "lab"


class GuideActions:
    """The Guide page of window ``w`` (see the module docstring)."""

    def __init__(self, window):
        """Create the Guide page of the side panel (its tab hidden until a guided lab
        opens, or View ▸ Guide asks for it) and its 5 Hz outcome timer."""
        self.w = window
        self.guide_panel = GuidePanel()
        self.guide_panel.setObjectName("guide_page")
        self.w.side_panel.add_page("guide", "Guide", self.guide_panel,
                                 "The guided lab: what to do, what should happen, and "
                                 "your notes.")
        self.w.side_panel.set_page_available("guide", False)
        toggle = self.guide_action = QAction("&Guide", self.w)
        toggle.setObjectName("action_guide")
        toggle.setCheckable(True)
        toggle.setShortcut("Ctrl+G")
        toggle.setStatusTip("Show or hide the guide: what to do, what should happen, "
                            "and your notes.")
        toggle.triggered.connect(self.set_guide_shown)
        self.w.side_panel.pageChanged.connect(lambda _k: self._guide_shown_changed())
        self.w.side_panel.foldedChanged.connect(lambda _f: self._guide_shown_changed())
        menus = getattr(self.w, "menus", None)
        self.class_action = QAction("&Class overview…", self.w)
        self.class_action.setObjectName("action_class_overview")
        self.class_action.setStatusTip("Read a folder of students' lab files and write one "
                                       "page: who reached each outcome, who predicted what.")
        self.class_action.triggered.connect(self.class_overview_dialog)
        if menus is not None:
            menus.view.addSeparator()
            menus.view.addAction(toggle)
            quit_action = menus.file.actions()[-1]  # File ▸ Quit stays last
            menus.file.insertAction(quit_action, self.class_action)
            menus.file.insertSeparator(quit_action)
        self.recorder = RunRecorder(self.w)  # the run log (every run, saved with the lab)
        self.recorder.recorded.connect(self._show_runs)
        self.predictions = PredictionFlow(self.w, self.guide_panel.extras_box)
        self.guide_panel.notesChanged.connect(self._guide_notes_changed)
        self.guide_panel.reportRequested.connect(self.write_report_dialog)
        self._guide_seen: tuple | None = None
        self.guide_timer = QTimer(self.w)
        self.guide_timer.setInterval(GUIDE_INTERVAL_MS)
        self.guide_timer.timeout.connect(self._guide_tick)
        self.guide_timer.start()

    # ------------------------------------------------------------------ the lab
    def show_guide_for_lab(self) -> None:
        """Show the opened lab's guide and notes, and apply its teacher locks (a lab
        without locks gets every control back)."""
        self.recorder.lab_opened()
        self.guide_panel.set_lab(self.w.lab)
        self._show_runs()
        self.predictions.lab_opened()
        apply_teacher_mode(self.w, self.w.lab.guide)
        self._guide_seen = None
        if has_guide(self.w.lab.guide):
            self.w.side_panel.show_page("guide")
        elif self.w.side_panel.current() == "guide":
            self.w.side_panel.show_page("data", unfold=False)
        # View > Guide follows once the window is on screen: the lab the app starts with
        # opens before it is shown, and an unchecked action made the first Ctrl+G do nothing
        QTimer.singleShot(0, self.guide_panel, self._guide_shown_changed)

    def _show_runs(self) -> None:
        self.guide_panel.set_runs(self.recorder.runs)
        pub = self.w.training_thread.latest()  # the marks and the count say it at once
        if pub is not None and pub.generation == self.w._generation:
            self.guide_panel.show_progress(self.w.lab, pub.snapshot.history,
                                           pub.snapshot.params)

    def before_play(self) -> bool:
        """Ask the guide's open prediction questions; False: the student cancelled."""
        return self.predictions.before_play()

    def guide_shown(self) -> bool:
        """True when the Guide page is in front of an unfolded side panel."""
        return self.w.side_panel.page_on_screen("guide")

    def set_guide_shown(self, on: bool) -> None:
        """View ▸ Guide: bring the Guide to the front, or go back to the Data page."""
        if on:
            self.w.side_panel.show_page("guide")
        else:
            if not has_guide(self.w.lab.guide):
                self.w.side_panel.set_page_available("guide", False)
            self.w.side_panel.show_page("data")
        self._guide_shown_changed()

    def _guide_shown_changed(self) -> None:
        self.guide_action.setChecked(self.guide_shown())

    def _guide_tick(self) -> None:
        """Judge the newest snapshot against the lab's expected outcomes (5 Hz)."""
        self.recorder.tick()  # a run that stopped training goes into the log
        pub = self.w.training_thread.latest()
        if pub is None or pub.generation != self.w._generation:
            return
        if not self.guide_shown():
            return  # judged when the Guide is shown again
        key = (pub.generation, pub.seq)
        if key == self._guide_seen:
            return
        self._guide_seen = key
        # the weights too: a function lab's "pieces" outcome counts them
        self.guide_panel.show_progress(self.w.lab, pub.snapshot.history, pub.snapshot.params)

    def _guide_notes_changed(self, text: str) -> None:
        self.w.lab = lab_with_notes(self.w.lab, text)
        self.w._sync_panels()  # the panels build their edits from this lab: keep the notes
        self.w._mark_modified()

    # ------------------------------------------------------------------ saving
    def run_log(self) -> tuple:
        """The run log with the current run brought up to date (for saving, reports)."""
        self.recorder.record_now()
        return self.recorder.runs

    def flush_notes(self) -> None:
        """Hand the notes being typed to the lab (before it is saved or reported)."""
        self.guide_panel.flush_notes()

    # ------------------------------------------------------------------ the class
    def class_overview_dialog(self) -> None:
        """File ▸ Class overview…: ask for the students' folder, then write the page."""
        folder = dialogs.folder_name(self.w, "Folder of the students' lab files",
                                     last_folder(self.w.settings))
        if folder:
            self.class_overview(folder)

    def class_overview(self, folder: str) -> list:
        """Write the overview of ``folder`` into a folder beside it ("<name>-overview");
        the files written (an error message and [] when it cannot)."""
        from pathlib import Path

        from actlab.report.class_overview import read_class, write_overview

        src = Path(folder)
        out = src.parent / f"{src.name}-overview"
        QtWidgets.QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            ov = read_class(src)
            written = write_overview(ov, out)
        except (OSError, ValueError) as e:
            QtWidgets.QApplication.restoreOverrideCursor()
            dialogs.show_error(self.w, "Cannot make the class overview", str(e))
            return []
        QtWidgets.QApplication.restoreOverrideCursor()
        set_last_folder(self.w.settings, str(src))
        n, k = len(ov.students), len(ov.skipped)
        said = (f"Class overview of “{ov.lab_name}”: {n} student file{'s' if n != 1 else ''}"
                + (f", {k} skipped (listed on the page)" if k else "") + ".")
        self.w.status(said)
        dialogs.show_info(self.w, "Class overview", said + "\n\nWritten to:\n"
                          + "\n".join(str(p) for p in written))
        return written

    # ------------------------------------------------------------------ the report
    def write_report_dialog(self) -> None:
        """Ask where to write the lab report (HTML or PDF), then write it."""
        self.guide_panel.flush_notes()
        name = f"{_slug(self.w.lab.name)}-report.html"
        path = dialogs.save_file_name(self.w, "Write the lab report",
                                      os.path.join(last_folder(self.w.settings), name),
                                      REPORT_FILTER)
        if not path:
            return
        if not path.lower().endswith((".html", ".htm", ".pdf")):
            path += ".html"
        self.write_report_to(path)

    def write_report_to(self, path: str) -> bool:
        """Write the report of the current run to ``path`` (PDF when it ends in .pdf,
        else HTML); True on success, else an error message and False."""
        from actlab.engine.trainer import Trainer
        from actlab.outputs.registry import RUN_REPORTS

        w = self.w
        lab = w.files.results_lab()
        QtWidgets.QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            # a copy of the run on this thread: the worker's trainer belongs to its thread
            run = Trainer(lab, w.dataset)
            RUN_REPORTS[lab.kind](lab, run, path, notes=self.guide_panel.notes())
        except (OSError, ValueError) as e:
            QtWidgets.QApplication.restoreOverrideCursor()
            dialogs.show_error(w, "Cannot write the report", f"{os.path.basename(path)}: {e}")
            return False
        QtWidgets.QApplication.restoreOverrideCursor()
        set_last_folder(w.settings, path)
        w.status(f"Wrote the lab report {os.path.basename(path)}.")
        return True
