"""Grading a class: the sample submissions, honest and adversarial, each graded as it should be.

All submissions are graded once with two workers and once with one (module fixtures); the tests
read the gradebooks. The expected points follow from the sample lesson (2 + 3 + 1 points) and from
what each submission does, worked out by hand below.
"""
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from dataclasses import asdict
from pathlib import Path

import nbformat
import pytest

from optcourse.course import isolation
from optcourse.course import notebook as nbk
from optcourse.course.grade import Limits, grade as grade_isolated, inspect_submission
from optcourse.course.release import release_notebook

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "course_fixtures"
LESSON = FIXTURES / "solutions" / "00-sample"
LIMITS = Limits(cell_timeout=6, notebook_timeout=40, memory=1 << 30, output=2 << 20)
NO_JAIL = isolation.unavailable_reason()
if NO_JAIL and os.environ.get("CI"):
    raise RuntimeError(f"CI must grade in the bubblewrap jail, but {NO_JAIL}")


def grade(*args, **kwargs):
    """Grading as an instructor does it here: jailed; without bubblewrap (not under CI), unjailed, as the
    same fixtures scored before isolation existed (tests/test_course_attacks.py then says it skipped)."""
    return grade_isolated(*args, unsafe_no_isolation=bool(NO_JAIL), **kwargs)

# student -> (squares 2, momentum 3, condition 1)
EXPECTED = {
    "correct": (2, 3, 1),
    "untouched": (0, 0, 0),
    "hang_in_cell": (0, 3, 1),            # interrupted: the unfinished answer earns nothing, the rest does
    "hang_in_function": (0, 3, 1),        # the call is interrupted, the kernel lives on
    "ignore_sigint": (2, 0, 0),           # killed with its process group: what came after scores 0
    "crash": (2, 0, 0),                   # segfault
    "sys_exit": (2, 0, 1),                # SystemExit is an error in that cell only
    "os_exit": (2, 0, 0),                 # the kernel is gone
    "exit_in_function": (0, 3, 1),
    "output_flood": (2, 3, 0),            # output capped; the endless printing loop did not finish
    "memory_hog": (0, 3, 0),              # MemoryError where it ate memory
    "tampered_tests": (0, 0, 0),
    "tampered_tests_correct": (2, 3, 1),  # tampering neither earns nor costs
    "monkeypatch": (0, 0, 0),
    "always_equal": (0, 0, 0),
    "hide_tracebacks": (0, 0, 0),
    "fake_results": (0, 0, 0),
}


def read_gradebook(path):
    with open(path, newline="") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("graded2")
    rows = grade(LESSON, FIXTURES / "submissions", out, workers=2, limits=LIMITS)
    return out, rows


@pytest.fixture(scope="module")
def graded_one_worker(tmp_path_factory):
    out = tmp_path_factory.mktemp("graded1")
    grade(LESSON, FIXTURES / "submissions", out, workers=1, limits=LIMITS)
    return out


def test_every_submission_gets_the_points_it_earned(graded):
    out, rows = graded
    book = read_gradebook(out / "gradebook.csv")
    assert set(book) == set(EXPECTED)
    got = {s: tuple(int(float(book[s][g])) for g in ("squares-tests", "momentum-tests", "condition-tests"))
           for s in book}
    assert got == EXPECTED
    for s, row in book.items():
        assert float(row["total"]) == sum(EXPECTED[s])
    assert list(next(csv.reader(open(out / "gradebook.csv")))) == [
        "student", "squares-tests", "momentum-tests", "condition-tests", "total", "notes"]


def test_two_workers_give_exactly_the_results_of_one(graded, graded_one_worker):
    out, _ = graded
    two, one = read_gradebook(out / "gradebook.csv"), read_gradebook(graded_one_worker / "gradebook.csv")
    assert {s: r for s, r in two.items() if r != one[s]} == {}, {s: one[s] for s in one if one[s] != two[s]}
    assert (out / "gradebook.csv").read_bytes() == (graded_one_worker / "gradebook.csv").read_bytes()
    for f in (out / "feedback").iterdir():
        assert f.read_bytes() == (graded_one_worker / "feedback" / f.name).read_bytes(), f.name


def test_what_went_wrong_is_reported(graded):
    out, _ = graded
    book = read_gradebook(out / "gradebook.csv")
    assert "did not stop when interrupted" in book["ignore_sigint"]["notes"]
    assert "SIGSEGV" in book["crash"]["notes"]
    assert "exited with code 0" in book["os_exit"]["notes"]
    notes = book["tampered_tests"]["notes"]
    for words in ("'squares-tests' was deleted", "'momentum-tests' was edited", "points of 'momentum-tests'",
                  "'condition-tests' appears 2 times", "moved", "unknown grade_id 'bonus'"):
        assert words in notes, words
    assert book["correct"]["notes"] == "" and book["monkeypatch"]["notes"] == ""
    flood = (out / "feedback" / "output_flood.md").read_text()
    assert "more characters of output not shown" in flood and len(flood) < 40_000
    hang = (out / "feedback" / "hang_in_cell.md").read_text()
    assert "raised Timeout: the cell ran out of time" in hang


def test_feedback_never_shows_hidden_tests(graded):
    out, _ = graded
    source = nbk.read_source(LESSON / "00-sample.ipynb")
    hidden = [line.strip() for c in source.cells for text in nbk.region_text(c.source, nbk.BEGIN_HIDDEN, nbk.END_HIDDEN)
              for line in text.splitlines() if line.strip()]
    assert len(hidden) >= 8
    texts = [f.read_text() for f in (out / "feedback").iterdir()] + [(out / "gradebook.csv").read_text()]
    assert len(texts) == len(EXPECTED) + 1
    for text in texts:
        for line in hidden:
            assert line not in text
        for value in ("25.0", "2.45", "0.755", "2.045"):        # hidden inputs and expected values
            assert value not in text
    untouched = " ".join((out / "feedback" / "untouched.md").read_text().split())     # messages wrap
    assert "**Total: 0 / 6 points**" in untouched and "replace the `raise NotImplementedError()` line" in untouched


def test_fake_result_files_end_up_nowhere(graded):
    out, _ = graded
    assert sorted(p.name for p in out.iterdir()) == ["feedback", "gradebook.csv", "pass_rates.csv", "pass_rates.png",
                                                     "results.json"]
    assert read_gradebook(out / "gradebook.csv")["fake_results"]["total"] == "0"
    assert not any((FIXTURES / "submissions").glob("*.csv"))


def test_rerunning_rewrites_the_same_gradebook_atomically(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ann").mkdir()
    shutil.copy(FIXTURES / "submissions" / "correct.ipynb", subs / "ann" / "00-sample.ipynb")
    shutil.copy(FIXTURES / "submissions" / "untouched.ipynb", subs / "bob.ipynb")
    (subs / "cy").mkdir()                                      # a student folder without a notebook
    out = subs / "graded"                                      # output inside the submissions: ignored
    first = grade(LESSON, subs, out, limits=LIMITS)
    before = (out / "gradebook.csv").read_bytes()
    second = grade(LESSON, subs, out, limits=LIMITS)
    assert (out / "gradebook.csv").read_bytes() == before and first == second
    assert [r["student"] for r in first] == ["ann", "bob", "cy"]
    assert [r["total"] for r in first] == [6, 0, 0]
    assert "no 00-sample.ipynb in the folder" in first[2]["notes"][0]
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_answers_come_only_from_answer_cells_by_grade_id():
    source = nbk.read_source(LESSON / "00-sample.ipynb")
    text = (FIXTURES / "submissions" / "tampered_tests_correct.ipynb").read_text()
    answers, notes = inspect_submission(source, text)
    assert sorted(answers) == ["condition", "momentum", "squares"]
    assert "while True" not in "".join(answers.values())
    assert inspect_submission(source, "{not json")[1][0].startswith("the submission is not a readable notebook")


def test_written_answers_await_grading_by_hand(tmp_path):
    """A Markdown answer cell (nbgrader's manually graded answer) is never graded automatically: an
    answered one leaves its gradebook column empty and its point out of the total; one left as released
    scores 0. The feedback says so, and results.json keeps the text for the instructor."""
    lesson = tmp_path / "00-sample"
    shutil.copytree(LESSON, lesson)
    nb = nbformat.read(lesson / "00-sample.ipynb", as_version=4)
    nb.cells.insert(5, nbformat.v4.new_markdown_cell("The sum grows with every entry.", metadata={"nbgrader": {
        "grade": True, "solution": True, "locked": False, "grade_id": "why", "points": 1, "schema_version": 3}}))
    nbformat.write(nb, lesson / "00-sample.ipynb")
    subs = tmp_path / "subs"
    subs.mkdir()
    for student, text in (("ann", "Squares are never negative."), ("bob", None)):
        work = nbformat.read(FIXTURES / "submissions" / "correct.ipynb", as_version=4)
        work.cells.insert(5, release_notebook(nb).cells[5])
        work.cells[5].source = text or work.cells[5].source
        nbformat.write(work, subs / f"{student}.ipynb")
    out = tmp_path / "out"
    rows = grade(lesson, subs, out, limits=LIMITS)
    assert next(csv.reader(open(out / "gradebook.csv"))) == [
        "student", "squares-tests", "momentum-tests", "condition-tests", "why", "total", "notes"]
    book = read_gradebook(out / "gradebook.csv")
    assert (book["ann"]["why"], book["ann"]["total"]) == ("", "6")
    assert book["ann"]["notes"] == "1 point(s) for written answers (why) await grading by hand and are not in the total"
    assert (book["bob"]["why"], book["bob"]["total"], book["bob"]["notes"]) == ("0", "6", "")
    feedback = (out / "feedback" / "ann.md").read_text()
    assert "**Total: 6 / 7 points**" in feedback and "| why | - / 1 | written answer: graded by hand later |" in feedback
    assert "| why | 0 / 1 | not answered |" in (out / "feedback" / "bob.md").read_text()
    assert rows[0]["written"] == {"why": {"max": 1.0, "text": "Squares are never negative.", "awaiting": True,
                                          "by_hand": False}}
    assert json.loads((out / "results.json").read_text())[0]["written"] == rows[0]["written"]

    # The manual grading sheet lists the answer to score; the instructor's points join the total on rerun.
    with open(out / "manual_grading.csv", newline="") as f:
        sheet = list(csv.DictReader(f))
    assert [(r["student"], r["grade_id"], r["max_points"], r["points"], r["answer"]) for r in sheet] == [
        ("ann", "why", "1", "", "Squares are never negative.")]
    sheet[0]["points"] = "0.5"
    with open(out / "manual_grading.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(sheet[0]))
        writer.writeheader()
        writer.writerows(sheet)
    rows = grade(lesson, subs, out, limits=LIMITS)
    book = read_gradebook(out / "gradebook.csv")
    assert (book["ann"]["why"], book["ann"]["total"], book["ann"]["notes"]) == ("0.5", "6.5", "")
    assert "| why | 0.5 / 1 | written answer: graded by hand |" in (out / "feedback" / "ann.md").read_text()
    assert list(csv.DictReader(open(out / "manual_grading.csv")))[0]["points"] == "0.5"      # kept on the sheet
    with open(out / "pass_rates.csv", newline="") as f:
        rates = {r["exercise"]: r for r in csv.DictReader(f)}
    assert rates["squares-tests"]["rate"] == "1.000" and rates["why"]["rate"] == "0.250"   # ann 0.5, bob 0
    # An answer changed after it was scored is not given the old score.
    work = nbformat.read(subs / "ann.ipynb", as_version=4)
    work.cells[5].source = "Squares are never negative, so the sum is not either."
    nbformat.write(work, subs / "ann.ipynb")
    assert grade(lesson, subs, out, limits=LIMITS)[0]["points"]["why"] is None
    sheet[0]["points"] = "lots"
    with open(out / "manual_grading.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(sheet[0]))
        writer.writeheader()
        writer.writerows(sheet)
    with pytest.raises(ValueError, match="line 2: points must be a number from 0 to 1"):
        grade(lesson, subs, out, limits=LIMITS)


def test_pass_rates_per_exercise_as_a_table_and_a_figure(graded):
    out, rows = graded
    with open(out / "pass_rates.csv", newline="") as f:
        rates = {r["exercise"]: r for r in csv.DictReader(f)}
    for i, gid in enumerate(("squares-tests", "momentum-tests", "condition-tests")):
        passed = sum(1 for points in EXPECTED.values() if points[i])
        assert int(rates[gid]["passed"]) == passed and rates[gid]["submissions"] == str(len(EXPECTED))
        assert float(rates[gid]["rate"]) == pytest.approx(passed / len(EXPECTED), abs=1e-3)
    assert (out / "pass_rates.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_killed_grading_resumes_where_it_stopped(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("correct", "untouched"):
        shutil.copy(FIXTURES / "submissions" / f"{name}.ipynb", subs)
    out = tmp_path / "out"
    code = (f"from optcourse.course.grade import grade, Limits\n"
            f"grade({str(LESSON)!r}, {str(subs)!r}, {str(out)!r}, limits=Limits(**{asdict(LIMITS)!r}), "
            f"unsafe_no_isolation={bool(NO_JAIL)})")
    run = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, start_new_session=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        for _ in range(1200):                         # kill -9 the whole grading once one student is done
            if len(list((out / ".progress").glob("*.json"))) == 1 or run.poll() is not None:
                break
            time.sleep(0.05)
        os.killpg(run.pid, signal.SIGKILL)
    finally:
        run.wait()
    assert not (out / "gradebook.csv").exists() and len(list((out / ".progress").glob("*.json"))) == 1
    times = []
    rows = grade(LESSON, subs, out, limits=LIMITS, progress=lambda done, total, student, t: times.append(t))
    assert [r["total"] for r in rows] == [6, 0] and times[0] < 1.0          # the first came from .progress/
    assert not (out / ".progress").exists()


def test_bad_arguments_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="workers must be an integer >= 1"):
        grade(LESSON, FIXTURES / "submissions", tmp_path, workers=0)
    with pytest.raises(ValueError, match="cell_timeout must be a number > 0"):
        Limits(cell_timeout=-1)
    with pytest.raises(ValueError, match="does not exist"):
        grade(LESSON, tmp_path / "nope", tmp_path)
    with pytest.raises(ValueError, match="neither a lesson folder nor a notebook"):
        grade(tmp_path / "missing", tmp_path, tmp_path)


def test_console_script_is_declared_and_the_module_runs(tmp_path):
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"].get("scripts", {})
    assert scripts.get("optcourse") == "optcourse.course.cli:main"
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(FIXTURES / "submissions" / "correct.ipynb", subs / "dee.ipynb")
    run = subprocess.run([sys.executable, "-m", "optcourse.course", "grade", str(LESSON), str(subs), "--out",
                          str(tmp_path / "out"), "--workers", "2", "--cell-timeout", "5"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "dee: 6 / 6" in run.stdout
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results[0]["points"] == {"squares-tests": 2.0, "momentum-tests": 3.0, "condition-tests": 1.0}


def test_without_bubblewrap_grading_refuses_unless_told_it_is_unsafe(tmp_path):
    """A machine without bubblewrap (simulated: a PATH without bwrap) gets a plain refusal naming the
    risk, the container route and the flag; with --unsafe-no-isolation it grades, with a warning."""
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(FIXTURES / "submissions" / "correct.ipynb", subs / "dee.ipynb")
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "python").symlink_to(sys.executable)
    command = [sys.executable, "-m", "optcourse.course", "grade", str(LESSON), str(subs), "--out", str(tmp_path / "out"),
               "--cell-timeout", "8"]
    env = {"PATH": str(bare), "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    refused = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
    assert refused.returncode == 2 and not (tmp_path / "out").exists()
    for words in ("cannot be isolated", "bubblewrap is not installed", "docs/grading.md", "--unsafe-no-isolation"):
        assert words in refused.stderr, words
    unsafe = subprocess.run(command + ["--unsafe-no-isolation"], capture_output=True, text=True, cwd=ROOT,
                            timeout=120, env=env)
    assert unsafe.returncode == 0, unsafe.stderr
    assert "WARNING" in unsafe.stderr and "dee: 6 / 6" in unsafe.stdout


def test_the_progress_bar_shows_the_count_and_the_time_left():
    import io
    from optcourse.course.cli import progress_bar
    stream = io.StringIO()
    show = progress_bar(stream, width=10)
    show(1, 4, "ann", 10.0)
    show(4, 4, "\x1b[2Jbob", 40.0)
    lines = stream.getvalue().split("\r")[1:]
    assert lines[0].startswith("[##        ] 1/4 graded, about 30 s left (last: ann)")
    assert lines[1].startswith("[##########] 4/4 graded, about 0 s left") and "\x1b" not in lines[1]
