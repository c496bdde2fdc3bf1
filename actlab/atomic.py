"""Atomic file writes: a crash mid-write never leaves a broken or empty file.

Everything ActLab saves (lab files, exports, reports, CLI outputs) goes through
:func:`atomic_path`: the content is written to a fresh temporary file beside the target,
fsynced, and renamed over the target in one step.
"""
from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path


def _fresh_temp(folder: Path, name: str) -> Path:
    """Create an empty temporary file in ``folder``: O_EXCL, mode 0o666 less the umask
    (tempfile.mkstemp would make every saved file private, 0o600)."""
    for _ in range(100):
        tmp = folder / f".{name}.{secrets.token_hex(4)}.tmp"
        with contextlib.suppress(FileExistsError):
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                             | getattr(os, "O_BINARY", 0), 0o666))
            return tmp
    raise FileExistsError(f"no free temporary file name in {folder}")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` to write to.  When the block ends without
    an error the file is fsynced and renamed over ``path`` (keeping the permissions of
    the file it replaces); on any error, KeyboardInterrupt included, the temporary file
    is removed and ``path`` is left untouched."""
    path = Path(path)
    tmp = _fresh_temp(path.parent, path.name)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        with contextlib.suppress(OSError):  # keep the permissions of the file we replace
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError, AttributeError):  # make the rename durable (POSIX)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """UTF-8 text version of :func:`write_bytes_atomic`."""
    write_bytes_atomic(path, text.encode("utf-8"))
