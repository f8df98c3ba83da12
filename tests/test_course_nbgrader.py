"""nbgrader accepts every lesson, and the student notebooks it makes are lessons/, cell for cell.

An instructor who uses nbgrader copies each ``solutions/NN-name/`` folder into the course's
``source/`` folder and runs ``nbgrader generate_assignment``. This test does exactly that in a
temporary course: nbgrader's own validation (metadata schema, grade ids, solution and hidden-test
regions) must refuse nothing, and each notebook it writes to ``release/`` must have the cells of the
notebook ``optcourse release`` wrote to ``lessons/``: same ids, types and sources, with no
normalisation on either side (nbgrader adds its own metadata and we add nbval tags: metadata is not
compared). nbgrader is a test dependency; without it the test says it was skipped, except under CI
(environment variable CI set), where it fails.
"""
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from optcourse.course.notebook import lesson_files
from optcourse.course.release import lesson_folders

ROOT = Path(__file__).resolve().parents[1]
LESSONS = [folder.name for folder in lesson_folders(ROOT / "solutions")]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def nbgrader_release(tmp_path_factory) -> Path:
    if importlib.util.find_spec("nbgrader") is None:
        message = "nbgrader is not installed (`python3 course.py setup` installs it with the test extra)."
        if in_ci():
            pytest.fail(f"{message} CI must run the nbgrader test.")
        pytest.skip(f"{message} Skipping the nbgrader test on this machine.")
    course = tmp_path_factory.mktemp("nbgrader-course")
    for name in LESSONS:
        shutil.copytree(ROOT / "solutions" / name, course / "source" / name)
    run = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "*", "--no-db", "--force",
                          f"--CourseDirectory.root={course}"], capture_output=True, text=True, cwd=course,
                         timeout=600)
    errors = [line for line in run.stderr.splitlines() if "ERROR" in line or "Error" in line]
    assert run.returncode == 0, "nbgrader refused a lesson:\n" + "\n".join(errors[-20:])
    return course / "release"


def cells(path: Path) -> list[tuple[str, str, str]]:
    return [(c.id, c.cell_type, c.source) for c in nbformat.read(path, as_version=4).cells]


@pytest.mark.parametrize("name", LESSONS)
def test_nbgrader_generates_the_released_lesson(nbgrader_release, name):
    assert cells(nbgrader_release / name / f"{name}.ipynb") == cells(ROOT / "lessons" / name / f"{name}.ipynb")
    assert lesson_files(nbgrader_release / name) == lesson_files(ROOT / "lessons" / name)
