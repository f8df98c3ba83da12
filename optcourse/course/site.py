"""Build the course website: every lesson as a student reads it, plus the library's reference.

    build_site("site")                                   # from solutions/ and README.md; returns a Site
    optcourse site --out site [--repository OWNER/REPO]  # the same from the shell

The site is made with Sphinx, MyST-NB and the book theme (the parts Jupyter Book 1 is made of, run
directly; Jupyter Book 2 fetches its theme at build time and cannot build offline). Nothing is
executed: each lesson page is made from the solved notebook ``solutions/NN-name/NN-name.ipynb``,
turned into what the student gets:

* every cell's text is what ``optcourse release`` gives the student: solutions replaced by the prompt,
  hidden tests removed (:func:`release.release_notebook` does it, the same function as for lessons/);
* outputs are the solved notebook's, except those of answer cells, of test cells (the self-check's
  verdicts) and of every cell that reads, directly or through other cells, a name an answer defines:
  those outputs were made by the solution, and the student sees none of them before answering;
* a widget is its still image: each widget's display carries a PNG beside its widget view (see
  ``optcourse.widgets``), and with no widget state saved the view alone would render as nothing.

Lessons are found by glob (``solutions/NN-name.md`` with its built notebook), so a new lesson appears
once it is built; a source not built yet is left out with a warning. Each lesson page has buttons to
open the lesson on Binder (when the GitHub repository is known) and to download the student's notebook
or the whole lesson folder, written at build time exactly as ``optcourse release`` writes them.

The home page takes what the course is and whom it is for from the README (its opening and its
quick start), and each lesson's one line from the README's lesson table, or else the lesson's first
sentence. The reference is autodoc's, from the docstrings of ``optcourse.optim`` (every module, found
by ``pkgutil``) and of the second-order methods. MathJax 3 comes from the ``sphinx-mathjax-offline``
package and is copied into the site, so math renders without a network; so does Sphinx's search.
"""
from __future__ import annotations

import ast
import copy
import importlib.util
import io
import os
import pkgutil
import re
import shutil
import subprocess
import symtable
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import notebook as nbk
from .build import WIDGET_VIEW, find_sources, notebook_path
from .release import notebook_text, release_notebook, released_files

MATHJAX_PACKAGE = "sphinx-mathjax-offline"       # ships MathJax 3.2.2 (its folder name has dashes)
# The parts of MathJax a page loads: the TeX-to-HTML bundle, the TeX extensions it autoloads, the fonts,
# the menu and the accessibility part the menu switches on. (The speech engine, 4 MB, is left out.)
MATHJAX_PARTS = ("tex-chtml.js", "input/tex/extensions", "output/chtml", "ui", "a11y")
BINDER = "https://mybinder.org/v2/gh/{repository}/{ref}?urlpath=lab/tree/lessons/{name}/{name}.ipynb"
DOWNLOADS = "downloads"
LESSON_ROW = re.compile(r"^\|\s*(\d\d)\s*\|[^|]*\|\s*(.+?)\s*\|\s*$", re.M)    # | 01 | title | line |
REPOSITORY_NAME = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")
STYLE = """\
.optcourse-launch { display: flex; flex-wrap: wrap; gap: .5rem; margin: .5rem 0 1rem; }
.optcourse-launch a { border: 1px solid var(--pst-color-border); border-radius: .3rem; padding: .25rem .7rem;
                      text-decoration: none; font-size: .9rem; }
.optcourse-launch a:hover { background: var(--pst-color-surface); }
.optcourse-note { font-size: .9rem; color: var(--pst-color-text-muted); }
div.cell_output img { max-width: 100%; height: auto; }
/* a long name in inline code (optcourse.minimize.cholesky_with_added_identity) may break on a phone */
.bd-article code.literal, .bd-article code.literal span.pre { white-space: normal; overflow-wrap: anywhere; }
.bd-article dt.sig { flex-wrap: wrap; overflow-wrap: anywhere; }
.bd-article dt.sig span.pre { white-space: normal; }
.bd-article h1, .bd-article h2, .bd-article h3 { overflow-wrap: anywhere; }
"""


@dataclass
class Lesson:
    name: str                      # NN-name
    title: str                     # the notebook's first heading
    summary: str                   # one line for the home page
    page: nbformat.NotebookNode    # what the lesson's page shows
    files: dict = field(repr=False, default_factory=dict)   # the released lesson folder: path -> bytes


@dataclass
class Site:
    out: Path
    lessons: list[str]
    skipped: list[str]             # sources without a built notebook
    seconds: float
    megabytes: float
    warnings: list[str]
    repository: str | None         # OWNER/REPO the Binder buttons open, or None (no Binder buttons)


# ----------------------------------------------------------------------------- lesson pages

def _code(source: str) -> str:
    """A cell's code with IPython magics and shell lines blanked, so that it parses."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def names_read(statement: ast.stmt) -> set[str]:
    """The global names a top-level statement reads. Function parameters and comprehension variables
    are their own scope's (symtable says so); a loop's or a with-block's variable is bound before its
    body reads it."""
    def walk(table):
        names = {s.get_name() for s in table.get_symbols()
                 if s.is_referenced() and (table.get_type() == "module" or s.is_global())}
        for child in table.get_children():
            names |= walk(child)
        return names

    read = walk(symtable.symtable(ast.unparse(statement), "<cell>", "exec"))
    if isinstance(statement, (ast.For, ast.AsyncFor)):
        read -= {n.id for n in ast.walk(statement.target) if isinstance(n, ast.Name)} - {
            n.id for n in ast.walk(statement.iter) if isinstance(n, ast.Name)}
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        read -= {n.id for item in statement.items if item.optional_vars is not None
                 for n in ast.walk(item.optional_vars) if isinstance(n, ast.Name)}
    return read


def statements(source: str) -> list[tuple[set[str], list[str]]] | None:
    """A code cell's top-level statements as (names read, names bound), in order; None if it does not
    parse (then assume it reads anything)."""
    try:
        tree = ast.parse(_code(source))
    except SyntaxError:
        return None
    return [(names_read(s), nbk.defined_names(ast.unparse(s))) for s in tree.body]


def outputs_made_by_answers(nb) -> list[bool]:
    """For each cell, whether its outputs come from a solution: answer and test cells, and every code
    cell that reads a name an answer cell bound, directly or through a cell that did. A name a clean
    statement binds is clean again."""
    tainted: set[str] = set()
    made = []
    for cell in nb.cells:
        r = nbk.role(cell)
        if cell.cell_type != "code":
            made.append(r in ("answer", "tests"))
            continue
        steps = statements(cell.source if r != "answer" else cell.source.replace(nbk.BEGIN_SOLUTION, "")
                           .replace(nbk.END_SOLUTION, ""))
        if steps is None:
            made.append(True)
            continue
        from_answer = r in ("answer", "tests")
        for read, bound in steps:
            if from_answer or read & tainted:
                from_answer = True
                tainted |= set(bound)
            else:
                tainted -= set(bound)
        made.append(from_answer)
    return made


def still_outputs(outputs) -> list:
    """Outputs with each widget view dropped: a widget shows its PNG, and one without a PNG shows nothing."""
    kept = []
    for output in outputs:
        data = output.get("data", {})
        if WIDGET_VIEW in data:
            output = copy.deepcopy(output)
            del output["data"][WIDGET_VIEW]
            if not set(output["data"]) - {"text/plain"}:
                continue                  # only the widget's text stand-in: nothing to look at
        kept.append(output)
    return kept


def student_page(nb, name: str = "notebook") -> nbformat.NotebookNode:
    """The page of a lesson: the student's cells with the solved notebook's outputs where the solution
    made none of them (see the module's docstring)."""
    page = release_notebook(nb, name)              # validates; clears every output
    for solved, cell, from_answer in zip(nb.cells, page.cells, outputs_made_by_answers(nb)):
        if cell.cell_type == "code" and not from_answer:
            cell.outputs = still_outputs(solved.outputs)
            cell.execution_count = solved.execution_count
    return page


def first_heading(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+?)\s*$", cell.source, re.M)
            if match:
                return match.group(1)
    raise ValueError("the lesson has no heading (a Markdown cell starting '# NN. Title'); give it one.")


def first_sentence(nb) -> str:
    """The first sentence of the lesson's prose after its heading (for the home page's list)."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for paragraph in re.split(r"\n\s*\n", cell.source):
            text = " ".join(paragraph.split())
            if text and not text.startswith(("#", "|", "-", "*", "1.", "$$", "<", "```")):
                return re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return ""


def readme_summaries(readme: str) -> dict[str, str]:
    """Lesson number -> the line of the README's lesson table."""
    return {number: line for number, line in LESSON_ROW.findall(readme)}


def buttons(name: str, repository: str | None, ref: str) -> str:
    links = []
    if repository:
        links.append(f'<a href="{BINDER.format(repository=repository, ref=ref, name=name)}">Open on Binder</a>')
    links.append(f'<a href="{DOWNLOADS}/{name}.ipynb" download>Download the notebook</a>')
    links.append(f'<a href="{DOWNLOADS}/{name}.zip" download>Download the lesson folder (.zip)</a>')
    note = ("This page is the lesson as you get it: the exercises are unanswered, and the cells that use "
            "your answers show no output. Open it on Binder, or download it and open it in JupyterLab, "
            "to run it, use the live widgets (here: their still images) and check your answers.")
    return f'<div class="optcourse-launch">\n{"".join(links)}\n</div>\n<p class="optcourse-note">{note}</p>\n'


def with_buttons(page, html: str):
    """Put the buttons under the page's title: the first cell is split after its heading line."""
    page = copy.deepcopy(page)
    for i, cell in enumerate(page.cells):
        if cell.cell_type == "markdown" and re.match(r"\s*#\s", cell.source):
            title, _, rest = cell.source.lstrip().partition("\n")
            new = [nbformat.v4.new_markdown_cell(title), nbformat.v4.new_markdown_cell(html)]
            if rest.strip():
                new.append(nbformat.v4.new_markdown_cell(rest.strip("\n")))
            for j, c in enumerate(new):
                c.id = f"site-{i}-{j}"
            page.cells[i:i + 1] = new
            break
    return page


def read_lessons(solutions, readme: str = "") -> tuple[list[Lesson], list[str]]:
    """The built lessons in order, and the names of sources not built yet."""
    lessons, skipped = [], []
    summaries = readme_summaries(readme)
    for source in find_sources(solutions):
        path = notebook_path(source)
        if not path.is_file():
            skipped.append(source.stem)
            continue
        nb = nbk.read_source(path)
        name = source.stem
        try:
            title = first_heading(nb)
        except ValueError as e:
            raise ValueError(f"site: {path}: {e}") from None
        summary = summaries.get(name[:2]) or first_sentence(nb)
        lessons.append(Lesson(name, title, summary, student_page(nb, name), released_files(path.parent)))
    return lessons, skipped


# ----------------------------------------------------------------------------- home, reference, config

def readme_sections(readme: str) -> dict[str, str]:
    """The README's text before its first '## ' heading (key ''), and each '## ' section by heading."""
    parts = re.split(r"^## +(.+?)\s*$", readme, flags=re.M)
    opening = re.sub(r"^# .*\n", "", parts[0], count=1)
    opening = re.sub(r"^\[!\[.*\n?", "", opening, flags=re.M).strip()      # badges: images from elsewhere
    sections = {"": opening}
    sections.update({heading: text.strip() for heading, text in zip(parts[1::2], parts[2::2])})
    return sections


def home_page(lessons: list[Lesson], readme: str, repository: str | None, ref: str) -> str:
    sections = readme_sections(readme)
    opening = sections.get("") or "An open course on optimization for deep learning, run in JupyterLab."
    items = "\n".join(f"- [{lesson.title}]({lesson.name}.ipynb): {lesson.summary}" for lesson in lessons)
    start = ["- **Read it here.** Each lesson page shows the lesson with its figures; the live widgets "
             "appear as still images."]
    if repository:
        binder = f"https://mybinder.org/v2/gh/{repository}/{ref}?urlpath=lab/tree/lessons"
        start.append(f"- **Run it in your browser, with nothing to install**, on [Binder]({binder}) (it "
                     f"takes a minute or two to start). Each lesson page has its own *Open on Binder* button.")
    quick = sections.get("Quick start", "")
    code = re.search(r"```bash\n(.*?)```", quick, re.S)
    commands = code.group(1) if code else "python3 course.py lab\n"
    if repository:
        folder = repository.split("/")[1]
        commands = f"git clone https://github.com/{repository}.git\ncd {folder}\n" + commands
        start.append("- **Run it on your machine**, with Python 3.11 or newer:")
    else:
        start.append("- **Run it on your machine**, with Python 3.11 or newer, in the repository's folder:")
    start.append("\n```bash\n" + commands + "```")
    start.append("- **Or take one lesson**: each lesson page has *Download the notebook* and *Download the "
                 "lesson folder* buttons.")
    toctree = "\n".join(f"{lesson.name}.ipynb" for lesson in lessons)
    return (f"# optcourse: optimization for deep learning\n\n{opening}\n\n## The lessons\n\n{items}\n\n"
            f"The [library reference](reference.rst) documents the optimizers the lessons build.\n\n"
            f"## How to start\n\n" + "\n".join(start) + "\n\n"
            f"```{{toctree}}\n:hidden:\n:caption: Lessons\n\n{toctree}\n```\n\n"
            f"```{{toctree}}\n:hidden:\n:caption: Library\n\nreference.rst\n```\n")


def optim_modules() -> list[str]:
    """The modules of ``optcourse.optim`` in the order its ``__all__`` names what they define (the
    base class, then the optimizers as the course meets them, then schedules); any others after."""
    import optcourse.optim as optim
    named = [getattr(getattr(optim, name), "__module__", None) for name in optim.__all__]
    every = sorted(f"{optim.__name__}.{m.name}" for m in pkgutil.iter_modules(optim.__path__)
                   if not m.name.startswith("_"))
    return list(dict.fromkeys([m for m in named if m in every] + every))


ARGUMENT = re.compile(r"^(\s*)[\w*][\w ,*()\[\].]*?\s{2,}-- ")       # "x0       -- the starting point"
NEXT_ARGUMENT = re.compile(r"^(\s*)[\w*][\w ,*()\[\].]*?\s+-- ")      # "callback -- called as ..."
CODE_LINE = re.compile(r"^\s+(?!\.\.)\S.*(\s=\s|\(|\)$)")                   # "    x = np.array([1.0])"


def plain_text_blocks(lines: list[str]) -> None:
    """Make the plain-text parts of a docstring literal blocks, in place, so that docutils shows them
    as written: argument lists ("name  -- what it is", aligned) and indented code after a colon.
    (Most docstrings are reStructuredText already; this only keeps the rest readable.)"""
    i = 0
    while i < len(lines):
        match = ARGUMENT.match(lines[i])
        if match:
            indent, j = len(match.group(1)), i + 1
            while j < len(lines) and lines[j].strip() and (
                    (NEXT_ARGUMENT.match(lines[j]) and len(NEXT_ARGUMENT.match(lines[j]).group(1)) == indent)
                    or len(lines[j]) - len(lines[j].lstrip()) > indent):
                j += 1
            block = ["    " + line for line in lines[i:j]]
            lines[i:j] = ["", ".. code-block:: text", "", *block, ""]
            i += len(block) + 4
            continue
        if (lines[i].rstrip().endswith(":") and not lines[i].rstrip().endswith("::") and i + 2 < len(lines)
                and not lines[i + 1].strip() and CODE_LINE.match(lines[i + 2])):
            lines[i] = lines[i].rstrip() + ":"
        i += 1


def _process_docstring(app, what, name, obj, options, lines):
    plain_text_blocks(lines)


def reference_page() -> str:
    first_order = "\n".join(f"{module}\n{'-' * len(module)}\n\n.. automodule:: {module}\n   :members:\n"
                            for module in optim_modules())
    return f"""Library reference
=================

Generated from the docstrings of :mod:`optcourse` (``help(...)`` in a notebook shows the same text).

.. automodule:: optcourse.optim

{first_order}
Second-order methods
--------------------

.. autofunction:: optcourse.minimize

.. autoclass:: optcourse.MinimizeResult
   :members:

.. autofunction:: optcourse.linear_cg
"""


def sphinx_config(repository: str | None) -> dict:
    theme = {"home_page_in_toc": True, "show_navbar_depth": 1, "use_download_button": False,
             "use_fullscreen_button": False, "show_toc_level": 2}
    if repository:
        theme.update(repository_url=f"https://github.com/{repository}", use_repository_button=True)
    return {
        "project": "optcourse",
        "html_title": "optcourse: optimization for deep learning",
        "extensions": ["myst_nb", "sphinx.ext.autodoc"],
        "html_theme": "sphinx_book_theme",
        "html_theme_options": theme,
        "html_context": {"default_mode": "auto"},   # unset, the theme logs an error on a first visit
        "html_static_path": ["_static"],
        "html_css_files": ["optcourse.css"],
        "html_extra_path": [DOWNLOADS + "_root"],
        "html_copy_source": False,            # the pages' sources are made here; the buttons give the notebooks
        "html_show_sourcelink": False,
        "html_last_updated_fmt": None,
        "mathjax_path": "mathjax/tex-chtml.js",
        "nb_execution_mode": "off",          # the solved notebooks hold the outputs
        "nb_ipywidgets_js": {},              # never the widget manager from a CDN (and no widget state here)
        "nb_merge_streams": True,
        "myst_enable_extensions": ["dollarmath", "amsmath"],
        "myst_heading_anchors": 3,
        "autodoc_member_order": "bysource",
        "autodoc_typehints": "none",
        "exclude_patterns": ["_build", DOWNLOADS + "_root"],
        "suppress_warnings": ["myst.header", "mystnb.unknown_mime_type"],
    }


def mathjax_folder() -> Path:
    spec = importlib.util.find_spec(MATHJAX_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(f"site: the package {MATHJAX_PACKAGE} (MathJax for offline pages) is not installed: "
                         f"pip install 'optcourse[site]' (python3 course.py setup installs it).")
    return Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax"


def copy_mathjax(target: Path) -> None:
    source = mathjax_folder()
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)


def github_repository(root: Path) -> str | None:
    """OWNER/REPO: from GITHUB_REPOSITORY (set by GitHub Actions), else the origin remote's GitHub URL."""
    named = os.environ.get("GITHUB_REPOSITORY", "").strip()
    if REPOSITORY_NAME.fullmatch(named):
        return named
    try:
        url = subprocess.run(["git", "-C", str(root), "remote", "get-url", "origin"], capture_output=True,
                             text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"github\.com[:/]([\w.-]+/[\w.-]+?)(?:\.git)?/?$", url)
    return match.group(1) if match else None


def lesson_zip(name: str, files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for rel, data in sorted(files.items()):
            info = zipfile.ZipInfo(f"{name}/{Path(rel).as_posix()}", date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr, info.compress_type = 0o644 << 16, zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buffer.getvalue()


def write_sources(folder: Path, lessons: list[Lesson], readme: str, repository: str | None, ref: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    config = sphinx_config(repository)
    (folder / "conf.py").write_text(
        "# Written by optcourse.course.site; every build writes it anew.\n"
        + "".join(f"{k} = {v!r}\n" for k, v in config.items())
        + "\n\ndef setup(app):\n    from optcourse.course.site import _process_docstring\n"
          "    app.connect('autodoc-process-docstring', _process_docstring)\n")
    (folder / "index.md").write_text(home_page(lessons, readme, repository, ref))
    (folder / "reference.rst").write_text(reference_page())
    static = folder / "_static"
    copy_mathjax(static / "mathjax")
    (static / "optcourse.css").write_text(STYLE)
    downloads = folder / (DOWNLOADS + "_root") / DOWNLOADS
    downloads.mkdir(parents=True)
    (folder / (DOWNLOADS + "_root") / ".nojekyll").write_text("")     # GitHub Pages: serve _static/ as is
    for lesson in lessons:
        page = with_buttons(lesson.page, buttons(lesson.name, repository, ref))
        (folder / f"{lesson.name}.ipynb").write_text(notebook_text(page))
        (downloads / f"{lesson.name}.ipynb").write_bytes(lesson.files[Path(f"{lesson.name}.ipynb")])
        (downloads / f"{lesson.name}.zip").write_bytes(lesson_zip(lesson.name, lesson.files))


def folder_megabytes(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def prepare_out(out: Path) -> None:
    """An earlier site in ``out`` is replaced; any other non-empty folder is refused, not deleted."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"site: {out} is a file; pass a folder for the site.")
    if out.is_dir() and any(out.iterdir()):
        if not (out / ".buildinfo").is_file():
            raise ValueError(f"site: {out} is not empty and holds no earlier site (no .buildinfo); "
                             f"pass an empty or new folder.")
        shutil.rmtree(out)


def build_site(out, solutions="solutions", readme=None, repository: str | None = "auto", ref: str = "HEAD",
               progress=print) -> Site:
    """Build the website into ``out`` (a new or empty folder, or an earlier site, which is replaced).

    ``readme`` defaults to the README.md beside ``solutions``; ``repository`` ("OWNER/REPO" on GitHub)
    makes the Binder buttons, "auto" finds it (GITHUB_REPOSITORY, or the origin remote), None omits them.
    """
    try:
        from sphinx.cmd.build import build_main
    except ImportError:
        raise ValueError("site: Sphinx is not installed; the website needs the site extra: pip install "
                         "'optcourse[site]' (python3 course.py setup installs it).") from None

    start = time.perf_counter()
    out, solutions = Path(out).resolve(), Path(solutions).resolve()
    if not solutions.is_dir():
        raise ValueError(f"site: {solutions} is not a folder; pass the instructor's solutions/ folder.")
    root = solutions.parent
    readme_path = Path(readme) if readme else root / "README.md"
    readme_text = readme_path.read_text(encoding="utf-8") if readme_path.is_file() else ""
    if repository == "auto":
        repository = github_repository(root)
    if repository is not None and not REPOSITORY_NAME.fullmatch(repository):
        raise ValueError(f"site: repository {repository!r} is not OWNER/REPO (the GitHub path, e.g. me/optcourse).")
    lessons, skipped = read_lessons(solutions, readme_text)
    for name in skipped:
        progress(f"site: {name} has no built notebook yet (run `optcourse build {name[:2]}`); left out")
    if not lessons:
        raise ValueError(f"site: no built lessons in {solutions}; run `optcourse build` first.")
    prepare_out(out)
    with tempfile.TemporaryDirectory(prefix="optcourse-site-") as tmp:
        source, doctrees = Path(tmp) / "source", Path(tmp) / "doctrees"
        write_sources(source, lessons, readme_text, repository, ref)
        warnings = Path(tmp) / "warnings.txt"
        status = build_main(["-b", "html", "-q", "-d", str(doctrees), "-w", str(warnings), "-E",
                             str(source), str(out)])
        logged = [line for line in warnings.read_text().splitlines() if line.strip()] if warnings.exists() else []
    if status != 0:
        raise ValueError("site: Sphinx failed:\n" + "\n".join(logged[-30:]))
    return Site(out, [lesson.name for lesson in lessons], skipped, time.perf_counter() - start,
                folder_megabytes(out), logged, repository)

