"""optcourse.beyond.constrained: against closed forms, SciPy's bound-constrained L-BFGS-B, and each other."""
import numpy as np
import pytest
from scipy.optimize import minimize

from optcourse.beyond.constrained import (coordinate_descent_lasso, lasso_objective, project_ball, project_box,
                                   projected_gradient, proximal_gradient, soft_threshold)


def test_soft_threshold_by_hand():
    np.testing.assert_array_equal(soft_threshold(np.array([3.0, -0.5, -2.0, 1.0, 0.0]), 1.0),
                                  [2.0, 0.0, -1.0, 0.0, 0.0])
    with pytest.raises(ValueError):
        soft_threshold(np.ones(2), -0.1)


def test_soft_threshold_is_the_prox_of_l1():
    # prox_t(v) = argmin_x 0.5 (x - v)^2 + t |x|: compare with a fine grid, coordinate by coordinate
    grid = np.linspace(-5, 5, 200001)
    for v, t in ((2.3, 0.7), (-1.1, 1.5), (0.4, 0.1), (-3.0, 0.25)):
        best = grid[np.argmin(0.5 * (grid - v) ** 2 + t * np.abs(grid))]
        assert soft_threshold(v, t) == pytest.approx(best, abs=1e-4)


def test_projections_by_hand():
    np.testing.assert_allclose(project_ball([3.0, 4.0], 1.0), [0.6, 0.8])
    np.testing.assert_allclose(project_ball([0.1, 0.2], 1.0), [0.1, 0.2])
    np.testing.assert_allclose(project_ball([3.0, 1.0], 2.0, center=np.array([1.0, 1.0])), [3.0, 1.0])
    np.testing.assert_allclose(project_box([-2.0, 0.5, 7.0], 0.0, 1.0), [0.0, 0.5, 1.0])


def test_projected_gradient_matches_scipy_on_a_box():
    rng = np.random.default_rng(0)
    M = rng.normal(size=(6, 4))
    Q, c = M.T @ M + 0.1 * np.eye(4), rng.normal(size=4) * 3
    lo, hi = -np.ones(4) * 0.5, np.ones(4) * 0.5
    path = projected_gradient(lambda x: Q @ x - c, lambda x: project_box(x, lo, hi), np.zeros(4),
                              lr=1 / np.linalg.eigvalsh(Q).max(), steps=5000)
    ref = minimize(lambda x: 0.5 * x @ Q @ x - c @ x, np.zeros(4), jac=lambda x: Q @ x - c,
                   method="L-BFGS-B", bounds=list(zip(lo, hi)), options={"ftol": 1e-15, "gtol": 1e-12})
    np.testing.assert_allclose(path[-1], ref.x, atol=1e-6)


def test_ista_matches_the_closed_form_for_an_orthogonal_design():
    rng = np.random.default_rng(1)
    A, _ = np.linalg.qr(rng.normal(size=(20, 5)))      # orthonormal columns: x* = S_lam(A^T b)
    b = rng.normal(size=20) * 2
    x, objective = proximal_gradient(A, b, 0.8, steps=50)
    np.testing.assert_allclose(x, np.sign(A.T @ b) * np.maximum(np.abs(A.T @ b) - 0.8, 0), atol=1e-12)
    assert np.all(np.diff(objective) <= 1e-12)


def _lasso_by_scipy(A, b, lam):
    # the smooth split x = u - v, u, v >= 0, solved by L-BFGS-B to tight tolerance
    n = A.shape[1]

    def fun(z):
        r = A @ (z[:n] - z[n:]) - b
        g = A.T @ r
        return 0.5 * r @ r + lam * z.sum(), np.concatenate([g + lam, -g + lam])
    res = minimize(fun, np.zeros(2 * n), jac=True, method="L-BFGS-B", bounds=[(0, None)] * (2 * n),
                   options={"ftol": 1e-16, "gtol": 1e-12, "maxiter": 10000})
    return res.x[:n] - res.x[n:]


def test_coordinate_descent_and_ista_agree_with_scipy():
    rng = np.random.default_rng(2)
    A, b = rng.normal(size=(40, 12)), rng.normal(size=40)
    lam = 3.0
    reference = _lasso_by_scipy(A, b, lam)
    x_cd, obj_cd = coordinate_descent_lasso(A, b, lam, sweeps=1000, tol=1e-13)
    x_ista, _ = proximal_gradient(A, b, lam, steps=5000)
    np.testing.assert_allclose(x_cd, reference, atol=1e-5)
    np.testing.assert_allclose(x_ista, x_cd, atol=1e-8)
    assert np.all(np.diff(obj_cd) <= 1e-12)                       # exact coordinate minimisation
    assert 0 < np.count_nonzero(x_cd) < 12                         # the L1 term zeroes some weights
    assert lasso_objective(A, b, lam, x_cd) <= lasso_objective(A, b, lam, reference) + 1e-9


def test_large_lambda_gives_zero():
    rng = np.random.default_rng(3)
    A, b = rng.normal(size=(10, 4)), rng.normal(size=10)
    lam = np.abs(A.T @ b).max() * 1.01                 # above lambda_max the solution is exactly 0
    assert np.all(coordinate_descent_lasso(A, b, lam)[0] == 0)
    assert np.all(proximal_gradient(A, b, lam)[0] == 0)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="lam"):
        proximal_gradient(np.eye(2), np.ones(2), -1.0)
    with pytest.raises(ValueError, match="shape|A must"):
        coordinate_descent_lasso(np.eye(2), np.ones(3), 1.0)
    with pytest.raises(ValueError, match="radius"):
        project_ball([1.0], -1.0)


def test_fista_reaches_the_scipy_solution_faster_than_ista():
    # Beck & Teboulle: F(x_k) - F* <= 2L||x0 - x*||^2 / (k+1)^2 for FISTA; ISTA's bound is L||x0 - x*||^2 / (2k)
    rng = np.random.default_rng(3)
    A = rng.normal(size=(50, 20)) + 0.9 * rng.normal(size=(50, 1))         # correlated columns: ISTA is slow
    b, lam = rng.normal(size=50), 2.0
    reference = _lasso_by_scipy(A, b, lam)
    F_star = lasso_objective(A, b, lam, reference)
    L = np.linalg.norm(A, 2) ** 2
    x_fista, obj_fista = proximal_gradient(A, b, lam, steps=3000, accelerated=True)
    _, obj_ista = proximal_gradient(A, b, lam, steps=3000)
    np.testing.assert_allclose(x_fista, reference, atol=1e-5)
    k = np.arange(1, 3001)
    assert np.all(obj_fista[1:] - F_star <= 2 * L * reference @ reference / (k + 1) ** 2 + 1e-9)
    assert obj_fista[100] - F_star < 0.1 * (obj_ista[100] - F_star)
