"""The images of an image lab whose ``data.source`` names a file (``{"npz": PATH}``) or a
folder of pictures (``{"folder": PATH}``), read in the layer above the engine.

A folder is decoded with Qt's QImage (:mod:`actlab.image_import`), which
``actlab.engine`` must never import, so the CLI and the window call
:func:`load_lab_images` and hand the data to ``Trainer(lab, data)``.

**Relative paths** are relative to the folder of the ``.actlab`` file that names them
(not to the current directory), so a lab and its images can be moved or zipped together.
The point labs have no equivalent: they embed their custom points in the file.

**What a lab file may read** (a lab file can come from a stranger):

* only regular files: a FIFO, socket or device node is refused before it is opened
  (:func:`actlab.atomic.read_regular_file` looks first, then opens non-blocking);
* inside a folder source, only pictures and class folders that really lie inside it: a
  symbolic link leading out of the folder is refused, naming the link
  (:func:`read_source`);
* a source outside the lab file's folder (absolute, ``..``, ``~``, or a link out of it)
  is read only once the reader agreed: :func:`source_outside` gives its resolved path,
  which the window shows in a question and ``actlab train`` prints as a note.
"""
from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

from actlab.engine.data.images import ImageData, ImageFileError, with_added
from actlab.lab import Lab


class ImagesNotFound(ImageFileError):
    """The lab's ``data.source`` names no existing file or folder (moved, renamed, or not
    copied along with the lab); ``filename`` is the absolute path looked at."""


def _inside(path: str, folder: str) -> bool:
    """Whether the resolved ``path`` is ``folder`` or lies under it (both resolved)."""
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # another drive (Windows), or a mix of relative and absolute
        return False


def source_path(lab: Lab, base_dir: str | os.PathLike | None) -> Path | None:
    """The file or folder ``lab``'s images come from, resolved against ``base_dir`` (the
    lab file's folder); None for generated images."""
    source = getattr(lab.data, "source", None)
    if source is None:
        return None
    name = Path(os.path.expanduser(source[1]))
    if not name.is_absolute() and base_dir is not None:
        name = Path(base_dir) / name
    return name


def source_outside(lab: Lab, base_dir: str | os.PathLike | None) -> Path | None:
    """The resolved absolute path (symbolic links followed) of ``lab``'s image source when
    it lies outside the lab file's folder ``base_dir`` -- an absolute path, ``..``, ``~``
    or a link leading out -- so the reader must agree before it is read; None when the
    lab has no source, no lab file (``base_dir`` None: the student chose the images) or
    the source is inside that folder."""
    path = source_path(lab, base_dir)
    if path is None or base_dir is None:
        return None
    real = os.path.realpath(path)
    return None if _inside(real, os.path.realpath(base_dir)) else Path(real)


def _link_out_of(root: Path) -> tuple[Path, str] | None:
    """The first class folder or picture under ``root`` that resolves to a place outside
    ``root`` (a symbolic link leading out), with where it leads; None when all stay in.
    Entries the folder reader skips (hidden ones) are not looked at; a folder that cannot
    be listed is left for the reader to report."""
    from actlab.kinds.image_folder import IMAGE_SUFFIXES

    real_root = os.path.realpath(root)
    try:
        classes = sorted(root.iterdir(), key=lambda p: p.name)
    except OSError:
        return None
    for folder in classes:
        if folder.name.startswith("."):
            continue
        target = os.path.realpath(folder)
        if not _inside(target, real_root):
            return folder, target
        if not os.path.isdir(target):
            continue
        try:
            files = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError:
            continue
        for file in files:
            if file.name.startswith(".") or file.suffix.lower() not in IMAGE_SUFFIXES:
                continue
            target = os.path.realpath(file)
            if not _inside(target, real_root):
                return file, target
    return None


def read_source(source_type: str, path: str | os.PathLike, size: int | None,
                train_fraction: float, seed: int) -> ImageData:
    """The images of the ``.npz`` file (``source_type`` "npz") or folder of class folders
    ("folder") at ``path``, checked as the module doc says: :class:`ImagesNotFound` when
    nothing is there, :class:`ImageFileError` for anything that is not a regular file (or
    a folder of them), for a link leading out of a folder, or for a bad file."""
    path = Path(path)
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):  # a dangling link too
        what = "file" if source_type == "npz" else "folder"
        raise ImagesNotFound(path.absolute(), f"{what} not found") from None
    except (OSError, ValueError):
        pass  # no permission, a name too long...: the reader says so in its words
    if source_type == "npz":
        from actlab.engine.data.image_npz import load_npz
        return load_npz(path, size, train_fraction, seed)
    from actlab.kinds.image_folder import load_image_folder
    check_folder(path)
    return load_image_folder(path, size, train_fraction, seed)


def check_folder(path: str | os.PathLike) -> None:
    """Raise :class:`ImageFileError` unless ``path`` is a folder none of whose class
    folders or pictures is a link leading out of it (see the module doc)."""
    path = Path(path)
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return  # not there, no permission...: the reader says so in its words
    if not stat.S_ISDIR(info.st_mode):  # never list (or open) a device, pipe or file
        raise ImageFileError(path, "not a folder: choose the folder that holds one "
                                   "sub-folder per class")
    out = _link_out_of(path)
    if out is not None:
        link, target = out
        raise ImageFileError(link, f"a link to {target}, outside the folder {path}: "
                                   "ActLab reads only pictures inside the folder it "
                                   "is given (copy the picture in instead)",
                             f"{link.parent.name}/{link.name}" if link.parent != path
                             else None)


def without_images(lab: Lab) -> ImageData:
    """No images for ``lab`` (whose source is missing, or was not to be read): empty
    training and test sets with the lab's classes, so the window can show the lab --
    network, training settings, guide -- with nothing to train on."""
    import numpy as np

    k = lab.data.classes or lab.network.n_classes
    s = lab.data.size
    empty = np.zeros((0, 1, s, s))
    none = np.zeros(0, dtype=np.int64)
    return ImageData(empty, none, empty, none, tuple(str(c) for c in range(k)), s,
                     "no images")


def load_lab_images(lab: Lab, base_dir: str | os.PathLike | None = None
                    ) -> tuple[Lab, ImageData]:
    """``(lab, images)``: the images of ``lab`` (generated, or read from its source), and
    the lab made to fit them — its source path made absolute (so the lab can be saved
    anywhere, e.g. as a trained lab in an output folder, and still find its images), the
    number of classes recorded, and the network sized for the images.

    Raises :class:`ImagesNotFound` when the source is not there, :class:`ImageFileError`
    ("<file>: <problem>") for a bad file or folder (see :func:`read_source`), also
    when the lab carries weights for a different number of classes than the file has, or
    a drawn image (``data.added``, appended to the training images) of a class it lacks."""
    from actlab.engine.data.build import image_data

    path = source_path(lab, base_dir)
    if path is None:
        return lab, image_data(lab)
    source_type = lab.data.source[0]
    d = lab.data
    data = read_source(source_type, path, d.size, d.train_fraction, d.seed)
    if lab.params is not None and lab.network.n_classes != data.n_classes:
        raise ImageFileError(path, f"{data.n_classes} classes, but the lab's weights are "
                                   f"for {lab.network.n_classes}")
    try:  # the drawings were checked against "classes" (or 10) before the file was read
        data = with_added(data, d.added)
    except ValueError as e:
        raise ImageFileError(path, str(e)) from None
    spec = replace(d, source=(source_type, str(path.absolute())), classes=data.n_classes)
    network = replace(lab.network, input_size=data.size, n_classes=data.n_classes)
    return replace(lab, data=spec, network=network), data


def lab_with_images(lab: Lab | None, path: str | os.PathLike, size: int | None = None
                    ) -> Lab:
    """``lab`` (an image lab) reading its images from ``path`` — a folder of pictures
    when it is a folder, else an ``.npz`` — by its absolute path, at ``size`` px when
    given (else the lab's).  For ``actlab train --images``.  Raises ValueError for a point
    lab or a bad size.

    With no ``lab``, a lab like the image presets: their network
    (:data:`~.image_defaults.PRESET_IMAGE_NETWORK`), optimizer, learning rate and batch
    size (:data:`~.image_defaults.IMAGE_TRAINING`) and epochs, on the images at their own
    size when ``size`` is None (an ``.npz``'s side when it is 8 to 32 px, else the nearer
    of 8 and 32; a folder of pictures of any sizes: 16 px)."""
    from actlab.engine.data.image_npz import npz_size
    from actlab.kinds.image_defaults import (
        IMAGE_TRAINING, PRESET_IMAGE_EPOCHS, PRESET_IMAGE_NETWORK)
    from actlab.lab import ImageDataSpec

    p = Path(os.path.expanduser(os.fspath(path)))
    source_type = "folder" if p.is_dir() else "npz"
    if lab is None:
        native = npz_size(p) if source_type == "npz" and size is None else None
        lab = Lab(name=p.stem or "images",
                  data=ImageDataSpec(size=native or ImageDataSpec.size),
                  network=replace(PRESET_IMAGE_NETWORK,
                                  input_size=native or PRESET_IMAGE_NETWORK.input_size),
                  training=replace(IMAGE_TRAINING, stop_after=PRESET_IMAGE_EPOCHS))
    if lab.kind != "images":  # "points" → "a point lab", "functions" → "a function lab"
        raise ValueError(f"--images needs an image lab (this one is a {lab.kind[:-1]} "
                         "lab); leave LAB out to train the images alone")
    lab = resized(lab, size)
    d = lab.data
    data = ImageDataSpec(size=d.size, train_fraction=d.train_fraction, seed=d.seed,
                         source=(source_type, str(p.absolute())))
    # the lab's guide (expected outcomes) was written for its own images
    return replace(lab.without_results(), data=data, guide=None)


def resized(lab: Lab, size: int | None) -> Lab:
    """``lab`` (an image lab) with images of ``size`` px a side (None: unchanged).
    ValueError for a point lab, a size outside 8..32 or a network the size cannot fit
    (valid convolutions shrinking the maps below one pixel)."""
    from actlab.engine.data.images import MAX_SIZE, MIN_SIZE

    if size is None:
        return lab
    if lab.kind != "images":
        raise ValueError("--size is for image labs")
    if isinstance(size, bool) or not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"--size must be {MIN_SIZE}..{MAX_SIZE}, got {size}")
    network = replace(lab.network, input_size=size)  # checks the maps still fit
    return replace(lab.without_results(), data=replace(lab.data, size=size),
                   network=network)
