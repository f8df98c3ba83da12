"""Grading time for a class of a real lesson: 1 and 2 workers, against the notebook's own run and nbgrader.

    PYTHONPATH=. python benchmarks/bench_grading.py [--lesson 01-gradient-descent] [--copies 20]
                                                    [--workers 1,2] [--no-nbgrader]

The class is ``--copies`` students who all hand in the lesson solved (the released notebook with the
instructor's solutions in its answer cells; every one must score full marks). Reported, all measured in
this process on this machine:

* the notebook's own run time: the same submission executed top to bottom by nbclient in a Jupyter
  kernel (kernel start included), as a student runs it; the reference of the ratios;
* for each worker count, ``optcourse grade`` from scratch (jailed, as instructors run it): wall time,
  seconds per submission, per-submission cost over the notebook's run time, and throughput over one worker;
* nbgrader's serial ``autograde`` of the same submissions (no isolation), where nbgrader is installed.

The gradebooks of all worker counts must be identical. On a machine shared with other work the
figures move with the load (``uptime`` is printed before and after).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from optcourse.course import notebook as nbk
from optcourse.course.build import execute
from optcourse.course.grade import grade
from optcourse.course.release import notebook_text, release_notebook

ROOT = Path(__file__).resolve().parents[1]


def solved_submission(source) -> nbformat.NotebookNode:
    """The released lesson with the instructor's solutions typed into its answer cells."""
    lesson = release_notebook(source)
    solutions = {nbk.grade_id(c): c.source for c in source.cells if nbk.role(c) == "answer"}
    for cell in lesson.cells:
        if nbk.role(cell) == "answer":
            cell.source = "\n".join(line for line in solutions[nbk.grade_id(cell)].splitlines()
                                    if line.strip() not in (nbk.BEGIN_SOLUTION, nbk.END_SOLUTION))
    return lesson


def notebook_run_time(folder: Path, submission, name: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(folder, tmp, dirs_exist_ok=True)
        start = time.perf_counter()
        execute(submission, Path(tmp), name)
        return time.perf_counter() - start


def nbgrader_time(folder: Path, name: str, subs: Path) -> float | None:
    try:
        import nbgrader  # noqa: F401
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as course:
        course = Path(course)
        shutil.copytree(folder, course / "source" / name)
        for nb in subs.glob("*.ipynb"):
            (course / "submitted" / nb.stem / name).mkdir(parents=True)
            shutil.copy(nb, course / "submitted" / nb.stem / name / f"{name}.ipynb")
            for f in folder.iterdir():
                if f.suffix != ".ipynb":
                    shutil.copy(f, course / "submitted" / nb.stem / name / f.name)
        root = f"--CourseDirectory.root={course}"
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force", root],
                       cwd=course, capture_output=True, check=True, timeout=600, env=env)
        start = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", name, "--force", root,
                              "--create"], cwd=course, capture_output=True, text=True, timeout=7200, env=env)
        wall = time.perf_counter() - start
        if run.returncode != 0:
            print("nbgrader autograde failed:", run.stderr.strip().splitlines()[-1:])
            return None
        return wall


def load() -> str:
    return open("/proc/loadavg").read().split()[0] if os.path.exists("/proc/loadavg") else "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="01-gradient-descent")
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--no-nbgrader", action="store_true")
    args = parser.parse_args()
    folder = ROOT / "solutions" / args.lesson
    source = nbformat.read(folder / f"{args.lesson}.ipynb", as_version=4)
    submission = solved_submission(source)
    print(f"lesson {args.lesson}, {args.copies} submissions; load average {load()}")
    own = notebook_run_time(folder, submission, args.lesson)
    print(f"the notebook's own run (nbclient, kernel start included): {own:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp) / "submissions"
        subs.mkdir()
        for i in range(args.copies):
            (subs / f"student{i:03d}.ipynb").write_text(notebook_text(submission))
        books, base = [], None
        print(f"{'workers':>7} | {'wall s':>7} | {'s / submission':>14} | {'x notebook run':>14} | {'throughput':>10}")
        for workers in (int(w) for w in args.workers.split(",")):
            out = Path(tmp) / f"out{workers}"
            start = time.perf_counter()
            rows = grade(folder, subs, out, workers=workers)
            wall = time.perf_counter() - start
            base = base or wall
            assert all(r["total"] == r["max_total"] for r in rows), [r["notes"] for r in rows][:2]
            books.append((out / "gradebook.csv").read_bytes())
            per = wall / args.copies
            print(f"{workers:>7} | {wall:>7.1f} | {per:>14.2f} | {per / own:>14.2f} | {base / wall:>9.2f}x",
                  flush=True)
        print("gradebooks identical across worker counts:", all(b == books[0] for b in books))
        if not args.no_nbgrader:
            nbg = nbgrader_time(folder, args.lesson, subs)
            print("nbgrader autograde (serial, no isolation): " +
                  ("not installed or failed" if nbg is None else f"{nbg:.1f} s, {nbg / args.copies:.2f} s / submission"))
    print(f"load average {load()}")


if __name__ == "__main__":
    main()
