"""The momentum widget (lesson 04): its runs decay at the rate optcourse.optim.rates predicts."""

import numpy as np
import pytest

from optcourse.optim.rates import momentum_rate, optimal_momentum
from optcourse.widgets import MomentumWidget


def test_momentum_widget_runs_decay_at_the_predicted_rate():
    w = MomentumWidget(condition_number=25, steps=300)
    w.use_optimal()
    lr, beta = w.lr_control.value, w.momentum_control.value
    assert (lr, beta) == pytest.approx(optimal_momentum(25), rel=1e-9)
    rho = momentum_rate(lr, beta, [1.0, 25.0])
    path = w.runs["Momentum"].path
    # The error shrinks like k rho^k at the optimum (a double root); over 200 steps the k is small.
    measured = (np.linalg.norm(path[250]) / np.linalg.norm(path[50])) ** (1 / 200)
    assert measured == pytest.approx(rho, rel=0.02)
    gd_rho = momentum_rate(lr, 0.0, [1.0, 25.0])
    assert f"{rho:.4f}" in w.status.value and f"{gd_rho:.4f}" in w.status.value
    w.momentum_control.value = 0.0                      # momentum off: both runs coincide
    np.testing.assert_allclose(w.runs["Momentum"].path, w.runs["SGD"].path, rtol=0, atol=0)
