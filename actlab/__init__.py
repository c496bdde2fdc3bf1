"""ActLab: see why neural networks need activation functions."""
from actlab.blas_threads import limit_blas_threads

__version__ = "0.1.0"
APP_NAME = "ActLab"

# Before anything imports NumPy through ActLab: one BLAS thread (see blas_threads.py).
limit_blas_threads()
