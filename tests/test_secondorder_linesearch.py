"""Line searches: interpolation formulas against closed forms, every returned step checked against
the conditions it claims (evaluated independently), evaluation counts against a separate counter."""
import math

import numpy as np
import pytest
import scipy.optimize
from conftest import Counted

from optcourse.landscapes.problems import get_problem
from optcourse.landscapes.surfaces import get_surface
from optcourse.secondorder.linesearch import (acceptable_steps, armijo_backtracking, cubic_minimizer, exact_line_search,
                                              quadratic_minimizer,
                                              step_intervals,
                                              strong_wolfe_search,
                                              wolfe_line_search)

# -- interpolation ---------------------------------------------------------------------------------

def test_quadratic_minimizer_recovers_a_quadratic(rng):
    for _ in range(50):
        center, curvature, a, b = rng.normal(), rng.uniform(0.1, 10), rng.normal(), rng.normal()
        q = lambda t: curvature * (t - center) ** 2 + 3.0  # noqa: E731
        dq_a = 2 * curvature * (a - center)
        assert quadratic_minimizer(a, q(a), dq_a, b, q(b)) == pytest.approx(center, abs=1e-9)
    assert math.isnan(quadratic_minimizer(0.0, 0.0, -1.0, 1.0, -2.0))  # curves down: no minimum


def test_cubic_minimizer_recovers_the_local_minimum_of_a_cubic(rng):
    for _ in range(50):
        c = rng.normal(size=4)  # c0 + c1 t + c2 t^2 + c3 t^3
        roots = np.roots([3 * c[3], 2 * c[2], c[1]])
        minima = [r.real for r in roots if abs(r.imag) < 1e-12 and 6 * c[3] * r.real + 2 * c[2] > 0]
        if not minima:
            continue
        p = np.polynomial.Polynomial(c)
        a, b = rng.normal(), rng.normal()
        got = cubic_minimizer(a, p(a), p.deriv()(a), b, p(b), p.deriv()(b))
        assert got == pytest.approx(minima[0], rel=1e-7, abs=1e-9)


def test_cubic_minimizer_has_no_answer_for_a_cubic_without_a_minimum():
    # t^3 + t is increasing everywhere
    assert math.isnan(cubic_minimizer(0.0, 0.0, 1.0, 1.0, 2.0, 4.0))


# -- exact line search -----------------------------------------------------------------------------

def test_exact_line_search_minimises_along_the_line(rng):
    for n in (2, 5, 20):
        M = rng.normal(size=(n, n))
        A = M @ M.T + n * np.eye(n)
        b, x = rng.normal(size=n), rng.normal(size=n)
        g = A @ x - b
        p = -g + 0.3 * rng.normal(size=n)
        if g @ p >= 0:
            p = -g
        alpha = exact_line_search(A, g, p)
        phi = lambda t: 0.5 * (x + t * p) @ A @ (x + t * p) - b @ (x + t * p)  # noqa: E731
        reference = scipy.optimize.minimize_scalar(phi, bracket=(0, 1)).x
        assert alpha == pytest.approx(reference, rel=1e-6)
        assert (A @ (x + alpha * p) - b) @ p == pytest.approx(0.0, abs=1e-9 * np.abs(g).max() * np.abs(p).max())


def test_exact_line_search_refuses_what_has_no_minimum():
    with pytest.raises(ValueError, match="p'Ap"):
        exact_line_search(np.diag([1.0, -1.0]), np.array([0.0, 1.0]), np.array([0.0, -1.0]))
    with pytest.raises(ValueError, match="descent"):
        exact_line_search(np.eye(2), np.array([1.0, 0.0]), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="A must be"):
        exact_line_search(np.eye(3), np.ones(2), -np.ones(2))


# -- Armijo ------------------------------------------------------------------------------------------

def test_armijo_hand_worked():
    # f = x^2 at x = 1, p = -4 (g = 2): alpha = 1 -> x = -3 (f = 9), 0.5 -> -1 (f = 1), 0.25 -> 0 (f = 0)
    f = Counted(lambda x: float(x @ x))
    res = armijo_backtracking(f, np.array([1.0]), np.array([-4.0]), f0=1.0, g0=np.array([2.0]))
    assert res.alpha == 0.25 and res.fun == 0.0 and res.success
    assert res.nfev == f.calls == 3 and res.njev == 0 and res.jac is None


@pytest.mark.parametrize("name", ["rosenbrock", "beale", "wood", "extended_rosenbrock_100"])
def test_armijo_step_is_the_first_of_the_sequence_with_sufficient_decrease(name, rng):
    problem = get_problem(name)
    c1, rho = 1e-4, 0.5
    for _ in range(10):
        x = problem.x0 + 0.3 * rng.normal(size=problem.n)
        g = problem.grad(x)
        p = -g * rng.uniform(0.1, 10)
        res = armijo_backtracking(problem.fun, x, p, problem.fun(x), g, alpha0=1.0, c1=c1, rho=rho)
        assert res.success
        f0, slope = problem.fun(x), g @ p
        assert problem.fun(x + res.alpha * p) <= f0 + c1 * res.alpha * slope
        if res.alpha < 1.0:
            longer = res.alpha / rho
            assert not problem.fun(x + longer * p) <= f0 + c1 * longer * slope


def test_armijo_treats_nan_as_too_long():
    f = lambda x: float(x[0] ** 2) if x[0] > -0.5 else math.nan  # noqa: E731
    res = armijo_backtracking(f, np.array([1.0]), np.array([-2.0]), f0=1.0, g0=np.array([2.0]))
    assert res.success and res.alpha == 0.5


# -- strong Wolfe --------------------------------------------------------------------------------------

def _check_strong_wolfe(problem, x, p, alpha, c1, c2):
    """Both strong Wolfe conditions, evaluated here from scratch."""
    f0, slope0 = problem.fun(x), problem.grad(x) @ p
    f1, slope1 = problem.fun(x + alpha * p), problem.grad(x + alpha * p) @ p
    assert alpha > 0
    assert f1 <= f0 + c1 * alpha * slope0                       # sufficient decrease
    assert abs(slope1) <= c2 * abs(slope0)                      # strong curvature


@pytest.mark.parametrize("c2", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("name", ["rosenbrock", "helical_valley", "wood", "kowalik_osborne", "watson",
                                  "extended_powell_100", "trigonometric", "box_3d"])
def test_wolfe_step_satisfies_both_conditions(name, c2, rng):
    problem = get_problem(name)
    c1 = 1e-4
    for trial in range(12):
        x = problem.x0 + 0.2 * (1 + np.abs(problem.x0)) * rng.normal(size=problem.n)
        g = problem.grad(x)
        # random descent directions of all lengths, not only -g
        p = rng.normal(size=problem.n)
        if p @ g > 0:
            p = -p
        p = p * 10.0 ** rng.uniform(-3, 3) / np.linalg.norm(p)
        fun, jac = Counted(problem.fun), Counted(problem.grad)
        res = wolfe_line_search(fun, jac, x, p, problem.fun(x), g, alpha0=1.0, c1=c1, c2=c2)
        assert res.success, res.message
        _check_strong_wolfe(problem, x, p, res.alpha, c1, c2)
        assert res.nfev == fun.calls and res.njev == jac.calls
        np.testing.assert_allclose(res.jac, problem.grad(x + res.alpha * p), rtol=1e-14, atol=0)
        assert res.fun == problem.fun(x + res.alpha * p)


def test_wolfe_accepts_the_unit_step_when_it_is_good():
    f, g = Counted(lambda x: float(x @ x)), Counted(lambda x: 2 * x)
    res = wolfe_line_search(f, g, np.array([1.0, 2.0]), np.array([-1.0, -2.0]), 5.0, np.array([2.0, 4.0]))
    assert res.alpha == 1.0 and res.nfev == 1 and res.njev == 1


def test_wolfe_evaluates_f0_and_g0_when_not_given():
    f, g = Counted(lambda x: float(x @ x)), Counted(lambda x: 2 * x)
    res = wolfe_line_search(f, g, np.array([1.0]), np.array([-1.0]))
    assert res.success and res.nfev == f.calls == 2 and res.njev == g.calls == 2


def test_wolfe_extrapolates_when_the_first_trial_is_far_too_short():
    problem = get_problem("rosenbrock")
    x = np.array([-1.2, 1.0])
    g = problem.grad(x)
    res = wolfe_line_search(problem.fun, problem.grad, x, -g, alpha0=1e-8, c2=0.1)
    assert res.success and res.alpha > 1e-6
    _check_strong_wolfe(problem, x, -g, res.alpha, 1e-4, 0.1)


def test_wolfe_backs_off_from_nan_and_inf():
    # f is a parabola with minimum at 1, but undefined beyond 3
    def f(x):
        return float((x[0] - 1) ** 2) if x[0] < 3 else (math.inf if x[0] < 10 else math.nan)

    def g(x):
        return np.array([2 * (x[0] - 1)]) if x[0] < 3 else np.array([math.nan])

    for alpha0 in (5.0, 50.0):
        res = wolfe_line_search(f, g, np.array([0.0]), np.array([1.0]), alpha0=alpha0, c2=0.1)
        assert res.success and abs(2 * (res.alpha - 1)) <= 0.1 * 2


def test_wolfe_reports_an_unbounded_function():
    res = wolfe_line_search(lambda x: -float(x[0]), lambda x: np.array([-1.0]), np.array([0.0]), np.array([1.0]))
    assert not res.success and "bounded below" in res.message and res.alpha == pytest.approx(1e10)


def test_wolfe_in_the_rounding_regime_uses_the_slope():
    # f = 1e6 + x^2/2 near x = 1e-6, where a step can lower f by at most 5e-13: less than the rounding
    # error a real f of size 1e6 carries (1e-10 and more). Simulate that error as +1e-9 everywhere but
    # at the start, so the Armijo test fails for every step, while the gradient x stays exact.
    x = np.array([1e-6])
    f = lambda z: 1e6 + 0.5 * float(z @ z) + (1e-9 if z[0] != x[0] else 0.0)  # noqa: E731
    g = lambda z: z.copy()  # noqa: E731
    assert not armijo_backtracking(f, x, -x, g0=g(x)).success
    res = wolfe_line_search(f, g, x, -x, c2=0.1)
    assert res.success and abs(res.alpha - 1.0) <= 0.1  # |phi'(alpha)| = |1 - alpha| 1e-12 <= 0.1e-12


def test_strong_wolfe_search_on_a_scalar_function():
    # phi(a) = (a - 2)^2 - 4: phi(0) = 0, phi'(0) = -4; minimiser 2
    phi = lambda a: ((a - 2) ** 2 - 4, 2 * (a - 2))  # noqa: E731
    alpha, value, message, ok = strong_wolfe_search(phi, 0.0, -4.0, alpha1=0.5, c2=0.1)
    assert ok and abs(2 * (alpha - 2)) <= 0.4 and value == pytest.approx((alpha - 2) ** 2 - 4)


def test_bad_arguments():
    f, g = (lambda x: float(x @ x)), (lambda x: 2 * x)
    x = np.array([1.0])
    with pytest.raises(ValueError, match="c1 < c2"):
        wolfe_line_search(f, g, x, -x, c1=0.5, c2=0.4)
    with pytest.raises(ValueError, match="descent direction"):
        wolfe_line_search(f, g, x, x)
    with pytest.raises(ValueError, match="alpha0"):
        wolfe_line_search(f, g, x, -x, alpha0=-1.0)
    with pytest.raises(ValueError, match="g0"):
        armijo_backtracking(f, x, -x)
    with pytest.raises(ValueError, match="rho"):
        armijo_backtracking(f, x, -x, g0=g(x), rho=1.5)
    with pytest.raises(ValueError, match="same shape"):
        armijo_backtracking(f, x, np.array([-1.0, 0.0]), g0=g(x))


def parabola(alphas):
    """phi(alpha) = (alpha - 1)^2 - 1: phi(0) = 0, phi'(0) = -2, minimum at alpha = 1."""
    alphas = np.asarray(alphas, dtype=float)
    return (alphas - 1) ** 2 - 1, 2 * (alphas - 1)


@pytest.mark.parametrize("c1, c2", [(1e-4, 0.9), (0.1, 0.5), (0.3, 0.35)])
def test_conditions_on_a_parabola_match_the_intervals_worked_by_hand(c1, c2):
    # Armijo: (a - 1)^2 - 1 <= -2 c1 a  <=>  a <= 2 (1 - c1)
    # Wolfe:  2 (a - 1) >= -2 c2         <=>  a >= 1 - c2
    # strong: |2 (a - 1)| <= 2 c2        <=>  1 - c2 <= a <= 1 + c2
    alphas = np.linspace(0.0013, 2.5, 1999)           # a grid that avoids the interval ends
    values, slopes = parabola(alphas)
    masks = acceptable_steps(alphas, values, slopes, 0.0, -2.0, c1, c2)
    np.testing.assert_array_equal(masks["armijo"], alphas <= 2 * (1 - c1))
    np.testing.assert_array_equal(masks["wolfe"], (alphas <= 2 * (1 - c1)) & (alphas >= 1 - c2))
    np.testing.assert_array_equal(masks["strong wolfe"], (alphas <= 2 * (1 - c1)) & (np.abs(alphas - 1) <= c2))


def test_strong_wolfe_is_stricter_than_wolfe_which_is_stricter_than_armijo():
    rosen = get_surface("rosenbrock")
    x = np.array([-1.2, 1.0])
    rng = np.random.default_rng(0)
    for _ in range(10):
        p = -rosen.gradient(x) + 50 * rng.normal(size=2)
        if rosen.gradient(x) @ p >= 0:
            continue
        alphas = np.linspace(1e-4, 0.05, 400)
        points = x + alphas[:, None] * p
        masks = acceptable_steps(alphas, rosen.value(points), rosen.gradient(points) @ p, rosen.value(x),
                                 rosen.gradient(x) @ p, 1e-3, 0.3)
        assert not (masks["strong wolfe"] & ~masks["wolfe"]).any()
        assert not (masks["wolfe"] & ~masks["armijo"]).any()


def test_the_steps_the_line_searches_choose_pass_the_conditions():
    rosen = get_surface("rosenbrock")
    x = np.array([-1.2, 1.0])
    p = -rosen.gradient(x) / np.linalg.norm(rosen.gradient(x))
    f0, g0 = rosen.value(x), rosen.gradient(x)
    for c1, c2 in ((1e-4, 0.9), (0.1, 0.2), (1e-4, 0.1)):
        wolfe = wolfe_line_search(rosen.value, rosen.gradient, x, p, f0, g0, c1=c1, c2=c2)
        point = x + wolfe.alpha * p
        masks = acceptable_steps([wolfe.alpha], [rosen.value(point)], [rosen.gradient(point) @ p], f0, g0 @ p, c1, c2)
        assert wolfe.success and masks["strong wolfe"][0]
        back = armijo_backtracking(rosen.value, x, p, f0, g0, c1=c1)
        tried = np.array([back.alpha, 2 * back.alpha])          # the accepted step and the one rejected before it
        values = rosen.value(x + tried[:, None] * p)
        masks = acceptable_steps(tried, values, rosen.gradient(x + tried[:, None] * p) @ p, f0, g0 @ p, c1, c2)
        assert masks["armijo"].tolist() == [True, False]


def test_step_intervals_hand_worked():
    alphas = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    assert step_intervals(alphas, [False, True, True, False, True, False]) == [(0.1, 0.2), (0.4, 0.4)]
    assert step_intervals(alphas, [True] * 6) == [(0.0, 0.5)]
    assert step_intervals(alphas, [False] * 6) == []
    assert step_intervals(alphas, [True, False, False, False, False, True]) == [(0.0, 0.0), (0.5, 0.5)]
