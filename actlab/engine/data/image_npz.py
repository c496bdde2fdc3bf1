"""Read a student's own images from a NumPy ``.npz`` archive.

The archive holds ``images`` -- (n, H, W), (n, 1, H, W) or (n, H, W, 1) -- and ``labels``
(n,), and may hold ``class_names`` (k strings).  No pickles are ever loaded, so a file can
never run code; anything else wrong with it raises one :class:`ImageFileError` whose
message names the file and the problem.

What the values mean (no guessing, unlike a folder of scans): the numbers are ink, 1 (or
255) for a stroke and 0 for background.  Float images must lie in [0, 1]; integer images
are grey levels 0..255 (uint8 as it comes from most image tools), scaled to [0, 1]; bool
images are 0/1.  Labels are whole numbers 0..k-1, every class used, 2 to 10 classes.
Images of any size up to 1024 px are padded to a square and resized by area averaging
(:func:`actlab.engine.data.images.square_and_resize`).

Colour images are refused, whichever end their channels are at -- (n, 3, H, W) or
(n, H, W, 3) -- with a message saying how to save them grey: turning colour into ink
would be a guess (which weights? is the paper light or dark?), and the ``.npz`` is the
place where the student says exactly what the pixels mean.

Bounded work: each array's ``.npy`` header (shape, dtype) is read from the zip member
and checked against the limits *before* anything is allocated, and the images are
unpacked, converted and resized a chunk at a time, so a small archive of zeros that
unpacks to hundreds of MB costs about the final (n, size, size) array, not float64 of
the full-size input.
"""
from __future__ import annotations

import contextlib
import io
import lzma
import os
import struct
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
#: Bound on the class names as stored (10 names of any sensible length fit easily).
MAX_NAMES_BYTES = 1024 * 1024
#: Pixels converted and resized at a time (32 MB of float64): peak memory stays near
#: the final array whatever the input's size.
CHUNK_PIXELS = 4 * 1024 * 1024

# What a damaged zip member raises while it is unpacked (zipfile, zlib, bz2, lzma).
# (UnicodeDecodeError: a member's own header says its name is UTF-8, and it is not)
_UNPACK_ERRORS = (zipfile.BadZipFile, OSError, EOFError, KeyError, zlib.error,
                  lzma.LZMAError, struct.error, UnicodeDecodeError)


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


def _open_zip(data: bytes) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    """The archive and its members by array name, after checking what the zip directory
    promises."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            struct.error):
        raise _Bad("not an .npz file (a damaged zip archive)") from None
    except NotImplementedError:  # "zip file version 6.4": a zip feature zipfile lacks
        raise _Bad("a zip archive of a newer kind than ActLab can read; save it with "
                   "numpy.savez") from None
    members: dict[str, zipfile.ZipInfo] = {}
    for info in z.infolist():
        name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
        if name not in members or info.filename.endswith(".npy"):
            members[name] = info
    for key in ("images", "labels"):
        if key not in members:
            has = ", ".join(printable(n, 30) for n in list(members)[:6]) or "nothing"
            raise _Bad(f"no '{key}' array (the archive holds: {has})")
    wanted = [members[k] for k in ("images", "labels", "class_names") if k in members]
    if sum(i.file_size for i in wanted) > MAX_UNPACKED_BYTES:
        raise _Bad(f"the arrays unpack to more than {MAX_UNPACKED_BYTES // 2**20} MB")
    return z, members


@contextlib.contextmanager
def _unpacking(key: str):
    """Turn what a damaged zip member raises while it is read into one _Bad."""
    try:
        yield
    except _UNPACK_ERRORS:
        raise _Bad(f"'{key}' is damaged (the zip archive cannot be unpacked)") from None
    except (NotImplementedError, RuntimeError):  # zipfile: an unknown version or
        # compression, or an encrypted member (found by the fuzz test)
        raise _Bad(f"'{key}' is stored with a zip feature ActLab cannot unpack (an unusual "
                   "compression or encryption); save it with numpy.savez") from None


class _Member:
    """One array of the archive, opened: its header read, the stream at its data."""

    def __init__(self, z: zipfile.ZipFile, info: zipfile.ZipInfo, key: str) -> None:
        self.key = key
        if not info.filename.endswith(".npy"):
            raise _Bad(f"'{key}' is not a NumPy array (a member without '.npy'); save the "
                       "arrays with numpy.savez")
        fmt = np.lib.format
        with _unpacking(self.key):
            self.stream = z.open(info)
            try:
                version = fmt.read_magic(self.stream)
                if version == (1, 0):
                    shape, fortran, dtype = fmt.read_array_header_1_0(self.stream)
                elif version == (2, 0):
                    shape, fortran, dtype = fmt.read_array_header_2_0(self.stream)
                else:  # 3.0 only for structured arrays with non-Latin field names
                    raise _Bad(f"'{key}' is not a plain array of numbers (.npy format "
                               f"{version[0]}.{version[1]})")
            except ValueError as e:
                raise _Bad(f"'{key}' is not a readable array ({printable(str(e), 80)})"
                           ) from None
        if dtype.hasobject:
            raise _Bad(f"'{key}' holds Python objects (a pickled array); ActLab reads only "
                       "plain numbers and strings")
        self.shape: tuple[int, ...] = tuple(int(s) for s in shape)
        self.fortran, self.dtype = bool(fortran), dtype
        self.nbytes = int(np.prod(self.shape, dtype=object)) * dtype.itemsize

    def read(self, count: int) -> np.ndarray:
        """The next ``count`` values, as a flat read-only array."""
        want = count * self.dtype.itemsize
        with _unpacking(self.key):
            parts, got = [], 0
            while got < want:
                part = self.stream.read(min(want - got, 1 << 24))
                if not part:
                    raise _Bad(f"'{self.key}' is damaged (it holds fewer numbers than its "
                               f"shape {self.shape} says)")
                parts.append(part)
                got += len(part)
        data = parts[0] if len(parts) == 1 else b"".join(parts)
        return np.frombuffer(data, dtype=self.dtype, count=count)

    def read_all(self) -> np.ndarray:
        flat = self.read(int(np.prod(self.shape, dtype=np.int64)))
        return flat.reshape(self.shape, order="F" if self.fortran else "C")


def _image_shape(m: _Member) -> tuple[int, int, int]:
    """(n, H, W) of the images, from the header alone: every limit is checked before a
    pixel is unpacked."""
    shape = m.shape
    if len(shape) == 4:
        if shape[1] == 1 or shape[3] == 1:  # (n, 1, H, W) or (n, H, W, 1): grey
            shape = (shape[0], shape[2], shape[3]) if shape[1] == 1 else shape[:3]
        elif shape[3] in (3, 4):
            raise _Bad(f"'images' has shape {m.shape}: looks like colour images with "
                       f"channels last (n, H, W, {shape[3]}); ActLab images are greyscale, "
                       "save them grey as (n, H, W), e.g. images.mean(axis=-1)")
        else:
            raise _Bad(f"'images' has shape {m.shape}: {shape[1]} channels, but ActLab "
                       "images are greyscale, (n, 1, H, W) or (n, H, W)")
    if len(shape) != 3:
        raise _Bad(f"'images' must have shape (n, H, W) or (n, 1, H, W) or (n, H, W, 1), "
                   f"got {m.shape}")
    n, h, w = shape
    if n == 0 or h == 0 or w == 0:
        raise _Bad(f"'images' is empty (shape {m.shape})")
    if n > MAX_IMAGES:
        raise _Bad(f"{n} images; ActLab takes at most {MAX_IMAGES} (save a subset)")
    if max(h, w) > MAX_SIDE:
        raise _Bad(f"images of {h}x{w} px; at most {MAX_SIDE} px a side")
    if m.dtype.kind not in "biuf":
        raise _Bad(f"'images' must hold numbers, got dtype {printable(str(m.dtype), 30)}")
    if m.nbytes > MAX_UNPACKED_BYTES:
        raise _Bad(f"'images' unpacks to {m.nbytes / 2**20:,.0f} MB ({n} images of {h}x{w} "
                   f"px as {m.dtype}); at most {MAX_UNPACKED_BYTES // 2**20} MB")
    return n, h, w


def _decode_images(m: _Member, n: int, h: int, w: int, target: int) -> np.ndarray:
    """(n, target, target) float64 ink in [0, 1]: unpacked, checked, scaled and resized a
    chunk of images at a time."""
    kind = m.dtype.kind
    out = np.empty((n, target, target))
    per = max(1, CHUNK_PIXELS // (h * w))
    whole = m.read_all().reshape(n, h, w) if m.fortran else None
    lo, hi, bad = np.inf, -np.inf, False
    for start in range(0, n, per):
        stop = min(n, start + per)
        raw = whole[start:stop] if whole is not None else \
            m.read((stop - start) * h * w).reshape(stop - start, h, w)
        if kind == "b":
            x = (raw.view(np.uint8) != 0).astype(np.float64)
        elif kind in "iu":
            lo, hi = min(lo, int(raw.min())), max(hi, int(raw.max()))
            bad = bad or lo < 0 or hi > 255
            if bad:  # keep reading: the message gives the range of the whole array
                continue
            x = raw.astype(np.float64)
            x /= 255.0
        else:
            x = raw.astype(np.float64)
            if not np.isfinite(x).all():
                raise _Bad("'images' contains NaN or infinite values")
            lo, hi = min(lo, float(x.min())), max(hi, float(x.max()))
            bad = bad or lo < 0.0 or hi > 1.0
            if bad:
                continue
        out[start:stop] = square_and_resize(x, target)
    if bad and kind in "iu":
        raise _Bad(f"integer images must be grey levels 0 to 255, found {lo} to {hi}")
    if bad:
        raise _Bad(f"float images must lie in [0, 1], found {lo:g} to {hi:g} (for grey "
                   "levels 0-255 divide by 255 or save as uint8)")
    return out


def _labels(m: _Member, n: int) -> np.ndarray:
    if len(m.shape) != 1 or m.shape[0] != n:
        raise _Bad(f"'labels' must have shape ({n},), one per image, got {m.shape}")
    code = m.dtype.kind
    if code not in "biuf":
        raise _Bad(f"'labels' must be whole numbers, got dtype {printable(str(m.dtype), 30)}")
    y = m.read_all()
    if code == "f":
        if not np.isfinite(y).all() or (y != np.round(y)).any():
            raise _Bad("'labels' must be whole numbers (class indices 0, 1, ...)")
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


def _class_names(m: _Member | None, k: int) -> tuple[str, ...]:
    if m is None:
        return tuple(str(c) for c in range(k))
    if not np.issubdtype(m.dtype, np.str_) or len(m.shape) != 1:
        raise _Bad("'class_names' must be a 1-D array of strings")
    if m.shape[0] != k:
        raise _Bad(f"'class_names' has {m.shape[0]} names for {k} classes")
    if m.nbytes > MAX_NAMES_BYTES:
        raise _Bad(f"'class_names' is {m.nbytes // 2**20} MB; class names are short words")
    names = tuple(printable(str(s).strip(), MAX_NAME_CHARS) for s in m.read_all())
    if any(not s for s in names):
        raise _Bad("'class_names' has an empty name")
    if len(set(names)) != k:
        raise _Bad("'class_names' has a name twice")
    return names


def side_for(side: int) -> int:
    """The size (8-32) images of ``side`` px are read at when no size is asked for: their
    own side when it is 8 to 32, else the nearer of 8 and 32."""
    return min(max(side, MIN_SIZE), MAX_SIZE)


def npz_size(path: str | os.PathLike) -> int | None:
    """The size :func:`load_npz` reads the ``.npz`` at ``path`` at when given no size
    (:func:`side_for` of its images' longer side), from the array's header alone -- no
    pixel is unpacked; None when the file cannot tell (missing, damaged, not images: the
    loader then says what is wrong)."""
    try:
        z, members = _open_zip(_read_archive(os.fspath(path)))
        with z:
            _, h, w = _image_shape(_Member(z, members["images"], "images"))
    except (_Bad, TypeError, ValueError):
        return None
    return side_for(max(h, w))


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
        z, members = _open_zip(_read_archive(filename))
        # np.errstate: an overflowing cast (float128 1e4000) becomes inf, which the checks
        # report, instead of a RuntimeWarning line on stderr
        with z, np.errstate(all="ignore"):
            images = _Member(z, members["images"], "images")
            n, h, w = _image_shape(images)
            labels = _labels(_Member(z, members["labels"], "labels"), n)
            names_member = members.get("class_names")
            names = _class_names(None if names_member is None else
                                 _Member(z, names_member, "class_names"),
                                 int(labels.max()) + 1)
            side = max(h, w)
            target = size if size is not None else side_for(side)
            resized = _decode_images(images, n, h, w, target)
    except _Bad as e:
        raise ImageFileError(filename, str(e)) from None
    except MemoryError:
        raise ImageFileError(filename, "not enough memory to read the images (save fewer "
                                       "or smaller images)") from None
    what = os.path.basename(filename)
    if (h, w) != (target, target):
        what += f" (from {h}x{w} px)"
    try:
        return from_arrays(resized, labels, names, target, train_fraction, seed,
                           printable(what, 80))
    except MemoryError:
        raise ImageFileError(filename, "not enough memory to read the images (save fewer "
                                       "or smaller images)") from None
