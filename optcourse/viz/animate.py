"""Optimizer paths as animations: JavaScript HTML that plays in a notebook and in a static page.

    runs = race("rosenbrock", ["SGD", "Momentum", "Adam"])
    AnimatedPaths("rosenbrock", runs)            # last line of a cell: plays in the notebook
    animation_html("rosenbrock", runs)           # the same HTML as a string, for a web page
    save_animation("rosenbrock", runs, "race.gif")

The animation is matplotlib's ``FuncAnimation`` turned into self-contained HTML by ``to_jshtml``:
every frame is embedded as an image (JPEG by default, PNG on request) with a small player (play,
pause, step, a slider), so it needs no kernel and no widget front end. Frame i shows every path up to step k_i, with the k_i spread
evenly from 0 to the longest run, so long runs still make a short file.
"""
from __future__ import annotations

import base64
import io

import numpy as np
from matplotlib import rc_context
from matplotlib.animation import FuncAnimation, PillowWriter
from matplotlib.figure import Figure

from optcourse.experiments.runner import as_surface
from optcourse.validation import whole
from optcourse.viz.plots import START_STYLE, as_runs, draw_landscape, draw_path


def frame_steps(longest: int, frames: int) -> np.ndarray:
    """The step shown in each frame: ``frames`` whole numbers from 0 to ``longest``, evenly spread
    (fewer when there are fewer steps than frames)."""
    return np.unique(np.round(np.linspace(0, longest, min(frames, longest + 1))).astype(int))


def _frames(surface, runs, frames, figsize, dpi, levels):
    """The figure, a function that draws frame i, and the step each frame shows."""
    surface = as_surface(surface)
    runs = as_runs(runs)
    if not runs:
        raise ValueError("animate_paths: give at least one run (optcourse.experiments.runner.run or race).")
    frames = whole("animate_paths: frames", frames, 1)
    # A bare Figure: its canvas does nothing on FuncAnimation's draw_idle, so each frame is drawn
    # once, by savefig, instead of twice.
    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    ax = fig.add_subplot()
    draw_landscape(ax, surface, levels=levels)
    ax.plot(*np.array([r.path[0] for r in runs]).T, label="start", **START_STYLE)
    artists = [draw_path(ax, r) for r in runs]
    ax.legend(loc="upper right", fontsize=7, framealpha=0.9)
    title = ax.set_title(f"{surface.name}: step 0", fontsize=10)
    fig.get_layout_engine().execute(fig)      # lay out once: the frames differ only inside the axes
    fig.set_layout_engine("none")
    steps = frame_steps(max(r.steps for r in runs), frames)

    def show(i):
        k = int(steps[i])
        for r, (line, end) in zip(runs, artists):
            upto = min(k, r.steps)                    # a run that stopped early stays where it ended
            line.set_data(r.path[:upto + 1, 0], r.path[:upto + 1, 1])
            end.set_data(r.path[upto:upto + 1, 0], r.path[upto:upto + 1, 1])
        title.set_text(f"{surface.name}: step {k}")
        return [a for pair in artists for a in pair] + [title]

    return fig, show, steps


def animate_paths(surface, runs, *, frames: int = 40, interval: int = 80, figsize=(5.4, 4.4),
                  dpi: int = 72, levels: int = 15) -> FuncAnimation:
    """A ``FuncAnimation`` of the runs' paths growing on the contours of ``surface``.

    The figure is not a pyplot figure, so a notebook shows only the animation, not a stray still.
    ``frames`` caps the number of frames; ``interval`` is the delay between them in milliseconds.
    The step each frame shows is in ``anim.frame_steps``; ``anim.show_frame(i)`` moves the
    artists to frame i (and returns them) without drawing, for checking.

    Example:
        >>> anim = animate_paths("himmelblau", race("himmelblau", ["SGD", "Adam"]), frames=40)
        >>> html = anim.to_jshtml()
    """
    interval = whole("animate_paths: interval", interval, 1)
    fig, show, steps = _frames(surface, runs, frames, figsize, dpi, levels)
    anim = FuncAnimation(fig, show, frames=len(steps), interval=interval, blit=False, repeat=False)
    anim.frame_steps, anim.show_frame = steps, show
    return anim


def _check_html_options(default_mode: str, frame_format: str) -> None:
    if default_mode not in ("once", "loop", "reflect"):
        raise ValueError(f"default_mode must be 'once', 'loop' or 'reflect', got {default_mode!r}.")
    if frame_format not in ("jpeg", "png"):
        raise ValueError(f"frame_format must be 'jpeg' or 'png', got {frame_format!r}.")


def to_html(animation: FuncAnimation, *, default_mode: str = "once", frame_format: str = "jpeg") -> str:
    """``animation.to_jshtml`` with the frames embedded as JPEG (default) or PNG.

    A frame of contours is about 25 kB as JPEG and 70 kB as PNG; 40 frames of PNG make a 4 MB
    notebook output. JPEG blurs thin lines very slightly.
    """
    _check_html_options(default_mode, frame_format)
    with rc_context({"animation.frame_format": frame_format}):
        return animation.to_jshtml(default_mode=default_mode)


def animation_html(surface, runs, *, default_mode: str = "once", frame_format: str = "jpeg", **options) -> str:
    """Self-contained HTML (a player with every frame embedded) of :func:`animate_paths`.

    Example:
        >>> html = animation_html("booth", race("booth", ["SGD", "Adam"]), frames=30)
        >>> Path("race.html").write_text(html)
    """
    _check_html_options(default_mode, frame_format)
    return to_html(animate_paths(surface, runs, **options), default_mode=default_mode, frame_format=frame_format)


def save_animation(surface, runs, path, *, fps: int = 12, **options) -> None:
    """Write the animation to ``path``: a GIF (Pillow, which comes with matplotlib) for a ``.gif``
    name, the JavaScript HTML player for ``.html``.

    Example:
        >>> save_animation("rosenbrock", race("rosenbrock", ["SGD", "Adam"]), "race.gif", fps=15)
    """
    path = str(path)
    fps = whole("save_animation: fps", fps, 1)
    if path.lower().endswith(".gif"):
        animate_paths(surface, runs, **options).save(path, writer=PillowWriter(fps=fps))
    elif path.lower().endswith((".html", ".htm")):
        with open(path, "w", encoding="utf-8") as out:
            out.write(animation_html(surface, runs, interval=max(1, round(1000 / fps)), **options))
    else:
        raise ValueError(f"save_animation: write a .gif or an .html file, got {path!r}.")


class AnimatedPaths:
    """An animation that shows itself: as the JavaScript player in a notebook or HTML page, and as
    its last frame (a PNG) where scripts cannot run (a PDF export).

    Example:
        >>> AnimatedPaths("rosenbrock", race("rosenbrock", ["SGD", "Momentum", "Adam"]))
    """

    def __init__(self, surface, runs, *, frames: int = 40, interval: int = 80, figsize=(5.4, 4.4),
                 dpi: int = 72, levels: int = 15):
        self.interval = whole("AnimatedPaths: interval", interval, 1)
        self.figure, self.show_frame, self.frame_steps = _frames(surface, runs, frames, figsize, dpi, levels)

    def html(self, frame_format: str = "jpeg") -> str:
        """The JavaScript player (see :func:`to_html`)."""
        # The FuncAnimation is made here, where it is rendered at once: one that is never rendered
        # warns when it is deleted.
        animation = FuncAnimation(self.figure, self.show_frame, frames=len(self.frame_steps),
                                  interval=self.interval, blit=False, repeat=False)
        return to_html(animation, frame_format=frame_format)

    def last_frame_png(self) -> bytes:
        """The last frame, every path in full, as PNG bytes."""
        self.show_frame(len(self.frame_steps) - 1)
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        return buffer.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html(),
                "image/png": base64.b64encode(self.last_frame_png()).decode("ascii"),
                "text/plain": repr(self)}

    def __repr__(self) -> str:
        return f"<AnimatedPaths: {len(self.frame_steps)} frames>"
