"""The examples in the docstrings run and print what they say, in every module whose examples are
complete programs (the others show a call in context, e.g. on a network built a line earlier)."""
import doctest
import importlib

import pytest

MODULES = ["optim.rates", "optim.registry", "landscapes.conditioning", "landscapes.problems",
           "secondorder.minimizer", "secondorder.linesearch", "secondorder.conjugate_gradient", "secondorder.roots",
           "experiments.runner", "beyond.constrained", "beyond.heuristics", "beyond.multiobjective",
           "widgets.conjugate_gradient"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(f"optcourse.{name}")
    failures, tried = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried > 0 and failures == 0
