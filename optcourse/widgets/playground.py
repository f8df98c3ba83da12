"""The optimizer playground: any optimizers of the course racing on any surface, every hyperparameter live."""
from __future__ import annotations

import html
import inspect
import math

import ipywidgets as widgets
import numpy as np

from optcourse.experiments.runner import Run, as_surface, run, suggested_hyperparameters
from optcourse.landscapes.surfaces import Surface, get_surface, quadratic
from optcourse.optim.registry import MINIMIZE_METHODS, PLAYGROUND_CHOICES, REGISTRY, lookup
from optcourse.viz.plots import (MINIMUM_STYLE, OUTLINE, PALETTE, START_STYLE, draw_landscape, line_kwargs,
                                 optimizer_style)
from optcourse.widgets.framework import (Experiment, fixed_axes, gap_for_log, int_slider, log_slider, round_limits,
                                         slider)

PLAYGROUND_SURFACES = {
    "rosenbrock": lambda: get_surface("rosenbrock"),
    "quadratic, condition 10": lambda: quadratic(10, 30),
    "quadratic, condition 100": lambda: quadratic(100, 30),
    "beale": lambda: get_surface("beale"),
    "himmelblau": lambda: get_surface("himmelblau"),
    "booth": lambda: get_surface("booth"),
    "six_hump_camel": lambda: get_surface("six_hump_camel"),
    "rastrigin": lambda: get_surface("rastrigin"),
    "double_well": lambda: get_surface("double_well"),
    "saddle": lambda: get_surface("saddle"),
    "monkey_saddle": lambda: get_surface("monkey_saddle"),
    "random (seed 0)": lambda: get_surface("random", seed=0),
}

DEFAULT_SELECTION = ("SGD", "Momentum", "Nesterov", "Adagrad", "RMSprop", "Adam")


def default_hyperparameters(name: str, surface) -> dict:
    """The keyword arguments the playground starts ``name`` with on ``surface``: the optimizer's
    own defaults (PyTorch's), the variant's (momentum 0.9 for "Momentum"), then
    :func:`optcourse.experiments.runner.suggested_hyperparameters` for the learning rate."""
    entry = REGISTRY[name]
    if entry.is_minimize_method:
        return {}
    signature = inspect.signature(entry.optimizer.__init__)
    defaults = {k: p.default for k, p in signature.parameters.items()
                if p.default is not inspect.Parameter.empty}
    return {**defaults, **entry.variant, **suggested_hyperparameters(name, surface)}


def _control(param: str, value):
    if param == "lr":
        return log_slider("lr", value, -5, 1)
    if param == "eps":
        return log_slider("eps", value, -12, 0)
    if param == "weight_decay":
        return slider("weight_decay", value, 0.0, 1.0, 0.01, ".2f")
    if param == "beta2":
        return slider("beta2", value, 0.0, 0.9999, 0.0001, ".4f")
    return slider(param, value, 0.0, 0.999, 0.001)      # momentum, beta1, beta, rho, alpha


class Playground(Experiment):
    """Race optimizers on a 2-D surface: paths on the contours, loss against step, all live.

    Pick a surface, switch optimizers on and off with their coloured buttons, choose whose
    hyperparameters to edit, set the number of steps and the start point. Changing the surface
    puts every hyperparameter back to its suggested value for that surface (a learning rate that
    suits Booth's function diverges on Rosenbrock's).

    Example:
        >>> Playground()                                   # the classic picture on Rosenbrock
        >>> Playground("himmelblau", ["Momentum", "Adam", "Lion"], steps=300)
        >>> pg = Playground(); pg.surface_control.value = "beale"; pg.runs["Adam"].loss[-1]
    """

    def __init__(self, surface: str = "rosenbrock", optimizers=DEFAULT_SELECTION, steps: int = 200,
                 start=None, *, choices=None, surfaces=None, dpi: int = 88):
        super().__init__((10.0, 4.2), dpi)
        self.surfaces = dict(PLAYGROUND_SURFACES if surfaces is None else surfaces)
        if surface not in self.surfaces:
            raise ValueError(f"Playground: unknown surface {surface!r}; choose one of {', '.join(self.surfaces)}.")
        if choices is None:
            choices = PLAYGROUND_CHOICES + MINIMIZE_METHODS
        self.choices = tuple(choices)
        unknown = [o for o in optimizers if o not in self.choices]
        if unknown:
            raise ValueError(f"Playground: {', '.join(map(repr, unknown))} not offered; choose from "
                             f"{', '.join(self.choices)}.")
        self._surface_cache: dict = {}
        self.runs: dict[str, Run | None] = {}
        self._errors: dict[str, str] = {}

        # -- controls --
        self.surface_control = widgets.Dropdown(options=list(self.surfaces), value=surface, description="surface")
        self.steps_control = int_slider("steps", steps, 1, 1000)
        self.log_control = widgets.Checkbox(value=True, description="log scale (loss)", indent=False)
        self.x_control = slider("start x", 0.0, -1.0, 1.0, 0.01, ".2f")
        self.y_control = slider("start y", 0.0, -1.0, 1.0, 0.01, ".2f")
        self.reset_start = widgets.Button(description="surface's start", tooltip="put the start point back")
        self.toggles = {}
        for name in self.choices:
            # A ToggleButton's style has no background colour; a thick underline in the
            # optimizer's colour ties the button to its line, a tick and bold type say "on".
            colour = optimizer_style(name).color
            self.toggles[name] = widgets.ToggleButton(
                value=name in optimizers, description=name, tooltip=f"show {name}",
                layout=widgets.Layout(width="auto", border_bottom=f"5px solid {colour}"))
            self._style_toggle(self.toggles[name])
        self.editing = widgets.Dropdown(options=[c for c in self.choices], description="edit",
                                        value=(list(optimizers) or list(self.choices))[0])
        self.hyper_box = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap"))
        self.controls: dict[str, dict] = {name: {p: _control(p, 0.1) for p in lookup(name).tunable}
                                          for name in self.choices}

        # -- figure: paths (left), loss (right); one set of artists per optimizer, made once --
        fig = self.figure
        # The loss axes leave room on their right for the legend, which then covers no curve.
        self.ax_path, self.ax_loss = fixed_axes(fig, [(0.06, 0.12, 0.36, 0.8), (0.50, 0.12, 0.35, 0.8)])
        self.ax_loss.set_xlabel("step")
        self.ax_loss.grid(True, color="0.88", linewidth=0.6)
        self.path_lines, self.end_markers, self.loss_lines = {}, {}, {}
        for name in self.choices:
            kw = line_kwargs(name)
            (self.path_lines[name],) = self.ax_path.plot([], [], label=name, path_effects=OUTLINE, zorder=4, **kw)
            (self.end_markers[name],) = self.ax_path.plot([], [], marker=kw["marker"], markersize=10,
                                                          color=kw["color"], markeredgecolor="black",
                                                          linestyle="none", zorder=5)
            kw_loss = line_kwargs(name, 200)
            (self.loss_lines[name],) = self.ax_loss.plot([], [], label=name, **kw_loss)
        (self.start_marker,) = self.ax_path.plot([], [], label="start", **START_STYLE)
        self.minimum_handle = self.ax_path.plot([], [], label="minimum", **MINIMUM_STYLE)[0]
        self._landscapes: dict = {}
        self._moving = [*self.path_lines.values(), *self.end_markers.values(), self.start_marker,
                        *self.loss_lines.values()]

        # -- wiring --
        self.surface_control.observe(self._surface_changed, names="value")
        self._watch(self.log_control)
        for control in (self.steps_control, self.x_control, self.y_control):
            control.observe(self._inputs_changed, names="value")
        for name, toggle in self.toggles.items():
            toggle.observe(self._toggled, names="value")
        self.editing.observe(lambda change: self._show_controls(), names="value")
        for name, controls in self.controls.items():
            for c in controls.values():
                c.observe(lambda change, name=name: self._hyper_changed(name), names="value")
        self.reset_start.on_click(lambda button: self._put_start(self.surface.start))

        row = widgets.Layout(flex_flow="row wrap", align_items="center")
        self._assemble([
            widgets.HBox([self.surface_control, self.steps_control, self.log_control], layout=row),
            widgets.HBox([self.x_control, self.y_control, self.reset_start], layout=row),
            widgets.HBox(list(self.toggles.values()), layout=row),
            widgets.HBox([self.editing, self.hyper_box], layout=row),
        ])
        self._set_surface(surface, start)
        self.refresh()

    # -- state ------------------------------------------------------------------------------------
    @property
    def surface(self) -> Surface:
        label = self.surface_control.value
        if label not in self._surface_cache:
            self._surface_cache[label] = as_surface(self.surfaces[label]())
        return self._surface_cache[label]

    @property
    def selected(self) -> list[str]:
        """The optimizers switched on, in the order of the buttons."""
        return [name for name, t in self.toggles.items() if t.value]

    @property
    def start(self) -> np.ndarray:
        return np.array([self.x_control.value, self.y_control.value])

    def hyperparameters(self, name: str) -> dict:
        """The keyword arguments ``name`` runs with now: its defaults with the sliders' values."""
        values = {p: c.value for p, c in self.controls[name].items()}
        if "beta1" in values:
            values["betas"] = (values.pop("beta1"), values.pop("beta2"))
        fixed = {k: v for k, v in suggested_hyperparameters(name, self.surface).items() if k not in values}
        return {**fixed, **values}

    # -- reacting to controls ---------------------------------------------------------------------
    def _surface_changed(self, change) -> None:
        self._set_surface(change["new"], None)
        self.refresh()

    def _set_surface(self, label, start) -> None:
        surface = self.surface
        (x0, x1), (y0, y1) = surface.bounds
        start = surface.start if start is None else np.asarray(start, dtype=float)
        with self.quiet():
            for control, low, high in ((self.x_control, x0, x1), (self.y_control, y0, y1)):
                control.min, control.max = -1e300, 1e300      # widen first: min may not pass max
                control.min, control.max, control.step = low, high, (high - low) / 400
            self._put_start(start)
            for name in self.choices:
                values = default_hyperparameters(name, surface)
                betas = values.get("betas", (None, None))
                for p, c in self.controls[name].items():
                    c.value = {"beta1": betas[0], "beta2": betas[1]}.get(p, values.get(p))
            self.log_control.disabled = math.isnan(surface.min_value)
        self._show_controls()
        # The landscape of each surface is drawn once and kept (hidden while another is shown).
        for key, artists in self._landscapes.items():
            for a in artists:
                a.set_visible(key == label)
        if label not in self._landscapes:
            self._landscapes[label] = draw_landscape(self.ax_path, surface, n=160, levels=22)
        # The minima stars are drawn after the paths, so that a path cannot hide them.
        self.live.dynamic_artists = self._moving + self._landscapes[label][2:]
        self.ax_path.set_xlim(x0, x1)
        self.ax_path.set_ylim(y0, y1)
        self.ax_path.set_title(surface.name, fontsize=10)
        self.live.background_key = label
        self.runs.clear()

    def _put_start(self, start) -> None:
        with self.quiet():
            self.x_control.value = float(np.clip(start[0], self.x_control.min, self.x_control.max))
            self.y_control.value = float(np.clip(start[1], self.y_control.min, self.y_control.max))
        self._inputs_changed()

    @staticmethod
    def _style_toggle(toggle) -> None:
        toggle.icon = "check" if toggle.value else ""
        toggle.style.font_weight = "bold" if toggle.value else "normal"

    def _toggled(self, change) -> None:
        toggle = change["owner"]
        self._style_toggle(toggle)
        if toggle.value:
            with self.quiet():
                self.editing.value = toggle.description
        self._show_controls()
        self.refresh()

    def _show_controls(self) -> None:
        name = self.editing.value
        controls = list(self.controls[name].values())
        self.hyper_box.children = controls or [widgets.HTML(
            "<i>a minimize method: its line search chooses every step length</i>")]

    def _hyper_changed(self, name: str) -> None:
        self.runs.pop(name, None)                       # only this optimizer runs again
        self._changed()

    def _inputs_changed(self, change=None) -> None:
        self.runs.clear()                               # steps or start changed: everything runs again
        self._changed()

    # -- computing and drawing --------------------------------------------------------------------
    def rerun(self) -> bytes:
        """Run every selected optimizer again and redraw (what the benchmark times)."""
        self.runs.clear()
        return self.refresh()

    def update(self) -> str:
        surface, steps, start = self.surface, self.steps_control.value, self.start
        for name in self.selected:
            if name not in self.runs:
                try:
                    self.runs[name] = run(name, surface, steps, start, **self.hyperparameters(name))
                    self._errors.pop(name, None)
                except (ValueError, TypeError) as error:
                    self.runs[name], self._errors[name] = None, str(error)
        known = not math.isnan(surface.min_value)
        log = known and self.log_control.value
        shown = []
        for name in self.choices:
            r = self.runs.get(name) if name in self.selected else None
            visible = r is not None
            for artist in (self.path_lines[name], self.end_markers[name], self.loss_lines[name]):
                artist.set_visible(visible)
            if not visible:
                continue
            shown.append(name)
            self.path_lines[name].set_data(r.path[:, 0], r.path[:, 1])
            self.end_markers[name].set_data(r.path[-1:, 0], r.path[-1:, 1])
            if log:
                y = gap_for_log(r.loss, surface.min_value)
            else:
                y = r.loss - surface.min_value if known else r.loss
            self.loss_lines[name].set_data(np.arange(len(y)), y)
        self.start_marker.set_data([start[0]], [start[1]])
        self.ax_loss.set_yscale("log" if log else "linear")
        self.ax_loss.set_ylabel("f(x) - f*" if known else "f(x)")
        self.ax_loss.relim(visible_only=True)
        self.ax_loss.autoscale_view()
        round_limits(self.ax_loss)
        handles = [self.start_marker, *([self.minimum_handle] if known else []), *(self.path_lines[n] for n in shown)]
        self._legend(self.ax_loss, handles, [h.get_label() for h in handles], loc="upper left", fontsize=8,
                     bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
        return self._summary(shown, known)

    def _summary(self, shown, known) -> str:
        parts = []
        for name in shown:
            r = self.runs[name]
            value = r.loss[-1] - self.surface.min_value if known else r.loss[-1]
            what = "diverged" if r.diverged else f"{'f - f*' if known else 'f'} = {value:.3g}"
            parts.append(f"<b>{html.escape(name)}</b>: {what} after {r.steps} steps")
        for name, error in self._errors.items():
            if name in self.selected:
                parts.append(f'<span style="color:{PALETTE["wine"]}"><b>{html.escape(name)}</b>: '
                             f'{html.escape(error)}</span>')
        return "; ".join(parts) or "<i>switch on an optimizer with its button</i>"


# =================================================================================================
# Lesson 02: Taylor polynomials
# =================================================================================================
