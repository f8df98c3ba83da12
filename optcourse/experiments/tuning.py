r"""A fair race between optimizers: tune on some surfaces, score on others (lesson 09).

    train = [random_surface(s) for s in range(6)]
    test = [random_surface(s) for s in range(100, 118)]
    lr, table = tune_lr("Adam", train, np.logspace(-3, 0, 7), steps=200)
    score = evaluate("Adam", test, steps=200, lr=lr)
    score.success_rate, score.median_steps

**Success.** A local method cannot choose the basin it starts in, so a run succeeds when it has
settled at *some* local minimum: the gap :math:`f(x_k) - f(m_k)`, with :math:`m_k` the known local
minimum nearest to :math:`x_k`, stays within a tolerance

.. math:: |f(x_k) - f(m_k)| \le \tau, \qquad \tau = r\,(\max_W f - \min_W f),

one part in :math:`1/r` (default :math:`r = 10^{-3}`) of the surface's height range over its window
:math:`W`. **Steps to the threshold** is the first step from which the gap stays within :math:`\tau`
until the end of the budget (a method that hops in and out has not arrived). Which runs end at the
*global* minimum is counted apart.

**Tuning.** Each learning rate of a grid is scored on the training surfaces; the best one has the
highest success rate, then the fewest mean steps among the successes, then is the smaller rate.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optcourse.experiments.runner import as_surface, optimizer_name, run_many


def steps_to_threshold(gaps, tol: float) -> int:
    r"""The first step k from which ``|gaps[j]| <= tol`` for every j >= k; -1 if the last gap is larger.

    ``gaps`` is one run's gap to its nearest minimum at steps 0..K (NaN, a diverged step, counts as
    a miss).

    Example:
        >>> steps_to_threshold([1.0, 1e-4, 0.5, 1e-4, 1e-5], 1e-3)
        3
    """
    gaps = np.asarray(gaps, dtype=float)
    if gaps.ndim != 1 or len(gaps) == 0:
        raise ValueError(f"steps_to_threshold: gaps must be a non-empty 1-D array, got shape {gaps.shape}.")
    if not tol > 0:
        raise ValueError(f"steps_to_threshold: tol must be > 0, got {tol!r}.")
    inside = np.abs(gaps) <= tol                    # False for NaN
    if not inside[-1]:
        return -1
    outside = np.flatnonzero(~inside)
    return int(outside[-1] + 1) if len(outside) else 0


def gap_to_nearest_minimum(surface, path) -> np.ndarray:
    """f(x) - f(m) for every point x of ``path`` (..., 2), m the surface's known minimum nearest to x."""
    surface = as_surface(surface)
    minima = np.asarray(surface.minima, dtype=float).reshape(-1, 2)
    if len(minima) == 0:
        raise ValueError(f"gap_to_nearest_minimum: {surface.name} has no known minima.")
    path = np.asarray(path, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):     # a diverged run's far points give inf or NaN gaps
        nearest = np.linalg.norm(path[..., None, :] - minima, axis=-1).argmin(axis=-1)
        return surface.value(path) - surface.value(minima)[nearest]


def tolerance(surface, relative: float = 1e-3) -> float:
    """``relative`` times the height range of ``surface`` over its window (a 41 x 41 grid)."""
    if not relative > 0:
        raise ValueError(f"tolerance: relative must be > 0, got {relative!r}.")
    _, _, Z = as_surface(surface).grid(41)
    return float(relative * (Z.max() - Z.min()))


def random_starts(surface, n: int, seed: int = 0) -> np.ndarray:
    """n starts (n, 2) drawn uniformly from the inner 80% of the surface's window, from ``seed``."""
    (x0, x1), (y0, y1) = as_surface(surface).bounds
    rng = np.random.default_rng(seed)
    cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, 0.4 * (x1 - x0), 0.4 * (y1 - y0)
    return np.column_stack([rng.uniform(cx - hx, cx + hx, n), rng.uniform(cy - hy, cy + hy, n)])


@dataclass(frozen=True)
class Score:
    """How one optimizer did on a set of surfaces (every start of every surface is one run).

    steps    -- (runs,): steps to the threshold, -1 for a run that did not succeed
    at_global -- (runs,): the run succeeded at the surface's global minimum
    """

    name: str
    hyperparameters: dict
    steps: np.ndarray
    at_global: np.ndarray

    @property
    def success_rate(self) -> float:
        return float(np.mean(self.steps >= 0))

    @property
    def global_rate(self) -> float:
        return float(np.mean(self.at_global))

    @property
    def median_steps(self) -> float:
        """Median steps to the threshold over the successful runs (NaN if none succeeded)."""
        won = self.steps[self.steps >= 0]
        return float(np.median(won)) if len(won) else float("nan")

    @property
    def mean_steps(self) -> float:
        won = self.steps[self.steps >= 0]
        return float(np.mean(won)) if len(won) else float("nan")


def evaluate(optimizer, surfaces, *, steps: int = 200, starts: int = 10, relative: float = 1e-3,
             seed: int = 0, **hyperparameters) -> Score:
    """Run ``optimizer`` from ``starts`` random starts on each surface with a budget of ``steps``.

    Surface i uses the starts ``random_starts(surface, starts, seed + i)``, so every optimizer
    gets the same starts.

    Example:
        >>> evaluate("SGD", [random_surface(1), random_surface(2)], lr=0.1).success_rate
    """
    name = optimizer_name(optimizer)
    surfaces = [as_surface(s) for s in surfaces]
    if not surfaces:
        raise ValueError("evaluate: give at least one surface.")
    all_steps, at_global = [], []
    for i, surface in enumerate(surfaces):
        runs = run_many(name, surface, random_starts(surface, starts, seed + i), steps, **hyperparameters)
        gaps = gap_to_nearest_minimum(surface, runs.path)           # (steps+1, starts)
        tol = tolerance(surface, relative)
        k = np.array([steps_to_threshold(gaps[:, j], tol) for j in range(gaps.shape[1])])
        with np.errstate(over="ignore", invalid="ignore"):
            nearest = np.linalg.norm(runs.path[-1][:, None] - surface.minima, axis=-1).argmin(axis=-1)
        all_steps.append(k)
        at_global.append((k >= 0) & (nearest == 0))
    return Score(name, runs.hyperparameters, np.concatenate(all_steps), np.concatenate(at_global))


def best_index(success_rates, mean_steps) -> int:
    """The index of the best entry: highest success rate, then fewest mean steps (NaN last), then first."""
    success_rates = np.asarray(success_rates, dtype=float)
    mean_steps = np.asarray(mean_steps, dtype=float)
    if success_rates.shape != mean_steps.shape or success_rates.ndim != 1 or len(success_rates) == 0:
        raise ValueError("best_index: success_rates and mean_steps must be 1-D arrays of the same, non-zero length.")
    candidates = np.flatnonzero(success_rates == success_rates.max())
    steps = np.where(np.isnan(mean_steps[candidates]), np.inf, mean_steps[candidates])
    return int(candidates[np.argmin(steps)])       # argmin returns the first of equals


def tune_lr(optimizer, surfaces, grid, **options):
    """The learning rate of ``grid`` (ascending) that scores best on ``surfaces``, and every Score.

    ``options`` go to :func:`evaluate` (``steps``, ``starts``, other hyperparameters).

    Example:
        >>> lr, scores = tune_lr("Adam", [random_surface(s) for s in range(4)], np.logspace(-3, 0, 7))
    """
    grid = np.sort(np.asarray(grid, dtype=float).ravel())
    if len(grid) == 0 or not (grid > 0).all() or not np.isfinite(grid).all():
        raise ValueError("tune_lr: grid must hold finite learning rates > 0, e.g. np.logspace(-3, 0, 7).")
    scores = [evaluate(optimizer, surfaces, lr=float(lr), **options) for lr in grid]
    best = best_index([s.success_rate for s in scores], [s.mean_steps for s in scores])
    return float(grid[best]), scores
