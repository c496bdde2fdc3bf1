"""ActLab runs NumPy's BLAS with one thread (tiny matrices; busy classroom laptops), whether
ActLab or NumPy is imported first, and lets the user choose otherwise."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

threadpoolctl = pytest.importorskip("threadpoolctl")

ROOT = Path(__file__).resolve().parents[2]
CLEAN = {k: v for k, v in os.environ.items()
         if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                      "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "ACTLAB_BLAS_THREADS")}


def _blas_threads(code: str, **env) -> list[int]:
    probe = ("\nfrom threadpoolctl import threadpool_info\n"
             "print([i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas'])")
    out = subprocess.run([sys.executable, "-c", code + probe], capture_output=True, text=True,
                         check=True, cwd=ROOT, env={**CLEAN, **env}, timeout=120)
    return eval(out.stdout.strip().splitlines()[-1])


def _default_threads() -> list[int]:
    return _blas_threads("import numpy")


def test_numpy_alone_would_use_more_than_one_thread_here():
    # the premise of the tests below: without ActLab this machine's BLAS is multi-threaded
    counts = _default_threads()
    if not counts:
        pytest.skip("threadpoolctl sees no BLAS in this NumPy")
    if os.cpu_count() == 1:
        pytest.skip("one CPU: every BLAS is single-threaded anyway")
    assert max(counts) > 1


@pytest.mark.parametrize("code", [
    "import actlab.engine; import numpy",          # the app and the CLI: ActLab first
    "import numpy; numpy.ones(3).dot(numpy.ones(3)); import actlab.engine",  # a notebook
    "from actlab.engine import Trainer",
])
def test_actlab_makes_blas_single_threaded(code):
    counts = _blas_threads(code)
    if not counts:
        pytest.skip("threadpoolctl sees no BLAS in this NumPy")
    assert counts and all(n == 1 for n in counts)


def test_the_users_choice_is_respected():
    if not _default_threads() or os.cpu_count() == 1:
        pytest.skip("needs a multi-threaded BLAS")
    assert set(_blas_threads("import actlab.engine", ACTLAB_BLAS_THREADS="2")) == {2}
    assert set(_blas_threads("import actlab.engine", OPENBLAS_NUM_THREADS="2")) == {2}
    assert set(_blas_threads("import numpy; import actlab", OPENBLAS_NUM_THREADS="2")) == {2}
