"""Data edits for the main window, with Undo and Redo (the window's ``edits``).

A data edit (CSV import, Clear points, a click that adds or removes a point, Regenerate,
another data set, noise, split, number of points, data seed, problem type) replaces the
lab's :class:`~actlab.lab.DataSpec`.  DataSpecs are frozen values, so undoing is putting
the previous one back: :class:`DataHistory` keeps (what, before, after) entries, and an
undo re-commits ``before`` the way the edit committed ``after`` (the weights kept for a
click and for drawn images added to an image lab, re-initialised otherwise).  Only the
data is restored: a network or training change made since stays.  A designed activation (added or changed in the activation
editor) is recorded the same way with ``part="network"``: undoing it puts the previous
network back, data and training as they are now.  Opening or starting a lab starts a fresh history.

The window ``w`` supplies ``lab``, ``dataset``, ``path``, ``acts``, ``data_panel``,
``autosaver``, ``_commit``, ``_mark_modified`` and ``status``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from actlab.lab import DataSpec

from actlab.gui import dialogs
from actlab.gui.files.background import Superseded
from actlab.engine.data.point_edits import with_nearest_removed, with_point_added
from actlab.kinds.registry import kind_of

MAX_UNDO = 100  # data edits remembered; points are shared tuples, so this stays small


@dataclass(frozen=True)
class DataEdit:
    """One undoable data edit: ``text`` names it ("Import CSV"), ``keep_weights`` says
    whether it kept the network's weights (a click does)."""

    text: str
    before: DataSpec
    after: DataSpec
    keep_weights: bool = False
    part: str = "data"  # the Lab field before/after replace ("network": a designed activation)


class DataHistory:
    """Undo and redo lists of :class:`DataEdit` (no Qt)."""

    def __init__(self, limit: int = MAX_UNDO):
        self.limit = limit
        self.undo_list: list[DataEdit] = []
        self.redo_list: list[DataEdit] = []

    def push(self, edit: DataEdit) -> None:
        """A new edit: it can be undone; what was undone before can no longer be redone."""
        self.undo_list.append(edit)
        del self.undo_list[:-self.limit]
        self.redo_list.clear()

    def clear(self) -> None:
        self.undo_list.clear()
        self.redo_list.clear()


def describe_data_edit(old: DataSpec, new: DataSpec) -> str:
    """A short name for the edit from ``old`` to ``new`` (the Undo menu entry)."""
    if new.is_custom and not new.train_points and not new.test_points:
        return "Clear points"
    if new.problem != old.problem:
        return "Problem type"
    if new.generator != old.generator:
        return "Data set"
    for field, text in (("noise", "Noise"), ("train_fraction", "Training ratio"),
                        ("n_points", "Number of points"), ("per_class", "Images per class"),
                        ("size", "Image size"), ("source", "Import images"),
                        ("added", "Draw images")):
        if getattr(new, field, None) != getattr(old, field, None):  # image or point data
            return text
    if new.seed != old.seed:
        return "Regenerate"
    return "Data change"


class DataEdits:
    """Point clicks and Undo/Redo of data edits for window ``w`` (see the module)."""

    def __init__(self, window):
        self.w = window
        self.data_history = DataHistory()
        window.acts.undo.triggered.connect(self.undo)
        window.acts.redo.triggered.connect(self.redo)
        self.update_undo_actions()

    def record_data_edit(self, before: DataSpec, text: str | None = None,
                         keep_weights: bool = False) -> None:
        """The lab's data just changed from ``before``: remember it for Undo."""
        after = self.w.lab.data
        if after == before:
            return
        self.data_history.push(DataEdit(text or describe_data_edit(before, after), before,
                                        after, keep_weights))
        self.update_undo_actions()
        self.w.autosaver.write()  # points a student placed must survive a crash

    def edit_data(self, data: DataSpec, text: str, keep_weights: bool = False,
                  title: str = "Cannot change the data") -> bool:
        """Use ``data`` for the lab (a student's edit named ``text``), the weights kept
        when ``keep_weights`` and they fit, and remember it for Undo; False (with a
        message titled ``title`` when the data cannot be built) if nothing changed."""
        before = self.w.lab.data
        if not self._use_data(data, keep_weights, title):
            return False
        self.record_data_edit(before, text, keep_weights=keep_weights)
        return True

    def record_network_edit(self, before, text: str) -> None:
        """The lab's network just changed from ``before`` (a designed activation added or
        edited): remember it for Undo."""
        after = self.w.lab.network
        if after == before:
            return
        self.data_history.push(DataEdit(text, before, after, part="network"))
        self.update_undo_actions()

    def forget_data_edits(self) -> None:
        """Another lab: its history starts here."""
        self.data_history.clear()
        self.update_undo_actions()

    def update_undo_actions(self) -> None:
        h, a = self.data_history, self.w.acts
        for act, items, verb in ((a.undo, h.undo_list, "Undo"), (a.redo, h.redo_list, "Redo")):
            act.setEnabled(bool(items))
            what = f" {items[-1].text}" if items else ""
            act.setText(f"&{verb}{what}")
            thing = ("the network as it was" if items and items[-1].part == "network"
                     else "the points as they were")
            tip = (f"{verb} “{items[-1].text}”: {thing} "
                   f"{'before' if verb == 'Undo' else 'after'} it." if items else
                   f"Nothing to {verb.lower()}: data edits (import, clear, clicks, "
                   "regenerate, data set) can be undone.")
            act.setStatusTip(tip)
            act.setToolTip(tip)

    def undo(self) -> bool:
        """Put the data back as it was before the last data edit; False if none."""
        return self._step_history(self.data_history.undo_list, self.data_history.redo_list,
                                  "Undone")

    def redo(self) -> bool:
        """Apply the last undone data edit again; False if none."""
        return self._step_history(self.data_history.redo_list, self.data_history.undo_list,
                                  "Redone")

    def _step_history(self, source: list, target: list, verb: str) -> bool:
        if not source:
            return False
        edit = source[-1]
        data = edit.before if verb == "Undone" else edit.after
        if not self._use_data(data, edit.keep_weights, "Cannot undo" if verb == "Undone"
                              else "Cannot redo", edit.part):
            return False
        target.append(source.pop())
        self.update_undo_actions()
        self.w.autosaver.write()
        ds = self.w.dataset
        what = kind_of(self.w.lab).data_noun
        self.w.status(f"{verb}: {edit.text}. Now {ds.n_train} training and {ds.n_test} test "
                    f"{what}" + ("; the weights are kept." if edit.keep_weights else
                                ": weights re-initialised."))
        return True

    def _use_data(self, data: DataSpec, keep_weights: bool, title: str,
                  part: str = "data") -> bool:
        lab = replace(self.w.lab.without_results(), **{part: data})
        try:  # an image source not allowed or not there: the lab without images
            lab, dataset, note = self.w.image_sources.lab_data(
                lab, self.w.path, read=self.w.reader("Building the data…"))
        except Superseded:  # a newer change (or Cancel) came first
            return False
        except ValueError as e:
            dialogs.show_error(self.w, title, str(e))
            return False
        self.w._commit(lab, dataset, keep_weights=keep_weights, note=note)
        self.w._mark_modified()
        return True

    # ------------------------------------------------------------------ clicks
    def surface_clicked(self, x1: float, x2: float, button: int, ctrl: bool) -> None:
        ds, d = self.w.dataset, self.w.lab.data
        if ctrl:
            found = with_nearest_removed(d, ds, x1, x2)
            if found is None:
                self.w.status("No point near the click to remove.")
                return
            data, p = found
            message = f"Removed the point at ({p[0]:.2f}, {p[1]:.2f})."
            text = "Remove point"
        elif button in (1, 2):
            label = self.w.data_panel.click_label(button)
            data = with_point_added(d, ds, x1, x2, label)
            what = f"value {label:g}" if d.problem == "regression" else f"class {int(label)}"
            message = f"Added a training point of {what} at ({x1:.2f}, {x2:.2f})."
            text = "Add point"
        else:
            return
        if not self._use_data(data, True, "Cannot edit the points"):
            return
        self.record_data_edit(d, text, keep_weights=True)
        ds = self.w.dataset
        self.w.status(f"{message} Now {ds.n_train} training and {ds.n_test} test "
                    "points; the weights are kept.")
