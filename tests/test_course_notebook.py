"""The exercise format: nbgrader metadata read safely, validated with clear errors, split into parts."""
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from optcourse.course import notebook as nbk


def cell(source="x = 1", **nbgrader):
    return new_code_cell(source, metadata={"nbgrader": nbgrader} if nbgrader else {})


def test_roles_and_ids_follow_nbgrader_and_tolerate_anything():
    assert nbk.role(cell(solution=True, grade_id="a")) == "answer"
    assert nbk.role(cell(grade=True, grade_id="a-tests", points=1)) == "tests"
    assert nbk.role(cell(locked=True, grade_id="l")) == "locked"
    assert nbk.role(cell()) == "plain"
    for metadata in ({"nbgrader": None}, {"nbgrader": [1]}, {"nbgrader": "x"}, None, []):
        c = {"cell_type": "code", "source": "", "metadata": metadata}
        assert nbk.role(c) == "plain" and nbk.grade_id(c) is None and nbk.nbgrader_metadata(c) == {}
    assert nbk.grade_id(cell(solution=True, grade_id=["a"])) == ["a"]      # as written; callers check the type
    assert nbk.describe(cell(solution=True, grade_id=["a"]), 3) == "cell 3"


def test_points_must_be_a_finite_number():
    assert nbk.points(cell(grade=True, points=2)) == 2.0 and nbk.points(cell()) == 0.0
    for bad in ("lots", None, True, -1, float("inf"), float("nan"), [1]):
        with pytest.raises(ValueError, match="'points' must be a number"):
            nbk.points(cell(grade=True, points=bad))


def test_validate_names_the_cell_and_the_problem():
    def invalid(*cells, match):
        with pytest.raises(ValueError, match=match):
            nbk.validate({"cells": list(cells)}, "lesson.ipynb")
    invalid(cell(grade=True, grade_id="t", points="lots"), match=r"lesson.ipynb: cell 0 \('t'\): 'points'")
    invalid(cell(solution=True), match="needs a 'grade_id'")
    invalid(cell(solution=True, grade_id=["a"]), match="needs a 'grade_id'")
    invalid(cell(solution=True, grade_id="a"), cell(grade=True, grade_id="a", points=1), match="also used by cell 0")
    invalid(cell(grade=True, grade_id="t", points=0), match="points' > 0")
    invalid(cell("### BEGIN HIDDEN TESTS\nassert 1", grade=True, grade_id="t", points=1), match="never closed")
    invalid(cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION"), match="not an nbgrader")
    invalid(new_markdown_cell("A", metadata={"nbgrader": {"solution": True, "grade_id": "w"}}), match="graded by hand")
    broken = cell(grade=True, grade_id="t", points=1)
    broken["source"] = None
    invalid(broken, match="source is not text")


def test_student_source_and_test_segments():
    answer = cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION", solution=True, grade_id="f")
    assert nbk.student_source(answer) == "def f():\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert nbk.student_source(cell("x = 2", solution=True, grade_id="x")) == nbk.CODE_PROMPT
    tests = "check(f)\n### BEGIN HIDDEN TESTS\nassert f() == 1\n### END HIDDEN TESTS\nprint('done')"
    assert nbk.student_source(cell(tests, grade=True, grade_id="t", points=1)) == "check(f)\nprint('done')"
    segments = nbk.test_segments(tests)
    assert [hidden for _, hidden in segments] == [False, True, False]
    assert segments[1][0].splitlines()[2] == "assert f() == 1"        # line numbers as in the cell
    assert segments[2][0].splitlines()[4] == "print('done')"


def test_defined_names_reads_bindings_not_uses():
    source = "%matplotlib inline\nimport numpy as np\na, (b, *c) = 1, (2, 3)\nd += 1\ne: int = 4\n" \
             "def f(): pass\nclass G: pass\nprint(z)\nfor i in []: pass"
    assert nbk.defined_names(source) == ["np", "a", "b", "c", "d", "e", "f", "G"]
    assert nbk.defined_names(source, imports=False) == ["a", "b", "c", "d", "e", "f", "G"]


def test_lesson_files_skip_litter(tmp_path):
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "x.ipynb").write_text("{}")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.npz").write_bytes(b"")
    (tmp_path / "selfcheck.py").write_text("")
    assert [str(p) for p in nbk.lesson_files(tmp_path)] == ["data/a.npz", "selfcheck.py"]


def test_the_grader_runs_only_the_cells_its_tests_depend_on():
    cells = [
        cell("import numpy as np\nimport matplotlib.pyplot as plt"),                      # 0 np: read by tests
        cell("rng = np.random.default_rng(0)\ndata = rng.normal(size=3)"),                 # 1 data
        cell("fig, ax = plt.subplots()\nax.plot(data)\nshown = data.copy()"),              # 2 only draws
        cell("def f(x):\n    return 2 * x", solution=True, grade_id="f"),                  # 3 answer
        cell("doubled = f(data)"),                                                        # 4 derived from the answer
        cell("extra = rng.normal()"),                                                     # 5 advances rng: a test reads rng
        cell("np.random.seed(1)\nunused = 1"),                                            # 6 global random state
        cell("table = {}\ntable['k'] = 1"),                                               # 7 built then changed in place
        cell("table.update(z=2)"),                                                        # 8 changes table
        cell("loud = print(data)"),                                                       # 9 nothing reads it
        cell("assert np.allclose(doubled, 2 * data)\nassert rng.normal() and table['z']",
             grade=True, grade_id="f-tests", points=1),                                    # 10
        cell("after = doubled.sum()"),                                                    # 11 after the last test
    ]
    assert nbk.grader_cells({"cells": cells}) == {0, 1, 4, 5, 6, 7, 8}
    assert nbk.names_changed("x.copy()\ny.append(1)\nz[0] = 1\nw.attr += 2\nnp.sum(v)\nrng.shuffle(v)") == \
        {"y", "z", "w", "rng"}
    broken = cell("def (:")
    assert nbk.grader_cells({"cells": [broken, cell("assert 1", grade=True, grade_id="t", points=1)]}) == {0}
