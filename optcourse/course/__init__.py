"""The course machinery: lessons from solutions, self-checks, and grading a class.

    build         run each lesson's text source into its solved notebook; check that they agree
    release       write ``lessons/`` from ``solutions/`` (solutions and hidden tests out, outputs cleared)
    checks        self-checks a student runs in a lesson: ``check("grade_id", answer)``
    grade         grade the submissions of one lesson: gradebook CSV and feedback per student
    verify        grades one submission: the instructor's tests, out of the student's reach
    sandbox       the student's kernel: a limited process the grader calls into
    notebook      the nbgrader cell format (answer cells, test cells, markers)

From a shell: ``optcourse build``, ``optcourse release``, ``optcourse grade LESSON SUBMISSIONS --out DIR``
(or ``python -m optcourse.course ...``). How to write a lesson and an exercise: ``docs/authoring.md``.
"""
import importlib

__all__ = ["SelfChecks", "CheckFailed", "release", "grade", "Limits"]
_HOME = {"SelfChecks": "checks", "CheckFailed": "checks", "release": "release", "grade": "grade", "Limits": "grade"}


def __getattr__(name):
    # Imported on first use: the grader's subprocesses start fast without nbformat.
    if name in _HOME:
        return getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
