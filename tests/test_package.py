"""What `pip install optcourse` promises: a light library that imports fast, works without Jupyter,
and whose module names are never hidden by functions."""
import importlib
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import optcourse

ROOT = Path(__file__).resolve().parents[1]
JUPYTER = ("jupyterlab", "ipykernel", "nbformat", "nbclient", "jupytext", "nbval", "jupyter_server", "nbgrader")


def run_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def library_modules():
    return [m.name for m in pkgutil.walk_packages(optcourse.__path__, "optcourse.")
            if not m.name.startswith("optcourse.course")]


def test_the_library_depends_on_the_five_scientific_packages_only():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {d.split(">")[0].split(";")[0].split("=")[0].strip() for d in project["dependencies"]}
    assert names == {"numpy", "scipy", "matplotlib", "ipywidgets", "sympy", "threadpoolctl"}
    threads = next(d for d in project["dependencies"] if d.startswith("threadpoolctl"))
    assert "Emscripten" in threads            # not in a browser Python, which has no BLAS threads
    extras = project["optional-dependencies"]
    assert {"jupyterlab", "ipykernel", "nbformat"} <= {d.split(">")[0] for d in extras["course"]}
    assert {"pytest", "nbval", "hypothesis"} <= {d.split(">")[0] for d in extras["test"]}
    assert project["requires-python"] == ">=3.11"
    assert not any("torch" in d for group in (project["dependencies"], *extras.values()) for d in group), \
        "PyTorch is only ever an optional reference"


def test_import_optcourse_loads_neither_scipy_nor_matplotlib_nor_jupyter():
    loaded = run_python("import sys, optcourse; print(' '.join(sorted(sys.modules)))").split()
    heavy = [m for m in loaded if m.split(".")[0] in ("scipy", "matplotlib", "sympy", "ipywidgets", "IPython", *JUPYTER)]
    assert heavy == []
    assert "optcourse.threads" in loaded                  # BLAS is limited to one thread all the same


def test_every_library_module_imports_and_runs_without_jupyter():
    # Refuse the Jupyter packages, as in a plain script, Colab's minimal runtime or Pyodide.
    code = f"""
import importlib.abc, sys
class NoJupyter(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split('.')[0] in {JUPYTER!r}:
            raise ImportError('blocked: ' + name)
sys.meta_path.insert(0, NoJupyter())
import importlib, numpy as np
for name in {library_modules()!r}:
    importlib.import_module(name)
from optcourse import minimize, run
print(run('Adam', 'rosenbrock', steps=5, lr=0.01).steps, minimize(lambda x: x @ x, np.ones(3), jac=lambda x: 2 * x).success)
"""
    assert run_python(code).split() == ["5", "True"]


def test_no_module_is_shadowed_by_a_name_in_its_package():
    for name in library_modules():
        module = importlib.import_module(name)
        parent, leaf = name.rsplit(".", 1)
        assert getattr(importlib.import_module(parent), leaf) is module, f"{parent}.{leaf} is not the module {name}"
    for shortcut in optcourse.SHORTCUTS:
        assert shortcut not in optcourse.SUBPACKAGES
        assert not isinstance(getattr(optcourse, shortcut), type(optcourse))    # a function or class, not a module
