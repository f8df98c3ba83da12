"""JupyterLab in headless Chromium, shared by the real-browser test and the widget latency benchmark.

    with jupyter_lab(notebook_dir, work_dir) as (base, token):      # own port, token and temp dirs
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            open_notebook(page, base, token, "playground.ipynb")
            run_all_cells(page)

The server runs from the interpreter that imports this module, on a free local port, with a random
token, its runtime, config, data, IPython, settings and workspace directories under ``work_dir``,
JupyterLab's news fetch off and no extension listing fetched from PyPI: nothing leaves localhost.
Leaving the ``with`` block shuts it down (politely first, which also stops the kernels; then
terminate, then kill), so a failure in the block cannot leave it running.

Chromium is Debian's (``/usr/bin/chromium``), driven by Playwright through ``executable_path``;
Playwright's own browser download is never used. Problems starting either raise
:class:`BrowserSetupError` with the server's log, for the caller to turn into a test failure or a
message.
"""
from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class BrowserSetupError(RuntimeError):
    """JupyterLab or Chromium could not be started, or the notebook could not be opened."""


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing_requirements() -> list[str]:
    """What this machine lacks to drive JupyterLab in Chromium (empty when nothing is missing)."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} not found (Debian: apt-get install chromium).")
    if importlib.util.find_spec("playwright") is None:
        missing.append("The Python package playwright is not installed (pip install playwright).")
    if importlib.util.find_spec("jupyterlab") is None:
        missing.append("JupyterLab is not installed.")
    return missing


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyter_lab(notebook_dir: Path, work_dir: Path, *, env: dict | None = None, start_timeout: float = 120.0):
    """Run a JupyterLab server on ``notebook_dir``; yields (base url, token).

    ``env`` adds to (or overrides) the server's environment, which its kernels inherit. The
    repository root is put on the kernels' PYTHONPATH (unless ``env`` sets PYTHONPATH), so they
    import this checkout of optcourse.
    """
    work_dir = Path(work_dir)
    settings = work_dir / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    port, token = free_port(), os.urandom(16).hex()
    server_env = dict(os.environ,
                      PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
                      JUPYTER_RUNTIME_DIR=str(work_dir / "runtime"), JUPYTER_CONFIG_DIR=str(work_dir / "config"),
                      JUPYTER_DATA_DIR=str(work_dir / "data"), IPYTHONDIR=str(work_dir / "ipython"),
                      JUPYTERLAB_SETTINGS_DIR=str(work_dir / "lab-settings"),
                      JUPYTERLAB_WORKSPACES_DIR=str(work_dir / "lab-workspaces"), JUPYTER_PLATFORM_DIRS="1")
    server_env.update(env or {})
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={notebook_dir}", "--LabApp.expose_app_in_browser=True",
               "--LabApp.extension_manager=readonly"]   # no extension listing fetched from PyPI
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log_path = work_dir / "jupyterlab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, env=server_env, stdout=log, stderr=subprocess.STDOUT, cwd=work_dir)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if server.poll() is not None:
                raise BrowserSetupError(f"JupyterLab exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise BrowserSetupError(f"JupyterLab did not answer within {start_timeout:.0f} s:\n"
                                            f"{log_path.read_text()[-3000:]}") from None
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


def launch_chromium(playwright):
    """Debian's Chromium, headless, through Playwright."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def open_notebook(page, base: str, token: str, name: str, timeout_ms: int = 90_000) -> None:
    """Open notebook ``name`` (relative to the server's root) in JupyterLab, with a fresh workspace,
    and wait until its kernel session is ready."""
    page.goto(f"{base}/lab/tree/{name}?token={token}&reset", timeout=timeout_ms)
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext", timeout=timeout_ms)
    page.evaluate("""async (timeoutMs) => {
        const panel = window.jupyterapp.shell.currentWidget;
        const ready = Promise.all([panel.context.ready, panel.sessionContext.ready]);
        await Promise.race([ready, new Promise((_, reject) =>
            setTimeout(() => reject(new Error('the notebook or its kernel did not get ready')), timeoutMs))]);
    }""", timeout_ms)


def run_all_cells(page) -> None:
    """Start "Run All" in the current notebook and return at once: the caller waits, with a timeout,
    for the outputs it needs (a hanging cell must not hang the caller)."""
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")

