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

**Tuning.** Each setting of a grid (learning rates, and any other hyperparameter) is scored on the
training surfaces; the best one has the highest success rate, then the fewest mean steps among the
successes, then comes first in the grid (the smaller learning rate). All settings and surfaces run
at once (:func:`optcourse.experiments.runner.run_grid`), so a grid of a few hundred settings takes about a second.

**Schedules.** ``schedule=lambda lr: cosine(lr, steps)`` turns each learning rate of the grid into a
schedule that starts from it; a Score keeps the schedule in its hyperparameters.

**How sure is a difference?** Runs on one surface share its landscape, so the unit of evidence is
the surface: :attr:`Score.surface_success` holds each surface's success rate, and
:func:`paired_interval` gives a confidence interval for the mean difference between two optimizers
raced on the same surfaces and starts.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from optcourse.experiments.runner import as_surface, optimizer_name, run_grid
from optcourse.landscapes.surfaces import Surface


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


def gap_to_nearest_minimum(surface, path, values=None) -> np.ndarray:
    """f(x) - f(m) for every point x of ``path`` (..., 2), m the surface's known minimum nearest to x.

    ``values``, if given, are f along the path already (a run's ``loss``).
    """
    surface = as_surface(surface)
    minima = np.asarray(surface.minima, dtype=float).reshape(-1, 2)
    if len(minima) == 0:
        raise ValueError(f"gap_to_nearest_minimum: {surface.name} has no known minima.")
    path = np.asarray(path, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):     # a diverged run's far points give inf or NaN gaps
        nearest = np.linalg.norm(path[..., None, :] - minima, axis=-1).argmin(axis=-1)
        return (surface.value(path) if values is None else values) - surface.value(minima)[nearest]


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
    surfaces: int = 1            # the runs are grouped by surface, the same number of starts on each

    @property
    def surface_success(self) -> np.ndarray:
        """(surfaces,): the success rate on each surface."""
        return (self.steps >= 0).reshape(self.surfaces, -1).mean(axis=1)

    def success_interval(self, z: float = 1.96) -> tuple[float, float]:
        """An approximate 95% interval for the success rate, treating surfaces (not runs) as the samples."""
        if self.surfaces < 2:
            raise ValueError("success_interval: needs runs on at least 2 surfaces.")
        rates = self.surface_success
        half = z * rates.std(ddof=1) / math.sqrt(self.surfaces)
        return float(rates.mean() - half), float(rates.mean() + half)

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
    return evaluate_grid(optimizer, surfaces, [hyperparameters], steps=steps, starts=starts,
                         relative=relative, seed=seed)[0]


def _steps_to_threshold_columns(gaps: np.ndarray, tol: float) -> np.ndarray:
    """steps_to_threshold for every column of gaps (steps+1, runs) at once."""
    inside = np.abs(gaps) <= tol                                     # False for NaN
    last_outside = len(inside) - 1 - np.argmax(~inside[::-1], axis=0)
    k = np.where(inside.all(axis=0), 0, last_outside + 1)
    return np.where(inside[-1], k, -1)


class _Stacked:
    """Surfaces side by side: rows [setting][surface][start] of one array, each row on its surface."""

    def __init__(self, surfaces, per_surface: int):
        self.surfaces, self.per_surface = surfaces, per_surface

    def _apply(self, part: str, x, y):
        lead, n = x.shape[:-1], x.shape[-1]
        shape = (*lead, n // (len(self.surfaces) * self.per_surface), len(self.surfaces), self.per_surface)
        x, y = x.reshape(shape), y.reshape(shape)
        pieces = [getattr(s, part)(x[..., i, :], y[..., i, :]) for i, s in enumerate(self.surfaces)]
        if part == "f":
            return np.stack(pieces, axis=-2).reshape(*lead, n)
        return tuple(np.stack([p[j] for p in pieces], axis=-2).reshape(*lead, n) for j in range(len(pieces[0])))

    def surface(self) -> Surface:
        both = (lambda x, y: self._apply("fdf", x, y)) if all(s.fdf for s in self.surfaces) else None
        return Surface("stacked surfaces", "", lambda x, y: self._apply("f", x, y),
                       lambda x, y: self._apply("df", x, y), lambda x, y: self._apply("d2f", x, y),
                       self.surfaces[0].bounds, self.surfaces[0].start, np.zeros((0, 2)), both)


def evaluate_grid(optimizer, surfaces, settings, *, steps: int = 200, starts: int = 10,
                  relative: float = 1e-3, seed: int = 0, schedule=None) -> list[Score]:
    """:func:`evaluate` for each hyperparameter setting of ``settings`` (a list of dicts), all at once.

    ``schedule``, if given, turns each setting's ``lr`` into a schedule (``lambda lr: cosine(lr, 200)``).
    """
    name = optimizer_name(optimizer)
    surfaces = [as_surface(s) for s in surfaces]
    if not surfaces:
        raise ValueError("evaluate: give at least one surface.")
    if isinstance(starts, bool) or not isinstance(starts, (int, np.integer)) or starts < 1:
        raise ValueError(f"evaluate: starts must be a whole number >= 1, got {starts!r}.")
    settings = [dict(s) for s in settings]
    if schedule is not None:
        if not callable(schedule):
            raise TypeError("evaluate: schedule must be a function from a learning rate to a schedule.")
        for s in settings:
            if "lr" not in s:
                raise ValueError("evaluate: a schedule needs an lr in every setting.")
            s["lr"] = schedule(s["lr"])
    X0 = np.concatenate([random_starts(s, starts, seed + i) for i, s in enumerate(surfaces)])
    runs = run_grid(name, _Stacked(surfaces, starts).surface(), X0, settings, steps, grad_norm=False)
    scores = []
    for r in runs:
        all_steps, at_global = [], []
        for i, surface in enumerate(surfaces):
            path, values = r.path[:, i * starts:(i + 1) * starts], r.loss[:, i * starts:(i + 1) * starts]
            k = _steps_to_threshold_columns(gap_to_nearest_minimum(surface, path, values),
                                            tolerance(surface, relative))
            with np.errstate(over="ignore", invalid="ignore"):
                nearest = np.linalg.norm(path[-1][:, None] - surface.minima, axis=-1).argmin(axis=-1)
            all_steps.append(k)
            at_global.append((k >= 0) & (nearest == 0))
        scores.append(Score(name, r.hyperparameters, np.concatenate(all_steps), np.concatenate(at_global),
                            len(surfaces)))
    return scores


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
    best, scores = tune(optimizer, surfaces, {"lr": grid}, **options)
    return best["lr"], scores


def tune(optimizer, surfaces, grid: dict, *, steps: int = 200, starts: int = 10, relative: float = 1e-3,
         seed: int = 0, schedule=None, **fixed):
    """The best setting of ``grid`` ({name: values}, every combination) on ``surfaces``, and every Score.

    Settings are tried in ``itertools.product`` order over the grid's values (the last name varies
    fastest); on a tie the first wins, so list each grid's values ascending. ``fixed``
    hyperparameters go to every run; ``schedule`` turns each ``lr`` into a schedule. Returns
    ``(best, scores)``: ``best`` is the winning setting as given in the grid (lr as a number).

    Example:
        >>> best, scores = tune("SGD", train, {"momentum": [0.5, 0.9], "lr": np.logspace(-3, 0, 7)})
    """
    if not isinstance(grid, dict) or not grid:
        raise TypeError("tune: grid must be a non-empty dict {hyperparameter: list of values}.")
    names = list(grid)
    values = [list(np.atleast_1d(v).tolist()) if isinstance(v, np.ndarray) else list(v) for v in grid.values()]
    if any(len(v) == 0 for v in values):
        raise ValueError("tune: every hyperparameter of the grid needs at least one value.")
    settings = [dict(zip(names, combo)) for combo in itertools.product(*values)]
    scores = evaluate_grid(optimizer, surfaces, [{**fixed, **s} for s in settings], steps=steps, starts=starts,
                           relative=relative, seed=seed, schedule=schedule)
    best = best_index([s.success_rate for s in scores], [s.mean_steps for s in scores])
    return settings[best], scores


def paired_interval(a, b, z: float = 1.96) -> tuple[float, float]:
    r"""A normal-approximation confidence interval for the mean of ``a - b`` (paired samples).

    .. math:: \bar d \pm z\, s_d / \sqrt n, \qquad d_i = a_i - b_i,\; s_d \text{ their sample standard deviation}

    ``a`` and ``b`` are per-surface success rates of two optimizers on the same surfaces; an interval
    that contains 0 says the race cannot tell them apart.
    """
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if d.ndim != 1 or len(d) < 2:
        raise ValueError("paired_interval: give two 1-D arrays of the same length >= 2.")
    half = z * d.std(ddof=1) / math.sqrt(len(d))
    return float(d.mean() - half), float(d.mean() + half)


def good_range_decades(lrs, success_rates, level: float) -> float:
    """The width in decades of the widest run of consecutive grid values with success rate >= level.

    ``lrs`` ascending; a value below ``level`` between two good ones breaks the run. 0.0 for a run of
    one value, NaN when no value reaches ``level``.

    Example:
        >>> good_range_decades([0.01, 0.1, 1.0, 10.0], [0.95, 0.9, 0.2, 1.0], 0.9)
        1.0
    """
    lrs, rates = np.asarray(lrs, dtype=float), np.asarray(success_rates, dtype=float)
    if lrs.ndim != 1 or lrs.shape != rates.shape or len(lrs) == 0 or not (np.diff(lrs) > 0).all() or not (lrs > 0).all():
        raise ValueError("good_range_decades: lrs must be a 1-D ascending array of rates > 0, "
                         "with one success rate each.")
    best, first = math.nan, None
    for i, good in enumerate(rates >= level):
        if not good:
            first = None
            continue
        first = i if first is None else first
        width = math.log10(lrs[i] / lrs[first])
        best = width if math.isnan(best) else max(best, width)
    return best
