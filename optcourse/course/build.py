"""Build each solved lesson notebook from its text source, and check that the two still agree.

A lesson's single source is a MyST Markdown notebook beside its folder, ``solutions/NN-name.md``
(jupytext's ``md:myst``; ``release`` never copies it, since it holds the solutions and the hidden
tests). Prose is plain Markdown, code sits in ``{code-cell}`` blocks, and each cell's metadata holds
its nbgrader entry and its ``id``. ``build_lesson`` runs the source top to bottom in a fresh kernel
and saves ``solutions/NN-name/NN-name.ipynb`` with its outputs, the same way on every machine:

* the kernel runs in the lesson folder, with one BLAS thread, this repository first on its
  ``PYTHONPATH`` and the inline Matplotlib backend a student's JupyterLab uses. (The test suite runs
  nbval with ``MPLBACKEND=Agg``; nbval compares text outputs and never images, and the text is the same.
  Built under Agg, the lessons that select the inline backend only after importing pyplot would lose
  the images of some figures);
* no widget state, no execution timings and no random widget model ids are saved, so rebuilding
  changes only what changed;
* each cell keeps the id written in its source. A cell without one (new, or a copy whose id is taken)
  gets the lesson's next free number, written back into the source. Ids are never renumbered.

The source names its notebook (``jupytext: formats: NN-name//ipynb,md:myst``) and the notebook names
its source, so jupytext pairs them: open the notebook in JupyterLab and you edit the source, and
``jupytext --sync`` works from either file.

``check_lesson`` writes nothing and lists how a notebook differs from its source: cells (type, id,
metadata, text), whether every code cell ran once, top to bottom, and with ``execute_cells=True``
the outputs of a fresh run, compared by nbval's rules.

    build_lesson("solutions/05-adaptive.md")     # writes solutions/05-adaptive/05-adaptive.ipynb
    check_lesson("solutions/05-adaptive.md")     # [] when the notebook matches its source
"""
from __future__ import annotations

import copy
import importlib.util
import json
import os
import re
from collections import Counter, defaultdict
from pathlib import Path

import nbformat

from ..threads import VARIABLES as BLAS_VARIABLES
from . import notebook as nbk
from .release import VOLATILE_CELL_METADATA, notebook_text, write_atomic

SOURCE_FORMAT = "md:myst"
SOURCE_NAME = re.compile(r"\d\d-[\w-]+\.md")              # NN-name.md; other Markdown files are not lessons
CELL_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")              # what nbformat allows as a cell id
NUMBERED_ID = re.compile(r"(.+)-(\d+)")
REPOSITORY = Path(__file__).resolve().parents[2]           # the kernel imports this optcourse
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def find_sources(solutions="solutions", lessons=()) -> list[Path]:
    """The sources in ``solutions``: all, or those named by ``lessons`` ("05" or "05-adaptive")."""
    sources = sorted(p for p in Path(solutions).glob("*.md") if SOURCE_NAME.fullmatch(p.name))
    if not sources:
        raise ValueError(f"build: no lesson sources (NN-name.md) in {solutions}.")
    chosen = []
    for name in lessons:
        found = [p for p in sources if p.stem == name or p.stem.startswith(f"{name}-")]
        if len(found) != 1:
            raise ValueError(f"build: {name!r} names {len(found)} lessons; pass one of "
                             f"{', '.join(p.stem for p in sources)} (or its number).")
        chosen.append(found[0])
    return chosen or sources


def notebook_path(source) -> Path:
    source = Path(source)
    return source.parent / source.stem / f"{source.stem}.ipynb"


def pairing(source) -> str:
    """jupytext's formats entry that pairs ``NN-name.md`` with ``NN-name/NN-name.ipynb``."""
    return f"{Path(source).stem}//ipynb,{SOURCE_FORMAT}"


def assign_ids(cells, fallback_prefix: str) -> list[str]:
    """Give each cell the id in its metadata; number cells without one (or with a taken one) after the
    highest number in use. Returns the new ids."""
    seen, unnamed = set(), []
    for cell in cells:
        given = cell.metadata.get("id")
        if isinstance(given, str) and CELL_ID.fullmatch(given) and given not in seen:
            seen.add(given)
        else:
            unnamed.append(cell)
    numbered = [m for m in map(NUMBERED_ID.fullmatch, seen) if m]
    prefix = Counter(m[1] for m in numbered).most_common(1)[0][0] if numbered else fallback_prefix
    number = max((int(m[2]) for m in numbered if m[1] == prefix), default=-1)
    new = []
    for cell in unnamed:
        number += 1
        new.append(f"{prefix}-{number:02d}")
        cell.metadata["id"] = new[-1]
    for cell in cells:
        cell.id = cell.metadata["id"]
    return new


def read_source(source):
    """(notebook, what build has to write into the source first): cell ids given, exercises validated."""
    import jupytext                                    # needed only by those who build lessons
    source = Path(source)
    nb = jupytext.read(source, fmt=SOURCE_FORMAT)
    new_ids = assign_ids(nb.cells, source.stem.split("-", 1)[-1])
    changes = [f"ids for new cells: {', '.join(new_ids)}"] if new_ids else []
    if nb.metadata.get("jupytext", {}).get("formats") != pairing(source):
        nb.metadata.setdefault("jupytext", {})["formats"] = pairing(source)
        changes.append(f"its pairing, formats: {pairing(source)}")
    nb.metadata.setdefault("kernelspec", KERNELSPEC)
    nbk.validate(nb, source.name)
    return nb, changes


def notebook_metadata(nb) -> dict:
    """The solved notebook's metadata, as jupytext writes it for a paired notebook: the source's
    jupytext entry (less the text file's own description) and kernelspec."""
    pairing_entry = {k: v for k, v in nb.metadata["jupytext"].items() if k != "text_representation"}
    return {"jupytext": pairing_entry, "kernelspec": nb.metadata["kernelspec"]}


def kernel_environment() -> dict:
    """One BLAS thread, this repository's optcourse, and the inline backend of a student's JupyterLab
    (ipykernel's default; any MPLBACKEND of the instructor's shell would change the figures)."""
    path = os.pathsep.join(p for p in (str(REPOSITORY), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path, "MPLBACKEND": INLINE_BACKEND, **{v: "1" for v in BLAS_VARIABLES}}


def execute(nb, folder: Path, name: str, timeout: float = 300.0):
    """A copy of ``nb`` run top to bottom in a fresh kernel in ``folder``, with its outputs."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    nb = copy.deepcopy(nb)
    client = NotebookClient(nb, timeout=timeout, kernel_name=nb.metadata["kernelspec"]["name"],
                            store_widget_state=False, coalesce_streams=True, resources={"metadata": {"path": str(folder)}},
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])   # not its warning about TCP
    try:
        client.execute(env=kernel_environment())
    except CellExecutionError as e:
        failed = next((c.id for c in nb.cells if any(o.output_type == "error" for o in c.get("outputs", []))), "?")
        raise ValueError(f"{name}: cell {failed} raised {e.ename}: {e.evalue}\n{e}\n"
                         f"Fix the cell in the source, then build again.") from None
    except CellTimeoutError as e:
        raise ValueError(f"{name}: {e} Make the cell faster, or allow more with --timeout.") from None
    for cell in nb.cells:
        cell.metadata.pop("execution", None)           # timings differ on every run
        for number, output in enumerate(cell.get("outputs", [])):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view:           # a random id of a model that is not saved: a stable name serves as well
                view["model_id"] = f"{cell.id}-{number}"
    return nb


def write_source(nb, source: Path) -> None:
    """Write the source with each cell's metadata in sorted order, as nbformat saves the notebook: then
    jupytext reads the same inputs, in the same text, from the source and from the notebook."""
    import jupytext
    for cell in nb.cells:
        cell.metadata = nbformat.from_dict(json.loads(json.dumps(cell.metadata, sort_keys=True)))
    write_atomic(source, jupytext.writes(nb, fmt=SOURCE_FORMAT).encode())


def build_lesson(source, timeout: float = 300.0) -> list[str]:
    """Run a lesson's source and save its solved notebook; return what was written back into the source."""
    source = Path(source)
    nb, changes = read_source(source)
    if changes:
        write_source(nb, source)
    target = notebook_path(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    nb.metadata = nbformat.from_dict(notebook_metadata(nb))           # nbclient adds language_info
    done = execute(nb, target.parent, source.stem, timeout)
    write_atomic(target, notebook_text(done).encode())
    os.utime(source)           # as jupytext --sync does: the source is the newer file, JupyterLab reads it first
    return changes


def _metadata(cell) -> dict:
    return {k: v for k, v in cell.metadata.items() if k not in VOLATILE_CELL_METADATA}


def cell_differences(source_cells, built_cells) -> list[str]:
    """How the notebook's cells differ from the source's, by cell id."""
    built = {c.get("id"): c for c in built_cells}
    wanted = {c.id: c for c in source_cells}
    problems = [f"cell {i} is in the source, not in the notebook" for i in wanted if i not in built]
    problems += [f"cell {i} is in the notebook, no longer in the source" for i in built if i not in wanted]
    common = [i for i in wanted if i in built]
    if common != [c.get("id") for c in built_cells if c.get("id") in wanted]:
        problems.append("the cells are in another order than in the source")
    for i in common:
        a, b = wanted[i], built[i]
        for what, x, y in (("type", a.cell_type, b.cell_type), ("text", a.source, b.source),
                           ("metadata", _metadata(a), _metadata(b))):
            if x != y:
                problems.append(f"cell {i}: its {what} differs from the source")
    return problems


def run_differences(built_cells) -> list[str]:
    """Were all code cells run once each, top to bottom, in one kernel (execution counts 1, 2, 3, ...)?"""
    code = [c for c in built_cells if c.cell_type == "code"]
    unrun = [c.get("id") for c in code if c.execution_count is None]
    if unrun:
        return [f"cell {unrun[0]} was never run ({len(unrun)} code cell(s) without outputs)"]
    if [c.execution_count for c in code] != list(range(1, len(code) + 1)):
        return ["the code cells were not run once each, top to bottom, in a fresh kernel"]
    return []


def sanitize_patterns(path) -> list[tuple[str, str]]:
    """nbval's (regex, replacement) pairs from a sanitize file such as tests/nbval_sanitize.cfg (or none)."""
    if importlib.util.find_spec("nbval") is None:
        raise ValueError("build: comparing outputs follows nbval's rules; install nbval (the test extra).")
    if path is None:
        return []
    if not Path(path).is_file():
        raise ValueError(f"build: no sanitize file {path}; run from the repository or pass --sanitize.")
    from nbval.plugin import get_sanitize_patterns
    return get_sanitize_patterns(Path(path).read_text())


def nbval_outputs(cell, patterns) -> dict[str, list]:
    """A cell's outputs as nbval compares them: streams of a name joined, MIME types flattened, then
    metadata, images and widget ids left out and the sanitize patterns applied to every string."""
    from nbval.plugin import coalesce_streams, transform_streams_for_comparison
    skip = {"metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
            "application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg"}
    values = defaultdict(list)

    def clean(value):
        if isinstance(value, str):
            for regex, replacement in patterns:
                value = re.sub(regex, replacement, value)
        return value

    for output in transform_streams_for_comparison(coalesce_streams(copy.deepcopy(cell.outputs))):
        for key, value in output.items():
            for k, v in (value.items() if key == "data" else [(key, value)]):
                if k not in skip:
                    values[k].append(clean(v))
    return dict(values)


def output_differences(fresh_cells, built_cells, patterns) -> list[str]:
    """Code cells whose fresh outputs differ from the saved ones, skipping those nbval skips."""
    from nbval.plugin import find_comment_markers, find_metadata_tags
    problems = []
    for fresh, saved in zip(fresh_cells, built_cells):
        if fresh.cell_type != "code":
            continue
        options = {"check": True, **dict(find_metadata_tags(saved.metadata)),
                   **dict(find_comment_markers(saved.source))}
        if options.get("skip") or not options["check"]:
            continue
        if nbval_outputs(fresh, patterns) != nbval_outputs(saved, patterns):
            problems.append(f"cell {saved.id}: its outputs differ from a fresh run")
    return problems


def check_lesson(source, execute_cells: bool = False, sanitize=None, timeout: float = 300.0) -> list[str]:
    """What differs between a lesson's source and its solutions notebook ([] when they agree)."""
    source = Path(source)
    nb, changes = read_source(source)
    problems = [f"the source needs {c}" for c in changes]
    target = notebook_path(source)
    if not target.is_file():
        return problems + [f"{target} does not exist"]
    built = nbformat.read(target, as_version=4)
    problems += cell_differences(nb.cells, built.cells) + run_differences(built.cells)
    for key, value in notebook_metadata(nb).items():
        if built.metadata.get(key) != value:
            problems.append(f"the notebook's {key} metadata differs from the source's")
    if execute_cells and not problems:
        patterns = sanitize_patterns(sanitize)
        fresh = execute(nb, target.parent, source.stem, timeout)
        problems += output_differences(fresh.cells, built.cells, patterns)
    return problems
