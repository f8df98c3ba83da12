"""Linear and logistic regression against hand-worked values, finite differences, SciPy's least squares
and minimiser, and minibatch descent against the update written out step by step."""
import itertools
import math

import numpy as np
import pytest
from scipy import linalg, optimize, special

from optcourse.learning import linear_models as lm
from optcourse.learning.data import make_classification, make_regression, minibatches
from optcourse.learning.linear_models import minibatch_noise


def central_gradient(f, theta, h=1e-6):
    theta = np.asarray(theta, dtype=float)
    out = np.zeros_like(theta)
    for i in range(len(theta)):
        e = np.zeros_like(theta)
        e[i] = h
        out[i] = (f(theta + e) - f(theta - e)) / (2 * h)
    return out


@pytest.fixture
def regression():
    X, y, _, _ = make_regression(60, n_features=3, noise=0.4, seed=3)
    return lm.with_ones(X + 1.5), y


@pytest.fixture
def classification():
    X, y = make_classification(80, n_classes=2, n_features=2, separation=1.0, seed=4)
    return lm.with_ones(X), y.astype(float)


def test_hand_worked_least_squares():
    X = lm.with_ones(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(X, [[1.0, 1.0], [2.0, 1.0]])
    y = np.array([1.0, 4.0])
    assert lm.mse_loss(np.array([1.0, 0.0]), X, y) == 1.0             # residuals 0, -2: ½ (0 + 4) / 2
    # at theta = 0 the residuals are -y: gradient = -(1/2) X^T y = -(1/2) [1 + 8, 1 + 4]
    np.testing.assert_allclose(lm.mse_gradient(np.zeros(2), X, y), [-4.5, -2.5])
    np.testing.assert_allclose(lm.normal_equations(lm.with_ones([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0])), [2, 1])
    np.testing.assert_allclose(lm.mse_hessian(X), [[2.5, 1.5], [1.5, 1.0]])


def test_mse_gradient_hessian_and_closed_form(regression):
    X, y = regression
    rng = np.random.default_rng(0)
    for _ in range(3):
        theta = rng.normal(size=X.shape[1])
        np.testing.assert_allclose(lm.mse_gradient(theta, X, y),
                                   central_gradient(lambda t: lm.mse_loss(t, X, y), theta), rtol=1e-6, atol=1e-8)
        H = np.array([central_gradient(lambda t: lm.mse_gradient(t, X, y)[i], theta) for i in range(X.shape[1])])
        np.testing.assert_allclose(lm.mse_hessian(X), H, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(lm.mse_sample_gradients(theta, X, y).mean(axis=0), lm.mse_gradient(theta, X, y))
    best = lm.normal_equations(X, y)
    np.testing.assert_allclose(best, linalg.lstsq(X, y)[0], rtol=1e-10)
    np.testing.assert_allclose(lm.mse_gradient(best, X, y), 0.0, atol=1e-12)


def test_mse_surface_is_the_loss_and_its_minimum_is_the_closed_form():
    x, y, _, _ = make_regression(50, 1, 0.5, seed=1)
    X = lm.with_ones(x[:, 0] + 2.0)
    s = lm.mse_surface(X, y)
    rng = np.random.default_rng(1)
    points = rng.normal(size=(5, 2)) * 3
    np.testing.assert_allclose(s.value(points), [lm.mse_loss(p, X, y) for p in points], rtol=1e-12)
    np.testing.assert_allclose(s.gradient(points), [lm.mse_gradient(p, X, y) for p in points], atol=1e-12)
    np.testing.assert_allclose(s.hessian(points[0]), lm.mse_hessian(X), rtol=1e-12)
    np.testing.assert_allclose(s.minima[0], linalg.lstsq(X, y)[0], rtol=1e-9)


def test_logistic_loss_and_gradient(classification):
    X, y = classification
    z = X @ np.array([0.3, -1.2, 0.5])
    # SciPy: -[y log σ(z) + (1 - y) log(1 - σ(z))] with log σ from special.log_expit
    reference = -np.mean(y * special.log_expit(z) + (1 - y) * special.log_expit(-z))
    assert lm.logistic_loss(np.array([0.3, -1.2, 0.5]), X, y) == pytest.approx(reference, rel=1e-12)
    np.testing.assert_allclose(lm.sigmoid(np.array([-800.0, -3.0, 0.0, 2.0, 800.0])),
                               special.expit([-800.0, -3.0, 0.0, 2.0, 800.0]), rtol=1e-15)
    theta = np.array([0.7, 0.1, -0.4])
    np.testing.assert_allclose(lm.logistic_gradient(theta, X, y),
                               central_gradient(lambda t: lm.logistic_loss(t, X, y), theta), rtol=1e-6, atol=1e-9)
    # at theta = 0 every prediction is 1/2: the gradient is X^T (1/2 - y) / N
    np.testing.assert_allclose(lm.logistic_gradient(np.zeros(3), X, y), X.T @ (0.5 - y) / len(y))
    assert lm.logistic_loss(np.zeros(3), X, y) == pytest.approx(np.log(2))


def test_logistic_loss_stays_finite_far_out():
    X = lm.with_ones(np.array([1.0, 1.0]))
    y = np.array([1.0, 0.0])
    theta = np.array([1000.0, 0.0])           # z = 1000 for both: right for the first, badly wrong for the second
    assert lm.logistic_loss(theta, X, y) == pytest.approx(500.0)
    np.testing.assert_allclose(lm.logistic_gradient(theta, X, y), [0.5, 0.5])


def test_logistic_regression_by_descent_reaches_scipy_minimum(classification):
    X, y = classification
    best = optimize.minimize(lm.logistic_loss, np.zeros(3), args=(X, y), jac=lm.logistic_gradient,
                             method="BFGS", options={"gtol": 1e-10}).x
    run = lm.minibatch_descent(lm.logistic_gradient, np.zeros(3), X, y, lr=2.0, epochs=3000)
    np.testing.assert_allclose(run.thetas[-1], best, atol=1e-5)


def test_batch_descent_is_the_update_written_out(regression):
    X, y = regression
    lr, theta = 0.05, np.zeros(X.shape[1])
    run = lm.minibatch_descent(lm.mse_gradient, theta, X, y, lr=lr, epochs=5)
    expected = [theta]
    for _ in range(5):
        expected.append(expected[-1] - lr * X.T @ (X @ expected[-1] - y) / len(y))
    np.testing.assert_allclose(run.thetas, expected, rtol=1e-12)
    np.testing.assert_array_equal(run.samples, np.arange(6) * len(y))
    assert run.updates == 5 and not run.diverged and np.all(theta == 0)       # theta0 untouched


def test_minibatches_visit_every_sample_once_per_epoch_in_order(regression):
    X, y = regression
    lr, B = 0.02, 16
    run = lm.minibatch_descent(lm.mse_gradient, np.zeros(X.shape[1]), X, y, lr=lr, batch_size=B, epochs=2, seed=7)
    n_per_epoch = -(-len(y) // B)                       # 60 samples: batches of 16, 16, 16, 12
    assert run.updates == 2 * n_per_epoch
    np.testing.assert_array_equal(run.samples[1:n_per_epoch + 1], [16, 32, 48, 60])
    theta = np.zeros(X.shape[1])
    for epoch in range(2):
        order = np.random.default_rng([7, epoch]).permutation(len(y))
        for start in range(0, len(y), B):
            idx = order[start:start + B]
            theta = theta - lr * X[idx].T @ (X[idx] @ theta - y[idx]) / len(idx)
    np.testing.assert_allclose(run.thetas[-1], theta, rtol=1e-12)
    # and the batches are those of data.minibatches
    first = next(iter(minibatches(X, y, B, seed=7, epoch=0)))
    np.testing.assert_allclose(run.thetas[1], -lr * first[0].T @ (first[0] @ np.zeros(X.shape[1]) - first[1]) / B)


def test_learning_rate_threshold_two_over_largest_eigenvalue(regression):
    X, y = regression
    lam_max = np.linalg.eigvalsh(X.T @ X / len(y)).max()
    below = lm.minibatch_descent(lm.mse_gradient, np.zeros(X.shape[1]), X, y, lr=0.98 * 2 / lam_max, epochs=3000)
    np.testing.assert_allclose(below.thetas[-1], linalg.lstsq(X, y)[0], atol=1e-6)
    above = lm.minibatch_descent(lm.mse_gradient, np.zeros(X.shape[1]), X, y, lr=1.02 * 2 / lam_max, epochs=50_000)
    assert above.diverged and np.isfinite(above.thetas).all() and above.updates < 50_000


def test_max_updates_and_stochastic_counts(regression):
    X, y = regression
    run = lm.minibatch_descent(lm.mse_gradient, np.zeros(X.shape[1]), X, y, lr=0.01, batch_size=1, epochs=3,
                               max_updates=70)
    assert run.updates == 70 and run.samples[-1] == 70
    np.testing.assert_allclose(run.epochs(len(y))[-1], 70 / 60)


def test_bad_input_is_explained(regression):
    X, y = regression
    with pytest.raises(ValueError, match="one entry per column"):
        lm.mse_gradient(np.zeros(2), X, y)
    with pytest.raises(ValueError, match="one entry per row"):
        lm.mse_loss(np.zeros(X.shape[1]), X, y[:-1])
    with pytest.raises(ValueError, match="with_ones"):
        lm.mse_gradient(np.zeros(1), X[:, 0], y)
    with pytest.raises(ValueError, match="finite"):
        lm.mse_loss(np.zeros(X.shape[1]), X, np.full(len(y), np.nan))
    with pytest.raises(ValueError, match="0 or 1"):
        lm.logistic_loss(np.zeros(X.shape[1]), X, y)
    with pytest.raises(ValueError, match="singular"):
        lm.normal_equations(np.ones((5, 2)), np.arange(5.0))
    with pytest.raises(ValueError, match="lr"):
        lm.minibatch_descent(lm.mse_gradient, np.zeros(X.shape[1]), X, y, lr=-0.1)
    with pytest.raises(ValueError, match="2 columns"):
        lm.mse_surface(X, y)
    with pytest.raises(ValueError, match="samples first"):
        lm.with_ones(np.zeros((0, 2)))


def test_minibatch_noise_formula_equals_averaging_over_every_batch():
    G = np.random.default_rng(3).standard_normal((7, 2)) * [1.0, 3.0] + [0.5, -2.0]
    for B in range(1, 8):
        errors = [np.sum((G[list(c)].mean(axis=0) - G.mean(axis=0)) ** 2) for c in itertools.combinations(range(7), B)]
        assert minibatch_noise(G, B) == pytest.approx(math.sqrt(np.mean(errors)), rel=1e-12, abs=1e-15)
    with pytest.raises(ValueError, match="between 1 and"):
        minibatch_noise(G, 8)
