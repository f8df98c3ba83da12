"""AdaDelta (Zeiler 2012) against two steps worked by hand from the paper's Algorithm 1, with PyTorch's lr
in front of the step."""
import math

import numpy as np
import pytest

from optcourse import optim


def test_adadelta_two_steps_by_hand():
    # lr 1, rho 0.9, eps 1e-6; gradients 2 then -1, from x = 1
    x = np.array([1.0])
    opt = optim.Adadelta(x, lr=1.0, rho=0.9, eps=1e-6)
    opt.step(np.array([2.0]))
    v = 0.1 * 4.0                                           # E[g²] = ρ E[g²] + (1-ρ) g²
    delta = math.sqrt(0.0 + 1e-6) / math.sqrt(v + 1e-6) * 2.0   # RMS[Δx] / RMS[g] · g, with E[Δx²] = 0
    u = 0.1 * delta**2                                      # E[Δx²] = ρ E[Δx²] + (1-ρ) Δx²
    assert x[0] == pytest.approx(1.0 - delta, rel=1e-14)
    opt.step(np.array([-1.0]))
    v = 0.9 * v + 0.1 * 1.0
    delta2 = math.sqrt(u + 1e-6) / math.sqrt(v + 1e-6) * -1.0
    assert x[0] == pytest.approx(1.0 - delta - delta2, rel=1e-14)


def test_adadelta_first_step_is_about_sqrt_eps_over_one_minus_rho_for_large_gradients():
    # with E[Δx²] = 0 the first step is √ε / √((1-ρ) g² + ε) · g → √(ε/(1-ρ)) when g² ≫ ε/(1-ρ)
    x = np.array([0.0])
    optim.Adadelta(x, lr=1.0, rho=0.9, eps=1e-6).step(np.array([100.0]))
    assert -x[0] == pytest.approx(math.sqrt(1e-6 / 0.1), rel=1e-6)
