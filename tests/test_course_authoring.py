"""Cells written with optcourse.course.authoring carry the metadata that release and grading read."""
from nbformat.v4 import new_notebook

from optcourse.course.authoring import answer, code, locked, md
from optcourse.course.authoring import tests as graded_tests  # renamed so pytest does not collect it
from optcourse.course.release import release_notebook


def test_release_of_an_authored_notebook_hides_solution_and_hidden_tests():
    nb = new_notebook(cells=[
        md("# A lesson"), locked("x = 1"), code("y = 2"),
        answer("double", "def double(v):\n    ### BEGIN SOLUTION\n    return 2 * v\n    ### END SOLUTION"),
        graded_tests("double-tests", 2, "assert callable(double)\n### BEGIN HIDDEN TESTS\nassert double(21) == 42\n"
                                 "### END HIDDEN TESTS"),
        answer("why", "Because the slope is steep.", markdown=True),
    ])
    released = release_notebook(nb)
    text = "\n".join(c.source for c in released.cells)
    assert "return 2 * v" not in text and "double(21)" not in text and "slope is steep" not in text
    assert "assert callable(double)" in text and "def double(v):" in text
    meta = {c.metadata.get("nbgrader", {}).get("grade_id"): c.metadata["nbgrader"]
            for c in released.cells if "nbgrader" in c.metadata}
    assert meta["double-tests"]["points"] == 2 and meta["double-tests"]["locked"]
    assert meta["double"]["solution"] and released.cells[5].cell_type == "markdown"
