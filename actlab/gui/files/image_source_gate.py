"""Where the window's labs get their data (its ``image_sources``): every lab the window
shows passes through :meth:`ImageSourceGate.lab_data`, which for an image lab whose
``data.source`` names a file or folder

* reads it when it lies inside the lab file's folder, or the student agreed this session
  to read it (asked when the lab is opened, "Read" / "Don't read"), or chose it (Import
  images);
* otherwise, and when the images are not there, gives the lab *without images*: network,
  training settings, guide and weights shown, Play off, a note in the output column
  saying where the images were looked for and how to fix it.  The lab itself is not
  changed -- saved again, its source stays as it was -- until the student picks images
  (:meth:`ImageSourceGate.locate`, through File ▸ Import images…).
"""
from __future__ import annotations

import os
from dataclasses import replace

from actlab.kinds.image_sources import (
    ImagesNotFound, source_outside, source_path, without_images)
from actlab.kinds.registry import lab_data
from actlab.lab import Lab

from actlab.gui import dialogs

LOCATE_TITLE = "Cannot use these images"


def missing_note(path: str) -> str:
    return (f"Images not found at {path}.\n\nThe network, training settings and guide are "
            "here; Play stays off until the lab has images. Choose them with File ▸ Import "
            "images… (the lab keeps its network, guide and weights), or put them back "
            "there and open the lab again.")


def declined_note(path: str) -> str:
    return (f"Images not read: they are outside the lab's folder, at {path}.\n\nPlay stays "
            "off until the lab has images. Open the lab again and choose Read to use them, "
            "or choose images with File ▸ Import images….")


class ImageSourceGate:
    """The image sources of window ``w`` (see the module docstring)."""

    def __init__(self, window):
        self.w = window
        self._allowed: set[str] = set()  # resolved paths the student agreed to or chose
        self.note: str | None = None  # why the lab shown has no images (None: it has them)

    def allow(self, path: str | os.PathLike) -> None:
        """The student chose ``path`` (Import images): read it without asking."""
        self._allowed.add(os.path.realpath(os.path.expanduser(os.fspath(path))))

    def lab_data(self, lab: Lab, path: str | None, ask: bool = False, read=lab_data):
        """``(lab, dataset, note)``: like :func:`actlab.kinds.registry.lab_data`, but an
        image source outside the lab file's folder is read only when allowed (``ask``:
        the student is asked now), and a missing or not-allowed one gives the lab without
        images and the ``note`` saying why (None when the images were read).  Raises
        ValueError for a bad lab or bad images, like ``lab_data``.  ``read`` reads the data
        (the window's builds it off the GUI thread; the questions stay here)."""
        if getattr(lab.data, "source", None) is None:
            return (*read(lab, path), None)
        base = os.path.dirname(os.path.abspath(path)) if path else None
        outside = source_outside(lab, base)
        if outside is not None and str(outside) not in self._allowed:
            what = "folder" if lab.data.source[0] == "folder" else "file"
            name = os.path.basename(path) if path else lab.name
            if ask:  # not behind the question (the lab opens paused either way)
                self.w.files.hold_training()
            if not (ask and dialogs.ask_read_outside(self.w, name, str(outside), what)):
                return lab, without_images(lab), declined_note(str(outside))
            self._allowed.add(str(outside))
        try:
            return (*read(lab, path), None)
        except ImagesNotFound as e:
            return lab, without_images(lab), missing_note(e.filename)

    def show(self, note: str | None) -> None:
        """Show (or, None, clear) why the lab has no images, in the output column."""
        self.note = note
        if note is not None:
            self.w.workspace.output.set_warning(note)

    def images_missing(self) -> bool:
        """Whether the lab shown is an image lab whose source was not read."""
        return self.note is not None and getattr(self.w.lab.data, "source", None) is not None

    def locate(self, chosen: str) -> bool:
        """Read the lab's images from ``chosen`` (an ``.npz`` or a folder the student
        picked), keeping everything else of the lab -- network, guide, weights when they
        fit the images' classes.  One message and nothing changed when they cannot be used."""
        w = self.w
        full = os.path.abspath(os.path.expanduser(chosen))
        self.allow(full)
        kind = "folder" if os.path.isdir(full) else "npz"
        lab = replace(w.lab, data=replace(w.lab.data, source=(kind, full)))
        try:
            lab, dataset, note = self.lab_data(lab, w.path)
            if note is not None:
                raise ValueError(f"{os.path.basename(full)}: not found")
            if dataset.n_train:
                from actlab.engine.trainer import Trainer
                Trainer(lab, dataset)  # every check the engine makes, before we commit
        except (ValueError, OSError, MemoryError) as e:
            dialogs.show_error(w, LOCATE_TITLE, f"{str(e).rstrip('.')}.\n\nNothing was "
                                                "changed.")
            return False
        before = w.lab.data
        w._commit(lab, dataset)  # no note: the images are here
        w.edits.record_data_edit(before, "Locate images")
        w._mark_modified()
        w.status(f"Found the images: {dataset.n_train} training and {dataset.n_test} test "
                 f"images from {os.path.basename(full)}. Press Play to train.")
        return True


def source_for_save(lab: Lab, old_path: str | None, new_path: str) -> Lab:
    """``lab`` as it is saved to ``new_path``: a relative image source (kept so while its
    images were not read) made absolute when the lab moves to another folder, so it still
    names the same file from there."""
    source = getattr(lab.data, "source", None)
    if source is None or os.path.isabs(os.path.expanduser(source[1])):
        return lab
    old = os.path.dirname(os.path.abspath(old_path)) if old_path else None
    if old is None or old == os.path.dirname(os.path.abspath(new_path)):
        return lab
    full = source_path(lab, old)
    return replace(lab, data=replace(lab.data, source=(source[0], str(full))))
