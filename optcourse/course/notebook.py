"""The exercise format: nbgrader cell metadata and markers, read from the instructor's notebooks.

A lesson's source notebook (``solutions/NN-name/NN-name.ipynb``) marks its exercises the way nbgrader
does, so the course can also be dropped into nbgrader. Each exercise is two cells:

* an **answer cell** (``"nbgrader": {"solution": true, "grade": false, "grade_id": "adam-step", ...}``)
  whose solution sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION``;
* a **test cell** (``"grade": true, "solution": false, "locked": true, "grade_id": "adam-step-tests",
  "points": 2``): a visible self-check the student runs, then hidden tests between
  ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``.

A written answer is a Markdown answer cell that nbgrader grades by hand (``"solution": true, "grade":
true, "points": 1``); the grader reports its points as awaiting manual grading. Every other cell may be
``locked``; like every nbgrader cell, a locked cell has a ``grade_id`` of its own. This module reads that
format, checks it (clear errors name the cell), splits cells into their visible and hidden parts, and
makes the student's version of a cell.

    nb = read_source("solutions/01-gd/01-gd.ipynb")      # raises ValueError on a malformed exercise
    [c.grade_id for c in exercise_cells(nb)]             # ['lr-range', 'lr-range-tests', ...]
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CODE_PROMPT = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_PROMPT = "YOUR ANSWER HERE"
SKIP = {".ipynb_checkpoints", "__pycache__", ".DS_Store"}   # editor and cache litter in a lesson folder
RAISES = "raises-exception"          # nbval's tag for a cell that is expected to fail
SCHEMA_VERSION = 3                   # nbgrader's cell metadata schema


def nbgrader_metadata(cell) -> dict:
    """A cell's nbgrader metadata; {} where it is missing or not a mapping (a student's notebook may hold anything)."""
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return meta if isinstance(meta, dict) else {}


def role(cell) -> str:
    """'answer', 'tests', 'locked' or 'plain' (nbgrader: solution / grade / locked / neither)."""
    meta = nbgrader_metadata(cell)
    if meta.get("solution"):
        return "answer"
    if meta.get("grade"):
        return "tests"
    return "locked" if meta.get("locked") else "plain"


def grade_id(cell):
    """The cell's grade_id as written (a str in a valid notebook; anything in a student's)."""
    return nbgrader_metadata(cell).get("grade_id")


def written_answer(cell) -> bool:
    """A Markdown answer cell: graded by hand, never automatically."""
    return role(cell) == "answer" and cell["cell_type"] == "markdown"


def points(cell) -> float:
    """The cell's points; ValueError if they are not a finite number >= 0."""
    value = nbgrader_metadata(cell).get("points", 0)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < float("inf"):
        raise ValueError(f"'points' must be a number >= 0, got {value!r}.")
    return float(value)


def _regions(source: str, begin: str, end: str, where: str) -> list[tuple[int, int]]:
    """(first, last) line numbers of each begin..end region, markers included; unbalanced is an error."""
    regions, start = [], None
    for number, line in enumerate(source.splitlines()):
        text = line.strip()
        if text == begin:
            if start is not None:
                raise ValueError(f"{where}: '{begin}' twice without '{end}' in between (line {number + 1}).")
            start = number
        elif text == end:
            if start is None:
                raise ValueError(f"{where}: '{end}' without a '{begin}' before it (line {number + 1}).")
            regions.append((start, number))
            start = None
    if start is not None:
        raise ValueError(f"{where}: '{begin}' on line {start + 1} is never closed by '{end}'.")
    return regions


def region_text(source: str, begin: str, end: str, where: str = "cell") -> list[str]:
    """The text inside each begin..end region, markers excluded."""
    lines = source.splitlines()
    return ["\n".join(lines[a + 1:b]) for a, b in _regions(source, begin, end, where)]


def _replace_regions(source: str, begin: str, end: str, replacement: str | None, where: str) -> str:
    lines = source.splitlines()
    out, last = [], 0
    for a, b in _regions(source, begin, end, where):
        out += lines[last:a]
        if replacement is not None:
            indent = re.match(r"\s*", lines[a]).group()
            out += [indent + r for r in replacement.splitlines()]
        last = b + 1
    return "\n".join(out + lines[last:])


def describe(cell, index: int) -> str:
    gid = grade_id(cell)
    return f"cell {index}" + (f" ({gid!r})" if isinstance(gid, str) and gid else "")


def validate(nb, name: str = "notebook") -> None:
    """Raise ValueError naming the cell if the exercise markup is inconsistent, or not nbgrader's."""
    seen = {}
    for i, cell in enumerate(nb["cells"]):
        where = f"{name}: {describe(cell, i)}"
        r, gid, src = role(cell), grade_id(cell), cell["source"]
        meta = nbgrader_metadata(cell)
        if not isinstance(src, str):
            raise ValueError(f"{where}: its source is not text.")
        if r != "plain":
            try:
                points(cell)
            except ValueError as e:
                raise ValueError(f"{where}: {e}") from None
            if not gid or not isinstance(gid, str):
                raise ValueError(f"{where}: an nbgrader {r} cell needs a 'grade_id', a name unique in the lesson "
                                 f"(nbgrader refuses any marked cell without one).")
            if gid in seen:
                raise ValueError(f"{where}: grade_id {gid!r} is also used by cell {seen[gid]}; ids must be unique.")
            seen[gid] = i
        if r == "tests":
            if cell["cell_type"] != "code":
                raise ValueError(f"{where}: test cells must be code cells.")
            if not points(cell) > 0:
                raise ValueError(f"{where}: a test cell needs 'points' > 0 in its nbgrader metadata.")
            _regions(src, BEGIN_HIDDEN, END_HIDDEN, where)
            if BEGIN_SOLUTION in src:
                raise ValueError(f"{where}: '{BEGIN_SOLUTION}' belongs in an answer cell, not a test cell.")
        elif r == "answer":
            _regions(src, BEGIN_SOLUTION, END_SOLUTION, where)
            if BEGIN_HIDDEN in src:
                raise ValueError(f"{where}: hidden tests belong in a test cell, not an answer cell.")
            if cell["cell_type"] == "markdown" and not (meta.get("grade") and "points" in meta and points(cell) >= 0):
                raise ValueError(f'{where}: a written answer (a Markdown answer cell) is graded by hand: give it '
                                 f'"grade": true and its "points", as nbgrader requires.')
            if cell["cell_type"] == "code" and meta.get("grade"):
                raise ValueError(f'{where}: a code answer earns its points in its test cell; set its "grade" '
                                 f'to false.')
        elif BEGIN_SOLUTION in src or BEGIN_HIDDEN in src:
            raise ValueError(f"{where}: solution or hidden-test markers in a cell that is not an nbgrader "
                             f"answer or test cell; mark the cell (see docs/authoring.md).")


def read_source(path):
    """Read an instructor's notebook and validate its exercises."""
    import nbformat                                  # slow to import; the verifier never needs it
    nb = nbformat.read(str(path), as_version=4)
    validate(nb, Path(path).name)
    return nb


def exercise_cells(nb) -> list:
    return [c for c in nb["cells"] if role(c) in ("answer", "tests")]


def student_source(cell, where: str = "cell") -> str:
    """What the student sees in a cell: solutions replaced by a prompt, hidden tests removed."""
    r = role(cell)
    if r == "answer":
        prompt = CODE_PROMPT if cell["cell_type"] == "code" else TEXT_PROMPT
        if BEGIN_SOLUTION not in cell["source"]:
            return prompt                                    # nbgrader: the whole cell is the solution
        return _replace_regions(cell["source"], BEGIN_SOLUTION, END_SOLUTION, prompt, where)
    if r == "tests":
        return _replace_regions(cell["source"], BEGIN_HIDDEN, END_HIDDEN, None, where).rstrip()
    return cell["source"]


def test_segments(source: str) -> list[tuple[str, bool]]:
    """Split a test cell into (code, hidden) segments, in order; hidden tests keep their line numbers."""
    lines = source.splitlines()
    segments, last = [], 0
    for a, b in _regions(source, BEGIN_HIDDEN, END_HIDDEN, "test cell"):
        segments.append(("\n".join(lines[last:a]), False))
        segments.append(("\n" * (a + 1) + "\n".join(lines[a + 1:b]), True))
        last = b + 1
    segments.append(("\n" * last + "\n".join(lines[last:]), False))
    return [(code, hidden) for code, hidden in segments if code.strip()]


def defined_names(source: str, imports: bool = True) -> list[str]:
    """Top-level names a cell binds (assignments, def, class and, if asked, import), in order.

    The grader takes these names (without imports: a test's ``np`` is always the grader's own) from
    the student's kernel after running their answer. IPython magics are blanked so the cell parses.
    """
    text = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    names = []

    def add(target):
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for t in target.elts:
                add(t)
        elif isinstance(target, ast.Starred):
            add(target.value)

    for node in ast.parse(text).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                add(t)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            add(node.target)
        elif imports and isinstance(node, (ast.Import, ast.ImportFrom)):
            names += [(a.asname or a.name).split(".")[0] for a in node.names]
    return list(dict.fromkeys(names))


def lesson_files(folder) -> list[Path]:
    """Every file of a lesson folder, relative to it, skipping editor and cache litter."""
    folder = Path(folder)
    return sorted(p.relative_to(folder) for p in folder.rglob("*")
                  if p.is_file() and not SKIP & set(p.relative_to(folder).parts))


def _parse(source: str):
    text = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    return ast.parse(text)


def names_read(source: str) -> set[str]:
    """Every name a cell reads, in any scope (a function body's globals included)."""
    return {node.id for node in ast.walk(_parse(source)) if isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)}


# Methods of arrays, numbers, strings and containers that never change their object.
PURE_METHODS = frozenset(
    "copy sum mean std var min max argmin argmax cumsum cumprod prod reshape ravel flatten astype dot item "
    "tolist round clip conj conjugate transpose squeeze nonzero any all trace diagonal real imag view "
    "keys values items get count index format startswith endswith split join strip lower upper replace "
    "evalf subs simplify expand factor diff doit free_symbols as_numer_denom".split())


def names_changed(source: str) -> set[str]:
    """Names whose objects a cell may change in place: method-call receivers (``rng.normal()``,
    ``x.append``, but not ``x.copy()``: PURE_METHODS), targets of item or attribute assignment and of
    augmented assignment."""
    changed = set()

    def base(node):
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        return node.id if isinstance(node, ast.Name) else None

    for node in ast.walk(_parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr not in PURE_METHODS:
            changed.add(base(node.func.value))
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            for target in getattr(node, "targets", None) or [node.target]:
                if isinstance(target, (ast.Attribute, ast.Subscript)):
                    changed.add(base(target))
    return changed - {None}


def grader_cells(nb) -> set[int]:
    """Indexes of the ordinary code cells the grader must run beside the student's kernel for the tests.

    A backward pass from the test cells: a cell is kept when it binds or changes a name that a kept cell
    (or a test) reads later; answer cells' names come from the student's kernel. Cells that only draw,
    print or compute what no test reads are skipped. A cell that cannot be parsed, or that touches
    global random state or the working folder (``np.random.`` but for ``default_rng``, ``random.``,
    ``os.chdir``), is always kept. Calls on imported modules (``np.array``) are not taken as changes.
    """
    modules = set()                                  # calling np.array() does not change np
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            try:
                modules |= set(defined_names(cell["source"])) - set(defined_names(cell["source"], imports=False))
            except SyntaxError:
                pass
    global_state = re.compile(r"\b(np\.random|random)\.(?!default_rng\b)|\bos\.chdir\b|\bseed\(")
    live, keep = set(), set()
    for i in range(len(nb["cells"]) - 1, -1, -1):
        cell = nb["cells"][i]
        if cell["cell_type"] != "code":
            continue
        r, src = role(cell), cell["source"]
        try:
            reads, bound = names_read(src), set(defined_names(src))
            changed = names_changed(src) - modules
        except SyntaxError:
            if r not in ("answer", "tests"):
                keep.add(i)
            continue
        if r == "tests":
            live |= reads
        elif r == "answer":
            live -= set(defined_names(src, imports=False))
        elif (bound | changed) & live or global_state.search(src):
            keep.add(i)
            live = (live - (bound - changed)) | reads | changed
    return keep
