"""The playground in a real JupyterLab, in headless Chromium driven by Playwright.

Starts JupyterLab on a free local port with its own token and temporary directories, opens
``tests/browser_fixtures/playground.ipynb``, runs it, changes the surface dropdown, switches an
optimizer on and moves a slider with its keys, and checks each time that the figure the browser
shows has changed. No timing is asserted here (``benchmarks/bench_widget_latency.py`` measures it).
A screenshot is kept under the test's tmp_path and copied to ``tests/artifacts/`` (git-ignored).

The server and the browser are started by ``tests/jupyterlab_browser.py``, shared with that benchmark.

Needs Debian's Chromium at /usr/bin/chromium and the ``playwright`` package (``.ci/run`` installs
both; Playwright's own browser download is never used). Without them the test is skipped with a
message, except in CI (environment variable CI set), where it fails instead: CI must run it.
"""
import io
import shutil
from pathlib import Path

import numpy as np
import pytest

from jupyterlab_browser import (BrowserSetupError, in_ci, jupyter_lab, launch_chromium, missing_requirements,
                                open_notebook, run_all_cells)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "tests" / "browser_fixtures" / "playground.ipynb"
ARTIFACTS = ROOT / "tests" / "artifacts"
IMAGE = ".jp-OutputArea-output img.widget-image"


def require(condition: bool, message: str) -> None:
    if condition:
        return
    if in_ci():
        pytest.fail(f"{message} CI must run the browser test: .ci/run installs what it needs.")
    pytest.skip(f"{message} Skipping the real-browser test on this machine.")


@pytest.fixture
def browser_ready():
    """Checked before JupyterLab starts, so that a machine without Chromium skips at once."""
    missing = missing_requirements()
    require(not missing, " ".join(missing))


@pytest.fixture
def jupyter_lab_server(tmp_path):
    """A JupyterLab server serving a copy of the test notebook; yields (base url, token)."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(NOTEBOOK, notebooks / NOTEBOOK.name)
    try:
        with jupyter_lab(notebooks, tmp_path) as (base, token):
            yield base, token
    except BrowserSetupError as error:
        pytest.fail(str(error))


def image_pixels(png: bytes) -> np.ndarray:
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def changed_fraction(a: bytes, b: bytes) -> float:
    a, b = image_pixels(a), image_pixels(b)
    if a.shape != b.shape:
        return 1.0
    return float((a != b).any(axis=-1).mean())


def wait_for_new_image(page, old_src: str, timeout_ms: int = 60_000) -> None:
    page.wait_for_function("([selector, old]) => { const img = document.querySelector(selector);"
                           " return img && img.src && img.src !== old && img.complete && img.naturalWidth > 0; }",
                           arg=[IMAGE, old_src], timeout=timeout_ms)


def test_playground_reacts_in_jupyterlab(browser_ready, jupyter_lab_server, tmp_path):
    import ipywidgets
    import jupyterlab
    from playwright.sync_api import sync_playwright

    assert jupyterlab.__version__.split(".")[0] == "4" and ipywidgets.__version__.split(".")[0] == "8"
    base, token = jupyter_lab_server
    screenshot = tmp_path / "playground.png"
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            open_notebook(page, base, token, NOTEBOOK.name)
            assert page.evaluate("() => window.jupyterapp.version").startswith("4.")
            run_all_cells(page)
            page.wait_for_function("(selector) => { const img = document.querySelector(selector);"
                                   " return img && img.complete && img.naturalWidth > 0; }",
                                   arg=IMAGE, timeout=90_000)

            # The widget itself is shown, not the static PNG that travels with it for other viewers.
            output = page.locator(".jp-OutputArea-output").filter(has=page.locator("img.widget-image"))
            assert output.count() == 1 and output.locator("img.widget-image").count() == 1
            assert output.locator(".jp-RenderedImage").count() == 0
            assert "Adam" in output.locator(".widget-html").first.inner_text()

            image = page.locator(IMAGE)
            src, before = image.get_attribute("src"), image.screenshot()
            page.locator(".widget-dropdown", has_text="surface").locator("select").select_option("himmelblau")
            wait_for_new_image(page, src)
            src, after = image.get_attribute("src"), image.screenshot()
            assert changed_fraction(before, after) > 0.05, "the figure did not change with the surface"

            page.locator("button.widget-toggle-button", has_text="Lion").click()
            wait_for_new_image(page, src)
            src, with_lion = image.get_attribute("src"), image.screenshot()
            assert changed_fraction(after, with_lion) > 0.001, "switching Lion on did not change the figure"

            # A slider answers its keys as a drag does (benchmarks/bench_widget_latency.py relies on it).
            steps = page.locator(".widget-slider").filter(has=page.locator(".widget-label", has_text="steps"))
            steps.locator(".noUi-handle").press("PageUp")
            wait_for_new_image(page, src)
            assert changed_fraction(with_lion, image.screenshot()) > 0.001, "the steps slider changed nothing"
            page.wait_for_function("() => [...document.querySelectorAll('.widget-html')]"
                                   ".some(e => e.innerText.includes('Lion'))", timeout=30_000)
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(screenshot, ARTIFACTS / "playground_in_jupyterlab.png")
