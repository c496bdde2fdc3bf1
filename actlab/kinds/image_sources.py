"""The images of an image lab whose ``data.source`` names a file (``{"npz": PATH}``) or a
folder of pictures (``{"folder": PATH}``), read in the layer above the engine.

A folder is decoded with Qt's QImage (:mod:`actlab.image_import`), which
``actlab.engine`` must never import, so the CLI and the window call
:func:`load_lab_images` and hand the data to ``Trainer(lab, data)``.

**Relative paths** are relative to the folder of the ``.actlab`` file that names them
(not to the current directory), so a lab and its images can be moved or zipped together.
The point labs have no equivalent: they embed their custom points in the file.
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from actlab.engine.data.images import ImageData, ImageFileError, with_added
from actlab.lab import Lab


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


def load_lab_images(lab: Lab, base_dir: str | os.PathLike | None = None
                    ) -> tuple[Lab, ImageData]:
    """``(lab, images)``: the images of ``lab`` (generated, or read from its source), and
    the lab made to fit them — its source path made absolute (so the lab can be saved
    anywhere, e.g. as a trained lab in an output folder, and still find its images), the
    number of classes recorded, and the network sized for the images.

    Raises :class:`ImageFileError` ("<file>: <problem>") for a bad file or folder, also
    when the lab carries weights for a different number of classes than the file has, or
    a drawn image (``data.added``, appended to the training images) of a class it lacks."""
    from actlab.engine.data.build import image_data

    path = source_path(lab, base_dir)
    if path is None:
        return lab, image_data(lab)
    source_type = lab.data.source[0]
    d = lab.data
    if source_type == "npz":
        from actlab.engine.data.image_npz import load_npz
        data = load_npz(path, d.size, d.train_fraction, d.seed)
    else:
        from actlab.kinds.image_folder import load_image_folder
        data = load_image_folder(path, d.size, d.train_fraction, d.seed)
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
    """``lab`` (an image lab; None: the default image network) reading its images from
    ``path`` — a folder of pictures when it is a folder, else an ``.npz`` — by its
    absolute path, at ``size`` px when given (else the lab's).  For ``actlab train
    --images``.  Raises ValueError for a point lab or a bad size."""
    from actlab.engine.models.cnn_spec import ImageNetSpec
    from actlab.lab import ImageDataSpec

    if lab is None:
        lab = Lab(name=Path(path).stem or "images", data=ImageDataSpec(),
                  network=ImageNetSpec())
    if lab.kind != "images":
        raise ValueError("--images needs an image lab (this one is a point lab)")
    lab = resized(lab, size)
    p = Path(os.path.expanduser(os.fspath(path)))
    source_type = "folder" if p.is_dir() else "npz"
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
