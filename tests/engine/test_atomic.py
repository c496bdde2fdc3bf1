"""The one atomic-write mechanism every save goes through."""
import os
import stat

import pytest

from actlab.atomic import atomic_path, write_text_atomic


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
