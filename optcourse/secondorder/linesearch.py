r"""Line searches: how far to go along a descent direction.

Given the current point :math:`x`, a descent direction :math:`p` (:math:`\nabla f(x)^\top p < 0`) and
the one-dimensional function

.. math:: \phi(\alpha) = f(x + \alpha p), \qquad \phi'(\alpha) = \nabla f(x + \alpha p)^\top p,

a line search picks a step length :math:`\alpha > 0`. The conditions it aims for (Nocedal and Wright,
*Numerical Optimization*, 2nd ed., section 3.1; below N&W) are

.. math::
    \phi(\alpha) &\le \phi(0) + c_1 \alpha \phi'(0)
        &&\text{sufficient decrease, or Armijo (N\&W 3.4)} \\
    |\phi'(\alpha)| &\le c_2 |\phi'(0)|
        &&\text{strong curvature condition (N\&W 3.7b)}

with :math:`0 < c_1 < c_2 < 1`. Together they are the *strong Wolfe conditions*.

* :func:`armijo_backtracking` (N&W Algorithm 3.1) asks only for sufficient decrease: start from
  :math:`\alpha_0` and multiply by :math:`\rho` until it holds.
* :func:`wolfe_line_search` (N&W Algorithms 3.5 and 3.6) finds a point satisfying both: it first
  brackets an interval that must contain one, then zooms in by cubic interpolation
  (:func:`cubic_minimizer`, :func:`quadratic_minimizer`).
* :func:`exact_line_search` minimises :math:`\phi` exactly when f is a quadratic
  :math:`\tfrac12 x^\top A x - b^\top x`: :math:`\alpha = -g^\top p / p^\top A p`.

Every search returns a :class:`LineSearchResult` with the step, f (and for Wolfe the gradient) at
the new point and the number of evaluations it made::

    >>> import numpy as np
    >>> f = lambda x: float(x @ x)
    >>> grad = lambda x: 2 * x
    >>> x, p = np.array([1.0, 2.0]), np.array([-1.0, -2.0])
    >>> wolfe_line_search(f, grad, x, p).alpha          # the exact minimiser along p
    1.0
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Differences in f smaller than ROUNDING * |f(x)| are treated as rounding error: there the slope,
# which is still accurate, decides (Hager and Zhang's approximate Wolfe conditions, 2005; see _Tests).
ROUNDING = 1e-10
ALPHA_MAX = 1e10  # the longest step the Wolfe search tries; reaching it suggests f is unbounded below


@dataclass
class LineSearchResult:
    """What a line search found.

    alpha   -- the step length; 0.0 when no step with sufficient decrease was found
    fun     -- f(x + alpha p)
    jac     -- the gradient at x + alpha p if the search evaluated it there, else None
    nfev, njev -- how many times the search called f and the gradient
    success -- whether the conditions the search aims for hold at alpha
    message -- what happened, in words
    """

    alpha: float
    fun: float
    jac: np.ndarray | None
    nfev: int
    njev: int
    success: bool
    message: str


# -- interpolation: where the minimum of a model of phi lies ------------------------------------

def quadratic_minimizer(a: float, fa: float, dfa: float, b: float, fb: float) -> float:
    r"""Minimiser of the quadratic q with q(a) = fa, q'(a) = dfa, q(b) = fb (N&W eq. 3.57 for a = 0).

    .. math:: \alpha = a - \frac{f'_a\,(b - a)^2}{2\,(f_b - f_a - f'_a (b - a))}

    Returns NaN if the quadratic has no minimum (it curves down or is a line).

        >>> quadratic_minimizer(0.0, 1.0, -2.0, 2.0, 1.0)   # q = (α - 1)², minimum at 1
        1.0
    """
    d = b - a
    curvature = fb - fa - dfa * d  # = q''/2 · d²
    if not curvature > 0:
        return math.nan
    return a - dfa * d * d / (2 * curvature)


def cubic_minimizer(a: float, fa: float, dfa: float, b: float, fb: float, dfb: float) -> float:
    r"""Local minimiser of the cubic that matches f and f' at a and b (N&W eq. 3.59).

    .. math::
        d_1 &= f'_a + f'_b - 3\,\frac{f_a - f_b}{a - b}, \qquad
        d_2 = \operatorname{sign}(b - a)\sqrt{d_1^2 - f'_a f'_b} \\
        \alpha &= b - (b - a)\,\frac{f'_b + d_2 - d_1}{f'_b - f'_a + 2 d_2}

    The result may lie outside [a, b] (that is how extrapolation uses it). Returns NaN if the cubic
    has no local minimum.

        >>> cubic_minimizer(0.0, 0.0, -3.0, 2.0, 2.0, 9.0)   # α³ - 3α, minimum at 1
        1.0
    """
    d1 = dfa + dfb - 3 * (fa - fb) / (a - b)
    radicand = d1 * d1 - dfa * dfb
    if not radicand >= 0:
        return math.nan
    d2 = math.copysign(math.sqrt(radicand), b - a)
    denominator = dfb - dfa + 2 * d2
    if denominator == 0:
        return math.nan
    return b - (b - a) * (dfb + d2 - d1) / denominator


# -- Armijo backtracking --------------------------------------------------------------------------

def sufficient_decrease(value, alpha, phi0, dphi0, c1):
    r"""The Armijo condition (N&W 3.4), :math:`\phi(\alpha) \le \phi(0) + c_1 \alpha \phi'(0)`: the step
    gains at least the fraction :math:`c_1` of what the tangent promises. False for NaN, so a step
    into NaN counts as too long. Works on numbers and, elementwise, on arrays of steps."""
    return value <= phi0 + c1 * alpha * dphi0


def curvature_condition(slope, dphi0, c2, strong: bool = False):
    r"""The curvature condition: :math:`\phi'(\alpha) \ge c_2 \phi'(0)` (Wolfe, N&W 3.6b), the slope has
    flattened enough; with ``strong``, :math:`|\phi'(\alpha)| \le c_2 |\phi'(0)|` (N&W 3.7b), which also
    refuses steps far past the minimum along the line. Works elementwise on arrays."""
    return np.abs(slope) <= c2 * np.abs(dphi0) if strong else slope >= c2 * dphi0


def armijo_backtracking(fun, x, p, f0=None, g0=None, alpha0=1.0, c1=1e-4, rho=0.5, maxiter=60):
    r"""Backtracking line search for sufficient decrease (N&W Algorithm 3.1).

    .. math::
        \alpha \leftarrow \alpha_0; \quad
        \text{while } f(x + \alpha p) > f(x) + c_1 \alpha \nabla f(x)^\top p:\
        \alpha \leftarrow \rho\,\alpha

    ``f0`` and ``g0`` are f and its gradient at x (g0 is required: the test needs the slope
    :math:`\nabla f(x)^\top p`; f0 is evaluated if not given). A NaN or infinite f counts as "too
    long" and the step shrinks. Returns a :class:`LineSearchResult` (``jac`` is None: backtracking
    never evaluates the gradient).

        >>> import numpy as np
        >>> f = lambda x: float(x @ x)
        >>> armijo_backtracking(f, np.array([1.0]), np.array([-4.0]), g0=np.array([2.0])).alpha
        0.25
    """
    c1, rho, alpha0 = _check_c1(c1), _check_fraction("rho", rho), _check_step("alpha0", alpha0)
    x, p, slope = _check_direction(x, p, g0)
    nfev = 0
    if f0 is None:
        f0, nfev = fun(x), 1
    alpha = alpha0
    for _ in range(maxiter):
        trial = x + alpha * p
        if np.array_equal(trial, x):
            break  # the step no longer moves x: rounding error hides any decrease
        f_new = fun(trial)
        nfev += 1
        if sufficient_decrease(f_new, alpha, f0, slope, c1):  # False for NaN: NaN shrinks the step too
            return LineSearchResult(alpha, f_new, None, nfev, 0, True,
                                    "the sufficient decrease (Armijo) condition holds")
        alpha *= rho
    return LineSearchResult(0.0, f0, None, nfev, 0, False,
                            f"no step gave sufficient decrease (the smallest tried was {alpha / rho:.3g}); "
                            f"near a minimiser this is usually rounding error in f")


# -- strong Wolfe: bracketing (Algorithm 3.5) and zoom (Algorithm 3.6) ---------------------------

def wolfe_line_search(fun, jac, x, p, f0=None, g0=None, alpha0=1.0, c1=1e-4, c2=0.9,
                      alpha_max=ALPHA_MAX, maxiter=40):
    r"""A step satisfying the strong Wolfe conditions (N&W Algorithms 3.5 and 3.6).

    Phase 1 (bracketing) tries :math:`\alpha_1 = \alpha_0 < \alpha_2 < \dots` until the interval
    between two trials must contain an acceptable step: when :math:`\alpha_i` violates sufficient
    decrease, or is no better than :math:`\alpha_{i-1}`, or has :math:`\phi'(\alpha_i) \ge 0`.
    Phase 2 (zoom) shrinks that interval :math:`[\alpha_{lo}, \alpha_{hi}]`, keeping
    :math:`\alpha_{lo}` the best point with sufficient decrease and
    :math:`\phi'(\alpha_{lo})(\alpha_{hi} - \alpha_{lo}) < 0`. Each trial is the minimiser of the
    cubic that matches :math:`\phi` and :math:`\phi'` at both ends (:func:`cubic_minimizer`), kept
    away from the ends of the interval.

    f and its gradient are evaluated together at every trial point, as MINPACK's ``dcsrch`` (which
    SciPy uses) does, so that every interpolation can use both. A trial where either is NaN or
    infinite counts as a step that went too far.

    Arguments: ``fun`` and ``jac`` are f and its gradient, ``x`` the current point and ``p`` a
    descent direction; ``f0``, ``g0`` are f and the gradient at x if already known (else they are
    evaluated, and counted). ``c1 < c2``;
    N&W suggest c2 = 0.9 for Newton and quasi-Newton methods and 0.1 for nonlinear conjugate gradient.

    Returns a :class:`LineSearchResult` whose ``jac`` is the gradient at the step (computed during
    the search, so the caller need not evaluate it again). If the search runs out of trials, the
    result has ``success=False`` and the best step found that lowers f (or 0.0 if there is none).

        >>> import numpy as np
        >>> f = lambda x: float(np.sum(x**4))
        >>> g = lambda x: 4 * x**3
        >>> r = wolfe_line_search(f, g, np.array([1.0]), np.array([-1.0]), c2=0.1)
        >>> r.success, bool(abs(g(np.array([1.0 - r.alpha]))[0]) <= 0.1 * 4)
        (True, True)
    """
    c1 = _check_c1(c1)
    c2 = float(c2)
    if not c1 < c2 < 1:
        raise ValueError(f"the Wolfe conditions need 0 < c1 < c2 < 1; got c1={c1!r}, c2={c2!r}.")
    alpha0 = _check_step("alpha0", alpha0)
    counts = {"f": 0, "g": 0}
    if g0 is None:
        counts["g"] += 1
        g0 = jac(np.asarray(x, dtype=float))
    x, p, slope = _check_direction(x, p, g0)
    gradients = {}  # alpha -> gradient at x + alpha p, so the caller gets it for free

    def phi(alpha):
        """(phi(alpha), phi'(alpha)); NaN for both if either is not finite."""
        point = x + alpha * p
        counts["f"] += 1
        value = fun(point)
        if not math.isfinite(value):
            return math.nan, math.nan
        counts["g"] += 1
        gradients[alpha] = g = jac(point)
        derivative = float(g @ p)
        return (value, derivative) if math.isfinite(derivative) else (math.nan, math.nan)

    if f0 is None:
        counts["f"] += 1
        f0 = fun(x)
    alpha, f_alpha, message, success = strong_wolfe_search(phi, f0, slope, min(alpha0, alpha_max),
                                                           c1, c2, alpha_max, maxiter)
    return LineSearchResult(alpha, f_alpha, gradients.get(alpha) if alpha > 0 else None,
                            counts["f"], counts["g"], success, message)


def strong_wolfe_search(phi, phi0, dphi0, alpha1=1.0, c1=1e-4, c2=0.9, alpha_max=ALPHA_MAX, maxiter=40):
    r"""N&W Algorithm 3.5 on a scalar function: returns ``(alpha, phi(alpha), message, success)``.

    ``phi(alpha)`` returns the pair :math:`(\phi(\alpha), \phi'(\alpha))`; ``phi0`` and
    ``dphi0 < 0`` are their values at 0. :func:`wolfe_line_search` is this with
    :math:`\phi(\alpha) = f(x + \alpha p)`.
    """
    tests = _Tests(phi0, dphi0, c1, c2)
    alpha_min = 1e-12 * alpha1  # the zoom gives up on intervals this far below the first trial
    previous = (0.0, phi0, dphi0)  # (alpha, phi, phi') of the previous trial
    alpha = alpha1
    for i in range(maxiter):
        trial = (alpha, *phi(alpha))
        if not tests.decreases(trial) or (i > 0 and tests.worse(trial, previous)):
            return _zoom(phi, tests, previous, trial, maxiter, alpha_min)  # (NaN lands here too)
        if tests.curvature(trial):
            return alpha, trial[1], "the strong Wolfe conditions hold", True
        if trial[2] >= 0:  # the slope turned up: a minimiser lies behind alpha
            return _zoom(phi, tests, trial, previous, maxiter, alpha_min)
        if alpha >= alpha_max:
            return alpha, trial[1], (f"reached alpha_max = {alpha_max:g} with f still decreasing along p: "
                                     f"is f bounded below?"), False
        # Still going down steeply: extrapolate to the minimum of the model through both trials, at
        # most 4 steps further. The first time, trust the model (at least 0.1 step further); after
        # that, grow the step by at least 1.1 each time (Moré and Thuente's rule), so that a model
        # that keeps predicting "just a little further" cannot stall the search.
        step = alpha - previous[0]
        guess = tests.minimizer(previous, trial)
        low, high = alpha + (0.1 if i == 0 else 1.1) * step, alpha + 4 * step
        previous = trial
        alpha = min(max(guess, low), high, alpha_max) if guess > alpha else min(high, alpha_max)
    if previous[1] < phi0:
        return previous[0], previous[1], f"no acceptable step in {maxiter} extrapolations", False
    return 0.0, phi0, f"no acceptable step in {maxiter} extrapolations", False


class _Tests:
    r"""The tests the Wolfe search applies to a trial ``(alpha, phi(alpha), phi'(alpha))``.

    Near a minimiser where f is large (say f = 1e5 at the minimum), the decrease a step can still
    make soon drops below the rounding error of f, while the slope is still accurate. So, following
    Hager and Zhang's approximate Wolfe conditions (2005), differences in f smaller than
    ``ROUNDING * |phi(0)|`` are not trusted: within that band, sufficient decrease is judged by the
    slope, :math:`\phi'(\alpha) \le (1 - 2c_1)|\phi'(0)|` (on a quadratic this says the same as
    Armijo: :math:`\alpha \le 2(1 - c_1)\alpha^*`), and no trial counts as worse than another.
    """

    def __init__(self, phi0, dphi0, c1, c2):
        self.phi0, self.dphi0, self.c1, self.c2 = phi0, dphi0, c1, c2
        self.noise = ROUNDING * abs(phi0)

    def decreases(self, trial):
        alpha, value, slope = trial
        if sufficient_decrease(value, alpha, self.phi0, self.dphi0, self.c1):
            return True
        return value <= self.phi0 + self.noise and slope <= (1 - 2 * self.c1) * -self.dphi0

    def curvature(self, trial):
        return bool(curvature_condition(trial[2], self.dphi0, self.c2, strong=True))

    def worse(self, trial, other):
        return trial[1] > other[1] + self.noise

    def minimizer(self, a, b):
        """Where the model through trials a and b has its minimum: the cubic matching phi and phi' at
        both (N&W 3.59) or, when their f values differ by no more than rounding error, the zero of
        the straight line through their slopes (the secant step; it uses phi' only)."""
        if abs(a[1] - b[1]) > self.noise:
            return cubic_minimizer(*a, *b)
        if b[2] == a[2]:
            return math.nan
        return a[0] - a[2] * (b[0] - a[0]) / (b[2] - a[2])


def _zoom(phi, tests, lo, hi, maxiter, alpha_min):
    """N&W Algorithm 3.6. ``lo`` and ``hi`` are (alpha, phi, phi'); lo satisfies sufficient decrease,
    has the lowest phi so far and a slope pointing towards hi."""
    for _ in range(maxiter):
        (a_lo, f_lo, d_lo), (a_hi, f_hi, d_hi) = lo, hi
        width = a_hi - a_lo
        if abs(width) <= 1e-14 * max(a_lo, a_hi) or max(a_lo, a_hi) <= alpha_min:
            break
        # The minimiser of the cubic matching phi and phi' at both ends. When alpha_hi overshot
        # (f went up), the quadratic through phi(lo), phi'(lo), phi(hi) is the more cautious guess;
        # if it lies nearer lo, go halfway between the two (Moré and Thuente 1994).
        alpha = tests.minimizer(lo, hi)
        if f_hi > f_lo + tests.noise:
            quadratic = quadratic_minimizer(a_lo, f_lo, d_lo, a_hi, f_hi)
            if abs(quadratic - a_lo) < abs(alpha - a_lo):
                alpha = (alpha + quadratic) / 2
        # Stay at least 10% of the interval away from either end; with no model (f was NaN or
        # infinite at alpha_hi, or the cubic has no minimum), bisect.
        if math.isfinite(alpha):
            near, far = sorted((a_lo + 0.1 * width, a_hi - 0.1 * width))
            alpha = min(max(alpha, near), far)
        else:
            alpha = a_lo + 0.5 * width
        trial = (alpha, *phi(alpha))
        if not tests.decreases(trial) or tests.worse(trial, lo):
            hi = trial
            continue
        if tests.curvature(trial):
            return alpha, trial[1], "the strong Wolfe conditions hold", True
        if trial[2] * width >= 0:
            hi = lo
        lo = trial
    a_lo, f_lo, _ = lo
    if a_lo > 0 and f_lo < tests.phi0:
        return a_lo, f_lo, ("the zoom ran out of trials; returning the best step found, which "
                            "decreases f but does not satisfy the curvature condition"), False
    return 0.0, tests.phi0, ("no trial step along p decreased f enough (sufficient decrease failed at "
                             "every trial): close to a minimiser this is rounding error in f; elsewhere, "
                             "check that the gradient matches f"), False


# -- exact line search on a quadratic -------------------------------------------------------------

def exact_line_search(A, g, p) -> float:
    r"""The exact minimiser of :math:`\phi(\alpha) = f(x + \alpha p)` for a quadratic f with Hessian A.

    With :math:`f(x) = \tfrac12 x^\top A x - b^\top x` and :math:`g = \nabla f(x) = Ax - b`,
    :math:`\phi'(\alpha) = g^\top p + \alpha\, p^\top A p = 0` gives (N&W eq. 3.26 for p = -g)

    .. math:: \alpha^* = -\frac{g^\top p}{p^\top A p}.

        >>> import numpy as np
        >>> A = np.diag([1.0, 10.0]); x = np.array([1.0, 1.0]); g = A @ x
        >>> round(exact_line_search(A, g, -g), 6)        # (1 + 100) / (1 + 1000)
        0.100899
    """
    A, g, p = np.asarray(A, dtype=float), np.asarray(g, dtype=float), np.asarray(p, dtype=float)
    if A.shape != (g.size, g.size) or p.shape != g.shape:
        raise ValueError(f"exact_line_search: A must be (n, n) with g and p of length n; got A {A.shape}, "
                         f"g {g.shape}, p {p.shape}.")
    curvature = float(p @ A @ p)
    slope = float(g @ p)
    if not curvature > 0:
        raise ValueError(f"exact_line_search: p'Ap = {curvature:.3g} <= 0, so f has no minimum along p. "
                         f"The exact step exists only when A is positive definite (a convex quadratic).")
    if not slope < 0:
        raise ValueError(f"exact_line_search: g'p = {slope:.3g} >= 0, so p is not a descent direction.")
    return -slope / curvature


# -- checks ---------------------------------------------------------------------------------------

def _check_direction(x, p, g0):
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)
    if g0 is None:
        raise ValueError("the line search needs g0, the gradient at x, to know the slope g0'p; pass g0=grad(x).")
    g0 = np.asarray(g0, dtype=float)
    if not x.shape == p.shape == g0.shape:
        raise ValueError(f"x, p and g0 must have the same shape; got {x.shape}, {p.shape}, {g0.shape}.")
    slope = float(g0 @ p)
    if not slope < 0:
        raise ValueError(f"p is not a descent direction: g0'p = {slope:.3g} must be < 0. "
                         f"Use p = -g0 or a direction that makes an acute angle with -g0.")
    return x, p, slope


def _check_c1(c1):
    c1 = float(c1)
    if not 0 < c1 < 1:
        raise ValueError(f"c1 must lie in (0, 1); 1e-4 is usual. Got {c1!r}.")
    return c1


def _check_fraction(name, value):
    value = float(value)
    if not 0 < value < 1:
        raise ValueError(f"{name} must lie in (0, 1), got {value!r}.")
    return value


def _check_step(name, value):
    value = float(value)
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"{name} must be a finite step length > 0, got {value!r}.")
    return value


def check_line_data(alphas, values, slopes, phi0, dphi0, c1, c2):
    alphas, values, slopes = (np.asarray(a, dtype=float) for a in (alphas, values, slopes))
    if alphas.ndim != 1 or values.shape != alphas.shape or slopes.shape != alphas.shape:
        raise ValueError(f"alphas, values and slopes must be 1-D arrays of the same length, got shapes "
                         f"{alphas.shape}, {values.shape}, {slopes.shape}.")
    phi0, dphi0, c1, c2 = float(phi0), float(dphi0), float(c1), float(c2)
    if not (math.isfinite(phi0) and dphi0 < 0):
        raise ValueError(f"phi0 must be finite and dphi0 = phi'(0) < 0 (p a descent direction); got "
                         f"phi0 = {phi0!r}, dphi0 = {dphi0!r}.")
    if not 0 < c1 < c2 < 1:
        raise ValueError(f"the conditions need 0 < c1 < c2 < 1 (usually c1 = 1e-4, c2 = 0.9); got "
                         f"c1 = {c1!r}, c2 = {c2!r}.")
    return alphas, values, slopes, phi0, dphi0, c1, c2


def acceptable_steps(alphas, values, slopes, phi0, dphi0, c1=1e-4, c2=0.9) -> dict:
    r"""Where the step-length conditions hold, on a grid of steps.

    ``values`` and ``slopes`` are :math:`\phi(\alpha)` and :math:`\phi'(\alpha)` at each of ``alphas``;
    ``phi0`` and ``dphi0 < 0`` are :math:`\phi(0)` and :math:`\phi'(0)`. Returns boolean arrays under
    the keys ``"armijo"``, ``"wolfe"`` and ``"strong wolfe"`` (N&W 3.4, 3.6, 3.7).

        >>> import numpy as np
        >>> a = np.array([0.5, 1.0, 1.9, 2.5])                  # phi = (alpha - 1)**2 - 1
        >>> masks = acceptable_steps(a, (a - 1)**2 - 1, 2 * (a - 1), 0.0, -2.0, c1=0.1, c2=0.5)
        >>> [m.tolist() for m in masks.values()]
        [[True, True, False, False], [True, True, False, False], [True, True, False, False]]
    """
    alphas, values, slopes, phi0, dphi0, c1, c2 = check_line_data(alphas, values, slopes, phi0, dphi0, c1, c2)
    armijo = sufficient_decrease(values, alphas, phi0, dphi0, c1)
    return {"armijo": armijo,
            "wolfe": armijo & curvature_condition(slopes, dphi0, c2),
            "strong wolfe": armijo & curvature_condition(slopes, dphi0, c2, strong=True)}


def step_intervals(alphas, mask) -> list:
    """The runs of True in ``mask`` as ``(first alpha, last alpha)`` pairs, in order.

        >>> step_intervals([0.0, 0.1, 0.2, 0.3, 0.4], [False, True, True, False, True])
        [(0.1, 0.2), (0.4, 0.4)]
    """
    alphas, mask = np.asarray(alphas, dtype=float), np.asarray(mask, dtype=bool)
    if alphas.shape != mask.shape or alphas.ndim != 1:
        raise ValueError(f"alphas and mask must be 1-D of the same length, got {alphas.shape} and {mask.shape}.")
    padded = np.concatenate([[False], mask, [False]]).astype(int)
    starts = np.flatnonzero(np.diff(padded) == 1)
    ends = np.flatnonzero(np.diff(padded) == -1) - 1
    return [(float(alphas[i]), float(alphas[j])) for i, j in zip(starts, ends)]
