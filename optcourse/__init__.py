"""optcourse: the library behind an open course on optimization for deep learning.

Its folders follow the course:

    optim        first-order optimizers, learning-rate schedules, convergence rates, the registry (lessons 01, 04, 05, 08, 11)
    landscapes   surfaces, test problems, derivatives, critical points, conditioning (lessons 02, 03)
    learning     data, linear models, the NumPy network, the training loop (lessons 01, 03)
    secondorder  minimize (Newton, DFP, BFGS, L-BFGS, nonlinear CG), line searches, linear CG, roots (06, 07)
    experiments  run any optimizer on a surface; fair races and learning-rate tuning (lesson 09)
    beyond       heuristics, constrained and multi-objective optimization (lesson 10)
    viz          the course's figures and animations, one colour-blind-safe style per optimizer
    widgets      live experiments, one module per topic (import explicitly: it loads ipywidgets)
    course       build, release and grade the lessons (import explicitly)
    validation   the checks every public function runs on its arguments
    threads      one BLAS thread for the course's small matrices, set on import

`import optcourse` loads neither SciPy, Matplotlib nor Jupyter: each part loads on first use (PEP 562), since the grader
starts a fresh process per submission and SciPy and Matplotlib take about a second to import.
The functions used most are also here: ``optcourse.minimize``, ``optcourse.run``, ``optcourse.MLP``...
"""
import importlib

from .threads import use_one_blas_thread

use_one_blas_thread()   # before anything below loads a BLAS of its own

__version__ = "0.1.0"

SUBPACKAGES = ("optim", "landscapes", "learning", "secondorder", "experiments", "beyond", "viz", "widgets",
               "course", "validation", "threads")
SHORTCUTS = {"minimize": "secondorder.minimizer", "MinimizeResult": "secondorder.minimizer",
             "linear_cg": "secondorder.conjugate_gradient", "newton_root": "secondorder.roots",
             "get_surface": "landscapes.surfaces", "MLP": "learning.network", "train": "learning.training",
             "load_digits": "learning.data", "run": "experiments.runner", "race": "experiments.runner",
             "run_many": "experiments.runner"}
__all__ = [*SUBPACKAGES, *SHORTCUTS]


def __getattr__(name):
    if name in SHORTCUTS:
        return getattr(importlib.import_module(f".{SHORTCUTS[name]}", __name__), name)
    if name in SUBPACKAGES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'optcourse' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *__all__])
