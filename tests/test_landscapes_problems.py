"""The Moré-Garbow-Hillstrom problems: values at the start, minima, and derivatives checked against
finite differences, SymPy and the published minimum values."""
import math

import numpy as np
import pytest
import scipy.optimize

from optcourse.landscapes.problems import (Problem, extended_powell, extended_rosenbrock, get_problem, mgh_problems,
                                           problem_names)

SMALL = mgh_problems(large=False)
CHECKED = SMALL + [extended_rosenbrock(100), extended_powell(100)]
EPS = np.finfo(float).eps


def test_the_set_has_at_least_15_mgh_problems_and_the_large_extended_ones():
    problems = mgh_problems()
    names = [p.name for p in problems]
    assert len(set(names)) == len(names)
    assert len({p.number for p in SMALL}) >= 15
    sizes = {p.name: p.n for p in problems}
    for family in ("extended_rosenbrock", "extended_powell"):
        assert sizes[f"{family}_100"] == 100 and sizes[f"{family}_1000"] == 1000
    assert names == problem_names()


@pytest.mark.parametrize("problem", mgh_problems(), ids=lambda p: p.name)
def test_shapes_and_read_only_start(problem):
    x0 = problem.x0
    assert x0.shape == (problem.n,) and x0.dtype == float
    with pytest.raises(ValueError):
        x0[0] = 1.0  # shared by every run: must be copied, not changed
    assert isinstance(problem.fun(x0), float)
    assert problem.grad(x0).shape == (problem.n,)
    H = problem.hess(x0)
    assert H.shape == (problem.n, problem.n)
    np.testing.assert_array_equal(H, H.T)


# f at the standard start, worked out by hand from the definitions in MGH.
START_VALUES = {
    "rosenbrock": 100 * (1 - 1.44) ** 2 + 2.2**2,                         # 24.2
    "freudenstein_roth": 19.5**2 + 4.5**2,                                # r = (19.5, -4.5)
    "brown_badly_scaled": (1 - 1e6) ** 2 + (1 - 2e-6) ** 2 + 1.0,
    "beale": 1.5**2 + 2.25**2 + 2.625**2,                                # x2 = 1: r_i = y_i
    "helical_valley": 50.0**2,                                            # theta(-1, 0) = 1/2
    "powell_singular": 7**2 + 5 * 1**2 + 1**4 + 10 * 2**4,                # 215
    "wood": 100**2 + 4**2 + 90 * 10**2 + 4**2 + 10 * 4**2,                # 19192
    "variably_dimensioned": sum((j / 10) ** 2 for j in range(1, 11))
    + sum(j * j / 10 for j in range(1, 11)) ** 2 + sum(j * j / 10 for j in range(1, 11)) ** 4,
    "penalty_1": 1e-5 * (0 + 1 + 4 + 9) + (30 - 0.25) ** 2,
    "watson": 29 * 1.0 + 0 + 1.0,                                         # x = 0: r_i = -1, r_31 = -1
    "extended_rosenbrock_1000": 500 * 24.2,
    "extended_powell_1000": 250 * 215.0,
}


@pytest.mark.parametrize("name", sorted(START_VALUES))
def test_value_at_the_standard_start(name):
    problem = get_problem(name)
    assert problem.fun(problem.x0) == pytest.approx(START_VALUES[name], rel=1e-12)


@pytest.mark.parametrize("problem", [p for p in mgh_problems() if p.x_min is not None], ids=lambda p: p.name)
def test_known_minimiser(problem):
    assert problem.fun(problem.x_min) == pytest.approx(problem.f_min, abs=1e-20)
    assert np.abs(problem.grad(problem.x_min)).max() < 1e-12


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")  # SciPy's BFGS tries huge steps on osborne_1
@pytest.mark.parametrize("problem", SMALL, ids=lambda p: p.name)
def test_published_minimum_values_are_reached(problem):
    # A tight solve from x0 (trust-region Newton, with our Hessian, then BFGS) ends at one of the
    # values MGH publish; this checks the data tables (Bard, Kowalik-Osborne, ...) against the paper.
    reached = []
    for method in ("trust-exact", "BFGS"):
        res = scipy.optimize.minimize(problem.fun, problem.x0, jac=problem.grad, method=method,
                                      hess=problem.hess if method == "trust-exact" else None,
                                      options=dict(gtol=1e-9, maxiter=5000))
        reached.append(res.fun)
    assert any(problem.is_solved(f, rtol=2e-5) for f in reached), (reached, problem.minima)


def _central_difference(fun, x):
    """Central differences of a scalar or vector function, one coordinate at a time."""
    columns = []
    for i in range(x.size):
        h = 1e-6 * max(1.0, abs(x[i]))
        e = np.zeros_like(x)
        e[i] = h
        columns.append((np.asarray(fun(x + e)) - np.asarray(fun(x - e))) / (2 * h))
    return np.array(columns).T, 1e-6


def _points(problem, rng):
    points = [problem.x0 + 0.05 * (1 + np.abs(problem.x0)) * rng.standard_normal(problem.n)]
    if problem.x_min is not None:
        noise = rng.standard_normal((2, problem.n))
        points.append(problem.x_min * (1 + 0.01 * noise[0]) + 0.01 * noise[1])
    return points


@pytest.mark.parametrize("problem", CHECKED, ids=lambda p: p.name)
def test_gradient_and_hessian_match_finite_differences(problem):
    rng = np.random.default_rng(problem.number)
    for x in _points(problem, rng):
        f, g, H = problem.fun(x), problem.grad(x), problem.hess(x)
        g_fd, h = _central_difference(problem.fun, x)
        # truncation is O(h^2); rounding of f is about eps |f| / h
        tol = 1e-6 * (1 + np.abs(g).max()) + 100 * EPS * (1 + abs(f)) / h
        assert np.abs(g - g_fd).max() <= tol
        H_fd, h = _central_difference(problem.grad, x)
        tol = 1e-6 * (1 + np.abs(H).max()) + 100 * EPS * (1 + np.abs(g).max()) / h
        assert np.abs(H - H_fd).max() <= tol


# -- SymPy: the residuals written out again from the paper, differentiated symbolically --------------

def _sympy_problems():
    sp = pytest.importorskip("sympy")
    x = sp.symbols("x1:7")

    def rosenbrock(v):
        return [10 * (v[1] - v[0] ** 2), 1 - v[0]]

    def helical(v):  # the x1 > 0 branch of theta
        theta = sp.atan(v[1] / v[0]) / (2 * sp.pi)
        return [10 * (v[2] - 10 * theta), 10 * (sp.sqrt(v[0] ** 2 + v[1] ** 2) - 1), v[2]]

    def box(v):
        return [sp.exp(-t * v[0]) - sp.exp(-t * v[1]) - v[2] * (sp.exp(-t) - sp.exp(-10 * t))
                for t in (sp.Rational(i, 10) for i in range(1, 11))]

    def wood(v):
        a, b, c, d = v[:4]
        return [10 * (b - a**2), 1 - a, sp.sqrt(90) * (d - c**2), 1 - c, sp.sqrt(10) * (b + d - 2),
                (b - d) / sp.sqrt(10)]

    def biggs(v):
        out = []
        for i in range(1, 14):
            t = sp.Rational(i, 10)
            y = sp.exp(-t) - 5 * sp.exp(-10 * t) + 3 * sp.exp(-4 * t)
            out.append(v[2] * sp.exp(-t * v[0]) - v[3] * sp.exp(-t * v[1]) + v[5] * sp.exp(-t * v[4]) - y)
        return out

    # (Every problem is also checked against finite differences above; SymPy is kept to a few
    # to keep the test fast.)
    return sp, x, [("rosenbrock", 2, rosenbrock), ("helical_valley", 3, helical), ("box_3d", 3, box),
                   ("wood", 4, wood), ("biggs_exp6", 6, biggs)]


def test_derivatives_match_sympy():
    sp, symbols, cases = _sympy_problems()
    rng = np.random.default_rng(7)
    for name, n, residuals in cases:
        v = symbols[:n]
        f = sum(r**2 for r in residuals(v))
        grad = sp.lambdify([v], [sp.diff(f, a) for a in v], "numpy")
        hess = sp.lambdify([v], sp.hessian(f, v), "numpy")
        fun = sp.lambdify([v], f, "numpy")
        problem = get_problem(name)
        for _ in range(2):
            x = problem.x0 + 0.1 * (1 + np.abs(problem.x0)) * rng.standard_normal(n)
            if name == "helical_valley":
                x[0] = abs(x[0]) + 0.5  # the branch written above
            np.testing.assert_allclose(problem.fun(x), fun(x), rtol=1e-11)
            g = np.array(grad(x), dtype=float)
            np.testing.assert_allclose(problem.grad(x), g, rtol=1e-9, atol=1e-11 * np.abs(g).max())
            H = np.array(hess(x), dtype=float)
            np.testing.assert_allclose(problem.hess(x), H, rtol=1e-9, atol=1e-11 * np.abs(H).max())


def test_extended_powell_matches_sympy_at_n_8():
    sp = pytest.importorskip("sympy")
    v = sp.symbols("x1:9")
    f = sum((v[i] + 10 * v[i + 1]) ** 2 + 5 * (v[i + 2] - v[i + 3]) ** 2 + (v[i + 1] - 2 * v[i + 2]) ** 4
            + 10 * (v[i] - v[i + 3]) ** 4 for i in (0, 4))
    grad = sp.lambdify([v], [sp.diff(f, a) for a in v], "numpy")
    hess = sp.lambdify([v], sp.hessian(f, v), "numpy")
    problem = extended_powell(8)
    x = np.random.default_rng(3).standard_normal(8)
    np.testing.assert_allclose(problem.grad(x), grad(x), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(problem.hess(x), np.array(hess(x), dtype=float), rtol=1e-12, atol=1e-12)


def test_is_solved_accepts_every_listed_minimum_and_nothing_far():
    freudenstein = get_problem("freudenstein_roth")
    assert freudenstein.is_solved(0.0) and freudenstein.is_solved(48.98425)
    assert not freudenstein.is_solved(49.5) and not freudenstein.is_solved(1.0)
    rosen = get_problem("rosenbrock")
    assert rosen.is_solved(1e-8) and not rosen.is_solved(1e-3)


def test_bad_names_and_sizes():
    with pytest.raises(ValueError, match="known problems: .*rosenbrock"):
        get_problem("rosenbrok")
    assert get_problem("extended_rosenbrock_10").n == 10
    with pytest.raises(ValueError, match="multiple of 2"):
        extended_rosenbrock(3)
    with pytest.raises(ValueError, match="multiple of 4"):
        extended_powell(6)
    assert isinstance(get_problem("wood"), Problem) and math.isfinite(get_problem("wood").f_min)
