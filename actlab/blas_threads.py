"""Keep NumPy's BLAS single-threaded for ActLab's tiny matrices.

ActLab multiplies matrices of a few dozen rows.  A BLAS thread pool gains nothing there and
loses badly on a busy machine: with both cores of a classroom laptop taken by other
programs, 10 × 64 training ran at 6.4 epochs/s with OpenBLAS's default threads against 86.9
epochs/s with one thread.  So ActLab asks for one BLAS thread unless told otherwise:

* before NumPy is loaded (the app, the CLI, the frozen build: ``actlab`` is imported first)
  the usual environment variables are set, which every BLAS reads when it starts;
* when NumPy was loaded first (a notebook), the running BLAS is limited with threadpoolctl.

A variable the user set (``OPENBLAS_NUM_THREADS=4``) is respected, and
``ACTLAB_BLAS_THREADS=N`` chooses another number for ActLab itself.
"""
from __future__ import annotations

import os
import sys

# The variables the common BLAS builds (OpenBLAS, MKL, BLIS, Accelerate) and OpenMP read.
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                    "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")

_limiter = None  # the threadpoolctl limit, kept alive for the life of the process


def wanted_threads() -> int:
    """The BLAS thread count ActLab asks for (``ACTLAB_BLAS_THREADS``, default 1)."""
    try:
        n = int(os.environ.get("ACTLAB_BLAS_THREADS", "1"))
    except ValueError:
        n = 1
    return max(1, n)


def limit_blas_threads() -> None:
    """Ask for :func:`wanted_threads` BLAS threads (see the module docstring).  Safe to
    call more than once; never raises."""
    global _limiter
    n = str(wanted_threads())
    explicit = "ACTLAB_BLAS_THREADS" in os.environ
    user_set = any(v in os.environ for v in THREAD_VARIABLES)
    for var in THREAD_VARIABLES:
        if explicit:
            os.environ[var] = n
        else:
            os.environ.setdefault(var, n)
    if "numpy" not in sys.modules or (user_set and not explicit):
        return  # the variables do it (or the user's own choice stands)
    try:
        from threadpoolctl import threadpool_limits
        _limiter = threadpool_limits(limits=int(n), user_api="blas")
    except Exception:  # noqa: BLE001 - a missing or odd BLAS must never stop ActLab
        _limiter = None


def blas_thread_counts() -> list[tuple[str, int]]:
    """(library, threads) of every BLAS loaded in this process (for --self-test and the
    About box); empty if threadpoolctl cannot tell."""
    try:
        from threadpoolctl import threadpool_info
        return [(i.get("internal_api", "?"), int(i.get("num_threads", 0)))
                for i in threadpool_info() if i.get("user_api") == "blas"]
    except Exception:  # noqa: BLE001
        return []
