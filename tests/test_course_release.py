"""Release: lessons/ from solutions/, nothing of a solution or a hidden test leaks, out of date is caught."""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from optcourse.course import notebook as nbk
from optcourse.course.release import release, release_notebook

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "course_fixtures" / "solutions"


def secret_lines(solutions: Path) -> set[str]:
    """Every non-trivial line inside a solution or hidden-test region of every source notebook."""
    lines = set()
    for path in solutions.rglob("*.ipynb"):
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            for begin, end in ((nbk.BEGIN_SOLUTION, nbk.END_SOLUTION), (nbk.BEGIN_HIDDEN, nbk.END_HIDDEN)):
                for text in nbk.region_text(cell.source, begin, end):
                    lines |= {line.strip() for line in text.splitlines() if len(line.strip()) > 12}
    return lines


def assert_nothing_leaks(solutions: Path, lessons: Path):
    # Each lesson's files against its own solutions (a line such as `for _ in range(3):` in one lesson's
    # hidden tests is no secret of another's); files outside the lesson folders against all of them.
    everything = secret_lines(solutions)
    for path in lessons.rglob("*"):
        if not path.is_file():
            continue
        folder = path.relative_to(lessons).parts[0]
        secrets = secret_lines(solutions / folder) if (solutions / folder).is_dir() else everything
        text = path.read_text(errors="replace")
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{path} contains solution or hidden-test text: {leaked[:3]}"
        if path.suffix == ".ipynb":
            nb = json.loads(text)
            for cell in nb["cells"]:
                assert not cell.get("outputs"), f"{path}: a released cell kept its outputs"
                assert cell.get("execution_count") is None
                if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
                    assert not cell.get("attachments"), f"{path}: an answer cell kept its attachments"
            assert "widgets" not in nb["metadata"]


@pytest.fixture
def released(tmp_path):
    solutions = tmp_path / "solutions"
    shutil.copytree(FIXTURE, solutions)
    lessons = tmp_path / "lessons"
    written = release(solutions, lessons)
    return solutions, lessons, written


def test_release_replaces_solutions_removes_hidden_tests_and_clears_outputs(released):
    solutions, lessons, written = released
    assert sorted(Path(p).name for p in written) == ["00-sample.ipynb", "selfcheck.py"]
    nb = nbformat.read(str(lessons / "00-sample" / "00-sample.ipynb"), as_version=4)
    by_id = {nbk.grade_id(c): c for c in nb.cells if nbk.grade_id(c)}
    # a solution inside a function keeps the signature and docstring, the body becomes the prompt
    assert by_id["squares"].source == ('def sum_of_squares(x):\n    """The sum of the squares of the entries '
                                       'of x, as a float."""\n    # YOUR CODE HERE\n    raise NotImplementedError()')
    assert by_id["condition"].source == "# YOUR CODE HERE\nraise NotImplementedError()"
    assert by_id["squares-tests"].source == 'check("squares", sum_of_squares)'
    for gid in ("squares", "squares-tests", "momentum", "momentum-tests", "condition", "condition-tests"):
        assert nbk.RAISES in by_id[gid].metadata["tags"], gid
    assert by_id["squares-tests"].metadata.nbgrader.points == 2          # nbgrader metadata is kept
    ordinary = [c for c in nb.cells if c.cell_type == "code" and not nbk.grade_id(c)]
    assert ordinary and all(nbk.RAISES not in c.metadata.get("tags", []) for c in ordinary)
    assert (lessons / "00-sample" / "selfcheck.py").read_bytes() == (solutions / "00-sample" / "selfcheck.py").read_bytes()


def test_no_solution_or_hidden_test_text_leaks(released):
    solutions, lessons, _ = released
    assert len(secret_lines(solutions)) >= 8                 # the check below has something to find
    assert_nothing_leaks(solutions, lessons)


def test_attachments_and_widget_state_of_the_source_do_not_leak(tmp_path):
    nb = nbformat.read(str(FIXTURE / "00-sample" / "00-sample.ipynb"), as_version=4)
    nb.metadata["widgets"] = {"state": {"secret": 1}}
    answer = next(c for c in nb.cells if nbk.role(c) == "answer")
    answer["attachments"] = {"solution.png": {"image/png": "c29sdXRpb24="}}
    out = release_notebook(nb)
    text = nbformat.writes(out)
    assert "c29sdXRpb24=" not in text and "secret" not in text
    assert "attachments" in answer                           # the source notebook is not changed


def test_release_is_idempotent_and_check_finds_stale_lessons(released):
    solutions, lessons, _ = released
    assert release(solutions, lessons) == []                 # nothing to rewrite
    assert release(solutions, lessons, check=True) == []
    source = solutions / "00-sample" / "00-sample.ipynb"
    nb = nbformat.read(str(source), as_version=4)
    nb.cells[0].source += "\n\nA new sentence."
    nbformat.write(nb, str(source))
    (lessons / "00-sample" / "leftover.txt").write_text("no source")
    (lessons / "99-orphan").mkdir()
    stale = release(solutions, lessons, check=True)
    assert any(s.endswith("00-sample.ipynb") for s in stale)
    assert any(s.endswith("leftover.txt") for s in stale)
    assert any("99-orphan" in s and "no source" in s for s in stale)
    release(solutions, lessons)
    assert [s for s in release(solutions, lessons, check=True) if "99-orphan" not in s] == []
    assert not (lessons / "00-sample" / "leftover.txt").exists()


def test_cli_release_check_exits_1_when_out_of_date(released, tmp_path):
    solutions, lessons, _ = released
    run = lambda *a: subprocess.run([sys.executable, "-m", "optcourse.course", "release", "--solutions",
                                     str(solutions), "--lessons", str(lessons), *a], capture_output=True, text=True,
                                    cwd=ROOT)
    (lessons / "00-sample" / "selfcheck.py").write_text("# edited by hand\n")
    out = run("--check")
    assert out.returncode == 1 and "selfcheck.py" in out.stdout and "optcourse release" in out.stderr
    assert (lessons / "00-sample" / "selfcheck.py").read_text() == "# edited by hand\n"   # --check writes nothing
    assert run().returncode == 0
    assert release(solutions, lessons, check=True) == []


def test_malformed_exercises_are_refused_with_the_cell_named(tmp_path):
    nb = nbformat.read(str(FIXTURE / "00-sample" / "00-sample.ipynb"), as_version=4)
    broken = nbformat.reads(nbformat.writes(nb), as_version=4)
    tests = next(c for c in broken.cells if nbk.grade_id(c) == "squares-tests")
    tests.source = tests.source.replace(nbk.END_HIDDEN, "")
    with pytest.raises(ValueError, match=r"squares-tests.*never closed"):
        release_notebook(broken)
    dup = nbformat.reads(nbformat.writes(nb), as_version=4)
    next(c for c in dup.cells if nbk.grade_id(c) == "momentum").metadata.nbgrader.grade_id = "squares"
    with pytest.raises(ValueError, match="grade_id 'squares' is also used"):
        release_notebook(dup)
    loose = nbformat.reads(nbformat.writes(nb), as_version=4)
    loose.cells[0].source = "### BEGIN SOLUTION\nx\n### END SOLUTION"
    with pytest.raises(ValueError, match="not an nbgrader"):
        release_notebook(loose)
    nopoints = nbformat.reads(nbformat.writes(nb), as_version=4)
    next(c for c in nopoints.cells if nbk.role(c) == "tests").metadata.nbgrader.points = 0
    with pytest.raises(ValueError, match="points"):
        release_notebook(nopoints)
    # nbgrader's rules: every marked cell has a grade_id; a written answer is graded by hand, with points
    unnamed = nbformat.reads(nbformat.writes(nb), as_version=4)
    next(c for c in unnamed.cells if nbk.role(c) == "locked").metadata.nbgrader.grade_id = None
    with pytest.raises(ValueError, match=r"cell 1: an nbgrader locked cell needs a 'grade_id'"):
        release_notebook(unnamed)
    written = nbformat.reads(nbformat.writes(nb), as_version=4)
    written.cells[0].metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False, "grade_id": "why"}
    with pytest.raises(ValueError, match=r"'why'.*written answer.*graded by hand.*\"points\""):
        release_notebook(written)
    next(c for c in written.cells if nbk.grade_id(c) == "squares").metadata.nbgrader.grade = True
    written.cells[0].metadata.nbgrader.update(grade=True, points=1)
    with pytest.raises(ValueError, match=r"'squares'.*a code answer earns its points in its test cell"):
        release_notebook(written)


def test_the_course_lessons_are_released_from_its_solutions_and_leak_nothing():
    """The real course: lessons/ must be what `optcourse release` makes of solutions/."""
    stale = release(ROOT / "solutions", ROOT / "lessons", check=True)
    assert stale == [], f"lessons/ is out of date, run `optcourse release`: {stale}"
    assert_nothing_leaks(ROOT / "solutions", ROOT / "lessons")


def test_markers_segments_and_names():
    source = "check('a', f)\n### BEGIN HIDDEN TESTS\nassert f(1) == 2\n### END HIDDEN TESTS\nprint('done')"
    segments = nbk.test_segments(source)
    assert [(code.strip(), hidden) for code, hidden in segments] == [
        ("check('a', f)", False), ("assert f(1) == 2", True), ("print('done')", False)]
    assert segments[1][0].count("\n") == 2                    # line numbers of hidden code are kept
    names = nbk.defined_names("import numpy as np\n%matplotlib inline\ndef f(x): pass\nclass C: pass\n"
                              "a, (b, *c) = 1, (2, 3)\nd += 1\ne: int = 2\nfor i in range(3): pass")
    assert names == ["np", "f", "C", "a", "b", "c", "d", "e"]
    assert "np" not in nbk.defined_names("import numpy as np\nx = 1", imports=False)
    assert re.fullmatch(r"\s*", nbk.student_source({"cell_type": "markdown", "source": "x",
                                                    "metadata": {"nbgrader": {"solution": True}}})
                        .replace(nbk.TEXT_PROMPT, ""))
