"""Read a folder of a student's own pictures: one sub-folder per class.

::

    my_shapes/
        circle/   a.png b.jpg ...
        square/   ...

The sorted sub-folder names are the class names (2 to 10 classes); hidden entries (".…")
and files that are not PNG, JPEG, BMP or GIF are skipped.  Each picture is decoded with
Qt's QImage (outside the engine, so ``actlab.engine`` stays NumPy only; PySide6 is
imported only when this runs), then:

* **grey**: transparent pixels are laid on white paper first (a drawing exported with a
  transparent background would otherwise be black on black), then luminance
  0.299 R + 0.587 G + 0.114 B;
* **ink = 1**: each picture on its own, if its border is light (mean above 0.5) it is dark
  strokes on paper and is inverted; a light-on-dark picture is kept as it is;
* **square**: the short side is padded with background to a centred square -- nothing
  the student drew is cut off, which centre-cropping would risk -- and the square is
  resized to ``size`` x ``size`` by area averaging.

Every problem raises one :class:`actlab.engine.data.images.ImageFileError` naming the file or
folder.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from actlab.atomic import FileTooLarge, NotARegularFile, read_regular_file
from actlab.engine.data.images import (
    MAX_CLASSES, MAX_IMAGES, MAX_SIZE, MIN_CLASSES, MIN_SIZE, ImageData, ImageFileError,
    _check_seed, _whole, check_train_fraction, from_arrays, square_and_resize)
from actlab.safe_text import printable

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
MAX_FOLDER_IMAGES = 5000  # decoding is about 1 ms a picture: keep an import under seconds
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 4096 * 4096
_NAME_CHARS = 40


def _decode(file: Path) -> np.ndarray:
    """The picture at ``file`` as grey ink in [0, 1], (H, W) float64."""
    from PySide6.QtGui import QImage  # lazily: importing this module must stay light

    try:
        data = read_regular_file(file, MAX_IMAGE_BYTES)
    except FileTooLarge:
        raise ImageFileError(file, f"larger than {MAX_IMAGE_BYTES // 2**20} MB") from None
    except NotARegularFile:
        raise ImageFileError(file, "not a regular file") from None
    except OSError as e:
        raise ImageFileError(file, f"cannot read the file: {e.strerror or e}") from None
    image = QImage.fromData(data)
    if image.isNull():
        raise ImageFileError(file, "not a picture Qt can read (damaged, or not really "
                                   f"{file.suffix.lstrip('.').upper()})")
    if image.width() * image.height() > MAX_PIXELS:
        raise ImageFileError(file, f"{image.width()}x{image.height()} px is too large")
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    h, w = image.height(), image.width()
    rgba = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    rgba = rgba.reshape(h, image.bytesPerLine())[:, : 4 * w].reshape(h, w, 4) / 255.0
    alpha = rgba[..., 3]
    grey = rgba[..., :3] @ np.array([0.299, 0.587, 0.114])
    grey = alpha * grey + (1.0 - alpha)  # on white paper
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    return 1.0 - grey if border.mean() > 0.5 else grey


def _class_folders(root: Path) -> list[Path]:
    try:
        entries = sorted(root.iterdir(), key=lambda p: p.name)
    except FileNotFoundError:
        raise ImageFileError(root, "folder not found") from None
    except NotADirectoryError:
        raise ImageFileError(root, "not a folder: choose the folder that holds one "
                                   "sub-folder per class") from None
    except OSError as e:
        raise ImageFileError(root, f"cannot read the folder: {e.strerror or e}") from None
    folders = [p for p in entries if not p.name.startswith(".") and p.is_dir()]
    if len(folders) < MIN_CLASSES:
        raise ImageFileError(root, f"{len(folders)} class folder(s); put the pictures of "
                                   f"each class in its own sub-folder, at least {MIN_CLASSES}")
    if len(folders) > MAX_CLASSES:
        raise ImageFileError(root, f"{len(folders)} class folders; at most {MAX_CLASSES}")
    return folders


def _pictures(folder: Path) -> list[Path]:
    try:
        files = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as e:
        raise ImageFileError(folder, f"cannot read the folder: {e.strerror or e}") from None
    found = [p for p in files if not p.name.startswith(".")
             and p.suffix.lower() in IMAGE_SUFFIXES and not p.is_dir()]
    if not found:
        raise ImageFileError(folder, "no pictures in this class folder (PNG, JPEG, BMP or "
                                     "GIF)")
    return found


def load_image_folder(path: str | os.PathLike, size: int = 16, train_fraction: float = 0.5,
                      seed: int = 1) -> ImageData:
    """The pictures under ``path`` (one sub-folder per class) as ImageData of
    ``size`` x ``size`` pixels, each class split with ``train_fraction`` and ``seed``."""
    size = _whole(size, "size", MIN_SIZE, MAX_SIZE)
    train_fraction = check_train_fraction(train_fraction)
    seed = _check_seed(seed)
    root = Path(os.fspath(path))
    folders = _class_folders(root)
    per_class = [_pictures(f) for f in folders]
    total = sum(len(p) for p in per_class)
    limit = min(MAX_FOLDER_IMAGES, MAX_IMAGES)
    if total > limit:
        raise ImageFileError(root, f"{total} pictures; ActLab imports at most {limit}")
    images, labels = [], []
    for label, files in enumerate(per_class):
        for file in files:
            try:
                ink = _decode(file)
            except ImageFileError as e:  # say which class folder the picture is in
                raise ImageFileError(file, e.reason, f"{file.parent.name}/{file.name}") from None
            images.append(square_and_resize(ink[None], size)[0])
            labels.append(label)
    names = tuple(printable(f.name, _NAME_CHARS) for f in folders)
    what = printable(root.name or str(root), 60)
    return from_arrays(np.clip(np.array(images), 0.0, 1.0), np.array(labels, dtype=np.int64),
                       names, size, train_fraction, seed, what)
