"""Binder installs the versions the project is tested with, and the package itself, and opens lessons/."""
import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pins() -> dict[str, str]:
    out = {}
    for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, pinned = line.partition("==")
            assert pinned, f"binder/requirements.txt: {line!r} is not pinned with =="
            out[name.strip().lower()] = pinned.strip()
    return out


def test_binder_pins_are_the_installed_versions():
    wrong = {}
    for name, pinned in pins().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "not installed"
        if installed != pinned:
            wrong[name] = (pinned, installed)
    assert not wrong, (f"binder/requirements.txt pins differ from this environment (pinned, installed): {wrong}. "
                       f"`python3 course.py test` installs the pins; in another environment run "
                       f"`pip install -r binder/requirements.txt`, or update the pins.")


def test_every_dependency_of_the_package_and_the_course_is_pinned_for_binder():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    needed = {re.split(r"[<>=!~ \[;]", d)[0].lower()
              for d in project["dependencies"] + project["optional-dependencies"]["course"]}
    assert needed <= set(pins()), f"not pinned in binder/requirements.txt: {sorted(needed - set(pins()))}"


def test_binder_installs_the_package_and_the_test_command_uses_the_pins():
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps --no-cache-dir ." in post_build
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    # `python3 course.py test` (what CI runs) installs with the pins as constraints.
    course = (ROOT / "course.py").read_text()
    assert 'PINS = ROOT / "binder" / "requirements.txt"' in course
    assert '"-c", str(PINS)' in course


def test_readme_has_a_binder_link_that_opens_the_lessons():
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"https://mybinder\.org/v2/gh/[^)\s]+\?urlpath=lab/tree/lessons", readme)
