r"""Figures of the course: contours with optimizer paths, 3-D surfaces, loss and distance curves,
learning-rate schedules, eigenvalue spectra and interpolation curves.

    runs = race("rosenbrock", ["SGD", "Momentum", "Adam"])
    plot_race("rosenbrock", runs)                  # contours with paths | loss gap vs step
    ax = plot_contour("rosenbrock", runs)          # one panel; every function takes ax=
    plot_loss(runs, minimum=0.0)                   # f(x_k) - f* on a log scale

Every optimizer has one look, the same in every figure of the course: its colour-blind-safe style
in :mod:`optcourse.optim.registry`, collected here in :data:`STYLES`.

Contours are light grey, drawn at quantiles of f over the window so that flat valleys and steep
walls both get lines; paths are drawn on top with a dark outline, so that light colours stay
visible on them.

Functions return the Axes they drew on (``plot_race`` returns the Figure). Without ``ax`` they make
a new pyplot figure, which a notebook shows by itself.
"""
from __future__ import annotations

import math
import zlib

import numpy as np
from matplotlib import patheffects

from optcourse.experiments.runner import Run, as_surface
from optcourse.optim.registry import PALETTE, REGISTRY, Style, find, key
from optcourse.validation import whole

STYLES = {name: entry.style for name, entry in REGISTRY.items()}
_OTHER_MARKERS = "ohd8p"


def optimizer_style(name: str) -> Style:
    """The colour, line style and marker of optimizer ``name`` (case and punctuation ignored).

    A name the course does not know gets a fixed style of its own from a hash of the name
    (dotted), so it too looks the same in every figure.

    Example:
        >>> optimizer_style("Adam")
        Style(color='#882255', linestyle='-', marker='X')
    """
    entry = find(name)
    if entry is not None:
        return entry.style
    h = zlib.crc32(key(name).encode())
    colours = list(PALETTE.values())
    return Style(colours[h % len(colours)], ":", _OTHER_MARKERS[(h // len(colours)) % len(_OTHER_MARKERS)])


def line_kwargs(name: str, n_points: int = 0, n_markers: int = 8) -> dict:
    """Keyword arguments for ``ax.plot`` that draw optimizer ``name`` in its style, with about
    ``n_markers`` markers along a curve of ``n_points`` evenly spaced points (``n_points=0``: a
    path, whose points bunch up, so markers are spaced by distance on screen instead)."""
    s = optimizer_style(name)
    return dict(color=s.color, linestyle=s.linestyle, marker=s.marker, markersize=6, linewidth=1.8,
                markeredgecolor="black", markeredgewidth=0.6,
                markevery=max(1, n_points // n_markers) if n_points else 0.15)


OUTLINE = [patheffects.withStroke(linewidth=3.4, foreground="0.15"), patheffects.Normal()]
START_STYLE = dict(marker="o", markersize=9, markerfacecolor="white", markeredgecolor="black",
                   markeredgewidth=1.5, linestyle="none", zorder=6)
MINIMUM_STYLE = dict(marker="*", markersize=15, markerfacecolor="white", markeredgecolor="black",
                     markeredgewidth=1.2, linestyle="none", zorder=6)


# -- helpers --------------------------------------------------------------------------------------

def _axes(ax, **subplot_kw):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(5.6, 4.4), layout="constrained")
    return fig.add_subplot(**subplot_kw)


def as_runs(runs) -> list[Run]:
    """A list of Runs from one Run, a list of them, or the {label: Run} dict of ``race``."""
    if runs is None:
        return []
    if isinstance(runs, Run):
        return [runs]
    if isinstance(runs, dict):
        runs = list(runs.values())
    runs = list(runs)
    for r in runs:
        if not isinstance(r, Run):
            raise TypeError(f"expected Runs (from optcourse.experiments.runner.run or race), got a {type(r).__name__}.")
    return runs


def contour_levels(Z: np.ndarray, levels: int = 25) -> np.ndarray:
    """``levels`` contour values at evenly spaced quantiles of Z, so every part of the window gets
    lines however steep the walls are (Rosenbrock's f spans 0 to 2500 but its valley is where
    everything happens)."""
    Z = np.asarray(Z, dtype=float)
    finite = Z[np.isfinite(Z)]
    values = np.unique(np.quantile(finite, np.linspace(0.0, 1.0, levels)))
    if len(values) < 2:   # a constant f: any two levels around it
        values = np.array([finite.min() - 1.0, finite.min() + 1.0])
    return values


def draw_landscape(ax, surface, *, n: int = 200, levels: int = 25, minima: bool = True, bounds=None):
    """Light filled contours of ``surface`` with thin lines and its minima, on ``ax``; returns the
    artists drawn (for code that redraws the paths over a cached background)."""
    surface = as_surface(surface)
    bounds = surface.bounds if bounds is None else bounds
    X, Y, Z = surface.grid(n, bounds)
    lv = contour_levels(Z, levels)
    filled = ax.contourf(X, Y, Z, levels=lv, cmap="Greys", vmin=lv[0], vmax=lv[-1] + 2.5 * (lv[-1] - lv[0]),
                         extend="both", zorder=0)
    lines = ax.contour(X, Y, Z, levels=lv, colors="0.45", linewidths=0.45, zorder=1)
    artists = [filled, lines]
    if minima and len(surface.minima):
        (m,) = ax.plot(surface.minima[:, 0], surface.minima[:, 1], label="minimum", **MINIMUM_STYLE)
        artists.append(m)
    (x0, x1), (y0, y1) = bounds
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return artists


def draw_path(ax, run: Run, *, end_marker: bool = True):
    """One optimizer's path in its style (with a dark outline) and a marker at its end; returns
    (line, end)."""
    kw = line_kwargs(run.name)
    (line,) = ax.plot(run.path[:, 0], run.path[:, 1], label=run.label + (" (diverged)" if run.diverged else ""),
                      path_effects=OUTLINE, zorder=4, **kw)
    end = None
    if end_marker:
        (end,) = ax.plot(run.path[-1:, 0], run.path[-1:, 1], marker=kw["marker"], markersize=10,
                         color=kw["color"], markeredgecolor="black", markeredgewidth=1.0,
                         linestyle="none", zorder=5)
    return line, end


# -- the figures ----------------------------------------------------------------------------------

def plot_contour(surface, runs=None, ax=None, *, n: int = 200, levels: int = 25, legend: bool = True,
                 title: bool = True, bounds=None):
    """Contours of ``surface`` with each run's path, its start (white circle), its end (the
    optimizer's marker, large) and the surface's minima (white stars).

    Example:
        >>> ax = plot_contour("himmelblau", race("himmelblau", ["SGD", "Adam"]))
    """
    surface = as_surface(surface)
    runs = as_runs(runs)
    ax = _axes(ax)
    draw_landscape(ax, surface, n=n, levels=levels, bounds=bounds)
    for r in runs:
        draw_path(ax, r)
    starts = np.unique(np.array([r.path[0] for r in runs]).reshape(-1, 2), axis=0)
    if len(starts):
        ax.plot(starts[:, 0], starts[:, 1], label="start", **START_STYLE)
    if title:
        ax.set_title(surface.name, fontsize=11)
    if legend and (runs or len(surface.minima)):
        ax.legend(loc="best", fontsize=8, framealpha=0.9)
    return ax


def plot_surface_3d(surface, runs=None, ax=None, *, n: int = 60, log: bool = False, elev: float = 35,
                    azim: float = -60):
    r"""A 3-D view of ``surface`` with the runs' paths lifted onto it.

    ``log=True`` plots :math:`\log_{10}(1 + f - f_{\min})` (:math:`f_{\min}` the least value in the
    window), which keeps a valley such as Rosenbrock's visible next to its steep walls.

    Example:
        >>> ax = plot_surface_3d("six_hump_camel")
    """
    surface = as_surface(surface)
    runs = as_runs(runs)
    ax = _axes(ax, projection="3d")
    X, Y, Z = surface.grid(n)
    floor = np.nanmin(Z)

    def height(z):
        return np.log10(1.0 + np.maximum(z - floor, 0.0)) if log else z

    ax.plot_surface(X, Y, height(Z), cmap="cividis", alpha=0.75, linewidth=0, antialiased=True,
                    rcount=n, ccount=n, zorder=0)
    (x0, x1), (y0, y1) = surface.bounds
    lift = 0.01 * np.ptp(height(Z))            # a little above the surface, which would hide the paths
    for r in runs:
        inside = (r.path[:, 0] >= x0) & (r.path[:, 0] <= x1) & (r.path[:, 1] >= y0) & (r.path[:, 1] <= y1)
        p, f = r.path[inside], r.loss[inside]
        kw = line_kwargs(r.name)
        ax.plot(p[:, 0], p[:, 1], height(f) + lift, label=r.label, zorder=5, **kw)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel(r"$\log_{10}(1 + f - f_{\min})$" if log else "f")
    ax.view_init(elev=elev, azim=azim)
    ax.set_title(surface.name, fontsize=11)
    if runs:
        ax.legend(fontsize=8, loc="upper left")
    return ax


def _floor(values: np.ndarray, scale: float) -> np.ndarray:
    """Values for a log axis: below float64's resolution of f (eps * max(1, |scale|)) is drawn there."""
    return np.maximum(values, np.finfo(float).eps * max(1.0, abs(scale)))


def _curves(ax, runs, ys, *, log: bool, ylabel: str, xlabel: str = "step"):
    for r, y in zip(runs, ys):
        kw = line_kwargs(r.name, len(y))
        ax.plot(np.arange(len(y)), y, label=r.label + (" (diverged)" if r.diverged else ""), **kw)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", color="0.88", linewidth=0.6)
    if runs:
        ax.legend(fontsize=8, framealpha=0.9)
    return ax


def plot_loss(runs, ax=None, *, log: bool = True, minimum: float | None = None):
    r"""Loss against step for each run: :math:`f(x_k)`, or the gap :math:`f(x_k) - f^*` when the
    minimum value ``minimum`` is given (``surface.min_value``).

    On a log scale (``log=True``) every value must be positive: pass ``minimum`` for a loss that
    can be zero or negative. Gaps below the resolution of f (:math:`\epsilon\max(1, |f^*|)`,
    :math:`\epsilon` = 2.2e-16) are drawn at that resolution.

    Example:
        >>> ax = plot_loss(race("booth", ["SGD", "Adam"]), minimum=0.0)
    """
    runs = as_runs(runs)
    ax = _axes(ax)
    ys = [r.loss if minimum is None else r.loss - minimum for r in runs]
    if log:
        if minimum is None:
            low = [r.label for r, y in zip(runs, ys) if np.any(y[np.isfinite(y)] <= 0)]
            if low:
                raise ValueError(f"plot_loss: the loss of {', '.join(low)} reaches 0 or below, which a log "
                                 f"scale cannot show; pass minimum=<the minimum value> (surface.min_value) "
                                 f"to plot the gap f - f*, or log=False.")
        else:
            ys = [_floor(y, minimum) for y in ys]
    label = "f(x) - f*" if minimum is not None else "f(x)"
    return _curves(ax, runs, ys, log=log, ylabel=label)


def plot_gradient_norm(runs, ax=None, *, log: bool = True):
    r"""The gradient norm :math:`\lVert\nabla f(x_k)\rVert` against step for each run.

    Example:
        >>> ax = plot_gradient_norm(race("rosenbrock", ["bfgs", "Adam"]))
    """
    runs = as_runs(runs)
    ax = _axes(ax)
    ys = [_floor(r.grad_norm, 1.0) if log else r.grad_norm for r in runs]
    return _curves(ax, runs, ys, log=log, ylabel="|grad f(x)|")


def plot_distance(runs, target, ax=None, *, log: bool = True):
    r"""Distance :math:`\lVert x_k - x^*\rVert` to the nearest of ``target`` (a point or
    ``surface.minima``) against step, for each run.

    Example:
        >>> s = get_surface("rosenbrock")
        >>> ax = plot_distance(race(s, ["Momentum", "Adam"]), s.minima)
    """
    runs = as_runs(runs)
    ax = _axes(ax)
    ys = [r.distance_to(target) for r in runs]
    if log:
        ys = [_floor(y, float(np.abs(np.asarray(target, dtype=float)).max())) for y in ys]
    return _curves(ax, runs, ys, log=log, ylabel="distance to the minimum")


def _cycle(i: int) -> dict:
    """The i-th look for curves that are not optimizers (schedules, spectra): palette colours in
    order, with line styles that cycle at a different rate so that grey prints differ."""
    colours = list(PALETTE.values())
    return dict(color=colours[i % len(colours)], linestyle=["-", "--", ":", "-."][i % 4])


def _labelled(data, what: str) -> dict:
    if isinstance(data, dict):
        return dict(data)
    return {what: data}


def plot_schedules(schedules, steps: int = 100, ax=None, *, log: bool = False):
    r"""Learning rate :math:`\eta_t` against step :math:`t = 0 .. steps-1` for each schedule.

    ``schedules`` is a schedule (any function of the step count) or a dict {label: schedule}.

    Example:
        >>> from optcourse.optim import cosine, linear_warmup, step_decay
        >>> ax = plot_schedules({"cosine": cosine(0.1, 100), "step": step_decay(0.1, 30, 0.5),
        ...                      "warm-up": linear_warmup(0.1, 10)}, steps=100)
    """
    steps = whole("plot_schedules: steps", steps, 1)
    schedules = _labelled(schedules, "schedule")
    ax = _axes(ax)
    t = np.arange(steps)
    for i, (label, schedule) in enumerate(schedules.items()):
        if not callable(schedule):
            raise TypeError(f"plot_schedules: {label!r} is not a schedule (a function of the step count).")
        ax.plot(t, [float(schedule(int(k))) for k in t], label=str(label), linewidth=1.8, **_cycle(i))
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step t")
    ax.set_ylabel("learning rate")
    ax.grid(True, color="0.88", linewidth=0.6)
    ax.legend(fontsize=8)
    return ax


def plot_spectrum(eigenvalues, ax=None, *, bins: int = 40, max_points: int = 60):
    r"""Eigenvalues of one or several symmetric matrices (e.g. Hessians).

    One set of at most ``max_points`` values is drawn value by value, sorted, with positive ones
    as upward triangles and negative ones as downward triangles (in two colours); the title counts
    them and gives the condition number :math:`\lambda_{\max}/\lambda_{\min}` when all are
    positive. More values, or a dict {label: eigenvalues}, are drawn as histograms.

    Example:
        >>> H = get_surface("rosenbrock").hessian([1.0, 1.0])
        >>> ax = plot_spectrum(np.linalg.eigvalsh(H))
    """
    spectra = {label: np.sort(np.asarray(values, dtype=float).ravel())
               for label, values in _labelled(eigenvalues, "eigenvalues").items()}
    for label, lam in spectra.items():
        if lam.size == 0 or not np.isfinite(lam).all():
            raise ValueError(f"plot_spectrum: the eigenvalues of {label!r} must be finite and not empty.")
    ax = _axes(ax)
    one_by_one = len(spectra) == 1 and next(iter(spectra.values())).size <= max_points
    if one_by_one:
        lam = next(iter(spectra.values()))
        ax.axhline(0.0, color="0.5", linewidth=0.8)
        i = np.arange(lam.size)
        pos, neg = lam > 0, lam < 0
        ax.plot(i[pos], lam[pos], "^", color=PALETTE["indigo"], markersize=8, linestyle="none", label="λ > 0")
        ax.plot(i[neg], lam[neg], "v", color=PALETTE["rose"], markersize=8, linestyle="none", label="λ < 0")
        if (lam == 0).any():
            ax.plot(i[lam == 0], lam[lam == 0], "o", color="black", linestyle="none", label="λ = 0")
        ax.set_xlabel("index (sorted)")
        ax.set_ylabel("eigenvalue λ")
        title = f"{pos.sum()} positive, {neg.sum()} negative"
        if pos.all():
            title += f"; condition number {lam[-1] / lam[0]:.3g}"
        ax.set_title(title, fontsize=10)
        if lam.size <= 12:
            ax.set_xticks(i)
    else:
        ax.axvline(0.0, color="0.5", linewidth=0.8)
        edges = np.histogram_bin_edges(np.concatenate(list(spectra.values())), bins=bins)
        for k, (label, lam) in enumerate(spectra.items()):
            ax.hist(lam, bins=edges, histtype="step", linewidth=1.8, label=f"{label} ({lam.size})", **_cycle(k))
        ax.set_xlabel("eigenvalue λ")
        ax.set_ylabel("count")
    ax.grid(True, color="0.9", linewidth=0.6)
    ax.legend(fontsize=8)
    return ax


def plot_interpolation(alphas, losses, ax=None, *, log: bool = False, marks=None):
    r"""Loss along the straight line :math:`\theta(\alpha) = (1-\alpha)\theta_0 + \alpha\theta_1`
    (Goodfellow et al. 2014), against :math:`\alpha`.

    ``losses`` is one array (one value per alpha) or a dict {label: array}, e.g. train and test.
    ``marks`` labels special alphas; default {0: "initial", 1: "trained"}.

    Example:
        >>> alphas, losses = loss_along_line(net, theta0, theta1, X, y)     # optcourse.learning.network
        >>> ax = plot_interpolation(alphas, losses)
    """
    alphas = np.asarray(alphas, dtype=float).ravel()
    curves = {k: np.asarray(v, dtype=float).ravel() for k, v in _labelled(losses, "loss").items()}
    for label, y in curves.items():
        if y.shape != alphas.shape:
            raise ValueError(f"plot_interpolation: {label!r} has {y.size} values for {alphas.size} alphas; "
                             f"give one loss per alpha.")
    ax = _axes(ax)
    for k, (label, y) in enumerate(curves.items()):
        ax.plot(alphas, y, label=str(label), linewidth=1.8, **_cycle(k))
    marks = {0.0: "initial", 1.0: "trained"} if marks is None else marks
    for a, text in marks.items():
        if alphas.min() <= a <= alphas.max():
            ax.axvline(a, color="0.4", linestyle=":", linewidth=1.0)
            ax.annotate(text, (a, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -12),
                        textcoords="offset points", fontsize=8)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("α")
    ax.set_ylabel("loss")
    ax.grid(True, color="0.9", linewidth=0.6)
    ax.legend(fontsize=8)
    return ax


def plot_race(surface, runs, *, log: bool = True, figure=None, figsize=(10.5, 4.4)):
    """The classic picture: paths on the contours (left) and the loss against step (right).

    The loss panel shows the gap f - f* on a log scale when the surface has a known minimum (and
    ``log``), else f itself on a linear scale. ``figure`` draws into an existing, empty Figure.

    Example:
        >>> fig = plot_race("rosenbrock", race("rosenbrock", ["SGD", "Momentum", "RMSprop", "Adam"]))
        >>> fig.savefig("race.png", dpi=150)
    """
    surface = as_surface(surface)
    runs = as_runs(runs)
    if figure is None:
        import matplotlib.pyplot as plt
        figure = plt.figure(figsize=figsize, layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=[1.0, 1.15])
    plot_contour(surface, runs, left, legend=False)
    known = not math.isnan(surface.min_value)
    plot_loss(runs, right, log=log and known, minimum=surface.min_value if known else None)
    handles, labels = left.get_legend_handles_labels()
    extra = [(h, lab) for h, lab in zip(handles, labels) if lab in ("start", "minimum")]
    right.legend([h for h, _ in extra] + right.get_legend_handles_labels()[0],
                 [lab for _, lab in extra] + right.get_legend_handles_labels()[1], fontsize=8, framealpha=0.9)
    return figure
