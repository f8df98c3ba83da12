"""Lesson 08: Lion's two betas against Tiger's one."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from optcourse.experiments.runner import Run, run, suggested_hyperparameters
from optcourse.landscapes.surfaces import Surface, get_surface, quadratic
from optcourse.viz.plots import OUTLINE, START_STYLE, draw_landscape, line_kwargs
from optcourse.widgets.framework import (Experiment, fixed_axes, gap_for_log, int_slider, log_slider, round_limits,
                                         slider)

# =================================================================================================
# Lesson 08: Lion and Tiger
# =================================================================================================

LION_TIGER_SURFACES = {
    "quadratic, condition 10": lambda: quadratic(10, 30),
    "rosenbrock": lambda: get_surface("rosenbrock"),
    "himmelblau": lambda: get_surface("himmelblau"),
    "double_well": lambda: get_surface("double_well"),
}


class LionTigerWidget(Experiment):
    r"""Lion's two betas against Tiger's one, on a 2-D surface with the same learning rate.

    Lion updates with :math:`\mathrm{sign}(\beta_1 m + (1-\beta_1) g)` and tracks
    :math:`m \leftarrow \beta_2 m + (1-\beta_2) g`; Tiger uses one :math:`\beta` for both. Tiger
    runs with ``kinds="plain"`` and no weight decay, so with :math:`\beta_1 = \beta_2 = \beta` the
    two take exactly the same steps (the status line checks it). Every step moves each
    coordinate by exactly lr: only the signs differ.

    Example:
        >>> LionTigerWidget(beta1=0.95, beta2=0.98, beta=0.965)
    """

    def __init__(self, surface: str = "rosenbrock", beta1: float = 0.9, beta2: float = 0.99, beta: float = 0.945,
                 lr: float | None = None, steps: int = 200, dpi: int = 88):
        super().__init__((10.0, 4.2), dpi)
        if surface not in LION_TIGER_SURFACES:
            raise ValueError(f"LionTigerWidget: unknown surface {surface!r}; choose one of "
                             f"{', '.join(LION_TIGER_SURFACES)}.")
        self._surfaces: dict = {}
        self.surface_control = widgets.Dropdown(options=list(LION_TIGER_SURFACES), value=surface,
                                                description="surface")
        lr = suggested_hyperparameters("Lion", self._surface(surface))["lr"] if lr is None else lr
        self.lr_control = log_slider("lr", lr, -4, 0, ".2e")
        self.beta1_control = slider("Lion beta1", beta1, 0.0, 0.999, 0.001)
        self.beta2_control = slider("Lion beta2", beta2, 0.0, 0.999, 0.001)
        self.beta_control = slider("Tiger beta", beta, 0.0, 0.999, 0.001)
        self.steps_control = int_slider("steps", steps, 10, 1000)
        self.match_button = widgets.Button(description="Lion's betas = Tiger's")
        self.match_button.on_click(lambda button: self.match_betas())
        self.surface_control.observe(self._new_surface, names="value")
        self._watch(self.lr_control, self.beta1_control, self.beta2_control, self.beta_control, self.steps_control)
        self.ax_path, self.ax_loss = fixed_axes(self.figure, [(0.06, 0.12, 0.36, 0.8), (0.52, 0.12, 0.46, 0.8)])
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_ylabel("f(x) - f*")
        self.ax_loss.set_yscale("log")
        self.ax_loss.grid(True, color="0.88", linewidth=0.6)
        self.lines = {}
        for name in ("Lion", "Tiger"):
            (path,) = self.ax_path.plot([], [], path_effects=OUTLINE, zorder=4, **line_kwargs(name))
            (loss,) = self.ax_loss.plot([], [], **line_kwargs(name, 200))
            self.lines[name] = (path, loss)
        (self.start_marker,) = self.ax_path.plot([], [], **START_STYLE)
        self._landscape, self._drawn = [], None
        self._assemble([widgets.HBox([self.surface_control, self.lr_control, self.steps_control]),
                        widgets.HBox([self.beta1_control, self.beta2_control, self.beta_control, self.match_button])])
        self.runs: dict[str, Run] = {}
        self.refresh()

    def _surface(self, label) -> Surface:
        if label not in self._surfaces:
            self._surfaces[label] = LION_TIGER_SURFACES[label]()
        return self._surfaces[label]

    def _new_surface(self, change) -> None:
        with self.quiet():
            self.lr_control.value = suggested_hyperparameters("Lion", self._surface(change["new"]))["lr"]
        self.refresh()

    def match_betas(self) -> None:
        with self.quiet():
            self.beta1_control.value = self.beta2_control.value = self.beta_control.value
        self.refresh()

    def update(self) -> str:
        label = self.surface_control.value
        surface = self.surface = self._surface(label)
        if self._drawn != label:
            for a in self._landscape:
                a.remove()
            self._landscape = draw_landscape(self.ax_path, surface, n=150, levels=20)
            self.ax_path.set_title(surface.name, fontsize=10)
            self._drawn = self.live.layer_keys[self.ax_path] = label
            # Kept: the contours and the frames. Moving: the runs, the start and the minima's stars.
            self.live.dynamic_artists = [self.start_marker, *(a for lines in self.lines.values() for a in lines),
                                         *self._landscape[2:]]
        lr, steps = self.lr_control.value, self.steps_control.value
        b1, b2, b = self.beta1_control.value, self.beta2_control.value, self.beta_control.value
        self.runs = {
            "Lion": run("Lion", surface, steps, lr=lr, betas=(b1, b2), label=f"Lion β = ({b1:.3f}, {b2:.3f})"),
            "Tiger": run("Tiger", surface, steps, lr=lr, beta=b, weight_decay=0.0, kinds="plain",
                         label=f"Tiger β = {b:.3f}"),
        }
        for name, (path, loss) in self.lines.items():
            r = self.runs[name]
            path.set_data(r.path[:, 0], r.path[:, 1])
            path.set_label(r.label)
            gap = gap_for_log(r.loss, surface.min_value)
            loss.set_data(np.arange(len(gap)), gap)
            loss.set_label(r.label)
        self.start_marker.set_data([surface.start[0]], [surface.start[1]])
        self.ax_loss.relim()
        self.ax_loss.autoscale_view()
        round_limits(self.ax_loss)
        self._legend(self.ax_loss, fontsize=8, loc="upper right")
        apart = float(np.abs(self.runs["Lion"].path - self.runs["Tiger"].path).max())
        same = "the same steps" if apart == 0.0 else f"paths up to {apart:.3g} apart"
        return (f"Lion with β1 = {b1:.3f}, β2 = {b2:.3f}; Tiger with β = {b:.3f}: {same}. "
                f"Each step moves x and y by exactly lr = {lr:.3g} (or not at all where the sign is 0).")
