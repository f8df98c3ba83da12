"""Self-checks of lesson 02 (critical points, Taylor expansion and the Hessian).

Every reference is computed by optcourse or SymPy, or is a property the answer must have; no answer
is written out here.
"""
import numpy as np
import sympy as sp

from optcourse.course.checks import SelfChecks, function, satisfies, value
from optcourse.landscapes.critical import KINDS, classify_critical_point, escape_saddle, fraction_positive_definite
from optcourse.landscapes.derivatives import sympy_functions, taylor_polynomial

check = SelfChecks()

_x, _y = sp.symbols("x y")


# -- exercise 1: the second-order Taylor polynomial ------------------------------------------------

def _taylor_matches_optcourse(taylor2) -> bool:
    """On one function and centre, the answer equals optcourse's Taylor polynomial of order 2."""
    expr = sp.cos(_x) * sp.exp(_y) + _x * _y**2
    got = taylor2(expr, [_x, _y], [1, 0])
    if not isinstance(got, sp.Expr):
        return False
    return sp.simplify(got - taylor_polynomial(expr, [_x, _y], [1, 0], order=2)) == 0


check.add("taylor2",
          satisfies(callable, "a function taylor2(expr, variables, point)"),
          satisfies(lambda t: isinstance(t(_x**2 * _y, [_x, _y], [1, 2]), sp.Expr),
                    "a function that returns a SymPy expression"),
          satisfies(_taylor_matches_optcourse,
                    "a function whose result equals the second-order Taylor polynomial about the point"),
          hint="Substitute the point into f, the gradient (sp.diff for each variable) and sp.hessian; "
               "with d = (variables - point) as a column Matrix, add f(a) + g.T d + d.T H d / 2.")


# -- exercise 2: classify a critical point from its Hessian ----------------------------------------

_MATRICES = [np.diag([3.0, 0.5]), np.diag([-1.0, -4.0]), np.array([[1.0, 2.0], [2.0, 1.0]]), np.diag([2.0, 0.0])]

check.add("classify",
          satisfies(callable, "a function classify(H, tol=1e-8)"),
          function(inputs=[(H,) for H in _MATRICES], reference=classify_critical_point),
          hint="np.linalg.eigvalsh(H) gives the eigenvalues. Count how many are clearly positive and "
               "clearly negative (beyond the tolerance); both kinds present is a saddle, whatever else "
               "there is.")


# -- exercise 3: the critical points of x^3 - 3x + y^3 - 3y -----------------------------------------

def _reference_kinds():
    fns = sympy_functions(_x**3 - 3 * _x + _y**3 - 3 * _y, [_x, _y])
    return [classify_critical_point(fns.hessian(np.array(p, dtype=float))) for p in
            [(1, 1), (1, -1), (-1, 1), (-1, -1)]]


check.add("kinds",
          satisfies(lambda k: isinstance(k, list) and len(k) == 4, "a list of four strings, one per point"),
          satisfies(lambda k: all(s in KINDS for s in k),
                    f"a list whose entries are among {', '.join(map(repr, KINDS))}"),
          value(_reference_kinds),
          hint="The Hessian is diagonal here; its entries at each point are the eigenvalues. Keep the "
               "order of `points`.")


# -- exercise 4: one step out of a saddle ----------------------------------------------------------

def _escapes_like_optcourse(escape_step) -> bool:
    """The step has the given length and runs along the eigenvector of the most negative eigenvalue
    (either sign), as optcourse.landscapes.critical.escape_saddle's does."""
    H = np.array([[1.0, 2.0, 0.0], [2.0, -1.0, 0.5], [0.0, 0.5, 3.0]])
    point = np.array([0.5, -1.0, 2.0])
    reference = escape_saddle(point, H, step=0.3)
    got = np.asarray(escape_step(point.copy(), H, 0.3), dtype=float)
    if got.shape != point.shape:
        return False
    delta = got - point
    return bool(np.allclose(delta, 0.3 * reference.direction) or np.allclose(delta, -0.3 * reference.direction))


def _leaves_point_alone(escape_step) -> bool:
    point = np.array([1.0, 2.0])
    escape_step(point, np.diag([2.0, -1.0]), 0.1)
    return bool(np.array_equal(point, [1.0, 2.0]))


def _refuses_a_minimum(escape_step) -> bool:
    try:
        escape_step(np.zeros(2), np.diag([1.0, 2.0]), 0.1)
    except ValueError as refused:      # the message should say why
        return bool(str(refused))
    return False


check.add("escape",
          satisfies(callable, "a function escape_step(point, H, step)"),
          satisfies(_escapes_like_optcourse,
                    "a function returning point + step * u, u the unit eigenvector of the most negative "
                    "eigenvalue of H"),
          satisfies(_leaves_point_alone, "a function that returns a new array and leaves `point` unchanged"),
          satisfies(_refuses_a_minimum, "a function that raises ValueError when H has no negative eigenvalue"),
          hint="np.linalg.eigh(H) returns the eigenvalues in ascending order and the unit eigenvectors "
               "as the columns of its second result: column 0 belongs to the smallest eigenvalue.")


# -- exercise 5: the independent-signs model ------------------------------------------------------

def _model_probability(d: int) -> float:
    return float(fraction_positive_definite([d], n_samples=1).three_to_minus_d[0])


# A relative error in the message would give the answer away, so this check says only "right or not".
check.add("predict-p3",
          satisfies(lambda p: isinstance(p, float) and 0.0 <= p <= 1.0, "a probability: a float from 0 to 1"),
          satisfies(lambda p: abs(p - _model_probability(3)) <= 1e-2 * _model_probability(3),
                    "the probability that the model gives (within 1%)"),
          hint="In the model each eigenvalue is positive, negative or zero with equal chance, independently "
               "of the others, and a minimum needs every one of them positive.")


def _close_to_model(simulate) -> bool:
    """For d = 2 the result is within four standard errors of the model's probability."""
    n = 40_000
    p = _model_probability(2)
    got = simulate(2, n, 1)
    return isinstance(got, float) and abs(got - p) < 4 * np.sqrt(p * (1 - p) / n)


check.add("independent-signs",
          satisfies(callable, "a function independent_signs_fraction(d, n_samples, seed)"),
          satisfies(lambda s: isinstance(s(3, 1000, 0), float), "a function that returns a float"),
          satisfies(lambda s: s(3, 1000, 0) == s(3, 1000, 0),
                    "a function that gives the same result for the same seed"),
          satisfies(_close_to_model, "a fraction close to the model's probability (for d = 2)"),
          hint="With a generator seeded by `seed`, draw an (n_samples, d) array of signs from {-1, 0, +1}, "
               "one row per critical point; the answer is the share of rows whose entries are all +1.")
