"""Lesson 06's exercises: the wrong answers students write fail both the self-check and the hidden
tests; right answers written another way pass both; failing self-checks name the property, the input
and the direction, never the answer."""
import pytest

from exercises import LessonKernel


@pytest.fixture(scope="module")
def lesson():
    with LessonKernel("06") as kernel:
        yield kernel


# -- Exercise 1: a double root ------------------------------------------------------------------------

def test_double_root_rejects(lesson):
    lesson.assert_rejected("double-root", {
        "the simple root's answer (a2/a1 e^2 with a1 = 0 dropped)": "double_root_error = a2 / a3 * e**2",
        "the step itself, not the error after it": "double_root_error = -e / 2",
        "kept the full series with O()": "double_root_error = sp.series(e - (a2*e**2 + a3*e**3) / "
                                         "sp.diff(a2*e**2 + a3*e**3, e), e, 0, 3)",
        "series to second order kept": "double_root_error = e / 2 + a3 * e**2 / (4 * a2)",
        "no progress at all": "double_root_error = e",
        "a float": "double_root_error = 0.5",
    })


def test_double_root_accepts(lesson):
    lesson.assert_accepted("double-root", {
        "from the triple-root rule (m - 1)/m with m = 2": "double_root_error = (2 - 1) * e / 2",
        "through a limit": """
double_root_error = sp.limit((e - (a2*e**2 + a3*e**3) / sp.diff(a2*e**2 + a3*e**3, e)) / e, e, 0) * e""",
    })


def test_double_root_message(lesson):
    text = lesson.said("double-root", "double_root_error = e")
    assert "too large" in text and "e/2" not in text


# -- Exercise 2: the edge of convergence ---------------------------------------------------------------

def test_newton_edge_rejects(lesson):
    lesson.assert_rejected("newton-edge", {
        "typed in with four decimals": "x_edge = 1.3917",
        "rounded to six decimals": "x_edge = round(newton_root(lambda x: 2 * x - (1 + x * x) * math.atan(x), "
                                   "lambda x: 1 - 2 * x * math.atan(x), 1.4).root, 6)",
        "where one step lands on +x (a fixed point)": "x_edge = 0.0",
        "the whole result object": "x_edge = newton_root(lambda x: 2 * x - (1 + x * x) * math.atan(x), "
                                   "lambda x: 1 - 2 * x * math.atan(x), 1.4)",
        "as a NumPy float32": "x_edge = np.float32(newton_root(lambda x: 2 * x - (1 + x * x) * math.atan(x), "
                              "lambda x: 1 - 2 * x * math.atan(x), 1.4).root)",
        "the path's first entry (the start)": "x_edge = float(newton_root(lambda x: 2 * x - (1 + x * x) * "
                                              "math.atan(x), lambda x: 1 - 2 * x * math.atan(x), 1.4).path[0])",
        "a sign slip: lands on -x read as x - atan(x)(1 + x^2) = x": "x_edge = 1.5",
    })


def test_newton_edge_accepts(lesson):
    lesson.assert_accepted("newton-edge", {
        "SciPy's brentq on the same equation": """
from scipy.optimize import brentq
x_edge = brentq(lambda x: 2 * x - (1 + x * x) * math.atan(x), 1.3, 1.5, xtol=1e-14)""",
        "as a NumPy float64": "x_edge = np.float64(1.3917452002707349)",
    })


def test_newton_edge_messages(lesson):
    text = lesson.said("newton-edge", "x_edge = 1.3917")
    assert "close to the edge" in text and "digit" in text and "too small" in text
    assert "1.39174" not in text
    assert "too large" in lesson.said("newton-edge", "x_edge = 1.5")


# -- Exercise 3: backtracking ------------------------------------------------------------------------

ARMIJO_WRONG = {
    "the c1 term dropped (any decrease)": """
def armijo_step(f, x, p, fx, gx, alpha0=1.0, c1=1e-4, rho=0.5):
    alpha = alpha0
    while f(x + alpha * p) > fx:
        alpha *= rho
    return alpha""",
    "never tries alpha0": """
def armijo_step(f, x, p, fx, gx, alpha0=1.0, c1=1e-4, rho=0.5):
    alpha = alpha0 * rho
    while f(x + alpha * p) > fx + c1 * alpha * (gx @ p):
        alpha *= rho
    return alpha""",
    "always restarts at 1": """
def armijo_step(f, x, p, fx, gx, alpha0=1.0, c1=1e-4, rho=0.5):
    alpha = 1.0
    while f(x + alpha * p) > fx + c1 * alpha * (gx @ p):
        alpha *= rho
    return alpha""",
    "-||g||^2 instead of g'p": """
def armijo_step(f, x, p, fx, gx, alpha0=1.0, c1=1e-4, rho=0.5):
    alpha = alpha0
    while f(x + alpha * p) > fx - c1 * alpha * (gx @ gx):
        alpha *= rho
    return alpha""",
    "halves whatever rho is": """
def armijo_step(f, x, p, fx, gx, alpha0=1.0, c1=1e-4, rho=0.5):
    alpha = alpha0
    while f(x + alpha * p) > fx + c1 * alpha * (gx @ p):
        alpha /= 2
    return alpha""",
    "shrinks before the first test": """
def armijo_step(f, x, p, fx, gx, alpha0=1.0, c1=1e-4, rho=0.5):
    alpha = alpha0
    while True:
        alpha *= rho
        if f(x + alpha * p) <= fx + c1 * alpha * (gx @ p):
            return alpha""",
    "returns a one-element array": """
def armijo_step(f, x, p, fx, gx, alpha0=1.0, c1=1e-4, rho=0.5):
    alpha = np.array([alpha0])
    while f(x + alpha[0] * p) > fx + c1 * alpha[0] * (gx @ p):
        alpha = alpha * rho
    return alpha""",
}


def test_armijo_rejects(lesson):
    lesson.assert_rejected("armijo-step", ARMIJO_WRONG)


def test_armijo_accepts(lesson):
    lesson.assert_accepted("armijo-step", {
        "a for loop over powers of rho": """
def armijo_step(f, x, p, fx, gx, alpha0=1.0, c1=1e-4, rho=0.5):
    slope = np.dot(gx, p)
    for j in range(200):
        trial = alpha0 * rho**j
        if f(x + trial * p) <= fx + c1 * trial * slope:
            return float(trial)
    return float(trial)""",
    })


def test_armijo_messages(lesson):
    text = lesson.said("armijo-step", ARMIJO_WRONG["the c1 term dropped (any decrease)"])
    assert "quasi-Newton direction" in text and "too long" in text and "sufficient-decrease" in text
    text = lesson.said("armijo-step", ARMIJO_WRONG["never tries alpha0"])
    assert "alpha0 = 0.01" in text and "too short" in text


# -- Exercise 4: the BFGS update ----------------------------------------------------------------------

BFGS_WRONG = {
    "DFP's update instead": """
def bfgs_update(H, s, y):
    Hy = H @ y
    return H - np.outer(Hy, Hy) / (y @ Hy) + np.outer(s, s) / (y @ s)""",
    "V and V^T swapped": """
def bfgs_update(H, s, y):
    rho = 1 / (y @ s)
    V = np.eye(len(s)) - rho * np.outer(s, y)
    return V.T @ H @ V + rho * np.outer(s, s)""",
    "forgot rho s s^T": """
def bfgs_update(H, s, y):
    rho = 1 / (y @ s)
    V = np.eye(len(s)) - rho * np.outer(y, s)
    return V.T @ H @ V""",
    "rho = y's without the inverse": """
def bfgs_update(H, s, y):
    rho = y @ s
    V = np.eye(len(s)) - rho * np.outer(y, s)
    return V.T @ H @ V + rho * np.outer(s, s)""",
    "updates H in place": """
def bfgs_update(H, s, y):
    rho = 1 / (y @ s)
    V = np.eye(len(s)) - rho * np.outer(y, s)
    H[...] = V.T @ H @ V + rho * np.outer(s, s)
    return H""",
    "returns nested lists": """
def bfgs_update(H, s, y):
    rho = 1 / (y @ s)
    V = np.eye(len(s)) - rho * np.outer(y, s)
    return (V.T @ H @ V + rho * np.outer(s, s)).tolist()""",
}


def test_bfgs_update_rejects(lesson):
    lesson.assert_rejected("bfgs-update", BFGS_WRONG)


def test_bfgs_update_accepts(lesson):
    lesson.assert_accepted("bfgs-update", {
        "the V^T H V form": """
def bfgs_update(H, s, y):
    rho = 1 / (y @ s)
    V = np.eye(len(s)) - rho * np.outer(y, s)
    return V.T @ H @ V + rho * np.outer(s, s)""",
        "through B and two inverses": """
def bfgs_update(H, s, y):
    B = np.linalg.inv(H)
    Bs = B @ s
    return np.linalg.inv(B + np.outer(y, y) / (y @ s) - np.outer(Bs, Bs) / (s @ Bs))""",
    })


# -- Exercise 5: the two-loop recursion -------------------------------------------------------------------

TWO_LOOP_WRONG = {
    "modifies g in place (q = g)": """
def two_loop(g, s_list, y_list, gamma=1.0):
    q, alphas = g, []
    for s, y in zip(reversed(s_list), reversed(y_list)):
        a = (s @ q) / (y @ s); q -= a * y; alphas.append(a)
    r = gamma * q
    for s, y, a in zip(s_list, y_list, reversed(alphas)):
        r = r + (a - (y @ r) / (y @ s)) * s
    return r""",
    "both loops oldest first": """
def two_loop(g, s_list, y_list, gamma=1.0):
    q, alphas = np.array(g, dtype=float), []
    for s, y in zip(s_list, y_list):
        a = (s @ q) / (y @ s); q = q - a * y; alphas.append(a)
    r = gamma * q
    for s, y, a in zip(s_list, y_list, alphas):
        r = r + (a - (y @ r) / (y @ s)) * s
    return r""",
    "alphas not reversed in the second loop": """
def two_loop(g, s_list, y_list, gamma=1.0):
    q, alphas = np.array(g, dtype=float), []
    for s, y in zip(reversed(s_list), reversed(y_list)):
        a = (s @ q) / (y @ s); q = q - a * y; alphas.append(a)
    r = gamma * q
    for s, y, a in zip(s_list, y_list, alphas):
        r = r + (a - (y @ r) / (y @ s)) * s
    return r""",
    "gamma forgotten": """
def two_loop(g, s_list, y_list, gamma=1.0):
    q, alphas = np.array(g, dtype=float), []
    for s, y in zip(reversed(s_list), reversed(y_list)):
        a = (s @ q) / (y @ s); q = q - a * y; alphas.append(a)
    r = q
    for s, y, a in zip(s_list, y_list, reversed(alphas)):
        r = r + (a - (y @ r) / (y @ s)) * s
    return r""",
    "beta - alpha instead of alpha - beta": """
def two_loop(g, s_list, y_list, gamma=1.0):
    q, alphas = np.array(g, dtype=float), []
    for s, y in zip(reversed(s_list), reversed(y_list)):
        a = (s @ q) / (y @ s); q = q - a * y; alphas.append(a)
    r = gamma * q
    for s, y, a in zip(s_list, y_list, reversed(alphas)):
        r = r + ((y @ r) / (y @ s) - a) * s
    return r""",
    "fails with no pairs (gamma from the newest pair)": """
def two_loop(g, s_list, y_list, gamma=1.0):
    q, alphas = np.array(g, dtype=float), []
    gamma = (s_list[-1] @ y_list[-1]) / (y_list[-1] @ y_list[-1]) * 0 + gamma
    for s, y in zip(reversed(s_list), reversed(y_list)):
        a = (s @ q) / (y @ s); q = q - a * y; alphas.append(a)
    r = gamma * q
    for s, y, a in zip(s_list, y_list, reversed(alphas)):
        r = r + (a - (y @ r) / (y @ s)) * s
    return r""",
    "updates the stored s in place": """
def two_loop(g, s_list, y_list, gamma=1.0):
    q, alphas = np.array(g, dtype=float), []
    for s, y in zip(reversed(s_list), reversed(y_list)):
        a = (s @ q) / (y @ s); q = q - a * y; alphas.append(a)
    r = gamma * q
    for s, y, a in zip(s_list, y_list, reversed(alphas)):
        s *= (a - (y @ r) / (y @ s)); r = r + s
    return r""",
}


def test_two_loop_rejects(lesson):
    lesson.assert_rejected("two-loop", TWO_LOOP_WRONG)


def test_two_loop_accepts(lesson):
    lesson.assert_accepted("two-loop", {
        "the dense matrix, built by BFGS updates": """
def two_loop(g, s_list, y_list, gamma=1.0):
    H = gamma * np.eye(len(g))
    for s, y in zip(s_list, y_list):
        H = bfgs_inverse_update(H, s, y)
    return H @ g""",
        "q copied with g.copy() and in-place updates of the copy": """
def two_loop(g, s_list, y_list, gamma=1.0):
    q, alphas = g.copy(), []
    for s, y in zip(s_list[::-1], y_list[::-1]):
        alphas.append(np.dot(s, q) / np.dot(y, s)); q -= alphas[-1] * y
    q *= gamma
    for s, y, a in zip(s_list, y_list, alphas[::-1]):
        q += (a - np.dot(y, q) / np.dot(y, s)) * s
    return q""",
    })


def test_two_loop_message(lesson):
    text = lesson.said("two-loop", TWO_LOOP_WRONG["modifies g in place (q = g)"])
    assert "changed the g" in text


# -- Exercise 6: quadratic termination, measured ------------------------------------------------------

TERMINATION_RIGHT = """
def run_six(method, **extra):
    return minimize(lambda z: 0.5 * z @ A6 @ z - b6 @ z, np.zeros(6), jac=lambda z: A6 @ z - b6,
                    hess=lambda z: A6, method=method, options={"line_search": "exact", "gtol": 1e-10, **extra})
iterations = {"gd": run_six("gd").nit, "dfp": run_six("dfp").nit, "bfgs": run_six("bfgs").nit,
              "lbfgs (m = 1)": run_six("lbfgs", memory=1).nit}
"""
ERRORS_RIGHT = ("inverse_errors = [float(np.abs(run_six('bfgs', maxiter=k).hess_inv - np.linalg.inv(A6)).max()) "
                "for k in range(7)]")


def test_termination_rejects(lesson):
    lesson.assert_rejected("quadratic-termination", {
        "the predicted errors typed in (0.0 at the end)": TERMINATION_RIGHT
        + "inverse_errors = [1.0, 0.8, 0.6, 0.4, 0.2, 0.1, 0.0]",
        "only the final error, as before": TERMINATION_RIGHT + "inverse_errors = 0.0",
        "predicted counts typed in (n for all, hundreds for gd)": """
iterations = {"gd": 300, "dfp": 6, "bfgs": 6, "lbfgs (m = 1)": 6}
""" + TERMINATION_RIGHT.split("iterations =")[0] + ERRORS_RIGHT,
        "the Wolfe line search (the default)": TERMINATION_RIGHT.replace('"line_search": "exact", ', "")
        + ERRORS_RIGHT,
        "the error of B, not of H": TERMINATION_RIGHT
        + "inverse_errors = [float(np.abs(np.linalg.inv(run_six('bfgs', maxiter=k).hess_inv) - A6).max()) "
          "for k in range(7)]",
        "the errors from k = 1 to 7": TERMINATION_RIGHT
        + "inverse_errors = [float(np.abs(run_six('bfgs', maxiter=k).hess_inv - np.linalg.inv(A6)).max()) "
          "for k in range(1, 8)]",
        "NumPy arrays of errors": TERMINATION_RIGHT
        + "inverse_errors = [np.abs(run_six('bfgs', maxiter=k).hess_inv - np.linalg.inv(A6)).max(keepdims=True) "
          "for k in range(7)]",
    })


def test_termination_accepts(lesson):
    lesson.assert_accepted("quadratic-termination", {
        "inverse by solve, a tuple, np.float64 entries": TERMINATION_RIGHT
        + "inverse_errors = tuple(np.max(np.abs(run_six('bfgs', maxiter=k).hess_inv - np.linalg.solve(A6, np.eye(6)))) "
          "for k in range(7))",
    })


def test_termination_messages(lesson):
    text = lesson.said("quadratic-termination", TERMINATION_RIGHT + "inverse_errors = [1.0, 0.8, 0.6, 0.4, 0.2, 0.1, 0.0]")
    assert "inverse_errors[0]" in text and "too large" in text


def test_value_answers_not_yet(lesson):
    """Students who have not run a value exercise's answer cell read "not yet", not a NameError."""
    for grade_id, names in (("double-root", "double_root_error"), ("newton-edge", "x_edge"),
                            ("quadratic-termination", "iterations, inverse_errors")):
        verdict = lesson.run(f"del {names}\ncheck({grade_id!r})")
        assert not verdict.passed and "not yet" in verdict.output and "NameError" not in verdict.output
        assert lesson.run(lesson.cells[grade_id]).passed
