"""A widget for lesson 10: simulated annealing on Rastrigin, with its temperature schedule as controls.

Example:
    >>> AnnealingWidget(t0=10.0, cooling=0.998, step_size=0.5)
"""
from __future__ import annotations

import numpy as np

from optcourse.beyond.heuristics import simulated_annealing
from optcourse.landscapes.surfaces import rastrigin
from optcourse.viz.plots import PALETTE, START_STYLE, draw_landscape
from optcourse.widgets.framework import Experiment, fixed_axes, int_slider, log_slider, slider, widgets


class AnnealingWidget(Experiment):
    r"""Simulated annealing on Rastrigin's function: pick the start temperature :math:`T_0`, the cooling
    factor c (:math:`T_k = T_0 c^k`), the proposal step and the seed; see where the chain wanders (left)
    and its current and best values with the temperature (right). The status line says whether the
    best point found lies in the global minimum's basin."""

    def __init__(self, t0: float = 10.0, cooling: float = 0.998, step_size: float = 0.5, steps: int = 3000,
                 seed: int = 0, dpi: int = 88):
        super().__init__((10.0, 4.2), dpi)
        self.surface = rastrigin()
        self.t0_control = log_slider("T0", t0, -3, 2, ".2g")
        self.cooling_control = slider("cooling c", cooling, 0.98, 1.0, 0.0005, ".4f")
        self.step_control = slider("step", step_size, 0.05, 2.0, 0.05, ".2f")
        self.seed_control = int_slider("seed", seed, 0, 20)
        self.steps = steps
        self._watch(self.t0_control, self.cooling_control, self.step_control, self.seed_control)
        self.ax_path, self.ax_value = fixed_axes(self.figure, [(0.06, 0.12, 0.36, 0.8), (0.52, 0.12, 0.40, 0.8)])
        draw_landscape(self.ax_path, self.surface, n=150, levels=20)
        self.ax_path.set_title("Rastrigin", fontsize=10)
        (self.path,) = self.ax_path.plot([], [], ".", ms=2, color=PALETTE["rose"], alpha=0.5)
        (self.best,) = self.ax_path.plot([], [], "*", ms=12, color=PALETTE["sand"], mec="k")
        self.ax_path.plot(*self.surface.start, **START_STYLE)
        self.ax_value.set_xlabel("step")
        self.ax_value.set_ylabel("f")
        self.ax_value.set_yscale("log")
        self.ax_value.set_ylim(1e-3, 100)
        self.ax_value.set_xlim(0, steps)
        (self.best_line,) = self.ax_value.plot([], [], color=PALETTE["indigo"], label="best so far")
        self.ax_temperature = self.ax_value.twinx()
        self.ax_temperature.set_yscale("log")
        self.ax_temperature.set_ylim(1e-3, 100)
        self.ax_temperature.set_ylabel("temperature")
        (self.temperature_line,) = self.ax_temperature.plot([], [], "--", color=PALETTE["teal"], label="T")
        self.ax_value.legend(handles=[self.best_line, self.temperature_line], loc="upper right", fontsize=8)
        # Only the chain, the best point and the two curves move: the rest is drawn once and kept.
        self.live.dynamic_artists = [self.path, self.best, self.best_line, self.temperature_line]
        self._assemble([widgets.HBox([self.t0_control, self.cooling_control]),
                        widgets.HBox([self.step_control, self.seed_control])])
        self.refresh()

    def update(self) -> str:
        visited = []

        def f(X):
            visited.append(X[0].copy())
            return self.surface.value(X)

        t0, c = self.t0_control.value, self.cooling_control.value
        self.result = simulated_annealing(f, self.surface.start, steps=self.steps, t0=t0, cooling=c,
                                          step_size=self.step_control.value, bounds=self.surface.bounds,
                                          seed=self.seed_control.value)
        visited = np.array(visited)
        self.path.set_data(visited[:, 0], visited[:, 1])
        self.best.set_data([self.result.x[0]], [self.result.x[1]])
        k = np.arange(self.steps + 1)
        self.best_line.set_data(k, np.maximum(self.result.history, 1e-3))
        self.temperature_line.set_data(k, t0 * c**k)
        found = np.linalg.norm(self.result.x) < 0.5
        return (f"best f = {self.result.f:.3g} at ({self.result.x[0]:.2f}, {self.result.x[1]:.2f}): "
                f"{'in' if found else 'not in'} the global minimum's basin; final temperature "
                f"{t0 * c**self.steps:.2g}")
