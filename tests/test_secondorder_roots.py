"""Newton's method for roots against hand-worked iterates (exact fractions), SciPy's newton, and the
quadratic (simple root) and linear (double root) convergence rates."""
import math
from fractions import Fraction

import numpy as np
import pytest
import scipy.optimize

from optcourse.secondorder.roots import newton_root


def test_square_root_of_two_by_hand():
    # x_{k+1} = x_k - (x_k^2 - 2) / (2 x_k) = (x_k + 2/x_k) / 2, from 1: 3/2, 17/12, 577/408, ...
    exact = [Fraction(1)]
    for _ in range(4):
        exact.append((exact[-1] + 2 / exact[-1]) / 2)
    res = newton_root(lambda x: x * x - 2, lambda x: 2 * x, 1.0)
    np.testing.assert_allclose(res.path[:5], [float(q) for q in exact], rtol=1e-15)
    assert res.converged and res.root == pytest.approx(math.sqrt(2), abs=1e-15)
    np.testing.assert_allclose(res.fun_path, res.path**2 - 2)


@pytest.mark.parametrize("f,fprime,x0", [
    (lambda x: math.cos(x) - x, lambda x: -math.sin(x) - 1, 1.0),
    (lambda x: x**3 - 2 * x - 5, lambda x: 3 * x**2 - 2, 2.0),   # Newton's own example
    (lambda x: math.exp(x) - 3, lambda x: math.exp(x), 0.0),
    (lambda x: math.atan(x), lambda x: 1 / (1 + x * x), 1.0),
])
def test_agrees_with_scipy(f, fprime, x0):
    res = newton_root(f, fprime, x0)
    assert res.converged
    assert res.root == pytest.approx(scipy.optimize.newton(f, x0, fprime=fprime, tol=1e-14), abs=1e-12)


def test_quadratic_convergence_at_a_simple_root():
    # e_{k+1} / e_k^2 -> |f''/(2 f')| at the root; for x^3 - 2x - 5 that is 6x/(2(3x^2 - 2)) at x* = 2.0945...
    root = 2.0945514815423265
    res = newton_root(lambda x: x**3 - 2 * x - 5, lambda x: 3 * x**2 - 2, 3.0)
    errors = np.abs(res.path - root)
    errors = errors[errors > 1e-13]
    ratios = errors[1:] / errors[:-1] ** 2
    limit = 6 * root / (2 * (3 * root**2 - 2))
    assert ratios[-1] == pytest.approx(limit, rel=0.05)


def test_linear_convergence_at_a_double_root():
    res = newton_root(lambda x: x * x, lambda x: 2 * x, 1.0, maxiter=20)
    np.testing.assert_allclose(res.path, 0.5 ** np.arange(len(res.path)))  # the error halves
    assert not res.converged and "maxiter" in res.message


def test_flat_tangent_and_non_finite_values_stop_honestly():
    res = newton_root(lambda x: x * x - 1, lambda x: 2 * x, 0.0)
    assert not res.converged and res.nit == 0 and "tangent" in res.message
    res = newton_root(lambda x: math.inf if x > 5 else x - 10, lambda x: 1e-3, 0.0)
    assert not res.converged and "finite" in res.message
    res = newton_root(lambda x: x - 3, lambda x: 1.0, 0.0, ftol=1e-9)
    assert res.converged and res.root == 3.0 and res.nit == 1


def test_bad_input():
    with pytest.raises(TypeError, match="functions"):
        newton_root(2.0, lambda x: 1.0, 0.0)
    with pytest.raises(ValueError, match="finite"):
        newton_root(lambda x: x, lambda x: 1.0, math.nan)
    with pytest.raises(ValueError, match="xtol"):
        newton_root(lambda x: x, lambda x: 1.0, 1.0, xtol=-1.0)
