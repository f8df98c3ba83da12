"""Try answers other than the solution on a lesson's exercises: what the self-check and the hidden
tests say of each.

A lesson's source runs once, top to bottom, in a real kernel in its folder (as the student's and the
grader's do). Then each trial defines an answer in that kernel, runs the exercise's self-check (the
test cell up to ``### BEGIN HIDDEN TESTS``) and, separately, its hidden tests alone, and puts the
solution back. A verdict is "passed" when the code ran without an exception, the rule the grader uses.

    with LessonKernel("05") as lesson:
        lesson.assert_rejected("adam-step", {"no bias correction": "def adam_step(...): ..."})
        lesson.assert_accepted("adam-step", {"corrections unfolded": "def adam_step(...): ..."})

The tests of each lesson's exercises (tests/test_lessonNN_exercises.py) list the wrong answers students
really write; both checks must reject every one, and right answers written another way must pass both.
"""
from __future__ import annotations

import os
import queue
from dataclasses import dataclass
from pathlib import Path

import jupytext
from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parents[1]
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


@dataclass
class Verdict:
    passed: bool
    output: str      # what the student (or the grader's log) would read


class LessonKernel:
    """A lesson's source executed once in a kernel; then answers are swapped in and checked."""

    def __init__(self, lesson: str, timeout: float = 120.0):
        sources = sorted((ROOT / "solutions").glob(f"{lesson}-*.md"))
        if len(sources) != 1:
            raise FileNotFoundError(f"expected one solutions/{lesson}-*.md, found {sources}")
        self.source = sources[0]
        self.folder = self.source.with_suffix("")
        self.timeout = timeout
        self.cells = {}          # grade_id -> source, for the solution and test cells
        self.code = []           # every code cell's source, in order
        for cell in jupytext.read(self.source).cells:
            if cell.cell_type != "code":
                continue
            self.code.append(cell.source)
            grade_id = (cell.metadata.get("nbgrader") or {}).get("grade_id")
            if grade_id:
                self.cells[grade_id] = cell.source

    def __enter__(self):
        env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
        self._manager, self._client = start_new_kernel(kernel_name="python3", cwd=str(self.folder), env=env)
        for index, code in enumerate(self.code):
            verdict = self.run(code)
            if not verdict.passed:
                self.__exit__()
                raise RuntimeError(f"{self.source.name}: code cell {index} failed while setting up:\n{verdict.output}")
        return self

    def __exit__(self, *exc):
        self._client.stop_channels()
        self._manager.shutdown_kernel(now=True)

    def run(self, code: str) -> Verdict:
        """Execute code in the lesson's kernel; passed when it raised nothing."""
        texts = []

        def collect(message):
            content = message["content"]
            if message["msg_type"] == "stream":
                texts.append(content["text"])
            elif message["msg_type"] == "error":
                texts.append("\n".join(content["traceback"]))
            elif message["msg_type"] in ("execute_result", "display_data"):
                texts.append(content["data"].get("text/plain", ""))

        try:
            reply = self._client.execute_interactive(code, output_hook=collect, timeout=self.timeout, store_history=False)
        except (TimeoutError, queue.Empty):
            self._manager.interrupt_kernel()
            return Verdict(False, f"timed out after {self.timeout} s")
        return Verdict(reply["content"]["status"] == "ok", "".join(texts))

    def _parts(self, grade_id: str) -> tuple[str, str]:
        tests = self.cells[f"{grade_id}-tests"] if f"{grade_id}-tests" in self.cells else self.cells[grade_id + "-test"]
        if HIDDEN_BEGIN not in tests:
            raise ValueError(f"{grade_id}: its test cell has no hidden tests")
        visible, rest = tests.split(HIDDEN_BEGIN, 1)
        return visible, rest.split(HIDDEN_END, 1)[0]

    def check(self, grade_id: str, answer: str) -> tuple[Verdict, Verdict]:
        """Define ``answer`` in the kernel, then return (self-check verdict, hidden-test verdict)."""
        visible, hidden = self._parts(grade_id)
        try:
            defined = self.run(answer)
            if not defined.passed:
                raise ValueError(f"the trial answer itself failed to run:\n{defined.output}")
            return self.run(visible), self.run(hidden)
        finally:
            restored = self.run(self.cells[grade_id])
            assert restored.passed, f"{grade_id}: the solution cell failed when put back:\n{restored.output}"

    def assert_rejected(self, grade_id: str, wrong: dict[str, str]) -> None:
        """Each wrong answer fails both the self-check and the hidden tests."""
        problems = []
        for name, answer in wrong.items():
            selfcheck, hidden = self.check(grade_id, answer)
            if selfcheck.passed:
                problems.append(f"{name!r}: the self-check passed it:\n{selfcheck.output}")
            if hidden.passed:
                problems.append(f"{name!r}: the hidden tests passed it")
        assert not problems, f"{grade_id}: wrong answers accepted\n" + "\n".join(problems)

    def assert_accepted(self, grade_id: str, right: dict[str, str]) -> None:
        """Each right answer, however written, passes both."""
        problems = []
        for name, answer in right.items():
            selfcheck, hidden = self.check(grade_id, answer)
            if not selfcheck.passed:
                problems.append(f"{name!r}: the self-check rejected it:\n{selfcheck.output}")
            if not hidden.passed:
                problems.append(f"{name!r}: the hidden tests rejected it:\n{hidden.output}")
        assert not problems, f"{grade_id}: right answers rejected\n" + "\n".join(problems)

    def message(self, grade_id: str, answer: str) -> str:
        """What the self-check prints for this answer (to test that it names the property, not the answer)."""
        return self.check(grade_id, answer)[0].output

    def said(self, grade_id: str, answer: str) -> str:
        """:meth:`message` on one line: messages wrap between words, and a phrase may cross a line end."""
        return " ".join(self.message(grade_id, answer).split())
