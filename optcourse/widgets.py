r"""Live experiments for the lessons (ipywidgets 8): the optimizer playground and five focused widgets.

    Playground()                 # pick a surface, optimizers, their hyperparameters, steps, start
    TaylorWidget()               # lesson 02: Taylor polynomials of order k about a moving centre
    MomentumWidget()             # lesson 04: learning rate and momentum on an ill-conditioned quadratic
    BatchNoiseWidget()           # lesson 01: batch size against gradient noise
    AdamBiasWidget()             # lesson 05: Adam's bias correction against beta and step
    LionTigerWidget()            # lesson 08: Lion's two betas against Tiger's one

Put one as the last line of a cell. Each starts from defaults that show something worth seeing.

**How the figure gets to the screen.** Each widget draws a matplotlib figure with the Agg renderer
(no pyplot, no interactive backend) and shows it as a PNG in an ``ipywidgets.Image``; sliders send
their value when released. What a student waits for after moving a control is the kernel's work
(compute, draw, encode the PNG) plus about 30 ms of messaging and decoding in the browser
(``benchmarks/bench_widget_latency.py`` measures it all, in Chromium), and drawing is most of the
kernel's part: matplotlib spends tens of milliseconds on the ticks and labels of each axes. So a
:class:`LiveFigure` keeps what did not change as bitmaps (each axes' frame and contours, each legend)
and draws only the moving artists over them; a change redraws an axes' frame only when its limits,
ticks or labels changed. Observers do their work at once and return: nothing waits for the browser,
so the kernel never blocks.

**Where no widget front end is present** (nbval, nbconvert to HTML or PDF, a static notebook viewer,
a terminal), each widget still shows its figure. From inside the kernel a live front end cannot be
told apart from nbconvert or nbval (all of them run the same ipykernel), so instead of guessing, every
widget's display message carries two representations: the widget view and a static PNG of its
current figure. A front end with the widget manager (JupyterLab 4 with ipywidgets 8) ranks the widget
view first and shows the live widget; everything else shows the PNG: nbconvert keeps the widget view
only when widget state was saved, a PDF export has no widget renderer, a terminal gets the text.
"""
from __future__ import annotations

import base64
import contextlib
import html
import inspect
import io
import math
from collections import OrderedDict

import ipywidgets as widgets
import matplotlib
import numpy as np
import sympy as sp
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.spines import Spine
from matplotlib.text import Text
from PIL import Image as PILImage

from . import optim
from .data import make_regression, minibatches
from .derivatives import taylor_polynomial
from .plots import MINIMUM_STYLE, OUTLINE, PALETTE, START_STYLE, draw_landscape, line_kwargs, optimizer_style
from .runner import FIRST_ORDER, MINIMIZE_METHODS, VARIANTS, Run, as_surface, run, suggested_hyperparameters
from .surfaces import Surface, get_surface, quadratic

EPS = np.finfo(float).eps


# =================================================================================================
# Drawing: a Figure shown as a PNG, redrawn over a saved background
# =================================================================================================

def png_bytes(canvas: FigureCanvasAgg) -> bytes:
    """The canvas's current pixels as PNG (Pillow at compression level 1: about 3x faster than
    matplotlib's savefig level 6, for files a fifth larger)."""
    width, height = canvas.get_width_height(physical=True)
    image = PILImage.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="png", compress_level=1)
    return out.getvalue()


def _plotted(ax) -> list:
    """The artists plotted on ``ax``: lines, collections, patches, texts, images."""
    return [*ax.collections, *ax.patches, *ax.lines, *ax.texts, *ax.images, *ax.artists, *ax.tables]


class LiveFigure:
    """A matplotlib Figure drawn by Agg into an ``ipywidgets.Image``, redrawing only what changed.

    A widget says what moves:

    * ``dynamic_artists``: artists drawn afresh on every frame (paths, markers, moving lines);
    * ``dynamic_data_axes``: axes whose plotted artists are all drawn afresh on every frame (for a
      widget that clears and replots an axes on every change);
    * ``dynamic_axes``: axes drawn whole on every frame, ticks included.

    Everything else is static and painted from saved bitmaps. An axes is drawn, as matplotlib
    draws it, in order of zorder: its background, then its children from the lowest zorder up. The
    static children between moving ones are rendered once, alone, into transparent layers, one
    for each kind of part next to each other, and each layer is kept while what it depends on
    stays the same: the frame (background, spines) on the axes' place; the x axis (ticks, tick
    labels, grid, label) on the x limits, scale, ticks and label, and the y axis likewise; the
    titles on their texts; static data (contours, fixed curves) on the whole view, on
    ``background_key`` and on ``layer_keys[ax]`` (a key the widget sets for what its static
    artists show, e.g. the surface whose contours they are). A legend is a layer of its own, kept
    while its texts and its place stay the same (matplotlib places one at "best" afresh from the
    data). A redraw lays the layers and draws the moving artists in that same order (the layers
    each axes starts with all in one ``restore_region`` when none changed), so the picture is the
    one a full draw makes, and a change costs what it changed: tens of milliseconds for an axis
    whose ticks must be drawn again (for new limits), a few for moving lines. Layers are kept for
    the most recent views (``MAX_LAYERS``); ``invalidate()`` forgets them all.

    With no moving parts declared, every draw renders the whole figure.
    """

    MAX_LAYERS = 48

    def __init__(self, figsize, dpi: int = 88):
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
        self.dynamic_artists: list = []
        self.dynamic_data_axes: list = []
        self.dynamic_axes: list = []
        self.background_key = None
        self.layer_keys: dict = {}
        self._layers: OrderedDict = OrderedDict()     # key -> (x, y, RGBA rows bottom-up), or None if empty
        self._stacked = None                          # (keys of the stacked layers, the stacked bitmap)

    def invalidate(self) -> None:
        self._layers.clear()
        self._stacked = None

    def draw(self) -> bytes:
        """Render, show the PNG in ``image`` and return it."""
        self.render()
        png = png_bytes(self.canvas)
        self.image.value = png
        return png

    def full_png(self) -> bytes:
        """The whole figure drawn from scratch (no saved layers), as PNG; for checking."""
        self.canvas.draw()
        return png_bytes(self.canvas)

    # -- rendering ------------------------------------------------------------------------------
    def render(self) -> None:
        """Bring the canvas's pixels up to date (from the saved layers when there are moving parts)."""
        fig = self.figure
        if not (self.dynamic_artists or self.dynamic_data_axes or self.dynamic_axes) or any(
                (fig.texts, fig.legends, fig.images, fig.lines, fig.patches, fig.artists, fig.subfigs)):
            self.canvas.draw()
            return
        renderer = self.canvas.get_renderer()
        axes = [ax for ax in fig.axes if ax.get_visible()]
        for ax in axes:
            ax.apply_aspect()              # the place an axes of fixed aspect takes for its limits
        moving = {id(a) for a in self.dynamic_artists}
        plans = [self._plan(ax, moving, renderer) for ax in axes]
        for plan in plans:                 # render the missing layers first: each clears the canvas
            for kind, key, what in plan:
                if kind == "layer":
                    self._layer(key, what)
        # The layers an axes starts with (background, contours, ticks, ...) go into one bitmap with
        # the others', as long as the axes overlaps no axes before it (a twin is painted in turn).
        stacked, seen = [], []
        for i, (ax, plan) in enumerate(zip(axes, plans)):
            if not any(ax.bbox.overlaps(b) for b in seen):
                while plans[i] and plans[i][0][0] == "layer":
                    stacked.append(plans[i].pop(0)[1])
            seen.append(ax.bbox)
        if self._stacked is None or self._stacked[0] != stacked:
            renderer.clear()
            fig.patch.draw(renderer)
            self._paint(stacked, renderer)
            self._stacked = (stacked, self.canvas.copy_from_bbox(fig.bbox))
        else:
            self.canvas.restore_region(self._stacked[1])
        for plan in plans:
            for kind, key, what in plan:
                if kind == "layer":
                    self._paint([key], renderer)
                else:
                    for a in what:
                        a.draw(renderer)
        while len(self._layers) > self.MAX_LAYERS:     # forget the layers used longest ago
            self._layers.popitem(last=False)

    def _plan(self, ax, moving: set, renderer) -> list:
        """How to paint ``ax``: a list of ("layer", key, paint) and ("draw", None, artists) steps, in
        matplotlib's drawing order (background first, then children by zorder, ties by age).

        Static children of one kind next to each other share a layer, keyed by what they depend
        on: the frame (background, spines) on the axes' place; the x axis (ticks, tick labels,
        grid, label) on the x limits, scale, ticks and label; the y axis likewise; titles on their
        texts; static data (contours, fixed curves) on the whole view, ``background_key`` and
        ``layer_keys[ax]``. So new y limits redraw the y axis and the static data only."""
        if ax in self.dynamic_axes:
            return [("draw", None, [ax])]
        if ax in self.dynamic_data_axes:
            moving = moving | {id(a) for a in _plotted(ax)}
        legend = ax.get_legend()
        children = sorted((c for c in ax.get_children() if c is not ax.patch and c.get_visible()),
                          key=lambda c: c.get_zorder())
        common = ("axes", id(ax), self.figure.bbox.bounds, ax.get_position().bounds)
        x_view = (ax.get_xlim(), ax.get_xscale(), tuple(ax.get_xticks()), ax.get_xlabel())
        y_view = (ax.get_ylim(), ax.get_yscale(), tuple(ax.get_yticks()), ax.get_ylabel())
        texts = {id(t) for t in ax.texts}
        plan = []

        def kind_and_key(c):
            if c is ax.patch or isinstance(c, Spine):
                return "frame", ()
            if c is ax.xaxis:
                return "x", x_view
            if c is ax.yaxis:
                return "y", y_view
            if isinstance(c, Text) and id(c) not in texts:              # the three titles
                return "title", (c.get_text(),)
            # static data, and anything else: the whole view. By kind, not id: clearing an axes
            # makes new artists; what they show is in the view and the keys the widget sets.
            return "data", (x_view, y_view, ax.get_aspect(), self.background_key, self.layer_keys.get(ax),
                            type(c).__name__, c.get_zorder())

        def add_static(c):
            kind, key = kind_and_key(c)
            if plan and plan[-1][0] == "layer" and plan[-1][1][len(common)] == kind:
                _, old_key, members = plan.pop()
                members.append(c)
                key = old_key + (key,)
            else:
                members, key = [c], common + (kind, key)
            plan.append(("layer", key, members))

        def add_draw(artist):
            if plan and plan[-1][0] == "draw":
                plan[-1][2].append(artist)
            else:
                plan.append(("draw", None, [artist]))

        add_static(ax.patch)
        for c in children:
            if c is legend:
                # A legend is a layer of its own, kept while its texts and its place stay the same.
                # Where it goes, matplotlib works out afresh (for loc="best" from the data under it:
                # one of nine places, and a layer is kept for each).
                where = tuple(np.round(legend.get_window_extent(renderer).bounds, 2))
                key = ("legend", id(ax), self.figure.bbox.bounds, tuple(t.get_text() for t in legend.get_texts()),
                       where)
                plan.append(("layer", key, None))
            elif id(c) in moving:
                add_draw(c)
            else:
                add_static(c)
        # What paints each layer: the legend alone, or the axes with only the layer's members on.
        return [(kind, key, what) if kind == "draw" else
                (kind, key, (lambda: legend.draw(renderer)) if what is None else
                 (lambda members=what: self._draw_only(ax, members, renderer)))
                for kind, key, what in plan]

    @staticmethod
    def _draw_only(ax, members, renderer) -> None:
        """Draw ``ax`` with only ``members`` (its background among them, or not) switched on."""
        keep = {id(a) for a in members}
        off = [a for a in (ax.patch, *ax.get_children()) if id(a) not in keep and a.get_visible()]
        for a in off:
            a.set_visible(False)
        try:
            ax.draw(renderer)
        finally:
            for a in off:
                a.set_visible(True)

    def _layer(self, key, paint) -> None:
        """Make sure the layer ``key`` is saved: render it alone on a clear canvas if it is not."""
        if key in self._layers:
            self._layers.move_to_end(key)
            return
        self.canvas.get_renderer().clear()              # transparent
        paint()
        rgba = np.asarray(self.canvas.buffer_rgba())
        rows, cols = np.flatnonzero(rgba[:, :, 3].any(axis=1)), np.flatnonzero(rgba[:, :, 3].any(axis=0))
        if rows.size:
            crop = rgba[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1][::-1]      # draw_image wants bottom-up rows
            self._layers[key] = (int(cols[0]), int(rgba.shape[0] - 1 - rows[-1]), np.ascontiguousarray(crop))
        else:
            self._layers[key] = None

    def _paint(self, keys, renderer) -> None:
        """Lay the saved layers ``keys`` over the canvas, in order (alpha blended, as Agg draws)."""
        gc = renderer.new_gc()
        try:
            for key in keys:
                layer = self._layers.get(key)
                if layer is not None:
                    renderer.draw_image(gc, *layer)
        finally:
            gc.restore()


class Experiment(widgets.VBox):
    """What every widget here shares: controls above a :class:`LiveFigure`, a status line below,
    redraw on any change, errors shown in the status line instead of raised into the void, and a
    static PNG in every display message (see the module docstring)."""

    def __init__(self, figsize, dpi: int = 88):
        super().__init__()
        self.live = LiveFigure(figsize, dpi)
        self.figure = self.live.figure
        self.status = widgets.HTML()
        self._quiet = False
        self._legend_made_from: dict = {}

    def _assemble(self, rows) -> None:
        self.children = [*rows, self.live.image, self.status]

    def _watch(self, *controls) -> None:
        for c in controls:
            c.observe(self._changed, names="value")

    def _changed(self, change=None) -> None:
        if not self._quiet:
            self.refresh()

    @contextlib.contextmanager
    def quiet(self):
        """Change several controls without a redraw after each (one ``refresh`` follows)."""
        before, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = before

    def refresh(self) -> bytes:
        """Recompute, move the artists, redraw; returns the PNG shown."""
        try:
            with matplotlib.rc_context(FIXED_TITLES):
                message = self.update()
        except (ValueError, TypeError, ArithmeticError) as error:
            message = f'<span style="color:{PALETTE["wine"]}">{html.escape(str(error))}</span>'
        self.status.value = message or ""
        return self.live.draw()

    def update(self) -> str:
        """Subclasses: recompute and move the artists; return the status line (HTML)."""
        raise NotImplementedError

    def _legend(self, ax, handles=None, labels=None, **kwargs) -> None:
        """``ax.legend(...)``, unless the legend it would make is the one already there (the same
        handles, labels and options): making a legend takes milliseconds, and a kept one keeps its
        saved picture (see :class:`LiveFigure`)."""
        if handles is None:
            handles, labels = ax.get_legend_handles_labels()
        made_from = (tuple(map(id, handles)), tuple(labels), sorted(kwargs.items()))
        if ax.get_legend() is None or self._legend_made_from.get(ax) != made_from:
            ax.legend(handles, labels, **kwargs)
            self._legend_made_from[ax] = made_from

    def png(self) -> bytes:
        """The figure as the widget shows it now, as PNG bytes."""
        return self.live.image.value or self.refresh()

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        bundle["image/png"] = base64.b64encode(self.png()).decode("ascii")
        bundle["text/plain"] = (f"<{type(self).__name__}: an interactive figure; run the notebook in "
                                f"JupyterLab to use its controls>")
        return bundle


def _log_slider(description, value, low, high, fmt=".1e"):
    """A slider over 10**low .. 10**high (exponents), for learning rates and epsilons."""
    value = float(np.clip(value, 10.0**low, 10.0**high))
    return widgets.FloatLogSlider(value=value, base=10, min=low, max=high, step=0.05, description=description,
                                  readout_format=fmt, continuous_update=False,
                                  style={"description_width": "initial"})


def _slider(description, value, low, high, step, fmt=".3f"):
    return widgets.FloatSlider(value=float(np.clip(value, low, high)), min=low, max=high, step=step,
                               description=description, readout_format=fmt, continuous_update=False,
                               style={"description_width": "initial"})


def _int_slider(description, value, low, high, step=1):
    return widgets.IntSlider(value=int(np.clip(value, low, high)), min=low, max=high, step=step,
                             description=description, continuous_update=False,
                             style={"description_width": "initial"})


def clear_plotted(ax) -> None:
    """``ax.clear()`` for a widget that replots an axes on every change, without rebuilding the axes.

    Removes what was plotted (lines, collections, patches, texts, images) and the legend, restarts
    the colour cycle, and lets the next plot set the data limits afresh, with autoscaling on. Limits
    set by hand, scales, ticks, labels and titles stay until set again, and the widget sets them on
    every change anyway. ``clear()`` would also throw away the axes' tick objects, and making them
    again (dozens on a log axis) costs more than drawing them."""
    for a in _plotted(ax):
        a.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    ax.set_prop_cycle(None)
    ax.ignore_existing_data_limits = True
    ax.set_autoscale_on(True)


# Nothing is drawn above an axes in these figures, so a title can sit at its usual place without
# matplotlib measuring the ticks on every draw to check (a quarter of the time of drawing an axes).
# In force when the axes are made and while a widget updates (where some clear and redraw an axes).
FIXED_TITLES = {"axes.titley": 1.0}


def _fixed_axes(fig, rects):
    """Axes at fixed positions, so that a saved background stays aligned with what is drawn on it."""
    with matplotlib.rc_context(FIXED_TITLES):
        return [fig.add_axes(r) for r in rects]


def _round_limits(ax, which: str = "y") -> None:
    """Widen an axis's limits to the ticks just outside them: decades on a log scale (when the
    limits span two decades or more: a narrower range would be squashed), round numbers on a
    linear one.

    Called after ``autoscale_view``: small changes of the data then leave the limits, and so the
    saved picture of the axis (see :class:`LiveFigure`), alone. Autoscaling stays on."""
    axis = ax.yaxis if which == "y" else ax.xaxis
    low, high = sorted(axis.get_view_interval())
    if not (np.isfinite(low) and np.isfinite(high)) or low == high:
        return
    if axis.get_scale() == "log" and not (low > 0 and high / low >= 100):
        return
    with matplotlib.rc_context({"axes.autolimit_mode": "round_numbers"}):
        low, high = axis.get_major_locator().view_limits(low, high)
    (ax.set_ylim if which == "y" else ax.set_xlim)(low, high, auto=None)


def _gap_for_log(values, minimum):
    return np.maximum(values - minimum, EPS * max(1.0, abs(minimum)))


# =================================================================================================
# The playground
# =================================================================================================

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

FIRST_ORDER_CHOICES = ("SGD", "Momentum", "Nesterov", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW",
                       "AMSGrad", "SignSGD", "Signum", "Lion", "Tiger")
DEFAULT_SELECTION = ("SGD", "Momentum", "Nesterov", "Adagrad", "RMSprop", "Adam")

# The hyperparameters the playground offers for each optimizer; betas appear as beta1 and beta2.
TUNABLE = {
    "SGD": ("lr",),
    "Momentum": ("lr", "momentum"),
    "Nesterov": ("lr", "momentum"),
    "Adagrad": ("lr", "eps"),
    "Adadelta": ("lr", "rho", "eps"),
    "RMSprop": ("lr", "alpha", "eps", "momentum"),
    "Adam": ("lr", "beta1", "beta2", "eps"),
    "AdamW": ("lr", "beta1", "beta2", "eps", "weight_decay"),
    "AMSGrad": ("lr", "beta1", "beta2", "eps"),
    "SignSGD": ("lr",),
    "Signum": ("lr", "momentum"),
    "Lion": ("lr", "beta1", "beta2", "weight_decay"),
    "Tiger": ("lr", "beta", "weight_decay"),
}


def minimize_available() -> bool:
    """True when :mod:`optcourse.minimize` imports (the playground then offers its methods)."""
    try:
        from . import minimize  # noqa: F401
    except ImportError:
        return False
    return True


def default_hyperparameters(name: str, surface) -> dict:
    """The keyword arguments the playground starts ``name`` with on ``surface``: the optimizer's
    own defaults (PyTorch's), the variant's (momentum 0.9 for "Momentum"), then
    :func:`optcourse.runner.suggested_hyperparameters` for the learning rate."""
    if name in MINIMIZE_METHODS:
        return {}
    base, variant = VARIANTS.get(name, (name, {}))
    signature = inspect.signature(FIRST_ORDER[base].__init__)
    defaults = {k: p.default for k, p in signature.parameters.items()
                if p.default is not inspect.Parameter.empty}
    return {**defaults, **variant, **suggested_hyperparameters(name, surface)}


def _control(param: str, value):
    if param == "lr":
        return _log_slider("lr", value, -5, 1)
    if param == "eps":
        return _log_slider("eps", value, -12, 0)
    if param == "weight_decay":
        return _slider("weight_decay", value, 0.0, 1.0, 0.01, ".2f")
    if param == "beta2":
        return _slider("beta2", value, 0.0, 0.9999, 0.0001, ".4f")
    return _slider(param, value, 0.0, 0.999, 0.001)      # momentum, beta1, beta, rho, alpha


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
            choices = FIRST_ORDER_CHOICES + (MINIMIZE_METHODS if minimize_available() else ())
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
        self.steps_control = _int_slider("steps", steps, 1, 1000)
        self.log_control = widgets.Checkbox(value=True, description="log scale (loss)", indent=False)
        self.x_control = _slider("start x", 0.0, -1.0, 1.0, 0.01, ".2f")
        self.y_control = _slider("start y", 0.0, -1.0, 1.0, 0.01, ".2f")
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
        self.controls: dict[str, dict] = {name: {p: _control(p, 0.1) for p in TUNABLE.get(name, ())}
                                          for name in self.choices}

        # -- figure: paths (left), loss (right); one set of artists per optimizer, made once --
        fig = self.figure
        self.ax_path, self.ax_loss = _fixed_axes(fig, [(0.06, 0.12, 0.36, 0.8), (0.50, 0.12, 0.48, 0.8)])
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
                y = _gap_for_log(r.loss, surface.min_value)
            else:
                y = r.loss - surface.min_value if known else r.loss
            self.loss_lines[name].set_data(np.arange(len(y)), y)
        self.start_marker.set_data([start[0]], [start[1]])
        self.ax_loss.set_yscale("log" if log else "linear")
        self.ax_loss.set_ylabel("f(x) - f*" if known else "f(x)")
        self.ax_loss.relim(visible_only=True)
        self.ax_loss.autoscale_view()
        _round_limits(self.ax_loss)
        handles = [self.start_marker, *([self.minimum_handle] if known else []), *(self.path_lines[n] for n in shown)]
        self._legend(self.ax_loss, handles, [h.get_label() for h in handles], loc="upper right", fontsize=8,
                     framealpha=0.9)
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

X_SYM, Y_SYM = sp.symbols("x y")
_A_SYM, _B_SYM = sp.symbols("a b")


class TaylorWidget(Experiment):
    r"""The Taylor polynomial :math:`T_k` of f about a centre :math:`(a, b)`, against f itself.

    Left: contours of f (grey) and of :math:`T_k` (dashed, at the same levels), which agree near the
    centre and part further away. Right: both along the horizontal line through the centre.
    ``order`` 0 is the constant f(a, b), 1 the tangent plane, 2 the quadratic model of Newton's
    method. The polynomial is derived once per order by SymPy with a symbolic centre
    (:func:`optcourse.derivatives.taylor_polynomial`), so moving the centre only re-evaluates it.

    Example:
        >>> TaylorWidget("exp(-(x**2 + y**2) / 4) * cos(x) + y / 5", order=2, centre=(0.5, -0.5))
    """

    def __init__(self, expr: str = "sin(x) * cos(y) + x**2 / 10", order: int = 2, centre=(0.8, 0.4),
                 max_order: int = 4, bounds=((-3.0, 3.0), (-3.0, 3.0)), dpi: int = 88):
        super().__init__((10.0, 4.2), dpi)
        try:
            self.expr = sp.sympify(expr)
        except (sp.SympifyError, TypeError) as error:
            raise ValueError(f"TaylorWidget: could not read {expr!r} as a formula in x and y ({error}).") from None
        extra = self.expr.free_symbols - {X_SYM, Y_SYM}
        if extra:
            raise ValueError(f"TaylorWidget: the formula may use only x and y, not {sorted(map(str, extra))}.")
        if isinstance(max_order, bool) or not isinstance(max_order, int) or not 0 <= max_order <= 8:
            raise ValueError(f"TaylorWidget: max_order must be a whole number from 0 to 8, got {max_order!r}.")
        (x0, x1), (y0, y1) = bounds
        self.bounds = ((float(x0), float(x1)), (float(y0), float(y1)))
        f = sp.lambdify((X_SYM, Y_SYM), self.expr, "numpy")
        self.f = lambda x, y: np.asarray(f(x, y), dtype=float) + np.zeros(np.broadcast(x, y).shape)
        self._polynomials: dict = {}

        self.order_control = _int_slider("order k", order, 0, max_order)
        self.a_control = _slider("centre x", centre[0], x0, x1, (x1 - x0) / 200, ".2f")
        self.b_control = _slider("centre y", centre[1], y0, y1, (y1 - y0) / 200, ".2f")
        self.formula = widgets.HTMLMath()
        self._watch(self.order_control, self.a_control, self.b_control)

        self.ax_map, self.ax_line = _fixed_axes(self.figure, [(0.06, 0.12, 0.38, 0.8), (0.55, 0.12, 0.42, 0.8)])
        n = 121
        self._X, self._Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        Z = self.f(self._X, self._Y)
        self.levels = np.linspace(np.nanmin(Z), np.nanmax(Z), 16)
        top = self.levels[-1] + 2.5 * (self.levels[-1] - self.levels[0])       # only the light greys
        self.ax_map.contourf(self._X, self._Y, Z, levels=self.levels, cmap="Greys", vmin=self.levels[0], vmax=top)
        self.ax_map.contour(self._X, self._Y, Z, levels=self.levels, colors="0.3", linewidths=0.6)
        self.ax_map.set_xlabel("x")
        self.ax_map.set_ylabel("y")
        self._taylor_contours = None
        (self.centre_marker,) = self.ax_map.plot([], [], **START_STYLE)
        self._xs = np.linspace(x0, x1, 300)
        (self.f_line,) = self.ax_line.plot([], [], color="black", linewidth=2.0, label="f")
        (self.t_line,) = self.ax_line.plot([], [], color=PALETTE["wine"], linewidth=2.0, linestyle="--")
        (self.centre_point,) = self.ax_line.plot([], [], **START_STYLE)
        self.ax_line.set_xlabel("x (y fixed at the centre's y)")
        self.ax_line.grid(True, color="0.88", linewidth=0.6)
        self._assemble([widgets.HBox([self.order_control, self.a_control, self.b_control]), self.formula])
        self.refresh()

    def polynomial(self, order: int, centre=None) -> sp.Expr:
        """:math:`T_k` as a SymPy expression in x and y; about ``centre`` (numbers), or about the
        symbols a, b when ``centre`` is None."""
        if order not in self._polynomials:
            T = taylor_polynomial(self.expr, [X_SYM, Y_SYM], point=[_A_SYM, _B_SYM], order=order)
            self._polynomials[order] = (T, sp.lambdify((X_SYM, Y_SYM, _A_SYM, _B_SYM), T, "numpy"))
        T = self._polynomials[order][0]
        return T if centre is None else T.subs({_A_SYM: centre[0], _B_SYM: centre[1]})

    def taylor_values(self, order: int, centre, x, y) -> np.ndarray:
        """:math:`T_k(x, y)` about ``centre``, for arrays x and y."""
        self.polynomial(order)
        values = self._polynomials[order][1](x, y, float(centre[0]), float(centre[1]))
        return np.asarray(values, dtype=float) + np.zeros(np.broadcast(x, y).shape)

    def update(self) -> str:
        k, a, b = self.order_control.value, self.a_control.value, self.b_control.value
        T = self.taylor_values(k, (a, b), self._X, self._Y)
        if self._taylor_contours is not None:
            self._taylor_contours.remove()
        self._taylor_contours = self.ax_map.contour(self._X, self._Y, T, levels=self.levels,
                                                    colors=PALETTE["wine"], linewidths=1.1, linestyles="--")
        # f's contours and the frames are kept; T_k's contours and the curves are drawn over them.
        self.live.dynamic_artists = [self._taylor_contours, self.centre_marker, self.f_line, self.t_line,
                                     self.centre_point]
        self.centre_marker.set_data([a], [b])
        self.ax_map.set_title(f"f (grey) and its Taylor polynomial of order {k} (dashed)", fontsize=10)
        xs = self._xs
        f_slice = self.f(xs, np.full_like(xs, b))
        self.f_line.set_data(xs, f_slice)
        self.t_line.set_data(xs, self.taylor_values(k, (a, b), xs, np.full_like(xs, b)))
        self.t_line.set_label(f"$T_{k}$ about ({a:.2f}, {b:.2f})")
        self.centre_point.set_data([a], [float(self.f(a, b))])
        spread = np.ptp(f_slice) or 1.0
        self.ax_line.set_xlim(xs[0], xs[-1])
        self.ax_line.set_ylim(f_slice.min() - 0.5 * spread, f_slice.max() + 0.5 * spread)
        self._legend(self.ax_line, loc="upper right", fontsize=8)
        numeric = sp.expand(self.polynomial(k, (sp.Float(a, 4), sp.Float(b, 4))))
        self.formula.value = rf"$T_{k}(x, y) \approx {sp.latex(sp.N(numeric, 3))}$"
        return ""


# =================================================================================================
# Lesson 04: momentum on an ill-conditioned quadratic
# =================================================================================================

def momentum_rate(lr: float, momentum: float, eigenvalues) -> float:
    r"""How fast heavy-ball momentum (``SGD(lr, momentum)``) shrinks the error on a quadratic.

    Along an eigenvector of the Hessian with eigenvalue :math:`\lambda` the error obeys
    :math:`e_{k+1} = (1 + \beta - \eta\lambda)\,e_k - \beta e_{k-1}`, so it shrinks by the spectral
    radius of :math:`\begin{pmatrix} 1+\beta-\eta\lambda & -\beta \\ 1 & 0 \end{pmatrix}` per step:
    the largest :math:`|z|` with :math:`z^2 - (1+\beta-\eta\lambda) z + \beta = 0`. Returns the
    largest over ``eigenvalues`` (below 1: converges; the loss gap shrinks by its square).
    With :math:`\beta = 0` it is :math:`\max|1-\eta\lambda|`, gradient descent's rate.

    Example:
        >>> momentum_rate(4 / (1 + 10) ** 2, ((10 - 1) / (10 + 1)) ** 2, [1, 100])   # 9/11 = 0.818...
    """
    rates = [np.abs(np.roots([1.0, -(1.0 + momentum - lr * lam), momentum])).max()
             for lam in np.ravel(eigenvalues)]
    return float(max(rates))


def optimal_momentum(condition_number: float, smallest: float = 1.0) -> tuple[float, float]:
    r"""Polyak's best (lr, momentum) for a quadratic with eigenvalues in :math:`[\mu, L]`,
    :math:`\kappa = L/\mu`: :math:`\eta = 4/(\sqrt L + \sqrt\mu)^2`,
    :math:`\beta = \left((\sqrt\kappa - 1)/(\sqrt\kappa + 1)\right)^2`; the rate is then
    :math:`(\sqrt\kappa - 1)/(\sqrt\kappa + 1)` against gradient descent's best
    :math:`(\kappa - 1)/(\kappa + 1)`."""
    mu, L = float(smallest), float(smallest) * float(condition_number)
    root = math.sqrt(condition_number)
    return 4.0 / (math.sqrt(L) + math.sqrt(mu)) ** 2, ((root - 1.0) / (root + 1.0)) ** 2


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
        self.kappa_control = _log_slider("condition κ", condition_number, 0, 3, ".0f")
        self.lr_control = _log_slider("lr", lr, -4, 0.5, ".3g")
        self.momentum_control = _slider("momentum", momentum, 0.0, 0.99, 0.01, ".2f")
        self.steps_control = _int_slider("steps", steps, 5, 500)
        self.optimal_button = widgets.Button(description="optimal lr and momentum")
        self.optimal_button.on_click(lambda button: self.use_optimal())
        self._watch(self.kappa_control, self.lr_control, self.momentum_control, self.steps_control)
        self.ax_path, self.ax_loss = _fixed_axes(self.figure, [(0.06, 0.12, 0.36, 0.78), (0.52, 0.12, 0.46, 0.78)])
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_ylabel("f(x) - f*")
        self.ax_loss.set_yscale("log")
        self.ax_loss.grid(True, color="0.88", linewidth=0.6)
        self._landscape, self._kappa_drawn = [], None
        self.lines = {}
        for name in ("SGD", "Momentum"):
            (path,) = self.ax_path.plot([], [], path_effects=OUTLINE, zorder=4, **line_kwargs(name))
            (loss,) = self.ax_loss.plot([], [], **line_kwargs(name, 100))
            (predicted,) = self.ax_loss.plot([], [], color=optimizer_style(name).color, linestyle=":", linewidth=1.2)
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
            gap = _gap_for_log(r.loss, 0.0)
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


# =================================================================================================
# Lesson 01: batch size against gradient noise
# =================================================================================================

def minibatch_noise(per_sample_gradients, batch_size: int) -> float:
    r"""The root-mean-square error of a minibatch gradient drawn without replacement:

    .. math:: \sqrt{E\lVert \hat g_B - \bar g\rVert^2}
              = \sqrt{\frac{N - B}{N - 1}\,\frac{\operatorname{tr} S}{B}},
              \qquad S = \frac1N \sum_i (g_i - \bar g)(g_i - \bar g)^\top

    for N per-sample gradients :math:`g_i` (rows of ``per_sample_gradients``) and batches of B:
    the variance of a mean of B draws, shrunk by the finite-population factor (N - B)/(N - 1),
    which makes it 0 for the full batch. Halving the noise takes four times the batch.
    """
    G = np.asarray(per_sample_gradients, dtype=float)
    N = len(G)
    if not 1 <= batch_size <= N:
        raise ValueError(f"batch_size must be between 1 and the {N} samples, got {batch_size}.")
    trace = float(((G - G.mean(axis=0)) ** 2).sum(axis=1).mean())
    factor = (N - batch_size) / (N - 1) if N > 1 else 0.0
    return math.sqrt(factor * trace / batch_size)


class BatchNoiseWidget(Experiment):
    r"""Minibatch SGD on least squares :math:`L(w, b) = \frac{1}{2N}\sum_i (w x_i + b - y_i)^2`.

    Left: contours of the full-batch loss with the minibatch path (batches of B, reshuffled every
    epoch) and full-batch gradient descent, same learning rate. Middle: the full-batch loss along
    both. Right: the noise of a minibatch gradient at the start against B, measured from 200
    random batches per size and as the formula of :func:`minibatch_noise`; the chosen B is marked.

    Example:
        >>> BatchNoiseWidget(batch_size=4, lr=0.2)
    """

    BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)

    def __init__(self, batch_size: int = 16, lr: float = 0.1, steps: int = 80, n_samples: int = 512,
                 noise: float = 1.0, seed: int = 0, dpi: int = 80):
        super().__init__((12.0, 3.9), dpi)
        sizes = [b for b in self.BATCH_SIZES if b < n_samples] + [n_samples]
        self.n_samples, self.noise, self.sizes = n_samples, noise, sizes
        self.batch_control = widgets.SelectionSlider(
            options=sizes, value=min(sizes, key=lambda b: abs(b - batch_size)), description="batch size",
            continuous_update=False)
        self.lr_control = _log_slider("lr", lr, -3, 0.3, ".3g")
        self.steps_control = _int_slider("steps", steps, 5, 400)
        self.seed_control = _int_slider("data seed", seed, 0, 20)
        self._watch(self.batch_control, self.lr_control, self.steps_control, self.seed_control)
        fig = self.figure
        self.ax_path, self.ax_loss, self.ax_noise = _fixed_axes(
            fig, [(0.05, 0.14, 0.26, 0.76), (0.39, 0.14, 0.26, 0.76), (0.72, 0.14, 0.26, 0.76)])
        self._landscape, self._seed_drawn = [], None
        self.lines = {}
        looks = {"minibatch": dict(color=PALETTE["rose"], linestyle="-", marker="s"),
                 "full": dict(color="black", linestyle="--", marker="o")}
        for name, look in looks.items():
            kw = dict(markersize=5, linewidth=1.6, markeredgecolor="black", markeredgewidth=0.6, **look)
            (path,) = self.ax_path.plot([], [], path_effects=OUTLINE, zorder=4, markevery=0.15, **kw)
            (loss,) = self.ax_loss.plot([], [], markevery=10, **kw)
            self.lines[name] = (path, loss)
        (self.start_marker,) = self.ax_path.plot([], [], **START_STYLE)
        (self.measured_line,) = self.ax_noise.plot([], [], "o", color=PALETTE["indigo"], label="measured (200 batches)")
        (self.formula_line,) = self.ax_noise.plot([], [], "-", color="black", linewidth=1.2, label="formula")
        (self.current_point,) = self.ax_noise.plot([], [], "s", markersize=11, markerfacecolor="none",
                                                   markeredgecolor=PALETTE["wine"], markeredgewidth=2, label="chosen B")
        for ax, title in ((self.ax_loss, "full-batch loss"), (self.ax_noise, "gradient noise at the start")):
            ax.set_title(title, fontsize=10)
            ax.grid(True, color="0.88", linewidth=0.6)
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_yscale("log")
        self.ax_noise.set_xscale("log", base=2)
        self.ax_noise.set_yscale("log")
        self.ax_noise.set_xlabel("batch size B")
        self.ax_noise.set_ylabel("RMS of minibatch - full gradient")
        self._assemble([widgets.HBox([self.batch_control, self.lr_control]),
                        widgets.HBox([self.steps_control, self.seed_control])])
        self.refresh()

    def problem(self, seed: int):
        """(X, y, the full-batch loss as a Surface) for the data of ``seed``."""
        X, y, _, _ = make_regression(self.n_samples, 1, self.noise, seed)
        x = X[:, 0]
        mx, mxx, my, mxy, myy = x.mean(), (x * x).mean(), y.mean(), (x * y).mean(), (y * y).mean()

        def f(w, b):    # ½ mean((w x + b - y)²), expanded into the data's moments
            return 0.5 * (w * w * mxx + 2 * w * b * mx + b * b - 2 * w * mxy - 2 * b * my + myy)

        def df(w, b):
            return w * mxx + b * mx - mxy, w * mx + b - my

        def d2f(w, b):
            return mxx, mx, 1.0

        best = np.linalg.solve([[mxx, mx], [mx, 1.0]], [mxy, my])
        bounds = ((best[0] - 4.0, best[0] + 4.0), (best[1] - 4.0, best[1] + 4.0))
        surface = Surface("least squares", r"\frac{1}{2N}\sum_i (w x_i + b - y_i)^2", f, df, d2f, bounds,
                          best + np.array([-3.0, 2.5]), best.reshape(1, 2))
        return X, y, surface

    @staticmethod
    def per_sample_gradients(X, y, theta) -> np.ndarray:
        """Row i: the gradient of ½(w x_i + b - y_i)² at theta = (w, b)."""
        residual = theta[0] * X[:, 0] + theta[1] - y
        return np.stack([residual * X[:, 0], residual], axis=1)

    def sgd_path(self, X, y, theta0, batch_size: int, lr: float, steps: int, seed: int) -> np.ndarray:
        """Minibatch SGD: the next batch of :func:`optcourse.data.minibatches` (a new order every epoch)."""
        theta = np.array(theta0, dtype=float)
        opt = optim.SGD(theta, lr=lr)
        path = [theta.copy()]
        epoch = 0
        while len(path) <= steps:
            for Xb, yb in minibatches(X, y, batch_size, seed=seed, epoch=epoch):
                opt.step(self.per_sample_gradients(Xb, yb, theta).mean(axis=0))
                path.append(theta.copy())
                if len(path) > steps:
                    break
            epoch += 1
        return np.array(path)

    def update(self) -> str:
        B, lr, steps, seed = (self.batch_control.value, self.lr_control.value, self.steps_control.value,
                              self.seed_control.value)
        if self._seed_drawn != seed:
            self.X, self.y, self.surface = self.problem(seed)
            for a in self._landscape:
                a.remove()
            self._landscape = draw_landscape(self.ax_path, self.surface, n=120, levels=16)
            self.ax_path.set_xlabel("w")
            self.ax_path.set_ylabel("b")
            G = self.per_sample_gradients(self.X, self.y, self.surface.start)
            sizes = np.array(self.sizes)
            rng = np.random.default_rng(seed)
            measured = []
            for size in sizes:      # 200 batches without replacement, as the minibatches are drawn
                # A batch: the samples with the `size` smallest of N uniform numbers (a random subset;
                # argpartition finds the same subset as a full argsort would, in linear time).
                keys = rng.random((200, len(G)))
                picks = keys.argpartition(size - 1, axis=1)[:, :size] if size < len(G) else np.arange(len(G))[None]
                deviation = G[picks].mean(axis=1) - G.mean(axis=0)
                measured.append(math.sqrt((deviation ** 2).sum(axis=1).mean()))
            self.measured_line.set_data(sizes[:-1], measured[:-1])       # the full batch has no noise
            fine = np.unique(np.geomspace(1, len(G) - 1, 60).astype(int))
            self.formula_line.set_data(fine, [minibatch_noise(G, int(b)) for b in fine])
            self._noise = dict(zip(sizes.tolist(), measured))
            self._G = G
            self.ax_noise.relim()
            self.ax_noise.autoscale_view()
            self._seed_drawn = seed
            # The contours and the noise curves of this data set are kept; only the runs move.
            self.live.layer_keys[self.ax_path] = self.live.layer_keys[self.ax_noise] = seed
            self.live.dynamic_artists = [self.start_marker, self.current_point,
                                         *(a for lines in self.lines.values() for a in lines), *self._landscape[2:]]
        start = self.surface.start
        paths = {"minibatch": self.sgd_path(self.X, self.y, start, B, lr, steps, seed),
                 "full": run("SGD", self.surface, steps, start, lr=lr).path}
        labels = {"minibatch": f"minibatch B = {B}", "full": "full batch"}
        for name, (path_line, loss_line) in self.lines.items():
            p = paths[name]
            path_line.set_data(p[:, 0], p[:, 1])
            path_line.set_label(labels[name])
            gap = _gap_for_log(self.surface.value(p), self.surface.min_value)
            loss_line.set_data(np.arange(len(gap)), gap)
            loss_line.set_label(labels[name])
        self.paths = paths
        self.start_marker.set_data([start[0]], [start[1]])
        self.ax_loss.relim()
        self.ax_loss.autoscale_view()
        _round_limits(self.ax_loss)
        self._legend(self.ax_loss, fontsize=8, loc="upper right")
        self._legend(self.ax_noise, fontsize=8, loc="lower left")
        noise = minibatch_noise(self._G, B) if B < len(self._G) else 0.0
        self.current_point.set_data([B] if B < len(self._G) else [], [noise] if B < len(self._G) else [])
        self.ax_path.set_title(f"least squares, {self.n_samples} samples", fontsize=10)
        full = np.linalg.norm(self._G.mean(axis=0))
        return (f"B = {B}: the minibatch gradient misses the full one (length {full:.3g}) by {noise:.3g} on "
                f"average (RMS); {len(self._G) // B} steps make one epoch.")


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
        self.beta1_control = _slider("beta1", beta1, 0.0, 0.999, 0.001)
        self.beta2_control = _slider("beta2", beta2, 0.0, 0.9999, 0.0001, ".4f")
        self.steps_control = _int_slider("steps", steps, 5, 3000, 5)
        self.std_control = _slider("gradient noise σ", std, 0.0, 3.0, 0.05, ".2f")
        self.seed_control = _int_slider("seed", seed, 0, 20)
        self._watch(self.beta1_control, self.beta2_control, self.steps_control, self.std_control, self.seed_control)
        axes = _fixed_axes(self.figure, [(0.05, 0.14, 0.26, 0.74), (0.38, 0.14, 0.26, 0.74), (0.71, 0.14, 0.27, 0.74)])
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
        self.lr_control = _log_slider("lr", lr, -4, 0, ".2e")
        self.beta1_control = _slider("Lion beta1", beta1, 0.0, 0.999, 0.001)
        self.beta2_control = _slider("Lion beta2", beta2, 0.0, 0.999, 0.001)
        self.beta_control = _slider("Tiger beta", beta, 0.0, 0.999, 0.001)
        self.steps_control = _int_slider("steps", steps, 10, 1000)
        self.match_button = widgets.Button(description="Lion's betas = Tiger's")
        self.match_button.on_click(lambda button: self.match_betas())
        self.surface_control.observe(self._new_surface, names="value")
        self._watch(self.lr_control, self.beta1_control, self.beta2_control, self.beta_control, self.steps_control)
        self.ax_path, self.ax_loss = _fixed_axes(self.figure, [(0.06, 0.12, 0.36, 0.8), (0.52, 0.12, 0.46, 0.8)])
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
            gap = _gap_for_log(r.loss, surface.min_value)
            loss.set_data(np.arange(len(gap)), gap)
            loss.set_label(r.label)
        self.start_marker.set_data([surface.start[0]], [surface.start[1]])
        self.ax_loss.relim()
        self.ax_loss.autoscale_view()
        _round_limits(self.ax_loss)
        self._legend(self.ax_loss, fontsize=8, loc="upper right")
        apart = float(np.abs(self.runs["Lion"].path - self.runs["Tiger"].path).max())
        same = "the same steps" if apart == 0.0 else f"paths up to {apart:.3g} apart"
        return (f"Lion with β1 = {b1:.3f}, β2 = {b2:.3f}; Tiger with β = {b:.3f}: {same}. "
                f"Each step moves x and y by exactly lr = {lr:.3g} (or not at all where the sign is 0).")
