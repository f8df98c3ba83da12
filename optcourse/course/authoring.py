"""Cells for writing a lesson in a Python build script, with nbgrader's metadata (see docs/authoring.md).

    from optcourse.course.authoring import md, code, locked, answer, tests

    CELLS = [md("# 01. ..."), locked("from selfcheck import check"),
             answer("mse-gradient", "def mse_gradient(...):\\n    ### BEGIN SOLUTION ..."),
             tests("mse-gradient-tests", 2, "check('mse-gradient', mse_gradient)\\n### BEGIN HIDDEN TESTS ...")]
"""
from nbformat.v4 import new_code_cell, new_markdown_cell


def _nbgrader(**fields) -> dict:
    return {"nbgrader": {**fields, "schema_version": 3}}


def md(text: str):
    """A Markdown cell."""
    return new_markdown_cell(text.strip("\n"))


def code(text: str, tags=()):
    """An ordinary code cell. Tag ``"nbval-ignore-output"`` only a cell whose printed numbers depend on
    rounding (so differ between CPUs); a test in ``tests/`` then checks what the lesson claims of them."""
    cell = new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def locked(text: str):
    """A code cell students should not edit."""
    return new_code_cell(text.strip("\n"), metadata=_nbgrader(grade=False, solution=False, locked=True,
                                                              grade_id=None))


def answer(gid: str, text: str, markdown: bool = False):
    """An answer cell (code, or Markdown for a written answer) identified by ``gid``."""
    make = new_markdown_cell if markdown else new_code_cell
    return make(text.strip("\n"), metadata=_nbgrader(grade=False, solution=True, locked=False, grade_id=gid))


def tests(gid: str, points, text: str):
    """A locked test cell worth ``points``: the self-check, then the hidden tests."""
    return new_code_cell(text.strip("\n"), metadata=_nbgrader(grade=True, solution=False, locked=True,
                                                              grade_id=gid, points=points))
