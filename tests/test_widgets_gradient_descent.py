"""The batch-noise widget (lesson 01): its paths against minibatch descent written out by hand."""

import numpy as np
import pytest

from optcourse.experiments.runner import run
from optcourse.learning.data import make_regression, minibatches
from optcourse.learning.linear_models import minibatch_noise
from optcourse.widgets import BatchNoiseWidget


def test_batch_noise_widget_measures_what_the_formula_says():
    w = BatchNoiseWidget(batch_size=16, n_samples=256)
    sizes, measured = w.measured_line.get_data()
    for B, value in zip(sizes, measured):
        assert value == pytest.approx(minibatch_noise(w._G, int(B)), rel=0.2), B
    G = w.per_sample_gradients(w.X, w.y, w.surface.start)
    np.testing.assert_allclose(G.mean(axis=0), w.surface.gradient(w.surface.start), rtol=1e-12)


def test_minibatch_path_takes_the_batches_in_order_and_the_full_batch_is_gradient_descent():
    w = BatchNoiseWidget(batch_size=8, lr=0.1, steps=40, n_samples=64)
    X, y, _, _ = make_regression(64, 1, 1.0, 0)
    theta, path = w.surface.start.copy(), [w.surface.start.copy()]
    for epoch in range(5):                                     # 8 steps per epoch
        for Xb, yb in minibatches(X, y, 8, seed=0, epoch=epoch):
            r = theta[0] * Xb[:, 0] + theta[1] - yb
            theta = theta - 0.1 * np.array([np.mean(r * Xb[:, 0]), np.mean(r)])
            path.append(theta)
    np.testing.assert_allclose(w.paths["minibatch"], np.array(path), rtol=1e-10, atol=1e-12)
    w.batch_control.value = 64                                 # the whole set: no noise at all
    np.testing.assert_allclose(w.paths["minibatch"], w.paths["full"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w.paths["full"], run("SGD", w.surface, 40, lr=0.1).path, rtol=1e-12)
    assert "misses the full one" in w.status.value and "by 0" in w.status.value
