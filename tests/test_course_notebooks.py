"""nbval runs every notebook of the course: solutions/ with output comparison, lessons/ top to bottom.

Every notebook in ``solutions/`` (and the sample lesson's source) must reproduce its saved outputs,
up to ``tests/nbval_sanitize.cfg`` (memory addresses and timings only). Every notebook in ``lessons/``
(and the released sample) must run top to bottom: an unfinished exercise fails only in its own cells,
which ``optcourse release`` tags ``raises-exception``, and every other cell must run.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from optcourse.course import notebook as nbk
from optcourse.course.release import release
from portability import code_paths, foreign_configurations

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "course_fixtures" / "solutions"
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"


def nbval(paths, workdir: Path, sanitize: bool = True, env: dict | None = None) -> tuple[int, str]:
    """Run nbval on notebooks in a fresh pytest, with ``env`` added to the environment; returns
    (exit code, output)."""
    (workdir / "pytest.ini").write_text("[pytest]\n")
    cmd = [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "-c", str(workdir / "pytest.ini"),
           "--rootdir", str(workdir), "--nbval", "--nbval-current-env", "--nbval-cell-timeout", "300"]
    if sanitize:
        cmd += ["--nbval-sanitize-with", str(SANITIZE)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "MPLBACKEND": "Agg", **(env or {})}
    run = subprocess.run(cmd + [str(p) for p in paths], capture_output=True, text=True, env=env, cwd=workdir,
                         timeout=1800)
    return run.returncode, run.stdout + run.stderr


def code_cells(path) -> int:
    return sum(c.cell_type == "code" for c in nbformat.read(str(path), as_version=4).cells)


def count(word: str, output: str) -> int:
    found = re.search(rf"(\d+) {word}", output.splitlines()[-1] if output.strip() else "")
    return int(found.group(1)) if found else 0


def test_every_solution_and_lesson_notebook_passes_nbval(tmp_path):
    solutions = tmp_path / "solutions"
    shutil.copytree(SAMPLE, solutions)
    release(solutions, tmp_path / "lessons")
    notebooks = [solutions / "00-sample" / "00-sample.ipynb", tmp_path / "lessons" / "00-sample" / "00-sample.ipynb"]
    notebooks += sorted((ROOT / "solutions").rglob("*.ipynb")) + sorted((ROOT / "lessons").rglob("*.ipynb"))
    notebooks = [p for p in notebooks if ".ipynb_checkpoints" not in p.parts]
    code, output = nbval(notebooks, tmp_path)
    assert code == 0, output[-4000:]
    assert count("passed", output) == sum(code_cells(p) for p in notebooks), output[-2000:]


def test_solutions_reproduce_their_outputs_on_another_cpus_code_paths(tmp_path):
    """The saved outputs were written on one machine; a student's CPU runs other BLAS kernels and other
    SIMD loops. Under the most different configuration this machine can take (see tests/portability.py),
    every solutions notebook must still reproduce its saved outputs."""
    configs = foreign_configurations()
    assert configs, "this machine offers no other BLAS kernel or NumPy SIMD level to test under"
    name, env = configs[0]
    native, foreign = code_paths(), code_paths(env)
    assert foreign != native, f"{name}: {env} did not change the code paths ({native})"
    notebooks = sorted(p for p in (ROOT / "solutions").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    code, output = nbval(notebooks, tmp_path, env=env)
    assert code == 0, f"under {name} ({env}):\n{output[-4000:]}"
    assert count("passed", output) == sum(code_cells(p) for p in notebooks), output[-2000:]


def test_nbval_really_compares_outputs_and_the_tags_keep_failures_in_their_cells(tmp_path):
    solutions = tmp_path / "solutions"
    shutil.copytree(SAMPLE, solutions)
    release(solutions, tmp_path / "lessons")
    # a solution whose saved output is wrong must fail
    wrong = nbformat.read(str(solutions / "00-sample" / "00-sample.ipynb"), as_version=4)
    last = [c for c in wrong.cells if c.cell_type == "code"][-1]
    last.outputs[0]["data"]["text/plain"] = last.outputs[0]["data"]["text/plain"].replace("10.", "11.")
    nbformat.write(wrong, str(solutions / "00-sample" / "wrong.ipynb"))
    # a lesson without the raises-exception tags fails exactly in the cells of unfinished exercises
    lesson = tmp_path / "lessons" / "00-sample"
    untagged = nbformat.read(str(lesson / "00-sample.ipynb"), as_version=4)
    for cell in untagged.cells:
        cell.metadata["tags"] = [t for t in cell.metadata.get("tags", []) if t != nbk.RAISES]
    nbformat.write(untagged, str(lesson / "untagged.ipynb"))
    code, output = nbval([solutions / "00-sample" / "wrong.ipynb", lesson / "untagged.ipynb"], tmp_path)
    failed = set(re.findall(r"FAILED \S*?(\w+)\.ipynb::Cell (\d+)", output))
    code_ids = [nbk.grade_id(c) for c in untagged.cells if c.cell_type == "code"]
    raising = {"squares-tests", "momentum-tests", "condition", "condition-tests"}   # the def cells do not raise
    expected = {("untagged", str(i)) for i, gid in enumerate(code_ids) if gid in raising}
    expected.add(("wrong", str(len(code_ids) - 1)))
    assert code == 1 and failed == expected, output[-3000:]
    # without the sanitizer, the memory address printed by the sample differs from run to run
    code, output = nbval([solutions / "00-sample" / "00-sample.ipynb"], tmp_path, sanitize=False)
    assert code == 1 and re.search(r"FAILED \S*00-sample\.ipynb::Cell 3", output), output[-3000:]
