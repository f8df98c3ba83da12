"""optcourse build: MyST sources run into solutions notebooks, ids that never move, and a check that
names what differs. A tiny lesson is built once (module fixture); the course itself is only checked."""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from optcourse.course import notebook as nbk
from optcourse.course.build import build_lesson, check_lesson, find_sources, read_source
from optcourse.course.release import release_notebook

ROOT = Path(__file__).resolve().parents[1]

# A lesson as an instructor writes it: prose, a locked setup cell, an exercise (answer and tests), a
# written answer, and two ordinary cells, one of which prints a memory address.
TINY = '''---
jupytext:
  formats: 00-tiny//ipynb,md:myst
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

+++ {"id": "tiny-00"}

# 00. A tiny lesson

```{code-cell} ipython3
---
id: tiny-01
nbgrader:
  grade: false
  grade_id: setup
  locked: true
  schema_version: 3
  solution: false
---
import numpy as np
```

```{code-cell} ipython3
---
id: tiny-02
nbgrader:
  grade: false
  grade_id: double
  locked: false
  schema_version: 3
  solution: true
---
def double(v):
    ### BEGIN SOLUTION
    return 2 * v
    ### END SOLUTION
```

```{code-cell} ipython3
---
id: tiny-03
nbgrader:
  grade: true
  grade_id: double-tests
  locked: true
  points: 2
  schema_version: 3
  solution: false
---
assert callable(double)
### BEGIN HIDDEN TESTS
assert double(21) == 42
### END HIDDEN TESTS
```

+++ {"id": "tiny-04", "nbgrader": {"grade": true, "grade_id": "why", "locked": false, "points": 1, "schema_version": 3, "solution": true}}

Because the slope is steep.

```{code-cell} ipython3
:id: tiny-05

print(double(np.arange(3)))
```

```{code-cell} ipython3
:id: tiny-06

print(object())
```
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    solutions = tmp_path_factory.mktemp("course") / "solutions"
    solutions.mkdir()
    (solutions / "00-tiny.md").write_text(TINY)
    assert build_lesson(solutions / "00-tiny.md") == []           # nothing to write back into the source
    return solutions


def copy_of(built, tmp_path) -> Path:
    shutil.copytree(built, tmp_path / "solutions")
    return tmp_path / "solutions"


def test_build_saves_the_run_notebook_with_the_sources_ids_and_no_run_specific_metadata(built):
    nb = nbformat.read(built / "00-tiny" / "00-tiny.ipynb", as_version=4)
    assert [c.id for c in nb.cells] == [f"tiny-{i:02d}" for i in range(7)]
    assert all(c.metadata["id"] == c.id for c in nb.cells)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2, 3, 4, 5]
    assert nb.cells[5].outputs[0].text == "[0 2 4]\n"
    assert not any("execution" in c.metadata for c in nb.cells)
    assert sorted(nb.metadata) == ["jupytext", "kernelspec", "language_info"]          # no widget state
    assert nb.metadata.jupytext.formats == "00-tiny//ipynb,md:myst"
    assert (built / "00-tiny.md").read_text() == TINY
    assert check_lesson(built / "00-tiny.md") == []


def test_the_released_lesson_hides_solutions_hidden_tests_and_the_pairing(built):
    nb = nbformat.read(built / "00-tiny" / "00-tiny.ipynb", as_version=4)
    released = release_notebook(nb)
    text = "\n".join(c.source for c in released.cells)
    for secret in ("return 2 * v", "double(21)", "slope is steep"):
        assert secret not in text, secret
    assert released.cells[4].source == nbk.TEXT_PROMPT and released.cells[4].cell_type == "markdown"
    assert [c.id for c in released.cells] == [c.id for c in nb.cells]
    assert "jupytext" not in released.metadata and not any("id" in c.metadata for c in released.cells)


def test_a_new_cell_gets_the_next_id_and_no_other_id_changes(built, tmp_path):
    solutions = copy_of(built, tmp_path)
    source = solutions / "00-tiny.md"
    new_cell = "```{code-cell} ipython3\nx = 1\n```\n\n"
    copied = "```{code-cell} ipython3\n:id: tiny-05\n\nprint(double(np.arange(3)))\n```\n"
    text = TINY.replace("+++ {\"id\": \"tiny-04\"", new_cell + "+++ {\"id\": \"tiny-04\"") + "\n" + copied
    source.write_text(text)
    nb, changes = read_source(source)
    assert [c.id for c in nb.cells] == ["tiny-00", "tiny-01", "tiny-02", "tiny-03", "tiny-07", "tiny-04",
                                        "tiny-05", "tiny-06", "tiny-08"]
    assert changes == ["ids for new cells: tiny-07, tiny-08"]
    assert any("tiny-07" in p for p in check_lesson(source))
    assert build_lesson(source) == changes
    assert ":id: tiny-07" in source.read_text() and read_source(source)[1] == []       # written into the source
    assert check_lesson(source) == []
    nb = nbformat.read(solutions / "00-tiny" / "00-tiny.ipynb", as_version=4)
    assert [c.id for c in nb.cells] == [c.id for c in read_source(source)[0].cells]


def test_check_names_the_cells_that_differ_and_the_cli_exits_1(built, tmp_path):
    solutions = copy_of(built, tmp_path)
    source, notebook = solutions / "00-tiny.md", solutions / "00-tiny" / "00-tiny.ipynb"
    edited = TINY.replace("return 2 * v", "return v + v").replace(":id: tiny-06\n", ":id: tiny-06\n:tags: [x]\n")
    source.write_text(edited)
    nb = nbformat.read(notebook, as_version=4)
    del nb.cells[0]
    nb.cells[4].execution_count = 7                      # tiny-05, as if run twice
    nbformat.write(nb, notebook)
    problems = check_lesson(source)
    for words in ("cell tiny-00 is in the source, not in the notebook", "cell tiny-02: its text differs",
                  "cell tiny-06: its metadata differs", "not run once each, top to bottom"):
        assert any(words in p for p in problems), (words, problems)
    run = subprocess.run([sys.executable, "-m", "optcourse.course", "build", "--check", "00", "--solutions",
                          str(solutions)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1 and "00-tiny: differs from its source" in run.stdout
    assert "cell tiny-02: its text differs" in run.stdout and "optcourse build 00-tiny" in run.stderr
    assert source.read_text() == edited and nbformat.read(notebook, as_version=4) == nb      # wrote nothing


def test_check_execute_compares_outputs_the_way_nbval_does(built, tmp_path):
    solutions = copy_of(built, tmp_path)
    notebook = solutions / "00-tiny" / "00-tiny.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[5].outputs[0].text = "[0 2 5]\n"
    nbformat.write(nb, notebook)
    sanitize = ROOT / "tests" / "nbval_sanitize.cfg"     # the address printed by tiny-06 changes every run
    assert check_lesson(solutions / "00-tiny.md") == []                               # cells agree
    assert check_lesson(solutions / "00-tiny.md", execute_cells=True, sanitize=sanitize) == [
        "cell tiny-05: its outputs differ from a fresh run"]


def test_a_cell_that_raises_stops_the_build_and_is_named(tmp_path):
    (tmp_path / "00-tiny.md").write_text(TINY.replace("print(double(np.arange(3)))", "1 / 0"))
    with pytest.raises(ValueError, match=r"00-tiny: cell tiny-05 raised ZeroDivisionError(.|\n)*Fix the cell"):
        build_lesson(tmp_path / "00-tiny.md")
    assert not (tmp_path / "00-tiny" / "00-tiny.ipynb").exists()


def test_lessons_are_found_by_number_or_name_and_errors_say_what_to_pass(tmp_path):
    for name in ("01-one.md", "02-two.md", "README.md"):
        (tmp_path / name).write_text("")
    assert [p.name for p in find_sources(tmp_path)] == ["01-one.md", "02-two.md"]
    assert [p.name for p in find_sources(tmp_path, ["02", "01-one"])] == ["02-two.md", "01-one.md"]
    with pytest.raises(ValueError, match="'03' names 0 lessons; pass one of 01-one, 02-two"):
        find_sources(tmp_path, ["03"])


def test_every_course_notebook_matches_its_source():
    """The suite's `optcourse build --check`: cells, ids, metadata and a top-to-bottom run. Outputs are
    compared by the nbval test (tests/test_course_notebooks.py), which runs every notebook anyway."""
    run = subprocess.run([sys.executable, "-m", "optcourse.course", "build", "--check"], capture_output=True,
                         text=True, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("matches its source") == len(find_sources(ROOT / "solutions")) == len(list((ROOT / "lessons").glob("[0-9][0-9]-*")))


def test_jupytext_pairs_each_source_with_its_notebook_both_ways(tmp_path):
    """`jupytext --sync` from either file leaves both as they are (the source first, as after a build;
    then the notebook newer, as after a checkout)."""
    solutions = tmp_path / "solutions"
    shutil.copytree(ROOT / "solutions" / "05-adaptive", solutions / "05-adaptive")
    shutil.copy(ROOT / "solutions" / "05-adaptive.md", solutions)
    files = [solutions / "05-adaptive.md", solutions / "05-adaptive" / "05-adaptive.ipynb"]
    before = [f.read_bytes() for f in files]
    for newer, synced in ((files[1], files[0]), (files[0], files[1])):
        os.utime(newer, (time.time() + 5, time.time() + 5))
        run = subprocess.run([sys.executable, "-m", "jupytext", "--sync", str(synced)], capture_output=True,
                             text=True)
        assert run.returncode == 0, run.stderr
        assert [f.read_bytes() for f in files] == before, run.stderr
