"""Guided labs in the main window: the Guide page, teacher mode and the lab report.

A mixin of :class:`~actlab.gui.main_window.MainWindow`, listed *before*
``FileActionsMixin`` so that its ``maybe_save`` and ``results_lab`` can hand the notes
being typed to the lab before the file mixin saves it.  MainWindow supplies ``lab``,
``dataset``, ``trainer``, ``_generation``, ``settings``, ``menus``, ``status``,
``_sync_panels`` and ``_mark_modified``; it calls :meth:`create_guide_page` while building
and :meth:`show_guide_for_lab` whenever a lab is opened.
"""
from __future__ import annotations

import os
import re

from PySide6 import QtWidgets
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction

from actlab.gui import dialogs
from actlab.gui.guide.guide_panel import GuidePanel, has_guide, lab_with_notes
from actlab.gui.settings import last_folder, set_last_folder
from actlab.gui.guide.teacher_mode import apply_teacher_mode

GUIDE_INTERVAL_MS = 200  # the outcome marks are judged at 5 Hz at most
REPORT_FILTER = "Web page report (*.html);;PDF report (*.pdf)"


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-").lower() or "lab"


class GuideMixin:
    """The Guide page and what it needs from the window (see the module docstring)."""

    # ------------------------------------------------------------------ building
    def create_guide_page(self) -> None:
        """Create the Guide page of the side panel (its tab hidden until a guided lab
        opens, or View ▸ Guide asks for it) and its 5 Hz outcome timer."""
        self.guide_panel = GuidePanel()
        self.guide_panel.setObjectName("guide_page")
        self.side_panel.add_page("guide", "Guide", self.guide_panel,
                                 "The guided lab: what to do, what should happen, and "
                                 "your notes.")
        self.side_panel.set_page_available("guide", False)
        toggle = self.guide_action = QAction("&Guide", self)
        toggle.setObjectName("action_guide")
        toggle.setCheckable(True)
        toggle.setShortcut("Ctrl+G")
        toggle.setStatusTip("Show or hide the guide: what to do, what should happen, "
                            "and your notes.")
        toggle.triggered.connect(self.set_guide_shown)
        self.side_panel.pageChanged.connect(lambda _k: self._guide_shown_changed())
        self.side_panel.foldedChanged.connect(lambda _f: self._guide_shown_changed())
        menus = getattr(self, "menus", None)
        if menus is not None:
            menus.view.addSeparator()
            menus.view.addAction(toggle)
        self.guide_panel.notesChanged.connect(self._guide_notes_changed)
        self.guide_panel.reportRequested.connect(self.write_report_dialog)
        self._guide_seen: tuple | None = None
        self.guide_timer = QTimer(self)
        self.guide_timer.setInterval(GUIDE_INTERVAL_MS)
        self.guide_timer.timeout.connect(self._guide_tick)
        self.guide_timer.start()

    # ------------------------------------------------------------------ the lab
    def show_guide_for_lab(self) -> None:
        """Show the opened lab's guide and notes, and apply its teacher locks (a lab
        without locks gets every control back)."""
        self.guide_panel.set_lab(self.lab)
        apply_teacher_mode(self, self.lab.guide)
        self._guide_seen = None
        if has_guide(self.lab.guide):
            self.side_panel.show_page("guide")
        elif self.side_panel.current() == "guide":
            self.side_panel.show_page("data", unfold=False)

    def guide_shown(self) -> bool:
        """True when the Guide page is in front of an unfolded side panel."""
        return self.side_panel.page_on_screen("guide")

    def set_guide_shown(self, on: bool) -> None:
        """View ▸ Guide: bring the Guide to the front, or go back to the Data page."""
        if on:
            self.side_panel.show_page("guide")
        else:
            if not has_guide(self.lab.guide):
                self.side_panel.set_page_available("guide", False)
            self.side_panel.show_page("data")
        self._guide_shown_changed()

    def _guide_shown_changed(self) -> None:
        self.guide_action.setChecked(self.guide_shown())

    def _guide_tick(self) -> None:
        """Judge the newest snapshot against the lab's expected outcomes (5 Hz)."""
        pub = self.trainer.latest()
        if pub is None or pub.generation != self._generation:
            return
        if not self.guide_shown():
            return  # judged when the Guide is shown again
        key = (pub.generation, pub.seq)
        if key == self._guide_seen:
            return
        self._guide_seen = key
        # the weights too: a function lab's "pieces" outcome counts them
        self.guide_panel.show_progress(self.lab, pub.snapshot.history, pub.snapshot.params)

    def _guide_notes_changed(self, text: str) -> None:
        self.lab = lab_with_notes(self.lab, text)
        self._sync_panels()  # the panels build their edits from this lab: keep the notes
        self._mark_modified()

    # ------------------------------------------------------------------ saving
    def maybe_save(self) -> bool:
        self.guide_panel.flush_notes()  # the last keystrokes count as a change too
        return super().maybe_save()

    def results_lab(self):
        self.guide_panel.flush_notes()
        return super().results_lab()

    # ------------------------------------------------------------------ the report
    def write_report_dialog(self) -> None:
        """Ask where to write the lab report (HTML or PDF), then write it."""
        self.guide_panel.flush_notes()
        name = f"{_slug(self.lab.name)}-report.html"
        path = dialogs.save_file_name(self, "Write the lab report",
                                      os.path.join(last_folder(self.settings), name),
                                      REPORT_FILTER)
        if not path:
            return
        if not path.lower().endswith((".html", ".htm", ".pdf")):
            path += ".html"
        self.write_report_to(path)

    def write_report_to(self, path: str) -> bool:
        """Write the report of the current run to ``path`` (PDF when it ends in .pdf,
        else HTML); True on success, else an error message and False."""
        from actlab.engine.analysis.insights import compute_insights
        from actlab.engine.trainer import Trainer
        from actlab.report.points import write_report, write_report_pdf

        lab = self.results_lab()
        writer = write_report_pdf if path.lower().endswith(".pdf") else write_report
        QtWidgets.QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            # a copy of the run on this thread: the worker's trainer belongs to its thread
            run = Trainer(lab, self.dataset)
            if lab.kind in ("images", "functions"):  # the CLI's figures and report
                from actlab.outputs import functions as cli_functions, images as cli_images
                (cli_images if lab.kind == "images" else cli_functions).write_run_report(
                    lab, run, path)
            else:
                snapshot = run.snapshot(grid=100, neurons=False)
                insights = compute_insights(run, grid=60)
                writer(lab, snapshot, self.dataset, path, insights=insights,
                       notes=self.guide_panel.notes())
        except (OSError, ValueError) as e:
            QtWidgets.QApplication.restoreOverrideCursor()
            dialogs.show_error(self, "Cannot write the report",
                               f"{os.path.basename(path)}: {e}")
            return False
        QtWidgets.QApplication.restoreOverrideCursor()
        set_last_folder(self.settings, path)
        self.status(f"Wrote the lab report {os.path.basename(path)}.")
        return True
