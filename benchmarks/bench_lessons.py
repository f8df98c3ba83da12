"""How long does each lesson take to run top to bottom, on a quiet machine and on a busy one?

Runs every solutions notebook in a fresh kernel, the way "Run All" does in JupyterLab, kernel start
included, and prints per lesson: seconds on a quiet machine, seconds while two busy processes compete
for the cores, their ratio, and the slowest cells. The budget is 15 s per lesson and 120 s for the
whole course on 2 cores; under contention a lesson may take at most 2.5 times its quiet time.

    python benchmarks/bench_lessons.py                     # every lesson, quiet then busy
    python benchmarks/bench_lessons.py 01 05               # lessons whose names start with 01 or 05
    python benchmarks/bench_lessons.py --no-contention     # quiet runs only
    python benchmarks/bench_lessons.py --cells 5           # show the five slowest cells

The kernel gets the environment a student has: no BLAS thread variable is set here, so what the
lessons do about BLAS threads themselves is what is measured. The busy processes are plain Python
loops (one per core), the kind of load a shared JupyterHub server has. Nothing is asserted: this
measures. Run it from the repository root, with nothing else running.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))                     # this checkout, installed or not
from optcourse.threads import VARIABLES as BLAS_VARIABLES  # noqa: E402
LESSON_BUDGET, COURSE_BUDGET, CONTENTION_BUDGET = 15.0, 120.0, 2.5


def spin() -> None:
    # A session of its own, as another user's process has: Linux's autogroup scheduler shares the
    # cores between sessions, so spinners left in this script's session would compete only with it.
    os.setsid()
    while True:
        pass


class Busy:
    """``n`` processes that each keep a core busy while the block runs."""

    def __init__(self, n: int):
        self.n, self.procs = n, []

    def __enter__(self):
        self.procs = [multiprocessing.Process(target=spin, daemon=True) for _ in range(self.n)]
        for p in self.procs:
            p.start()
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            p.terminate()
            p.join()


def run_notebook(path: Path) -> tuple[float, list[tuple[float, int, str]]]:
    """Execute a notebook in a fresh kernel; return (seconds from kernel start to the end, cell times)."""
    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    total = time.perf_counter() - start
    cells = []
    for index, cell in enumerate(nb.cells):
        timing = cell.metadata.get("execution", {})
        if cell.cell_type != "code" or "shell.execute_reply" not in timing:
            continue
        began = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
        ended = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
        first_line = next((line for line in cell.source.splitlines() if line.strip()), "")[:48]
        cells.append(((ended - began).total_seconds(), index, first_line))
    return total, sorted(cells, reverse=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="name prefixes, e.g. 01 05 (default: every lesson)")
    parser.add_argument("--no-contention", action="store_true", help="skip the runs on a busy machine")
    parser.add_argument("--busy", type=int, default=2, help="busy processes during the contended run (default 2)")
    parser.add_argument("--cells", type=int, default=3, help="slowest cells to show per lesson (default 3)")
    parser.add_argument("--solutions", default=str(ROOT / "solutions"), help="folder of lesson folders")
    parser.add_argument("--blas-threads", type=int, help="set OPENBLAS_NUM_THREADS for the kernels (default: "
                        "unset, as for a student; optcourse then uses one thread)")
    args = parser.parse_args(argv)

    notebooks = sorted(p for p in Path(args.solutions).glob("*/*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if args.lessons:
        notebooks = [p for p in notebooks if any(p.parent.name.startswith(prefix) for prefix in args.lessons)]
    if not notebooks:
        print(f"no lesson notebooks matched {args.lessons} in {args.solutions}", file=sys.stderr)
        return 2
    for name in BLAS_VARIABLES:                       # the student's environment, not the test suite's
        os.environ.pop(name, None)
    if args.blas_threads:
        os.environ["OPENBLAS_NUM_THREADS"] = str(args.blas_threads)
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)

    print(f"{os.cpu_count()} cores; Python {sys.version.split()[0]}; OPENBLAS_NUM_THREADS="
          f"{os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}; busy processes under contention: "
          f"{0 if args.no_contention else args.busy}; budget {LESSON_BUDGET:g} s per lesson, "
          f"{COURSE_BUDGET:g} s in all, contended/quiet <= {CONTENTION_BUDGET:g}")
    rows = []
    for path in notebooks:
        quiet, cells = run_notebook(path)
        busy = None
        if not args.no_contention:
            with Busy(args.busy):
                busy, _ = run_notebook(path)
        rows.append((path.parent.name, quiet, busy, cells[:args.cells]))
        print(f"  ran {path.parent.name}: {quiet:.1f} s" + ("" if busy is None else f", busy {busy:.1f} s"),
              flush=True)

    print()
    print("| lesson | quiet s | busy s | busy/quiet | within budget | slowest cells (index: s, first line) |")
    print("|---|---:|---:|---:|---|---|")
    for name, quiet, busy, cells in rows:
        ok = quiet <= LESSON_BUDGET and (busy is None or busy <= CONTENTION_BUDGET * quiet)
        slow = "; ".join(f"{i}: {s:.1f} `{line}`" for s, i, line in cells)
        busy_cols = ("-", "-") if busy is None else (f"{busy:.1f}", f"{busy / quiet:.2f}")
        print(f"| {name} | {quiet:.1f} | {busy_cols[0]} | {busy_cols[1]} | {'yes' if ok else 'NO'} | {slow} |")
    total_quiet = sum(r[1] for r in rows)
    total_busy = None if args.no_contention else sum(r[2] for r in rows)
    print(f"| total | {total_quiet:.1f} | {'-' if total_busy is None else f'{total_busy:.1f}'} | "
          f"{'-' if total_busy is None else f'{total_busy / total_quiet:.2f}'} | "
          f"{'yes' if total_quiet <= COURSE_BUDGET else 'NO'} (budget {COURSE_BUDGET:g} s) | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
