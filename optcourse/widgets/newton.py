r"""Lesson 06: Newton's tangent lines and the conditions a step length must meet, drawn and live.

    draw_tangent_steps(ax, f, fprime, path)      # Newton's iteration for a root: one tangent per step
    acceptable_steps(alphas, values, slopes, phi0, dphi0, c1, c2)
                                                 # where Armijo, Wolfe and strong Wolfe hold on a grid
    step_intervals(alphas, mask)                 # a mask's runs of True as (first, last) alpha pairs
    draw_step_conditions(ax, bands_ax, alphas, values, slopes, phi0, dphi0, c1, c2)
                                                 # phi, the Armijo line and the acceptable intervals
    NewtonRootWidget()                           # pick f and x0: the tangent steps and |f(x_k)|
    LineSearchWidget()                           # c1, c2, first trial and direction on Rosenbrock

The conditions, for :math:`\phi(\alpha) = f(x + \alpha p)` with :math:`\phi'(0) < 0` and
:math:`0 < c_1 < c_2 < 1` (Nocedal and Wright, *Numerical Optimization*, 2nd ed., section 3.1):

.. math::
    \text{Armijo (3.4)}: &\quad \phi(\alpha) \le \phi(0) + c_1 \alpha \phi'(0) \\
    \text{Wolfe (3.6)}: &\quad \text{Armijo and } \phi'(\alpha) \ge c_2 \phi'(0) \\
    \text{strong Wolfe (3.7)}: &\quad \text{Armijo and } |\phi'(\alpha)| \le c_2 |\phi'(0)|

The widgets are :class:`optcourse.widgets.Experiment` subclasses, so like every widget of the course
they carry a static PNG of their figure for places without a widget front end (nbval, nbconvert).
"""
from __future__ import annotations

import html
import math

import ipywidgets as widgets
import numpy as np

from optcourse.landscapes.surfaces import get_surface
from optcourse.secondorder.linesearch import (acceptable_steps, armijo_backtracking, check_line_data, step_intervals,
                                              wolfe_line_search)
from optcourse.secondorder.roots import newton_root
from optcourse.viz.plots import PALETTE, START_STYLE, draw_landscape
from optcourse.widgets.framework import Experiment, clear_plotted, fixed_axes, int_slider, log_slider, slider

CONDITIONS = ("armijo", "wolfe", "strong wolfe")
CONDITION_COLOURS = {"armijo": PALETTE["sand"], "wolfe": PALETTE["teal"], "strong wolfe": PALETTE["indigo"]}
MARK_COLOURS = (PALETTE["rose"], PALETTE["purple"], PALETTE["cyan"], PALETTE["olive"])


# =================================================================================================
# Newton's tangent lines
# =================================================================================================

def draw_tangent_steps(ax, f, fprime, path, *, colour=PALETTE["rose"], label_points: bool = True):
    r"""Draw Newton's iteration for a root on ``ax``: for each step, the vertical from
    :math:`(x_k, 0)` up to the curve and the tangent from :math:`(x_k, f(x_k))` down to its zero
    :math:`x_{k+1} = x_k - f(x_k)/f'(x_k)`.

    ``path`` is :math:`x_0, x_1, \dots` (e.g. ``newton_root(...).path``). The curve itself is not
    drawn (plot f over the window you want first). Returns the list of artists drawn.

        >>> import matplotlib.pyplot as plt, numpy as np
        >>> from optcourse.secondorder.roots import newton_root
        >>> f, fp = lambda x: x**2 - 2, lambda x: 2 * x
        >>> ax = plt.gca(); xs = np.linspace(0, 3, 100); _ = ax.plot(xs, f(xs))
        >>> artists = draw_tangent_steps(ax, f, fp, newton_root(f, fp, 3.0, maxiter=3).path)
    """
    path = np.asarray(path, dtype=float)
    if path.ndim != 1 or path.size == 0:
        raise ValueError(f"path must be a 1-D array of iterates x_0, x_1, ..., got shape {path.shape}.")
    artists = []
    for k, (x, x_next) in enumerate(zip(path[:-1], path[1:])):
        fx = float(f(x))
        artists += ax.plot([x, x], [0.0, fx], color="0.45", linestyle=":", linewidth=1.0, zorder=3)
        artists += ax.plot([x, x_next], [fx, 0.0], color=colour, linewidth=1.6, zorder=4)
        artists += ax.plot([x], [fx], "o", color=colour, markeredgecolor="black", markersize=5, zorder=5)
    artists += ax.plot(path, np.zeros_like(path), "o", color="white", markeredgecolor="black",
                       markersize=6, zorder=6)
    if label_points:                            # name x_0, x_1, ... unless they crowd each other
        finite = path[np.isfinite(path)]
        room = 0.04 * (np.ptp(finite) if finite.size else 1.0)
        named = []
        for k, x in enumerate(path[:6]):
            if np.isfinite(x) and all(abs(x - other) > room for other in named):
                named.append(x)
                artists.append(ax.annotate(f"$x_{k}$", (x, 0.0), textcoords="offset points", xytext=(0, -14),
                                           ha="center", fontsize=9))
    return artists


# =================================================================================================
# Which step lengths are acceptable
# =================================================================================================


def draw_step_conditions(ax, bands_ax, alphas, values, slopes, phi0, dphi0, c1=1e-4, c2=0.9, *, marks=None,
                         legend: bool = True) -> dict:
    r"""Draw :math:`\phi(\alpha)`, the Armijo line :math:`\phi(0) + c_1\alpha\phi'(0)` and the slope
    :math:`c_2\phi'(0)` that the curvature condition asks for on ``ax``, and on ``bands_ax`` (an axes
    below it, sharing its x axis) three rows of shaded intervals: where Armijo, Wolfe and strong Wolfe
    hold. ``marks`` maps a label to a step length to mark on the curve (e.g. what a line search chose).
    Returns :func:`acceptable_steps`' masks.

    The vertical range shows the dip below :math:`\phi(0)`; a curve that climbs far above
    :math:`\phi(0)` is cut off at the top. The legend goes to the right of ``ax``.

        >>> import matplotlib.pyplot as plt, numpy as np
        >>> fig, (top, bottom) = plt.subplots(2, 1, sharex=True, height_ratios=[4, 1])
        >>> a = np.linspace(0, 2.5, 251)
        >>> masks = draw_step_conditions(top, bottom, a, (a - 1)**2 - 1, 2 * (a - 1), 0.0, -2.0, 0.1, 0.5)
    """
    alphas, values, slopes, phi0, dphi0, c1, c2 = check_line_data(alphas, values, slopes, phi0, dphi0, c1, c2)
    masks = acceptable_steps(alphas, values, slopes, phi0, dphi0, c1, c2)
    low = min(float(np.nanmin(values)), phi0)
    span = max(phi0 - low, 1e-12 * max(1.0, abs(phi0)))
    ax.plot(alphas, values, color="black", linewidth=1.8, label=r"$\phi(\alpha) = f(x + \alpha p)$", zorder=4)
    ax.plot(alphas, phi0 + c1 * alphas * dphi0, color=PALETTE["wine"], linestyle="--", linewidth=1.3,
            label=r"Armijo line $\phi(0) + c_1\alpha\phi'(0)$", zorder=3)
    # The slopes phi'(0) and c2 phi'(0) as segments from (0, phi(0)). The tangent runs along the curve
    # at first, so it is drawn down the whole dip, where it has left the curve; c2 phi'(0) a third of it.
    # The legend names no values of c1 and c2: it then serves several panels (their titles give them).
    width = alphas[-1] - alphas[0]
    for slope, drop, style in ((dphi0, 1.0, dict(color="0.2", linewidth=1.4, linestyle=":",
                                                  label=r"tangent, slope $\phi'(0)$")),
                               (c2 * dphi0, 1 / 3, dict(color=PALETTE["green"], linewidth=2.4,
                                                        label=r"slope $c_2\phi'(0)$"))):
        reach = min(0.3 * width, drop * span / abs(slope))
        ax.plot([0.0, reach], [phi0, phi0 + slope * reach], zorder=5, **style)
    for (label, alpha), colour in zip((marks or {}).items(), MARK_COLOURS):
        if alpha is not None and alpha > 0:
            k = int(np.argmin(np.abs(alphas - alpha)))
            ax.plot([alpha], [values[k]], "o", color=colour, markersize=8, markeredgecolor="black", zorder=6,
                    label=label)
    ax.set_xlim(alphas[0], alphas[-1])
    ax.set_ylim(low - 0.15 * span, phi0 + 0.5 * span)
    ax.set_ylabel(r"$\phi(\alpha)$")
    ax.tick_params(labelbottom=False)
    step = alphas[1] - alphas[0] if alphas.size > 1 else 0.0
    for row, name in enumerate(CONDITIONS):
        for lo, hi in step_intervals(alphas, masks[name]):
            bands_ax.fill_between([lo - step / 2, hi + step / 2], -row - 0.4, -row + 0.4,
                                  color=CONDITION_COLOURS[name], linewidth=0)
    bands_ax.set_ylim(-len(CONDITIONS) + 0.5, 0.5)
    bands_ax.set_yticks([-row for row in range(len(CONDITIONS))], list(CONDITIONS), fontsize=8)
    bands_ax.set_xlim(alphas[0], alphas[-1])
    bands_ax.set_xlabel(r"step length $\alpha$")
    bands_ax.grid(False)
    if legend:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), framealpha=0.92)
    return masks


# =================================================================================================
# Widgets
# =================================================================================================

def _cube_root(x):
    return np.sign(x) * np.abs(x) ** (1.0 / 3.0)


def _cube_root_slope(x):
    return np.abs(x) ** (-2.0 / 3.0) / 3.0 if x != 0 else math.inf


# label -> (f, f', window for x, (lowest, highest) x0, default x0)
ROOT_PROBLEMS = {
    "x³ − 2x − 5 (Newton's own example)": (lambda x: x**3 - 2 * x - 5, lambda x: 3 * x**2 - 2,
                                           (-1.0, 4.0), (-1.0, 4.0), 3.5),
    "arctan x": (np.arctan, lambda x: 1.0 / (1.0 + x * x), (-4.0, 4.0), (-3.0, 3.0), 1.3),
    "x³ − 2x + 2 (a cycle)": (lambda x: x**3 - 2 * x + 2, lambda x: 3 * x**2 - 2, (-2.5, 2.0), (-2.5, 2.0), 0.0),
    "(x − 1)²(x + 2) (a double root at 1)": (lambda x: (x - 1) ** 2 * (x + 2), lambda x: 3 * (x * x - 1),
                                             (-3.0, 3.0), (-3.0, 3.0), 2.5),
    "cube root of x": (_cube_root, _cube_root_slope, (-3.0, 3.0), (-2.0, 2.0), 0.5),
}


def describe_newton_run(path, values, window) -> str:
    """How a run of Newton's method for a root ended, in words: at a root, cycling, moving away, or
    still on its way. ``values`` are f at the iterates; ``window`` the range of x drawn."""
    path, values = np.asarray(path, dtype=float), np.asarray(values, dtype=float)
    k = len(path) - 1
    far = 2 * max(abs(window[0]), abs(window[1]))
    if np.isfinite(values[-1]) and abs(values[-1]) <= 1e-12:
        return f"at a root after {k} steps: x = {path[-1]:.12g}, |f(x)| = {abs(values[-1]):.1e}"
    if not np.isfinite(path[-1]) or (abs(path[-1]) > far and k >= 2 and abs(path[-1]) > abs(path[-2]) > abs(path[-3])):
        return f"moving away: after {k} steps |x| has grown to {abs(path[-1]):.3g}"
    if k >= 3 and abs(path[-1] - path[-3]) <= 1e-9 * (1 + abs(path[-1])) and abs(path[-1] - path[-2]) > 1e-6:
        return f"caught in a cycle: the iterates repeat {path[-2]:.4g}, {path[-1]:.4g}, {path[-2]:.4g}, ..."
    return f"on its way after {k} steps: x = {path[-1]:.6g}, |f(x)| = {abs(values[-1]):.1e}"


class NewtonRootWidget(Experiment):
    r"""Newton's method for a root, :math:`x_{k+1} = x_k - f(x_k)/f'(x_k)`, on a function of your choice.

    Controls: the function (:data:`ROOT_PROBLEMS`: Newton's own cubic, arctan, a cubic with a
    2-cycle, a double root, the cube root), the start :math:`x_0` and the number of steps. Left: f and
    the tangent steps (:func:`draw_tangent_steps`). Right: :math:`|f(x_k)|` on a log scale: a curve
    that plunges faster and faster is quadratic convergence; a straight line is linear.

    Example:
        >>> NewtonRootWidget("arctan x", x0=1.5)          # diverges; try 1.35
    """

    def __init__(self, function: str = "arctan x", x0: float | None = None, steps: int = 6, dpi: int = 88):
        super().__init__((10.0, 3.7), dpi)
        if function not in ROOT_PROBLEMS:
            raise ValueError(f"NewtonRootWidget: unknown function {function!r}; choose one of "
                             f"{', '.join(ROOT_PROBLEMS)}.")
        self.function_control = widgets.Dropdown(options=list(ROOT_PROBLEMS), value=function, description="f",
                                                 layout=widgets.Layout(width="360px"))
        low, high = ROOT_PROBLEMS[function][3]
        self.x0_control = slider("x₀", ROOT_PROBLEMS[function][4] if x0 is None else x0, low, high, 0.01, ".2f")
        self.steps_control = int_slider("steps", steps, 1, 12)
        self.function_control.observe(self._function_changed, names="value")
        self._watch(self.x0_control, self.steps_control)
        self.ax_f, self.ax_err = fixed_axes(self.figure, [(0.06, 0.14, 0.52, 0.76), (0.68, 0.14, 0.30, 0.76)])
        # Both panels are replotted on every change, over frames kept while their limits stay.
        self.live.dynamic_data_axes = [self.ax_f, self.ax_err]
        self.result = None
        self._assemble([widgets.HBox([self.function_control]),
                        widgets.HBox([self.x0_control, self.steps_control])])
        self.refresh()

    def _function_changed(self, change) -> None:
        _, _, _, (low, high), default = ROOT_PROBLEMS[change["new"]]
        with self.quiet():
            self.x0_control.min, self.x0_control.max = -1e300, 1e300      # widen first: min may not pass max
            self.x0_control.min, self.x0_control.max = low, high
            self.x0_control.value = default
        self.refresh()

    def update(self) -> str:
        f, fprime, window, _, _ = ROOT_PROBLEMS[self.function_control.value]
        self.result = res = newton_root(f, fprime, float(self.x0_control.value), maxiter=self.steps_control.value)
        for ax in (self.ax_f, self.ax_err):
            clear_plotted(ax)
        finite = res.path[np.isfinite(res.path)]
        shown = finite[np.abs(finite) <= 2.5 * (window[1] - window[0])]       # keep the start readable
        lo, hi = min(window[0], shown.min()), max(window[1], shown.max())
        pad = 0.05 * (hi - lo)
        xs = np.linspace(lo - pad, hi + pad, 600)
        self.ax_f.plot(xs, f(xs), color="black", linewidth=1.6)
        self.ax_f.axhline(0.0, color="0.4", linewidth=0.8)
        upto = min(len(res.path), int(np.flatnonzero(np.isin(res.path, shown))[-1]) + 1)
        draw_tangent_steps(self.ax_f, f, fprime, res.path[:upto])
        self.ax_f.set_xlim(lo - pad, hi + pad)
        self.ax_f.set(xlabel="x", title=self.function_control.value)
        values = np.abs(res.fun_path)
        steps = np.arange(len(values))
        self.ax_err.semilogy(steps, np.maximum(values, 1e-17), "o-", color=PALETTE["rose"], markeredgecolor="black",
                             markersize=5)
        largest = float(np.max(values[np.isfinite(values)], initial=1.0))
        self.ax_err.set(xlabel="step k", ylabel="|f(x_k)|", ylim=(1e-17, 10 * max(1e2, largest)))
        self.ax_err.set_xticks(steps if len(steps) <= 13 else steps[::2])
        for ax in (self.ax_f, self.ax_err):
            ax.grid(True, color="0.9", linewidth=0.6)
        what = describe_newton_run(res.path, res.fun_path, window)
        if not res.converged and res.nit < self.steps_control.value:   # stopped early: say why
            what += f" ({res.message})"
        return f"From x₀ = {self.x0_control.value:.2f}: <b>{html.escape(what)}</b>."


class LineSearchWidget(Experiment):
    r"""Which step lengths are acceptable along a line through Rosenbrock's function, and what two line
    searches pick.

    From :math:`x = (-1.2, 1)` the direction p is :math:`-\nabla f` turned by an angle (still downhill
    for angles under 90 degrees) and scaled to length 1. Controls: the angle, :math:`c_1`, :math:`c_2`
    and the first trial step :math:`\alpha_0`. Left: the line on the contours, with the two steps
    chosen. Right: :func:`draw_step_conditions` for :math:`\phi(\alpha) = f(x + \alpha p)`, marking
    the step of :func:`optcourse.secondorder.linesearch.armijo_backtracking` (:math:`\alpha_0, \alpha_0/2, \dots`
    until Armijo holds) and of :func:`optcourse.secondorder.linesearch.wolfe_line_search`.

    Example:
        >>> LineSearchWidget(c1=0.1, c2=0.5)
    """

    ALPHA_MAX = 3.0

    def __init__(self, angle_degrees: float = 0.0, c1: float = 1e-4, c2: float = 0.9, alpha0: float = 1.0,
                 dpi: int = 88):
        super().__init__((10.5, 4.0), dpi)
        self.surface = get_surface("rosenbrock")
        self.x = np.array([-1.2, 1.0])
        self.angle_control = slider("turn p from −∇f (°)", angle_degrees, -85.0, 85.0, 1.0, ".0f")
        self.c1_control = log_slider("c₁", c1, -4, math.log10(0.5), ".1e")
        self.c2_control = slider("c₂", c2, 0.05, 0.99, 0.01, ".2f")
        self.alpha0_control = log_slider("first trial α₀", alpha0, -1.5, math.log10(self.ALPHA_MAX), ".2f")
        self._watch(self.angle_control, self.c1_control, self.c2_control, self.alpha0_control)
        self.ax_map, self.ax_line, self.ax_bands = fixed_axes(
            self.figure, [(0.045, 0.13, 0.22, 0.78), (0.36, 0.38, 0.39, 0.53), (0.36, 0.12, 0.39, 0.17)])
        # The map is drawn once; the line and the two chosen steps move over it. The two right-hand
        # panels are replotted on every change, over their kept frames (see LiveFigure).
        draw_landscape(self.ax_map, self.surface, n=100, levels=18)
        (self.line_on_map,) = self.ax_map.plot([], [], color=PALETTE["rose"], linewidth=1.4)
        self.chosen_on_map = [self.ax_map.plot([], [], "o", color=colour, markeredgecolor="black", zorder=7)[0]
                              for colour in MARK_COLOURS[:2]]
        self.ax_map.plot(*self.x, **START_STYLE)
        self.ax_map.set_title("Rosenbrock from (−1.2, 1)", fontsize=9)
        self.live.dynamic_artists = [self.line_on_map, *self.chosen_on_map]
        self.live.dynamic_data_axes = [self.ax_line, self.ax_bands]
        self.chosen = {}
        self._assemble([widgets.HBox([self.angle_control, self.alpha0_control]),
                        widgets.HBox([self.c1_control, self.c2_control])])
        self.refresh()

    @property
    def direction(self) -> np.ndarray:
        g = self.surface.gradient(self.x)
        t = math.radians(self.angle_control.value)
        turn = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
        return -turn @ g / np.linalg.norm(g)

    def update(self) -> str:
        s, x, p = self.surface, self.x, self.direction
        c1, c2, alpha0 = float(self.c1_control.value), float(self.c2_control.value), float(self.alpha0_control.value)
        for ax in (self.ax_line, self.ax_bands):
            clear_plotted(ax)
        f0, g0 = s.value(x), s.gradient(x)
        alphas = np.linspace(0.005, self.ALPHA_MAX, 600)
        points = x + alphas[:, None] * p
        values, slopes = s.value(points), s.gradient(points) @ p
        if not c1 < c2:
            raise ValueError(f"c₁ = {c1:.3g} must be smaller than c₂ = {c2:.3g}: move one of them.")
        back = armijo_backtracking(s.value, x, p, f0, g0, alpha0=alpha0, c1=c1)
        wolfe = wolfe_line_search(s.value, s.gradient, x, p, f0, g0, alpha0=alpha0, c1=c1, c2=c2)
        self.chosen = {"backtracking": back, "Wolfe search": wolfe}
        masks = draw_step_conditions(self.ax_line, self.ax_bands, alphas, values, slopes, f0, float(g0 @ p), c1, c2,
                                     marks={f"backtracking: α = {back.alpha:.3g}": back.alpha,
                                            f"Wolfe search: α = {wolfe.alpha:.3g}": wolfe.alpha})
        self.ax_line.set_title(r"$\phi(\alpha) = f(x + \alpha p)$ along the line on the left", fontsize=9)
        self.line_on_map.set_data(points[:, 0], points[:, 1])
        for result, marker in zip((back, wolfe), self.chosen_on_map):
            chosen = x + result.alpha * p
            marker.set_data(*(([chosen[0]], [chosen[1]]) if result.alpha > 0 else ([], [])))
        parts = []
        for name in CONDITIONS:
            runs = step_intervals(alphas, masks[name])
            text = ", ".join(f"[{lo:.2f}, {hi:.2f}]" for lo, hi in runs) or "nowhere on [0, 3]"
            parts.append(f"{name}: {text}")
        return ("Acceptable steps: " + "; ".join(parts) + ". "
                f"Backtracking from α₀ = {alpha0:.2f} stops at <b>α = {back.alpha:.3g}</b> after {back.nfev} "
                f"evaluations of f; the Wolfe search stops at <b>α = {wolfe.alpha:.3g}</b> after {wolfe.nfev} "
                f"evaluations of f and ∇f.")
