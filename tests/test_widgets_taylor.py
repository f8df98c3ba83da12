"""The Taylor widget (lesson 02): its polynomials against SymPy's expansion and the tangent plane."""
import math

import numpy as np
import pytest
import sympy as sp

from optcourse.landscapes.derivatives import numerical_gradient
from optcourse.widgets import TaylorWidget


def test_taylor_polynomial_of_a_polynomial_is_exact_from_its_degree_on():
    w = TaylorWidget("x**3*y - 2*x*y**2 + y", order=2, max_order=4)
    x, y = sp.symbols("x y")
    f = x**3 * y - 2 * x * y**2 + y
    assert sp.expand(w.polynomial(4, (sp.Rational(1, 2), -1)) - f) == 0
    assert sp.expand(w.polynomial(3, (2, 3)) - f) != 0                  # degree 4: order 3 misses x³y
    xs = np.linspace(-2, 2, 7)
    np.testing.assert_allclose(w.taylor_values(4, (0.3, -0.7), xs, xs[::-1]),
                               xs**3 * xs[::-1] - 2 * xs * xs[::-1] ** 2 + xs[::-1], rtol=1e-12, atol=1e-12)


def test_first_order_taylor_is_the_tangent_plane():
    w = TaylorWidget()                                     # sin(x) cos(y) + x²/10
    f = lambda p: math.sin(p[0]) * math.cos(p[1]) + p[0] ** 2 / 10   # noqa: E731
    centre = np.array([0.8, 0.4])
    g = numerical_gradient(f, centre)
    for p in ([1.3, -0.2], [-2.0, 1.5]):
        expected = f(centre) + g @ (np.array(p) - centre)
        assert w.taylor_values(1, centre, p[0], p[1]) == pytest.approx(expected, abs=1e-8)


def test_taylor_widget_redraws_one_set_of_contours():
    w = TaylorWidget(order=1)
    w.order_control.value = 3
    w.a_control.value = -1.0
    assert w.t_line.get_label() == "$T_3$ about (-1.00, 0.40)"
    xs = w.t_line.get_xdata()
    np.testing.assert_allclose(w.t_line.get_ydata(), w.taylor_values(3, (-1.0, 0.4), xs, np.full_like(xs, 0.4)))
    dashed = [c for c in w.ax_map.collections if c is w._taylor_contours]
    assert len(dashed) == 1 and len(w.ax_map.collections) == 3      # f filled, f lines, T_k lines
    assert "T_3" in w.formula.value
    with pytest.raises(ValueError, match="only x and y"):
        TaylorWidget("x + z")
