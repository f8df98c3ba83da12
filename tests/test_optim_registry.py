"""The registry: every optimizer the course names, once, with a class, a look and a learning-rate rule
that the runner, the figures and the playground read."""
import inspect

import numpy as np
import pytest

from optcourse import optim
from optcourse.experiments.runner import curvature, optimizer_name, suggested_hyperparameters
from optcourse.landscapes.surfaces import get_surface
from optcourse.optim.registry import MINIMIZE_METHODS, PALETTE, PLAYGROUND_CHOICES, REGISTRY, find, key, lookup
from optcourse.secondorder.minimizer import METHODS


def test_names_are_found_whatever_the_case_and_punctuation():
    assert key("L-BFGS") == key("l_bfgs") == key("lbfgs") == "lbfgs"
    assert lookup("heavy ball") is REGISTRY["HeavyBall"] and lookup("ADAMW") is REGISTRY["AdamW"]
    assert find("no such thing") is None
    with pytest.raises(ValueError, match="unknown optimizer 'Adamm'; known: SGD, Momentum"):
        lookup("Adamm")


def test_every_first_order_entry_builds_and_its_variant_and_tunables_are_constructor_arguments():
    for entry in REGISTRY.values():
        if entry.is_minimize_method:
            continue
        accepted = set(inspect.signature(entry.optimizer.__init__).parameters)
        assert set(entry.variant) <= accepted, entry.name
        # the playground splits betas into beta1 and beta2
        assert {"betas" if t in ("beta1", "beta2") else t for t in entry.tunable} <= accepted, entry.name
        opt = entry.optimizer(np.zeros((2, 2) if entry.matrices_only else 2), **entry.variant, **entry.picture)
        for name, value in entry.variant.items():
            assert opt.hyperparameters()[name] == value


def test_the_minimize_methods_are_minimizes_own():
    assert set(MINIMIZE_METHODS) == set(METHODS)
    assert all(REGISTRY[m].optimizer is None and REGISTRY[m].lr_rule is None for m in MINIMIZE_METHODS)


def test_every_torch_optimizer_of_the_course_is_registered_and_offered():
    for name in optim.OPTIMIZERS:
        assert REGISTRY[name].optimizer is optim.OPTIMIZERS[name]
        assert (name in PLAYGROUND_CHOICES) is not REGISTRY[name].matrices_only    # a surface's point is a vector
    with pytest.raises(ValueError, match="matrices"):
        optim.Muon(np.zeros(2))


def test_styles_are_colour_blind_safe_colours_and_tell_every_optimizer_apart():
    looks = [(e.style.color, e.style.linestyle, e.style.marker) for e in REGISTRY.values()]
    assert len(set(looks)) == len(looks)
    assert {e.style.color for e in REGISTRY.values()} <= set(PALETTE.values())


def test_learning_rate_rules_by_hand_on_booth():
    booth = get_surface("booth")                    # f = (x + 2y - 7)^2 + (2x + y - 5)^2: Hessian [[10, 8], [8, 10]]
    assert curvature(booth) == pytest.approx(18.0)
    (x0, x1), (y0, y1) = booth.bounds
    width = min(x1 - x0, y1 - y0)
    assert suggested_hyperparameters("Momentum", booth) == {"lr": pytest.approx(1 / 18)}
    assert suggested_hyperparameters("Adam", booth) == {"lr": pytest.approx(width / 50)}
    assert suggested_hyperparameters("Lion", booth) == {"lr": pytest.approx(width / 200)}
    assert suggested_hyperparameters("Tiger", booth) == {"lr": pytest.approx(width / 200), "weight_decay": 0.0,
                                                         "kinds": "plain"}
    assert suggested_hyperparameters("bfgs", booth) == {}
    assert optimizer_name(optim.HeavyBall) == "HeavyBall"
