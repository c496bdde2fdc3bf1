"""Decode one picture file into grey ink with Qt, quietly and within bounds.

Used by :mod:`actlab.kinds.image_folder` (outside the engine, so ``actlab.engine`` stays
NumPy only; PySide6 is imported only when a picture is decoded).

* The picture's size is read from its header (``QImageReader.size()``) before it is
  decoded: a picture of more than :data:`MAX_PIXELS` is refused as *too large*, naming
  its size and the limit, instead of Qt failing to allocate it and the student being told
  it is damaged.
* Decoders write to stderr on damaged files: libpng prints ``libpng error: ...`` straight
  to the C stream, Qt's JPEG and image-IO code through Qt's message handler.  While a
  picture is decoded both are caught (:func:`quiet_decoding`); the problem reaches the
  student once, as the :class:`ImageFileError`.  Anything else written meanwhile (by
  another thread) is passed on afterwards.
* The conversion to grey works on bands of rows with lookup tables, so a 4096 x 4096
  picture costs its grey float64 array and a band, not a float64 copy of every RGBA
  channel, and a tenth of the time.

Grey, paper and ink: transparent pixels are laid on white paper first, then luminance
0.299 R + 0.587 G + 0.114 B; a picture with a light border (mean above 0.5) is dark
strokes on paper and is inverted, so ink is 1.
"""
from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from pathlib import Path

import numpy as np

from actlab.atomic import FileTooLarge, NotARegularFile, read_regular_file
from actlab.engine.data.images import ImageFileError

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_SIDE_PIXELS = 4096
MAX_PIXELS = MAX_SIDE_PIXELS * MAX_SIDE_PIXELS
_BAND_PIXELS = 1 << 20  # rows converted to grey at a time: a few 8 MB float64 bands
_LEVEL = np.arange(256) / 255.0
_RED, _GREEN, _BLUE = 0.299 * _LEVEL, 0.587 * _LEVEL, 0.114 * _LEVEL
# Lines decoders print on their own that the ImageFileError already reports.
_DECODER_NOISE = (b"libpng ", b"qt.gui.imageio")


def _too_large(w: int, h: int) -> str:
    return (f"{w}x{h} px is too large: ActLab reads pictures of at most "
            f"{MAX_PIXELS / 1e6:.1f} million pixels ({MAX_SIDE_PIXELS}x{MAX_SIDE_PIXELS}); "
            "make it smaller first")


@contextlib.contextmanager
def quiet_decoding():
    """Keep decoder messages off stderr while the block runs: Qt's message handler drops
    image-IO messages, and file descriptor 2 is sent to a temporary file whose lines are
    written back afterwards, except the decoders' own (``libpng error: ...``)."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(mode, context, message):
        category = context.category or ""
        if category.startswith("qt.gui.imageio") or message.startswith("libpng"):
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            if sys.stderr is not None:  # a windowed app (Windows, macOS) has none
                sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(handler)
    saved = capture = None
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        capture = tempfile.TemporaryFile()
        os.dup2(capture.fileno(), 2)
    except (OSError, ValueError, AttributeError):  # no usable stderr (a windowed app)
        if capture is not None:
            capture.close()
        saved = capture = None
    try:
        yield
    finally:
        qInstallMessageHandler(previous)
        if saved is not None:
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            kept = [line for line in capture.read().splitlines(keepends=True)
                    if not line.startswith(_DECODER_NOISE)]
            capture.close()
            if kept:
                os.write(2, b"".join(kept))


def _read(file: Path) -> bytes:
    try:
        return read_regular_file(file, MAX_IMAGE_BYTES)
    except FileTooLarge:
        raise ImageFileError(file, f"larger than {MAX_IMAGE_BYTES // 2**20} MB") from None
    except NotARegularFile:
        raise ImageFileError(file, "not a regular file") from None
    except OSError as e:
        raise ImageFileError(file, f"cannot read the file: {e.strerror or e}") from None


def picture_size(file: Path) -> tuple[int, int] | None:
    """(width, height) of the picture at ``file`` from its header alone (no decoding), or
    None when the header does not tell.  Call it inside :func:`quiet_decoding`."""
    from PySide6.QtGui import QImageReader

    try:  # Qt would block opening a FIFO named like a picture: regular files only
        if not stat.S_ISREG(os.stat(file).st_mode):
            return None
    except (OSError, ValueError):
        return None
    size = QImageReader(str(file)).size()
    return (size.width(), size.height()) if size.isValid() else None


def check_size(file: Path, width: int, height: int, shown: str | None = None) -> None:
    """ImageFileError naming ``file`` when a picture of ``width`` x ``height`` is more than
    ActLab decodes."""
    if width * height > MAX_PIXELS:
        raise ImageFileError(file, _too_large(width, height), shown)


def _grey_on_paper(image) -> np.ndarray:
    """(H, W) float64 luminance of an RGBA8888 QImage laid on white paper, by bands of
    rows with lookup tables of the 256 levels of each channel (ten times faster than
    float64 arithmetic on every channel, and no full-size float64 RGBA copy)."""
    h, w = image.height(), image.width()
    rgba = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    rgba = rgba.reshape(h, image.bytesPerLine())[:, : 4 * w].reshape(h, w, 4)
    grey = np.empty((h, w))
    band = max(1, _BAND_PIXELS // w)
    for top in range(0, h, band):
        part = rgba[top:top + band]
        lum = _RED[part[..., 0]]
        lum += _GREEN[part[..., 1]]
        lum += _BLUE[part[..., 2]]
        lum -= 1.0  # alpha * lum + (1 - alpha): on white paper
        lum *= _LEVEL[part[..., 3]]
        lum += 1.0
        grey[top:top + band] = lum
    return grey


def decode_picture(file: Path) -> np.ndarray:
    """The picture at ``file`` as grey ink in [0, 1], (H, W) float64.  Raises
    :class:`ImageFileError` naming ``file`` for anything that stops it."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QImageReader

    data = _read(file)
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    with quiet_decoding():
        reader = QImageReader(buffer)
        size = reader.size()
        if size.isValid():
            check_size(file, size.width(), size.height())
        image = reader.read()
    if image.isNull():
        limit = QImageReader.allocationLimit()  # MB; Qt refuses larger, 0: no limit
        if size.isValid() and 0 < limit < size.width() * size.height() * 4 / 2**20:
            raise ImageFileError(file, f"{size.width()}x{size.height()} px is too large for "
                                       f"Qt's image reader (at most {limit} MB a picture)")
        raise ImageFileError(file, "not a picture Qt can read (damaged, or not really "
                                   f"{file.suffix.lstrip('.').upper()})")
    check_size(file, image.width(), image.height())  # a header that did not tell
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    if image.isNull():  # Qt could not allocate the converted copy
        raise MemoryError
    grey = _grey_on_paper(image)
    del image
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    if border.mean() > 0.5:
        np.subtract(1.0, grey, out=grey)
    return grey
