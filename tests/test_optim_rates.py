"""Convergence rates on quadratics (lesson 04) against closed forms and against the optimizers' own runs."""
import math

import pytest

from optcourse.optim.rates import momentum_rate, optimal_momentum


def test_momentum_rate_closed_forms():
    lr = 0.15
    assert momentum_rate(lr, 0.0, [1.0, 10.0]) == pytest.approx(max(abs(1 - lr), abs(1 - 10 * lr)))
    for kappa in (4.0, 25.0, 400.0):
        best_lr, best_beta = optimal_momentum(kappa)
        assert best_lr == pytest.approx(4 / (1 + math.sqrt(kappa)) ** 2)
        assert momentum_rate(best_lr, best_beta, [1.0, kappa]) == pytest.approx(
            (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1), rel=1e-6)
