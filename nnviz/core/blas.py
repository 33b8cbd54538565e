"""One BLAS thread for the processes nnviz starts: their matrices are small, and idle BLAS threads spinning on a
2-core machine slow everything else down (the window, training; a cost surface took 0.9 s with them, 0.3 s
without)."""

from __future__ import annotations

import os
from contextlib import contextmanager

BLAS_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@contextmanager
def one_blas_thread():
    """Within the block, processes started get one BLAS thread (the environment is put back after)."""
    saved = {k: os.environ.get(k) for k in BLAS_THREAD_VARS}
    os.environ.update({k: "1" for k in BLAS_THREAD_VARS})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
