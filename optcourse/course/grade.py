"""Grade a class: the submissions of one lesson in, a gradebook and feedback for each student out.

    grade("solutions/01-gd", "submissions/01-gd", "graded/01-gd", workers=2)

``submissions`` holds one notebook per student, either as ``NAME.ipynb`` or in a folder ``NAME/``.
Every submission is read into memory first (so nothing a student's code writes can change what is
graded next) and compared with the instructor's notebook: only its answer cells, matched by
grade_id, are used. Deleted, edited, reordered or duplicated test cells, changed points and unknown
cells change nothing and are reported in the feedback. Each submission is then graded by a fresh
``python -m optcourse.course.verify`` (see its docstring for why the tests cannot be fooled), in
parallel with ``workers`` processes; each submission's result depends only on that submission, so
any number of workers gives the same gradebook.

Written to ``out``, each file through a temporary file and ``os.replace`` (a crash never leaves a
half-written gradebook, and rerunning simply rewrites everything):

* ``gradebook.csv``: student, points per test cell and per written answer (by grade_id), total, notes;
* ``feedback/NAME.md``: points per exercise, the self-check's message, whether the hidden tests
  passed (never their code, values or messages), what the student's own cells printed or raised;
* ``results.json``: all of it, for the instructor.

Written answers (Markdown answer cells, nbgrader's "manually graded answers") are never graded here:
an answered one gets an empty column in the gradebook, its points are left out of the total, and the
notes and the feedback say that they await grading by hand; ``results.json`` holds the student's text.
An answer left as released (or deleted) scores 0, as in nbgrader.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from . import notebook as nbk
from .release import write_atomic
from .sandbox import clean_environment

MAX_SUBMISSION = 20 << 20          # bytes; a larger notebook is not read


@dataclass(frozen=True)
class Limits:
    """Per submission: seconds per cell and per notebook, bytes of memory and of output."""
    cell_timeout: float = 30.0
    notebook_timeout: float = 300.0
    memory: int = 2 << 30
    output: int = 10 << 20

    def __post_init__(self):
        for name, v in asdict(self).items():
            if not (isinstance(v, (int, float)) and v > 0):
                raise ValueError(f"Limits: {name} must be a number > 0, got {v!r}.")


def find_notebook(lesson) -> tuple[Path, Path]:
    """(notebook, lesson folder) for a lesson given as its folder or its notebook."""
    lesson = Path(lesson)
    if lesson.is_file() and lesson.suffix == ".ipynb":
        return lesson, lesson.parent
    if not lesson.is_dir():
        raise ValueError(f"grade: {lesson} is neither a lesson folder nor a notebook.")
    books = sorted(p for p in lesson.glob("*.ipynb"))
    if len(books) != 1:
        raise ValueError(f"grade: {lesson} holds {len(books)} notebooks ({', '.join(p.name for p in books)}); "
                         f"pass the one to grade, e.g. {lesson}/NAME.ipynb.")
    return books[0], lesson


def collect_submissions(folder, notebook_name: str, skip=()) -> dict[str, tuple[str | None, str]]:
    """student -> (notebook text or None, where it came from / what is wrong), read now, once."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"grade: submissions folder {folder} does not exist.")
    skip = {Path(s).resolve() for s in skip}
    found = {}
    for entry in sorted(folder.iterdir()):
        if entry.resolve() in skip or entry.name.startswith("."):
            continue
        if entry.is_file() and entry.suffix == ".ipynb":
            found[entry.stem] = entry
        elif entry.is_dir():
            books = sorted(p for p in entry.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
            named = [p for p in books if p.name == notebook_name]
            found[entry.name] = named[0] if named else books[0] if len(books) == 1 else (
                f"no {notebook_name} in the folder" if not books else
                f"{len(books)} notebooks and none named {notebook_name}")
    out = {}
    for student, where in found.items():
        if isinstance(where, str):
            out[student] = (None, where)
        elif where.stat().st_size > MAX_SUBMISSION:
            out[student] = (None, f"{where.name} is larger than {MAX_SUBMISSION >> 20} MB")
        else:
            out[student] = (where.read_text(encoding="utf-8", errors="replace"), str(where))
    return out


def inspect_submission(source, text: str | None) -> tuple[dict, list[str]]:
    """The student's answer cells (code and written) by grade_id, and notes on everything else that was changed."""
    if text is None:
        return {}, []
    try:
        student = nbformat.reads(text, as_version=4)
    except Exception as e:
        return {}, [f"the submission is not a readable notebook ({type(e).__name__}); nothing could be graded"]
    by_id = defaultdict(list)
    for cell in student.cells:
        gid = nbk.grade_id(cell)
        if isinstance(gid, str):
            by_id[gid].append(cell)
    answers, notes = {}, []
    known = [nbk.grade_id(c) for c in nbk.exercise_cells(source)]
    released_sources = {nbk.student_source(c).strip() for c in source.cells}
    for cell in nbk.exercise_cells(source):
        gid, found = nbk.grade_id(cell), by_id.get(nbk.grade_id(cell), [])
        if nbk.role(cell) == "answer":
            usable = [c for c in found if c.cell_type == cell.cell_type and isinstance(c.source, str)]
            if not usable:
                notes.append(f"answer cell {gid!r} is missing: graded as unanswered")
            else:
                answers[gid] = usable[0].source
            if len(found) > 1:
                notes.append(f"answer cell {gid!r} appears {len(found)} times: the first one was graded")
            continue
        unchanged = "the instructor's tests were run all the same"
        if not found:
            notes.append(f"test cell {gid!r} was deleted ({unchanged})")
            continue
        if len(found) > 1:
            notes.append(f"test cell {gid!r} appears {len(found)} times (it counts once)")
        if any(c.source.strip() != nbk.student_source(cell).strip() for c in found):
            notes.append(f"test cell {gid!r} was edited ({unchanged})")
        if any(nbk.points(c) != nbk.points(cell) for c in found if c.get("metadata", {}).get("nbgrader")):
            notes.append(f"the points of {gid!r} were changed (the lesson's points count)")
    order = [g for g in dict.fromkeys(nbk.grade_id(c) for c in student.cells) if g in known]
    if order != [g for g in known if g in order]:
        notes.append("exercise cells were moved: they were graded in the lesson's order")
    unknown = sorted(g for g in by_id if g not in {nbk.grade_id(c) for c in source.cells})
    if unknown:
        notes.append(f"cells with unknown grade_id {', '.join(map(repr, unknown))} were ignored")
    extra = sum(1 for c in student.cells if c.cell_type == "code" and nbk.grade_id(c) not in known
                and c.source.strip() and c.source.strip() not in released_sources)
    if extra:
        notes.append(f"{extra} code cell(s) outside the answer cells were added or changed: only answer "
                     f"cells are graded, the lesson's own cells ran instead")
    return answers, notes


def _verify(job: dict, limits: Limits, env: dict) -> dict:
    """Run one verifier process; anything but one clean JSON line is a failed grading."""
    wall = limits.notebook_timeout * 2 + 60
    try:
        proc = subprocess.run([sys.executable, "-s", "-m", "optcourse.course.verify"], input=json.dumps(job),
                              capture_output=True, text=True, timeout=wall, env=env, cwd=env["HOME"])
    except subprocess.TimeoutExpired:
        return {"error": f"grading did not finish in {wall:g} s"}
    lines = proc.stdout.splitlines()
    if proc.returncode != 0 or len(lines) != 1:
        tail = proc.stderr.strip().splitlines()[-1:] or ["no message"]
        return {"error": f"grading failed (exit code {proc.returncode}): {tail[0][:300]}"}
    try:
        return json.loads(lines[0])
    except ValueError:
        return {"error": "grading returned an unreadable result"}


def _warm_matplotlib(cache: Path, env: dict) -> None:
    """Build matplotlib's font cache once, to be copied into each kernel's folder."""
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env={**env, "MPLCONFIGDIR": str(cache)},
                   capture_output=True, timeout=120)


def grade(lesson, submissions, out, workers: int = 1, limits: Limits = Limits(), progress=None) -> list[dict]:
    """Grade every submission of one lesson; write the gradebook, feedback and results to ``out``.

    Returns one dict per student (sorted by name): ``student``, ``points`` (grade_id -> points),
    ``total``, ``max_total``, ``notes``, ``tests`` and ``answers`` (details).
    """
    if not (isinstance(workers, int) and workers >= 1):
        raise ValueError(f"grade: workers must be an integer >= 1, got {workers!r}.")
    notebook_path, lesson_dir = find_notebook(lesson)
    source_text = notebook_path.read_text(encoding="utf-8")
    source = nbformat.reads(source_text, as_version=4)
    nbk.validate(source, notebook_path.name)
    out = Path(out)
    class_list = collect_submissions(submissions, notebook_path.name, skip=[out])
    test_ids = [nbk.grade_id(c) for c in source.cells if nbk.role(c) == "tests"]
    max_points = {nbk.grade_id(c): nbk.points(c) for c in source.cells if nbk.role(c) == "tests"}
    written = {nbk.grade_id(c): nbk.points(c) for c in source.cells if nbk.written_answer(c)}

    with tempfile.TemporaryDirectory(prefix="optcourse-grader-") as home:
        env = clean_environment(home)
        if "matplotlib" in source_text:
            _warm_matplotlib(Path(env["MPLCONFIGDIR"]), env)

        def one(student):
            text, origin = class_list[student]
            answers, notes = inspect_submission(source, text)
            if text is None:
                notes = [f"no notebook graded: {origin}"]
            job = {"notebook": json.dumps(source), "lesson_dir": str(lesson_dir.resolve()), "answers": answers,
                   "limits": asdict(limits)}
            result = _verify(job, limits, env) if text is not None and answers is not None else {}
            if progress:
                progress(student)
            return _row(student, result, notes, test_ids, max_points, written, answers)

        with ThreadPoolExecutor(max_workers=workers) as pool:
            rows = list(pool.map(one, sorted(class_list)))

    write_gradebook(out / "gradebook.csv", rows, test_ids + list(written))
    for row in rows:
        write_atomic(out / "feedback" / f"{safe_name(row['student'])}.md",
                     feedback_markdown(row, notebook_path.stem, test_ids).encode())
    write_atomic(out / "results.json", (json.dumps(rows, indent=1, sort_keys=True) + "\n").encode())
    return rows


def answered(text) -> bool:
    return isinstance(text, str) and text.strip() not in ("", nbk.TEXT_PROMPT)


def _row(student, result, notes, test_ids, max_points, written, answers) -> dict:
    notes = list(notes)
    if result.get("error"):
        notes.append(result["error"])
    if result.get("kernel_stopped"):
        notes.append(f"your kernel stopped: {result['kernel_stopped']}; what had not finished scores 0")
    tests = result.get("tests", {})
    points = {gid: float(tests.get(gid, {}).get("points", 0.0)) for gid in test_ids}
    # A written answer is graded by hand: None (an empty column) until then; 0 if left unanswered.
    points.update({gid: None if answered(answers.get(gid)) else 0.0 for gid in written})
    awaiting = [gid for gid in written if points[gid] is None]
    if awaiting:
        notes.append(f"{_number(sum(written[g] for g in awaiting))} point(s) for written answers "
                     f"({', '.join(awaiting)}) await grading by hand and are not in the total")
    return {"student": student, "points": points, "total": sum(p for p in points.values() if p is not None),
            "max_total": sum(max_points.values()) + sum(written.values()), "notes": notes, "tests": tests,
            "answers": result.get("answers", {}),
            "written": {gid: {"max": most, "text": answers.get(gid), "awaiting": gid in awaiting}
                        for gid, most in written.items()}}


def _number(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def write_gradebook(path: Path, rows: list[dict], columns: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *columns, "total", "notes"])
    for row in rows:
        writer.writerow([row["student"], *(_number(row["points"][g]) for g in columns), _number(row["total"]),
                         "; ".join(row["notes"])])
    write_atomic(Path(path), buffer.getvalue().encode())


def safe_name(student: str) -> str:
    return re.sub(r"[^\w.-]", "_", student) or "_"


def _shorten(text: str, limit: int = 4000) -> str:
    return text if len(text) <= limit else text[:limit] + f"\n[... {len(text) - limit} more characters of output not shown]"


def _fence(text: str) -> str:
    return "~~~~\n" + text.replace("~~~~", "~ ~ ~ ~").rstrip() + "\n~~~~"


def feedback_markdown(row: dict, lesson: str, test_ids: list[str]) -> str:
    """A student's feedback. Hidden tests appear only as passed or failed, with the kind of error."""
    lines = [f"# {lesson}: feedback for {row['student']}", "",
             f"**Total: {_number(row['total'])} / {_number(row['max_total'])} points**", ""]
    awaiting = sum(w["max"] for w in row["written"].values() if w["awaiting"])
    if awaiting:
        lines += [f"Written answers are graded by hand: {_number(awaiting)} point(s) not in this total yet.", ""]
    lines += ["| exercise | points | result |", "|---|---|---|"]
    for gid in test_ids:
        t = row["tests"].get(gid)
        result = "not graded" if t is None else "passed" if t["passed"] else f"failed ({t['failure']['part']})"
        lines.append(f"| {gid} | {_number(row['points'][gid])} / {_number(t['max']) if t else '?'} | {result} |")
    for gid, w in row["written"].items():
        result = "written answer: graded by hand later" if w["awaiting"] else "not answered"
        lines.append(f"| {gid} | {'-' if w['awaiting'] else 0} / {_number(w['max'])} | {result} |")
    for gid in test_ids:
        t = row["tests"].get(gid)
        if not t or t["passed"]:
            continue
        f = t["failure"]
        lines += ["", f"## {gid}", ""]
        if f["part"] == "self-check":
            lines += ["The self-check did not pass:", "", _fence(f.get("message", f["type"]))]
        elif f["type"] in ("Timeout", "KernelStopped"):
            lines.append(f"The hidden tests did not finish: {f.get('message', '')}.")
        elif f.get("from_student"):
            lines.append(f"The self-check passed, but your code raised {f['type']} on the hidden tests' inputs.")
        else:
            lines.append(f"The self-check passed, but the hidden tests failed ({f['type']}). Try more cases: "
                         f"edge cases, other shapes, other values.")
    # What an answer cell printed or raised after hidden tests had called the student's code could
    # carry the hidden tests' inputs, so only its kind of error is shown (a syntax error is safe).
    shown = [(gid, a) for gid, a in row["answers"].items() if a.get("error") or a.get("output", "").strip()]
    if shown:
        lines += ["", "## Your answer cells", ""]
        for gid, a in shown:
            lines.append(f"### {gid}")
            error, safe = a.get("error"), not a.get("after_hidden_tests")
            if error:
                detail = f": {error.get('message', '')[:500]}" if safe or error.get("before_exec") or error.get("by_grader") else ""
                lines.append(f"raised {error['type']}{detail}")
            if a.get("output", "").strip():
                lines += ["", "printed:", "", _fence(_shorten(a["output"]))] if safe else \
                         ["", "(its output is not shown: it ran after hidden tests had called your code)"]
            lines.append("")
    if row["notes"]:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in row["notes"]]
    return "\n".join(lines).rstrip() + "\n"
