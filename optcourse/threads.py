"""One BLAS thread, set when optcourse is imported.

The course's matrices are tiny (the largest has a few thousand entries). On them a multi-threaded
BLAS spends more time waking and synchronising its threads than computing, and on a machine where
other work competes for the cores (a shared JupyterHub server, a laptop with a browser open) those
waits grow without bound: one lesson cell measured 70 s instead of 6.6 s. So optcourse asks for one
BLAS thread, without the student doing anything:

* for the BLAS libraries already loaded (NumPy's), through threadpoolctl;
* for those loaded later (SciPy ships its own OpenBLAS), through the environment variables they read
  when they start.

A thread count the user chose in the environment is kept as it is. To use more threads for a large
computation of your own: ``with threadpoolctl.threadpool_limits(4): ...``.
"""
import os

VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def use_one_blas_thread() -> bool:
    """Limit BLAS to one thread unless the environment already says how many; True if it did."""
    if any(os.environ.get(name) for name in VARIABLES):
        return False
    for name in VARIABLES:
        os.environ[name] = "1"
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:          # a browser Python (Pyodide) has no BLAS threads to limit
        return True
    threadpool_limits(limits=1, user_api="blas")
    return True
