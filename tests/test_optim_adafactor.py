"""Adafactor's factored second moment and relative steps, against closed forms (torch parity is in
test_optim_parity.py)."""
import numpy as np
import pytest

from optcourse import optim
from optcourse.optim.adafactor import factored_second_moment


def test_factored_second_moment_is_exact_for_rank_one_and_keeps_row_and_column_means():
    rng = np.random.default_rng(0)
    a, b = rng.uniform(0.1, 2, size=(5, 1)), rng.uniform(0.1, 2, size=(1, 7))
    V = a @ b
    np.testing.assert_allclose(factored_second_moment(V.mean(1, keepdims=True), V.mean(0, keepdims=True)), V)
    W = rng.uniform(0, 3, size=(5, 7))
    approx = factored_second_moment(W.mean(1, keepdims=True), W.mean(0, keepdims=True))
    np.testing.assert_allclose(approx.mean(1), W.mean(1))
    np.testing.assert_allclose(approx.mean(0), W.mean(0))


def test_adafactor_keeps_n_plus_m_numbers_and_takes_relative_steps():
    rng = np.random.default_rng(1)
    W = rng.normal(size=(40, 30))
    opt = optim.Adafactor(W, lr=0.01)
    assert sorted((k, v.shape) for k, v in opt.state.items()) == [("col_var", (1, 30)), ("row_var", (40, 1))]
    before = W.copy()
    g = rng.normal(size=(40, 30))
    opt.step(g)
    # first step: β̂2 = 1 − 1^(−0.8) = 0, so R, C are this g²'s row and column means; α = 0.01·RMS(W)
    rms = lambda x: np.sqrt(np.mean(x**2))
    R, C = (g**2).mean(axis=1, keepdims=True), (g**2).mean(axis=0, keepdims=True)
    U = g / np.sqrt(R @ C / R.mean())
    np.testing.assert_allclose(W, before - 0.01 * rms(before) / max(1.0, rms(U)) * U, rtol=1e-12)
    assert rms(W - before) <= 0.01 * rms(before) * (1 + 1e-12)       # never more than ρ·RMS(θ)


@pytest.mark.parametrize("hyper,words", [
    (dict(beta2_decay=0.5), "beta2_decay"), (dict(d=0.5), "clipping"), (dict(eps=1e-3), "pair"),
    (dict(eps=(-1.0, 1e-3)), r"eps\[0\]"), (dict(weight_decay=-0.1), "weight_decay"),
])
def test_bad_hyperparameters_are_refused_with_their_name(hyper, words):
    with pytest.raises(ValueError, match=words):
        optim.Adafactor(np.ones(2), **hyper)
