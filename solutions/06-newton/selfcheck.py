"""Self-checks of lesson 06, Newton and quasi-Newton methods.

Each check computes what it compares with from optcourse, or checks a property (the secant
equation, a cycle of Newton's method, an error measured on real iterations); no answer is written out
here.
"""
import math

import numpy as np
import sympy as sp

from optcourse.course.checks import SelfChecks, function, satisfies
from optcourse.secondorder.linesearch import armijo_backtracking
from optcourse.secondorder.minimizer import bfgs_inverse_update, lbfgs_two_loop, minimize

check = SelfChecks()


# -- 1. the error of Newton's method at a double root -------------------------------------------------

def _error_after_one_step(f, fprime, root, distance):
    x = root + distance
    return (x - f(x) / fprime(x)) - root


_DOUBLE_ROOTS = [  # f, f', the double root r, a2 = f''(r)/2, a3 = f'''(r)/6
    (lambda x: (x - 1) ** 2 * (x + 2), lambda x: 3 * (x * x - 1), 1.0, 3.0, 1.0),
    (lambda x: (x - 2) ** 2 * math.exp(x), lambda x: (x - 2) * x * math.exp(x), 2.0,
     math.exp(2), math.exp(2)),
]


def _matches_double_roots(expr) -> bool:
    if not isinstance(expr, sp.Basic):
        raise AssertionError("double_root_error should be a SymPy expression in e (and possibly a_2, a_3)")
    names = {s.name for s in expr.free_symbols}
    if "e" not in names:
        raise AssertionError("double_root_error should depend on e, the error before the step")
    if names - {"e", "a_2", "a_3"}:
        raise AssertionError(f"double_root_error may only contain e, a_2 and a_3, but it contains "
                             f"{sorted(names - {'e', 'a_2', 'a_3'})}")
    symbols = {s.name: s for s in expr.free_symbols}
    error = symbols["e"]
    if sp.simplify(sp.diff(expr, error, 2)) != 0 or sp.simplify(expr.subs(error, 0)) != 0:
        raise AssertionError("keep only the leading term: a constant times e (drop O(e**2) with .removeO() "
                             "and the terms in e**2)")
    for (f, fprime, root, a2, a3), shown in zip(_DOUBLE_ROOTS, ("(x - 1)**2 (x + 2)", "(x - 2)**2 exp(x)")):
        for distance in (1e-3, -2e-3):
            values = {symbols[k]: v for k, v in (("e", distance), ("a_2", a2), ("a_3", a3)) if k in symbols}
            predicted = complex(sp.N(expr.subs(values)))
            actual = _error_after_one_step(f, fprime, root, distance)
            if abs(predicted.imag) > 1e-12:
                raise AssertionError("it is not real for real e")
            if abs(predicted.real - actual) > 0.02 * abs(actual):
                size = "too large" if abs(predicted.real) > abs(actual) else "too small"
                sign = "" if predicted.real * actual > 0 else " and of the wrong sign"
                raise AssertionError(f"at the double root of f(x) = {shown}, a step from e = {distance:g} away "
                                     f"gives an error it predicts {size}{sign}")
    return True


check.add("double-root",
          satisfies(_matches_double_roots, "the leading term of the error after one Newton step, which "
                                           "predicts real steps next to two double roots"),
          answer="double_root_error",
          hint="Near a double root f(r + e) starts at e**2. Redo the simple root's expansion of e - f/f' "
               "with that f, and keep only the term of lowest order in e.")


# -- 2. the edge of convergence of Newton's method on arctan -----------------------------------------

def _pure_newton_on_arctan(x, steps=40):
    for _ in range(steps):
        x = x - math.atan(x) * (1 + x * x)
        if abs(x) > 1e6:
            return math.inf
    return abs(x)


def _is_the_edge(value) -> bool:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, float):
        raise AssertionError(f"x_edge is {type(value).__name__}; it should be a float (newton_root's .root is one)")
    x = value
    if not x > 0:
        raise AssertionError("x_edge should be the positive starting point of the cycle")
    landing = x - math.atan(x) * (1 + x * x)
    if abs(landing + x) <= 1e-9:
        return True
    side = "too small: one step from it lands inside -x" if abs(landing) < x else \
        "too large: one step from it lands beyond -x"
    if abs(landing + x) < 1e-3:
        raise AssertionError(f"it is close to the edge but {side}, by more than the 1e-9 asked: keep every "
                             "digit that newton_root returns, do not round or type it in")
    raise AssertionError(f"it is {side}")


check.add("newton-edge",
          satisfies(_is_the_edge, "the start x > 0 from which one Newton step lands exactly on -x (to 1e-9), "
                                  "so that starts just inside converge and starts just outside run away"),
          answer="x_edge",
          hint="Write where one Newton step for arctan takes x, and ask that this equals -x: that is an "
               "equation g(x) = 0 for newton_root, which also needs g's derivative. Start it between 1.3 "
               "and 1.5.")


# -- 3. backtracking for sufficient decrease ---------------------------------------------------------

def _sum_of_fourth_powers(z):
    return float(np.sum(z**4))


def _tilted_bowl(z):
    return float(np.exp(z[0]) + z[0] * z[1] + 2 * z[1] ** 2 + 3 * z[2] ** 2)


def _banana(z):
    return float((1 - z[0]) ** 2 + 100 * (z[1] - z[0] ** 2) ** 2)


def _armijo_inputs():
    cases = []
    x = np.array([1.0, -0.5])
    g = 4 * x**3
    cases.append((_sum_of_fourth_powers, x, -g, _sum_of_fourth_powers(x), g, 1.0, 1e-4, 0.5))
    x = np.array([0.3, 1.0, -0.4])
    g = np.array([np.exp(0.3) + 1.0, 0.3 + 4.0, -2.4])
    B = np.array([[2.0, 0.5, 0.0], [0.5, 3.0, 0.2], [0.0, 0.2, 1.0]])      # a quasi-Newton matrix, not the Hessian
    cases.append((_tilted_bowl, x, -np.linalg.solve(B, g), _tilted_bowl(x), g, 2.0, 0.3, 0.7))
    x = np.array([-1.2, 1.0])
    g = np.array([-2 * 2.2 - 400 * -1.2 * (1.0 - 1.44), 200 * (1.0 - 1.44)])
    turned = np.array([[0.8, -0.6], [0.6, 0.8]]) @ (-g) / np.linalg.norm(g)    # 37 degrees from -g
    cases.append((_banana, x, turned, _banana(x), g, 0.01, 1e-4, 0.5))
    return cases


_ARMIJO_SHOWN = ["sum of fourth powers (2-D), along -grad f, alpha0 = 1, c1 = 1e-4, rho = 0.5",
                 "a tilted bowl (3-D), along a quasi-Newton direction (not -grad f), alpha0 = 2, c1 = 0.3, "
                 "rho = 0.7",
                 "Rosenbrock at (-1.2, 1), along a direction 37 degrees from -grad f, alpha0 = 0.01, c1 = 1e-4, "
                 "rho = 0.5"]


def _backtracks_like_optcourse(step) -> bool:
    for args, shown in zip(_armijo_inputs(), _ARMIJO_SHOWN):
        f, x, p, fx, gx, alpha0, c1, rho = args
        got = step(f, x.copy(), p.copy(), fx, gx.copy(), alpha0, c1, rho)
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, float):
            raise AssertionError(f"it returned {got!r:.40} ({type(got).__name__}) on {shown}; return alpha as "
                                 "a float")
        want = armijo_backtracking(f, x, p, fx, gx, alpha0=alpha0, c1=c1, rho=rho).alpha
        if abs(got - want) > 1e-12 * want:
            if got > want:
                why = ("too long: the sufficient-decrease condition fails there" if
                       f(x + got * p) > fx + c1 * got * float(gx @ p) else "too long: it is not in the sequence "
                       "alpha0, rho alpha0, rho^2 alpha0, ... before the first step that passes")
            else:
                why = "too short: an earlier step of the sequence alpha0, rho alpha0, ... already passes"
            raise AssertionError(f"on {shown} its step {got:.6g} is {why}")
    return True


check.add("armijo-step",
          satisfies(callable, "a function armijo_step(f, x, p, fx, gx, alpha0, c1, rho)"),
          satisfies(_backtracks_like_optcourse, "the first of alpha0, rho alpha0, rho^2 alpha0, ... with "
                                                "sufficient decrease along p (any descent direction), as a float"),
          hint="What the line promises is the slope of f along p at alpha = 0, times alpha, times c1. Which "
               "step is tried first?")


# -- 4. the BFGS update of the inverse Hessian approximation ----------------------------------------

def _update_inputs():
    rng = np.random.default_rng(21)
    cases = []
    for n in (2, 4):
        M = rng.normal(size=(n, n))
        H = M @ M.T + n * np.eye(n)
        s = rng.normal(size=n)
        y = s + 0.2 * rng.normal(size=n)          # y's > 0, as the Wolfe conditions guarantee
        cases.append((H, s, y))
    return cases


def _leaves_h_alone(update) -> bool:
    H, s, y = _update_inputs()[1]
    before = H.copy()
    update(H, s, y)
    if not np.array_equal(H, before):
        raise AssertionError("it changed the H it was given; return a new matrix instead")
    return True


check.add("bfgs-update",
          satisfies(callable, "a function bfgs_update(H, s, y)"),
          function(inputs=_update_inputs(), reference=bfgs_inverse_update, rtol=1e-9),
          satisfies(_leaves_h_alone, "a function that leaves its argument H unchanged"),
          hint="Compare your matrix products with the boxed formula factor by factor: which outer products "
               "are s y^T and which y s^T? A right H_new satisfies the secant equation H_new y = s.")


# -- 5. the L-BFGS two-loop recursion ------------------------------------------------------------------

def _pairs(rng, n, m):
    s_list, y_list = [], []
    for _ in range(m):
        s = rng.normal(size=n)
        s_list.append(s)
        y_list.append(s * rng.uniform(0.5, 3.0, size=n))   # a diagonal positive curvature: y's > 0
    return s_list, y_list


def _two_loop_inputs():
    rng = np.random.default_rng(31)
    cases = []
    for n, m, gamma in ((3, 1, 1.0), (5, 3, 0.7), (6, 4, 2.0)):
        s_list, y_list = _pairs(rng, n, m)
        cases.append((rng.normal(size=n), s_list, y_list, gamma))
    cases.append((rng.normal(size=4), [], [], 1.7))                 # no pairs yet: H = gamma I
    return cases


def _leaves_pairs_alone(two_loop) -> bool:
    g, s_list, y_list, gamma = _two_loop_inputs()[1]
    copies = [a.copy() for a in (g, *s_list, *y_list)]
    two_loop(g, s_list, y_list, gamma)
    if not np.array_equal(g, copies[0]):
        raise AssertionError("it changed the g it was given (q = g makes q the same array: copy it)")
    if not all(np.array_equal(a, b) for a, b in zip((*s_list, *y_list), copies[1:])):
        raise AssertionError("it changed the stored pairs s_i, y_i")
    return True


check.add("two-loop",
          satisfies(callable, "a function two_loop(g, s_list, y_list, gamma=1.0)"),
          function(inputs=_two_loop_inputs(), reference=lbfgs_two_loop, rtol=1e-9),
          satisfies(_leaves_pairs_alone, "a function that leaves g and the pairs unchanged"),
          hint="Follow the recursion in the text: which loop goes newest first, and which alpha goes with "
               "which pair on the way back? With no pairs both loops are empty.")


# -- 6. predict, then check: a quadratic in n steps -----------------------------------------------------

def _quadratic_six():
    rng6 = np.random.default_rng(6)
    Q6, _ = np.linalg.qr(rng6.normal(size=(6, 6)))
    A6 = Q6 @ np.diag([1.0, 2.0, 4.0, 8.0, 16.0, 32.0]) @ Q6.T
    return A6, rng6.normal(size=6)


def _measured(method, **options):
    A, b = _quadratic_six()
    return minimize(lambda z: 0.5 * z @ A @ z - b @ z, np.zeros(6), jac=lambda z: A @ z - b,
                    hess=lambda z: A, method=method,
                    options={"line_search": "exact", "gtol": 1e-10, **options})


def _termination_consistent(answer) -> bool:
    iterations, inverse_errors = answer
    keys = {"gd", "dfp", "bfgs", "lbfgs (m = 1)"}
    if not isinstance(iterations, dict) or set(iterations) != keys:
        raise AssertionError(f"iterations should be a dict with exactly the keys {sorted(keys)}")
    measured = {"gd": _measured("gd").nit, "dfp": _measured("dfp").nit, "bfgs": _measured("bfgs").nit,
                "lbfgs (m = 1)": _measured("lbfgs", memory=1).nit}
    wrong = sorted(k for k in keys if iterations[k] != measured[k])
    if wrong:
        raise AssertionError(f"the iteration counts for {wrong} are not what minimize reports with "
                             f"line_search='exact' and gtol=1e-10: read them from the result's nit")
    if not (isinstance(inverse_errors, (list, tuple)) and len(inverse_errors) == 7
            and all(isinstance(e, float) for e in inverse_errors)):
        raise AssertionError("inverse_errors should be a list of 7 floats, for k = 0, 1, ..., 6 iterations")
    A, _ = _quadratic_six()
    truth = [float(np.max(np.abs(_measured("bfgs", maxiter=k).hess_inv - np.linalg.inv(A)))) for k in range(6)]
    for k, (mine, theirs) in enumerate(zip(inverse_errors, truth)):
        if not math.isclose(mine, theirs, rel_tol=1e-6):
            raise AssertionError(f"inverse_errors[{k}] (after {k} iteration{'s' if k != 1 else ''}) is "
                                 f"{'too large' if mine > theirs else 'too small'}: run BFGS with maxiter={k} "
                                 "and take the largest |entry| of hess_inv - A6^-1")
    if not 0 <= inverse_errors[6] < 1e-10:
        raise AssertionError("inverse_errors[6], after 6 iterations, is not the rounding-level error BFGS "
                             "reaches: measure it as the others")
    return True


check.add("quadratic-termination",
          satisfies(_termination_consistent, "(iterations, inverse_errors): the four measured iteration "
                                             "counts, and the error of BFGS's H after 0, 1, ..., 6 iterations"),
          answer=("iterations", "inverse_errors"),
          hint="Run minimize as described above for each method and read the result's nit; for the errors, "
               "run BFGS again with the option maxiter=k and compare its hess_inv with A6's inverse.")
