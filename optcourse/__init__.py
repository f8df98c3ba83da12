"""optcourse: the library behind an open course on optimization for deep learning.

    optim        first-order optimizers and learning-rate schedules
    surfaces     2-D landscapes with gradients and Hessians
    derivatives  finite differences, gradient checks, SymPy helpers
    critical     critical points, their classification, escaping saddles
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
    course       release lessons, self-checks, class grading (import explicitly)
"""
from . import (animate, critical, data, derivatives, linesearch, network, optim, plots, problems, runner,
               surfaces, training)
from .linear_cg import linear_cg
from .minimize import MinimizeResult, minimize
from .roots import newton_root
from .runner import race, run, run_many
from .data import load_digits
from .network import MLP
from .surfaces import get_surface
from .training import train

__version__ = "0.1.0"
__all__ = ["optim", "surfaces", "derivatives", "critical", "network", "data", "training",
           "get_surface", "MLP", "train", "load_digits", "minimize", "MinimizeResult", "linear_cg",
           "newton_root", "linesearch", "problems", "runner", "plots", "animate", "run", "race", "run_many"]
