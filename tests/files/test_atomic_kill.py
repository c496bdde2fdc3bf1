"""Kill-during-save: SIGKILL a process that saves a big lab over and over.

After every kill the target must load and be one of the two complete labs the process
alternates between (never a mix, never empty), and the next save must remove the
temporary file the killed process left behind.  Most kills are aimed into the write
window: the saver is stopped (SIGSTOP) the moment its temporary file exists and killed
while it still does, so those kills leave a temporary file for certain; the others come
at random moments of the save loop.  The test waits on files and processes, never on
fixed sleeps.
"""
from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from actlab.labfile.format import load_lab, save_lab

ROOT = Path(__file__).resolve().parents[2]
KILLS = 16
TIMEOUT = 120.0  # seconds for any one wait, generous for a busy CI machine

SAVER = r"""
import sys
sys.path.insert(0, sys.argv[1])
from tests.files.test_atomic_kill import lab_version
from actlab.labfile import save_lab
labs = [lab_version(0), lab_version(1)]
print("ready", flush=True)
i = 0
while True:
    save_lab(labs[i % 2], sys.argv[2])
    i += 1
"""


def lab_version(k: int):
    """One of two big labs (20,000 points, about 1 MB) that differ in every point."""
    from actlab.lab import DataSpec, Lab
    n = 20_000
    pts = tuple((i / n + k, -i / 7 - k, float((i + k) % 2)) for i in range(n))
    return Lab(name=f"version {k}", data=DataSpec(generator="custom", problem="classification",
                                                  train_points=pts[:15_000],
                                                  test_points=pts[15_000:]))


def _is_stopped(pid: int) -> bool:
    """True once the process is in the stopped state ('T' in /proc/PID/stat)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: nothing better to wait on
    return stat.rsplit(")", 1)[1].split()[0] in ("T", "t")


def _wait_for(condition, what: str):
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.0005)


def _temps(folder: Path) -> list[str]:
    return [n for n in os.listdir(folder) if re.fullmatch(r"\.lab\.actlab\.\d+\.[0-9a-f]{8}\.tmp", n)]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL") or not hasattr(signal, "SIGSTOP"),
                    reason="needs POSIX signals")
def test_sigkill_during_save_never_corrupts_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "lab.actlab"
    versions = [lab_version(0), lab_version(1)]
    save_lab(versions[0], target)
    rng = random.Random(8)
    env = dict(os.environ, PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1")
    left_behind = aimed = 0
    for kill in range(KILLS):
        child = subprocess.Popen([sys.executable, "-c", SAVER, str(ROOT), str(target)],
                                 stdout=subprocess.PIPE, env=env, text=True)
        try:
            assert child.stdout.readline().strip() == "ready"
            if kill % 4 != 3:  # aimed: stop it while its temporary file exists, then kill
                aimed += 1
                while True:
                    _wait_for(lambda: _temps(tmp_path) or child.poll() is not None,
                              "a temporary file")
                    assert child.poll() is None, "the saver died on its own"
                    for _ in range(rng.randrange(30)):  # let the write go on a little
                        time.sleep(0)
                    child.send_signal(signal.SIGSTOP)
                    if _temps(tmp_path):
                        break
                    child.send_signal(signal.SIGCONT)  # renamed meanwhile: next save
            else:  # at any moment, once it has saved at least once
                mtime = target.stat().st_mtime_ns
                _wait_for(lambda: target.stat().st_mtime_ns != mtime, "a finished save")
                time.sleep(rng.uniform(0, 0.05))
            child.kill()
        finally:
            child.kill()
            child.wait()  # reaped: its pid is no longer alive
            child.stdout.close()
        leftovers = _temps(tmp_path)
        left_behind += bool(leftovers)
        lab = load_lab(target)  # loads: complete, never a mix
        assert lab in versions, f"kill {kill}: the target is neither version"
        save_lab(versions[kill % 2], target)  # the next save removes what the kill left
        assert os.listdir(tmp_path) == ["lab.actlab"], f"kill {kill}: {os.listdir(tmp_path)}"
        assert load_lab(target) == versions[kill % 2]
    assert left_behind >= aimed  # every aimed kill left a temporary file, and it was removed
