"""Grade a class: the submissions of one lesson in, a gradebook and feedback for each student out.

    grade("solutions/01-gd", "submissions/01-gd", "graded/01-gd", workers=2)

``submissions`` holds one notebook per student, either as ``NAME.ipynb`` or in a folder ``NAME/``
(symbolic links are refused). Every submission is read into memory first, and the lesson's support
files are snapshotted into a private folder, so nothing a student's code writes can change what is
graded next. Each submission is compared with the instructor's notebook: only its answer cells,
matched by grade_id, are used; deleted, edited, reordered or duplicated test cells, changed points,
malformed metadata and unknown cells change nothing and are reported in the notes. Each submission
is then graded by a fresh ``python -m optcourse.course.verify`` (see its docstring for why the tests
cannot be fooled) whose student kernel runs in a bubblewrap jail (:mod:`.isolation`); without
bubblewrap grading refuses unless ``unsafe_no_isolation``. Submissions are graded in parallel with
``workers`` processes, or on a Dask cluster (``scheduler``, :mod:`.cluster`); each result depends only
on that submission, so any of these gives the same gradebook. One submission that cannot be graded
scores 0 with a note and never stops the class.

Written to ``out``, each file through a temporary file and ``os.replace``; each graded submission is
also kept in ``out/.progress/`` until the class is done, so a killed run resumes:

* ``gradebook.csv``: student, points per test cell and per written answer (by grade_id), total, notes;
* ``feedback/NAME.md``: points per exercise, the self-check's message, whether the hidden tests
  passed (never their code, values or messages), what the student's own cells printed or raised;
  everything the student controls is escaped (Markdown, HTML, control characters);
* ``results.json``: all of it, for the instructor;
* ``pass_rates.csv`` and ``pass_rates.png``: per exercise, the share of the class that passed;
* ``manual_grading.csv``: the written answers to grade by hand.

Written answers (Markdown answer cells, nbgrader's "manually graded answers") are never graded here:
an answered one gets an empty column in the gradebook until the instructor types its points into
``manual_grading.csv`` and grades again; until then its points are left out of the total and the notes
and the feedback say so. An answer left as released (or deleted) scores 0, as in nbgrader.
"""
from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from . import isolation
from . import notebook as nbk
from .release import write_atomic
from .sandbox import clean_environment

MAX_SUBMISSION = 20 << 20          # bytes; a larger notebook is not read
ROW_VERSION = "2"                  # bump when a saved row of .progress/ would no longer be valid


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


def _read_plain_file(path: Path) -> bytes:
    """The bytes of a regular file, never through a symbolic link (O_NOFOLLOW on the file itself)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as f:
        return f.read(MAX_SUBMISSION + 1)


def collect_submissions(folder, notebook_name: str, skip=()) -> dict[str, tuple[str | None, str]]:
    """student -> (notebook text or None, where it came from / what is wrong), read now, once.

    Symbolic links are refused (a link could point at the instructor's solutions or another student's
    work), and so is a file larger than MAX_SUBMISSION.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"grade: submissions folder {folder} does not exist.")
    skip = {Path(s).resolve() for s in skip}
    found = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or (not entry.is_symlink() and entry.resolve() in skip):
            continue
        if entry.is_symlink():
            if entry.suffix == ".ipynb" or entry.is_dir():
                found[entry.stem if entry.suffix == ".ipynb" else entry.name] = "it is a symbolic link (refused)"
        elif entry.is_file() and entry.suffix == ".ipynb":
            found[entry.stem] = entry
        elif entry.is_dir():
            books, links = [], []
            for p in sorted(entry.rglob("*.ipynb")):
                if ".ipynb_checkpoints" in p.parts:
                    continue
                chain = [p, *p.relative_to(entry).parents]
                (links if any((entry / q).is_symlink() for q in chain[1:] if str(q) != ".") or p.is_symlink()
                 else books).append(p)
            named = [p for p in books if p.name == notebook_name]
            found[entry.name] = named[0] if named else books[0] if len(books) == 1 else (
                f"{notebook_name} is a symbolic link (refused)" if any(p.name == notebook_name for p in links) else
                f"no {notebook_name} in the folder" if not books else
                f"{len(books)} notebooks and none named {notebook_name}")
    out = {}
    for student, where in found.items():
        if isinstance(where, str):
            out[student] = (None, where)
            continue
        try:
            data = _read_plain_file(where)
        except OSError as e:
            out[student] = (None, f"{where.name} could not be read ({e.strerror or type(e).__name__})")
            continue
        if len(data) > MAX_SUBMISSION:
            out[student] = (None, f"{where.name} is larger than {MAX_SUBMISSION >> 20} MB")
        else:
            out[student] = (data.decode("utf-8", errors="replace"), str(where))
    return out


def _source(cell) -> str:
    """A student's cell source as text ('' if it is missing or not text)."""
    text = cell.get("source") if isinstance(cell, dict) else None
    return text if isinstance(text, str) else ""


def _student_points(cell):
    try:
        return nbk.points(cell)
    except ValueError:
        return None


def inspect_submission(source, text: str | None) -> tuple[dict, list[str]]:
    """The student's answer cells (code and written) by grade_id, and notes on everything else that was changed.

    Anything in the student's file may be malformed (metadata null, a list as grade_id, points "lots",
    a null source): such a cell is treated as not being the cell it claims to be.
    """
    if text is None:
        return {}, []
    try:
        student = nbformat.reads(text, as_version=4)
        cells = [c for c in student.get("cells", []) if isinstance(c, dict)]
    except Exception as e:
        return {}, [f"the submission is not a readable notebook ({type(e).__name__}); nothing could be graded"]
    by_id = defaultdict(list)
    for cell in cells:
        gid = nbk.grade_id(cell)
        if isinstance(gid, str):
            by_id[gid].append(cell)
    answers, notes = {}, []
    known = [nbk.grade_id(c) for c in nbk.exercise_cells(source)]
    released_sources = {nbk.student_source(c).strip() for c in source.cells}
    for cell in nbk.exercise_cells(source):
        gid, found = nbk.grade_id(cell), by_id.get(nbk.grade_id(cell), [])
        if nbk.role(cell) == "answer":
            usable = [c for c in found if c.get("cell_type") == cell.cell_type and isinstance(c.get("source"), str)]
            if not usable:
                notes.append(f"answer cell {gid!r} is missing: graded as unanswered")
            else:
                answers[gid] = usable[0]["source"]
            if len(found) > 1:
                notes.append(f"answer cell {gid!r} appears {len(found)} times: the first one was graded")
            continue
        unchanged = "the instructor's tests were run all the same"
        if not found:
            notes.append(f"test cell {gid!r} was deleted ({unchanged})")
            continue
        if len(found) > 1:
            notes.append(f"test cell {gid!r} appears {len(found)} times (it counts once)")
        if any(_source(c).strip() != nbk.student_source(cell).strip() for c in found):
            notes.append(f"test cell {gid!r} was edited ({unchanged})")
        if any(_student_points(c) != nbk.points(cell) for c in found if nbk.nbgrader_metadata(c)):
            notes.append(f"the points of {gid!r} were changed (the lesson's points count)")
    order = [g for g in dict.fromkeys(g for g in (nbk.grade_id(c) for c in cells) if isinstance(g, str))
             if g in known]
    if order != [g for g in known if g in order]:
        notes.append("exercise cells were moved: they were graded in the lesson's order")
    lesson_ids = {nbk.grade_id(c) for c in source.cells}
    unknown = sorted(g for g in by_id if g not in lesson_ids)
    if unknown:
        notes.append(f"cells with unknown grade_id {', '.join(map(repr, unknown[:10]))} were ignored")
    if any(nbk.nbgrader_metadata(c) and not isinstance(nbk.grade_id(c), str) for c in cells):
        notes.append("cells whose grade_id is not text were ignored")
    extra = sum(1 for c in cells if c.get("cell_type") == "code" and nbk.grade_id(c) not in known
                and _source(c).strip() and _source(c).strip() not in released_sources)
    if extra:
        notes.append(f"{extra} code cell(s) outside the answer cells were added or changed: only answer "
                     f"cells are graded, the lesson's own cells ran instead")
    return answers, notes


def _verifier_limits(limits: Limits, wall: float):
    def apply():                                         # in the verifier, before exec
        memory = max(limits.memory, 1 << 30) + (2 << 30)     # the instructor's cells plus the student's values
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (int(wall), int(wall) + 2))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def _verify(job: dict, limits: Limits, env: dict) -> dict:
    """Run one verifier process; anything but one clean JSON line is a failed grading (0 with a note)."""
    wall = limits.notebook_timeout * 2 + 60
    try:
        proc = subprocess.run([sys.executable, "-s", "-P", "-m", "optcourse.course.verify"], input=json.dumps(job),
                              capture_output=True, text=True, timeout=wall, env=env, cwd=env["HOME"],
                              preexec_fn=_verifier_limits(limits, wall))
    except subprocess.TimeoutExpired:
        return {"error": f"grading did not finish in {wall:g} s; scored 0"}
    lines = proc.stdout.splitlines()
    if proc.returncode == -signal.SIGALRM:
        return {"error": "the tests on this submission's values ran far past the cell's time limit; "
                         "grading was stopped and it scored 0"}
    if proc.returncode < 0:
        return {"error": f"the grading process of this submission was killed ({signal.Signals(-proc.returncode).name}); "
                         f"it scored 0"}
    if proc.returncode != 0 or len(lines) != 1:
        tail = proc.stderr.strip().splitlines()[-1:] or ["no message"]
        return {"error": f"grading failed (exit code {proc.returncode}): {tail[0][:300]}; scored 0"}
    try:
        return json.loads(lines[0])
    except ValueError:
        return {"error": "grading returned an unreadable result; scored 0"}


def _warm_matplotlib(cache: Path, env: dict) -> None:
    """Build matplotlib's font cache once, to be copied into each kernel's folder."""
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env={**env, "MPLCONFIGDIR": str(cache)},
                   capture_output=True, timeout=120)


def _snapshot(lesson_dir: Path, dest: Path) -> str:
    """Copy the lesson's support files (everything but notebooks) to ``dest``; a digest of what was copied."""
    digest = hashlib.sha256()
    for rel in nbk.lesson_files(lesson_dir):
        if rel.suffix == ".ipynb":
            continue
        data = (lesson_dir / rel).read_bytes()
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_bytes(data)
        digest.update(str(rel).encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def check_isolation(unsafe_no_isolation: bool = False) -> bool:
    """True if kernels will be jailed; raise IsolationUnavailable unless the instructor accepted the risk."""
    reason = isolation.unavailable_reason()
    if reason is None:
        return True
    if unsafe_no_isolation:
        return False
    raise isolation.IsolationUnavailable(
        f"grade: students' code cannot be isolated on this machine: {reason}. Without isolation a "
        f"submission can read the solutions and other students' work, and change grades. Grade in the "
        f"container described in docs/grading.md, or pass --unsafe-no-isolation (unsafe_no_isolation=True) "
        f"if you trust every submission.")


def grade(lesson, submissions, out, workers: int = 1, limits: Limits = Limits(), progress=None,
          unsafe_no_isolation: bool = False, scheduler=None) -> list[dict]:
    """Grade every submission of one lesson; write the gradebook, feedback and results to ``out``.

    Returns one dict per student (sorted by name): ``student``, ``points`` (grade_id -> points),
    ``total``, ``max_total``, ``notes``, ``tests`` and ``answers`` (details). ``progress(done, total,
    student)`` is called after each submission. Each graded submission is also kept in
    ``out/.progress/`` until the class is done, so a grading that was killed resumes where it stopped.
    """
    if not (isinstance(workers, int) and workers >= 1):
        raise ValueError(f"grade: workers must be an integer >= 1, got {workers!r}.")
    notebook_path, lesson_dir = find_notebook(lesson)
    # On a cluster the workers build the jails (each refuses to grade unjailed); here, this machine does.
    jailed = not unsafe_no_isolation if scheduler is not None else check_isolation(unsafe_no_isolation)
    source_text = notebook_path.read_text(encoding="utf-8")
    source = nbformat.reads(source_text, as_version=4)
    nbk.validate(source, notebook_path.name)
    out = Path(out)
    class_list = collect_submissions(submissions, notebook_path.name, skip=[out])
    test_ids = [nbk.grade_id(c) for c in source.cells if nbk.role(c) == "tests"]
    max_points = {nbk.grade_id(c): nbk.points(c) for c in source.cells if nbk.role(c) == "tests"}
    written = {nbk.grade_id(c): nbk.points(c) for c in source.cells if nbk.written_answer(c)}
    students = sorted(class_list)

    with tempfile.TemporaryDirectory(prefix="optcourse-grader-") as home:
        os.chmod(home, 0o700)
        support = Path(home) / "lesson"                   # the lesson as it was when grading started
        support.mkdir()
        lesson_digest = _snapshot(lesson_dir, support)
        env = clean_environment(home)
        seed = None
        if "matplotlib" in source_text:
            _warm_matplotlib(Path(env["MPLCONFIGDIR"]), env)
            seed = env["MPLCONFIGDIR"] if Path(env["MPLCONFIGDIR"]).is_dir() else None
        run_key = hashlib.sha256("\0".join([source_text, lesson_digest, json.dumps(asdict(limits)),
                                            str(jailed), ROW_VERSION]).encode()).hexdigest()
        saved = out / ".progress"
        done_count, started = [0], time.monotonic()

        def job_of(student):
            text, origin = class_list[student]
            answers, notes = inspect_submission(source, text)
            if text is None:
                notes = [f"no notebook graded: {origin}"]
            job = {"notebook": json.dumps(source), "lesson_dir": str(support), "answers": answers,
                   "limits": asdict(limits),
                   "isolation": {"support": str(support), "seed": seed} if jailed else None}
            return text, answers, notes, job

        def one(student):
            key = hashlib.sha256(f"{run_key}\0{student}\0{class_list[student][0]}".encode()).hexdigest()
            kept = saved / f"{key}.json"
            row = None
            if kept.is_file():
                try:
                    row = json.loads(kept.read_text())
                except ValueError:
                    row = None
            if row is None:
                try:
                    text, answers, notes, job = job_of(student)
                    result = {} if text is None else verifier(job)
                    row = _row(student, result, notes, test_ids, max_points, written, answers)
                except Exception as e:                 # one broken submission never stops the class
                    row = _row(student, {}, [f"the submission could not be graded ({type(e).__name__}); "
                                             f"it scored 0"], test_ids, max_points, written, {})
                write_atomic(kept, json.dumps(row).encode())
            done_count[0] += 1
            if progress:
                progress(done_count[0], len(students), student, time.monotonic() - started)
            return row

        if scheduler is None:
            verifier = lambda job: _verify(job, limits, env)          # noqa: E731
            with ThreadPoolExecutor(max_workers=workers) as pool:
                rows = list(pool.map(one, students))
        else:
            from .cluster import Cluster
            with Cluster(scheduler, support, limits) as cluster:
                verifier = cluster.verify
                with ThreadPoolExecutor(max_workers=max(1, min(len(students), cluster.slots()))) as pool:
                    rows = list(pool.map(one, students))

    manual = read_manual_sheet(out / "manual_grading.csv")
    rows = [finish_row(row, manual) for row in rows]
    write_outputs(out, rows, notebook_path.stem, test_ids, list(written))
    if written:
        write_manual_sheet(out / "manual_grading.csv", rows, manual)
    shutil.rmtree(saved, ignore_errors=True)
    return rows


def write_outputs(out: Path, rows: list[dict], lesson: str, test_ids: list[str], written: list[str]) -> None:
    """The gradebook, the feedback files, results.json and the pass rates, each written atomically."""
    write_gradebook(out / "gradebook.csv", rows, test_ids + written)
    names = feedback_names([row["student"] for row in rows])
    for row in rows:
        write_atomic(out / "feedback" / f"{names[row['student']]}.md",
                     feedback_markdown(row, lesson, test_ids).encode())
    write_atomic(out / "results.json", (json.dumps(rows, indent=1, sort_keys=True) + "\n").encode())
    rates = pass_rates(rows, test_ids, written)
    write_pass_rates(out, rates)


def pass_rates(rows: list[dict], test_ids: list[str], written: list[str]) -> list[dict]:
    """Per exercise across the class: how many submissions passed (tests) or the mean share of points
    given by hand (written answers, over those graded)."""
    table = []
    for gid in test_ids:
        passed = sum(1 for r in rows if r["tests"].get(gid, {}).get("passed"))
        table.append({"exercise": gid, "kind": "tests", "submissions": len(rows), "passed": passed,
                      "rate": passed / len(rows) if rows else 0.0})
    for gid in written:
        scored = [r for r in rows if r["points"][gid] is not None]
        share = [r["points"][gid] / r["written"][gid]["max"] for r in scored if r["written"][gid]["max"]]
        table.append({"exercise": gid, "kind": "written", "submissions": len(scored), "passed": None,
                      "rate": sum(share) / len(share) if share else 0.0})
    return table


def write_pass_rates(out: Path, table: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["exercise", "kind", "submissions", "passed", "rate"])
    for t in table:
        writer.writerow([t["exercise"], t["kind"], t["submissions"], "" if t["passed"] is None else t["passed"],
                         f"{t['rate']:.3f}"])
    write_atomic(out / "pass_rates.csv", buffer.getvalue().encode())
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    fig = Figure(figsize=(6, 0.5 + 0.4 * len(table)), layout="constrained")
    ax = fig.add_subplot()
    ax.barh(range(len(table)), [100 * t["rate"] for t in table], color=["C0" if t["kind"] == "tests" else "C1"
                                                                         for t in table])
    ax.set_yticks(range(len(table)), [t["exercise"] for t in table])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of the class passing (written answers: mean % of points given by hand)")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    write_atomic(out / "pass_rates.png", buffer.getvalue())


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
    points.update({gid: None for gid in written})
    return {"student": student, "points": points, "total": None,
            "max_total": sum(max_points.values()) + sum(written.values()), "notes": notes, "tests": tests,
            "answers": result.get("answers", {}),
            "written": {gid: {"max": most, "text": answers.get(gid), "awaiting": None}
                        for gid, most in written.items()}}


def answer_digest(text) -> str:
    """Which version of a written answer a score on the manual grading sheet was given to."""
    return hashlib.sha256(str(text).encode()).hexdigest()[:12]


def finish_row(row: dict, manual: dict) -> dict:
    """Written answers scored: 0 if left as released, the instructor's points from the manual grading
    sheet (``manual[(student, grade_id, answer_digest)]``) if given, else None (awaiting, not in the total)."""
    row = json.loads(json.dumps(row))
    for gid, w in row["written"].items():
        if not answered(w["text"]):
            row["points"][gid], w["awaiting"] = 0.0, False
        else:
            score = manual.get((row["student"], gid, answer_digest(w["text"])))
            row["points"][gid], w["awaiting"] = score, score is None
            w["by_hand"] = score is not None
    awaiting = [gid for gid, w in row["written"].items() if w["awaiting"]]
    if awaiting:
        row["notes"].append(f"{_number(sum(row['written'][g]['max'] for g in awaiting))} point(s) for written "
                            f"answers ({', '.join(awaiting)}) await grading by hand and are not in the total")
    row["total"] = sum(p for p in row["points"].values() if p is not None)
    return row


MANUAL_COLUMNS = ["student", "grade_id", "answer_id", "max_points", "points", "answer"]


def read_manual_sheet(path: Path) -> dict:
    """Scores an instructor entered on ``manual_grading.csv``: (student, grade_id, answer_id) -> points.

    A blank cell is not graded yet; anything but a number from 0 to the maximum is an error naming the row.
    """
    if not path.is_file():
        return {}
    scores = {}
    with open(path, newline="", encoding="utf-8") as f:
        for number, entry in enumerate(csv.DictReader(f), start=2):
            text = (entry.get("points") or "").strip()
            if not text:
                continue
            try:
                value, most = float(text), float(entry["max_points"])
            except (TypeError, ValueError, KeyError):
                value, most = float("nan"), 0.0
            if not 0 <= value <= most:
                raise ValueError(f"{path}, line {number}: points must be a number from 0 to {entry.get('max_points')}, "
                                 f"got {text!r}.")
            student = entry["student"][1:] if entry["student"].startswith("'") else entry["student"]
            scores[(student, entry["grade_id"], entry["answer_id"])] = value
    return scores


def write_manual_sheet(path: Path, rows: list[dict], manual: dict) -> None:
    """One line per answered written answer, with the points given so far (blank: still to grade)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(MANUAL_COLUMNS)
    for row in rows:
        for gid, w in row["written"].items():
            if answered(w["text"]):
                digest = answer_digest(w["text"])
                writer.writerow([csv_cell(row["student"]), gid, digest, _number(w["max"]),
                                 _number(manual.get((row["student"], gid, digest))), csv_cell(w["text"])])
    write_atomic(path, buffer.getvalue().encode())


def _number(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def printable(text, keep_newlines: bool = False) -> str:
    """Text with control characters (escape codes, bidi overrides; newlines unless kept) shown as \\xNN."""
    text = str(text)
    if keep_newlines:
        text = text.replace("\r\n", "\n")
        return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text.replace("\n", "\\n").replace("\t", " "))


def markdown_text(text) -> str:
    """Student-controlled text as inert Markdown: one line, HTML and Markdown syntax escaped."""
    return _MARKDOWN.sub(r"\\\1", html.escape(printable(text), quote=False))


def csv_cell(value) -> str:
    """A CSV cell a spreadsheet shows as text: none starts a formula (=, +, -, @, tab, CR)."""
    text = printable(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_gradebook(path: Path, rows: list[dict], columns: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *columns, "total", "notes"])
    for row in rows:
        writer.writerow([csv_cell(row["student"]), *(_number(row["points"][g]) for g in columns),
                         _number(row["total"]), csv_cell("; ".join(row["notes"]))])
    write_atomic(Path(path), buffer.getvalue().encode())


def safe_name(student: str) -> str:
    return re.sub(r"[^\w.-]", "_", student) or "_"


def feedback_names(students: list[str]) -> dict[str, str]:
    """A distinct file name for each student ("pat lee" and "pat_lee" never share one, nor do "Pat" and
    "pat" on a case-insensitive disk): a name that had to be changed gets a digest of the original."""
    names = {}
    for student in students:
        name = safe_name(student)
        if name != student or name.startswith("."):
            name = f"{name.lstrip('.') or '_'}-{hashlib.sha256(student.encode()).hexdigest()[:10]}"
        names[student] = name
    seen = defaultdict(list)
    for student, name in names.items():
        seen[name.lower()].append(student)
    for group in seen.values():
        if len(group) > 1:
            for student in group:
                names[student] = f"{names[student]}-{hashlib.sha256(student.encode()).hexdigest()[:10]}"
    return names


def _shorten(text: str, limit: int = 4000) -> str:
    return text if len(text) <= limit else text[:limit] + f"\n[... {len(text) - limit} more characters of output not shown]"


def _fence(text: str) -> str:
    """Text shown verbatim: an HTML <pre> block (Markdown does not apply inside it), HTML escaped, so
    nothing in it can close the block, format the feedback or run in a browser."""
    return "<pre>\n" + html.escape(printable(text, keep_newlines=True).rstrip(), quote=False) + "\n</pre>"


def feedback_markdown(row: dict, lesson: str, test_ids: list[str]) -> str:
    """A student's feedback. Hidden tests appear only as passed or failed, with the kind of error."""
    lines = [f"# {lesson}: feedback for {markdown_text(row['student'])}", "",
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
        if w.get("by_hand") and not w["awaiting"]:
            lines.append(f"| {gid} | {_number(row['points'][gid])} / {_number(w['max'])} | written answer: graded by hand |")
            continue
        result = "written answer: graded by hand later" if w["awaiting"] else "not answered"
        lines.append(f"| {gid} | {'-' if w['awaiting'] else 0} / {_number(w['max'])} | {result} |")
    for gid in test_ids:
        t = row["tests"].get(gid)
        if not t or t["passed"]:
            continue
        f = t["failure"]
        lines += ["", f"## {gid}", ""]
        kind = markdown_text(f["type"])
        if f["part"] == "self-check" and f.get("after_hidden_tests"):
            # Your code had already been called with hidden inputs: its answer could carry them.
            lines.append(f"The self-check did not pass ({kind}). Its message is not shown here because it "
                         f"ran after hidden tests had called your code; run the self-check in your notebook.")
        elif f["part"] == "self-check":
            lines += ["The self-check did not pass:", "", _fence(f.get("message", f["type"]))]
        elif f["type"] in ("Timeout", "KernelStopped"):
            lines.append(f"The hidden tests did not finish: {markdown_text(f.get('message', ''))}.")
        elif f.get("from_student"):
            lines.append(f"The self-check passed, but your code raised {kind} on the hidden tests' inputs.")
        else:
            lines.append(f"The self-check passed, but the hidden tests failed ({kind}). Try more cases: "
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
                detail = f": {markdown_text(error.get('message', '')[:500])}" \
                    if safe or error.get("before_exec") or error.get("by_grader") else ""
                lines.append(f"raised {markdown_text(error['type'])}{detail}")
            if a.get("output", "").strip():
                lines += ["", "printed:", "", _fence(_shorten(a["output"]))] if safe else \
                         ["", "(its output is not shown: it ran after hidden tests had called your code)"]
            lines.append("")
    if row["notes"]:
        lines += ["", "## Notes", ""] + [f"- {markdown_text(n)}" for n in row["notes"]]
    return "\n".join(lines).rstrip() + "\n"
