"""Atomic file writes -- a crash mid-write never leaves a broken or empty file -- and
bounded reads of files a user names.

Everything ActLab saves (lab files, exports, reports, CLI outputs) goes through
:func:`atomic_path`: the content is written to a fresh temporary file beside the target,
fsynced, and renamed over the target in one step.

A process killed mid-write leaves its temporary file behind.  The name of a temporary
file says whose it is -- ``.NAME.PID.HEX.tmp`` beside ``NAME`` -- so the next save of (or
:func:`clean_stale_temps` on) the same target removes the ones whose writer is gone.
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from pathlib import Path

#: A temporary file older than this is stale even if a process with its pid is alive (the
#: pid may have been reused, or the writer is stuck): no save takes ten minutes.
STALE_SECONDS = 600.0
#: Temporary files of ActLab before the pid was in the name (``.NAME.HEX.tmp``) have no
#: writer to ask; one that has not changed for a minute is stale.
LEGACY_STALE_SECONDS = 60.0
_NAME_BYTES = 200  # room for ".", ".PID.HEX.tmp" within the usual 255-byte name limit


def _temp_stem(name: str) -> str:
    """The target's name as it appears in its temporary files' names: cut to 200 UTF-8
    bytes, so a target with a long (but valid) name still gets a valid temporary name."""
    raw = name.encode("utf-8", "surrogateescape")
    return name if len(raw) <= _NAME_BYTES else \
        raw[:_NAME_BYTES].decode("utf-8", "ignore")


def _temp_pattern(name: str) -> re.Pattern:
    return re.compile(r"\." + re.escape(_temp_stem(name)) + r"\.(?:(\d+)\.)?[0-9a-f]{8}\.tmp")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of this process may be saving the same file
    if os.name == "nt":
        return True  # os.kill(pid, 0) would terminate it on Windows; only age decides there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # PermissionError: alive, another user's
        return True
    return True


def clean_stale_temps(path: str | os.PathLike) -> list[Path]:
    """Remove temporary files left beside ``path`` by interrupted saves of ``path``.

    Only names of our own exact pattern for this target are candidates, and only those
    whose writing process is not alive (or that are older than :data:`STALE_SECONDS`), so
    a save that another process is writing right now is never touched.  Never raises;
    returns the removed paths.
    """
    path = Path(path)
    pattern, removed, now = _temp_pattern(path.name), [], time.time()
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        if not m:
            continue
        with contextlib.suppress(OSError, ValueError):
            if not entry.is_file(follow_symlinks=False):
                continue
            age = now - entry.stat(follow_symlinks=False).st_mtime
            if m.group(1) is None:
                stale = age > LEGACY_STALE_SECONDS
            else:
                stale = age > STALE_SECONDS or not _pid_alive(int(m.group(1)))
            if stale:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _fresh_temp(folder: Path, name: str) -> Path:
    """Create an empty temporary file in ``folder``: O_EXCL, mode 0o666 less the umask
    (tempfile.mkstemp would make every saved file private, 0o600)."""
    stem, pid = _temp_stem(name), os.getpid()
    for _ in range(100):
        tmp = folder / f".{stem}.{pid}.{secrets.token_hex(4)}.tmp"
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
    clean_stale_temps(path)
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


class NotARegularFile(OSError):
    """The path is a FIFO, socket or device: reading it could block forever or never end."""


class FileTooLarge(OSError):
    """The file is larger than the reader accepts."""


def read_regular_file(path: str | os.PathLike, max_bytes: int,
                      follow_symlinks: bool = True) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them.

    The path is looked at (``stat``; ``lstat`` when ``follow_symlinks`` is False) and
    refused *before* it is opened unless it is a regular file: opening a device node can
    have side effects (a tape rewinds, ``/proc/self/mem``) and opening a FIFO blocks until
    a writer comes.  It is then opened non-blocking (and with ``O_NOFOLLOW`` when
    ``follow_symlinks`` is False) and checked again with fstat -- the same file, still
    regular -- so a file swapped for a FIFO or a device in between is refused too; at most
    ``max_bytes + 1`` bytes are read, in case the file grows meanwhile.  Raises
    IsADirectoryError, :class:`NotARegularFile` (also for a symbolic link when
    ``follow_symlinks`` is False), :class:`FileTooLarge` or another OSError.
    """
    name = os.fspath(path)
    before = os.stat(name, follow_symlinks=follow_symlinks)
    _check_regular(before, name)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(name, flags)
    except OSError:
        if not follow_symlinks and os.path.islink(name):  # ELOOP from O_NOFOLLOW
            raise NotARegularFile(0, "a symbolic link", name) from None
        raise
    try:
        info = os.fstat(fd)
        _check_regular(info, name)
        if (info.st_dev, info.st_ino) != (before.st_dev, before.st_ino):
            raise NotARegularFile(0, "changed while it was being opened", name)
        if info.st_size > max_bytes:
            raise FileTooLarge(0, "too large", name)
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, min(max_bytes + 1 - total, 1 << 24))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise FileTooLarge(0, "too large", name)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _check_regular(info: os.stat_result, name: str) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(21, "is a folder", name)
    if stat.S_ISLNK(info.st_mode):
        raise NotARegularFile(0, "a symbolic link", name)
    if not stat.S_ISREG(info.st_mode):
        raise NotARegularFile(0, "not a regular file", name)


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """UTF-8 text version of :func:`write_bytes_atomic`."""
    write_bytes_atomic(path, text.encode("utf-8"))
