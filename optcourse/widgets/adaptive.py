"""Lesson 05: Adam's bias correction against beta and the step number."""
from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from optcourse import optim
from optcourse.viz.plots import PALETTE
from optcourse.widgets.framework import Experiment, fixed_axes, int_slider, slider

# =================================================================================================
# Lesson 05: Adam's bias correction
# =================================================================================================

class AdamBiasWidget(Experiment):
    r"""Adam's moving averages with and without bias correction, on a stream of noisy gradients
    :math:`g_t = \mu + \sigma\xi_t`, :math:`\xi_t \sim N(0, 1)`.

    The averages start at 0, so :math:`m_t = (1-\beta_1)\sum_{i\le t}\beta_1^{t-i} g_i` has
    expectation :math:`(1-\beta_1^t)\mu`: too small early on. Dividing by :math:`1-\beta_1^t`
    (and :math:`v_t` by :math:`1-\beta_2^t`) removes that. Panels: the first moment, the second,
    and the step direction :math:`m/(\sqrt v + \epsilon)` with and without the correction, whose
    first value without it is :math:`(1-\beta_1)/\sqrt{1-\beta_2}` times too large. The averages
    are read from ``optcourse.optim.Adam``'s state.

    Example:
        >>> AdamBiasWidget(beta1=0.9, beta2=0.999, std=0.5)
    """

    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, steps: int = 300, mean: float = 1.0,
                 std: float = 0.5, seed: int = 0, dpi: int = 80):
        super().__init__((12.0, 3.8), dpi)
        self.mean = float(mean)
        self.beta1_control = slider("beta1", beta1, 0.0, 0.999, 0.001)
        self.beta2_control = slider("beta2", beta2, 0.0, 0.9999, 0.0001, ".4f")
        self.steps_control = int_slider("steps", steps, 5, 3000, 5)
        self.std_control = slider("gradient noise σ", std, 0.0, 3.0, 0.05, ".2f")
        self.seed_control = int_slider("seed", seed, 0, 20)
        self._watch(self.beta1_control, self.beta2_control, self.steps_control, self.std_control, self.seed_control)
        axes = fixed_axes(self.figure, [(0.05, 0.14, 0.26, 0.74), (0.38, 0.14, 0.26, 0.74), (0.71, 0.14, 0.27, 0.74)])
        self.ax_m, self.ax_v, self.ax_step = axes
        corrected, raw = PALETTE["indigo"], PALETTE["rose"]
        self.lines = {}
        for ax, key, title in ((self.ax_m, "m", "first moment"), (self.ax_v, "v", "second moment"),
                               (self.ax_step, "step", r"direction $m / (\sqrt{v} + \epsilon)$")):
            self.lines[key, "sample"] = ax.plot([], [], ".", color="0.7", markersize=3,
                                                label="g" if key == "m" else ("g²" if key == "v" else None))[0]
            self.lines[key, "raw"] = ax.plot([], [], color=raw, linestyle="--", linewidth=1.8, label="no correction")[0]
            self.lines[key, "corrected"] = ax.plot([], [], color=corrected, linewidth=1.8, label="corrected")[0]
            self.lines[key, "truth"] = ax.plot([], [], color="black", linestyle=":", linewidth=1.2,
                                               label={"m": "μ", "v": "μ² + σ²", "step": "μ / √(μ² + σ²)"}[key])[0]
            ax.set_xscale("log")
            ax.set_xlabel("step t")
            ax.set_title(title, fontsize=10)
            ax.grid(True, color="0.9", linewidth=0.6)
        self.lines["step", "sample"].set_visible(False)
        self.live.dynamic_artists = list(self.lines.values())     # the frames are kept while the limits stay
        self._assemble([widgets.HBox([self.beta1_control, self.beta2_control, self.steps_control]),
                        widgets.HBox([self.std_control, self.seed_control])])
        self.refresh()

    def moments(self, beta1: float, beta2: float, gradients) -> dict:
        """Adam's raw m_t, v_t (from ``optim.Adam``'s state, lr = 0 so nothing else moves) and the
        bias-corrected m̂_t, v̂_t, for t = 1 .. len(gradients)."""
        theta = np.zeros(1)
        adam = optim.Adam(theta, lr=0.0, betas=(beta1, beta2))
        m, v = np.empty(len(gradients)), np.empty(len(gradients))
        for t, g in enumerate(gradients):
            adam.step(np.array([g]))
            m[t], v[t] = adam.state["m"][0], adam.state["v"][0]
        t = np.arange(1, len(gradients) + 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return dict(m=m, v=v, m_hat=m / (1 - beta1 ** t), v_hat=v / (1 - beta2 ** t), eps=adam.eps)

    def update(self) -> str:
        b1, b2, steps = self.beta1_control.value, self.beta2_control.value, self.steps_control.value
        std = self.std_control.value
        g = self.mean + std * np.random.default_rng(self.seed_control.value).standard_normal(steps)
        mo = self.moments(b1, b2, g)
        t = np.arange(1, steps + 1)
        eps = mo["eps"]
        series = {
            "m": (g, mo["m"], mo["m_hat"], self.mean),
            "v": (g * g, mo["v"], mo["v_hat"], self.mean**2 + std**2),
            "step": (None, mo["m"] / (np.sqrt(mo["v"]) + eps), mo["m_hat"] / (np.sqrt(mo["v_hat"]) + eps),
                     self.mean / math.sqrt(self.mean**2 + std**2)),
        }
        for key, (sample, raw, corrected, truth) in series.items():
            if sample is not None:
                self.lines[key, "sample"].set_data(t, sample)
            self.lines[key, "raw"].set_data(t, raw)
            self.lines[key, "corrected"].set_data(t, corrected)
            self.lines[key, "truth"].set_data([1, steps], [truth, truth])
        for ax, key in ((self.ax_m, "m"), (self.ax_v, "v"), (self.ax_step, "step")):
            ax.set_xlim(1, steps)
            values = np.concatenate([self.lines[key, k].get_ydata() for k in ("raw", "corrected", "truth")])
            values = values[np.isfinite(values)]
            low, high = min(values.min(), 0.0), values.max()
            ax.set_ylim(low - 0.05 * (high - low), high + 0.1 * (high - low) + 1e-12)
            self._legend(ax, fontsize=7, loc="best")
        first = (1 - b1) / math.sqrt(1 - b2) if b2 < 1 else float("inf")
        fade = math.ceil(math.log(0.01) / math.log(b2)) if 0 < b2 < 1 else 1   # first t with β2ᵗ < 1%
        return (f"At t = 1 the uncorrected m is (1 - β1) g = {1 - b1:.3g} g and v is (1 - β2) g² = "
                f"{1 - b2:.3g} g², so the uncorrected direction is {first:.3g} times the corrected one. "
                f"The bias fades like β1ᵗ and β2ᵗ: β2ᵗ < 1% after t = {fade} steps.")
