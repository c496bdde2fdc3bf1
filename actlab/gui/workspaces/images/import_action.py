"""Import a student's own images into an image lab: an ``.npz`` archive or a folder with
one sub-folder of pictures per class (chosen in a file dialog, from the File menu or
dropped on the window).

:func:`import_images` reads and checks the whole source *before* anything changes: a bad
file gives one dialog naming the file and the problem (``dialogs.show_error``) and returns
None; a good one returns the new image Lab, which the window commits like any other edit.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from actlab.engine.models.cnn_spec import ImageNetSpec
from actlab.engine.data.images import MAX_SIZE, MIN_SIZE, ImageData, ImageFileError
from actlab.kinds.images import IMAGE_TRAINING, fitted_network
from actlab.lab import ImageDataSpec, Lab

from actlab.gui import dialogs

ERROR_TITLE = "Cannot import the images"
DEFAULT_SIZE = 16
#: What the file dialog lists; a folder is chosen by selecting it and pressing Open.
NPZ_FILTER = "Image archives (*.npz);;All files (*)"


class ImageSourceDialog(QtWidgets.QFileDialog):
    """A file dialog that accepts an ``.npz`` file *or* a folder: Qt's own dialog either
    picks files (Open on a folder walks into it) or folders (files are not shown).  Here a
    double click still walks into a folder, but Open with a folder selected chooses it —
    the folder of class sub-folders the student means."""

    def __init__(self, parent: QtWidgets.QWidget | None, folder: str = ""):
        super().__init__(parent, "Import images: an .npz file, or a folder of class folders",
                         folder, NPZ_FILTER)
        # Qt's non-native dialog is the one whose accept() can be taught to take folders
        self.setOption(QtWidgets.QFileDialog.Option.DontUseNativeDialog, True)
        self.setFileMode(QtWidgets.QFileDialog.FileMode.ExistingFile)
        self.setLabelText(QtWidgets.QFileDialog.DialogLabel.Accept, "Import")
        self.chosen = ""

    def accept(self) -> None:  # noqa: D102 (Qt override)
        files = self.selectedFiles()
        if files and os.path.isdir(files[0]):
            self.chosen = files[0]
            QtWidgets.QDialog.accept(self)
            return
        super().accept()
        if self.result() == QtWidgets.QDialog.DialogCode.Accepted and self.selectedFiles():
            self.chosen = self.selectedFiles()[0]


def ask_image_source(parent: QtWidgets.QWidget | None, folder: str = "") -> str:
    """An ``.npz`` file or a folder chosen by the student, or "" when cancelled."""
    dialog = ImageSourceDialog(parent, folder)
    return dialog.chosen if dialog.exec() else ""


def dropped_image_source(mime_data: QtCore.QMimeData) -> str | None:
    """The local path of a single dropped ``.npz`` file or folder, else None (a lab file,
    a picture, several items or a web link are for other handlers or refused)."""
    if mime_data is None or not mime_data.hasUrls():
        return None
    urls = mime_data.urls()
    if len(urls) != 1 or not urls[0].isLocalFile():
        return None
    path = urls[0].toLocalFile()
    if os.path.isdir(path):
        return path
    if path.lower().endswith(".npz") and os.path.isfile(path):
        return path
    return None


def _folder_side(root: Path) -> int:
    """The side of the first picture of the first class folder (its longer side), or
    :data:`DEFAULT_SIZE` when it cannot be told; reading the header only, no decoding."""
    from actlab.kinds.image_folder import IMAGE_SUFFIXES

    try:
        for folder in sorted(p for p in root.iterdir() if p.is_dir()
                             and not p.name.startswith(".")):
            for file in sorted(folder.iterdir()):
                if file.suffix.lower() in IMAGE_SUFFIXES and file.is_file():
                    size = QtGui.QImageReader(str(file)).size()
                    if size.isValid() and size.width() > 0:
                        return max(size.width(), size.height())
                    return DEFAULT_SIZE
    except OSError:
        pass  # the loader reports an unreadable folder with the right words
    return DEFAULT_SIZE


def load_images_for_import(path: str | os.PathLike, lab: Lab | None = None
                           ) -> tuple[Lab, ImageData]:
    """``(new_lab, images)`` for the ``.npz`` file or folder at ``path``: an image lab
    whose ``data.source`` names it (absolute), ``classes`` its class count, ``size`` the
    pictures' own size clamped to 8..32 px, the network sized to match (``lab``'s when it
    is an image lab whose layers fit, else the default image network).  Keeps ``lab``'s
    seed, split and, for an image lab, its training.  Raises :class:`ImageFileError`
    ("<file>: <problem>") for anything wrong with the source."""
    p = Path(os.path.expanduser(os.fspath(path))).absolute()
    images_lab = lab if lab is not None and isinstance(lab.data, ImageDataSpec) else None
    old_data = lab.data if lab is not None else None
    train_fraction = old_data.train_fraction if old_data is not None else 0.5
    data_seed = old_data.seed if old_data is not None else 1
    from actlab.kinds.image_sources import check_folder, read_source

    if p.is_dir():  # no link leading out of the folder, checked before any picture is read
        check_folder(p)
        kind = "folder"
        side = min(max(_folder_side(p), MIN_SIZE), MAX_SIZE)
        data = read_source(kind, p, side, train_fraction, data_seed)
    else:  # a regular file only, looked at before it is opened
        kind = "npz"
        data = read_source(kind, p, None, train_fraction, data_seed)  # None: the file's size
    spec = ImageDataSpec(size=data.size, train_fraction=train_fraction, seed=data_seed,
                         source=(kind, str(p)), classes=data.n_classes)
    network = images_lab.network if images_lab is not None else ImageNetSpec()
    try:
        network = fitted_network(network, spec)
    except ValueError:  # the lab's layers cannot slide over images this small
        network = fitted_network(ImageNetSpec(), spec)
    new = Lab(name=f"{p.stem or p.name} (images)", description=data.summary, data=spec,
              network=network,
              training=images_lab.training if images_lab is not None else IMAGE_TRAINING,
              seed=lab.seed if lab is not None else 1)
    return new, data


def import_images(parent: QtWidgets.QWidget | None, path: str | None = None,
                  lab: Lab | None = None) -> Lab | None:
    """Ask for (``path`` None) and read an ``.npz`` file or a folder of class folders, and
    return the new image Lab (see :func:`load_images_for_import`); None when the student
    cancels or the source is bad — then after ONE dialog naming the file and the problem,
    and nothing changed."""
    if path is None:
        path = ask_image_source(parent)
        if not path:
            return None
    try:
        new, _data = load_images_for_import(path, lab)
    except ImageFileError as e:
        dialogs.show_error(parent, ERROR_TITLE,
                           f"{str(e).rstrip('.')}.\n\nNothing was changed.")
        return None
    except (ValueError, OSError, MemoryError) as e:  # anything else still gets one message
        name = os.path.basename(os.path.normpath(os.fspath(path))) or os.fspath(path)
        dialogs.show_error(parent, ERROR_TITLE, f"{name}: {e}\n\nNothing was changed.")
        return None
    return new
