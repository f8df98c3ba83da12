"""The `optcourse` command itself: its commands, its errors, and what it says without the course extra.
(What each command does is tested with its module: build, release, grade.)"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def optcourse(*args, prelude: str = ""):
    code = prelude + "import sys; from optcourse.course.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_help_lists_the_commands():
    done = optcourse("--help")
    assert done.returncode == 0
    for command in ("build", "release", "grade"):
        assert command in done.stdout


def test_a_lesson_that_does_not_exist_is_named_with_the_ones_that_do():
    done = optcourse("build", "99", "--check")
    assert done.returncode != 0
    assert "'99' names 0 lessons" in done.stderr and "01-gradient-descent" in done.stderr
    assert "Traceback" not in done.stderr


def test_without_the_course_extra_it_says_what_to_install():
    block = ("import importlib.abc, sys\n"
             "class NoNotebooks(importlib.abc.MetaPathFinder):\n"
             "    def find_spec(self, name, path, target=None):\n"
             "        if name.split('.')[0] == 'nbformat': raise ImportError(name)\n"
             "sys.meta_path.insert(0, NoNotebooks())\n")
    done = optcourse("release", "--check", prelude=block)
    assert done.returncode == 1
    assert "pip install 'optcourse[course]'" in done.stderr and "Traceback" not in done.stderr
