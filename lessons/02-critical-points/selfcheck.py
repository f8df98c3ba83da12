"""Self-checks of lesson 02 (critical points, Taylor expansion and the Hessian).

Every reference is computed by optcourse or SymPy, or is a property the answer must have; no answer
is written out here.
"""
import numbers

import numpy as np
import sympy as sp

from optcourse.course.checks import Mismatch, SelfChecks, describe, function, own_work, satisfies, value
from optcourse.landscapes.critical import KINDS, classify_critical_point, escape_saddle, fraction_positive_definite
from optcourse.landscapes.derivatives import sympy_functions, taylor_polynomial

check = SelfChecks()

_x, _y, _z = sp.symbols("x y z")


# -- exercise 1: the second-order Taylor polynomial ------------------------------------------------

_TAYLOR_CASES = [(sp.cos(_x) * sp.exp(_y) + _x * _y**2, [_x, _y], [1, 0]),
                 (_x**3, [_x], [2]),                                          # one variable
                 (_x * _y * _z + sp.sin(_z) * _y, [_x, _y, _z], [1, -1, 0])]    # three variables


def _taylor_matches_optcourse(taylor2) -> None:
    """On functions of one, two and three variables, the answer equals optcourse's Taylor polynomial."""
    expected = "a function whose result equals the second-order Taylor polynomial about the point"
    for expr, variables, point in _TAYLOR_CASES:
        shown = f"for {expr} about {point}"
        got = taylor2(expr, variables, point)
        if not isinstance(got, sp.Expr):
            raise Mismatch("a SymPy expression", f"{shown} it returned {describe(got)}")
        if sp.simplify(got - taylor_polynomial(expr, variables, point, order=2)) != 0:
            raise Mismatch(expected, f"{shown} it returned {got}, which differs")


check.add("taylor2",
          satisfies(callable, "a function taylor2(expr, variables, point)"),
          satisfies(lambda t: isinstance(t(_x**2 * _y, [_x, _y], [1, 2]), sp.Expr),
                    "a function that returns a SymPy expression"),
          _taylor_matches_optcourse,
          own_work(taylor_polynomial, inputs=_TAYLOR_CASES[:1]),
          hint="The boxed formula needs three things evaluated at the point (the value, the gradient, the "
               "Hessian) and the displacement d from the point, one entry per variable, however many "
               "variables there are.")


# -- exercise 2: classify a critical point from its Hessian ----------------------------------------

def _rotated(eigenvalues, seed):
    """A symmetric matrix with these eigenvalues and random eigenvectors (not along the axes)."""
    q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(len(eigenvalues), len(eigenvalues))))
    return q @ np.diag(eigenvalues) @ q.T


_MATRICES = [(np.diag([3.0, 0.5]),), (np.diag([-1.0, -4.0]),), (np.array([[1.0, 2.0], [2.0, 1.0]]),),
             (np.diag([2.0, 0.0]),),
             (_rotated([2.0, 0.5, 1.0], 1),), (_rotated([2.0, -3.0, 0.0], 2),), (_rotated([-1.0, -2.0, -0.5, -4.0], 3),),
             (_rotated([1.0, 0.0, 0.0, 2.0], 4),),
             (np.diag([2e5, 3e-5]),),                       # 3e-5 is zero next to 2e5 (relative tolerance)
             (np.diag([-1.0, -2e-7]), 1e-6)]                # the tol argument is used

check.add("classify",
          satisfies(callable, "a function classify(H, tol=1e-8)"),
          function(inputs=_MATRICES, reference=classify_critical_point),
          own_work(classify_critical_point, inputs=_MATRICES[:2]),
          hint="The signs of the eigenvalues decide, for a matrix of any size; an eigenvalue counts as zero "
               "when it is small next to the largest one (the rule in the exercise); both signs present "
               "make a saddle, whatever else there is.")


# -- exercise 3: the critical points of x^3 - 3x + y^3 - 3y -----------------------------------------

def _reference_kinds():
    fns = sympy_functions(_x**3 - 3 * _x + _y**3 - 3 * _y, [_x, _y])
    return [classify_critical_point(fns.hessian(np.array(p, dtype=float))) for p in
            [(1, 1), (1, -1), (-1, 1), (-1, -1)]]


# The message does not say which label is wrong: that would let four labels be found by trial.
check.add("kinds",
          satisfies(lambda k: isinstance(k, (list, tuple)) and len(k) == 4, "a list of four strings, one per point"),
          satisfies(lambda k: all(isinstance(s, str) and s in KINDS for s in k),
                    f"a list whose entries are among {', '.join(map(repr, KINDS))}"),
          satisfies(lambda k: list(k) == _reference_kinds(), "the four kinds, in the order of `points` (not all "
                                                             "four are right yet)"),
          answer="kinds",
          hint="The Hessian is diagonal here, so its diagonal entries at each point are its eigenvalues. Keep "
               "the order of `points`.")


# -- exercise 4: one step out of a saddle ----------------------------------------------------------

_SADDLES = [np.array([[1.0, 2.0, 0.0], [2.0, -1.0, 0.5], [0.0, 0.5, 3.0]]),   # one negative eigenvalue
            _rotated([-0.5, 2.0, -3.0], 5),                                     # two: the most negative counts
            _rotated([0.5, -0.2, -2.0, 1.5], 6),                                # 4 x 4
            np.diag([0.5, -1.0, 2.0, -3.0])]                                    # the most negative one last


def _escapes_like_optcourse(escape_step) -> None:
    """The step has the given length and runs along the eigenvector of the most negative eigenvalue
    (either sign), as optcourse.landscapes.critical.escape_saddle's does."""
    expected = ("a function returning point + step * u, u the unit eigenvector of the most negative "
                "eigenvalue of H")
    for H in _SADDLES:
        point = np.linspace(0.5, -1.0, len(H))
        shown = f"for a {len(H)} x {len(H)} H with eigenvalues {np.round(np.linalg.eigvalsh(H), 2)}"
        reference = escape_saddle(point, H, step=0.3)
        got = np.asarray(escape_step(point.copy(), H, 0.3), dtype=float)
        if got.shape != point.shape:
            raise Mismatch(expected, f"{shown} it returned an array of shape {got.shape}")
        delta = got - point
        if not np.isclose(np.linalg.norm(delta), 0.3):
            raise Mismatch(expected, f"{shown} the step has length {np.linalg.norm(delta):.3g}, not step = 0.3")
        if not (np.allclose(delta, 0.3 * reference.direction) or np.allclose(delta, -0.3 * reference.direction)):
            curvature = delta @ H @ delta / 0.09
            raise Mismatch(expected, f"{shown} the step runs along a direction of curvature {curvature:.2f}: "
                                     "not the most negative one")


def _leaves_point_alone(escape_step) -> bool:
    point = np.array([1.0, 2.0])
    escape_step(point, np.diag([2.0, -1.0]), 0.1)
    return bool(np.array_equal(point, [1.0, 2.0]))


def _refuses_a_minimum(escape_step) -> bool:
    """No negative eigenvalue, no escape: positive definite, and positive semi-definite with a zero."""
    for H in (np.diag([1.0, 2.0]), _rotated([0.5, 0.0, 3.0], 7)):
        try:
            escape_step(np.zeros(len(H)), H, 0.1)
        except ValueError as refused:      # the message should say why
            if not str(refused):
                return False
        else:
            return False
    return True


check.add("escape",
          satisfies(callable, "a function escape_step(point, H, step)"),
          _escapes_like_optcourse,
          satisfies(_leaves_point_alone, "a function that returns a new array and leaves `point` unchanged"),
          own_work(escape_saddle, inputs=[(np.zeros(2), np.diag([2.0, -1.0]), 0.1)]),
          satisfies(_refuses_a_minimum, "a function that raises ValueError (with a message) when H has no "
                                        "negative eigenvalue, also when one eigenvalue is zero and the rest "
                                        "positive"),
          hint="The direction is the unit eigenvector whose eigenvalue is the most negative: make sure you "
               "pick that one whatever order your eigen-solver returns them in. Zero is not negative.")


# -- exercise 5: the independent-signs model ------------------------------------------------------

def _model_probability(d: int) -> float:
    return float(fraction_positive_definite([d], n_samples=1).three_to_minus_d[0])


def _goe_answers():
    """At d = 1 a GOE 'matrix' is one centred normal number: positive with the normal distribution's
    probability above its mean. At d = 5, whether a simulation finds fewer minima than the model."""
    from scipy.stats import norm
    five = fraction_positive_definite([5], n_samples=40_000, seed=11)
    return (float(norm.sf(0.0)), bool(five.fraction[0] < five.three_to_minus_d[0]))


check.add("predict-goe",
          satisfies(lambda a: isinstance(a[0], numbers.Real) and not isinstance(a[0], (bool, np.bool_))
                    and isinstance(a[1], (bool, np.bool_)), "a number p1_goe and a boolean fewer_than_model"),
          value(_goe_answers, rtol=0.02),
          answer=("p1_goe", "fewer_than_model"),
          hint="At d = 1 there is one eigenvalue, a continuous random number centred at 0: how likely is it to be "
               "exactly 0? For d = 5: can the signs of one matrix's eigenvalues be independent, when they "
               "must add up to its trace?")


def _close_to_model(simulate) -> bool:
    """For d = 2 the result is within four standard errors of the model's probability."""
    n = 40_000
    p = _model_probability(2)
    got = simulate(2, n, 1)
    return isinstance(got, float) and abs(got - p) < 4 * np.sqrt(p * (1 - p) / n)


def _counts_samples(simulate) -> bool:
    """A share of n samples is a whole number of them divided by n."""
    return all(abs(simulate(1, n, 2) * n - round(simulate(1, n, 2) * n)) < 1e-9 for n in (7, 50))


def _varies_with_the_seed(simulate) -> bool:
    """A simulation of 30 samples gives different shares for different seeds (a formula does not)."""
    return len({simulate(1, 30, seed) for seed in range(12)}) > 1


check.add("independent-signs",
          satisfies(callable, "a function independent_signs_fraction(d, n_samples, seed)"),
          satisfies(lambda s: isinstance(s(3, 1000, 0), float), "a function that returns a float"),
          satisfies(lambda s: s(3, 1000, 0) == s(3, 1000, 0),
                    "a function that gives the same result for the same seed"),
          satisfies(_close_to_model, "a fraction close to the model's probability (for d = 2)"),
          satisfies(_counts_samples, "a share of the n_samples simulated points: a whole number of them "
                                     "divided by n_samples (for n_samples = 7 and 50)"),
          satisfies(_varies_with_the_seed, "a simulation: with 30 samples, different seeds give different "
                                           "shares"),
          hint="Simulate: draw the signs of n_samples critical points, d signs each, from a generator seeded by "
               "`seed`, and count the points whose signs are all +1.")
