"""RMSprop (Hinton's lecture 6e; PyTorch's form with eps outside the root, centring and momentum) against
steps worked by hand."""
import math

import numpy as np
import pytest

from optcourse import optim


def test_rmsprop_two_steps_by_hand():
    # lr 0.01, alpha 0.9, eps 1e-8; gradients 2 then -1, from x = 1
    x = np.array([1.0])
    opt = optim.RMSprop(x, lr=0.01, alpha=0.9)
    opt.step(np.array([2.0]))
    v = 0.1 * 4.0                                              # v = α v + (1-α) g²
    by_hand = 1.0 - 0.01 * 2.0 / (math.sqrt(v) + 1e-8)         # eps outside the root
    assert x[0] == pytest.approx(by_hand, rel=1e-14)
    opt.step(np.array([-1.0]))
    v = 0.9 * v + 0.1 * 1.0
    assert x[0] == pytest.approx(by_hand - 0.01 * -1.0 / (math.sqrt(v) + 1e-8), rel=1e-14)


def test_centred_rmsprop_with_momentum_by_hand():
    x = np.array([1.0])
    opt = optim.RMSprop(x, lr=0.01, alpha=0.9, momentum=0.5, centered=True)
    opt.step(np.array([2.0]))
    v, g_avg = 0.1 * 4.0, 0.1 * 2.0                            # centred: divide by √(v - ḡ²)
    b = 2.0 / (math.sqrt(v - g_avg**2) + 1e-8)                 # b = μ b + g / denominator
    assert x[0] == pytest.approx(1.0 - 0.01 * b, rel=1e-14)
    opt.step(np.array([-1.0]))
    v, g_avg = 0.9 * v + 0.1, 0.9 * g_avg - 0.1
    b = 0.5 * b + -1.0 / (math.sqrt(v - g_avg**2) + 1e-8)
    assert x[0] == pytest.approx(1.0 - 0.01 * (2.0 / (math.sqrt(0.4 - 0.04) + 1e-8)) - 0.01 * b, rel=1e-14)
