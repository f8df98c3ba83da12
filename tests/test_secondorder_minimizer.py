"""minimize: the quasi-Newton updates against their defining properties, each method against the
known minima of the MGH problems and against theory on quadratics, and the bookkeeping (counts,
statuses, messages, input errors) against independent counters and hand-made failures."""

import numpy as np
import pytest
import scipy.optimize
from conftest import Counted

from optcourse.landscapes.problems import extended_powell, extended_rosenbrock, get_problem, mgh_problems
from optcourse.secondorder.conjugate_gradient import linear_cg
from optcourse.secondorder.minimizer import (LBFGS, METHODS, InverseQuasiNewton, bfgs_inverse_update, cg_beta,
                                             cholesky_with_added_identity,
                                             dfp_inverse_update,
                                             lbfgs_two_loop, minimize)


def random_spd(rng, n, condition=10.0):
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    return (Q * np.geomspace(1.0, condition, n)) @ Q.T


def random_pair(rng, n):
    s = rng.normal(size=n)
    y = random_spd(rng, n, 100.0) @ s  # y = A s with A SPD, so y's > 0
    return s, y


# -- the updates -------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [2, 5, 30])
def test_bfgs_and_dfp_updates_are_symmetric_positive_definite_and_satisfy_the_secant_equation(n, rng):
    for _ in range(20):
        H = random_spd(rng, n, 1e3)
        s, y = random_pair(rng, n)
        # Rounding in forming H_new = (I - ρsy')H(I - ρys') + ρss' is of order eps times the size of its
        # terms, so H_new y misses s by up to n·eps·‖y‖ times that size: the tolerance follows the
        # conditioning of H and of the pair, not a fixed rtol (1e-9 fails on some BLAS kernels at κ=1e3).
        rho = 1 / (y @ s)
        size = np.linalg.norm(H, 2) * (1 + rho * np.linalg.norm(s) * np.linalg.norm(y)) ** 2 + rho * (s @ s)
        atol = 4 * n * np.finfo(float).eps * size * np.linalg.norm(y)   # measured worst: 0.21 n·eps·size·‖y‖
        for update in (bfgs_inverse_update, dfp_inverse_update):
            H_new = update(H, s, y)
            np.testing.assert_allclose(H_new, H_new.T, rtol=0, atol=1e-12 * np.abs(H_new).max())
            np.testing.assert_allclose(H_new @ y, s, rtol=0, atol=atol)
            assert np.linalg.eigvalsh((H_new + H_new.T) / 2).min() > 0


def test_inverse_updates_are_inverses_of_the_direct_updates(rng):
    # BFGS on H is the inverse of BFGS on B = H^-1, and DFP on H is the inverse of BFGS's dual:
    #   B_bfgs = B - B s s'B / s'Bs + y y'/y's;   B_dfp = (I - y s'/y's) B (I - s y'/y's) + y y'/y's
    n = 6
    H = random_spd(rng, n, 50.0)
    B = np.linalg.inv(H)
    s, y = random_pair(rng, n)
    ys = y @ s
    B_bfgs = B - np.outer(B @ s, B @ s) / (s @ B @ s) + np.outer(y, y) / ys
    I = np.eye(n)
    B_dfp = (I - np.outer(y, s) / ys) @ B @ (I - np.outer(s, y) / ys) + np.outer(y, y) / ys
    np.testing.assert_allclose(bfgs_inverse_update(H, s, y), np.linalg.inv(B_bfgs), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(dfp_inverse_update(H, s, y), np.linalg.inv(B_dfp), rtol=1e-8, atol=1e-10)


def test_two_loop_recursion_equals_the_explicit_bfgs_matrix(rng):
    n, m = 8, 5
    pairs = [random_pair(rng, n) for _ in range(m)]
    gamma = 0.37
    H = gamma * np.eye(n)
    I = np.eye(n)
    for s, y in pairs:  # N&W 6.17, written out as products
        rho = 1 / (y @ s)
        H = (I - rho * np.outer(s, y)) @ H @ (I - rho * np.outer(y, s)) + rho * np.outer(s, s)
    g = rng.normal(size=n)
    got = lbfgs_two_loop(g, [s for s, _ in pairs], [y for _, y in pairs], gamma)
    np.testing.assert_allclose(got, H @ g, rtol=1e-10)
    np.testing.assert_allclose(lbfgs_two_loop(g, [], [], gamma), gamma * g)


def test_cg_betas_by_hand():
    g, g_new, p = np.array([2.0, 0.0]), np.array([1.0, 1.0]), np.array([-2.0, 0.0])
    assert cg_beta("fr", g_new, g, p) == 2 / 4
    assert cg_beta("pr+", g_new, g, p) == max(0.0, (1 * -1 + 1 * 1) / 4)
    assert cg_beta("hs", g_new, g, p) == (1 * -1 + 1 * 1) / (-1 * -2 + 1 * 0)
    assert cg_beta("pr+", np.array([0.5, 0.0]), g, p) == 0.0  # PR would be negative
    with pytest.raises(ValueError, match="known: fr, pr\\+, hs"):
        cg_beta("dy", g_new, g, p)


def test_added_identity_makes_the_matrix_positive_definite(rng):
    for _ in range(20):
        M = rng.normal(size=(5, 5))
        A = (M + M.T) / 2
        L, tau = cholesky_with_added_identity(A)
        np.testing.assert_allclose(L @ L.T, A + tau * np.eye(5), atol=1e-12)
        smallest = np.linalg.eigvalsh(A).min()
        if smallest > 0:
            assert tau == 0.0
        else:
            # the first tau, beta - min(a_ii), or the first doubling past -smallest (N&W Alg. 3.3)
            assert -smallest < tau <= max(1e-3 - np.diag(A).min(), -2 * smallest, 1e-3)


# -- quasi-Newton along a run ------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["bfgs", "dfp"])
@pytest.mark.parametrize("name", ["rosenbrock", "wood", "helical_valley"])
def test_inverse_hessian_stays_spd_and_satisfies_the_last_secant_equation(method, name):
    problem = get_problem(name)
    for k in range(1, 13):  # runs are deterministic: maxiter=k shows the state after k iterations
        res = minimize(problem.fun, problem.x0, jac=problem.grad, method=method, options=dict(maxiter=k))
        H = res.hess_inv
        np.testing.assert_allclose(H, H.T, rtol=0, atol=1e-12 * np.abs(H).max())
        assert np.linalg.eigvalsh(H).min() > 0
        s = res.path[-1] - res.path[-2]
        y = problem.grad(res.path[-1]) - problem.grad(res.path[-2])
        assert res.skipped_updates == 0 and y @ s > 0
        np.testing.assert_allclose(H @ y, s, rtol=1e-6, atol=1e-10 * np.abs(s).max())


def test_updates_that_break_the_curvature_condition_are_skipped_and_counted():
    s, y = np.array([1.0, 0.0]), np.array([-1.0, 0.5])  # y's = -1 < 0
    options = dict(scaling="first", memory=5)
    for rule in (InverseQuasiNewton(2, options, bfgs_inverse_update), LBFGS(2, dict(options, scaling="latest"))):
        g = np.array([0.3, -0.7])
        before = rule.direction(None, g, None)
        rule.update(s, y)
        assert rule.skipped == 1 and rule.updates == 0
        np.testing.assert_array_equal(rule.direction(None, g, None), before)
        rule.update(s, np.array([2.0, 0.5]))  # y's = 2 > 0: this one is used
        assert rule.skipped == 1 and rule.updates == 1


def test_armijo_steps_can_break_the_curvature_condition_and_bfgs_survives_it():
    # Backtracking does not enforce y's > 0; on Rosenbrock some steps violate it. Those updates are
    # skipped, H stays positive definite, and BFGS still converges.
    problem = get_problem("rosenbrock")
    res = minimize(problem.fun, problem.x0, jac=problem.grad, method="bfgs", options=dict(line_search="armijo"))
    steps = np.diff(res.path, axis=0)
    changes = np.diff(np.array([problem.grad(x) for x in res.path]), axis=0)
    assert res.skipped_updates == np.sum(np.sum(steps * changes, axis=1) <= 0) > 0
    assert res.success and np.linalg.eigvalsh(res.hess_inv).min() > 0


@pytest.mark.parametrize("scaling", ["first", None])
def test_first_update_starts_from_the_scaled_identity(scaling):
    # N&W 6.20: before the first update H0 = (y's / y'y) I; with scaling=None it stays I.
    problem = get_problem("wood")
    res = minimize(problem.fun, problem.x0, jac=problem.grad, method="bfgs", options=dict(maxiter=1, scaling=scaling))
    s = res.path[1] - res.path[0]
    y = problem.grad(res.path[1]) - problem.grad(res.path[0])
    H0 = (y @ s) / (y @ y) * np.eye(4) if scaling == "first" else np.eye(4)
    rho, I = 1 / (y @ s), np.eye(4)
    expected = (I - rho * np.outer(s, y)) @ H0 @ (I - rho * np.outer(y, s)) + rho * np.outer(s, s)
    np.testing.assert_allclose(res.hess_inv, expected, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("name", ["rosenbrock", "beale", "wood", "trigonometric", "watson", "extended_rosenbrock_100"])
def test_lbfgs_with_memory_at_least_the_iterations_matches_bfgs(name):
    problem = get_problem(name)
    bfgs = minimize(problem.fun, problem.x0, jac=problem.grad, method="bfgs")
    lbfgs = minimize(problem.fun, problem.x0, jac=problem.grad, method="lbfgs",
                     options=dict(memory=10_000, scaling="first"))
    assert (lbfgs.nit, lbfgs.nfev, lbfgs.njev) == (bfgs.nit, bfgs.nfev, bfgs.njev)
    np.testing.assert_allclose(lbfgs.path, bfgs.path, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("method", ["bfgs", "dfp"])
def test_quasi_newton_with_exact_line_search_on_a_quadratic_ends_in_n_steps_with_the_inverse(method, rng):
    # N&W Theorem 6.4-style: exact line searches on a strongly convex quadratic give conjugate
    # directions, termination in at most n steps, and H_n = A^{-1}.
    n = 6
    A = random_spd(rng, n, 20.0)
    b = rng.normal(size=n)
    res = minimize(lambda x: 0.5 * x @ A @ x - b @ x, np.zeros(n), jac=lambda x: A @ x - b,
                   hess=lambda x: A, method=method, options=dict(line_search="exact", gtol=1e-9))
    assert res.success and res.nit <= n
    np.testing.assert_allclose(res.x, np.linalg.solve(A, b), rtol=1e-8)
    if res.nit == n:
        np.testing.assert_allclose(res.hess_inv, np.linalg.inv(A), rtol=1e-6, atol=1e-8)


# -- every method on the problem set -----------------------------------------------------------------

FAST = [p for p in mgh_problems(large=False)] + [extended_rosenbrock(100), extended_powell(100)]
# Where gtol = 1e-5 holds before f is near its minimum (f is about 1e-8 on gaussian; powell_badly_scaled
# and osborne_1 are badly scaled), ask for a smaller gradient. On biggs_exp6, CG's path depends on
# rounding: with some BLAS kernels it heads for the global minimum f = 0 along a valley where the
# gradient falls below 1e-5 at f = 7e-6, with others it ends at the local minimum 0.00566.
GTOL = {"gaussian": 1e-10, "powell_badly_scaled": 1e-9, "osborne_1": 1e-7, "biggs_exp6": 1e-7}

# Newton from the standard start of Biggs EXP6 stays on a symmetric subspace and ends at a saddle:
# test_newton_on_biggs_stays_on_the_symmetric_subspace checks that instead.
CASES = [(m, p) for m in ("bfgs", "lbfgs", "cg", "newton") for p in FAST if (m, p.name) != ("newton", "biggs_exp6")]


@pytest.mark.parametrize("method,problem", CASES, ids=lambda c: c if isinstance(c, str) else c.name)
def test_method_reaches_a_known_minimum(method, problem):
    res = minimize(problem.fun, problem.x0, jac=problem.grad, hess=problem.hess if method == "newton" else None,
                   method=method, options=dict(gtol=GTOL.get(problem.name, 1e-5), maxiter=20000))
    assert res.success, res.message
    assert np.abs(problem.grad(res.x)).max() <= GTOL.get(problem.name, 1e-5)
    assert problem.is_solved(res.fun, rtol=1e-3), (res.fun, problem.minima)


@pytest.mark.parametrize("method", ["lbfgs", "cg", "newton", "bfgs"])
@pytest.mark.parametrize("family", [extended_rosenbrock, extended_powell])
def test_method_solves_the_n_1000_problems(method, family):
    problem = family(1000)
    res = minimize(problem.fun, problem.x0, jac=problem.grad, hess=problem.hess if method == "newton" else None,
                   method=method)
    assert res.success and problem.is_solved(res.fun)


def test_newton_on_biggs_stays_on_the_symmetric_subspace():
    # x0 = (1, 2, 1, 1, 1, 1) has x1 = x5 and x3 = x6, and f is symmetric under swapping those
    # pairs, so every exact Newton step keeps them equal: Newton converges to the best point of that
    # subspace, which is a saddle of f. From a slightly perturbed start it reaches a known minimum.
    problem = get_problem("biggs_exp6")
    res = minimize(problem.fun, problem.x0, jac=problem.grad, hess=problem.hess, method="newton")
    np.testing.assert_allclose(res.path[:, 0], res.path[:, 4], rtol=1e-6)  # equal up to rounding
    np.testing.assert_allclose(res.path[:, 2], res.path[:, 5], rtol=1e-6)
    assert res.success and np.linalg.eigvalsh(problem.hess(res.x)).min() < 0
    x0 = problem.x0 + np.array([0.0, 0.0, 0.0, 0.0, 0.01, 0.0])
    res = minimize(problem.fun, x0, jac=problem.grad, hess=problem.hess, method="newton")
    assert res.success and problem.is_solved(res.fun)


@pytest.mark.parametrize("name", ["rosenbrock", "beale", "powell_singular", "trigonometric",
                                  "variably_dimensioned", "helical_valley"])
def test_dfp_reaches_a_known_minimum_on_the_easier_problems(name):
    problem = get_problem(name)
    res = minimize(problem.fun, problem.x0, jac=problem.grad, method="dfp", options=dict(maxiter=5000))
    assert res.success and problem.is_solved(res.fun, rtol=1e-3)


@pytest.mark.parametrize("beta", ["fr", "pr+", "hs"])
def test_every_cg_beta_solves_rosenbrock_and_wood(beta):
    for name in ("rosenbrock", "wood"):
        problem = get_problem(name)
        res = minimize(problem.fun, problem.x0, jac=problem.grad, method="cg", options=dict(beta=beta))
        assert res.success and problem.is_solved(res.fun)


@pytest.mark.parametrize("name", ["rosenbrock", "wood", "helical_valley", "watson"])
@pytest.mark.parametrize("method,reference", [("bfgs", "BFGS"), ("cg", "CG"), ("lbfgs", "L-BFGS-B")])
def test_same_minimiser_as_scipy(name, method, reference):
    problem = get_problem(name)
    ours = minimize(problem.fun, problem.x0, jac=problem.grad, method=method, options=dict(gtol=1e-8))
    options = dict(gtol=1e-8, maxiter=10000)
    if reference == "L-BFGS-B":
        options["ftol"] = 0.0  # stop on the gradient only; its default f test stops early on wood
    theirs = scipy.optimize.minimize(problem.fun, problem.x0, jac=problem.grad, method=reference, options=options)
    np.testing.assert_allclose(ours.x, theirs.x, rtol=1e-4, atol=1e-6)


# -- theory on quadratics ----------------------------------------------------------------------------

def test_steepest_descent_with_exact_steps_zigzags_at_the_predicted_rate(rng):
    # N&W Theorem 3.3: f(x_{k+1}) - f* <= ((k - 1)/(k + 1))^2 (f(x_k) - f*), k the condition number;
    # and consecutive gradients are orthogonal (the zig-zag).
    A = np.diag([1.0, 10.0])
    f = lambda x: 0.5 * x @ A @ x  # noqa: E731
    res = minimize(f, np.array([10.0, 1.0]), jac=lambda x: A @ x, hess=lambda x: A, method="gd",
                   options=dict(line_search="exact", maxiter=30))
    bound = ((10 - 1) / (10 + 1)) ** 2
    values = res.fun_path
    assert np.all(values[1:] <= bound * values[:-1] * (1 + 1e-12))
    gradients = res.path @ A
    cosines = np.sum(gradients[1:] * gradients[:-1], axis=1)
    assert np.allclose(cosines, 0.0, atol=1e-10 * np.abs(gradients).max() ** 2)
    assert values[10] > 1e-3 * values[0]  # slow: ten steps gain less than three digits


def test_gd_on_rosenbrock_makes_slow_but_steady_progress():
    problem = get_problem("rosenbrock")
    res = minimize(problem.fun, problem.x0, jac=problem.grad, method="gd", options=dict(maxiter=1000))
    assert not res.success and res.status == 1 and "maxiter" in res.message
    assert np.all(np.diff(res.fun_path) < 0)                       # every step goes down
    assert res.fun < 1e-2 * problem.fun(problem.x0)                 # and it gets somewhere,
    assert res.fun > 1e-8                                           # but far from the minimum


def test_nonlinear_cg_with_exact_steps_is_linear_cg_on_a_quadratic(rng):
    n = 8
    A = random_spd(rng, n, 100.0)
    b = rng.normal(size=n)
    linear = linear_cg(A, b, tol=1e-12)
    for beta in ("fr", "pr+", "hs"):
        res = minimize(lambda x: 0.5 * x @ A @ x - b @ x, np.zeros(n), jac=lambda x: A @ x - b,
                       hess=lambda x: A, method="cg", options=dict(line_search="exact", beta=beta, gtol=1e-10,
                                                                   restart_threshold=None))
        assert res.nit <= n + 1
        np.testing.assert_allclose(res.x, np.linalg.solve(A, b), rtol=1e-7)
        np.testing.assert_allclose(res.path[:4], linear.path[:4], rtol=1e-8, atol=1e-12)


def test_newton_takes_one_step_on_a_quadratic_and_converges_quadratically(rng):
    A = random_spd(rng, 5, 100.0)
    b = rng.normal(size=5)
    res = minimize(lambda x: 0.5 * x @ A @ x - b @ x, np.zeros(5), jac=lambda x: A @ x - b,
                   hess=lambda x: A, method="newton", options=dict(gtol=1e-10))
    assert res.nit == 1 and res.nfev == 2
    # f = sum(exp(x) - 2x): minimiser log 2 in each coordinate; errors square at each step.
    res = minimize(lambda x: float(np.sum(np.exp(x) - 2 * x)), np.full(3, 1.5), jac=lambda x: np.exp(x) - 2,
                   hess=lambda x: np.diag(np.exp(x)), method="newton", options=dict(gtol=1e-14))
    errors = np.abs(res.path - np.log(2)).max(axis=1)
    errors = errors[errors > 1e-12]
    ratios = errors[1:] / errors[:-1] ** 2
    assert len(ratios) >= 3 and np.all(ratios[1:] < 1.0)  # |f''/(2 f')| = 1/2 at the root of exp(x) - 2


def test_newton_with_an_indefinite_hessian_still_descends():
    # f = x^2 + y^4/4 - y^2/2: the Hessian diag(2, 3y^2 - 1) is indefinite near y = 0; minima at y = +-1
    f = lambda z: z[0] ** 2 + z[1] ** 4 / 4 - z[1] ** 2 / 2  # noqa: E731
    grad = lambda z: np.array([2 * z[0], z[1] ** 3 - z[1]])  # noqa: E731
    hess = lambda z: np.diag([2.0, 3 * z[1] ** 2 - 1])  # noqa: E731
    res = minimize(f, np.array([1.0, 0.1]), jac=grad, hess=hess, method="newton")
    assert res.success and res.hessian_shifts >= 1
    assert np.all(np.diff(res.fun_path) < 0)
    np.testing.assert_allclose(np.abs(res.x), [0.0, 1.0], atol=1e-5)


def test_newton_without_hess_uses_finite_differences_and_says_so():
    problem = get_problem("wood")
    jac = Counted(problem.grad)
    res = minimize(problem.fun, problem.x0, jac=jac, method="newton")
    exact = minimize(problem.fun, problem.x0, jac=problem.grad, hess=problem.hess, method="newton")
    assert res.success and "forward differences of jac" in res.message
    assert res.nhev == 0 and res.njev == jac.calls >= problem.n * res.nit
    np.testing.assert_allclose(res.x, exact.x, atol=1e-6)


def test_finite_difference_gradient_when_jac_is_none():
    problem = get_problem("rosenbrock")
    fun = Counted(problem.fun)
    res = minimize(fun, problem.x0, method="bfgs")
    assert res.success and res.njev == 0 and res.nfev == fun.calls
    assert "forward differences of fun" in res.message
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-3)


# -- bookkeeping -------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("line_search", ["wolfe", "armijo"])
def test_evaluation_counts_are_the_real_calls(method, line_search):
    problem = get_problem("beale")
    fun, jac, hess = Counted(problem.fun), Counted(problem.grad), Counted(problem.hess)
    res = minimize(fun, problem.x0, jac=jac, hess=hess if method == "newton" else None, method=method,
                   options=dict(line_search=line_search, maxiter=50))
    assert (res.nfev, res.njev, res.nhev) == (fun.calls, jac.calls, hess.calls)
    assert res.nfev >= res.nit + 1 and res.njev >= res.nit + 1
    assert res.path.shape == (res.nit + 1, 2) and res.fun_path.shape == (res.nit + 1,)
    assert res.fun == problem.fun(res.x) and np.array_equal(res.jac, problem.grad(res.x))
    np.testing.assert_array_equal(res.fun_path, [problem.fun(x) for x in res.path])


def test_exact_line_search_counts_hessian_calls(rng):
    A = random_spd(rng, 3)
    hess = Counted(lambda x: A)
    res = minimize(lambda x: 0.5 * x @ A @ x, np.ones(3), jac=lambda x: A @ x, hess=hess, method="gd",
                   options=dict(line_search="exact", maxiter=5))
    assert res.nhev == hess.calls == res.nit


def test_success_at_the_start_takes_no_step():
    res = minimize(lambda x: float(x @ x), np.zeros(3), jac=lambda x: 2 * x)
    assert res.success and res.status == 0 and res.nit == 0 and res.path.shape == (1, 3)


def test_maxiter_is_reported():
    problem = get_problem("rosenbrock")
    res = minimize(problem.fun, problem.x0, jac=problem.grad, method="cg", options=dict(maxiter=3))
    assert not res.success and res.status == 1 and res.nit == 3 and "maxiter = 3" in res.message


def test_a_wrong_gradient_makes_the_line_search_fail_honestly():
    # jac points the wrong way: the search direction goes uphill, no step decreases f
    res = minimize(lambda x: float(x @ x), np.ones(2), jac=lambda x: -2 * x, method="bfgs")
    assert not res.success and res.status == 2 and "line search failed" in res.message


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
def test_a_useless_direction_falls_back_to_steepest_descent():
    # Osborne 1 from a start where f is about 1e28: the first L-BFGS pair, learned where f is huge,
    # makes the next direction too short to change x at all. The search fails along it, the method
    # forgets the pair and goes on from -gradient, and still finds the minimum.
    problem = get_problem("osborne_1")
    x0 = np.array([0.5, 1.5, -1.0, -0.1, 0.02])
    assert problem.fun(x0) > 1e27
    res = minimize(problem.fun, x0, jac=problem.grad, method="lbfgs")
    assert res.success and res.restarts >= 1 and problem.is_solved(res.fun)
    x0[3] = -1.0  # f about 1e278: the gradient's 2-norm would overflow if computed naively
    for method in ("bfgs", "lbfgs", "cg"):
        assert minimize(problem.fun, x0, jac=problem.grad, method=method).success


def test_unbounded_below_is_reported():
    res = minimize(lambda x: -float(np.sum(x)), np.zeros(2), jac=lambda x: -np.ones(2), method="gd")
    assert not res.success and res.status == 2 and "unbounded below" in res.message


def test_non_finite_values_are_reported():
    # the gradient turns NaN for x > 0.5; Armijo backtracking never looks at it during the search
    f = lambda x: float((x[0] - 1) ** 2)  # noqa: E731
    g = lambda x: np.array([2 * (x[0] - 1)]) if x[0] <= 0.5 else np.array([np.nan])  # noqa: E731
    res = minimize(f, np.zeros(1), jac=g, method="gd", options=dict(line_search="armijo"))
    assert not res.success and res.status == 3 and "NaN" in res.message
    res = minimize(f, np.zeros(1), jac=lambda x: np.array([2 * (x[0] - 1)]), hess=lambda x: np.array([[np.nan]]),
                   method="newton")
    assert not res.success and res.status == 3 and "Hessian" in res.message


def test_callback_sees_each_iterate_and_can_stop():
    problem = get_problem("rosenbrock")
    seen = []
    res = minimize(problem.fun, problem.x0, jac=problem.grad, callback=lambda x: seen.append(x) or len(seen) == 5)
    assert res.status == 4 and not res.success and res.nit == 5
    np.testing.assert_array_equal(np.array(seen), res.path[1:])


def test_x0_is_not_changed_and_tol_sets_gtol():
    x0 = np.array([-1.2, 1.0])
    problem = get_problem("rosenbrock")
    res = minimize(problem.fun, x0, jac=problem.grad, tol=1e-9)
    assert np.array_equal(x0, [-1.2, 1.0]) and res.options["gtol"] == 1e-9
    assert np.abs(res.jac).max() <= 1e-9
    assert "message" in repr(res) and "nfev" in repr(res)


def test_bad_input_gets_a_clear_error():
    f, g = (lambda x: float(x @ x)), (lambda x: 2 * x)
    with pytest.raises(ValueError, match="1-D"):
        minimize(f, np.ones((2, 2)), jac=g)
    with pytest.raises(ValueError, match="1-D"):
        minimize(f, np.array([]), jac=g)
    with pytest.raises(ValueError, match="finite"):
        minimize(f, np.array([1.0, np.nan]), jac=g)
    with pytest.raises(TypeError, match="real numbers"):
        minimize(f, np.array(["a", "b"]), jac=g)
    with pytest.raises(TypeError, match="real numbers"):
        minimize(f, np.array([1j, 2]), jac=g)
    with pytest.raises(ValueError, match=r"shape \(2, 1\).*must have shape \(2,\)"):
        minimize(f, np.ones(2), jac=lambda x: (2 * x)[:, None])
    with pytest.raises(ValueError, match="n by n"):
        minimize(f, np.ones(2), jac=g, hess=lambda x: np.eye(3), method="newton")
    with pytest.raises(ValueError, match="scalar"):
        minimize(lambda x: x, np.ones(2), jac=g)
    with pytest.raises(TypeError, match="real number"):
        minimize(lambda x: "f", np.ones(2), jac=g)
    with pytest.raises(ValueError, match="known methods: gd, newton, dfp, bfgs, lbfgs, cg"):
        minimize(f, np.ones(2), jac=g, method="nelder-mead")
    with pytest.raises(ValueError, match="its options are .*gtol"):
        minimize(f, np.ones(2), jac=g, options=dict(gtool=1e-3))
    with pytest.raises(ValueError, match="needs at least jac"):
        minimize(f, np.ones(2), method="newton")
    with pytest.raises(ValueError, match="needs hess"):
        minimize(f, np.ones(2), jac=g, method="cg", options=dict(line_search="exact"))
    with pytest.raises(ValueError, match="0 < c1 < c2 < 1"):
        minimize(f, np.ones(2), jac=g, options=dict(c1=0.5, c2=0.1))
    with pytest.raises(ValueError, match="gtol"):
        minimize(f, np.ones(2), jac=g, tol=-1.0)
    with pytest.raises(ValueError, match="maxiter"):
        minimize(f, np.ones(2), jac=g, options=dict(maxiter=2.5))
    with pytest.raises(ValueError, match="known: fr, pr\\+, hs"):
        minimize(f, np.ones(2), jac=g, method="cg", options=dict(beta="dy"))
    with pytest.raises(ValueError, match="latest"):
        minimize(f, np.ones(2), jac=g, method="lbfgs", options=dict(scaling="best"))
    with pytest.raises(TypeError, match="callable"):
        minimize(3.0, np.ones(2), jac=g)
    with pytest.raises(TypeError, match="jac must be a function"):
        minimize(f, np.ones(2), jac=True)
    with pytest.raises(ValueError, match="not finite at x0"):
        minimize(lambda x: float("nan"), np.ones(2), jac=g)
    with pytest.warns(RuntimeWarning, match="does not use hess"):
        minimize(f, np.ones(2), jac=g, hess=lambda x: 2 * np.eye(2), method="bfgs")
