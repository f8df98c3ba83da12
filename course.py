#!/usr/bin/env python3
"""Set up the course in a virtual environment inside the repository, then open it or test it.

    python3 course.py lab     # set up, then open the lessons in JupyterLab
    python3 course.py test    # set up, then run every test (extra arguments go to pytest)
    python3 course.py setup   # only set up

Only the Python standard library is used here, so this runs on a fresh machine with Python 3.11+.
Setting up installs the versions pinned in `binder/requirements.txt` (the ones Binder uses and CI tests
with) and `docs/site-pins.txt` (the website's toolchain), and is skipped when `.venv/` already holds an
install of the current pyproject and pins.
"""
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / "optcourse-installed.txt"
PINS = ROOT / "binder" / "requirements.txt"  # the versions the course is tested with, Binder's too
SITE_PINS = ROOT / "docs" / "site-pins.txt"  # the website's toolchain (tests build the site; Binder needs none)
NBGRADER_SERVER_PARTS = ("formgrader", "assignment_list", "course_list", "validate_assignment")


def setup() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"optcourse needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + PINS.read_bytes()
                            + SITE_PINS.read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print(f"creating a virtual environment in {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    print("installing optcourse and its dependencies (first run only)", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "-c", str(PINS), "-c", str(SITE_PINS),
                    "-e", f"{ROOT}[test]"],
                   check=True)
    # The tests use nbgrader's Python API only; its JupyterLab menus would only puzzle students. An
    # instructor who grades with nbgrader turns them back on with `jupyter labextension enable ...`.
    quiet = dict(check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([str(PYTHON), "-m", "jupyter", "labextension", "disable", "--level=sys_prefix",
                    "@jupyter/nbgrader"], **quiet)
    for part in NBGRADER_SERVER_PARTS:
        subprocess.run([str(PYTHON), "-m", "jupyter", "server", "extension", "disable", "--sys-prefix",
                        f"nbgrader.server_extensions.{part}"], **quiet)
    STAMP.write_text(wanted)
    if sys.platform.startswith("linux") and not any((Path(d) / "bwrap").exists()
                                                    for d in os.environ.get("PATH", "").split(os.pathsep)):
        print("note: `optcourse grade` runs each student's code in a bubblewrap sandbox; install it to grade "
              "(Debian/Ubuntu: apt-get install bubblewrap). See docs/grading.md.", flush=True)


def main(argv: list[str]) -> int:
    commands = {"lab", "test", "setup"}
    if not argv or argv[0] not in commands:
        print(__doc__.strip())
        return 2
    setup()
    if argv[0] == "setup":
        return 0
    if argv[0] == "lab":
        cmd = [str(PYTHON), "-m", "jupyter", "lab", f"--notebook-dir={ROOT / 'lessons'}", *argv[1:]]
        if hasattr(os, "geteuid") and os.geteuid() == 0:   # containers often run as root
            cmd.append("--allow-root")
    else:
        cmd = [str(PYTHON), "-m", "pytest", *argv[1:]]
    return subprocess.call(cmd, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
