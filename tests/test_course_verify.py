"""The verifier: one submission graded by running the instructor's tests beside a jailed kernel."""
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import nbformat
import pytest

from optcourse.course import isolation, verify
from optcourse.course.grade import Limits, inspect_submission

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "course_fixtures"
LESSON = FIXTURES / "solutions" / "00-sample"
LIMITS = Limits(cell_timeout=8, notebook_timeout=60, memory=1 << 30, output=2 << 20)


def jailed():
    reason = isolation.unavailable_reason()
    if reason is not None and os.environ.get("CI"):
        pytest.fail(f"CI must run the isolation tests, but {reason}")
    return reason is None


def job_for(submission: str, isolate: bool) -> dict:
    source = nbformat.read(LESSON / "00-sample.ipynb", as_version=4)
    answers, _ = inspect_submission(source, (FIXTURES / "submissions" / submission).read_text())
    return {"notebook": json.dumps(source), "lesson_dir": str(LESSON), "answers": answers,
            "limits": asdict(LIMITS), "isolation": {"support": str(LESSON), "seed": None} if isolate else None}


def run_verifier(job: dict) -> dict:
    proc = subprocess.run([sys.executable, "-s", "-P", "-m", "optcourse.course.verify"], input=json.dumps(job),
                          capture_output=True, text=True, timeout=180, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    assert len(lines) == 1, proc.stdout[:500]          # nothing the lesson prints reaches the result channel
    return json.loads(lines[0])


@pytest.mark.parametrize("isolate", [True, False], ids=["jailed", "unjailed"])
def test_a_correct_submission_passes_every_test(isolate):
    if isolate and not jailed():
        pytest.skip("bubblewrap is not available here")
    result = run_verifier(job_for("correct.ipynb", isolate))
    assert {gid: t["points"] for gid, t in result["tests"].items()} == {
        "squares-tests": 2.0, "momentum-tests": 3.0, "condition-tests": 1.0}
    assert result["kernel_stopped"] is None and result["cell_errors"] == []
    assert [a["after_hidden_tests"] for a in result["answers"].values()] == [False, True, True]


def test_wrong_answers_fail_and_hidden_messages_are_not_returned():
    result = run_verifier(job_for("tampered_tests.ipynb", jailed()))
    assert not any(t["passed"] for t in result["tests"].values())
    for t in result["tests"].values():
        assert t["failure"]["part"] == "self-check" or "message" not in t["failure"]


def test_reply_fields_are_checked_and_nothing_else_is_kept():
    reply = {"ok": True, "output": "x" * 10 ** 6, "error": None, "after_hidden_tests": False, "points": 99,
             "submitted": True}
    kept = verify._reply_fields(reply)
    assert set(kept) == {"ok", "output", "error"} and len(kept["output"]) < 10 ** 5
    bad = verify._reply_fields({"ok": True, "error": {"type": "E" * 500, "message": ["not text"], "x": 1}})
    assert bad["ok"] is False and set(bad["error"]) == {"type", "message", "before_exec"}
    assert len(bad["error"]["type"]) == 100
    assert verify._reply_fields("not a dict")["ok"] is False


def test_kill_descendants_reaches_double_forked_daemons():
    code = ("import ctypes, os, sys, time\n"
            "ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)\n"
            "if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        time.sleep(60)\n    os._exit(0)\n"
            "time.sleep(0.5)\n"
            "from optcourse.course.verify import kill_descendants\nfrom optcourse.course.sandbox import child_pids as _children\n"
            "before = len(_children(os.getpid()))\nkill_descendants()\n"
            "print(before, len(_children(os.getpid())))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    before, after = map(int, out.stdout.split())
    assert before >= 1 and after == 0, out.stderr                # the orphaned daemon was ours, and is gone
