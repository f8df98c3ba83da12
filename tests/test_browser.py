"""The playground in a real JupyterLab, in headless Chromium driven by Playwright.

Starts JupyterLab on a free local port with its own token and temporary directories, opens
``tests/browser_fixtures/playground.ipynb``, runs it, changes the surface dropdown and switches an
optimizer on, and checks each time that the figure the browser shows has changed. A screenshot is
kept under the test's tmp_path and copied to ``tests/artifacts/`` (git-ignored).

Needs Debian's Chromium at /usr/bin/chromium and the ``playwright`` package (``.ci/run`` installs
both; Playwright's own browser download is never used). Without them the test is skipped with a
message, except in CI (environment variable CI set), where it fails instead: CI must run it.
"""
import importlib.util
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
NOTEBOOK = ROOT / "tests" / "browser_fixtures" / "playground.ipynb"
ARTIFACTS = ROOT / "tests" / "artifacts"
IMAGE = ".jp-OutputArea-output img.widget-image"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require(condition: bool, message: str) -> None:
    if condition:
        return
    if in_ci():
        pytest.fail(f"{message} CI must run the browser test: .ci/run installs what it needs.")
    pytest.skip(f"{message} Skipping the real-browser test on this machine.")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def browser_ready():
    """Checked before JupyterLab starts, so that a machine without Chromium skips at once."""
    require(CHROMIUM.exists(), f"{CHROMIUM} not found (Debian: apt-get install chromium).")
    require(importlib.util.find_spec("playwright") is not None,
            "The Python package playwright is not installed (pip install playwright).")


@pytest.fixture
def jupyter_lab(tmp_path):
    """A JupyterLab server serving a copy of the test notebook; yields (base url, token)."""
    require(importlib.util.find_spec("jupyterlab") is not None, "JupyterLab is not installed.")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(NOTEBOOK, notebooks / NOTEBOOK.name)
    settings = tmp_path / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    port, token = free_port(), os.urandom(16).hex()
    env = dict(os.environ,
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_DATA_DIR=str(tmp_path / "data"), IPYTHONDIR=str(tmp_path / "ipython"),
               JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "lab-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "lab-workspaces"), JUPYTER_PLATFORM_DIRS="1")
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={notebooks}", "--LabApp.expose_app_in_browser=True",
               "--LabApp.extension_manager=readonly"]   # no extension listing fetched from PyPI
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log_path = tmp_path / "jupyterlab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer within 120 s:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.3)
        yield base, token
    finally:
        try:   # ask politely (this also stops the kernel), then make sure
            request = urllib.request.Request(f"{base}/api/shutdown", method="POST",
                                             headers={"Authorization": f"token {token}"})
            urllib.request.urlopen(request, timeout=5).close()
            server.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


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


def test_playground_reacts_in_jupyterlab(browser_ready, jupyter_lab, tmp_path):
    import ipywidgets
    import jupyterlab
    from playwright.sync_api import sync_playwright

    assert jupyterlab.__version__.split(".")[0] == "4" and ipywidgets.__version__.split(".")[0] == "8"
    base, token = jupyter_lab
    screenshot = tmp_path / "playground.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.goto(f"{base}/lab/tree/{NOTEBOOK.name}?token={token}&reset", timeout=90_000)
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext", timeout=90_000)
            assert page.evaluate("() => window.jupyterapp.version").startswith("4.")
            page.evaluate("""async () => {
                const panel = window.jupyterapp.shell.currentWidget;
                await panel.context.ready;
                await panel.sessionContext.ready;
                await window.jupyterapp.commands.execute('notebook:run-all-cells');
            }""")
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
            with_lion = image.screenshot()
            assert changed_fraction(after, with_lion) > 0.001, "switching Lion on did not change the figure"
            page.wait_for_function("() => [...document.querySelectorAll('.widget-html')]"
                                   ".some(e => e.innerText.includes('Lion'))", timeout=30_000)
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(screenshot, ARTIFACTS / "playground_in_jupyterlab.png")
