r"""Lesson 03: when the gradient does not point at the minimum.

On a quadratic bowl :math:`f(x) = \tfrac12 (x - x^*)^\top H (x - x^*)` the gradient is
:math:`\nabla f(x) = H (x - x^*)`, so the steepest-descent direction :math:`-\nabla f` and the direction
to the minimum :math:`x^* - x` are the same only when H is a multiple of the identity (round
contours). :mod:`optcourse.landscapes.conditioning` measures the difference (``descent_angle``,
``worst_descent_angle``, ``gradient_turn``); the widget lets it be seen:

    ConditioningWidget()                # sliders: condition number, where we stand, how far we walk

The widget is an :class:`optcourse.widgets.Experiment`, so like every widget of the course it carries
a static PNG of its figure for places without a widget front end (nbval, nbconvert, a PDF).
"""
from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from optcourse.landscapes.conditioning import descent_angle, descent_angles, gradient_turn, worst_descent_angle
from optcourse.landscapes.surfaces import quadratic
from optcourse.viz.plots import MINIMUM_STYLE, PALETTE, START_STYLE, draw_landscape
from optcourse.widgets.framework import Experiment, clear_plotted, fixed_axes, log_slider, slider


class ConditioningWidget(Experiment):
    r"""Steepest descent against the direction to the minimum on :math:`f = \tfrac12 (x^2 + \kappa y^2)`.

    Sliders: the condition number :math:`\kappa`, where we stand (an angle on a circle of radius 2.5
    around the minimum) and how far we walk along the first :math:`-\nabla f`, as a fraction of the
    exact line-search step :math:`t^*`. Left: the contours, :math:`-\nabla f` (black), the direction to
    the minimum (green, dashed) and, along the walk, the normalised :math:`-\nabla f` turning (rose).
    Top right: the angle between the two directions for every starting place, with the worst case
    :func:`worst_descent_angle`. Bottom right: how far the gradient has turned along the walk
    (:func:`gradient_turn`); it reaches 90 degrees at :math:`t^*`.

    Example:
        >>> ConditioningWidget(condition_number=50, position_degrees=20)
    """

    RADIUS = 2.5
    MAP_BOUNDS = ((-2.9, 2.9), (-1.7, 2.9))   # the half circle of starts and every walk, up to 1.5 t*

    def __init__(self, condition_number: float = 10.0, position_degrees: float = 30.0, walk: float = 0.6,
                 dpi: int = 88):
        super().__init__((10.5, 4.5), dpi)
        self.kappa_control = log_slider("condition κ", condition_number, 0, 3, ".0f")
        self.position_control = slider("start at angle (°)", position_degrees, 0.0, 180.0, 1.0, ".0f")
        self.walk_control = slider("walk along −∇f (× t*)", walk, 0.0, 1.5, 0.05, ".2f")
        self._watch(self.kappa_control, self.position_control, self.walk_control)
        # The map gets the room (left, half the width); the two curves share the right-hand column.
        self.ax_map, self.ax_angle, self.ax_turn = fixed_axes(
            self.figure, [(0.05, 0.1, 0.44, 0.81), (0.6, 0.6, 0.385, 0.34), (0.6, 0.1, 0.385, 0.34)])
        # The map keeps its contours for each κ and moves the walk and the arrows over them; the two
        # right-hand panels are replotted on every change, over their kept frames (see LiveFigure).
        self._landscape, self._drawn, self._made = [], None, []
        (self.walk_line,) = self.ax_map.plot([], [], color="0.3", linewidth=1.0, zorder=2)
        (self.here_marker,) = self.ax_map.plot([], [], marker="o", color=PALETTE["rose"], markeredgecolor="black",
                                               zorder=7)
        (self.to_minimum_line,) = self.ax_map.plot([], [], color=PALETTE["green"], linestyle="--", linewidth=1.0)
        (self.minimum_marker,) = self.ax_map.plot([0.0], [0.0], **MINIMUM_STYLE)
        self.ax_map.set_aspect("equal")
        self._moving = [self.walk_line, self.here_marker, self.to_minimum_line, self.minimum_marker]
        self.live.dynamic_data_axes = [self.ax_angle, self.ax_turn]
        self._assemble([widgets.HBox([self.kappa_control, self.position_control]),
                        widgets.HBox([self.walk_control])])
        self.refresh()

    @property
    def hessian(self) -> np.ndarray:
        return np.diag([1.0, float(self.kappa_control.value)])

    @property
    def start(self) -> np.ndarray:
        phi = math.radians(self.position_control.value)
        return self.RADIUS * np.array([math.cos(phi), math.sin(phi)])

    def line_search_step(self) -> float:
        """t* = ‖g‖ / (uᵀ H u): the exact minimiser of f along -∇f from the start."""
        H, x = self.hessian, self.start
        g = H @ x
        u = -g / np.linalg.norm(g)
        return float(np.linalg.norm(g) / (u @ H @ u))

    def update(self) -> str:
        kappa, H, x0 = float(self.kappa_control.value), self.hessian, self.start
        for ax in (self.ax_angle, self.ax_turn):
            clear_plotted(ax)
        for a in self._made:                      # the arrows and the start marker, made afresh below
            a.remove()
        # Left: contours, the two directions at the start, and the gradient turning along the walk.
        if self._drawn != kappa:                  # new contours only when κ changed
            for a in self._landscape:
                a.remove()
            self._landscape = draw_landscape(self.ax_map, quadratic(kappa, 0), n=120, levels=14, minima=False,
                                             bounds=self.MAP_BOUNDS)
            self._drawn = self.live.layer_keys[self.ax_map] = kappa
        g0 = H @ x0
        u = -g0 / np.linalg.norm(g0)
        t_star = self.line_search_step()
        walk = self.walk_control.value * t_star
        # Arrows shorter than the walk (t* is about the start's height above the valley floor), so that the
        # black one at the start does not cover the walk and the marker on it.
        reach = min(0.8, max(0.25, 0.4 * t_star))
        ts = np.linspace(0.0, 1.5 * t_star, 4)      # the start, 0.5 t*, t*, 1.5 t*: few, short arrows that
        points = x0 + ts[:, None] * u               # do not pile up where the walk is short
        self.walk_line.set_data(points[:, 0], points[:, 1])
        minus_g = -(points @ H)
        lengths = np.linalg.norm(minus_g, axis=1, keepdims=True)
        # no arrow where the walk crosses the minimum: a gradient of rounding noise has no direction
        directions = np.divide(minus_g, lengths, out=np.zeros_like(minus_g), where=lengths > 1e-9 * lengths[0])
        arrows = 0.7 * reach * directions
        self._made = [self.ax_map.quiver(points[1:, 0], points[1:, 1], arrows[1:, 0], arrows[1:, 1], angles="xy",
                                           scale_units="xy", scale=1, color=PALETTE["rose"], alpha=0.45, width=0.006,
                                           zorder=4)]
        here = x0 + walk * u
        minus_g_here = -(H @ here)
        if np.linalg.norm(minus_g_here) > 1e-12 * np.linalg.norm(g0):
            arrow = minus_g_here / np.linalg.norm(minus_g_here) * reach
            self._made.append(self.ax_map.quiver([here[0]], [here[1]], [arrow[0]], [arrow[1]], angles="xy",
                                                   scale_units="xy", scale=1, color=PALETTE["rose"],
                                                   edgecolor="black", linewidth=0.5, width=0.01, zorder=6))
        self.here_marker.set_data([here[0]], [here[1]])
        to_min = -x0 / np.linalg.norm(x0) * reach
        self._made.append(self.ax_map.quiver([x0[0], x0[0]], [x0[1], x0[1]], [reach * u[0], to_min[0]],
                                               [reach * u[1], to_min[1]], angles="xy", scale_units="xy", scale=1,
                                               color=["black", PALETTE["green"]], width=0.01, zorder=5))
        self.to_minimum_line.set_data([x0[0], 0.0], [x0[1], 0.0])
        self._made += self.ax_map.plot(*x0, **START_STYLE)           # last: over the arrows at the start
        self.live.dynamic_artists = [*self._moving, *self._made]
        self.ax_map.set_title(f"κ = {kappa:.0f}: −∇f (black), to the minimum (green)", fontsize=10)
        # Top right: the angle for every place on the circle.
        phis = np.linspace(0.0, 180.0, 361)
        circle = self.RADIUS * np.stack([np.cos(np.radians(phis)), np.sin(np.radians(phis))], axis=1)
        on_axis = np.isclose(phis % 90.0, 0.0)
        angles = np.where(on_axis, 0.0, descent_angles(H, circle))
        worst = worst_descent_angle(kappa)
        here_angle = descent_angle(H, x0)
        self.ax_angle.plot(phis, angles, color=PALETTE["indigo"], linewidth=1.8)
        self.ax_angle.axhline(worst, color=PALETTE["wine"], linestyle="--", linewidth=1.2,
                              label=f"worst case {worst:.1f}°")
        self.ax_angle.plot([self.position_control.value], [here_angle], **START_STYLE)
        self.ax_angle.set(xlim=(0, 180), ylim=(0, 90), xticks=[0, 45, 90, 135, 180], yticks=[0, 30, 60, 90],
                          xlabel="start at angle φ (°)", ylabel="−∇f to x* − x (°)")
        self.ax_angle.legend(loc="upper right", fontsize=8)
        # Bottom right: the turn of the gradient along the walk.
        fractions = np.linspace(0.0, 1.5, 151)
        turn = gradient_turn(H, x0, fractions * t_star)
        self.ax_turn.plot(fractions, turn, color=PALETTE["rose"], linewidth=1.8)
        self.ax_turn.axhline(90.0, color="0.5", linestyle=":", linewidth=1.0)
        self.ax_turn.axvline(self.walk_control.value, color="0.3", linewidth=1.0)
        self.ax_turn.set(xlim=(0, 1.5), ylim=(0, 180), yticks=[0, 45, 90, 135, 180],
                         xlabel="distance walked along the first −∇f (× t*)", ylabel="−∇f has turned (°)")
        for ax in (self.ax_angle, self.ax_turn):
            ax.grid(True, color="0.9", linewidth=0.6)
        turned = float(gradient_turn(H, x0, [walk])[0])
        turned_text = "the minimum itself" if math.isnan(turned) else f"turned <b>{turned:.1f}°</b>"
        return (f"κ = {kappa:.0f}. Here −∇f is <b>{here_angle:.1f}°</b> off the direction to the minimum "
                f"(worst anywhere: {worst:.1f}°). After walking {self.walk_control.value:.2f} t* along it the "
                f"gradient has {turned_text}. At t*, the lowest point of that line, the gradient is perpendicular to "
                f"the walk (or zero, when the line runs through the minimum).")
