"""Lesson 11: what Newton-Schulz does to the singular values of a gradient matrix.

    NewtonSchulzWidget(G)        # G: a gradient (or momentum) matrix, e.g. of a network's first layer

The maths is :mod:`optcourse.optim.muon` (``newton_schulz``, ``newton_schulz_polynomial``,
``polar_factor``); this module only draws.
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from optcourse.optim.muon import (CUBIC_COEFFICIENTS, MUON_COEFFICIENTS, newton_schulz, newton_schulz_polynomial,
                                  polar_factor)
from optcourse.viz.plots import PALETTE
from optcourse.widgets.framework import Experiment, fixed_axes, int_slider

ITERATIONS = {"Muon's quintic (3.4445, -4.7750, 2.0315)": MUON_COEFFICIENTS,
              "cubic Newton-Schulz (1.5, -0.5, 0)": CUBIC_COEFFICIENTS}


class NewtonSchulzWidget(Experiment):
    r"""Left: the map :math:`\sigma \mapsto p^{k}(\sigma)` that :math:`k` Newton-Schulz steps apply
    to each singular value of the normalised matrix :math:`G/\|G\|_F`, for the cubic and for Muon's
    quintic. Right: the singular values of ``G`` itself before (grey) and after :math:`k` steps of
    the chosen iteration (computed on the matrix, then its SVD), against the 1 of the exact
    orthogonal factor :math:`UV^\top`.

    Example:
        >>> NewtonSchulzWidget(np.random.default_rng(0).normal(size=(64, 32)), steps=5)
    """

    def __init__(self, G, steps: int = 5, iteration: str = next(iter(ITERATIONS)), dpi: int = 80):
        G = np.asarray(G, dtype=float)
        if G.ndim != 2 or min(G.shape) == 0 or not np.all(np.isfinite(G)) or not np.any(G):
            raise ValueError(f"NewtonSchulzWidget: G must be a finite, non-zero matrix; got shape {G.shape}.")
        if iteration not in ITERATIONS:
            raise ValueError(f"NewtonSchulzWidget: iteration must be one of {list(ITERATIONS)}, got {iteration!r}.")
        super().__init__((11.0, 3.6), dpi)
        self.G = G
        self.sigma0 = np.linalg.svd(G / np.linalg.norm(G), compute_uv=False)     # of X₀ = G/‖G‖_F
        self.rank = int(np.sum(self.sigma0 > self.sigma0[0] * max(G.shape) * np.finfo(float).eps))
        self.steps_control = int_slider("Newton-Schulz steps k", steps, 0, 20)
        self.iteration_control = widgets.Dropdown(options=list(ITERATIONS), value=iteration, description="iteration",
                                                  style={"description_width": "initial"},
                                                  layout=widgets.Layout(width="420px"))
        self._watch(self.steps_control, self.iteration_control)
        self.ax_map, self.ax_spectrum = fixed_axes(self.figure, [(0.07, 0.15, 0.38, 0.73), (0.56, 0.15, 0.42, 0.73)])
        self.grid = np.geomspace(1e-4, 1.0, 400)
        self.lines = {
            "quintic": self.ax_map.plot([], [], color=PALETTE["rose"], linewidth=1.8, label="Muon's quintic")[0],
            "cubic": self.ax_map.plot([], [], color=PALETTE["indigo"], linewidth=1.8, label="cubic")[0],
            "before": self.ax_spectrum.plot([], [], "o", color="0.6", markersize=4, label="G/‖G‖_F")[0],
            "after": self.ax_spectrum.plot([], [], "o", color=PALETTE["teal"], markersize=4, label="after k steps")[0],
        }
        for ax, key in ((self.ax_map, "one (map)"), (self.ax_spectrum, "one (spectrum)")):
            self.lines[key] = ax.axhline(1.0, color="black", linestyle=":", linewidth=1.0)   # UVᵀ's 1
            ax.grid(True, color="0.9", linewidth=0.6)
        self.ax_map.set(xscale="log", xlim=(1e-4, 1.0), ylim=(0.0, 1.4), xlabel="singular value σ of X₀",
                        ylabel="after k steps")
        self.ax_spectrum.set(xlim=(0, len(self.sigma0) + 1), ylim=(0.0, 1.4), xlabel="index (largest first)",
                             ylabel="singular value")
        self.ax_map.set_title("what k steps do to one singular value", fontsize=10)
        self.ax_spectrum.set_title("the spectrum of the matrix", fontsize=10)
        self._legend(self.ax_map, fontsize=8, loc="upper left")
        self._legend(self.ax_spectrum, fontsize=8, loc="lower left")
        self.live.dynamic_artists = list(self.lines.values())
        self._assemble([widgets.HBox([self.steps_control, self.iteration_control])])
        self.refresh()

    def update(self) -> str:
        k = self.steps_control.value
        coefficients = ITERATIONS[self.iteration_control.value]
        self.lines["quintic"].set_data(self.grid, newton_schulz_polynomial(self.grid, MUON_COEFFICIENTS, k))
        self.lines["cubic"].set_data(self.grid, newton_schulz_polynomial(self.grid, CUBIC_COEFFICIENTS, k))
        O = newton_schulz(self.G, coefficients, k)
        after = np.linalg.svd(O, compute_uv=False)
        index = np.arange(1, len(after) + 1)
        self.lines["before"].set_data(index, self.sigma0)
        self.lines["after"].set_data(index, after)
        error = np.linalg.norm(O - polar_factor(self.G), 2)
        kept = after[:self.rank]                  # a zero singular value stays 0, in UVᵀ too
        zeros = f" ({len(after) - self.rank} are 0 and stay 0)" if self.rank < len(after) else ""
        return (f"After k = {k} steps the {self.rank} nonzero singular values{zeros} lie in "
                f"[{kept.min():.2f}, {kept.max():.2f}]; the exact UVᵀ has them all 1. ‖O − UVᵀ‖₂ = {error:.2f}; "
                f"the smallest nonzero σ of X₀ is {self.sigma0[self.rank - 1]:.1e}.")
