"""Read a student's own images from a NumPy ``.npz`` archive.

The archive holds ``images`` -- (n, H, W) or (n, 1, H, W) -- and ``labels`` (n,), and may
hold ``class_names`` (k strings).  It is read with ``allow_pickle=False``, so a file can
never run code; anything else wrong with it raises one :class:`ImageFileError` whose
message names the file and the problem.

What the values mean (no guessing, unlike a folder of scans): the numbers are ink, 1 (or
255) for a stroke and 0 for background.  Float images must lie in [0, 1]; integer images
are grey levels 0..255 (uint8 as it comes from most image tools), scaled to [0, 1]; bool
images are 0/1.  Labels are whole numbers 0..k-1, every class used, 2 to 10 classes.
Images of any size up to 1024 px are padded to a square and resized by area averaging
(:func:`actlab.engine.data.images.square_and_resize`).
"""
from __future__ import annotations

import io
import os
import zipfile
import zlib

import numpy as np

from actlab.atomic import FileTooLarge, NotARegularFile, read_regular_file
from actlab.engine.data.images import (
    MAX_CLASSES, MAX_IMAGES, MAX_SIZE, MIN_CLASSES, MIN_SIZE, ImageData, ImageFileError,
    _check_seed, _whole, check_train_fraction, from_arrays, square_and_resize)
from actlab.safe_text import printable

MAX_FILE_BYTES = 256 * 1024 * 1024
#: Bound on the arrays once unpacked: a small compressed archive can hold gigabytes.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_SIDE = 1024
MAX_NAME_CHARS = 40


class _Bad(Exception):
    """A problem with the file's content; load_npz adds the file name."""


def _read_archive(filename: str) -> bytes:
    try:
        data = read_regular_file(filename, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise _Bad("file not found") from None
    except IsADirectoryError:
        raise _Bad("is a folder, not an .npz file") from None
    except NotARegularFile:
        raise _Bad("not a regular file (a device, pipe or socket?)") from None
    except FileTooLarge:
        raise _Bad(f"larger than {MAX_FILE_BYTES // 2**20} MB") from None
    except OSError as e:
        raise _Bad(f"cannot read the file: {e.strerror or e}") from None
    if not data:
        raise _Bad("the file is empty")
    if data.startswith(b"\x93NUMPY"):
        raise _Bad("a single .npy array, not an .npz archive with 'images' and 'labels' "
                   "(save with numpy.savez)")
    if not data.startswith(b"PK"):
        raise _Bad("not an .npz file (not a zip archive)")
    return data


def _arrays(data: bytes) -> dict[str, np.ndarray]:
    """The archive's arrays, after checking what the zip directory promises."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _Bad("not an .npz file (a damaged zip archive)") from None
    except NotImplementedError:  # "zip file version 6.4": a zip feature zipfile lacks
        raise _Bad("a zip archive of a newer kind than ActLab can read; save it with "
                   "numpy.savez") from None
    names = [i.filename[:-4] if i.filename.endswith(".npy") else i.filename for i in infos]
    for key in ("images", "labels"):
        if key not in names:
            has = ", ".join(printable(n, 30) for n in names[:6]) or "nothing"
            raise _Bad(f"no '{key}' array (the archive holds: {has})")
    wanted = [i for i, n in zip(infos, names) if n in ("images", "labels", "class_names")]
    if sum(i.file_size for i in wanted) > MAX_UNPACKED_BYTES:
        raise _Bad(f"the arrays unpack to more than {MAX_UNPACKED_BYTES // 2**20} MB")
    out = {}
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            for key in ("images", "labels", "class_names"):
                if key in npz.files:
                    out[key] = npz[key]
                    # a member without ".npy" is handed back as its raw bytes
                    if not isinstance(out[key], np.ndarray):
                        raise _Bad(f"'{key}' is not a NumPy array (a member without "
                                   "'.npy'); save the arrays with numpy.savez")
    except ValueError as e:
        if "allow_pickle" in str(e) or "Object arrays" in str(e):
            raise _Bad(f"'{key}' holds Python objects (a pickled array); ActLab reads only "
                       "plain numbers and strings") from None
        raise _Bad(f"'{key}' is not a readable array ({printable(str(e), 80)})") from None
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, zlib.error):
        raise _Bad(f"'{key}' is damaged (the zip archive cannot be unpacked)") from None
    except (NotImplementedError, RuntimeError):  # zipfile: an unknown version or method,
        # or an encrypted member ("zip file version 6.4", found by the fuzz test)
        raise _Bad(f"'{key}' is stored with a zip feature ActLab cannot unpack (an "
                   "unusual compression or encryption); save it with numpy.savez") from None
    return out


def _images(a: np.ndarray) -> np.ndarray:
    if a.ndim == 4:
        if a.shape[1] != 1:
            raise _Bad(f"'images' has shape {a.shape}: {a.shape[1]} channels, but ActLab "
                       "images are greyscale, (n, 1, H, W)")
        a = a[:, 0]
    if a.ndim != 3:
        raise _Bad(f"'images' must have shape (n, H, W) or (n, 1, H, W), got {a.shape}")
    n, h, w = a.shape
    if n == 0 or h == 0 or w == 0:
        raise _Bad(f"'images' is empty (shape {a.shape})")
    if n > MAX_IMAGES:
        raise _Bad(f"{n} images; ActLab takes at most {MAX_IMAGES} (save a subset)")
    if max(h, w) > MAX_SIDE:
        raise _Bad(f"images of {h}x{w} px; at most {MAX_SIDE} px a side")
    code = a.dtype.kind
    if code == "b":
        return a.astype(np.float64)
    if code in "iu":
        lo, hi = int(a.min()), int(a.max())
        if lo < 0 or hi > 255:
            raise _Bad(f"integer images must be grey levels 0 to 255, found {lo} to {hi}")
        return a.astype(np.float64) / 255.0
    if code != "f":
        raise _Bad(f"'images' must hold numbers, got dtype {printable(str(a.dtype), 30)}")
    a = a.astype(np.float64)
    if not np.isfinite(a).all():
        raise _Bad("'images' contains NaN or infinite values")
    lo, hi = float(a.min()), float(a.max())
    if lo < 0.0 or hi > 1.0:
        raise _Bad(f"float images must lie in [0, 1], found {lo:g} to {hi:g} (for grey "
                   "levels 0-255 divide by 255 or save as uint8)")
    return a


def _labels(y: np.ndarray, n: int) -> np.ndarray:
    if y.ndim != 1 or len(y) != n:
        raise _Bad(f"'labels' must have shape ({n},), one per image, got {y.shape}")
    code = y.dtype.kind
    if code == "f":
        if not np.isfinite(y).all() or (y != np.round(y)).any():
            raise _Bad("'labels' must be whole numbers (class indices 0, 1, ...)")
    elif code not in "biu":
        raise _Bad(f"'labels' must be whole numbers, got dtype {printable(str(y.dtype), 30)}")
    if y.min() < 0:
        raise _Bad(f"'labels' must be 0 or more, found {y.min():g}")
    if y.max() >= MAX_CLASSES:
        raise _Bad(f"labels go up to {y.max():g}: at most {MAX_CLASSES} classes (0 to "
                   f"{MAX_CLASSES - 1})")
    y = y.astype(np.int64)
    k = int(y.max()) + 1
    if k < MIN_CLASSES:
        raise _Bad("all images have the same label: at least 2 classes are needed")
    counts = np.bincount(y, minlength=k)
    if (counts == 0).any():
        missing = int(np.flatnonzero(counts == 0)[0])
        raise _Bad(f"no image has label {missing}: labels must be 0 to {k - 1}, each used")
    return y


def _class_names(a: np.ndarray | None, k: int) -> tuple[str, ...]:
    if a is None:
        return tuple(str(c) for c in range(k))
    if not np.issubdtype(a.dtype, np.str_) or a.ndim != 1:
        raise _Bad("'class_names' must be a 1-D array of strings")
    if len(a) != k:
        raise _Bad(f"'class_names' has {len(a)} names for {k} classes")
    names = tuple(printable(str(s).strip(), MAX_NAME_CHARS) for s in a)
    if any(not s for s in names):
        raise _Bad("'class_names' has an empty name")
    if len(set(names)) != k:
        raise _Bad("'class_names' has a name twice")
    return names


def load_npz(path: str | os.PathLike, size: int | None = None, train_fraction: float = 0.5,
             seed: int = 1) -> ImageData:
    """The images of the ``.npz`` file at ``path``, split into training and test.

    ``size`` (8-32) is the side the images are resized to; None keeps the file's side when
    it is 8 to 32 and otherwise takes the nearest of 8 and 32.  Arguments are checked
    first (ValueError naming the argument); every problem with the file raises
    :class:`ImageFileError` "<file name>: <problem>".
    """
    if size is not None:
        size = _whole(size, "size", MIN_SIZE, MAX_SIZE)
    train_fraction = check_train_fraction(train_fraction)
    seed = _check_seed(seed)
    try:
        filename = os.fspath(path)
    except TypeError:
        raise ValueError(f"Not a file name: {printable(repr(path), 60)}") from None
    try:
        arrays = _arrays(_read_archive(filename))
        images = _images(arrays["images"])
        labels = _labels(arrays["labels"], len(images))
        names = _class_names(arrays.get("class_names"), int(labels.max()) + 1)
    except _Bad as e:
        raise ImageFileError(filename, str(e)) from None
    except MemoryError:
        raise ImageFileError(filename, "not enough memory to read the images") from None
    side = max(images.shape[1:])
    target = size if size is not None else min(max(side, MIN_SIZE), MAX_SIZE)
    resized = square_and_resize(images, target)
    what = os.path.basename(filename)
    if images.shape[1:] != (target, target):
        what += f" (from {images.shape[1]}x{images.shape[2]} px)"
    return from_arrays(resized, labels, names, target, train_fraction, seed, printable(what, 80))
