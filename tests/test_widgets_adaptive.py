"""The Adam bias widget (lesson 05): its moments against moving averages written out by hand."""
import math

import numpy as np
import pytest

from optcourse.widgets import AdamBiasWidget


def test_bias_correction_recovers_a_constant_gradient_exactly():
    w = AdamBiasWidget(beta1=0.9, beta2=0.99, steps=50, mean=2.0, std=0.0)
    t = np.arange(1, 51)
    mo = w.moments(0.9, 0.99, np.full(50, 2.0))
    np.testing.assert_allclose(mo["m"], (1 - 0.9**t) * 2.0, rtol=1e-12)
    np.testing.assert_allclose(mo["v"], (1 - 0.99**t) * 4.0, rtol=1e-12)
    np.testing.assert_allclose(mo["m_hat"], 2.0, rtol=1e-12)
    np.testing.assert_allclose(mo["v_hat"], 4.0, rtol=1e-12)
    np.testing.assert_allclose(w.lines["m", "corrected"].get_ydata(), 2.0, rtol=1e-12)
    raw_direction = w.lines["step", "raw"].get_ydata()[0]
    assert raw_direction == pytest.approx(0.1 / math.sqrt(0.01), rel=1e-6)   # (1-β1)/√(1-β2) at t = 1


def test_adam_moments_are_exponential_moving_averages_of_noisy_gradients():
    w = AdamBiasWidget(steps=30, std=1.0, seed=4)
    g = 1.0 + np.random.default_rng(4).standard_normal(30)
    m = v = 0.0
    expected_m, expected_v = [], []
    for gt in g:
        m, v = 0.9 * m + 0.1 * gt, 0.999 * v + 0.001 * gt * gt
        expected_m.append(m)
        expected_v.append(v)
    np.testing.assert_allclose(w.lines["m", "raw"].get_ydata(), expected_m, rtol=1e-12)
    np.testing.assert_allclose(w.lines["v", "raw"].get_ydata(), expected_v, rtol=1e-12)
    w.beta1_control.value = 0.5
    assert w.lines["m", "raw"].get_ydata()[0] == pytest.approx(0.5 * g[0])
