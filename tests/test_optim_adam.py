"""Adam and AdamW (Kingma and Ba 2015; Loshchilov and Hutter 2019): two steps worked by hand from the
papers' equations, and properties that hold for every input."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from strategies import not_tiny, param_and_grads

from optcourse import optim


@given(param_and_grads(steps=1), st.floats(1e-4, 1.0))
def test_adam_first_step_is_at_most_lr_per_coordinate(case, lr):
    # m̂ = g and √v̂ = |g| on the first step, so |Δθ| = lr·|g|/(|g| + eps) <= lr
    x, grads = case
    before = x.copy()
    optim.Adam(x, lr=lr).step(grads[0])
    step = np.abs(x - before)
    assert np.all(step <= lr * (1 + 1e-9) + 1e-9 * np.abs(before))
    big = np.abs(grads[0]) > 1e-3
    np.testing.assert_allclose(step[big], lr, rtol=1e-4)


@given(arrays(np.float64, (5, 4), elements=not_tiny), st.floats(1e-3, 1e3))
def test_adam_ignores_the_scale_of_the_gradient(grads, scale):
    x, y = np.ones(4), np.ones(4)
    a, b = optim.Adam(x, lr=0.01, eps=1e-30), optim.Adam(y, lr=0.01, eps=1e-30)
    for g in grads:
        a.step(g)
        b.step(scale * g)
    np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-12)


def two_steps(opt_class, x0, g1, g2, **hyper):
    x = np.array([x0])
    opt = opt_class(x, **hyper)
    opt.step(np.array([g1]))
    x1 = x[0]
    opt.step(np.array([g2]))
    return x1, x[0]


def test_adam_two_steps_by_hand():
    # lr 0.1, betas (0.9, 0.99), eps 1e-8; gradients 2 then -1, from x = 1
    x1, x2 = two_steps(optim.Adam, 1.0, 2.0, -1.0, lr=0.1, betas=(0.9, 0.99))
    m, v = 0.1 * 2.0, 0.01 * 4.0                        # m = (1-β1) g, v = (1-β2) g²
    by_hand_1 = 1.0 - 0.1 * (m / 0.1) / (math.sqrt(v / 0.01) + 1e-8)     # m̂ = 2, v̂ = 4
    m, v = 0.9 * m + 0.1 * -1.0, 0.99 * v + 0.01 * 1.0
    by_hand_2 = by_hand_1 - 0.1 * (m / (1 - 0.9**2)) / (math.sqrt(v / (1 - 0.99**2)) + 1e-8)
    assert x1 == pytest.approx(by_hand_1, rel=1e-14) and x2 == pytest.approx(by_hand_2, rel=1e-14)


def test_adamw_decays_the_weights_before_the_adam_step_and_adam_adds_decay_to_the_gradient():
    x1, _ = two_steps(optim.AdamW, 1.0, 2.0, -1.0, lr=0.1, weight_decay=0.5)
    assert x1 == pytest.approx(1.0 * (1 - 0.1 * 0.5) - 0.1 * 2.0 / (2.0 + 1e-8), rel=1e-14)   # θ(1-ηλ) - η m̂/√v̂
    x1, _ = two_steps(optim.Adam, 1.0, 2.0, -1.0, lr=0.1, weight_decay=0.5)
    g = 2.0 + 0.5 * 1.0                                  # L2: the decay joins the gradient, then is normalised
    assert x1 == pytest.approx(1.0 - 0.1 * g / (g + 1e-8), rel=1e-14)


def test_amsgrad_divides_by_the_largest_corrected_second_moment_seen():
    # gradients 2 then 0.1: v falls on step 2, v_max keeps step 1's v (PyTorch keeps the max of raw v)
    x1, x2 = two_steps(optim.Adam, 1.0, 2.0, 0.1, lr=0.1, betas=(0.9, 0.99), amsgrad=True)
    m, v_max = 0.9 * 0.2 + 0.1 * 0.1, max(0.04, 0.99 * 0.04 + 0.01 * 0.01)
    assert x2 == pytest.approx(x1 - 0.1 * (m / 0.19) / (math.sqrt(v_max / (1 - 0.99**2)) + 1e-8), rel=1e-14)
