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
    for f, fprime, root, a2, a3 in _DOUBLE_ROOTS:
        for distance in (1e-3, -2e-3):
            values = {symbols[k]: v for k, v in (("e", distance), ("a_2", a2), ("a_3", a3)) if k in symbols}
            predicted = complex(sp.N(expr.subs(values)))
            actual = _error_after_one_step(f, fprime, root, distance)
            if abs(predicted.imag) > 1e-12 or abs(predicted.real - actual) > 0.02 * abs(actual):
                return False
    return True


check.add("double-root",
          satisfies(_matches_double_roots, "the leading term of the error after one Newton step, which "
                                           "predicts real steps next to two double roots"),
          hint="Take f(r + e) = a_2 e**2 + a_3 e**3 (f and f' vanish at a double root), build "
               "e - f/f' as for the simple root, and keep the first term of sp.series(..., e, 0, 2) "
               "with .removeO().")


# -- 2. the edge of convergence of Newton's method on arctan -----------------------------------------

def _pure_newton_on_arctan(x, steps=40):
    for _ in range(steps):
        x = x - math.atan(x) * (1 + x * x)
        if abs(x) > 1e6:
            return math.inf
    return abs(x)


def _is_the_edge(value) -> bool:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.floating)):
        raise AssertionError("x_edge should be a number (a float)")
    x = float(value)
    if not x > 0:
        raise AssertionError("x_edge should be the positive starting point of the cycle")
    first = x - math.atan(x) * (1 + x * x)
    if abs(first + x) > 1e-9 * x:
        return False     # one step from x_edge must land on -x_edge
    return _pure_newton_on_arctan(0.999 * x) < 1e-12 and _pure_newton_on_arctan(1.001 * x) == math.inf


check.add("newton-edge",
          satisfies(_is_the_edge, "the start x > 0 from which one Newton step lands exactly on -x, so that "
                                  "starts just inside converge and starts just outside run away"),
          hint="One pure Newton step from x for arctan is x - (1 + x**2) * atan(x). Setting it equal to -x "
               "gives g(x) = 2x - (1 + x**2) atan(x) = 0; differentiate g and hand both to newton_root, "
               "starting between 1.3 and 1.5.")


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
    cases.append((_tilted_bowl, x, -g, _tilted_bowl(x), g, 2.0, 0.2, 0.5))
    x = np.array([-1.2, 1.0])
    g = np.array([-2 * 2.2 - 400 * -1.2 * (1.0 - 1.44), 200 * (1.0 - 1.44)])
    cases.append((_banana, x, -g, _banana(x), g, 1.0, 1e-4, 0.3))
    return cases


def _optcourse_backtracking(f, x, p, fx, gx, alpha0, c1, rho):
    return armijo_backtracking(f, x, p, fx, gx, alpha0=alpha0, c1=c1, rho=rho).alpha


check.add("armijo-step",
          function(inputs=_armijo_inputs(), reference=_optcourse_backtracking, rtol=1e-12),
          hint="Start from alpha = alpha0. While f(x + alpha p) is above fx + c1 * alpha * (gx @ p), "
               "multiply alpha by rho. Return the first alpha that passes (a float).")


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
          hint="rho = 1 / (y @ s); with I = np.eye(len(s)), H_new = (I - rho s y^T) H (I - rho y s^T) "
               "+ rho s s^T. np.outer(a, b) is the matrix a b^T. Check H_new @ y against s.")


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
    return cases


check.add("two-loop",
          satisfies(callable, "a function two_loop(g, s_list, y_list, gamma=1.0)"),
          function(inputs=_two_loop_inputs(), reference=lbfgs_two_loop, rtol=1e-9),
          hint="First loop: newest pair to oldest, alpha_i = rho_i s_i·q, q -= alpha_i y_i (keep the alphas). "
               "Then r = gamma q. Second loop: oldest to newest, beta = rho_i y_i·r, r += (alpha_i - beta) s_i.")


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
    if not (isinstance(answer, tuple) and len(answer) == 2):
        return False
    iterations, inverse_error = answer
    keys = {"gd", "dfp", "bfgs", "lbfgs (m = 1)"}
    if not isinstance(iterations, dict) or set(iterations) != keys:
        raise AssertionError(f"iterations should be a dict with exactly the keys {sorted(keys)}")
    measured = {"gd": _measured("gd").nit, "dfp": _measured("dfp").nit, "bfgs": _measured("bfgs").nit,
                "lbfgs (m = 1)": _measured("lbfgs", memory=1).nit}
    wrong = sorted(k for k in keys if iterations[k] != measured[k])
    if wrong:
        raise AssertionError(f"the iteration counts for {wrong} are not what minimize reports with "
                             f"line_search='exact' and gtol=1e-10: read them from the result's nit")
    if isinstance(inverse_error, (bool, np.bool_)) or not isinstance(inverse_error, (float, np.floating)):
        raise AssertionError("inverse_error should be a float: the largest |entry| of hess_inv - A6^-1")
    A, _ = _quadratic_six()
    truth = float(np.max(np.abs(_measured("bfgs").hess_inv - np.linalg.inv(A))))
    return math.isclose(float(inverse_error), truth, rel_tol=1e-6, abs_tol=1e-13)


check.add("quadratic-termination",
          satisfies(_termination_consistent, "(iterations, inverse_error): the four measured iteration "
                                             "counts and the error of BFGS's final H"),
          hint="minimize(..., hess=lambda z: A6, method=..., options={'line_search': 'exact', 'gtol': 1e-10}) "
               "for each method (memory=1 for lbfgs); read .nit, and .hess_inv for bfgs.")
