r"""The framework of every widget: a figure drawn with Agg and shown as a PNG, redrawn only where it changed.

Each widget is an :class:`Experiment`: controls above a :class:`LiveFigure`, with a text line under it.
Each starts from defaults that show something worth seeing.

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
import io
from collections import OrderedDict

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.spines import Spine
from matplotlib.text import Text
from PIL import Image as PILImage

from optcourse.viz.plots import PALETTE

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


def log_slider(description, value, low, high, fmt=".1e"):
    """A slider over 10**low .. 10**high (exponents), for learning rates and epsilons."""
    value = float(np.clip(value, 10.0**low, 10.0**high))
    return widgets.FloatLogSlider(value=value, base=10, min=low, max=high, step=0.05, description=description,
                                  readout_format=fmt, continuous_update=False,
                                  style={"description_width": "initial"})


def slider(description, value, low, high, step, fmt=".3f"):
    return widgets.FloatSlider(value=float(np.clip(value, low, high)), min=low, max=high, step=step,
                               description=description, readout_format=fmt, continuous_update=False,
                               style={"description_width": "initial"})


def int_slider(description, value, low, high, step=1):
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


def fixed_axes(fig, rects):
    """Axes at fixed positions, so that a saved background stays aligned with what is drawn on it."""
    with matplotlib.rc_context(FIXED_TITLES):
        return [fig.add_axes(r) for r in rects]


def round_limits(ax, which: str = "y") -> None:
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


def gap_for_log(values, minimum):
    return np.maximum(values - minimum, EPS * max(1.0, abs(minimum)))
