"""How fast does the playground rerun six optimizers for 200 steps and redraw? (target: 150 ms)

The first table times ``Playground.rerun()``, what happens when a student moves the steps or
start slider: run every selected optimizer again (six by default) and redraw the figure as the PNG
the browser receives. It splits the time into its parts and compares the whole with the same work
done the plain way, rebuilding the picture with ``canvas.draw()`` and ``savefig(format="png")``.

The second table times the runner from many starts: ``run_many`` (one optimizer on an (n, 2)
array, every start at once) against n separate calls of ``run``.

Run from the repository root:

    python benchmarks/bench_widgets.py                        # rosenbrock, 200 steps, 15 repeats
    python benchmarks/bench_widgets.py --surface himmelblau --steps 500 --repeats 31
    python benchmarks/bench_widgets.py --starts 2000

Medians of ``--repeats`` timings (``time.perf_counter``) after one warm-up. Nothing is asserted:
this measures the kernel's side only. What a student waits for, from releasing a slider to the new
picture in the browser, is measured by ``bench_widget_latency.py``.
"""
from __future__ import annotations

import argparse
import io
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # this checkout, installed or not

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from optcourse.experiments.runner import run, run_many  # noqa: E402
from optcourse.landscapes.surfaces import get_surface  # noqa: E402
from optcourse.widgets import DEFAULT_SELECTION, Playground, png_bytes  # noqa: E402

TARGET_MS = 150.0


def median_ms(fn, repeats: int) -> float:
    fn()                                          # warm up: caches, first allocations
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def playground_table(surface: str, steps: int, repeats: int) -> None:
    pg = Playground(surface, DEFAULT_SELECTION, steps=steps)
    names = pg.selected

    def runs_only():
        for name in names:
            run(name, pg.surface, steps, pg.start, **pg.hyperparameters(name))

    def update_only():                            # runs + set_data on the existing artists
        pg.runs.clear()
        pg.update()

    def plain_redraw():                           # the same work, drawing the whole figure each time
        update_only()
        pg.figure.canvas.draw()
        pg.figure.savefig(io.BytesIO(), format="png")

    t_runs = median_ms(runs_only, repeats)
    t_update = median_ms(update_only, repeats)
    t_render = median_ms(pg.live.render, repeats)
    t_png = median_ms(lambda: png_bytes(pg.live.canvas), repeats)
    t_total = median_ms(pg.rerun, repeats)
    t_plain = median_ms(plain_redraw, repeats)
    w, h = pg.live.canvas.get_width_height()

    print(f"\nPlayground.rerun(): {len(names)} optimizers ({', '.join(names)}) x {steps} steps on {surface}; "
          f"figure {w}x{h} px\n")
    rows = [
        ("run the optimizers (optcourse.experiments.runner.run)", t_runs),
        ("  + move the artists (set_data, loss axis limits, legend)", t_update - t_runs),
        ("paint the moving lines over the saved layers", t_render),
        ("encode the PNG (Pillow, compression level 1)", t_png),
        ("total: Playground.rerun()", t_total),
        ("reference: same runs, canvas.draw() + savefig(png)", t_plain),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"| {'part':<{width}} | median ms |")
    print(f"|{'-' * (width + 2)}|-----------|")
    for label, ms in rows:
        print(f"| {label:<{width}} | {ms:9.1f} |")
    print(f"\nrerun / reference = {t_total / t_plain:.2f}; target {TARGET_MS:.0f} ms: "
          f"{'met' if t_total < TARGET_MS else 'NOT met'} ({t_total:.1f} ms)")


def run_many_table(n_starts: int, steps: int, repeats: int) -> None:
    starts = np.random.default_rng(0).uniform(-4.5, 4.5, size=(n_starts, 2))
    surface = get_surface("himmelblau")          # made once: both sides time only the optimizing
    print(f"\nAdam (lr 0.1) on himmelblau from {n_starts} starts x {steps} steps\n")
    t_many = median_ms(lambda: run_many("Adam", surface, starts, steps, lr=0.1), repeats)
    loop_repeats = max(1, repeats // 5)
    t_loop = median_ms(lambda: [run("Adam", surface, steps, s, lr=0.1) for s in starts], loop_repeats)
    print("| method | median ms | per start ms |")
    print("|---|---|---|")
    print(f"| run_many (one (n, 2) array) | {t_many:.1f} | {t_many / n_starts:.4f} |")
    print(f"| n calls of run | {t_loop:.1f} | {t_loop / n_starts:.4f} |")
    print(f"\nrun_many is {t_loop / t_many:.1f}x faster than the loop")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--surface", default="rosenbrock")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--starts", type=int, default=1000)
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, matplotlib {matplotlib.__version__}, "
          f"{platform.machine()}")
    playground_table(args.surface, args.steps, args.repeats)
    run_many_table(args.starts, args.steps, args.repeats)


if __name__ == "__main__":
    main()
