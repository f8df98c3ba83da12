"""Self-checks of lesson 10, beyond gradient methods.

Each check compares with optcourse (its Metropolis rule, soft thresholding, non-dominated sorting) on
random inputs, or checks a property (the Lagrange conditions hold at the point given); no answer is
written out here.
"""
import numpy as np
import sympy as sp

from optcourse.beyond.constrained import soft_threshold
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


check.add("sa-accept",
          satisfies(callable, "a function accept(delta, temperature, u)"),
          satisfies(_accepts_like_metropolis, "True/False as Metropolis's rule decides, for downhill and "
                                              "uphill moves at many temperatures"),
          hint="Downhill or flat moves (delta <= 0) are always accepted; an uphill move when u is below "
               "exp(-delta / temperature).")


# -- 2. Lagrange conditions ---------------------------------------------------------------------------

def _is_stationary_point(point) -> bool:
    if not isinstance(point, (tuple, list)) or len(point) != 3:
        return False
    if any(isinstance(p, float) or isinstance(p, sp.Float) for p in point):
        return False
    a, b, m = sp.symbols("a b m")
    lagrangian = a**2 + 3 * b**2 - m * (a + b - 4)
    where = dict(zip((a, b, m), point))
    return all(sp.simplify(sp.diff(lagrangian, s).subs(where)) == 0 for s in (a, b, m))


check.add("lagrange-point",
          satisfies(_is_stationary_point, "a tuple (x_star, y_star, lam_star) of exact SymPy numbers at which "
                                          "all three partial derivatives of the Lagrangian vanish"),
          hint="Differentiate L = f - lambda*(x + y - 4) by x, by y and by lambda, and pass the three "
               "equations to sp.solve with dict=True; read the values out of the solution dictionary.")


# -- 3. soft thresholding -----------------------------------------------------------------------------

_rng = np.random.default_rng(103)
check.add("soft-threshold",
          satisfies(callable, "a function shrink(v, t)"),
          function(inputs=[(_rng.normal(size=9) * 2, 0.7), (_rng.normal(size=(3, 4)), 0.0),
                           (_rng.normal(size=5), 1.3)],
                   reference=soft_threshold),
          hint="Shrink the magnitude |v| by t, never below zero, and give the result the sign of v.")


# -- 4. non-dominated points --------------------------------------------------------------------------

def _front_zero_mask(F):
    mask = np.zeros(len(F), dtype=bool)
    mask[non_dominated_sort(F)[0]] = True
    return mask


def _marks_front_zero(candidate) -> bool:
    rng = np.random.default_rng(104)
    for n, k in ((25, 2), (12, 3), (1, 2)):
        F = rng.integers(0, 5, size=(n, k)).astype(float)             # ties and duplicates on purpose
        got = np.asarray(candidate(F.copy()))
        if got.shape != (n,) or got.dtype != bool or not np.array_equal(got, _front_zero_mask(F)):
            return False
    return True


check.add("pareto-mask",
          satisfies(callable, "a function pareto_mask(F)"),
          satisfies(_marks_front_zero, "a boolean array of shape (n,), True exactly for the rows no other row "
                                       "dominates (with ties and duplicate rows)"),
          hint="Row j is dominated when some row i is <= it in every column and < in at least one; "
               "broadcasting F[:, None, :] against F[None, :, :] compares all pairs at once.")
