r"""Drive an optimizer on a 2-D surface for a number of steps and record what it did.

    run("Adam", "rosenbrock", steps=200, lr=0.05)        # one optimizer: a Run
    run("bfgs", "rosenbrock")                            # a minimize method: the same kind of Run
    race("rosenbrock", ["SGD", "Momentum", "Adam"])      # several, with suggested hyperparameters
    run_many("Adam", "himmelblau", starts, lr=0.1)       # one optimizer from many starts at once

A :class:`Run` holds the iterates :math:`x_0, \dots, x_k` (``path``), the loss :math:`f(x_i)`
(``loss``) and the gradient norm :math:`\lVert\nabla f(x_i)\rVert_2` (``grad_norm``) at each of them.

The optimizer can be named in three ways:

- a first-order optimizer of :mod:`optcourse.optim` (``"SGD"``, ``"Adam"``, ``"Lion"``, ...) or its
  class; the loop is the one of every lesson, ``opt.step(surface.gradient(x))``;
- a variant the course names on its own: ``"Momentum"`` (SGD with momentum 0.9), ``"Nesterov"``
  (the same with ``nesterov=True``) and ``"AMSGrad"`` (Adam with ``amsgrad=True``);
- a method of :func:`optcourse.secondorder.minimizer.minimize` (``"gd", "newton", "dfp", "bfgs", "lbfgs",
  "cg"``), run with ``maxiter=steps``; the runner only reads ``path`` from the result, so any
  function with that interface can be passed as ``minimizer=``.

Names ignore case, spaces, hyphens and underscores (``"l-bfgs"``, ``"heavy ball"``).

An optimizer whose gradient stops being finite (a learning rate too large for the surface) is
stopped there: its path ends at the last finite point and ``diverged`` is True.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from optcourse import optim
from optcourse.landscapes.surfaces import Surface, get_surface
from optcourse.optim.registry import MINIMIZE_METHODS, REGISTRY, lookup, suggested_lr
from optcourse.validation import whole

NAMES = tuple(REGISTRY)       # every optimizer the course names (optcourse.optim.registry)


def optimizer_name(optimizer) -> str:
    """The course's name for an optimizer given by name or class: ``"adam"`` -> ``"Adam"``.

    Raises ValueError listing the known names for anything else.

    Example:
        >>> optimizer_name("l-bfgs"), optimizer_name(optim.SGD)
        ('lbfgs', 'SGD')
    """
    if isinstance(optimizer, type) and issubclass(optimizer, optim.Optimizer):
        return optimizer.__name__
    return lookup(optimizer).name


@dataclass(frozen=True, eq=False)
class Run:
    """What one optimizer did on a surface.

    label            -- text for a legend
    name             -- which optimizer it was (``"Adam"``, ``"Momentum"``, ``"bfgs"``): it picks
                        the colour and line style in :mod:`optcourse.viz.plots`
    path             -- (k+1, 2): the iterates x_0 (the start) .. x_k
    loss             -- (k+1,): f at each iterate
    grad_norm        -- (k+1,): the Euclidean norm of the gradient at each iterate
    diverged         -- stopped early because the gradient stopped being finite
    hyperparameters  -- what the optimizer was built with (minimize: its options)
    """

    label: str
    name: str
    path: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    diverged: bool = False
    hyperparameters: dict = field(default_factory=dict)

    @property
    def steps(self) -> int:
        """Steps taken: len(path) - 1 (fewer than asked if it diverged or a minimize method converged)."""
        return len(self.path) - 1

    def distance_to(self, points) -> np.ndarray:
        """Distance from each iterate to the nearest of ``points`` (one point (2,) or several (m, 2))."""
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        if len(points) == 0:
            raise ValueError("distance_to: no points given; the surface may have no known minimum.")
        return np.linalg.norm(self.path[:, None, :] - points[None], axis=-1).min(axis=1)

    def __repr__(self) -> str:
        end = "diverged" if self.diverged else f"f = {self.loss[-1]:.4g}"
        return f"Run({self.label!r}: {self.steps} steps, {end} at {np.round(self.path[-1], 4).tolist()})"


# -- checking what came in ------------------------------------------------------------------------

def as_surface(surface) -> Surface:
    """A Surface as it is, or the named one (``"rosenbrock"``)."""
    if isinstance(surface, Surface):
        return surface
    if isinstance(surface, str):
        return get_surface(surface)
    raise TypeError(f"surface must be a Surface or a surface name such as 'rosenbrock', "
                    f"got {type(surface).__name__}.")


def _steps(steps) -> int:
    return whole("steps", steps, 0)


def _start(start, surface: Surface) -> np.ndarray:
    x0 = np.array(surface.start if start is None else start, dtype=float)
    if x0.shape != (2,):
        raise ValueError(f"start must be one point (x, y), got shape {x0.shape}.")
    if not np.isfinite(x0).all():
        raise ValueError(f"start must be finite, got {x0.tolist()}.")
    return x0


def _resolve(optimizer, hyperparameters: dict):
    """(name, optimizer class or minimize method, hyperparameters with the variant's filled in)."""
    name = optimizer_name(optimizer)
    if isinstance(optimizer, type):
        return name, optimizer, dict(hyperparameters)
    entry = REGISTRY[name]
    if entry.is_minimize_method:
        return name, name, dict(hyperparameters)
    return name, entry.optimizer, {**entry.variant, **hyperparameters}


def _record(label, name, surface, path, diverged, hyperparameters) -> Run:
    with np.errstate(over="ignore", invalid="ignore"):
        loss = np.asarray(surface.value(path), dtype=float).reshape(len(path))
        grad_norm = np.linalg.norm(surface.gradient(path), axis=-1)
    if diverged is None:   # a minimize method: it stops by itself when f or ∇f is not finite
        diverged = not (np.isfinite(loss[-1]) and np.isfinite(grad_norm[-1]))
    return Run(label, name, path, loss, grad_norm, bool(diverged), hyperparameters)


# -- the loops ------------------------------------------------------------------------------------

def _first_order_path(cls, surface: Surface, x0: np.ndarray, steps: int, hyperparameters: dict):
    """The iterates of ``cls(x, **hyperparameters)`` and whether it stopped on a non-finite gradient."""
    x = x0.copy()
    opt = cls(x, **hyperparameters)
    lookahead = getattr(opt, "lookahead", None)   # NesterovLookahead wants ∇f at θ + μv
    path = np.empty((steps + 1, 2))
    path[0] = x
    g = np.empty(2)
    df = surface.df
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            at = lookahead() if lookahead else x
            # The surface's own df on two scalars: the same numbers as surface.gradient, a few
            # microseconds faster per call, which is most of the runner's time.
            g[0], g[1] = df(at[0], at[1])
            if not (math.isfinite(g[0]) and math.isfinite(g[1])):
                return path[:k + 1], True
            opt.step(g)
            if not (math.isfinite(x[0]) and math.isfinite(x[1])):
                return path[:k + 1], True
            path[k + 1] = x
    return path, False


def _minimize_path(method: str, surface: Surface, x0: np.ndarray, steps: int, options: dict, minimizer):
    if minimizer is None:
        try:
            from optcourse.secondorder.minimizer import minimize as minimizer
        except ImportError as error:
            raise ImportError(f"running {method!r} needs optcourse.secondorder.minimizer, which could not be "
                              f"imported ({error}); pass minimizer=<a scipy-style minimize>.") from None
    if not callable(minimizer):
        raise TypeError(f"minimizer must be a function like optcourse.secondorder.minimizer.minimize, "
                        f"got {type(minimizer).__name__}.")
    hess = surface.hessian if method == "newton" else None
    result = minimizer(surface.value, x0.copy(), jac=surface.gradient, hess=hess, method=method,
                       options={"maxiter": steps, **options})
    path = getattr(result, "path", None)
    if path is None:
        raise TypeError(f"the minimizer's result has no 'path' (every iterate); got a "
                        f"{type(result).__name__}. optcourse.secondorder.minimizer.minimize records one.")
    path = np.array(path, dtype=float)
    if path.ndim != 2 or path.shape[1] != 2 or len(path) == 0:
        raise ValueError(f"the minimizer's path must have shape (k, 2), got {path.shape}.")
    return path


def run(optimizer, surface, steps: int = 200, start=None, *, label: str | None = None,
        minimizer=None, **hyperparameters) -> Run:
    """Run one optimizer on a surface for ``steps`` steps from ``start`` (default ``surface.start``).

    ``optimizer`` is a name (see the module docstring) or an optimizer class; ``hyperparameters``
    go to the optimizer (``lr=0.01, momentum=0.9``), or for a minimize method into its
    ``options`` (``gtol=1e-8``). The class defaults apply to anything not given (PyTorch's: e.g.
    ``lr=1e-3`` for Adam); :func:`suggested_hyperparameters` gives values that suit the surface.

    Example:
        >>> r = run("SGD", "booth", steps=100, lr=0.05)
        >>> r.path.shape, bool(r.loss[-1] < 1e-6)
        ((101, 2), True)
    """
    surface = as_surface(surface)
    steps = _steps(steps)
    x0 = _start(start, surface)
    name, target, hyper = _resolve(optimizer, hyperparameters)
    if isinstance(target, str):
        path, diverged = _minimize_path(target, surface, x0, steps, hyper, minimizer), None
    else:
        if minimizer is not None:
            raise ValueError(f"minimizer= only applies to the minimize methods "
                             f"({', '.join(MINIMIZE_METHODS)}), not to {name}.")
        path, diverged = _first_order_path(target, surface, x0, steps, hyper)
    return _record(label or name, name, surface, path, diverged, hyper)


# -- suggested hyperparameters and races ----------------------------------------------------------

def curvature(surface) -> float:
    r"""The largest :math:`|\lambda|` of the Hessian at the start and at the known minima of ``surface``.

    Gradient descent is stable near a minimum when :math:`\eta < 2/\lambda_{\max}` (lesson 03).
    """
    surface = as_surface(surface)
    points = np.vstack([surface.start.reshape(1, 2), surface.minima])
    return float(np.abs(np.linalg.eigvalsh(surface.hessian(points))).max())


def suggested_hyperparameters(optimizer, surface) -> dict:
    r"""Hyperparameters that make a readable picture of ``optimizer`` on ``surface`` in about 200 steps.

    Each optimizer's rule is in its entry of :mod:`optcourse.optim.registry`: :math:`\eta = 1/L` for
    methods that step along the gradient (:math:`L` the :func:`curvature`), a fraction of the window's
    width for methods whose step length does not depend on the gradient's size (an optimizer class
    the registry does not know gets the width's 1/50), nothing for minimize methods.

    These are starting points for a picture, not tuned values (lesson 09 tunes them).

    Example:
        >>> suggested_hyperparameters("SGD", "booth")       # L = 18 on Booth's function
        {'lr': 0.05555555555555555}
    """
    surface = as_surface(surface)
    (x0, x1), (y0, y1) = surface.bounds
    width = min(x1 - x0, y1 - y0)
    entry = REGISTRY.get(optimizer_name(optimizer))
    if entry is None:
        return {"lr": width / 50}
    return suggested_lr(entry, lambda: curvature(surface), width)


def race(surface, optimizers, steps: int = 200, start=None, *, minimizer=None) -> dict[str, Run]:
    """Run several optimizers from the same start; returns {label: Run} in the order given.

    ``optimizers`` is a list of names, each run with :func:`suggested_hyperparameters`, or a dict
    {label: hyperparameters} whose values override the suggested ones. A label that is not an
    optimizer's name says which one it is with the key ``"optimizer"``.

    Example:
        >>> runs = race("rosenbrock", {"SGD": {}, "Adam": {"lr": 0.05},
        ...                            "Adam, small lr": {"optimizer": "Adam", "lr": 0.005}})
        >>> [r.label for r in runs.values()]
        ['SGD', 'Adam', 'Adam, small lr']
    """
    surface = as_surface(surface)
    if isinstance(optimizers, (str, type)):
        optimizers = [optimizers]
    if not isinstance(optimizers, dict):
        optimizers = {optimizer_name(o): {} for o in optimizers}
    if not optimizers:
        raise ValueError("race: give at least one optimizer, e.g. ['SGD', 'Adam'].")
    runs = {}
    for label, overrides in optimizers.items():
        overrides = dict(overrides or {})
        optimizer = overrides.pop("optimizer", label)
        hyper = {**suggested_hyperparameters(optimizer, surface), **overrides}
        runs[label] = run(optimizer, surface, steps, start, label=str(label), minimizer=minimizer, **hyper)
    return runs


# -- many starts at once ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Runs:
    """One optimizer from many starts: arrays with the start in the second axis.

    path (steps+1, n, 2), loss and grad_norm (steps+1, n); after a start diverged its rows are NaN
    and ``diverged[i]`` is True.
    """

    name: str
    path: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    diverged: np.ndarray
    hyperparameters: dict = field(default_factory=dict)

    def __getitem__(self, i: int) -> Run:
        """The i-th start's run as a :class:`Run` (its path ends where it diverged)."""
        keep = np.isfinite(self.path[:, i]).all(axis=1)
        last = len(keep) if keep.all() else int(np.argmin(keep))
        return Run(f"{self.name} #{i}", self.name, self.path[:last, i], self.loss[:last, i],
                   self.grad_norm[:last, i], bool(self.diverged[i]), self.hyperparameters)

    def __len__(self) -> int:
        return self.path.shape[1]


def run_many(optimizer, surface, starts, steps: int = 200, **hyperparameters) -> Runs:
    """Run one first-order optimizer from each of ``starts`` (n, 2) at once.

    Every optimizer of :mod:`optcourse.optim` updates each coordinate from that coordinate's own
    gradient and state, so one optimizer on an (n, 2) array is n independent 2-D runs, computed
    together in NumPy: the same iterates as n calls of :func:`run`, many times faster (see
    ``benchmarks/bench_widgets.py``). The exception is Tiger's ``"matrix"`` rule, which couples
    the rows through their RMS; Tiger is given ``kinds="elementwise"`` (what it uses on a single
    2-D point) unless ``kinds`` is passed.

    A start whose gradient stops being finite is frozen from then on (its rows become NaN).

    Example:
        >>> starts = np.random.default_rng(0).uniform(-4, 4, size=(500, 2))
        >>> runs = run_many("Adam", "himmelblau", starts, steps=300, lr=0.1)
        >>> runs.path[-1].shape          # where each start ended
        (500, 2)
    """
    return run_grid(optimizer, surface, starts, [hyperparameters], steps)[0]


def run_grid(optimizer, surface, starts, settings, steps: int = 200, *, grad_norm: bool = True) -> list[Runs]:
    """:func:`run_many` for each hyperparameter setting of ``settings`` (a list of dicts), all at once.

    Each setting gets its own optimizer on its own block of rows of one array, so every step
    evaluates the gradient once for all settings and starts together: the same iterates as one
    ``run_many`` per setting, several times faster when the settings are many (tuning). With
    ``grad_norm=False`` the runs' ``grad_norm`` is None (one pass over the path fewer).

    Example:
        >>> starts = np.array([[0.0, 0.0], [-1.0, 1.0]])
        >>> grid = [{"lr": lr} for lr in (0.001, 0.01, 0.1)]
        >>> [r.diverged.tolist() for r in run_grid("SGD", "himmelblau", starts, grid, steps=100)]
        [[False, False], [False, False], [True, True]]
    """
    surface = as_surface(surface)
    steps = _steps(steps)
    if not isinstance(settings, (list, tuple)) or not settings or not all(isinstance(s, dict) for s in settings):
        raise TypeError("run_grid: settings must be a non-empty list of dicts of hyperparameters, e.g. [{'lr': 0.1}].")
    resolved = [_resolve(optimizer, s) for s in settings]
    name, cls = resolved[0][0], resolved[0][1]
    if isinstance(cls, str):
        raise ValueError(f"run_many runs first-order optimizers; for the minimize method {name!r} "
                         f"call run() once per start.")
    if cls is optim.NesterovLookahead:
        raise ValueError("run_many: use 'Nesterov' (SGD's form, the same iterates shifted by μv) "
                         "instead of NesterovLookahead, whose gradient is taken at another point.")
    X0 = np.array(starts, dtype=float)
    if X0.ndim != 2 or X0.shape[1] != 2 or len(X0) == 0:
        raise ValueError(f"starts must have shape (n, 2), got {X0.shape}.")
    if not np.isfinite(X0).all():
        raise ValueError("starts must be finite.")
    n = len(X0)
    if cls is optim.Tiger:
        for _, _, hyper in resolved:
            hyper.setdefault("kinds", "elementwise")
    # Settings that differ only in lr share one optimizer when its step is lr times a direction that
    # does not read θ: the optimizer steps a scratch array from 0 with lr = 1, and each block of rows
    # moves by its own lr times that direction (the same iterates up to rounding, one optimizer call
    # per step instead of one per learning rate).
    groups = {}
    for i, (_, _, hyper) in enumerate(resolved):
        shared = "lr" in hyper and cls in _LR_LINEAR and not hyper.get("weight_decay", 0)
        key = repr(sorted((k, v) for k, v in hyper.items() if k != "lr")) if shared else i
        groups.setdefault(key, []).append(i)
    order = [i for members in groups.values() for i in members]
    X = np.tile(X0, (len(settings), 1))                 # block p of n rows belongs to setting order[p]
    steppers, first = [], 0
    for key, members in groups.items():
        rows = slice(first * n, (first + len(members)) * n)
        hyper = resolved[members[0]][2]
        if isinstance(key, str):
            scratch = np.zeros((len(members) * n, 2))
            rest = {k: v for k, v in hyper.items() if k != "lr"}
            steppers.append((rows, cls(scratch, **rest, lr=1.0), scratch, [resolved[i][2]["lr"] for i in members]))
        else:
            steppers.append((rows, cls(X[rows], **hyper), None, None))     # a view: moves X in place
        first += len(members)
    path = np.empty((steps + 1, *X.shape))
    path[0] = X
    dead = np.zeros(len(X), dtype=bool)
    # A surface that computes f with ∇f (surface.fdf) records the loss on the way; else it comes after.
    loss = np.empty((steps + 1, len(X))) if surface.fdf is not None else None
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            if loss is None:
                G = surface.gradient(X)
            else:
                value, fx, fy = surface.fdf(X[:, 0], X[:, 1])
                loss[k] = np.where(dead, np.nan, value)
                G = np.stack([fx, fy], axis=-1)
            dead |= ~np.isfinite(G).all(axis=1)
            if dead.any():
                G[dead] = 0.0
                frozen = X[dead]
            for rows, opt, scratch, lrs in steppers:
                if scratch is None:
                    opt.step(G[rows])
                    continue
                scratch[...] = 0.0
                opt.step(G[rows])                                      # scratch = -direction
                rates = np.array([optim.base.check_lr(lr(k) if callable(lr) else lr, name) for lr in lrs])
                X[rows] += np.repeat(rates, n)[:, None] * scratch
            if dead.any():
                X[dead] = frozen          # a dead start stays where it was; its rows become NaN
            dead |= ~np.isfinite(X).all(axis=1)
            path[k + 1] = X
            path[k + 1, dead] = np.nan
        if loss is None:
            loss = np.asarray(surface.value(path), dtype=float)
        else:
            loss[steps] = surface.value(path[steps])
        norms = np.linalg.norm(surface.gradient(path), axis=-1) if grad_norm else None
    runs = {}
    for p, i in enumerate(order):
        block = slice(p * n, (p + 1) * n)
        runs[i] = Runs(name, path[:, block], loss[:, block], None if norms is None else norms[:, block],
                       dead[block], resolved[i][2])
    return [runs[i] for i in range(len(settings))]


# Optimizers whose step is θ ← θ − η·d, with d independent of θ when weight_decay = 0 (see run_grid).
_LR_LINEAR = (optim.SGD, optim.Adagrad, optim.Adadelta, optim.RMSprop, optim.Adam, optim.Lion,
              optim.SignSGD, optim.Signum)
