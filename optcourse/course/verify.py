"""Grade one submission: the instructor's tests run here, the student's code runs in its own kernel.

``python -m optcourse.course.verify`` reads a job (JSON on stdin: the instructor's notebook, the
student's answer cells by grade_id, the limits) and writes one JSON line of results. It is started
fresh for every submission by :mod:`optcourse.course.grade`.

Why the tests cannot be fooled
------------------------------
Two processes walk the instructor's notebook cell by cell:

* the **student's kernel** (:mod:`optcourse.course.sandbox`, limited, own folder, clean environment)
  runs the instructor's ordinary cells and, in place of each answer cell, the student's cell with that
  grade_id. It never receives a test cell: hidden tests are never in a process the student controls.
* this **verifier** runs the instructor's ordinary cells too (so its own data and helpers are the
  instructor's, untouched) and every test cell: the visible self-check, then the hidden tests. The names
  the instructor's solution defines in an answer cell are taken from the student's kernel after the
  student's cell ran: numbers, arrays, strings, SymPy expressions arrive as plain copies built by
  :func:`optcourse.course.wire.decode`; functions and other objects arrive as proxies whose calls run
  in the student's kernel and return plain copies.

A test cell passes when it runs to its end in this process. Whatever the student's code does to its
own process (monkeypatching ``numpy.testing`` or ``assert`` helpers, ``sys.excepthook``, IPython's
custom exception handlers, exit, ``os._exit``, writing result files) happens where no test runs; an
object whose ``==`` is always true cannot cross the pipe (it becomes a proxy compared by identity).
The verifier reports its results on a pipe to the grader, not in a file.

The kernel runs in a bubblewrap jail (:mod:`optcourse.course.isolation`) under a uid of its own: it
cannot see this process, its folder (which is on this process's ``sys.path``), the lesson, the output
folder or other students. What it sends back is decoded with bounds on size and time, and only the
fields a reply may have are kept. Each cell has an alarm (SIGALRM, default action: the process ends)
that stops this verifier if the instructor's tests on the student's values run far past the cell's
time; the grader then scores the submission 0 with a note.
"""
from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from . import isolation, sandbox, wire
from . import notebook as nbk

ALARM_SLACK = 15.0             # seconds a cell may run in this process beyond the cell limit


def _become_subreaper() -> None:
    """Orphans of the student's kernel (double-forked daemons) become our children, so we can kill them."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)        # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def kill_descendants() -> None:
    """SIGKILL every process below this one, repeatedly, until none is left; reap them."""
    for _ in range(100):
        stack, seen = sandbox.child_pids(os.getpid()), []
        while stack:
            pid = stack.pop()
            seen.append(pid)
            stack += sandbox.child_pids(pid)
        for pid in seen:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass
        if not seen:
            return
        time.sleep(0.01)


def _copy_support_files(lesson: Path, dest: Path) -> None:
    for rel in nbk.lesson_files(lesson):
        if rel.suffix != ".ipynb":
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(lesson / rel, dest / rel)


def _failure(error, hidden: bool) -> dict:
    if isinstance(error, sandbox.KernelStopped):
        return {"part": "hidden tests" if hidden else "self-check", "type": "Timeout" if
                isinstance(error, sandbox.KernelTimeout) else "KernelStopped", "message": str(error)}
    failure = {"part": "hidden tests" if hidden else "self-check", "type": type(error).__name__,
               "from_student": bool(getattr(error, "from_student", False))}
    if not hidden:                                     # visible code: its message is no secret
        failure["message"] = str(error)[:2000]
    return failure


def _reply_fields(reply) -> dict:
    """The fields a kernel's reply to ``run`` may set, checked; nothing else it sends is kept."""
    if not isinstance(reply, dict):
        return {"ok": False, "output": "", "error": {"type": "BadReply", "message": "the kernel's reply was refused"}}
    error = reply.get("error")
    if isinstance(error, dict):
        error = {"type": str(error.get("type", "Exception"))[:100], "message": str(error.get("message", ""))[:wire.MAX_TEXT],
                 "before_exec": error.get("before_exec") is True}
    else:
        error = None
    output = reply.get("output")
    return {"ok": reply.get("ok") is True and error is None,
            "output": output[:sandbox.MAX_OUTPUT + 200] if isinstance(output, str) else "", "error": error}


def grade_notebook(job: dict) -> dict:
    source = json.loads(job["notebook"])               # a notebook already read by nbformat
    nbk.validate(source, "instructor notebook")
    limits = job["limits"]
    scratch = Path(tempfile.mkdtemp(prefix="optcourse-grade-"))
    student_dir, grader_dir = scratch / "student", scratch / "grader"
    for d in (student_dir, grader_dir):
        d.mkdir(mode=0o700)
        if job.get("lesson_dir"):
            _copy_support_files(Path(job["lesson_dir"]), d)
    mpl = os.environ.get("MPLCONFIGDIR")
    if mpl and Path(mpl).is_dir():                     # a warm font cache saves each kernel a second
        shutil.copytree(mpl, student_dir / ".matplotlib", dirs_exist_ok=True)

    jail, lease = None, None
    if job.get("isolation") is not None:
        if os.getuid() == 0:
            lease = isolation.UidLease()
        jail = isolation.Jail(support=job["isolation"].get("support"), seed=job["isolation"].get("seed"),
                              uid=lease.uid if lease else None)
    start = time.monotonic()
    kernel = sandbox.start_kernel(
        str(student_dir), str(scratch / "kernel.log"), memory=int(limits["memory"]),
        cpu_seconds=int(limits["notebook_timeout"]) + 5, file_bytes=int(limits["output"]),
        deadline=start + float(limits["notebook_timeout"]), jail=jail)
    shell = sandbox.grading_shell()                    # imported while the kernel starts
    os.chdir(grader_dir)
    sys.path.insert(0, str(grader_dir))
    needed = nbk.grader_cells(source)                  # the cells the tests depend on
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    answers, tests, cell_errors, hidden_ran = {}, {}, [], False
    try:
        for i, cell in enumerate(source["cells"]):
            if cell["cell_type"] != "code":
                continue
            role, gid = nbk.role(cell), nbk.grade_id(cell)
            kernel.cell_deadline = time.monotonic() + float(limits["cell_timeout"])
            signal.setitimer(signal.ITIMER_REAL, 2 * float(limits["cell_timeout"]) + ALARM_SLACK)
            kernel.timed_out = False
            if role == "answer":
                submitted = job["answers"].get(gid)
                code = submitted if submitted is not None else nbk.student_source(cell)
                record = answers[gid] = {"submitted": submitted is not None, "after_hidden_tests": hidden_ran}
                try:
                    record.update(_reply_fields(kernel.run(code)))
                except sandbox.KernelStopped as e:     # an answer that did not finish earns nothing
                    record.update(ok=False, output="", finished=False, error={
                        "type": "Timeout" if isinstance(e, sandbox.KernelTimeout) else "KernelStopped",
                        "message": str(e), "by_grader": True})
                for name in nbk.defined_names(cell["source"], imports=False):
                    if record.get("finished") is False:
                        shell.user_ns.pop(name, None)
                        continue
                    try:
                        shell.user_ns[name] = kernel.get(name)
                    except (Exception, sandbox.KernelStopped):
                        shell.user_ns.pop(name, None)
            elif role == "tests":
                failure = None
                for code, hidden in nbk.test_segments(cell["source"]):
                    hidden_ran = hidden_ran or hidden
                    result = shell.run_cell(code, store_history=False, silent=True)
                    error = result.error_before_exec or result.error_in_exec
                    if error is None and kernel.timed_out:
                        error = sandbox.KernelTimeout("the cell ran out of time")
                    if error is not None:
                        failure = _failure(error, hidden)
                        failure["after_hidden_tests"] = hidden_ran and not hidden
                        break
                tests[gid] = {"max": nbk.points(cell), "passed": failure is None,
                              "points": nbk.points(cell) if failure is None else 0.0, "failure": failure}
            else:
                try:
                    reply = kernel.run(cell["source"])
                    if not reply.get("ok"):
                        cell_errors.append({"cell": i, "where": "student kernel", **(reply.get("error") or {})})
                except sandbox.KernelStopped:
                    pass
                if i not in needed:
                    continue
                result = shell.run_cell(cell["source"], store_history=False, silent=True)
                error = result.error_before_exec or result.error_in_exec
                if error is not None and not isinstance(error, sandbox.KernelStopped):
                    cell_errors.append({"cell": i, "where": "grader", "type": type(error).__name__})
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        kernel.close()
        kill_descendants()
        if lease:
            lease.release()
        shutil.rmtree(scratch, ignore_errors=True)
    stopped = kernel.stopped if kernel.stopped != "closed" else None
    return {"tests": tests, "answers": answers, "kernel_stopped": stopped, "cell_errors": cell_errors}


def main() -> int:
    result_fd = os.dup(1)                              # results go here; prints of the lesson go nowhere
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    _become_subreaper()
    job = json.load(sys.stdin)
    result = grade_notebook(job)
    with os.fdopen(result_fd, "w") as out:
        out.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
