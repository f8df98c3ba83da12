"""Critical points against polynomial algebra (resultants solved by NumPy), classification against the
determinant-and-trace test, saddle escapes against Taylor's theorem, and the positive-definite
fraction against a SciPy quadrature for d = 2."""
import math

import numpy as np
import pytest
import sympy as sp
from scipy import integrate, special

from optcourse.landscapes.critical import (classify_critical_point, escape_saddle, find_critical_points,
                                           fraction_positive_definite)
from optcourse.landscapes.derivatives import sympy_functions
from optcourse.landscapes.surfaces import get_surface

x, y = sp.symbols("x y")


def kind_from_det_and_trace(H):
    """The 2x2 test from calculus: det < 0 saddle; det > 0 and trace > 0 minimum; trace < 0 maximum."""
    det, trace = np.linalg.det(H), np.trace(H)
    if det < 0:
        return "saddle"
    return "minimum" if trace > 0 else "maximum"


def critical_points_by_resultant(expr):
    """Solve ∇f = 0 for a polynomial f: eliminate y with a resultant, then back-substitute."""
    fx, fy = sp.diff(expr, x), sp.diff(expr, y)
    res = sp.Poly(sp.resultant(fx, fy, y), x)
    points = []
    for xr in np.roots([float(c) for c in res.all_coeffs()]):
        if abs(xr.imag) > 1e-7:
            continue
        xr = xr.real
        for yr in np.roots([float(c) for c in sp.Poly(fy.subs(x, xr), y).all_coeffs()]):
            if abs(yr.imag) < 1e-7 and abs(float(fx.subs({x: xr, y: yr.real}))) < 1e-6:
                points.append((xr, yr.real))
    unique = []
    for p in points:
        if all(np.hypot(p[0] - q[0], p[1] - q[1]) > 1e-5 for q in unique):
            unique.append(p)
    return np.array(unique)


@pytest.mark.parametrize("name, formula, counts", [
    ("himmelblau", (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2, {"minimum": 4, "saddle": 4, "maximum": 1}),
    ("six_hump_camel", (4 - sp.Rational(21, 10) * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2,
     {"minimum": 6, "saddle": 7, "maximum": 2}),
])
def test_find_critical_points_finds_every_algebraic_solution(name, formula, counts):
    s = get_surface(name)
    found = find_critical_points(s)
    reference = critical_points_by_resultant(formula)
    (x0, x1), (y0, y1) = s.bounds
    reference = reference[(reference[:, 0] >= x0) & (reference[:, 0] <= x1)
                          & (reference[:, 1] >= y0) & (reference[:, 1] <= y1)]
    assert len(found) == len(reference) == sum(counts.values())
    for c in found:
        assert np.min(np.linalg.norm(reference - c.point, axis=1)) < 1e-6
        assert c.kind == kind_from_det_and_trace(s.hessian(c.point))
        assert c.value == pytest.approx(s.value(c.point))
    assert {k: sum(c.kind == k for c in found) for k in counts} == counts
    assert [c.value for c in found] == sorted(c.value for c in found)


def test_himmelblau_maximum_matches_published_value():
    top = [c for c in find_critical_points(get_surface("himmelblau")) if c.kind == "maximum"]
    assert len(top) == 1
    np.testing.assert_allclose(top[0].point, [-0.270845, -0.923039], atol=1e-6)
    assert top[0].value == pytest.approx(181.617, abs=1e-3)


def test_find_critical_points_of_a_sympy_function():
    fns = sympy_functions(x**3 - 3 * x + y**2, [x, y])        # ∇f = (3x² - 3, 2y): (±1, 0)
    found = find_critical_points(fns, bounds=((-3, 3), (-3, 3)))
    assert [(c.kind, tuple(np.round(c.point, 10))) for c in found] == [("minimum", (1.0, 0.0)),
                                                                       ("saddle", (-1.0, 0.0))]
    np.testing.assert_allclose(found[0].eigenvalues, [2.0, 6.0])


def test_saddles_and_the_degenerate_monkey_saddle():
    (saddle,) = find_critical_points(get_surface("saddle"))
    assert saddle.kind == "saddle" and np.allclose(saddle.point, 0)
    (monkey,) = find_critical_points(get_surface("monkey_saddle"))
    assert monkey.kind == "degenerate" and np.allclose(monkey.point, 0, atol=1e-8)


# -- classification -------------------------------------------------------------------------------

@pytest.mark.parametrize("eigenvalues, kind", [
    ([1.0, 2.0, 3.0], "minimum"), ([-1.0, -1e-3], "maximum"), ([-2.0, 0.0, 5.0], "saddle"),
    ([0.0, 1.0], "degenerate"), ([0.0, -4.0], "degenerate"), ([0.0], "degenerate"),
    ([1e-12, 3.0], "degenerate"), ([1e-6, 3.0], "minimum"), ([-1e-12, 3.0], "degenerate"),
])
def test_classify_by_eigenvalue_signs_in_any_basis(eigenvalues, kind):
    rng = np.random.default_rng(len(eigenvalues))
    Q, _ = np.linalg.qr(rng.standard_normal((len(eigenvalues), len(eigenvalues))))
    H = Q @ np.diag(eigenvalues) @ Q.T
    assert classify_critical_point((H + H.T) / 2) == kind


def test_tolerance_decides_what_counts_as_zero():
    H = np.diag([1e-5, 2.0])
    assert classify_critical_point(H) == "minimum"
    assert classify_critical_point(H, tol=1e-4) == "degenerate"


def test_classify_agrees_with_the_2x2_test_on_random_matrices():
    rng = np.random.default_rng(0)
    for _ in range(200):
        A = rng.standard_normal((2, 2))
        H = A + A.T
        assert classify_critical_point(H) == kind_from_det_and_trace(H)


# -- escaping saddles -----------------------------------------------------------------------------

def test_escape_from_x2_minus_y2_goes_along_y_and_lowers_f_by_step_squared():
    s = get_surface("saddle")
    esc = escape_saddle([0.0, 0.0], s.hessian, step=0.1)
    np.testing.assert_allclose(esc.point, [0.0, 0.1])
    assert esc.eigenvalue == -2.0
    assert esc.predicted_change == pytest.approx(-0.01)
    assert s.value(esc.point) == pytest.approx(-0.01)         # f is quadratic: exact


def test_escape_from_himmelblau_saddles_descends_as_taylor_predicts():
    s = get_surface("himmelblau")
    saddles = [c for c in find_critical_points(s) if c.kind == "saddle"]
    for c in saddles:
        errors = []
        for step in (0.02, 0.01):
            esc = escape_saddle(c.point, s.hessian, step=step)
            actual = s.value(esc.point) - c.value
            assert actual < 0
            errors.append(abs(actual - esc.predicted_change))
        assert errors[1] < errors[0] / 6                 # the error is O(step³): halving divides by 8
        # Gradient descent from the escaped point reaches one of the four minima.
        p = escape_saddle(c.point, s.hessian, step=0.1).point
        for _ in range(3000):
            p = p - 0.005 * s.gradient(p)
        assert np.min(np.linalg.norm(s.minima - p, axis=1)) < 1e-6


def test_escape_refuses_a_minimum():
    with pytest.raises(ValueError, match="not a saddle"):
        escape_saddle([1.0, 1.0], get_surface("rosenbrock").hessian)


# -- random critical points -----------------------------------------------------------------------

def exact_fraction_for_d2():
    """P(A = [[a, c], [c, b]] > 0) with a, b ~ N(0, 2), c ~ N(0, 1): a, b > 0 and c² < ab."""
    def density(b, a):
        normal = lambda t: math.exp(-t * t / 4) / math.sqrt(4 * math.pi)   # N(0, 2)
        return normal(a) * normal(b) * special.erf(math.sqrt(a * b / 2))
    value, _ = integrate.dblquad(density, 0, np.inf, 0, np.inf)
    return value


def test_fraction_positive_definite_matches_exact_values():
    r = fraction_positive_definite([1, 2], n_samples=40_000, seed=1)
    exact = [0.5, exact_fraction_for_d2()]
    assert 0.14 < exact[1] < 0.15
    assert np.all(np.abs(r.fraction - exact) < 4 * np.sqrt(np.multiply(exact, np.subtract(1, exact)) / 40_000))


def test_minima_become_rare_faster_than_three_to_the_minus_d():
    r = fraction_positive_definite([1, 2, 3, 4, 5], n_samples=20_000, seed=0)
    np.testing.assert_allclose(r.three_to_minus_d, 3.0 ** -np.arange(1, 6))
    assert np.all(np.diff(r.fraction) < 0)
    assert r.fraction[3] < r.three_to_minus_d[3] / 3 and r.fraction[4] < r.three_to_minus_d[4] / 10
    np.testing.assert_allclose(r.standard_error, np.sqrt(r.fraction * (1 - r.fraction) / 20_000))
    np.testing.assert_array_equal(fraction_positive_definite([3], 1000, seed=4).fraction,
                                  fraction_positive_definite([3], 1000, seed=4).fraction)


# -- bad input ----------------------------------------------------------------------------------------

def test_bad_input_gets_clear_errors():
    with pytest.raises(ValueError, match="square"):
        classify_critical_point(np.ones((2, 3)))
    with pytest.raises(ValueError, match="not symmetric"):
        classify_critical_point([[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="NaN or inf"):
        classify_critical_point([[np.nan, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="tol"):
        classify_critical_point(np.eye(2), tol=-1)
    with pytest.raises(ValueError, match="bounds"):
        find_critical_points(sympy_functions(x * y, [x, y]))
    with pytest.raises(ValueError, match="min < max"):
        find_critical_points(get_surface("saddle"), bounds=((1, -1), (0, 1)))
    with pytest.raises(ValueError, match="point has shape"):
        escape_saddle([0.0, 0.0, 0.0], np.diag([1.0, -1.0]))
    with pytest.raises(ValueError, match="step"):
        escape_saddle([0.0, 0.0], np.diag([1.0, -1.0]), step=-0.1)
    for dims in ([0, 2], [1.5], [[2, 3]]):
        with pytest.raises(ValueError, match="dims"):
            fraction_positive_definite(dims)
    with pytest.raises(ValueError, match="seed"):
        fraction_positive_definite([2], seed=-3)
    with pytest.raises(ValueError, match="n_samples"):
        fraction_positive_definite([2], n_samples=0)
