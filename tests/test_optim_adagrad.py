"""AdaGrad (Duchi et al. 2011): two steps worked by hand, and its sum of squares only grows."""

import math

import numpy as np
import pytest
from hypothesis import given
from strategies import param_and_grads

from optcourse import optim


@given(param_and_grads())
def test_adagrad_sum_only_grows(case):
    x, grads = case
    opt = optim.Adagrad(x)
    previous = opt.state["s"].copy()
    for g in grads:
        opt.step(g)
        assert np.all(opt.state["s"] >= previous)
        previous = opt.state["s"].copy()


def test_adagrad_two_steps_by_hand():
    # lr 0.1, lr_decay 0.01, initial accumulator 0.5, eps 1e-10; gradients 2 then -1, from x = 1
    x = np.array([1.0])
    opt = optim.Adagrad(x, lr=0.1, lr_decay=0.01, initial_accumulator_value=0.5)
    opt.step(np.array([2.0]))
    by_hand = 1.0 - 0.1 / (1 + 0 * 0.01) * 2.0 / (math.sqrt(0.5 + 4.0) + 1e-10)     # s = 0.5 + g²
    assert x[0] == pytest.approx(by_hand, rel=1e-14)
    opt.step(np.array([-1.0]))
    by_hand -= 0.1 / (1 + 1 * 0.01) * -1.0 / (math.sqrt(4.5 + 1.0) + 1e-10)          # η/(1 + (t-1) decay)
    assert x[0] == pytest.approx(by_hand, rel=1e-14)
