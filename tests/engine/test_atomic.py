"""The one atomic-write mechanism every save goes through."""
import os
import stat
import time

import pytest

from actlab.atomic import (LEGACY_STALE_SECONDS, STALE_SECONDS, atomic_path,
                           clean_stale_temps, write_text_atomic)


def test_new_file_honours_the_umask_and_replacing_keeps_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        target = tmp_path / "figure.csv"
        write_text_atomic(target, "a\n")
        assert stat.S_IMODE(target.stat().st_mode) == 0o644  # readable, as any saved file
        target.chmod(0o600)
        write_text_atomic(target, "b\n")
        assert target.read_text() == "b\n" and stat.S_IMODE(target.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_error_inside_the_block_leaves_the_old_file_and_no_temp(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash mid-write")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]


# ------------------------------------------------------------------ stale temporary files

def _dead_pid() -> int:
    import subprocess
    import sys
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # reaped: no process has this pid now (pids are not reused this fast)
    return child.pid


def _touch(path, age: float = 0.0):
    path.write_text("partial")
    if age:
        t = time.time() - age
        os.utime(path, (t, t))
    return path


@pytest.mark.skipif(os.name == "nt", reason="on Windows only the age of a temp file counts")
def test_clean_removes_only_our_stale_temps_for_that_target(tmp_path):
    target = tmp_path / "lab.actlab"
    dead, live = _dead_pid(), os.getppid()
    stale = [_touch(tmp_path / f".lab.actlab.{dead}.0123abcd.tmp"),  # writer gone
             _touch(tmp_path / f".lab.actlab.{live}.0123abce.tmp", age=STALE_SECONDS + 5),
             _touch(tmp_path / ".lab.actlab.89abcdef.tmp", age=LEGACY_STALE_SECONDS + 5)]
    kept = [_touch(tmp_path / f".lab.actlab.{live}.0123abcf.tmp"),  # a live writer's
            _touch(tmp_path / f".lab.actlab.{os.getpid()}.0123abd0.tmp"),  # another thread's
            _touch(tmp_path / ".lab.actlab.89abcdee.tmp"),  # old pattern, still fresh
            _touch(tmp_path / f".other.actlab.{dead}.0123abcd.tmp"),  # another target's
            _touch(tmp_path / f".lab.actlab.{dead}.0123abcd.tmp.keep"),
            _touch(tmp_path / f"lab.actlab.{dead}.0123abcd.tmp"),
            _touch(tmp_path / f".lab.actlab.{dead}.0123ABCD.tmp")]
    (tmp_path / f".lab.actlab.{dead}.0123abd1.tmp").mkdir()  # not a file: never removed
    removed = clean_stale_temps(target)
    assert sorted(removed) == sorted(stale)
    assert all(p.exists() for p in kept) and not any(p.exists() for p in stale)


@pytest.mark.skipif(os.name == "nt", reason="on Windows only the age of a temp file counts")
def test_the_next_save_cleans_up_after_an_interrupted_one(tmp_path):
    target = tmp_path / "lab.actlab"
    _touch(tmp_path / f".lab.actlab.{_dead_pid()}.0123abcd.tmp")
    write_text_atomic(target, "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lab.actlab"]


def test_temp_files_name_their_writer(tmp_path):
    with atomic_path(tmp_path / "lab.actlab") as tmp:
        assert tmp.name.startswith(f".lab.actlab.{os.getpid()}.") and tmp.name.endswith(".tmp")
        tmp.write_text("x")


def test_clean_never_raises(tmp_path):
    assert clean_stale_temps(tmp_path / "missing-folder" / "lab.actlab") == []
