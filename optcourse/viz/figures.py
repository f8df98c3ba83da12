"""Make the course's figures from the command line, for slides and handouts.

    optcourse-figures race --surface rosenbrock --optimizers SGD,Momentum,Adam --out race.png
    optcourse-figures race --surface himmelblau --optimizers Adam:lr=0.1 Lion:lr=0.02 --out race.gif
    optcourse-figures race --surface quadratic --surface-option condition_number=100 --out q.pdf
    optcourse-figures surface --surface six_hump_camel --log --out camel.png
    optcourse-figures list

(or ``python -m optcourse.viz.figures ...``). ``race`` draws the paths on the contours and the loss
against step (:func:`optcourse.viz.plots.plot_race`) to a still image (.png, .pdf, .svg) or animates
the paths (:mod:`optcourse.viz.animate`) to a GIF or an HTML page. ``surface`` draws the 3-D view.

An optimizer is a name (see ``list``), optionally with hyperparameters after a colon:
``Adam:lr=0.05,betas=(0.9,0.99)``; several names may share one argument, separated by commas
(``SGD,Momentum,Adam``). Hyperparameters not given are
:func:`optcourse.experiments.runner.suggested_hyperparameters` for the surface.
"""
from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

from matplotlib.figure import Figure

from optcourse.experiments.runner import NAMES, optimizer_name, race
from optcourse.landscapes.surfaces import SURFACES, get_surface
from optcourse.viz.animate import save_animation
from optcourse.viz.plots import plot_race, plot_surface_3d

STILL = (".png", ".pdf", ".svg")
MOVING = (".gif", ".html", ".htm")


def _split_top_level(text: str) -> list[str]:
    """Split on commas that are not inside brackets: 'lr=0.1,betas=(0.9,0.99)' -> two parts."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _value(text: str):
    """A Python literal if it is one (0.1, (0.9, 0.99), True), else the text itself (plain)."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _assignments(items, what: str) -> dict:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{what}: expected key=value, got {item!r}.")
        out[key.strip()] = _value(value.strip())
    return out


def parse_optimizers(specs) -> dict:
    """{label: hyperparameters with 'optimizer'} from the command line's optimizer arguments.

    Example:
        >>> parse_optimizers(["SGD,Adam", "Adam:lr=0.1"])
        {'SGD': {'optimizer': 'SGD'}, 'Adam': {'optimizer': 'Adam'}, 'Adam (lr=0.1)': {'optimizer': 'Adam', 'lr': 0.1}}
    """
    out = {}
    for spec in specs:
        if ":" in spec:
            name, _, options = spec.partition(":")
            hyper = _assignments(_split_top_level(options), f"optimizer {name!r}")
            entries = [(optimizer_name(name.strip()), hyper)]
        else:
            entries = [(optimizer_name(n), {}) for n in _split_top_level(spec)]
        for name, hyper in entries:
            label = name + (" (" + ", ".join(f"{k}={v}" for k, v in hyper.items()) + ")" if hyper else "")
            out[label] = {"optimizer": name, **hyper}
    if not out:
        raise ValueError("give at least one optimizer, e.g. --optimizers SGD,Adam")
    return out


def _point(text: str):
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        raise ValueError(f"--start must be two numbers x,y (e.g. --start=-1.5,2), got {text!r}.") from None
    return (x, y)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="optcourse-figures", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="Run 'optcourse-figures list' for the surfaces and optimizers.")
    commands = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--surface", default="rosenbrock", help="surface name (default rosenbrock)")
        p.add_argument("--surface-option", action="append", default=[], metavar="KEY=VALUE",
                       help="an option of the surface, e.g. condition_number=100 or seed=3 (repeatable)")
        p.add_argument("--steps", type=int, default=200, help="steps per optimizer (default 200)")
        p.add_argument("--start", type=str, default=None, metavar="X,Y",
                       help="start point (default: the surface's); write --start=-1.5,2 for a negative x")
        p.add_argument("--out", required=True, help="the file to write; its extension picks the format")
        p.add_argument("--dpi", type=int, default=150, help="resolution of a still image (default 150)")

    r = commands.add_parser("race", help="optimizers' paths and loss curves, still or animated")
    common(r)
    r.add_argument("--optimizers", nargs="+", default=["SGD,Momentum,Nesterov,Adagrad,RMSprop,Adam"],
                   metavar="SPEC", help="NAME[:key=value,...] or NAME,NAME,... (default: six classics)")
    r.add_argument("--linear", action="store_true", help="loss on a linear scale instead of log")
    r.add_argument("--fps", type=int, default=12, help="frames per second of an animation (default 12)")
    r.add_argument("--frames", type=int, default=60, help="frames of an animation (default 60)")

    s = commands.add_parser("surface", help="a 3-D view of a surface, with paths if optimizers are given")
    common(s)
    s.add_argument("--optimizers", nargs="*", default=[], metavar="SPEC", help="as for race (default none)")
    s.add_argument("--log", action="store_true", help="height log10(1 + f - min f), for steep surfaces")

    commands.add_parser("list", help="the surfaces and optimizers there are")
    return parser


def make_figure(args) -> Path:
    """Do what the parsed command line asks; returns the file written."""
    out = Path(args.out)
    suffix = out.suffix.lower()
    if args.command == "race" and suffix not in STILL + MOVING:
        raise ValueError(f"--out must end in one of {', '.join(STILL + MOVING)}, got {out.name!r}.")
    if args.command == "surface" and suffix not in STILL:
        raise ValueError(f"--out must end in one of {', '.join(STILL)}, got {out.name!r}.")
    if args.steps < 0:
        raise ValueError(f"--steps must be >= 0, got {args.steps}.")
    surface = get_surface(args.surface, **_assignments(args.surface_option, "--surface-option"))
    start = None if args.start is None else _point(args.start)
    optimizers = parse_optimizers(args.optimizers) if args.optimizers else {}
    runs = race(surface, optimizers, args.steps, start) if optimizers else {}
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.command == "race" and suffix in MOVING:
        save_animation(surface, runs, out, fps=args.fps, frames=args.frames, dpi=100)
        return out
    if args.command == "race":
        figure = Figure(figsize=(10.5, 4.4), layout="constrained")
        plot_race(surface, runs, log=not args.linear, figure=figure)
    else:
        figure = Figure(figsize=(6.4, 5.2), layout="constrained")
        plot_surface_3d(surface, runs, figure.add_subplot(projection="3d"), log=args.log)
    figure.savefig(out, dpi=args.dpi)
    return out


def main(argv=None) -> int:
    """The console entry point ``optcourse-figures``; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "list":
        print("surfaces:  ", ", ".join(SURFACES))
        print("optimizers:", ", ".join(NAMES))
        return 0
    try:
        out = make_figure(args)
    except (ValueError, TypeError, ImportError) as error:
        print(f"optcourse-figures: error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
