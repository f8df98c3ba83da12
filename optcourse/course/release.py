"""Write the students' ``lessons/`` from the instructor's ``solutions/``: one source for both.

For every lesson folder ``solutions/NN-name/``, ``release`` writes ``lessons/NN-name/``:

* each notebook with solutions replaced by a prompt (``# YOUR CODE HERE`` / ``raise
  NotImplementedError()``), hidden tests removed, every output, execution count and widget state
  cleared, answer cells stripped of attachments, and the pairing with the lesson's text source
  (jupytext metadata, the cell ids' copy in the metadata) left out;
* answer and test cells tagged ``raises-exception``, so that nbval, running the lesson top to bottom,
  expects an unfinished exercise to fail in its own cells and checks that the rest of the lesson runs;
* every other file of the folder (data, the lesson's ``selfcheck.py``) copied as it is.

Files are rewritten only when their content changes, each through a temporary file and
``os.replace``, so a release never leaves a half-written notebook. ``release(..., check=True)``
writes nothing and returns what is out of date: the test suite uses it to fail when someone edited
``solutions/`` and forgot to release.

    changes = release("solutions", "lessons")               # ['lessons/01-gd/01-gd.ipynb', ...]
    stale = release("solutions", "lessons", check=True)     # [] when lessons/ is up to date
"""
from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path

import nbformat

from . import notebook as nbk
from .notebook import SKIP, lesson_files
VOLATILE_CELL_METADATA = ("ExecuteTime", "execution", "collapsed", "scrolled")


def release_notebook(nb, name: str = "notebook") -> nbformat.NotebookNode:
    """The student's copy of an instructor notebook (a new object; the source is not changed)."""
    nbk.validate(nb, name)
    out = copy.deepcopy(nb)
    out.metadata.pop("widgets", None)                      # saved widget state is output too
    out.metadata.pop("jupytext", None)                     # the pairing with the source (optcourse build)
    for i, cell in enumerate(out.cells):
        r = nbk.role(cell)
        cell.source = nbk.student_source(cell, f"{name}: {nbk.describe(cell, i)}")
        for key in (*VOLATILE_CELL_METADATA, "id"):        # "id": the source's copy of the cell id
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if r == "answer":
            cell.pop("attachments", None)
        if r in ("answer", "tests"):
            tags = [t for t in cell.metadata.get("tags", []) if t != nbk.RAISES]
            cell.metadata["tags"] = tags + [nbk.RAISES]
            cell.metadata.nbgrader.setdefault("schema_version", nbk.SCHEMA_VERSION)
    return out


def notebook_text(nb) -> str:
    return nbformat.writes(nb) + "\n"


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and os.replace it over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)   # mkstemp makes it private; lessons are for everyone to read
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def released_files(lesson: Path) -> dict[Path, bytes]:
    """What ``release`` writes for one source lesson folder: relative path -> content."""
    out = {}
    for rel in lesson_files(lesson):
        if rel.suffix == ".ipynb":
            nb = nbformat.read(str(lesson / rel), as_version=4)
            out[rel] = notebook_text(release_notebook(nb, f"{lesson.name}/{rel}")).encode()
        else:
            out[rel] = (lesson / rel).read_bytes()
    return out


def lesson_folders(solutions) -> list[Path]:
    return sorted(p for p in Path(solutions).iterdir() if p.is_dir() and p.name not in SKIP)


def release(solutions="solutions", lessons="lessons", check: bool = False) -> list[str]:
    """Write ``lessons/`` from ``solutions/``; return the paths written (or, with check, out of date).

    Only lesson folders (subfolders) are managed: top-level files such as ``lessons/README.md`` are
    left alone. A file in a released lesson folder that has no source is out of date, and release
    deletes it.
    """
    solutions, lessons = Path(solutions), Path(lessons)
    if not solutions.is_dir():
        raise ValueError(f"release: {solutions} is not a folder; pass the instructor's solutions/ folder.")
    changed = []
    for folder in lesson_folders(solutions):
        target = lessons / folder.name
        wanted = released_files(folder)
        for rel, data in wanted.items():
            path = target / rel
            if not path.is_file() or path.read_bytes() != data:
                changed.append(str(path))
                if not check:
                    write_atomic(path, data)
        if target.is_dir():
            for rel in lesson_files(target):
                if rel not in wanted:
                    changed.append(str(target / rel))
                    if not check:
                        (target / rel).unlink()
    if lessons.is_dir():
        sources = {f.name for f in lesson_folders(solutions)}
        changed += [f"{p} (no source in {solutions}; delete it by hand)"       # reported, never deleted
                    for p in lesson_folders(lessons) if p.name not in sources]
    return changed
