"""``optcourse``: build and release lessons and grade a class from the shell.

    optcourse build [05 ...] [--solutions solutions] [--check [--execute]]
    optcourse release [--solutions solutions] [--lessons lessons] [--check]
    optcourse site --out DIR [--solutions solutions] [--repository OWNER/REPO] [--ref HEAD]
    optcourse grade solutions/01-gd submissions/01-gd --out graded/01-gd [--workers 2]
                    [--cell-timeout 30] [--notebook-timeout 300] [--memory-mb 2048] [--output-mb 10]
                    [--scheduler tcp://host:8786] [--unsafe-no-isolation] [--canvas-assignment "Lesson 1 (123)"]
    optcourse import-canvas submissions.zip submissions/01-gd
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

try:
    import nbformat  # noqa: F401  (every command reads or writes notebooks)
except ImportError:
    sys.exit("The optcourse command works on notebooks and needs the course extra: "
             "pip install 'optcourse[course]' (python3 course.py setup installs it).")

from .grade import Limits, grade, printable
from .release import release


def build_command(args) -> int:
    from .build import build_lesson, check_lesson, find_sources
    if args.execute and not args.check:
        raise ValueError("build: --execute goes with --check (a build always executes).")
    stale = []
    for source in find_sources(args.solutions, args.lessons):
        start = time.perf_counter()
        if args.check:
            problems = check_lesson(source, args.execute, args.sanitize if args.execute else None, args.timeout)
            stale += [source.stem] if problems else []
            print(f"{source.stem}: " + ("differs from its source" if problems else "matches its source"), flush=True)
            for problem in problems[:12]:
                print(f"    {problem}")
            if len(problems) > 12:
                print(f"    ... and {len(problems) - 12} more")
        else:
            for change in build_lesson(source, args.timeout):
                print(f"{source.name}: wrote {change}")
            print(f"{source.stem}: built in {time.perf_counter() - start:.1f} s", flush=True)
    if stale:
        print(f"solutions notebooks out of date: run `optcourse build {' '.join(stale)}`", file=sys.stderr)
    return 1 if stale else 0


def site_command(args) -> int:
    from .site import build_site
    repository = None if args.repository == "none" else args.repository
    site = build_site(args.out, args.solutions, repository=repository, ref=args.ref)
    if site.warnings:
        print(f"site: Sphinx warned {len(site.warnings)} time(s) (above)")
    if site.repository is None:
        print("site: no Binder buttons (the GitHub repository is unknown: pass --repository OWNER/REPO)")
    print(f"site: {len(site.lessons)} lesson(s), {site.megabytes:.1f} MB, built in {site.seconds:.0f} s: "
          f"{site.out}/index.html")
    return 0


def progress_bar(stream, width: int = 30):
    """A progress callback for grade(): a bar, the count and the estimated time left, on one line."""
    def show(done: int, total: int, student: str, elapsed: float):
        left = elapsed / done * (total - done)
        bar = "#" * round(width * done / total)
        end = "\n" if done == total or not stream.isatty() else ""
        stream.write(f"\r[{bar:<{width}}] {done}/{total} graded, about {left:.0f} s left "
                     f"(last: {printable(student)[:30]}){end}")
        stream.flush()
    return show


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="optcourse", description="Build and release lessons and grade a class.")
    commands = parser.add_subparsers(dest="command", required=True)

    b = commands.add_parser("build", help="run lesson sources into solutions/NN-name/NN-name.ipynb")
    b.add_argument("lessons", nargs="*", help="lessons by number or name, e.g. 05 or 05-adaptive (default: all)")
    b.add_argument("--solutions", default="solutions", help="where the sources NN-name.md are (default: solutions)")
    b.add_argument("--check", action="store_true", help="write nothing; exit 1 if a notebook differs from its source")
    b.add_argument("--execute", action="store_true", help="with --check: also run each source and compare the "
                                                          "outputs as nbval does (slow)")
    b.add_argument("--sanitize", default="tests/nbval_sanitize.cfg", help="nbval's sanitize file, for --execute")
    b.add_argument("--timeout", type=float, default=300.0, help="seconds per cell (default 300)")

    r = commands.add_parser("release", help="write lessons/ from solutions/")
    r.add_argument("--solutions", default="solutions", help="the instructor's lessons (default: solutions)")
    r.add_argument("--lessons", default="lessons", help="where the students' lessons go (default: lessons)")
    r.add_argument("--check", action="store_true", help="write nothing; exit 1 if lessons/ is out of date")

    s = commands.add_parser("site", help="build the course website (lessons as students see them, reference)")
    s.add_argument("--out", required=True, help="the site's folder (new, empty, or an earlier site: replaced)")
    s.add_argument("--solutions", default="solutions", help="the built lessons (default: solutions)")
    s.add_argument("--repository", default="auto", help="OWNER/REPO on GitHub, for the Binder buttons (default: "
                                                        "GITHUB_REPOSITORY or the origin remote; 'none' omits them)")
    s.add_argument("--ref", default="HEAD", help="the branch, tag or commit Binder opens (default: HEAD)")

    g = commands.add_parser("grade", help="grade the submissions of one lesson")
    g.add_argument("lesson", help="the instructor's lesson folder (or its notebook), e.g. solutions/01-gd")
    g.add_argument("submissions", help="a folder of student notebooks (NAME.ipynb) or student folders (NAME/)")
    g.add_argument("--out", required=True, help="where gradebook.csv, feedback/ and results.json go")
    g.add_argument("--workers", type=int, default=1, help="submissions graded at once (default 1)")
    g.add_argument("--cell-timeout", type=float, default=Limits.cell_timeout, help="seconds per cell")
    g.add_argument("--notebook-timeout", type=float, default=Limits.notebook_timeout, help="seconds per notebook")
    g.add_argument("--memory-mb", type=float, default=Limits.memory / 2**20, help="memory per kernel, MB")
    g.add_argument("--output-mb", type=float, default=Limits.output / 2**20, help="file/output size per kernel, MB")
    g.add_argument("--scheduler", help="address of a Dask scheduler: grade on its workers (pip install "
                                       "optcourse[grading])")
    g.add_argument("--unsafe-no-isolation", action="store_true",
                   help="grade even where students' code cannot be sandboxed (no bubblewrap, macOS): only for "
                        "submissions you trust; see docs/grading.md for the container route")

    g.add_argument("--canvas-assignment", help="also write canvas.csv for Canvas's gradebook import, with this "
                                               "assignment column (as Canvas names it, e.g. 'Lesson 1 (1234)')")

    c = commands.add_parser("import-canvas", help="unpack a Canvas submissions zip into a submissions folder")
    c.add_argument("zip", help="the zip from Canvas's 'Download Submissions'")
    c.add_argument("dest", help="the submissions folder to write (one NAME_USERID.ipynb per student)")

    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            return build_command(args)
        if args.command == "site":
            return site_command(args)
        if args.command == "import-canvas":
            from .canvas import import_zip
            skipped = import_zip(args.zip, args.dest)
            for line in skipped:
                print(f"skipped {line}", file=sys.stderr)
            print(f"{len(list(Path(args.dest).glob('*.ipynb')))} submission(s) in {args.dest}")
            return 0
        if args.command == "release":
            changed = release(args.solutions, args.lessons, check=args.check)
            verb = "out of date" if args.check else "written"
            for path in changed:
                print(f"{verb}: {path}")
            if args.check and changed:
                print("lessons/ is out of date: run `optcourse release`", file=sys.stderr)
                return 1
            print(f"{len(changed)} file(s) {verb}" if changed else "lessons/ is up to date")
            return 0
        limits = Limits(args.cell_timeout, args.notebook_timeout, int(args.memory_mb * 2**20),
                        int(args.output_mb * 2**20))
        start = time.perf_counter()
        if args.unsafe_no_isolation:
            print("optcourse: WARNING: students' code runs without isolation (--unsafe-no-isolation)",
                  file=sys.stderr)
        rows = grade(args.lesson, args.submissions, args.out, workers=args.workers, limits=limits,
                     progress=progress_bar(sys.stderr), unsafe_no_isolation=args.unsafe_no_isolation,
                     scheduler=args.scheduler)
        for row in rows:
            flag = f"  ({len(row['notes'])} note(s))" if row["notes"] else ""
            awaiting = sum(w["max"] for w in row["written"].values() if w["awaiting"])
            by_hand = f", {awaiting:g} to grade by hand" if awaiting else ""
            print(f"{printable(row['student']):>20}: {row['total']:g} / {row['max_total']:g}{by_hand}{flag}")
        if args.canvas_assignment:
            from .canvas import write_gradebook
            for student in write_gradebook(Path(args.out) / "canvas.csv", rows, args.canvas_assignment):
                print(f"not in canvas.csv (not named NAME_USERID): {printable(student)}", file=sys.stderr)
        print(f"{len(rows)} submission(s) graded in {time.perf_counter() - start:.1f} s; "
              f"gradebook: {args.out}/gradebook.csv")
        return 0
    except ValueError as e:
        print(f"optcourse: {e}", file=sys.stderr)
        return 2
