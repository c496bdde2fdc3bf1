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

Decoding (:mod:`actlab.kinds.picture_decode`) is bounded: the pictures' sizes are read
from their headers before any is decoded, and a picture above 4096 x 4096 px, or a folder
holding more than :data:`MAX_FOLDER_PIXELS` in all, is refused with its size and the
limit; decoders' own stderr lines (``libpng error: ...``) are kept off stderr.

Every problem raises one :class:`actlab.engine.data.images.ImageFileError` naming the file or
folder.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from actlab.engine.data.images import (
    MAX_CLASSES, MAX_IMAGES, MAX_SIZE, MIN_CLASSES, MIN_SIZE, ImageData, ImageFileError,
    _check_seed, _whole, check_train_fraction, from_arrays, square_and_resize)
from actlab.kinds.picture_decode import check_size, decode_picture, picture_size, quiet_decoding
from actlab.safe_text import printable

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
MAX_FOLDER_IMAGES = 5000  # decoding is about 1 ms a picture: keep an import under seconds
#: Pixels decoded in one import, in all: decoding runs at some 25 million pixels a second
#: on a busy machine, so this keeps an import of big photos to about 20 s (5,000 phone
#: photos would take an hour); the pictures are used at 8 to 32 px anyway.
MAX_FOLDER_PIXELS = 500_000_000
_NAME_CHARS = 40


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


def _check_pixels(root: Path, per_class: list[list[Path]]) -> None:
    """Refuse, from the pictures' headers and before decoding any, a picture too large to
    decode or a folder whose pictures hold more than :data:`MAX_FOLDER_PIXELS`."""
    pixels = 0
    with quiet_decoding():
        for files in per_class:
            for file in files:
                size = picture_size(file)
                if size is None:  # the decoder will tell what is wrong with it
                    continue
                check_size(file, *size, shown=f"{file.parent.name}/{file.name}")
                pixels += size[0] * size[1]
    if pixels > MAX_FOLDER_PIXELS:
        raise ImageFileError(root, f"the pictures hold {_pixels(pixels)}; ActLab decodes at "
                                   f"most {_pixels(MAX_FOLDER_PIXELS)} in one import: make "
                                   "them smaller (they are used at 8 to 32 px), e.g. 256 px "
                                   "a side")


def _pixels(n: int) -> str:
    return f"{n / 1e6:,.0f} million pixels" if n >= 10_000_000 else f"{n:,} pixels"


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
    _check_pixels(root, per_class)
    images, labels = [], []
    for label, files in enumerate(per_class):
        for file in files:
            try:
                ink = square_and_resize(decode_picture(file)[None], size)[0]
            except ImageFileError as e:  # say which class folder the picture is in
                raise ImageFileError(file, e.reason, f"{file.parent.name}/{file.name}") from None
            except MemoryError:
                raise ImageFileError(file, "not enough memory to decode this picture (make it "
                                           "smaller)", f"{file.parent.name}/{file.name}") from None
            images.append(ink)
            labels.append(label)
    names = tuple(printable(f.name, _NAME_CHARS) for f in folders)
    what = printable(root.name or str(root), 60)
    return from_arrays(np.clip(np.array(images), 0.0, 1.0), np.array(labels, dtype=np.int64),
                       names, size, train_fraction, seed, what)
