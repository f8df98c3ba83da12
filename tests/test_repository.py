"""The README's quick start is what CI runs, and the project declares what the course needs."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quick_start_commands():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


def test_quick_start_is_two_commands_and_ci_runs_the_test_one():
    lab, test = quick_start_commands()
    assert lab == "python3 course.py lab"
    assert test == "python3 course.py test"
    ci = [line.strip() for line in (ROOT / ".ci/run").read_text().splitlines()]
    assert test in ci, ".ci/run must call the README's test command"
    assert ci.index(test) == max(i for i, line in enumerate(ci) if line and not line.startswith("#"))


def test_course_script_explains_itself_on_unknown_commands():
    out = subprocess.run([sys.executable, str(ROOT / "course.py"), "nonsense"], capture_output=True, text=True)
    assert out.returncode == 2
    assert "python3 course.py lab" in out.stdout and "python3 course.py test" in out.stdout


def test_readme_lists_every_lesson():
    readme = (ROOT / "README.md").read_text()
    for number in range(1, 12):
        assert re.search(rf"^\| {number:02d} \|", readme, re.M), f"lesson {number:02d} missing from README"
