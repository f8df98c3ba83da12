"""Grading time for a class: 20 copies of the sample submission, with 1 and with 2 workers.

    PYTHONPATH=. python benchmarks/bench_grading.py [--copies 20] [--workers 1,2]

Each row grades the same folder from scratch (`optcourse.course.grade`) and reports the wall time, the
time per submission and the speed-up over one worker. The reference is the same run with one worker,
in the same process; the gradebooks of all rows must be identical.
"""
import argparse
import shutil
import tempfile
import time
from pathlib import Path

from optcourse.course.grade import Limits, grade

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "course_fixtures"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp) / "submissions"
        subs.mkdir()
        for i in range(args.copies):
            shutil.copy(FIXTURES / "submissions" / "correct.ipynb", subs / f"student{i:03d}.ipynb")
        books, base = [], None
        print(f"{args.copies} copies of the sample submission (3 exercises, 10 code cells)")
        print(f"{'workers':>7} | {'wall s':>7} | {'s / submission':>14} | {'speed-up':>8}")
        for workers in (int(w) for w in args.workers.split(",")):
            out = Path(tmp) / f"out{workers}"
            start = time.perf_counter()
            rows = grade(FIXTURES / "solutions" / "00-sample", subs, out, workers=workers, limits=Limits())
            wall = time.perf_counter() - start
            base = base or wall
            assert all(r["total"] == r["max_total"] for r in rows), "the sample submission should score full marks"
            books.append((out / "gradebook.csv").read_bytes())
            print(f"{workers:>7} | {wall:>7.1f} | {wall / args.copies:>14.2f} | {base / wall:>8.2f}")
        print("gradebooks identical across worker counts:", all(b == books[0] for b in books))


if __name__ == "__main__":
    main()
