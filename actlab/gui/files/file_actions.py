"""Files for the main window (its ``files``): open, save, recent labs, presets, CSV import,
export and drag-and-drop.  The window ``w`` supplies ``lab``, ``path``, ``settings``,
``training_thread``, ``acts``, ``menus``, ``workspace``, ``guide``, ``open_lab``,
``apply_edit`` and ``status``, and hands its drag-and-drop events here.

Every failure shows one clear message (through :mod:`actlab.gui.dialogs`) and leaves the
lab as it was.
"""
from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

from PySide6 import QtCore, QtGui

from actlab.engine.history import epochs_done
from actlab.lab import Lab, default_lab

from actlab.gui import dialogs
from actlab.gui.files.background import Superseded
from actlab.gui.guide.lock_checks import is_locked, locked_message
from actlab.gui.settings import (
    add_recent_lab, last_folder, recent_labs, remove_recent_lab, set_last_folder)

LAB_SUFFIX = ".actlab"
CSV_SUFFIXES = (".csv", ".txt")


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-").lower() or "lab"


LAB_SECTIONS = {"points": "Point labs (2-D data)",
                "functions": "Function labs (fit a curve y = f(x))",
                "images": "Image labs (convolutional networks)"}


def with_results(lab: Lab, generation: int, training_thread) -> Lab:
    """``lab`` with the trained weights and history of the worker's lab ``generation``.
    Any thread (it waits while the worker measures a large data set); it holds no window,
    so a save thread never drops the last reference to one."""
    current = training_thread.current_lab()
    if current is None or current[0] != generation:
        return lab
    trained = current[1]
    if not trained.history or not trained.history.get("epoch"):
        return lab.without_results() if lab.params is None else lab
    return replace(lab, params=trained.params, history=trained.history)


class FileActions:
    """File handling for window ``w`` (see the module docstring)."""

    def __init__(self, window):
        self.w = window
        a = window.acts
        a.new.triggered.connect(self.new_lab)
        a.open.triggered.connect(self.open_dialog)
        a.save.triggered.connect(self.save)
        a.save_as.triggered.connect(self.save_as)
        a.import_csv.triggered.connect(self.import_csv_dialog)
        a.export_figure.triggered.connect(lambda: self.export("figure", "png"))
        a.export_surface_png.triggered.connect(lambda: self.export("surface", "png"))
        a.export_surface_svg.triggered.connect(lambda: self.export("surface", "svg"))
        a.export_loss_png.triggered.connect(lambda: self.export("loss", "png"))
        a.export_loss_svg.triggered.connect(lambda: self.export("loss", "svg"))
        a.export_history_csv.triggered.connect(lambda: self.export("history", "csv"))
        self.w.menus.recent.aboutToShow.connect(self._fill_recent_menu)
        self.w.menus.labs.aboutToShow.connect(self._fill_labs_menu)
        self._preset_titles: dict[str, tuple[str, str]] | None = None

    # ------------------------------------------------------------------ open
    def hold_training(self) -> bool:
        """Pause training while a modal prompt is open (it ran on behind the "Unsaved
        changes" question: epoch 92 to 163); True if it was playing, so the caller can
        resume with ``self.play()`` when the prompt changed nothing."""
        was_playing = self.w.wants_playing
        if was_playing:
            self.w.request_pause()
        return was_playing


    def lab_from_dialog(self, ask):
        """``ask()`` — a modal dialog that returns a new Lab, or None when the student
        cancels or the input is bad (it said why) — with training held meanwhile and
        resumed when nothing came of it."""
        was_playing = self.hold_training()
        lab = ask()
        if lab is None and was_playing:
            self.w.play()
        return lab

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; True when it is fine to throw the lab away.

        Only a change the student made counts (settings, data, notes, a new seed, a typed
        weight): training alone — Play, Step, Reset — leaves the lab unmodified, since
        the same lab trains the same run again, so switching labs after Play asks
        nothing (see :class:`~actlab.gui.playback.Playback`)."""
        self.w.guide.flush_notes()  # the last keystrokes count as a change too
        if not self.w.isWindowModified():
            return True
        was_playing = self.hold_training()
        answer = dialogs.ask_save_changes(self.w, self.w.lab.name)
        ok = self.save() if answer == "save" else answer == "discard"
        if not ok and was_playing:  # cancelled: go on as before
            self.w.play()
        return ok

    def new_lab(self) -> None:
        if self.maybe_save():
            self.w.open_lab(replace(default_lab(), name="Untitled lab", description=""), None,
                          "New lab: press Play (Space) to train.")

    def open_dialog(self) -> None:
        was_playing = self.hold_training()
        if not self.maybe_save():
            if was_playing:
                self.w.play()
            return
        path = dialogs.open_file_name(self.w, "Open a lab", last_folder(self.w.settings),
                                      dialogs.LAB_FILTER)
        if path:
            self.open_path(path, ask=False)
        elif was_playing:
            self.w.play()

    def open_path(self, path: str, ask: bool = True) -> bool:
        """Open the lab file at ``path``; an error shows a message and changes nothing."""
        from actlab.labfile.format import LabFileError, load_lab

        if ask and not self.maybe_save():
            return False
        try:  # read off the GUI thread: a large file takes a while
            lab = self.w.jobs.build(lambda: load_lab(path),
                                    f"Reading {os.path.basename(path)}…")
        except Superseded:
            return False
        except LabFileError as e:
            dialogs.show_error(self.w, "Cannot open the lab", f"{e}")
            return False
        if not self.w.open_lab(lab, os.path.abspath(path), f"Opened {os.path.basename(path)}."):
            return False
        add_recent_lab(self.w.settings, path)
        set_last_folder(self.w.settings, path)
        return True

    def open_preset(self, name: str) -> bool:
        from actlab.labfile.format import LabFileError
        from actlab.labfile.presets import load_preset

        if not self.maybe_save():
            return False
        try:
            lab = load_preset(name)
        except (LabFileError, OSError) as e:
            dialogs.show_error(self.w, "Cannot open the lab", str(e))
            return False
        return self.w.open_lab(lab, None, f"Opened the lab “{lab.name}”: {lab.description}"
                             if lab.description else f"Opened the lab “{lab.name}”.")

    def _fill_recent_menu(self) -> None:
        menu = self.w.menus.recent
        menu.clear()
        paths = recent_labs(self.w.settings)
        for i, path in enumerate(paths, 1):
            act = menu.addAction(f"&{i} {os.path.basename(path)}")
            act.setStatusTip(path)
            act.setToolTip(path)
            act.triggered.connect(lambda _=False, p=path: self._open_recent(p))
        if not paths:
            menu.addAction("No recent labs").setEnabled(False)

    def _open_recent(self, path: str) -> None:
        if not os.path.exists(path):
            remove_recent_lab(self.w.settings, path)
            dialogs.show_error(self.w, "Cannot open the lab",
                               f"{path} no longer exists; it was removed from the list.")
            return
        self.open_path(path)

    def _fill_labs_menu(self) -> None:
        from actlab.labfile.presets import load_preset, preset_names

        menu = self.w.menus.labs
        if self._preset_titles is None:  # read the presets once, on first use
            titles = {}
            # point labs, then function labs, then image labs: from the plane to a curve
            # to pictures
            for name in (preset_names("points") + preset_names("functions")
                         + preset_names("images")):
                try:
                    lab = load_preset(name)
                    titles[name] = (lab.name, lab.description, lab.kind)
                except Exception:  # noqa: BLE001 - a broken preset just shows its file name
                    titles[name] = (name, "", "points")
            self._preset_titles = titles
        menu.clear()
        kind = None
        for name, (title, description, lab_kind) in self._preset_titles.items():
            if lab_kind != kind:  # each kind of lab under its heading
                kind = lab_kind
                menu.addSection(LAB_SECTIONS.get(kind, kind))
            act = menu.addAction(title)
            act.setObjectName(f"preset_{name}")
            tip = description.split(". ")[0].rstrip(".") + "." if description else title
            act.setStatusTip(tip)
            act.setToolTip(tip)
            act.triggered.connect(lambda _=False, n=name: self.open_preset(n))

    # ------------------------------------------------------------------ save
    def results_lab(self) -> Lab:
        """The window's lab with the notes typed so far and the trained weights and
        history of the running worker."""
        self.w.guide.flush_notes()
        lab = with_results(self.w.lab, self.w._generation, self.w.training_thread)
        return replace(lab, runs=self.w.guide.run_log())

    def save(self) -> bool:
        if self.w.path is None:
            return self.save_as()
        return self.save_to(self.w.path)

    def save_as(self) -> bool:
        folder = os.path.dirname(self.w.path) if self.w.path else last_folder(self.w.settings)
        suggestion = os.path.join(folder, _slug(self.w.lab.name) + LAB_SUFFIX)
        path = dialogs.save_file_name(self.w, "Save the lab", suggestion, dialogs.LAB_FILTER)
        if not path:
            return False
        if not path.lower().endswith(LAB_SUFFIX):
            path += LAB_SUFFIX
        return self.save_to(path)

    def save_to(self, path: str) -> bool:
        """Save the lab with its trained weights to ``path``; True on success."""
        from actlab.labfile.format import LabFileError, save_lab

        from actlab.gui.files.image_source_gate import source_for_save

        self.w.guide.flush_notes()
        if self.w.lab.name in ("Untitled lab", ""):
            self.w.lab = replace(self.w.lab, name=Path(path).stem)
        # a relative image source not read (missing) still names the same place from there
        lab = replace(source_for_save(self.w.lab, self.w.path, path),
                      runs=self.w.guide.run_log())
        generation, changes = self.w._generation, self.w.modifications
        training = self.w.training_thread

        def save() -> Lab:  # off the GUI thread: the weights (the worker may be busy), the file
            saved = with_results(lab, generation, training)
            save_lab(saved, path)  # atomic; closing the window waits for it
            return saved

        try:
            lab = self.w.jobs.save(save, f"Saving {os.path.basename(path)}…")
        except (LabFileError, OSError) as e:
            dialogs.show_error(self.w, "Cannot save the lab", str(e))
            return False
        self.w.path = os.path.abspath(path)
        add_recent_lab(self.w.settings, path)
        set_last_folder(self.w.settings, path)
        if self.w.modifications == changes:  # no change came while it was being written
            self.w.setWindowModified(False)
            self.w.autosaver.discard()  # saved: nothing left to recover
        self.w._update_title()
        epochs = epochs_done(lab.history)
        self.w.status(f"Saved {os.path.basename(path)}" + (f" with the weights after {epochs:,} "
                    "epochs." if epochs else "."))
        return True

    # ------------------------------------------------------------------ CSV
    def import_csv_dialog(self) -> None:
        """File ▸ Import CSV: the workspace shown asks for its kind of CSV file."""
        self.w.workspace.import_csv(None)

    def import_csv(self, path: str) -> bool:
        """Use the CSV file ``path`` as the data (points x1, x2, label; in a function lab
        a curve x, y); True on success."""
        return self.w.workspace.import_csv(path)

    # ------------------------------------------------------------------ export
    def export(self, what: str, fmt: str, path: str | None = None) -> bool:
        """Export the whole window ("figure"), "surface", "loss" or "history" as png,
        svg or csv.  Without ``path`` a save dialog asks for one."""
        from actlab.views import export

        def write(target: str) -> None:
            if what == "history":
                snap = self.w.training_thread.latest()
                export.export_csv_history(snap.snapshot.history if snap is not None else {},
                                          target)
                return
            # the typed extension decides ("surface.svg" typed in the PNG dialog is an SVG)
            svg = what != "figure" and target.lower().endswith(".svg")
            # an image lab's views are rendered figures (title, labels, no buttons), the
            # same the CLI draws; None: the view itself is exported
            figure = None if svg or what == "figure" else self.w.workspace.export_figure(what)
            if figure is not None:
                figure(target)
                return
            # the whole window, toolbar included: its epoch, activation and learning rate
            # belong on the figure (the central widget alone left them out)
            widget = self.w if what == "figure" else self.w.workspace.export_widget(what)
            (export.export_svg if svg else export.export_png)(widget, target)

        return self.export_with(what, write, path, fmt)

    def ask_export_path(self, what: str, fmt: str) -> str | None:
        """Ask where to save an export (``<lab>-<what>.<fmt>`` in the last folder);
        None when cancelled.  The suffix is added when the user left it out."""
        folder = last_folder(self.w.settings)
        name = f"{_slug(self.w.lab.name)}-{what}.{fmt}"
        names = {"png": "PNG images (*.png)", "svg": "SVG drawings (*.svg)",
                 "csv": "CSV tables (*.csv)"}
        formats = [fmt] if fmt == "csv" or what == "figure" else \
            [fmt] + [k for k in ("png", "svg") if k != fmt]
        filters = ";;".join(names[k] for k in formats)
        path = dialogs.save_file_name(self.w, "Export", os.path.join(folder, name), filters)
        if not path:
            return None
        if not path.lower().endswith(tuple("." + k for k in formats)):
            path += "." + fmt  # no known extension typed: the chosen format's
        return path

    def export_with(self, what: str, write, path: str | None = None,
                    fmt: str = "png") -> bool:
        """Export with ``write(path)`` (asking for the path unless given): errors show one
        message, success remembers the folder and says so."""
        path = path or self.ask_export_path(what, fmt)
        if not path:
            return False
        try:
            write(path)
        except (OSError, TypeError, ValueError) as e:
            dialogs.show_error(self.w, "Cannot export", f"{os.path.basename(path)}: {e}")
            return False
        set_last_folder(self.w.settings, path)
        self.w.status(f"Exported {os.path.basename(path)}.")
        return True

    # ------------------------------------------------------------------ drag and drop
    @staticmethod
    def _dropped_file(event) -> str | None:
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        for url in mime.urls():
            path = url.toLocalFile()
            # a lab, points (CSV), or images: an .npz or a folder of class sub-folders
            if path.lower().endswith((LAB_SUFFIX, *CSV_SUFFIXES, ".npz")) or (
                    path and os.path.isdir(path)):
                return path
        return None

    def _refused_drop(self, path: str) -> bool:
        """True, and the status bar says why, when ``path`` is data (a CSV, an .npz, a
        folder of pictures) and the teacher locked this lab's data.  A lab file is no
        data edit: dropping one opens it, locked or not."""
        if path.lower().endswith(LAB_SUFFIX) or not is_locked(self.w, "data"):
            return False
        name = os.path.basename(os.path.normpath(path)) or path
        self.w.status(locked_message("data", f"Dropped {name}") +
                      f" (A lab file, {LAB_SUFFIX}, dropped here still opens.)")
        return True

    def drag_enter(self, event: QtGui.QDragEnterEvent) -> None:
        path = self._dropped_file(event)
        if path and not self._refused_drop(path):
            event.acceptProposedAction()
        else:  # the pointer says "no"; the status bar says why
            event.ignore()

    def drop(self, event: QtGui.QDropEvent) -> None:
        path = self._dropped_file(event)
        if not path or self._refused_drop(path):
            event.ignore()
            return
        event.acceptProposedAction()
        # open after the drop returns, so a message box does not block the drag source
        QtCore.QTimer.singleShot(0, lambda: self.open_dropped(path))

    def open_dropped(self, path: str) -> bool:
        if self._refused_drop(path):
            return False
        if path.lower().endswith(LAB_SUFFIX):
            return self.open_path(path)
        if path.lower().endswith(".npz") or os.path.isdir(path):
            return self.w.workspace_for("images").import_images(path)
        return self.import_csv(path)
