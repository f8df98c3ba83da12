r"""Derivatives by finite differences and by SymPy: gradients, Hessians, gradient checks, Taylor.

Finite differences approximate a derivative from values of f alone. The central difference

.. math:: \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}

has truncation error :math:`O(h^2)` and rounding error :math:`O(\epsilon/h)` (:math:`\epsilon` the
machine epsilon), so the best step balances them at :math:`h \sim \epsilon^{1/3}` times the scale of
:math:`x_i`; second differences divide by :math:`h^2` and want :math:`h \sim \epsilon^{1/4}`
(Nocedal and Wright, *Numerical Optimization*, 2nd ed., section 8.1, eqs. 8.6-8.9 and 8.21).

    numerical_gradient(f, x)                     # central differences
    numerical_hessian(f, x)                      # from values of f
    numerical_hessian(f, x, gradient=grad)       # central differences of an exact gradient
    gradient_check(f, grad, x).relative_error    # ~1e-10 when grad is right

SymPy turns a formula into exact derivatives and numeric functions:

    x, y = sympy.symbols("x y")
    fns = sympy_functions(x**2 * y - y**3, [x, y])
    fns.gradient([1.0, 2.0]), fns.hessian(grid_points)
    taylor_polynomial(sympy.exp(x) * sympy.cos(y), [x, y], point=[0, 0], order=2)
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np
import sympy as sp

from optcourse.validation import whole

EPS = np.finfo(float).eps


def _point(x, who: str) -> np.ndarray:
    x = np.array(x, dtype=float)  # a copy: the differences perturb it in place
    if x.size == 0:
        raise ValueError(f"{who}: x is empty; pass the point at which to differentiate.")
    if not np.isfinite(x).all():
        raise ValueError(f"{who}: x contains NaN or inf; differentiate at a finite point.")
    return x


def _steps(x: np.ndarray, h, power: float, who: str) -> np.ndarray:
    """One step per coordinate: h if given, else eps**power * max(1, |x_i|)."""
    if h is None:
        h = EPS**power * np.maximum(1.0, np.abs(x))
    h = np.broadcast_to(np.asarray(h, dtype=float), x.shape)
    if not (np.all(h > 0) and np.all(np.isfinite(h))):
        raise ValueError(f"{who}: the step h must be a finite number > 0 (or one per coordinate), got {h!r}.")
    # The step actually taken is (x + h) - x in floating point; use that one in the quotient.
    return (x + h) - x


def _scalar(f, x, who: str) -> float:
    value = f(x)
    if np.ndim(value) != 0:
        raise ValueError(f"{who}: f must return one number, got an array of shape {np.shape(value)}.")
    return float(value)


def numerical_gradient(f: Callable, x, h=None) -> np.ndarray:
    r"""Central-difference gradient of a scalar function ``f`` at ``x`` (any shape; same shape out).

    .. math:: g_i = \frac{f(x + h_i e_i) - f(x - h_i e_i)}{2 h_i}, \qquad h_i = \epsilon^{1/3}\max(1, |x_i|)

    Costs 2 evaluations of f per coordinate.

    Example:
        >>> numerical_gradient(lambda p: p[0] ** 2 + 3 * p[1], [1.0, 2.0])   # ≈ [2, 3]
    """
    x = _point(x, "numerical_gradient")
    h = _steps(x, h, 1 / 3, "numerical_gradient")
    grad = np.zeros_like(x)
    flat_x, flat_h, flat_g = x.reshape(-1), h.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        xi = flat_x[i]
        flat_x[i] = xi + flat_h[i]
        f_plus = _scalar(f, x, "numerical_gradient")
        flat_x[i] = xi - flat_h[i]
        f_minus = _scalar(f, x, "numerical_gradient")
        flat_x[i] = xi
        flat_g[i] = (f_plus - f_minus) / (2 * flat_h[i])
    return grad


def numerical_hessian(f: Callable, x, h=None, gradient: Callable | None = None) -> np.ndarray:
    r"""Finite-difference Hessian of ``f`` at a point ``x`` of shape (n,); returns (n, n).

    Without ``gradient``, from values of f (4 per entry, :math:`h_i = \epsilon^{1/4}\max(1,|x_i|)`):

    .. math:: H_{ij} \approx \frac{f(x + h_i e_i + h_j e_j) - f(x + h_i e_i - h_j e_j)
              - f(x - h_i e_i + h_j e_j) + f(x - h_i e_i - h_j e_j)}{4 h_i h_j}

    With an exact ``gradient`` function, one column per coordinate (:math:`h \sim \epsilon^{1/3}`),
    then symmetrised, which is more accurate:

    .. math:: H_{:, i} \approx \frac{\nabla f(x + h_i e_i) - \nabla f(x - h_i e_i)}{2 h_i}

    Example:
        >>> numerical_hessian(lambda p: p[0] ** 2 * p[1], [1.0, 2.0])   # ≈ [[4, 2], [2, 0]]
    """
    x = _point(x, "numerical_hessian")
    if x.ndim != 1:
        raise ValueError(f"numerical_hessian: x must be a vector of shape (n,), got shape {x.shape}; "
                         f"flatten it first (x.ravel()).")
    n = x.size
    H = np.zeros((n, n))
    if gradient is not None:
        h = _steps(x, h, 1 / 3, "numerical_hessian")
        for i in range(n):
            e = np.zeros(n)
            e[i] = h[i]
            g_plus, g_minus = np.asarray(gradient(x + e), float), np.asarray(gradient(x - e), float)
            if g_plus.shape != (n,):
                raise ValueError(f"numerical_hessian: gradient must return shape ({n},), got {g_plus.shape}.")
            H[:, i] = (g_plus - g_minus) / (2 * h[i])
        return (H + H.T) / 2
    h = _steps(x, h, 1 / 4, "numerical_hessian")
    for i in range(n):
        for j in range(i, n):
            ei, ej = np.zeros(n), np.zeros(n)
            ei[i], ej[j] = h[i], h[j]
            H[i, j] = H[j, i] = (_scalar(f, x + ei + ej, "numerical_hessian")
                                 - _scalar(f, x + ei - ej, "numerical_hessian")
                                 - _scalar(f, x - ei + ej, "numerical_hessian")
                                 + _scalar(f, x - ei - ej, "numerical_hessian")) / (4 * h[i] * h[j])
    return H


class GradientCheck(NamedTuple):
    """What ``gradient_check`` found: the relative error and both gradients, to look at."""
    relative_error: float
    analytic: np.ndarray
    numeric: np.ndarray


def gradient_check(f: Callable, gradient: Callable, x, h=None) -> GradientCheck:
    r"""Compare ``gradient(x)`` with central differences of ``f`` at ``x``.

    .. math:: \text{relative error} = \frac{\lVert g_\text{analytic} - g_\text{numeric}\rVert}
              {\max(\lVert g_\text{analytic}\rVert + \lVert g_\text{numeric}\rVert,\ 10^{-300})}

    In double precision a correct gradient of a smooth f gives about 1e-9 or less; 1e-3 or more
    means a bug. Near a kink (ReLU, |x|) a difference may straddle it, so check at generic points.

    Example:
        >>> gradient_check(lambda p: p @ p, lambda p: 2 * p, np.ones(3)).relative_error   # ~1e-11
    """
    x = _point(x, "gradient_check")
    analytic = np.asarray(gradient(x.copy()), dtype=float)
    if analytic.shape != x.shape:
        raise ValueError(f"gradient_check: gradient(x) has shape {analytic.shape} but x has shape "
                         f"{x.shape}; a gradient has the shape of its point.")
    numeric = numerical_gradient(f, x, h)
    scale = max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-300)
    return GradientCheck(float(np.linalg.norm(analytic - numeric) / scale), analytic, numeric)


# -- SymPy ----------------------------------------------------------------------------------------

class SymbolicFunctions(NamedTuple):
    """Numeric value, gradient and Hessian functions of points p with shape (..., n), and the
    SymPy expressions they came from."""
    value: Callable
    gradient: Callable
    hessian: Callable
    variables: tuple
    expression: sp.Expr
    gradient_expression: sp.Matrix
    hessian_expression: sp.Matrix


def _expression_and_variables(expr, variables, who: str):
    try:
        expr = sp.sympify(expr)
    except (sp.SympifyError, TypeError) as error:
        raise ValueError(f"{who}: could not read {expr!r} as a SymPy expression ({error}).") from None
    if variables is None:
        variables = sorted(expr.free_symbols, key=lambda s: s.name)
    variables = tuple(sp.Symbol(v) if isinstance(v, str) else v for v in variables)
    if not variables or not all(isinstance(v, sp.Symbol) for v in variables):
        raise ValueError(f"{who}: variables must be a non-empty list of SymPy symbols, got {variables!r}.")
    missing = expr.free_symbols - set(variables)
    if missing:
        raise ValueError(f"{who}: the expression also depends on {sorted(map(str, missing))}; list "
                         f"them in variables or substitute numbers for them (expr.subs(...)).")
    return expr, variables


def sympy_functions(expr, variables=None) -> SymbolicFunctions:
    r"""Numeric f, ∇f and ∇²f from a SymPy expression (or a string such as ``"x**2 - y**2"``).

    ``variables`` fixes the order of the coordinates (default: the free symbols sorted by name).
    The returned functions take points of shape (n,) or (..., n), like the surfaces, and return
    shapes (...), (..., n) and (..., n, n). The derivatives are exact: SymPy differentiates the
    formula, and ``lambdify`` writes NumPy code for each entry.

    Example:
        >>> x, y = sp.symbols("x y")
        >>> fns = sympy_functions(x**3 - 3 * x * y**2, [x, y])
        >>> fns.hessian([1.0, 0.0])          # [[6, 0], [0, -6]]
        >>> fns.hessian_expression           # Matrix([[6*x, -6*y], [-6*y, -6*x]])
    """
    expr, variables = _expression_and_variables(expr, variables, "sympy_functions")
    n = len(variables)
    grad_expr = sp.Matrix([sp.diff(expr, v) for v in variables])
    hess_expr = sp.hessian(expr, variables)
    f_num = sp.lambdify(variables, expr, "numpy")
    g_num = [sp.lambdify(variables, e, "numpy") for e in grad_expr]
    h_num = [[sp.lambdify(variables, hess_expr[i, j], "numpy") for j in range(n)] for i in range(n)]

    def coordinates(p):
        p = np.asarray(p, dtype=float)
        if p.ndim == 0 or p.shape[-1] != n:
            raise ValueError(f"expected points of shape ({n},) or (..., {n}) for the variables "
                             f"{', '.join(map(str, variables))}; got shape {p.shape}.")
        return [p[..., i] for i in range(n)], p.shape[:-1]

    def entry(fn, xs, shape):  # constants come back as scalars; give them the points' shape
        return np.broadcast_to(np.asarray(fn(*xs), dtype=float), shape)

    def value(p):
        xs, shape = coordinates(p)
        v = entry(f_num, xs, shape)
        return float(v) if v.ndim == 0 else v.copy()

    def gradient(p):
        xs, shape = coordinates(p)
        return np.stack([entry(g, xs, shape) for g in g_num], axis=-1)

    def hessian(p):
        xs, shape = coordinates(p)
        return np.stack([np.stack([entry(h, xs, shape) for h in row], -1) for row in h_num], -2)

    return SymbolicFunctions(value, gradient, hessian, variables, expr, grad_expr, hess_expr)


def taylor_polynomial(expr, variables=None, point=None, order: int = 2) -> sp.Expr:
    r"""The Taylor polynomial of ``expr`` of degree ``order`` about ``point`` (default: the origin).

    .. math:: T_k(x) = \sum_{j=0}^{k} \frac{1}{j!} \left.\frac{d^j}{dt^j} f\big(a + t(x-a)\big)\right|_{t=0}
              = f(a) + \nabla f(a)^\top (x-a) + \tfrac12 (x-a)^\top \nabla^2 f(a) (x-a) + \dots

    Restricting f to the line from a to x turns the multivariate expansion into the one-variable
    one in t (every mixed partial appears in the j-th t-derivative with its multinomial weight).
    ``point`` is a list of numbers in the order of ``variables``, or a dict {symbol: number}.

    Example:
        >>> x, y = sp.symbols("x y")
        >>> taylor_polynomial(sp.exp(x) * sp.cos(y), [x, y], [0, 0], order=2)   # x**2/2 + x - y**2/2 + 1
    """
    expr, variables = _expression_and_variables(expr, variables, "taylor_polynomial")
    order = whole("taylor_polynomial: order", order, 0)
    if point is None:
        point = [0] * len(variables)
    if isinstance(point, dict):
        point = [point[v] if v in point else point.get(str(v)) for v in variables]
    if len(point) != len(variables) or any(a is None for a in point):
        raise ValueError(f"taylor_polynomial: point needs one value per variable "
                         f"({', '.join(map(str, variables))}); got {point!r}.")
    point = [sp.sympify(a) for a in point]
    t = sp.Dummy("t")
    along_line = expr.subs({v: a + t * (v - a) for v, a in zip(variables, point)}, simultaneous=True)
    terms, derivative = [], along_line
    for j in range(order + 1):
        terms.append(derivative.subs(t, 0) / math.factorial(j))
        derivative = sp.diff(derivative, t)
    return sp.expand(sp.Add(*terms))
