"""A widget for lesson 10: simulated annealing on Rastrigin, with its temperature schedule as controls.

Example:
    >>> AnnealingWidget(t0=10.0, cooling=0.998, step_size=0.3)
"""
from __future__ import annotations

import numpy as np

from optcourse.beyond.heuristics import annealing_chain, best_of_chain, temperatures
from optcourse.landscapes.surfaces import rastrigin
from optcourse.viz.plots import PALETTE, START_STYLE, draw_landscape
from optcourse.widgets.framework import Experiment, fixed_axes, int_slider, log_slider, slider, widgets

T0_EXPONENTS = (-3, 2)          # T0 from 0.001 (cold: only descents pass) to 100 (every move passes)
COOLING_RANGE = (0.98, 1.0)
STEP_EXPONENTS = (-1.5, 0.5)    # proposal step from 0.03 to 3: well inside one well to across several


class AnnealingWidget(Experiment):
    r"""Simulated annealing on Rastrigin's function: pick the start temperature :math:`T_0`, the cooling
    factor c (:math:`T_k = T_0 c^k`), the proposal step and the seed; see the states the chain visits
    (left) and its best value so far with the temperature (right). The status line says whether the
    best state lies in the global minimum's basin.

    The defaults (step 0.3, a third of the distance between neighbouring minima) show what lesson 10
    says: started hot and cooled slowly, the chain crosses ridges and reaches the global basin; started
    cold (:math:`T_0 = 0.001`) or cooled fast (c = 0.98) it stays near the start. With a long step
    (0.5 and more) the proposals themselves jump between wells and even a cold chain gets there."""

    def __init__(self, t0: float = 10.0, cooling: float = 0.998, step_size: float = 0.3, steps: int = 3000,
                 seed: int = 0, dpi: int = 88):
        super().__init__((10.0, 4.2), dpi)
        self.surface = rastrigin()
        self.t0_control = log_slider("T0", t0, *T0_EXPONENTS, ".2g")
        self.cooling_control = slider("cooling c", cooling, *COOLING_RANGE, 0.0005, ".4f")
        self.step_control = log_slider("step", step_size, *STEP_EXPONENTS, ".2g")
        self.seed_control = int_slider("seed", seed, 0, 20)
        self.steps = steps
        self._watch(self.t0_control, self.cooling_control, self.step_control, self.seed_control)
        self.ax_path, self.ax_value = fixed_axes(self.figure, [(0.06, 0.12, 0.36, 0.8), (0.52, 0.12, 0.38, 0.8)])
        draw_landscape(self.ax_path, self.surface, n=150, levels=20)
        self.ax_path.set_title("Rastrigin: the states of the chain", fontsize=10)
        (self.path,) = self.ax_path.plot([], [], ".", ms=2, color=PALETTE["rose"], alpha=0.5)
        # The best state: a small diamond over the minimum's star, so that both stay visible.
        (self.best,) = self.ax_path.plot([], [], "D", ms=6, color=PALETTE["sand"], mec="k", zorder=7)
        self.ax_path.plot(*self.surface.start, **START_STYLE)
        # Two curves, two axes, no legend to cover them: each axis is labelled in its curve's colour.
        self.ax_value.set_xlabel("step")
        self.ax_value.set_ylabel("best f so far", color=PALETTE["indigo"])
        self.ax_value.tick_params(axis="y", colors=PALETTE["indigo"])
        self.ax_value.set_yscale("log")
        self.ax_value.set_ylim(1e-3, 100)          # f starts at 37.5 and is shown down to 0.001
        self.ax_value.set_xlim(0, steps)
        (self.best_line,) = self.ax_value.plot([], [], color=PALETTE["indigo"], lw=1.8)
        # The temperature axis holds every schedule the sliders allow: T0 up to 100, down to
        # 0.001 * 0.98**steps after the last step.
        lowest = 10.0 ** T0_EXPONENTS[0] * COOLING_RANGE[0] ** steps
        self.ax_temperature = self.ax_value.twinx()
        self.ax_temperature.set_yscale("log")
        self.ax_temperature.set_ylim(10.0 ** np.floor(np.log10(lowest)), 10.0 ** (T0_EXPONENTS[1] + 1))
        self.ax_temperature.set_ylabel("temperature T (dashed)", color=PALETTE["teal"])
        self.ax_temperature.tick_params(axis="y", colors=PALETTE["teal"])
        (self.temperature_line,) = self.ax_temperature.plot([], [], "--", color=PALETTE["teal"], lw=1.5)
        # Only the chain, the best point and the two curves move: the rest is drawn once and kept.
        self.live.dynamic_artists = [self.path, self.best, self.best_line, self.temperature_line]
        self._assemble([widgets.HBox([self.t0_control, self.cooling_control]),
                        widgets.HBox([self.step_control, self.seed_control])])
        self.refresh()

    def update(self) -> str:
        t0, c = self.t0_control.value, self.cooling_control.value
        states, values = annealing_chain(self.surface.value, self.surface.start, steps=self.steps, t0=t0, cooling=c,
                                         step_size=self.step_control.value, bounds=self.surface.bounds,
                                         seed=self.seed_control.value)
        self.result = best_of_chain(states, values)
        self.path.set_data(states[:, 0], states[:, 1])
        self.best.set_data([self.result.x[0]], [self.result.x[1]])
        self.best_line.set_data(np.arange(len(values)), np.maximum(self.result.history, 1e-3))
        schedule = temperatures(t0, c, self.steps)
        self.temperature_line.set_data(np.arange(self.steps), schedule)
        found = np.linalg.norm(self.result.x) < 0.5
        return (f"best f = {self.result.f:.3g} at ({self.result.x[0]:.2f}, {self.result.x[1]:.2f}): "
                f"{'in' if found else 'not in'} the global minimum's basin; last temperature "
                f"{schedule[-1]:.2g}")
