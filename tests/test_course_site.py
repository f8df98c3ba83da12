"""The course website: built from the lessons, showing only what students see, working offline.

The site is built once per session (``optcourse site``, about ten seconds). Then:

* the pages: one per built lesson, in order, linked from the home page with its one line; buttons to
  Binder and to the student's notebook and lesson folder, which are byte for byte what ``optcourse
  release`` writes; the reference documents every optimizer; every script and style is the site's own;
* secrecy: no solution line, hidden-test line, or line printed by an answer or a check cell appears in
  any file of the site (HTML as text, so code split into highlighted tokens is searched as it reads,
  and inside the zip downloads), while the self-check lines the student does see are found there;
* in Debian's Chromium, with every request that leaves localhost aborted: the home page, three
  lesson pages and the reference show typeset math and loaded figures (as many images as the page's notebook has image
  outputs, widgets' still images included), search finds a word of lesson 07, nothing is logged to
  the console as an error, and a phone-sized window needs no sideways scrolling. Screenshots go to
  ``tests/artifacts/`` (git-ignored).

The browser part needs /usr/bin/chromium and playwright; without them it is skipped, except in CI.
"""
import builtins
import collections
import functools
import html.parser
import http.server
import keyword
import re
import shutil
import threading
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

from optcourse.course import notebook as nbk
from optcourse.course.build import WIDGET_VIEW, find_sources, notebook_path
from optcourse.course.cli import main as cli
from optcourse.course.release import release_notebook, released_files
from optcourse.course.site import build_site, outputs_made_by_answers, plain_text_blocks, student_page

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
FIXTURE = ROOT / "tests" / "course_fixtures" / "solutions" / "00-sample" / "00-sample.ipynb"
ARTIFACTS = ROOT / "tests" / "artifacts"
REPOSITORY = "example-owner/optcourse"
# Sphinx 9 warns that the theme and MyST use APIs Sphinx 11 removes; not this project's to fix.
pytestmark = pytest.mark.filterwarnings("ignore:.*Check CHANGES for Sphinx API modifications")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("site") / "out", SOLUTIONS, repository=REPOSITORY)


def built_lessons() -> list[Path]:
    return [s for s in find_sources(SOLUTIONS) if notebook_path(s).is_file()]


def output_text(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    if output.get("output_type") == "error":
        return "\n".join(output.get("traceback", []))
    return "\n".join(v if isinstance(v, str) else "\n".join(v) for k, v in output.get("data", {}).items()
                     if k.startswith("text/"))


def normal(text: str) -> str:
    return " ".join(text.split())


class TextOf(html.parser.HTMLParser):
    """A page's text as it reads: tags dropped, entities decoded, scripts and styles kept (they are files too)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def readable_text(path: Path) -> str:
    """Every file of the site as searchable text; zip members are read too."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    if path.suffix in (".png", ".jpg", ".gif", ".woff", ".woff2", ".ttf", ".eot", ".ico", ".pickle", ".inv"):
        return ""
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        parser = TextOf()
        parser.feed(raw)
        return raw + "\n" + "".join(parser.parts)
    return raw


def boilerplate(line: str) -> bool:
    """A line made of Python's own words only (``for _ in range(3):``): no lesson's secret, and bound to
    turn up in some other lesson's public code."""
    words = re.findall(r"[A-Za-z_]\w*", line)
    return all(w == "_" or keyword.iskeyword(w) or hasattr(builtins, w) for w in words)


def secrets(nb) -> set[str]:
    """Lines the student must not see: solutions, hidden tests, and what answer and check cells print,
    less the lines the student's notebook shows anyway (a solution may repeat a line written above it)."""
    lines = []
    for cell in nb.cells:
        r = nbk.role(cell)
        if r == "answer" and nbk.BEGIN_SOLUTION not in cell.source:
            lines += cell.source.splitlines()                      # nbgrader: the whole cell is the solution
        for begin, end in ((nbk.BEGIN_SOLUTION, nbk.END_SOLUTION), (nbk.BEGIN_HIDDEN, nbk.END_HIDDEN)):
            for text in nbk.region_text(cell.source, begin, end):
                lines += text.splitlines()
        if r in ("answer", "tests"):
            lines += [line for o in cell.get("outputs", []) for line in output_text(o).splitlines()]
    visible = {normal(line) for cell in release_notebook(nb).cells for line in cell.source.splitlines()}
    return {normal(line) for line in lines if len(line.strip()) > 12 and not boilerplate(line)} - visible


def visible_check_lines(nb) -> set[str]:
    """The self-check lines of the test cells, which the student sees (and the page must show)."""
    return {normal(line) for cell in nb.cells if nbk.role(cell) == "tests"
            for line in nbk.student_source(cell).splitlines() if len(line.strip()) > 12}


# ----------------------------------------------------------------------------- what a page shows

def test_a_page_shows_the_students_cells_and_only_outputs_no_answer_made():
    nb = nbk.read_source(FIXTURE)
    page = student_page(nb, "00-sample")
    made = outputs_made_by_answers(nb)
    by_source = {c.source.splitlines()[0]: (c, m) for c, m in zip(page.cells, made) if c.source}
    answer, _ = by_source['def sum_of_squares(x):']
    assert "raise NotImplementedError()" in answer.source and "np.sum" not in answer.source
    tests, from_answer = by_source['check("squares", sum_of_squares)']
    assert from_answer and tests.outputs == [] and nbk.BEGIN_HIDDEN not in tests.source
    # reads the answer's name: its saved output came from the solution
    printed, from_answer = by_source["print(sum_of_squares)   # an address that changes from run to run"]
    assert from_answer and printed.outputs == []
    # independent of every answer: the saved outputs stay
    h, from_answer = by_source["H = np.diag([10.0, 0.5])"]
    assert not from_answer and h.outputs and "10." in output_text(h.outputs[0])
    last, from_answer = by_source["np.round(np.linalg.eigvalsh(H), 3)"]
    assert not from_answer and last.outputs
    assert "widgets" not in page.metadata


def test_names_defined_by_answers_taint_later_cells_until_redefined():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("### BEGIN SOLUTION\ny = 2\n### END SOLUTION"),
        nbformat.v4.new_code_cell("z = y + x\nprint(x)"),   # reads the answer
        nbformat.v4.new_code_cell("print(z)"),              # through z
        nbformat.v4.new_code_cell("z = 3\nz"),              # redefined by a clean cell
        nbformat.v4.new_code_cell("%timeit x\nx + 1"),       # a magic does not hide what it reads
        nbformat.v4.new_code_cell("print(x"),               # does not parse: assume the worst
        nbformat.v4.new_code_cell("for y in range(3):\n    print(y)\ndef f(y):\n    return [y for y in x]"),
        nbformat.v4.new_code_cell("def g():\n    return y\ng()"),   # y, the answer's, read in a function
    ])
    nb.cells[1].metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "y", "locked": False}
    assert outputs_made_by_answers(nb) == [False, True, True, True, False, False, True, False, True]


def test_a_widget_shows_its_still_image_and_nothing_of_its_view():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("w", outputs=[
        nbformat.v4.new_output("display_data", data={WIDGET_VIEW: {"model_id": "a", "version_major": 2,
                                                                   "version_minor": 0},
                                                     "image/png": "iVBORw0KGgo=", "text/plain": "<Widget>"}),
        nbformat.v4.new_output("display_data", data={WIDGET_VIEW: {"model_id": "b", "version_major": 2,
                                                                   "version_minor": 0},
                                                     "text/plain": "HBox()"})])])
    page = student_page(nb)
    assert [sorted(o.data) for o in page.cells[0].outputs] == [["image/png", "text/plain"]]


# ----------------------------------------------------------------------------- the built site

def test_every_built_lesson_has_a_page_in_order_linked_from_home(site):
    names = [s.stem for s in built_lessons()]
    assert site.lessons == names and site.skipped == [s.stem for s in find_sources(SOLUTIONS)
                                                      if s.stem not in names]
    home = (site.out / "index.html").read_text()
    positions = [home.find(f'href="{name}.html"') for name in names]
    assert all(p >= 0 for p in positions), "home page: a lesson is not linked"
    assert positions == sorted(positions), "home page: the lessons are out of order"
    assert "How to start" in home and "Who it is for" in home
    for name in names:
        nb = nbformat.read(str(SOLUTIONS / name / f"{name}.ipynb"), as_version=4)
        title = re.search(r"^#\s+(.+)$", next(c.source for c in nb.cells if c.cell_type == "markdown"), re.M)
        page = (site.out / f"{name}.html").read_text()
        assert html_text(page).count(normal(title.group(1))) >= 1, f"{name}: its title is not on its page"


def html_text(raw: str) -> str:
    parser = TextOf()
    parser.feed(raw)
    return normal("".join(parser.parts))


def test_lesson_buttons_open_binder_and_download_what_release_writes(site):
    for name in site.lessons:
        page = (site.out / f"{name}.html").read_text()
        binder = (f"https://mybinder.org/v2/gh/{REPOSITORY}/HEAD?urlpath=lab/tree/lessons/{name}/{name}.ipynb")
        assert f'href="{binder}"' in page, f"{name}: no Binder button"
        files = released_files(SOLUTIONS / name)
        assert f'href="downloads/{name}.ipynb"' in page
        assert (site.out / "downloads" / f"{name}.ipynb").read_bytes() == files[Path(f"{name}.ipynb")]
        with zipfile.ZipFile(site.out / "downloads" / f"{name}.zip") as z:
            assert {n: z.read(n) for n in z.namelist()} == {f"{name}/{p.as_posix()}": d for p, d in files.items()}


def test_nothing_of_a_solution_a_hidden_test_or_a_check_output_is_anywhere_in_the_site(site):
    hidden, shown = set(), {}
    for source in built_lessons():
        nb = nbformat.read(str(notebook_path(source)), as_version=4)
        hidden |= secrets(nb)
        shown[source.stem] = visible_check_lines(nb)
    assert len(hidden) > 50, "the search needs solutions to look for"
    files = [p for p in site.out.rglob("*") if p.is_file()]
    assert len(files) > 50
    for path in files:
        text = normal(readable_text(path))
        leaked = sorted(s for s in hidden if s in text)
        assert not leaked, (f"{path.relative_to(site.out)} shows solution, hidden-test or check-output text: "
                            f"{leaked[:3]}")
    # The search can find code: the self-check lines the student sees are on each page, as text.
    for name, lines in shown.items():
        text = normal(readable_text(site.out / f"{name}.html"))
        missing = sorted(line for line in lines if line not in text)
        assert lines and not missing, f"{name}: visible self-check lines not found on the page: {missing[:3]}"


def test_every_script_and_style_is_served_by_the_site_itself(site):
    for path in site.out.glob("*.html"):
        page = path.read_text()
        for tag, attribute in re.findall(r"<(script|link)\b([^>]*)>", page):
            url = re.search(r'(?:src|href)="([^"]*)"', attribute)
            if url and (tag == "script" or "stylesheet" in attribute or "preload" in attribute):
                assert not urlparse(url.group(1)).netloc, f"{path.name} loads {url.group(1)} from the network"
    lesson = (site.out / f"{site.lessons[0]}.html").read_text()
    assert '<script defer="defer" src="_static/mathjax/tex-chtml.js' in lesson
    assert (site.out / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert (site.out / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()


def test_the_site_toolchain_is_installed_at_its_pinned_versions():
    """course.py installs docs/site-pins.txt as constraints: what CI tests is what the pins say."""
    from importlib.metadata import version
    pins = dict(line.split("==") for line in (ROOT / "docs" / "site-pins.txt").read_text().splitlines()
                if line.strip() and not line.startswith("#"))
    assert {"sphinx", "myst-nb", "sphinx-book-theme", "sphinx-mathjax-offline"} <= set(pins)
    wrong = {name: (pinned, version(name)) for name, pinned in pins.items() if version(name) != pinned}
    assert not wrong, f"docs/site-pins.txt differs from this environment (pinned, installed): {wrong}"


def test_the_reference_documents_every_optimizer_with_its_math(site):
    from optcourse.optim import OPTIMIZERS
    page = (site.out / "reference.html").read_text()
    for name in [*OPTIMIZERS, "minimize", "linear_cg"]:
        assert re.search(rf'id="optcourse\.[\w.]*\b{name}"', page), f"reference: {name} is not documented"
    assert page.count('class="math') >= len(OPTIMIZERS), "reference: the docstrings' math is missing"


def test_plain_text_argument_lists_and_code_after_a_colon_become_literal_blocks():
    lines = ["Minimise f.", "", "Arguments:", "    fun      -- f(x) -> float", "    x0       -- the start,",
             "                a 1-D array", "    tol -- shorthand", "", "Use it so:", "", "    x = f(1)", "",
             "At step :math:`t`:", "", ".. math::", "    x = 1"]
    plain_text_blocks(lines)
    assert lines == ["Minimise f.", "", "Arguments:", "", ".. code-block:: text", "",
                     "        fun      -- f(x) -> float", "        x0       -- the start,",
                     "                    a 1-D array", "        tol -- shorthand", "", "", "Use it so::", "",
                     "    x = f(1)", "", "At step :math:`t`:", "", ".. math::", "    x = 1"]


def test_cli_builds_and_refuses_a_folder_that_is_not_a_site(tmp_path, capsys):
    keep = tmp_path / "mine"
    keep.mkdir()
    (keep / "notes.txt").write_text("mine")
    assert cli(["site", "--out", str(keep), "--solutions", str(SOLUTIONS), "--repository", "none"]) == 2
    assert "not empty" in capsys.readouterr().err and (keep / "notes.txt").exists()
    assert cli(["site", "--out", str(tmp_path / "s"), "--solutions", str(SOLUTIONS), "--repository", "a b"]) == 2
    assert "OWNER/REPO" in capsys.readouterr().err


# ----------------------------------------------------------------------------- in a real browser

def lesson_07_word(site) -> str:
    """A word of lesson 07's prose that no other page's prose has: search must find it there."""
    def words(name):
        nb = nbformat.read(str(SOLUTIONS / name / f"{name}.ipynb"), as_version=4)
        prose = " ".join(c.source for c in nb.cells if c.cell_type == "markdown" and nbk.role(c) == "plain")
        return collections.Counter(re.findall(r"(?<![\\\w$])[a-z]{8,14}(?![\w$])", prose))
    seven = next(name for name in site.lessons if name.startswith("07-"))
    others = set().union(*(words(n) for n in site.lessons if n != seven))
    counts = words(seven)
    return max((w for w in counts if w not in others), key=lambda w: (counts[w], w))


@pytest.fixture
def served(site):
    handler = functools.partial(QuietHandler, directory=str(site.out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def image_outputs(name: str) -> int:
    nb = nbformat.read(str(SOLUTIONS / name / f"{name}.ipynb"), as_version=4)
    page = student_page(nb, name)
    return sum(1 for c in page.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {}))


def test_the_site_works_offline_in_chromium(site, served, tmp_path):
    from jupyterlab_browser import in_ci, launch_chromium, missing_requirements
    missing = missing_requirements()
    if missing:
        message = " ".join(missing)
        if in_ci():
            pytest.fail(f"{message} CI must run the browser test: .ci/run installs what it needs.")
        pytest.skip(f"{message} Skipping the real-browser test of the site.")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    middle = site.lessons[len(site.lessons) // 2]
    lessons = list(dict.fromkeys([site.lessons[1], middle, next(n for n in site.lessons if n.startswith("07-"))]))
    word = lesson_07_word(site)
    blocked, errors = [], []
    shots = tmp_path / "screenshots"
    shots.mkdir()

    def route(r):
        if urlparse(r.request.url).hostname in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for viewport, suffix in (({"width": 1280, "height": 900}, ""), ({"width": 390, "height": 844}, "-phone")):
                context = browser.new_context(viewport=viewport, device_scale_factor=1)
                context.route("**/*", route)
                page = context.new_page()
                page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
                page.on("requestfailed", lambda r: errors.append(f"failed request {r.url}"))
                for name in ["index", *lessons, "reference"]:
                    page.goto(f"{served}/{name}.html", wait_until="load")
                    if name != "index":     # Sphinx loads MathJax on pages with math
                        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
                        page.evaluate("() => MathJax.startup.promise")
                    math = page.evaluate("""() => {
                        const all = [...document.querySelectorAll('.math, .MathJax_Preview, div.math, span.math')];
                        return {total: all.length, typeset: all.filter(e => e.querySelector('mjx-container')
                                                                         || e.tagName === 'MJX-CONTAINER').length,
                                containers: document.querySelectorAll('mjx-container').length,
                                errors: [...document.querySelectorAll('mjx-merror')].map(e => e.textContent)}
                    }""")
                    images = page.evaluate("""() => [...document.querySelectorAll('main img')].map(
                        i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0}))""")
                    if name != "index":
                        assert math["containers"] > 0 and math["typeset"] == math["total"], f"{name}: math {math}"
                    if name in lessons:
                        output_images = [i for i in images if i["src"].startswith("_images/")]
                        assert len(output_images) == image_outputs(name), f"{name}: {len(output_images)} images"
                    assert not math["errors"], f"{name}: MathJax could not typeset {math['errors'][:3]}"
                    broken = [i["src"] for i in images if not i["ok"]]
                    assert not broken, f"{name}: images not loaded: {broken}"
                    if suffix:   # once the theme has laid the page out (its sidebars slide in and out)
                        try:
                            page.wait_for_function("() => document.documentElement.scrollWidth <= innerWidth + 1",
                                                   timeout=5_000)
                        except PlaywrightTimeout:
                            width = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
                            pytest.fail(f"{name}: on a phone the page scrolls sideways (width, window): {width}")
                    page.screenshot(path=str(shots / f"{name}{suffix}.png"))
                    if name == lessons[1] and not suffix:    # a widget's still image, on screen
                        page.locator("main img").last.scroll_into_view_if_needed()
                        page.screenshot(path=str(shots / f"{name}-figure.png"))
                if not suffix:
                    page.goto(f"{served}/search.html?q={word}", wait_until="load")
                    page.wait_for_selector("#search-results ul.search li", timeout=30_000)
                    hits = page.eval_on_selector_all("#search-results ul.search li a",
                                                     "links => links.map(a => a.getAttribute('href'))")
                    page.screenshot(path=str(shots / "search.png"))
                    seven = next(n for n in site.lessons if n.startswith("07-"))
                    assert any(h.startswith(f"{seven}.html") for h in hits), f"search for {word!r} found {hits}"
                context.close()
        finally:
            browser.close()
            ARTIFACTS.mkdir(exist_ok=True)
            for shot in shots.glob("*.png"):
                shutil.copy(shot, ARTIFACTS / f"site-{shot.name}")
    assert not errors, f"console errors: {errors[:5]}"
    assert blocked == [], f"pages asked the network for {blocked[:5]}"
