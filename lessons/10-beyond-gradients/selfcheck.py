"""Self-checks of lesson 10, beyond gradient methods.

Each check compares with optcourse (its Metropolis rule, non-dominated sorting) on the inputs shown in
its message, or checks a property (the Lagrange conditions hold, as identities in a and c, at the point
given; each coordinate of the prox minimises its one-dimensional problem, checked by SciPy); no
answer is written out here.
"""
import numpy as np
import sympy as sp

from scipy.optimize import minimize_scalar

from optcourse.course.checks import SelfChecks, function, satisfies
from optcourse.beyond.heuristics import metropolis_accept
from optcourse.beyond.multiobjective import non_dominated_sort

check = SelfChecks()


# -- 1. Metropolis acceptance --------------------------------------------------------------------------

def _accepts_like_metropolis(rule) -> bool:
    rng = np.random.default_rng(101)
    for _ in range(200):
        delta, temp, u = rng.normal() * 3, 10.0 ** rng.uniform(-2, 1), rng.random()
        if bool(rule(delta, temp, u)) != metropolis_accept(delta, temp, u):
            return False
    return True


def _accepts_flat_moves(rule) -> bool:
    return bool(rule(0.0, 0.5, 0.999)) and bool(rule(-1e-12, 1e-3, 0.999))


check.add("sa-accept",
          satisfies(callable, "a function accept(delta, temperature, u)"),
          satisfies(_accepts_flat_moves, "True for a move that does not go uphill (delta = 0 included), "
                                         "whatever u is"),
          satisfies(_accepts_like_metropolis, "True/False as Metropolis's rule decides, for downhill and "
                                              "uphill moves at many temperatures"),
          hint="Downhill or flat moves (delta <= 0) are always accepted; an uphill move when u is below "
               "exp(-delta / temperature).")


# -- 2. Lagrange conditions ---------------------------------------------------------------------------

_A, _C = sp.symbols("a c", positive=True)


def _three_exact_expressions(point) -> bool:
    return (isinstance(point, (tuple, list)) and len(point) == 3
            and all(isinstance(sp.sympify(p), sp.Basic) and not sp.sympify(p).atoms(sp.Float) for p in point))


def _condition(index):
    def holds(point) -> bool:
        px, py, pl = (sp.sympify(p) for p in point)
        return sp.simplify([px + py - _C, 2 * px - pl, 2 * _A * py - pl][index]) == 0
    return holds


check.add("lagrange-point",
          satisfies(_three_exact_expressions, "a tuple (x_star, y_star, lam_star) of three exact SymPy "
                                              "expressions (no floats)"),
          satisfies(_condition(0), "a point on the constraint x + y = c, for every a and c"),
          satisfies(_condition(1), "dL/dx = 0 with L = f - lambda (x + y - c), for every a and c"),
          satisfies(_condition(2), "dL/dy = 0 with L = f - lambda (x + y - c), for every a and c"),
          answer="lagrange_point",
          hint="Write the three partial derivatives of L with a and c as symbols, not numbers, and solve "
               "them; the sign of lambda follows the convention L = f - lambda g.")


# -- 3. soft thresholding -----------------------------------------------------------------------------

def _prox_by_scipy(v, t, l1, l2):
    # each coordinate's one-dimensional problem, minimised numerically
    def one(vi):
        h = lambda u: 0.5 * (u - vi) ** 2 + t * (l1 * abs(u) + 0.5 * l2 * u * u)
        return minimize_scalar(h, bounds=(-abs(vi) - 1, abs(vi) + 1), method="bounded",
                               options={"xatol": 1e-12}).x
    return np.vectorize(one)(np.asarray(v, dtype=float))


_rng = np.random.default_rng(103)
check.add("soft-threshold",
          satisfies(callable, "a function prox_elastic_net(v, t, l1, l2)"),
          function(inputs=[(np.array([3.0, -3.0, 0.4, -0.4, 1.2]), 1.0, 1.0, 0.0)],
                   reference=_prox_by_scipy, atol=1e-7, rtol=1e-6),
          function(inputs=[(_rng.normal(size=(3, 4)) * 3, 0.5, 0.0, 2.0)],
                   reference=_prox_by_scipy, atol=1e-7, rtol=1e-6),
          function(inputs=[(_rng.normal(size=7) * 3, 0.8, 1.5, 1.0), (np.array([[2.5, -0.1]]), 2.0, 0.5, 3.0)],
                   reference=_prox_by_scipy, atol=1e-7, rtol=1e-6),
          hint="For u > 0 the derivative of the one-coordinate problem is linear in u; solve it, and find "
               "for which v that solution really is positive. The ridge term changes both.")


# -- 4. non-dominated points --------------------------------------------------------------------------

def _front_zero_mask(F):
    mask = np.zeros(len(F), dtype=bool)
    mask[non_dominated_sort(F)[0]] = True
    return mask


def _boolean_mask(candidate) -> bool:
    return np.asarray(candidate(np.array([[1.0, 2.0], [2.0, 1.0], [2.0, 2.0]]))).dtype == bool


_rng4 = np.random.default_rng(104)
check.add("pareto-mask",
          satisfies(callable, "a function pareto_mask(F)"),
          satisfies(_boolean_mask, "a boolean array (dtype bool), one entry per row"),
          function(inputs=[(np.array([[1.0, 4.0], [2.0, 2.0], [3.0, 3.0], [4.0, 1.0]]),),
                           (np.array([[1.0, 1.0], [1.0, 1.0], [2.0, 1.0]]),),                 # equal rows
                           (np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 2.0], [0.0, 5.0, 5.0]]),)],  # 3 objectives
                   reference=_front_zero_mask),
          function(inputs=[(_rng4.integers(0, 4, size=(12, 2)).astype(float),)], reference=_front_zero_mask),
          hint="Dominance needs both parts: no worse in every objective AND strictly better in one. "
               "Equal rows pass the first test but not the second.")
