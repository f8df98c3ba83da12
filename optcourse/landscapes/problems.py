r"""Test problems for unconstrained minimization, from Moré, Garbow and Hillstrom (1981).

J. J. Moré, B. S. Garbow and K. E. Hillstrom, "Testing unconstrained optimization software",
ACM Transactions on Mathematical Software 7(1), 17-41, 1981 (below: MGH). Every problem there is a
sum of squares of residuals,

.. math::
    f(x) = \sum_{i=1}^m r_i(x)^2, \qquad
    \nabla f = 2 J^\top r, \qquad
    \nabla^2 f = 2\Big(J^\top J + \sum_{i=1}^m r_i \nabla^2 r_i\Big),

where :math:`J_{ij} = \partial r_i / \partial x_j`. So each problem here is written as its residuals,
their Jacobian and their Hessians, transcribed from the paper, and the three formulas above turn them
into ``fun``, ``grad`` and ``hess``. The two problems that scale to large ``n`` (extended Rosenbrock
and extended Powell) are written out directly, vectorised over their independent blocks.

Each :class:`Problem` carries the standard starting point ``x0`` and the known minimum values (MGH
give them to about six digits). Several problems have more than one local minimum, and which one a
method finds from ``x0`` depends on its path, so ``minima`` lists every value MGH (or a later note
below) report and :meth:`Problem.is_solved` accepts any of them.

    >>> from optcourse.landscapes.problems import get_problem
    >>> p = get_problem("rosenbrock")
    >>> p.x0, round(p.fun(p.x0), 12), p.minima
    (array([-1.2,  1. ]), 24.2, (0.0,))
    >>> [p.name for p in mgh_problems()][:3]
    ['rosenbrock', 'freudenstein_roth', 'powell_badly_scaled']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from optcourse.validation import is_whole


@dataclass(frozen=True, eq=False)
class Problem:
    """One test problem: f, its gradient and Hessian, where to start and what to expect.

    Attributes:
        name    -- short identifier, e.g. ``"rosenbrock"``
        number  -- the problem's number in MGH (their section 3)
        x0      -- the standard starting point (read-only; minimize copies it)
        fun, grad, hess -- f(x) (a float), its gradient (shape (n,)) and Hessian (shape (n, n))
        minima  -- known minimum values, smallest first (``minima[0]`` is the best known); for
                   Biggs EXP6 also the stationary value MGH list, which is a saddle
        x_min   -- a minimiser where it is known exactly, else None
        title   -- the problem's name in MGH
    """

    name: str
    number: int
    x0: np.ndarray = field(repr=False)
    fun: Callable[[np.ndarray], float] = field(repr=False)
    grad: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    hess: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    minima: tuple[float, ...]
    x_min: np.ndarray | None = field(default=None, repr=False)
    title: str = ""

    def __post_init__(self):
        for name in ("x0", "x_min"):
            value = getattr(self, name)
            if value is not None:
                value = np.array(value, dtype=float)
                value.setflags(write=False)  # shared by every run: copy before changing
                object.__setattr__(self, name, value)

    @property
    def n(self) -> int:
        return self.x0.size

    @property
    def f_min(self) -> float:
        return self.minima[0]

    def is_solved(self, f: float, rtol: float = 1e-4) -> bool:
        r"""True if ``f`` is within reach of a known minimum value :math:`f^*`.

        "Within reach" means :math:`|f - f^*| \le \text{rtol}\,|f^*| + 10^{-8}\,(f(x_0) - f^*)`:
        a relative match for nonzero minima (the published values have six digits) and, for a
        minimum of 0, a reduction of f by eight orders of magnitude from the start.
        """
        f0 = self.fun(self.x0)
        return any(abs(f - m) <= rtol * abs(m) + 1e-8 * (f0 - m) for m in self.minima)


# -- the least-squares machinery ---------------------------------------------------------------

def least_squares(residuals, jacobian, residual_hessians):
    """``fun, grad, hess`` of f = sum r_i^2 from r(x), J(x) (m, n) and the stack of Hessians (m, n, n)."""

    def fun(x):
        r = residuals(x)
        return float(r @ r)

    def grad(x):
        return 2.0 * jacobian(x).T @ residuals(x)

    def hess(x):
        J = jacobian(x)
        return 2.0 * (J.T @ J + np.einsum("i,ijk->jk", residuals(x), residual_hessians(x)))

    return fun, grad, hess


def _problem(name, number, title, x0, r, J, R, minima, x_min=None):
    fun, grad, hess = least_squares(r, J, R)
    return Problem(name, number, x0, fun, grad, hess, tuple(minima), x_min, title)


def _columns(m, *cols):
    """An (m, len(cols)) array whose columns are ``cols`` (each a scalar or an array of length m)."""
    return np.column_stack([np.broadcast_to(np.asarray(c, dtype=float), (m,)) for c in cols])


def _hessians(m, n, entries):
    """Stack of m symmetric (n, n) matrices from {(j, k): values of length m} (0-based, j <= k)."""
    H = np.zeros((m, n, n))
    for (j, k), v in entries.items():
        H[:, j, k] = v
        H[:, k, j] = v
    return H


# -- the problems, in MGH's order ----------------------------------------------------------------

def freudenstein_roth():
    # r1 = -13 + x1 + ((5 - x2) x2 - 2) x2,  r2 = -29 + x1 + ((x2 + 1) x2 - 14) x2
    def r(x):
        a, b = x
        return np.array([-13 + a + ((5 - b) * b - 2) * b, -29 + a + ((b + 1) * b - 14) * b])

    def J(x):
        b = x[1]
        return np.array([[1.0, 10 * b - 3 * b**2 - 2], [1.0, 3 * b**2 + 2 * b - 14]])

    def R(x):
        b = x[1]
        return _hessians(2, 2, {(1, 1): np.array([10 - 6 * b, 6 * b + 2])})

    # The local minimum 48.9842... at (11.41..., -0.8968...) is where most methods end from x0.
    return _problem("freudenstein_roth", 2, "Freudenstein and Roth", [0.5, -2.0], r, J, R,
                    [0.0, 48.9842], x_min=[5.0, 4.0])


def powell_badly_scaled():
    # r1 = 10^4 x1 x2 - 1,  r2 = exp(-x1) + exp(-x2) - 1.0001
    def r(x):
        a, b = x
        return np.array([1e4 * a * b - 1, np.exp(-a) + np.exp(-b) - 1.0001])

    def J(x):
        a, b = x
        return np.array([[1e4 * b, 1e4 * a], [-np.exp(-a), -np.exp(-b)]])

    def R(x):
        a, b = x
        return _hessians(2, 2, {(0, 1): np.array([1e4, 0.0]),
                                (0, 0): np.array([0.0, np.exp(-a)]),
                                (1, 1): np.array([0.0, np.exp(-b)])})

    return _problem("powell_badly_scaled", 3, "Powell badly scaled", [0.0, 1.0], r, J, R, [0.0])


def brown_badly_scaled():
    # r1 = x1 - 10^6,  r2 = x2 - 2 10^-6,  r3 = x1 x2 - 2
    def r(x):
        a, b = x
        return np.array([a - 1e6, b - 2e-6, a * b - 2])

    def J(x):
        a, b = x
        return np.array([[1.0, 0.0], [0.0, 1.0], [b, a]])

    def R(x):
        return _hessians(3, 2, {(0, 1): np.array([0.0, 0.0, 1.0])})

    return _problem("brown_badly_scaled", 4, "Brown badly scaled", [1.0, 1.0], r, J, R, [0.0],
                    x_min=[1e6, 2e-6])


def beale():
    # r_i = y_i - x1 (1 - x2^i),  y = (1.5, 2.25, 2.625)
    i = np.arange(1.0, 4.0)
    y = np.array([1.5, 2.25, 2.625])

    def r(x):
        return y - x[0] * (1 - x[1] ** i)

    def J(x):
        return _columns(3, -(1 - x[1] ** i), x[0] * i * x[1] ** (i - 1))

    def R(x):
        return _hessians(3, 2, {(0, 1): i * x[1] ** (i - 1), (1, 1): x[0] * i * (i - 1) * x[1] ** (i - 2)})

    return _problem("beale", 5, "Beale", [1.0, 1.0], r, J, R, [0.0], x_min=[3.0, 0.5])


def jennrich_sampson():
    # r_i = 2 + 2i - (exp(i x1) + exp(i x2)),  i = 1..10
    i = np.arange(1.0, 11.0)

    def r(x):
        return 2 + 2 * i - (np.exp(i * x[0]) + np.exp(i * x[1]))

    def J(x):
        return _columns(10, -i * np.exp(i * x[0]), -i * np.exp(i * x[1]))

    def R(x):
        return _hessians(10, 2, {(0, 0): -i**2 * np.exp(i * x[0]), (1, 1): -i**2 * np.exp(i * x[1])})

    return _problem("jennrich_sampson", 6, "Jennrich and Sampson", [0.3, 0.4], r, J, R, [124.362])


def helical_valley():
    r"""r1 = 10 (x3 - 10 θ), r2 = 10 (sqrt(x1² + x2²) - 1), r3 = x3, with 2π θ the angle of (x1, x2)
    measured in (-π/2, 3π/2): θ = atan(x2/x1)/(2π), plus 1/2 when x1 < 0."""

    def theta(a, b):
        t = np.arctan2(b, a) / (2 * np.pi)  # in (-1/2, 1/2]; MGH's branch is (-1/4, 3/4)
        return t + 1.0 if t < -0.25 else t

    def r(x):
        a, b, c = x
        return np.array([10 * (c - 10 * theta(a, b)), 10 * (np.hypot(a, b) - 1), c])

    def J(x):
        a, b, _ = x
        rho2 = a * a + b * b
        rho = np.sqrt(rho2)
        k = 100 / (2 * np.pi * rho2)  # -100 * grad(theta) = k * (x2, -x1)
        return np.array([[k * b, -k * a, 10.0], [10 * a / rho, 10 * b / rho, 0.0], [0.0, 0.0, 1.0]])

    def R(x):
        a, b, _ = x
        rho2 = a * a + b * b
        rho3 = rho2 ** 1.5
        c = -100 / (2 * np.pi * rho2**2)  # r1's Hessian is -100 times theta's
        return _hessians(3, 3, {(0, 0): np.array([c * 2 * a * b, 10 * b * b / rho3, 0.0]),
                                (0, 1): np.array([c * (b * b - a * a), -10 * a * b / rho3, 0.0]),
                                (1, 1): np.array([-c * 2 * a * b, 10 * a * a / rho3, 0.0])})

    return _problem("helical_valley", 7, "Helical valley", [-1.0, 0.0, 0.0], r, J, R, [0.0],
                    x_min=[1.0, 0.0, 0.0])


def bard():
    # r_i = y_i - (x1 + u_i / (v_i x2 + w_i x3)),  u = i, v = 16 - i, w = min(u, v)
    y = np.array([0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39])
    u = np.arange(1.0, 16.0)
    v = 16 - u
    w = np.minimum(u, v)

    def r(x):
        return y - (x[0] + u / (v * x[1] + w * x[2]))

    def J(x):
        d2 = (v * x[1] + w * x[2]) ** 2
        return _columns(15, -1.0, u * v / d2, u * w / d2)

    def R(x):
        d3 = (v * x[1] + w * x[2]) ** 3
        return _hessians(15, 3, {(1, 1): -2 * u * v * v / d3, (1, 2): -2 * u * v * w / d3,
                                 (2, 2): -2 * u * w * w / d3})

    # MGH also report 17.4286 at (0.8406, -inf, -inf), reached only in the limit.
    return _problem("bard", 8, "Bard", [1.0, 1.0, 1.0], r, J, R, [8.21487e-3])


def gaussian():
    # r_i = x1 exp(-x2 (t_i - x3)^2 / 2) - y_i,  t_i = (8 - i) / 2
    y = np.array([0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521, 0.3989,
                  0.3521, 0.2420, 0.1295, 0.0540, 0.0175, 0.0044, 0.0009])
    t = (8 - np.arange(1.0, 16.0)) / 2

    def r(x):
        return x[0] * np.exp(-x[1] * (t - x[2]) ** 2 / 2) - y

    def J(x):
        a, b, c = x
        d = t - c
        e = np.exp(-b * d * d / 2)
        return _columns(15, e, -a * e * d * d / 2, a * b * e * d)

    def R(x):
        a, b, c = x
        d = t - c
        q = d * d
        e = np.exp(-b * q / 2)
        return _hessians(15, 3, {(0, 1): -e * q / 2, (0, 2): b * e * d,
                                 (1, 1): a * e * q * q / 4, (1, 2): a * e * d * (1 - b * q / 2),
                                 (2, 2): a * b * e * (b * q - 1)})

    return _problem("gaussian", 9, "Gaussian", [0.4, 1.0, 0.0], r, J, R, [1.12793e-8])


def box_3d(m=10):
    # r_i = exp(-t x1) - exp(-t x2) - x3 (exp(-t) - exp(-10 t)),  t = 0.1 i
    t = 0.1 * np.arange(1.0, m + 1)
    c = np.exp(-t) - np.exp(-10 * t)

    def r(x):
        return np.exp(-t * x[0]) - np.exp(-t * x[1]) - x[2] * c

    def J(x):
        return _columns(m, -t * np.exp(-t * x[0]), t * np.exp(-t * x[1]), -c)

    def R(x):
        return _hessians(m, 3, {(0, 0): t * t * np.exp(-t * x[0]), (1, 1): -t * t * np.exp(-t * x[1])})

    # Zero also at (10, 1, -1) and on the line x1 = x2, x3 = 0.
    return _problem("box_3d", 12, "Box three-dimensional", [0.0, 10.0, 20.0], r, J, R, [0.0],
                    x_min=[1.0, 10.0, 1.0])


def wood():
    # r1 = 10 (x2 - x1^2), r2 = 1 - x1, r3 = sqrt(90) (x4 - x3^2), r4 = 1 - x3,
    # r5 = sqrt(10) (x2 + x4 - 2), r6 = (x2 - x4) / sqrt(10)
    s90, s10 = np.sqrt(90.0), np.sqrt(10.0)

    def r(x):
        a, b, c, d = x
        return np.array([10 * (b - a * a), 1 - a, s90 * (d - c * c), 1 - c, s10 * (b + d - 2), (b - d) / s10])

    def J(x):
        a, _, c, _ = x
        return np.array([[-20 * a, 10, 0, 0], [-1, 0, 0, 0], [0, 0, -2 * s90 * c, s90],
                         [0, 0, -1, 0], [0, s10, 0, s10], [0, 1 / s10, 0, -1 / s10]], dtype=float)

    def R(x):
        return _hessians(6, 4, {(0, 0): np.array([-20.0, 0, 0, 0, 0, 0]),
                                (2, 2): np.array([0, 0, -2 * s90, 0, 0, 0])})

    return _problem("wood", 14, "Wood", [-3.0, -1.0, -3.0, -1.0], r, J, R, [0.0], x_min=[1.0, 1.0, 1.0, 1.0])


def kowalik_osborne():
    # r_i = y_i - x1 (u_i^2 + u_i x2) / (u_i^2 + u_i x3 + x4)
    y = np.array([0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235, 0.0246])
    u = np.array([4.0, 2.0, 1.0, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625])

    def parts(x):
        return u * u + u * x[1], u * u + u * x[2] + x[3]  # numerator N, denominator D

    def r(x):
        N, D = parts(x)
        return y - x[0] * N / D

    def J(x):
        N, D = parts(x)
        return _columns(11, -N / D, -x[0] * u / D, x[0] * N * u / D**2, x[0] * N / D**2)

    def R(x):
        N, D = parts(x)
        a = x[0]
        return _hessians(11, 4, {(0, 1): -u / D, (0, 2): N * u / D**2, (0, 3): N / D**2,
                                 (1, 2): a * u * u / D**2, (1, 3): a * u / D**2,
                                 (2, 2): -2 * a * N * u * u / D**3, (2, 3): -2 * a * N * u / D**3,
                                 (3, 3): -2 * a * N / D**3})

    # MGH also report 1.02734e-3 at (+inf, -14.07, -inf, -inf), reached only in the limit.
    return _problem("kowalik_osborne", 15, "Kowalik and Osborne", [0.25, 0.39, 0.415, 0.39], r, J, R,
                    [3.07505e-4])


def brown_dennis(m=20):
    # r_i = (x1 + t x2 - exp(t))^2 + (x3 + x4 sin t - cos t)^2,  t = i / 5
    t = np.arange(1.0, m + 1) / 5
    s, c = np.sin(t), np.cos(t)

    def r(x):
        return (x[0] + t * x[1] - np.exp(t)) ** 2 + (x[2] + x[3] * s - c) ** 2

    def J(x):
        a = x[0] + t * x[1] - np.exp(t)
        b = x[2] + x[3] * s - c
        return _columns(m, 2 * a, 2 * a * t, 2 * b, 2 * b * s)

    def R(x):
        return _hessians(m, 4, {(0, 0): 2.0, (0, 1): 2 * t, (1, 1): 2 * t * t,
                                (2, 2): 2.0, (2, 3): 2 * s, (3, 3): 2 * s * s})

    return _problem("brown_dennis", 16, "Brown and Dennis", [25.0, 5.0, -5.0, -1.0], r, J, R, [85822.2])


def osborne_1():
    # r_i = y_i - (x1 + x2 exp(-t x4) + x3 exp(-t x5)),  t = 10 (i - 1)
    y = np.array([0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818, 0.784, 0.751,
                  0.718, 0.685, 0.658, 0.628, 0.603, 0.580, 0.558, 0.538, 0.522, 0.506, 0.490,
                  0.478, 0.467, 0.457, 0.448, 0.438, 0.431, 0.424, 0.420, 0.414, 0.411, 0.406])
    t = 10.0 * np.arange(33)

    def r(x):
        return y - (x[0] + x[1] * np.exp(-t * x[3]) + x[2] * np.exp(-t * x[4]))

    def J(x):
        e4, e5 = np.exp(-t * x[3]), np.exp(-t * x[4])
        return _columns(33, -1.0, -e4, -e5, t * x[1] * e4, t * x[2] * e5)

    def R(x):
        e4, e5 = np.exp(-t * x[3]), np.exp(-t * x[4])
        return _hessians(33, 5, {(1, 3): t * e4, (3, 3): -t * t * x[1] * e4,
                                 (2, 4): t * e5, (4, 4): -t * t * x[2] * e5})

    return _problem("osborne_1", 17, "Osborne 1", [0.5, 1.5, -1.0, 0.01, 0.02], r, J, R, [5.46489e-5])


def biggs_exp6(m=13):
    # r_i = x3 exp(-t x1) - x4 exp(-t x2) + x6 exp(-t x5) - y_i,  t = 0.1 i,
    # y_i = exp(-t) - 5 exp(-10 t) + 3 exp(-4 t)
    t = 0.1 * np.arange(1.0, m + 1)
    y = np.exp(-t) - 5 * np.exp(-10 * t) + 3 * np.exp(-4 * t)

    def r(x):
        return x[2] * np.exp(-t * x[0]) - x[3] * np.exp(-t * x[1]) + x[5] * np.exp(-t * x[4]) - y

    def J(x):
        e1, e2, e5 = np.exp(-t * x[0]), np.exp(-t * x[1]), np.exp(-t * x[4])
        return _columns(m, -t * x[2] * e1, t * x[3] * e2, e1, -e2, -t * x[5] * e5, e5)

    def R(x):
        e1, e2, e5 = np.exp(-t * x[0]), np.exp(-t * x[1]), np.exp(-t * x[4])
        return _hessians(m, 6, {(0, 0): t * t * x[2] * e1, (0, 2): -t * e1,
                                (1, 1): -t * t * x[3] * e2, (1, 3): t * e2,
                                (4, 4): t * t * x[5] * e5, (4, 5): -t * e5})

    # 0 at (1, 10, 1, 5, 4, 3). MGH also report 5.65565e-3: that point is a saddle. x0 has x1 = x5 and
    # x3 = x6, f is symmetric under swapping those pairs, and Newton steps and quasi-Newton updates
    # from H = I keep the symmetry, so those methods converge on the symmetric subspace to it.
    return _problem("biggs_exp6", 18, "Biggs EXP6", [1.0, 2.0, 1.0, 1.0, 1.0, 1.0], r, J, R,
                    [0.0, 5.65565e-3], x_min=[1.0, 10.0, 1.0, 5.0, 4.0, 3.0])


def watson(n=6):
    # r_i = sum_{j=2}^n (j-1) x_j t^{j-2} - (sum_{j=1}^n x_j t^{j-1})^2 - 1,  t = i/29, i = 1..29;
    # r_30 = x1,  r_31 = x2 - x1^2 - 1
    t = np.arange(1.0, 30.0) / 29
    j = np.arange(n)
    P = t[:, None] ** j                                   # P[i, j] = t_i^j
    D = np.zeros((29, n))
    D[:, 1:] = j[1:] * t[:, None] ** (j[1:] - 1)          # d/dt of t^j = j t^(j-1)
    x_min = {6: 2.28767e-3, 9: 1.39976e-6, 12: 4.72238e-10}

    def r(x):
        S = P @ x
        return np.concatenate([D @ x - S * S - 1, [x[0], x[1] - x[0] ** 2 - 1]])

    def J(x):
        S = P @ x
        return np.vstack([D - 2 * S[:, None] * P, np.eye(1, n, 0), [-2 * x[0], 1] + [0] * (n - 2)])

    def R(x):
        H = np.zeros((31, n, n))
        H[:29] = -2 * P[:, :, None] * P[:, None, :]
        H[30, 0, 0] = -2.0
        return H

    if n not in x_min:
        raise ValueError(f"watson: n must be one of {sorted(x_min)} (the sizes MGH give a minimum for), got {n}.")
    return _problem("watson", 20, "Watson", np.zeros(n), r, J, R, [x_min[n]])


def extended_rosenbrock(n=2):
    r"""MGH 21 (MGH 1 when n = 2): :math:`f = \sum_{i} 100\,(x_{2i} - x_{2i-1}^2)^2 + (1 - x_{2i-1})^2`.

    Written out block by block (pairs ``a = x[0::2]``, ``b = x[1::2]``) so that n = 1000 is cheap.
    """
    n = _check_size("extended_rosenbrock", n, 2)

    def fun(x):
        a, b = x[0::2], x[1::2]
        return float(np.sum(100 * (b - a * a) ** 2 + (1 - a) ** 2))

    def grad(x):
        a, b = x[0::2], x[1::2]
        g = np.empty_like(x, dtype=float)
        g[0::2] = -400 * a * (b - a * a) - 2 * (1 - a)
        g[1::2] = 200 * (b - a * a)
        return g

    def hess(x):
        a, b = x[0::2], x[1::2]
        i = np.arange(0, n, 2)
        H = np.zeros((n, n))
        H[i, i] = 1200 * a * a - 400 * b + 2
        H[i, i + 1] = H[i + 1, i] = -400 * a
        H[i + 1, i + 1] = 200.0
        return H

    x0 = np.tile([-1.2, 1.0], n // 2)
    name = "rosenbrock" if n == 2 else f"extended_rosenbrock_{n}"
    title = "Rosenbrock" if n == 2 else f"Extended Rosenbrock, n = {n}"
    return Problem(name, 1 if n == 2 else 21, x0, fun, grad, hess, (0.0,), np.ones(n), title)


def extended_powell(n=4):
    r"""MGH 22 (MGH 13, Powell singular, when n = 4): over blocks of four,
    :math:`(x_1 + 10x_2)^2 + 5(x_3 - x_4)^2 + (x_2 - 2x_3)^4 + 10(x_1 - x_4)^4`.

    The Hessian is singular at the minimiser 0, so Newton-type methods converge only linearly there.
    """
    n = _check_size("extended_powell", n, 4)

    def blocks(x):
        return x[0::4], x[1::4], x[2::4], x[3::4]

    def fun(x):
        a, b, c, d = blocks(x)
        return float(np.sum((a + 10 * b) ** 2 + 5 * (c - d) ** 2 + (b - 2 * c) ** 4 + 10 * (a - d) ** 4))

    def grad(x):
        a, b, c, d = blocks(x)
        p, q = (b - 2 * c) ** 3, (a - d) ** 3
        g = np.empty_like(x, dtype=float)
        g[0::4] = 2 * (a + 10 * b) + 40 * q
        g[1::4] = 20 * (a + 10 * b) + 4 * p
        g[2::4] = 10 * (c - d) - 8 * p
        g[3::4] = -10 * (c - d) - 40 * q
        return g

    def hess(x):
        a, b, c, d = blocks(x)
        u, v = 12 * (b - 2 * c) ** 2, 120 * (a - d) ** 2
        i = np.arange(0, n, 4)
        H = np.zeros((n, n))
        entries = {(0, 0): 2 + v, (0, 1): 20.0, (0, 3): -v, (1, 1): 200 + u, (1, 2): -2 * u,
                   (2, 2): 10 + 4 * u, (2, 3): -10.0, (3, 3): 10 + v}
        for (j, k), value in entries.items():
            H[i + j, i + k] = H[i + k, i + j] = value
        return H

    x0 = np.tile([3.0, -1.0, 0.0, 1.0], n // 4)
    name = "powell_singular" if n == 4 else f"extended_powell_{n}"
    title = "Powell singular" if n == 4 else f"Extended Powell singular, n = {n}"
    return Problem(name, 13 if n == 4 else 22, x0, fun, grad, hess, (0.0,), np.zeros(n), title)


def penalty_1(n=4):
    # r_i = sqrt(1e-5) (x_i - 1), i = 1..n;  r_{n+1} = sum x_j^2 - 1/4
    a = np.sqrt(1e-5)
    minimum = {4: 2.24997e-5, 10: 7.08765e-5}

    def r(x):
        return np.append(a * (x - 1), x @ x - 0.25)

    def J(x):
        return np.vstack([a * np.eye(n), 2 * x])

    def R(x):
        H = np.zeros((n + 1, n, n))
        H[n] = 2 * np.eye(n)
        return H

    if n not in minimum:
        raise ValueError(f"penalty_1: n must be one of {sorted(minimum)}, got {n}.")
    return _problem("penalty_1", 23, "Penalty I", np.arange(1.0, n + 1), r, J, R, [minimum[n]])


def variably_dimensioned(n=10):
    # r_i = x_i - 1;  r_{n+1} = sum j (x_j - 1);  r_{n+2} = (sum j (x_j - 1))^2
    j = np.arange(1.0, n + 1)

    def r(x):
        s = j @ (x - 1)
        return np.concatenate([x - 1, [s, s * s]])

    def J(x):
        s = j @ (x - 1)
        return np.vstack([np.eye(n), j, 2 * s * j])

    def R(x):
        H = np.zeros((n + 2, n, n))
        H[n + 1] = 2 * np.outer(j, j)
        return H

    return _problem("variably_dimensioned", 25, "Variably dimensioned", 1 - j / n, r, J, R, [0.0], x_min=np.ones(n))


def trigonometric(n=10):
    # r_i = n - sum_j cos x_j + i (1 - cos x_i) - sin x_i
    i = np.arange(1.0, n + 1)

    def r(x):
        return n - np.cos(x).sum() + i * (1 - np.cos(x)) - np.sin(x)

    def J(x):
        return np.tile(np.sin(x), (n, 1)) + np.diag(i * np.sin(x) - np.cos(x))

    def R(x):
        H = np.zeros((n, n, n))
        H[:, np.arange(n), np.arange(n)] = np.cos(x)            # from -sum_j cos x_j
        H[np.arange(n), np.arange(n), np.arange(n)] += i * np.cos(x) + np.sin(x)
        return H

    # MGH give f = 0; from x0 = 1/n, n = 10, the usual result is the local minimum 2.79506e-5.
    return _problem("trigonometric", 26, "Trigonometric", np.full(n, 1.0 / n), r, J, R, [0.0, 2.79506e-5])


def _check_size(who, n, multiple):
    if not is_whole(n) or n < multiple or n % multiple:
        raise ValueError(f"{who}: n must be a positive multiple of {multiple}, got {n!r}.")
    return int(n)


# -- the set -------------------------------------------------------------------------------------

_SMALL = [lambda: extended_rosenbrock(2), freudenstein_roth, powell_badly_scaled, brown_badly_scaled,
          beale, jennrich_sampson, helical_valley, bard, gaussian, box_3d, lambda: extended_powell(4),
          wood, kowalik_osborne, brown_dennis, osborne_1, biggs_exp6, watson, penalty_1,
          variably_dimensioned, trigonometric]


def mgh_problems(large: bool = True) -> list[Problem]:
    """Every problem, in MGH's order; with ``large``, also extended Rosenbrock and extended Powell
    at n = 100 and 1000.

        >>> len(mgh_problems(large=False)), len(mgh_problems())
        (20, 24)
    """
    problems = [make() for make in _SMALL]
    if large:
        problems += [extended_rosenbrock(100), extended_rosenbrock(1000),
                     extended_powell(100), extended_powell(1000)]
    return problems


def get_problem(name: str) -> Problem:
    """The problem called ``name`` (see ``problem_names()``), e.g. ``get_problem("wood")``."""
    for problem in mgh_problems(large=False):
        if problem.name == name:
            return problem
    for prefix, make in (("extended_rosenbrock_", extended_rosenbrock), ("extended_powell_", extended_powell)):
        if isinstance(name, str) and name.startswith(prefix) and name[len(prefix):].isdigit():
            return make(int(name[len(prefix):]))
    raise ValueError(f"unknown problem {name!r}; known problems: {', '.join(problem_names())} "
                     f"(extended_rosenbrock_<n> and extended_powell_<n> take any even n / multiple of 4).")


def problem_names() -> list[str]:
    return [p.name for p in mgh_problems(large=False)] + ["extended_rosenbrock_100", "extended_rosenbrock_1000",
                                                          "extended_powell_100", "extended_powell_1000"]
