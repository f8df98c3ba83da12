"""A hostile class: submissions that attack the grader from outside their own kernel, really attempted.

Each attack below runs for real in a bubblewrap-jailed kernel (optcourse.course.isolation) while the
rest of the class is graded beside it with two workers. The table says what each must score, worked
out by hand from the sample lesson (squares 2, momentum 3, condition 1 points): an attack that worked
would score differently or leave a trace the tests look for (files in the lesson, the output folder
or /tmp, a TCP connection, a surviving process, hidden inputs in the feedback).

Without bubblewrap the module is skipped, except under CI (CI=true), where that is a failure.
"""
import csv
import hashlib
import json
import os
import re
import shutil
import socket
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from optcourse.course import isolation
from optcourse.course.grade import Limits, grade

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "course_fixtures"
sys.path.insert(0, str(FIXTURES))
import make_fixtures  # noqa: E402

LIMITS = Limits(cell_timeout=8, notebook_timeout=60, memory=1 << 30, output=2 << 20)
HIDDEN_VALUES = ("2.45", "0.755", "2.045", "[1.0, 2.0]", "[0.5, -0.5]", "[2.0, 0.0]", "0.9")

# student -> (squares 2, momentum 3, condition 1)
EXPECTED = {
    "steal_solutions": (0, 0, 0),       # wrong answers that would exec the instructor's solutions if found
    "plant_modules": (0, 0, 0),         # a selfcheck.py/stack_data.py that passes everything, planted everywhere
    "kill_everyone": (2, 3, 1),         # SIGKILL to every pid it sees and kill(-1): reaches only itself
    "survivor": (0, 0, 0),              # a double-forked daemon rewriting the gradebook afterwards
    "exfiltrate": (2, 3, 1),            # sends the hidden inputs over TCP: no network
    "fill_disk": (2, 3, 1),             # 500 MB into /tmp, home, cwd, the lesson and the output folder
    "fork_bomb": (2, 3, 1),             # bounded by RLIMIT_NPROC of its own uid, killed at the end
    "leak_fields": (2, 3, 1),           # rewrites its replies (after_hidden_tests False) to print hidden inputs
    "leak_via_selfcheck": (2, 3, 0),    # returns the hidden inputs as a later answer: message withheld
    "huge_int": (2, 3, 0),              # 3**20000000 sent back: the kernel is stopped, nothing decoded
    "huge_list": (0, 3, 1),             # a 2.5-million-item list: refused by the decoder's budget
    "huge_power": (2, 3, 0),            # an unevaluated SymPy 3**20000000: refused before it is built
    "spamming_thread": (2, 3, 1),       # a thread printing while the kernel redirects output
    "spamming_thread_again": (2, 3, 1),  # the same submission again: the same grade
    '=HYPERLINK("x")': (2, 3, 1),       # a formula as a name: written as text in the CSV
    "pat lee": (2, 3, 1),               # two students whose safe file names would collide
    "pat_lee": (0, 0, 0),
    "<script>alert(1)<script>": (2, 3, 1),   # HTML, a fake total and escape codes in its output and name
    "malformed": (0, 3, 0),             # nbgrader metadata null, a null source, a list grade_id, points "lots"
    "not_json": (0, 0, 0),
    "linked": (0, 0, 0),                # a symbolic link to the instructor's notebook: refused
    "linked_folder": (0, 0, 0),         # a symbolic link to the lesson folder: refused
}


@pytest.fixture(scope="module", autouse=True)
def isolation_available():
    reason = isolation.unavailable_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the isolation tests, but {reason}")
        pytest.skip(f"kernels cannot be isolated here: {reason}")


def digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def malformed(lesson_nb):
    nb = make_fixtures.with_answers(lesson_nb, make_fixtures.CORRECT)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    cells["squares"].metadata["nbgrader"] = None
    cells["condition"].source = None
    cells["momentum-tests"].metadata["nbgrader"]["points"] = "lots"
    cells["condition-tests"].metadata["nbgrader"]["grade_id"] = ["condition-tests"]
    text = json.dumps(nb)
    return text


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("attacks")
    lesson = tmp / "solutions" / "00-sample"
    shutil.copytree(FIXTURES / "solutions" / "00-sample", lesson)
    out, subs = tmp / "graded", tmp / "submissions"
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    received, stop = [], threading.Event()

    def listen():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                received.append(conn.recv(1000))
                conn.close()
            except OSError:
                pass

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    make_fixtures.write_attack_submissions(subs, {"lesson": str(lesson), "out": str(out),
                                                  "port": listener.getsockname()[1]})
    released = nbformat.read(subs / "pat lee.ipynb", as_version=4)
    (subs / "malformed.ipynb").write_text(malformed(released))
    (subs / "not_json.ipynb").write_text('{"cells": [nul')
    shutil.copy(FIXTURES / "submissions" / "correct.ipynb", subs / "correct.ipynb")
    shutil.copy(FIXTURES / "submissions" / "untouched.ipynb", subs / "untouched.ipynb")
    (subs / "linked.ipynb").symlink_to(lesson / "00-sample.ipynb")
    (subs / "linked_folder").symlink_to(lesson)
    before = digest(lesson)
    tmp_before = set(os.listdir("/tmp"))
    start = time.monotonic()
    rows = grade(lesson, subs, out, workers=2, limits=LIMITS)
    wall = time.monotonic() - start
    written = digest(out)
    time.sleep(4)                                   # the survivor would write within 10 s of its cell
    stop.set()
    thread.join()
    listener.close()
    return {"rows": {r["student"]: r for r in rows}, "out": out, "lesson": lesson, "before": before,
            "written": written, "received": received, "tmp_before": tmp_before, "wall": wall}


def test_every_attack_scores_as_the_table_says(attacked):
    with open(attacked["out"] / "gradebook.csv", newline="") as f:
        book = {row["student"]: row for row in csv.DictReader(f)}
    students = {s.lstrip("'") for s in book}
    assert students == set(EXPECTED) | {"correct", "untouched"}
    got = {s: tuple(int(float(attacked["rows"][s]["points"][g]))
                    for g in ("squares-tests", "momentum-tests", "condition-tests")) for s in EXPECTED}
    assert got == EXPECTED
    assert attacked["rows"]["correct"]["total"] == 6 and attacked["rows"]["untouched"]["total"] == 0


def test_the_lesson_the_output_and_tmp_are_untouched(attacked):
    assert digest(attacked["lesson"]) == attacked["before"]             # selfcheck.py, data: as they were
    assert digest(attacked["out"]) == attacked["written"]               # nothing changed after grade() returned
    assert sorted(p.name for p in attacked["out"].iterdir()) == ["feedback", "gradebook.csv", "pass_rates.csv",
                                                                 "pass_rates.png", "results.json"]
    assert "survivor" not in (attacked["out"] / "gradebook.csv").read_text().split("\n", 2)[1]
    new_in_tmp = set(os.listdir("/tmp")) - attacked["tmp_before"]
    planted = {"selfcheck.py", "stack_data.py", "sitecustomize.py", "numpy.py"}
    assert not [n for n in new_in_tmp if n.startswith("fill") or n in planted]


def test_no_connection_left_the_jail(attacked):
    assert attacked["received"] == []


def test_no_process_of_a_student_survives(attacked):
    alive = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                uid = int(next(line for line in open(f"/proc/{entry}/status") if line.startswith("Uid:")).split()[1])
            except (OSError, StopIteration):
                continue
            if isolation.UID_BASE <= uid < isolation.UID_BASE + isolation.UID_COUNT:
                alive.append(entry)
    assert alive == []


def test_feedback_shows_no_hidden_input_and_nothing_unescaped(attacked):
    feedback = {f.name: f.read_text() for f in (attacked["out"] / "feedback").iterdir()}
    assert len(feedback) == len(EXPECTED) + 2                           # "pat lee" and "pat_lee" apart
    for name, text in feedback.items():
        for value in HIDDEN_VALUES:
            assert value not in text, (name, value)
        assert "<script>" not in text and "\x1b" not in text, name
        outside_pre = re.sub(r"<pre>\n.*?\n</pre>", "", text, flags=re.S)    # printed text is shown verbatim
        assert outside_pre.count("**Total:") == 1, name
    script = next(t for t in feedback.values() if "alert(1)" in t)
    assert "&lt;script&gt;" in script and "\\x1b" in script
    leak = next(t for n, t in feedback.items() if n.startswith("leak_via_selfcheck"))
    assert "Its message is not shown here" in leak


def test_csv_cells_never_start_a_formula(attacked):
    with open(attacked["out"] / "gradebook.csv", newline="") as f:
        cells = [cell for row in csv.reader(f) for cell in row]
    assert "'=HYPERLINK(\"x\")" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]


def test_refusals_and_breakdowns_are_explained(attacked):
    notes = {s: " ".join(r["notes"]) for s, r in attacked["rows"].items()}
    assert "symbolic link" in notes["linked"] and "symbolic link" in notes["linked_folder"]
    assert "not a readable notebook" in notes["not_json"]
    assert "answer cell 'squares' is missing" in notes["malformed"]
    assert "answer cell 'condition' is missing" in notes["malformed"]
    assert "points of 'momentum-tests' were changed" in notes["malformed"]
    # Its score is in the table above; on a loaded machine the notebook's own deadline may stop the
    # kernel before the cell's, and then no answer is recorded at all.
    condition = attacked["rows"]["huge_int"]["answers"]["condition"]
    assert condition is None or (condition["error"]["type"] == "Timeout" and condition["finished"] is False)


def test_the_class_with_attacks_takes_bounded_time(attacked):
    # 24 submissions, 2 workers; every attack is cut off by a limit, none runs to the notebook timeout.
    assert attacked["wall"] < 24 * LIMITS.notebook_timeout / 4
