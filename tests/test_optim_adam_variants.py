"""NAdam, RAdam and Adamax against closed forms worked from their papers (torch parity is in
test_optim_parity.py)."""
import math

import numpy as np
import pytest

from optcourse import optim


def test_nadam_first_step_by_hand():
    # μ_t = β1(1 − ½·0.96^{tψ}); step 1: m = (1−β1)g, v = (1−β2)g², d = |g| + ε
    b1, b2, psi, lr = 0.9, 0.999, 0.004, 0.1
    mu1, mu2 = b1 * (1 - 0.5 * 0.96 ** psi), b1 * (1 - 0.5 * 0.96 ** (2 * psi))
    x = np.array([1.0, -1.0])
    g = np.array([2.0, -0.5])
    optim.NAdam(x, lr=lr, eps=1e-30).step(g)
    step = lr * (1 - mu1) / (1 - mu1) * np.sign(g) + lr * mu2 / (1 - mu1 * mu2) * (1 - b1) * np.sign(g)
    # Π_1 = μ1 is kept in float32, as torch keeps it: relative effect ~1e-8
    np.testing.assert_allclose(x, np.array([1.0, -1.0]) - step, rtol=1e-7)


def test_radam_steps_with_momentum_alone_until_rho_exceeds_5():
    # β2 = 0.999: ρ_t = ρ∞ − 2tβ2ᵗ/(1 − β2ᵗ) passes 5 between t = 5 and t = 6
    b2 = 0.999
    rho_inf = 2 / (1 - b2) - 1
    rho = [rho_inf - 2 * t * b2**t / (1 - b2**t) for t in range(1, 8)]
    assert [r > 5 for r in rho] == [False] * 5 + [True] * 2
    x = np.zeros(2)
    opt = optim.RAdam(x, lr=0.1)
    g = np.array([3.0, -0.001])
    for t in range(1, 6):
        before = x.copy()
        opt.step(g)
        np.testing.assert_allclose(x - before, -0.1 * g, rtol=1e-12)    # m̂ = g for a constant g
    before = x.copy()
    opt.step(g)
    r6 = math.sqrt((rho[5] - 4) * (rho[5] - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho[5]))
    np.testing.assert_allclose(x - before, -0.1 * r6 * g / (np.abs(g) + 1e-8 / math.sqrt(1 - b2**6)), rtol=1e-9)
    assert opt.rectification(5) is None and opt.rectification(6) == pytest.approx(r6)


def test_adamax_tracks_a_decaying_maximum():
    x = np.zeros(1)
    opt = optim.Adamax(x, lr=0.01, betas=(0.5, 0.9), eps=1e-12)
    for g in (4.0, 1.0, 1.0):
        opt.step(np.array([g]))
    # u: 4, max(3.6, 1) = 3.6, max(3.24, 1) = 3.24;  m: 2, 1 + 0.5 = 1.5, 0.75 + 0.5 = 1.25
    np.testing.assert_allclose(opt.state["u"], [3.24], rtol=1e-12)
    np.testing.assert_allclose(opt.state["m"], [1.25], rtol=1e-12)


@pytest.mark.parametrize("name,hyper,words", [
    ("NAdam", dict(momentum_decay=-1.0), "momentum_decay"), ("RAdam", dict(betas=(1.0, 0.9)), r"betas\[0\]"),
    ("Adamax", dict(eps=0.0), "eps"),
])
def test_bad_hyperparameters_are_refused_with_their_name(name, hyper, words):
    with pytest.raises(ValueError, match=words):
        getattr(optim, name)(np.ones(2), **hyper)
