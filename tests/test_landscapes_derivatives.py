"""Finite differences against closed-form derivatives, SymPy helpers against hand-worked results and
SymPy's own one-variable series."""
import numpy as np
import pytest
import sympy as sp

from optcourse.landscapes.derivatives import (gradient_check, numerical_gradient, numerical_hessian, sympy_functions,
                                              taylor_polynomial)

x, y, z = sp.symbols("x y z")

import sympy as sp


def f_test(p):
    """f(p) = Σ sin(p_i) exp(p_i / 3) + p_0 p_1 p_2, with derivatives written out by hand below."""
    return float(np.sum(np.sin(p) * np.exp(p / 3)) + p[0] * p[1] * p[2])


def grad_test(p):
    g = (np.cos(p) + np.sin(p) / 3) * np.exp(p / 3)
    return g + np.array([p[1] * p[2], p[0] * p[2], p[0] * p[1]])


def hess_test(p):
    H = np.diag((-np.sin(p) + 2 * np.cos(p) / 3 + np.sin(p) / 9) * np.exp(p / 3))
    H += np.array([[0, p[2], p[1]], [p[2], 0, p[0]], [p[1], p[0], 0]])
    return H


POINTS = np.random.default_rng(0).uniform(-3, 3, size=(5, 3))


@pytest.mark.parametrize("p", POINTS)
def test_numerical_gradient_matches_closed_form(p):
    np.testing.assert_allclose(numerical_gradient(f_test, p), grad_test(p), rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize("p", POINTS)
def test_numerical_hessian_matches_closed_form(p):
    np.testing.assert_allclose(numerical_hessian(f_test, p), hess_test(p), rtol=1e-5, atol=1e-5)
    from_gradient = numerical_hessian(None, p, gradient=grad_test)
    np.testing.assert_allclose(from_gradient, hess_test(p), rtol=1e-8, atol=1e-8)
    np.testing.assert_array_equal(from_gradient, from_gradient.T)


def test_gradient_keeps_the_shape_of_x():
    A = np.arange(6.0).reshape(2, 3)
    G = numerical_gradient(lambda W: float(np.sum(W**2 * A)), np.ones((2, 3)))   # ∂/∂W = 2 W A
    np.testing.assert_allclose(G, 2 * A, atol=1e-8)


def test_default_step_beats_too_large_and_too_small_steps():
    """The truncation/rounding trade-off: eps^(1/3) is far better than 1e-2 or 1e-12."""
    p = POINTS[0]
    error = {h: np.abs(numerical_gradient(f_test, p, h) - grad_test(p)).max() for h in (1e-2, None, 1e-12)}
    assert error[None] < error[1e-2] / 100
    assert error[None] < error[1e-12] / 100


def test_gradient_check_separates_right_from_wrong():
    p = POINTS[1]
    good = gradient_check(f_test, grad_test, p)
    assert good.relative_error < 1e-9
    np.testing.assert_allclose(good.numeric, grad_test(p), rtol=1e-7)

    def wrong(q):       # a classic bug: one term missing its factor
        g = grad_test(q)
        g[2] -= q[0] * q[1] / 2
        return g

    assert gradient_check(f_test, wrong, p).relative_error > 1e-3


# -- SymPy helpers ----------------------------------------------------------------------------------

def test_sympy_functions_match_hand_derivatives():
    fns = sympy_functions(x**3 - 3 * x * y**2 + sp.exp(x * y), [x, y])
    P = np.random.default_rng(1).uniform(-1, 1, size=(3, 4, 2))
    X, Y = P[..., 0], P[..., 1]
    E = np.exp(X * Y)
    np.testing.assert_allclose(fns.value(P), X**3 - 3 * X * Y**2 + E, rtol=1e-13)
    np.testing.assert_allclose(fns.gradient(P), np.stack([3 * X**2 - 3 * Y**2 + Y * E, -6 * X * Y + X * E], -1),
                               rtol=1e-12)
    H = np.stack([np.stack([6 * X + Y**2 * E, -6 * Y + E + X * Y * E], -1),
                  np.stack([-6 * Y + E + X * Y * E, -6 * X + X**2 * E], -1)], -2)
    np.testing.assert_allclose(fns.hessian(P), H, rtol=1e-12, atol=1e-14)
    assert isinstance(fns.value([0.5, 0.5]), float)


def test_sympy_functions_broadcast_constant_derivatives_and_order_variables_by_name():
    fns = sympy_functions("y + x**2")                   # variables (x, y), sorted by name
    assert fns.variables == (x, y)
    H = fns.hessian(np.zeros((5, 2)))
    assert H.shape == (5, 2, 2)
    np.testing.assert_array_equal(H, np.broadcast_to([[2.0, 0.0], [0.0, 0.0]], (5, 2, 2)))
    np.testing.assert_array_equal(fns.gradient([[1.0, 7.0]]), [[2.0, 1.0]])


def test_taylor_of_one_variable_matches_sympy_series():
    for expr, a in ((sp.sin(x), sp.pi / 4), (sp.exp(x) / (1 + x**2), sp.Rational(1, 2))):
        ours = taylor_polynomial(expr, [x], [a], order=5)
        series = sp.series(expr, x, a, 6).removeO()
        assert sp.expand(ours - series) == 0


def test_taylor_order_two_is_value_gradient_hessian_and_matches_hand_work():
    assert sp.expand(taylor_polynomial(sp.exp(x) * sp.cos(y), [x, y], [0, 0], 2)
                     - (1 + x + x**2 / 2 - y**2 / 2)) == 0
    f = sp.exp(x * y) + sp.sin(x + 2 * y) * z
    a = {x: 1, y: sp.Rational(-1, 2), z: 2}
    d = sp.Matrix([x - 1, y + sp.Rational(1, 2), z - 2])
    g = sp.Matrix([sp.diff(f, v) for v in (x, y, z)]).subs(a)
    H = sp.hessian(f, (x, y, z)).subs(a)
    expected = f.subs(a) + (g.T * d)[0] + (d.T * H * d)[0] / 2
    assert sp.simplify(taylor_polynomial(f, [x, y, z], a, 2) - expected) == 0


def test_taylor_of_a_polynomial_of_its_degree_is_itself():
    p = 3 * x**3 * y - x * y**2 + 5 * y - 2
    assert sp.expand(taylor_polynomial(p, [x, y], [2, -1], order=4) - p) == 0
    assert sp.expand(taylor_polynomial(p, [x, y], [2, -1], order=3) - p) != 0


@pytest.mark.parametrize("order", [1, 2, 3])
def test_taylor_error_shrinks_like_distance_to_the_order_plus_one(order):
    f = sp.exp(x) * sp.sin(y + 1)
    T = taylor_polynomial(f, [x, y], [0.3, 0.2], order)
    err = [abs(float((f - T).subs({x: 0.3 + h, y: 0.2 - 2 * h}))) for h in (1e-2, 5e-3)]
    assert err[0] / err[1] == pytest.approx(2 ** (order + 1), rel=0.1)


# -- bad input --------------------------------------------------------------------------------------

def test_bad_input_gets_clear_errors():
    with pytest.raises(ValueError, match="one number"):
        numerical_gradient(lambda p: p * 2, [1.0, 2.0])
    with pytest.raises(ValueError, match="NaN or inf"):
        numerical_gradient(f_test, [1.0, np.nan, 0.0])
    with pytest.raises(ValueError, match="step h"):
        numerical_gradient(f_test, POINTS[0], h=-1e-6)
    with pytest.raises(ValueError, match="shape \\(n,\\)"):
        numerical_hessian(lambda P: float(P.sum()), np.ones((2, 2)))
    with pytest.raises(ValueError, match="shape"):
        gradient_check(f_test, lambda p: grad_test(p)[:2], POINTS[0])
    with pytest.raises(ValueError, match="depends on"):
        sympy_functions(x * y + z, [x, y])
    with pytest.raises(ValueError, match="could not read"):
        sympy_functions("x ** ** 2")
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        sympy_functions(x * y, [x, y]).gradient([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="order"):
        taylor_polynomial(sp.sin(x), [x], [0], order=-1)
    with pytest.raises(ValueError, match="one value per variable"):
        taylor_polynomial(x * y, [x, y], [0], order=2)


