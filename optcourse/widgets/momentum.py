"""Lesson 04: learning rate and momentum on an ill-conditioned quadratic, with the rates they predict
(the maths is in :mod:`optcourse.optim.rates`)."""
from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np
from matplotlib import patheffects

from optcourse.experiments.runner import Run, run
from optcourse.landscapes.surfaces import quadratic
from optcourse.optim.rates import momentum_rate, optimal_momentum
from optcourse.viz.plots import OUTLINE, START_STYLE, draw_landscape, line_kwargs, optimizer_style
from optcourse.widgets.framework import EPS, Experiment, fixed_axes, gap_for_log, int_slider, log_slider, slider


_PREDICTION_EDGE = [patheffects.withStroke(linewidth=3.4, foreground="white"), patheffects.Normal()]

class MomentumWidget(Experiment):
    r"""Gradient descent with and without momentum on :math:`f = \tfrac12 p^\top A p`, where A has
    eigenvalues 1 and :math:`\kappa` (the condition number), its long axis at 30 degrees.

    Both runs use the same learning rate; "momentum" is ``SGD(lr, momentum)``. The title gives each
    one's rate (:func:`momentum_rate`); the loss panel draws the gap together with
    :math:`\rho^{2k}`, the decay that rate predicts. The button sets Polyak's optimal lr and
    momentum for this :math:`\kappa` (:func:`optimal_momentum`).

    Example:
        >>> MomentumWidget(condition_number=100, momentum=0.8)
    """

    def __init__(self, condition_number: float = 25.0, lr: float | None = None, momentum: float = 0.8,
                 steps: int = 100, dpi: int = 88):
        super().__init__((10.0, 4.2), dpi)
        lr = 1.0 / condition_number if lr is None else lr
        self.kappa_control = log_slider("condition κ", condition_number, 0, 3, ".0f")
        self.lr_control = log_slider("lr", lr, -4, 0.5, ".3g")
        self.momentum_control = slider("momentum", momentum, 0.0, 0.99, 0.01, ".2f")
        self.steps_control = int_slider("steps", steps, 5, 500)
        self.optimal_button = widgets.Button(description="optimal lr and momentum")
        self.optimal_button.on_click(lambda button: self.use_optimal())
        self._watch(self.kappa_control, self.lr_control, self.momentum_control, self.steps_control)
        self.ax_path, self.ax_loss = fixed_axes(self.figure, [(0.06, 0.12, 0.36, 0.78), (0.52, 0.12, 0.46, 0.78)])
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_ylabel("f(x) - f*")
        self.ax_loss.set_yscale("log")
        self.ax_loss.grid(True, color="0.88", linewidth=0.6)
        self._landscape, self._kappa_drawn = [], None
        self.lines = {}
        for name in ("SGD", "Momentum"):
            (path,) = self.ax_path.plot([], [], path_effects=OUTLINE, zorder=4, **line_kwargs(name))
            (loss,) = self.ax_loss.plot([], [], **line_kwargs(name, 100))
            # On top of the loss curves, with a white edge: the prediction often runs right along the curve.
            (predicted,) = self.ax_loss.plot([], [], color=optimizer_style(name).color, linestyle=":", linewidth=1.6,
                                             zorder=5, path_effects=_PREDICTION_EDGE)
            self.lines[name] = (path, loss, predicted)
        (self.start_marker,) = self.ax_path.plot([], [], **START_STYLE)
        self._moving = [self.start_marker, *(a for lines in self.lines.values() for a in lines)]
        self._assemble([widgets.HBox([self.kappa_control, self.steps_control]),
                        widgets.HBox([self.lr_control, self.momentum_control, self.optimal_button])])
        self.runs: dict[str, Run] = {}
        self.refresh()

    def use_optimal(self) -> None:
        lr, momentum = optimal_momentum(self.kappa_control.value)
        with self.quiet():
            self.lr_control.value = lr
            self.momentum_control.value = min(momentum, self.momentum_control.max)
        self.refresh()

    def update(self) -> str:
        kappa, lr, beta = self.kappa_control.value, self.lr_control.value, self.momentum_control.value
        self.surface = quadratic(kappa, 30)
        if self._kappa_drawn != kappa:
            for a in self._landscape:
                a.remove()
            self._landscape = draw_landscape(self.ax_path, self.surface, n=140, levels=18)
            self._kappa_drawn = self.live.layer_keys[self.ax_path] = kappa
            # The minimum's star stays over the paths, which end on it.
            self.live.dynamic_artists = [*self._moving, *self._landscape[2:]]
        steps = self.steps_control.value
        self.runs = {"SGD": run("SGD", self.surface, steps, lr=lr, label="gradient descent"),
                     "Momentum": run("Momentum", self.surface, steps, lr=lr, momentum=beta,
                                     label=f"momentum {beta:.2f}")}
        rates = {"SGD": momentum_rate(lr, 0.0, [1.0, kappa]), "Momentum": momentum_rate(lr, beta, [1.0, kappa])}
        for name, (path, loss, predicted) in self.lines.items():
            r = self.runs[name]
            path.set_data(r.path[:, 0], r.path[:, 1])
            path.set_label(r.label)
            gap = gap_for_log(r.loss, 0.0)
            loss.set_data(np.arange(len(gap)), gap)
            loss.set_label(f"{r.label}: rate {rates[name]:.3f}")
            k = np.arange(len(gap))
            with np.errstate(over="ignore", under="ignore"):
                predicted.set_data(k, np.maximum(gap[0] * rates[name] ** (2.0 * k), EPS))
        self.start_marker.set_data([self.surface.start[0]], [self.surface.start[1]])
        # From the resolution of f up to a little above the start: a diverging run leaves the top.
        # The bottom is a power of ten, so that the limits (and the kept frame) change only now and then.
        lowest = min(np.nanmin(self.lines[n][1].get_ydata()) for n in self.lines)
        self.ax_loss.set_xlim(0, steps)
        self.ax_loss.set_ylim(10.0 ** math.floor(math.log10(max(EPS, lowest / 10))), 10 * self.runs["SGD"].loss[0])
        self._legend(self.ax_loss, loc="lower left", fontsize=8)
        self.ax_path.set_title(f"condition number {kappa:.0f}", fontsize=10)
        best_lr, best_beta = optimal_momentum(kappa)
        return (f"rate per step (error shrinks by this factor; dotted: the loss it predicts): gradient descent "
                f"<b>{rates['SGD']:.4f}</b>, momentum <b>{rates['Momentum']:.4f}</b>. For κ = {kappa:.0f} the "
                f"best is lr = {best_lr:.3g}, momentum = {best_beta:.3f}, rate "
                f"{(math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1):.4f} (gradient descent at best "
                f"{(kappa - 1) / (kappa + 1):.4f}).")
