"""optcourse: the library behind an open course on optimization for deep learning.

    optim        first-order optimizers and learning-rate schedules
    surfaces     2-D landscapes with gradients and Hessians
    derivatives  finite differences, gradient checks, SymPy helpers
    critical     critical points, their classification, escaping saddles
    linear_models  least squares and logistic regression losses, minibatch descent (lesson 01)
    network      a tiny NumPy MLP and loss-landscape probes
    data         the 8x8 digits, synthetic data, minibatches
    training     a training loop that records what happened
    minimize     Newton, quasi-Newton (DFP, BFGS, L-BFGS) and nonlinear CG, scipy-style
    linesearch   Armijo backtracking, strong Wolfe, exact steps on quadratics
    linear_cg    conjugate gradient for symmetric positive definite systems
    roots        Newton's method for a root of a scalar function
    problems     Moré-Garbow-Hillstrom test problems with exact derivatives
    runner       run any optimizer on a surface and record path, loss, gradient norm
    plots        the course's figures, one colour-blind-safe style per optimizer
    animate      animated paths for notebooks and static pages
    widgets      live experiments (import explicitly: it loads ipywidgets)
    landscape_widgets  gradient vs direction to the minimum under ill-conditioning (lesson 03)
    newton_widgets  tangent steps, Armijo/Wolfe acceptable steps, root and line-search widgets (lesson 06)
    tuning       fair optimizer races: success, steps to a threshold, learning-rate tuning (lesson 09)
    heuristics   simulated annealing, genetic algorithm, particle swarm, ant colony (lesson 10)
    constrained  projections, projected and proximal gradient, soft thresholding, coordinate descent
    multiobjective  dominance, non-dominated sorting, crowding distance, NSGA-II
    heuristic_widgets  the simulated-annealing widget (lesson 10)
    cg_widgets   SPD test matrices, CG error bounds, zig-zag and spectrum widgets (lesson 07)
    course       release lessons, self-checks, class grading (import explicitly)
    threads      one BLAS thread for the course's small matrices, set on import
"""
import importlib

from .threads import use_one_blas_thread

use_one_blas_thread()   # before anything below loads a BLAS of its own

from . import optim  # noqa: E402
# These functions share their module's name; importing them here makes `optcourse.minimize` the
# function whatever was imported first (a submodule import would otherwise bind the module).
from .linear_cg import linear_cg  # noqa: E402
from .minimize import MinimizeResult, minimize  # noqa: E402

__version__ = "0.1.0"

# The other submodules load on first use (PEP 562), so `import optcourse` stays fast: the grader
# starts fresh processes per submission, and matplotlib takes half a second to import.
SUBMODULES = ("optim", "surfaces", "derivatives", "critical", "network", "data", "training", "minimize",
              "linesearch", "linear_cg", "roots", "problems", "runner", "plots", "animate", "widgets",
              "landscape_widgets", "linear_models", "newton_widgets", "cg_widgets",
              "tuning", "heuristics", "constrained", "multiobjective", "heuristic_widgets", "figures", "course",
              "threads")
SHORTCUTS = {"get_surface": "surfaces", "MLP": "network", "train": "training", "load_digits": "data",
             "newton_root": "roots", "run": "runner", "race": "runner", "run_many": "runner"}
__all__ = [*SUBMODULES, *SHORTCUTS, "MinimizeResult"]


def __getattr__(name):
    if name in SHORTCUTS:   # a function or class, e.g. optcourse.minimize is the function
        return getattr(importlib.import_module(f".{SHORTCUTS[name]}", __name__), name)
    if name in SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'optcourse' has no attribute {name!r}")
