"""Linear conjugate gradient against np.linalg.solve, SciPy's cg, and the theorems of N&W chapter 5
(n-step termination, conjugacy, orthogonal residuals, Krylov optimality, the convergence bound)."""
import math

import numpy as np
import pytest
import scipy.sparse.linalg
from references import steepest_descent_by_hand

from optcourse.landscapes.conditioning import cluster_and_outliers, spd_matrix
from optcourse.secondorder.conjugate_gradient import a_norm_errors, cg_error_bound, linear_cg, steepest_descent_bound


def spd(rng, n, eigenvalues):
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    return (Q * np.asarray(eigenvalues, dtype=float)) @ Q.T


@pytest.mark.parametrize("n", [1, 2, 5, 20, 50])
def test_finishes_within_n_steps(n, rng):
    # (In floating point the n-step property fades as the condition number grows; with kappa = 10
    # it holds to 1e-9.)
    A = spd(rng, n, np.geomspace(1, 10, n))
    b = rng.normal(size=n)
    res = linear_cg(A, b, tol=1e-9)
    assert res.success and res.nit <= n
    np.testing.assert_allclose(res.x, np.linalg.solve(A, b), rtol=1e-7, atol=1e-9)
    assert res.path.shape == (res.nit + 1, n) and np.array_equal(res.path[-1], res.x)
    np.testing.assert_allclose(res.residual_norms, np.linalg.norm(b - res.path @ A, axis=1), rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("kappa", [10.0, 1e3])
def test_agrees_with_scipy(kappa, rng):
    A = spd(rng, 30, np.geomspace(1, kappa, 30))
    b = rng.normal(size=30)
    iterations = []
    theirs, info = scipy.sparse.linalg.cg(A, b, rtol=1e-10, callback=lambda xk: iterations.append(xk.copy()))
    assert info == 0
    ours = linear_cg(A, b, tol=1e-10)
    assert ours.nit == len(iterations)  # the same iteration, so rounding plays out the same way
    np.testing.assert_allclose(ours.path[1:], np.array(iterations), rtol=1e-8, atol=1e-10)


def test_directions_are_conjugate_and_residuals_orthogonal(rng):
    n = 8
    A = spd(rng, n, np.geomspace(1, 30, n))
    b = rng.normal(size=n)
    res = linear_cg(A, b, tol=1e-12)
    steps = np.diff(res.path, axis=0)          # s_k = alpha_k p_k
    residuals = b - res.path @ A               # r_k = b - A x_k
    conjugacy = steps @ A @ steps.T            # N&W Theorem 5.3: p_i' A p_j = 0, i != j
    off = conjugacy - np.diag(np.diag(conjugacy))
    assert np.abs(off).max() <= 1e-8 * np.abs(np.diag(conjugacy)).max()
    gram = residuals[:-1] @ residuals[:-1].T   # r_i' r_j = 0, i != j
    off = gram - np.diag(np.diag(gram))
    assert np.abs(off).max() <= 1e-8 * np.abs(np.diag(gram)).max()


def test_each_iterate_minimises_over_the_krylov_subspace(rng):
    # N&W Theorem 5.2: x_k minimises phi(x) = x'Ax/2 - b'x over x_0 + span{r_0, A r_0, ..., A^{k-1} r_0}
    n = 7
    A = spd(rng, n, np.linspace(1, 20, n))
    b, x0 = rng.normal(size=n), rng.normal(size=n)
    res = linear_cg(A, b, x0=x0, tol=1e-12)
    r0 = b - A @ x0
    for k in range(1, res.nit + 1):
        K = np.column_stack([np.linalg.matrix_power(A, j) @ r0 for j in range(k)])
        Q, _ = np.linalg.qr(K)
        # minimise phi(x0 + Q c): (Q'AQ) c = Q'(b - A x0)
        c = np.linalg.solve(Q.T @ A @ Q, Q.T @ r0)
        np.testing.assert_allclose(res.path[k], x0 + Q @ c, rtol=1e-6, atol=1e-8)


def test_as_many_steps_as_distinct_eigenvalues(rng):
    # N&W Theorem 5.4: r distinct eigenvalues -> at most r steps
    A = spd(rng, 40, np.repeat([1.0, 4.0, 9.0], [10, 15, 15]))
    b = rng.normal(size=40)
    res = linear_cg(A, b, tol=1e-9)
    assert res.success and res.nit == 3


def test_error_obeys_the_condition_number_bound(rng):
    # N&W (5.36): ||x_k - x*||_A <= 2 ((sqrt(k) - 1)/(sqrt(k) + 1))^k ||x_0 - x*||_A
    n, kappa = 60, 400.0
    A = spd(rng, n, np.geomspace(1, kappa, n))
    b = rng.normal(size=n)
    res = linear_cg(A, b, tol=1e-10)
    x_star = np.linalg.solve(A, b)
    errors = np.array([np.sqrt((x - x_star) @ A @ (x - x_star)) for x in res.path])
    rate = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    k = np.arange(len(errors))
    assert np.all(errors <= 2 * rate**k * errors[0] * (1 + 1e-8) + 1e-12)


def test_stops_honestly_at_maxiter(rng):
    A = spd(rng, 10, np.geomspace(1, 1e3, 10))
    res = linear_cg(A, rng.normal(size=10), maxiter=3)
    assert not res.success and res.nit == 3 and "maxiter" in res.message


def test_bad_input():
    with pytest.raises(ValueError, match="symmetric"):
        linear_cg(np.array([[2.0, 1.0], [0.0, 2.0]]), np.ones(2))
    with pytest.raises(ValueError, match="square"):
        linear_cg(np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        linear_cg(np.eye(2), np.ones(3))
    with pytest.raises(ValueError, match="positive definite"):
        linear_cg(np.diag([1.0, -1.0]), np.ones(2))
    with pytest.raises(ValueError, match="finite"):
        linear_cg(np.eye(2), np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="x0"):
        linear_cg(np.eye(2), np.ones(2), x0=np.ones(3))
    with pytest.raises(TypeError, match="real numbers"):
        linear_cg(np.eye(2, dtype=complex), np.ones(2))


def test_a_norm_errors_against_the_definition_and_f():
    rng = np.random.default_rng(0)
    A = spd_matrix([1.0, 2.0, 7.0], seed=1)
    b = rng.normal(size=3)
    x_star = np.linalg.solve(A, b)
    points = rng.normal(size=(4, 3))
    expected = [math.sqrt((p - x_star) @ A @ (p - x_star)) for p in points]
    np.testing.assert_allclose(a_norm_errors(A, points, x_star), expected, rtol=1e-12)
    # f(x) - f* = ½ ‖x - x*‖²_A for f = ½ xᵀAx - bᵀx
    f = lambda x: 0.5 * x @ A @ x - b @ x
    np.testing.assert_allclose(0.5 * a_norm_errors(A, points, x_star) ** 2,
                               [f(p) - f(x_star) for p in points], rtol=1e-10)
    with pytest.raises(ValueError, match="n x n"):
        a_norm_errors(np.eye(2), points, x_star)


def test_steepest_descent_bound_is_reached_from_the_worst_start_and_holds_elsewhere():
    for kappa in (4.0, 30.0, 500.0):
        A = np.diag([1.0, kappa])
        worst = steepest_descent_by_hand(A, np.zeros(2), np.array([1.0, 1.0 / kappa]), 5)
        errors = a_norm_errors(A, worst, np.zeros(2))
        np.testing.assert_allclose(errors[1:] / errors[:-1], steepest_descent_bound(kappa, 1), rtol=1e-9)
    rng = np.random.default_rng(2)
    A = spd_matrix(np.geomspace(1.0, 50.0, 6), seed=2)
    b = rng.normal(size=6)
    for _ in range(5):
        path = steepest_descent_by_hand(A, b, rng.normal(size=6), 30)
        errors = a_norm_errors(A, path, np.linalg.solve(A, b))
        assert np.all(errors[1:] <= steepest_descent_bound(50.0, 1) * errors[:-1] * (1 + 1e-12))
    np.testing.assert_allclose(steepest_descent_bound(3.0, [0, 1, 2]), [1.0, 0.5, 0.25])


def test_cg_error_bound_hand_values_and_cg_obeys_it():
    # kappa = 9: (3 - 1)/(3 + 1) = 1/2, so 2 (1/2)^k, capped at 1
    np.testing.assert_allclose(cg_error_bound(9.0, [0, 1, 2, 5]), [1.0, 1.0, 0.5, 2 / 32])
    rng = np.random.default_rng(4)
    for kappa in (10.0, 1e3):
        A = spd_matrix(np.geomspace(1.0, kappa, 60), seed=int(kappa))
        b = rng.normal(size=60)
        res = linear_cg(A, b, tol=1e-10)
        errors = a_norm_errors(A, res.path, np.linalg.solve(A, b))
        k = np.arange(len(errors))
        assert np.all(errors / errors[0] <= cg_error_bound(kappa, k) * (1 + 1e-8) + 1e-12)
        assert np.all(np.diff(errors) <= 1e-12 * errors[0])          # CG's A-norm error never grows
    with pytest.raises(ValueError, match=">= 1"):
        cg_error_bound(0.9, 3)


def test_a_cluster_with_outliers_obeys_nocedal_wright_theorem_5_5():
    rng = np.random.default_rng(5)
    for m, width in ((0, 0.05), (3, 0.01), (6, 0.2)):
        lam = cluster_and_outliers(80, 1e4, m, width, seed=m)
        A = spd_matrix(lam, seed=10 + m)
        b = rng.normal(size=80)
        res = linear_cg(A, b, tol=1e-14)
        errors = a_norm_errors(A, res.path, np.linalg.solve(A, b))
        assert errors[m + 1] / errors[0] <= width / (2 + width) * (1 + 1e-6)


def test_preconditioned_cg_matches_scipy_and_the_transformed_system():
    """PCG with a Jacobi preconditioner: the same solution as SciPy's cg with M, and the same iterate
    count as plain CG on the symmetrically scaled system D^-1/2 A D^-1/2 (N&W Algorithm 5.3)."""
    from scipy.sparse.linalg import cg as scipy_cg
    rng = np.random.default_rng(5)
    B = rng.normal(size=(30, 30))
    d = np.geomspace(1.0, 1e4, 30)
    A = np.sqrt(d)[:, None] * (B @ B.T / 30 + np.eye(30)) * np.sqrt(d)[None, :]   # badly scaled SPD
    b = rng.normal(size=30)
    ours = linear_cg(A, b, tol=1e-10, preconditioner=lambda r: r / np.diag(A))
    theirs, info = scipy_cg(A, b, rtol=1e-12, atol=0.0, M=np.diag(1 / np.diag(A)), maxiter=500)
    assert info == 0 and ours.success
    np.testing.assert_allclose(ours.x, theirs, rtol=1e-7)
    scale = 1 / np.sqrt(np.diag(A))
    scaled = linear_cg(scale[:, None] * A * scale[None, :], scale * b, tol=1e-10)
    assert abs(scaled.nit - ours.nit) <= 1
    assert ours.nit < linear_cg(A, b, tol=1e-10).nit                  # the scaling helps


def test_preconditioner_equal_to_a_solves_in_one_step():
    A = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]])
    b = np.array([1.0, 2.0, 3.0])
    res = linear_cg(A, b, tol=1e-12, preconditioner=lambda r: np.linalg.solve(A, r))
    assert res.nit == 1
    np.testing.assert_allclose(res.x, np.linalg.solve(A, b), rtol=1e-12)


def test_preconditioner_bad_input():
    A, b = np.eye(3), np.ones(3)
    with pytest.raises(TypeError, match="preconditioner must be a function"):
        linear_cg(A, b, preconditioner=np.eye(3))
    with pytest.raises(ValueError, match="shape \\(3,\\)"):
        linear_cg(A, b, preconditioner=lambda r: r[:2])
