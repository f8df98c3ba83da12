"""Self-checks of lesson 04, momentum and Nesterov.

Each check computes what it compares with from optcourse or SciPy (or checks a property); no answer
is written out here.
"""
import numpy as np
import sympy as sp
from scipy.signal import lfilter

from optcourse import optim
from optcourse.course.checks import SelfChecks, function, satisfies
from optcourse.optim.rates import momentum_rate, optimal_momentum

check = SelfChecks()


# -- 1. the moving average --------------------------------------------------------------------------------

def _filtered(x, beta, debias=False):
    """SciPy's first-order filter; with debias, divided by the same filter applied to ones."""
    smooth = lfilter([1 - beta], [1, -beta], x)
    return smooth / lfilter([1 - beta], [1, -beta], np.ones(len(x))) if debias else smooth


_noisy = np.random.default_rng(7).normal(1.0, 2.0, size=40)
check.add("ewma",
          function(inputs=[(np.array([1.0, 3.0, -2.0, 0.5]), 0.6), (_noisy, 0.9), (_noisy, 0.9, True),
                           (np.array([4.0, 4.0, 4.0]), 0.99, True)],
                   reference=_filtered, rtol=1e-9),
          hint="Start from 0 and, for t = 1, 2, ..., mix a fraction (1 - beta) of x_t into the average; store "
               "each average. With debias, divide the t-th average by the total weight of the values so far "
               "(section 1.2); t counts from 1.")


# -- 2. PyTorch's momentum step -------------------------------------------------------------------------

def _follows_optcourse_sgd(step) -> bool:
    """Eight steps on a small quadratic, the learning rate changing halfway, against optim.SGD."""
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    x = np.array([1.0, -1.0])
    reference = optim.SGD(x, lr=0.1, momentum=0.7)
    theta, buf = x.copy(), np.zeros(2)
    for k in range(8):
        reference.lr = 0.1 if k < 4 else 0.05
        given = (theta.copy(), buf.copy())
        result = step(theta, buf, A @ theta, reference.lr, 0.7)
        if not (np.array_equal(theta, given[0]) and np.array_equal(buf, given[1])):
            raise AssertionError("it changed the arrays it was given; compute new ones and return them")
        if not (isinstance(result, tuple) and len(result) == 2):
            raise AssertionError(f"it returned {type(result).__name__}; return a tuple (new_theta, new_buf)")
        reference.step(A @ x)
        theta, buf = (np.asarray(a, dtype=float) for a in result)
        if not (np.allclose(theta, x, rtol=1e-9) and np.allclose(buf, reference.state["b"], rtol=1e-9)):
            return False
    return True


check.add("pytorch-step",
          satisfies(callable, "a function pytorch_momentum_step(theta, buf, grad, lr, momentum)"),
          satisfies(_follows_optcourse_sgd, "the same (theta, buf) as optcourse.optim.SGD(momentum=...) "
                                            "after every step, also when the learning rate changes"),
          hint="The buffer carries no learning rate: update it from the gradient alone, then move theta by "
               "the learning rate times the new buffer.")


# -- 3. the recurrence, the characteristic polynomial and the stability edge ---------------------------

_VALUES = [dict(eta=0.03, beta=0.6, lambda_=5.0, theta_now=0.7, theta_prev=1.1, z=0.4),
           dict(eta=0.2, beta=0.9, lambda_=1.5, theta_now=-0.3, theta_prev=0.8, z=-1.3)]


def _numbers(expr, values) -> float:
    if not isinstance(expr, sp.Basic):
        raise AssertionError(f"expected a SymPy expression, got {type(expr).__name__}")
    names = {"lambda": "lambda_"}
    unknown = {s.name for s in expr.free_symbols} - {"eta", "beta", "lambda", "theta_now", "theta_prev", "z"}
    if unknown:
        raise AssertionError(f"it contains the symbols {sorted(unknown)}; use only the lesson's symbols")
    number = expr.subs({s: values[names.get(s.name, s.name)] for s in expr.free_symbols})
    return float(sp.N(number))


def _one_heavy_ball_step(values) -> float:
    """θ_{k+1} from optim.HeavyBall with the velocity that arrived at θ_k."""
    x = np.array([values["theta_now"]])
    opt = optim.HeavyBall(x, lr=values["eta"], momentum=values["beta"])
    opt.state["v"][...] = values["theta_prev"] - values["theta_now"]
    opt.step(values["lambda_"] * x)
    return float(x[0])


def _theta_next_right(expr) -> bool:
    if not isinstance(expr, sp.Basic):
        raise AssertionError(f"expected a SymPy expression, got {type(expr).__name__}")
    if "z" in {s.name for s in expr.free_symbols}:
        raise AssertionError("theta_next should not contain z: that comes in the next part")
    return all(abs(_numbers(expr, v) - _one_heavy_ball_step(v)) < 1e-9 for v in _VALUES)


def _char_poly_right(expr) -> bool:
    z = next((s for s in expr.free_symbols if s.name == "z"), None) if isinstance(expr, sp.Basic) else None
    if z is None:
        raise AssertionError("char_poly should be a polynomial in z")
    poly = sp.Poly(expr, z)
    if poly.degree() != 2 or sp.simplify(poly.LC() - 1) != 0:
        raise AssertionError(f"char_poly should have degree 2 and start with z**2, got {poly.degree()} "
                             f"and leading coefficient {poly.LC()}")
    for v in _VALUES:
        coefficients = [_numbers(c, v) for c in poly.all_coeffs()]
        largest = np.abs(np.roots(coefficients)).max()
        if abs(largest - momentum_rate(v["eta"], v["beta"], [v["lambda_"]])) > 1e-7:
            return False
    return True


def _lr_edge_right(expr) -> bool:
    if not isinstance(expr, sp.Basic):
        raise AssertionError(f"expected a SymPy expression, got {type(expr).__name__}")
    if {s.name for s in expr.free_symbols} - {"beta", "lambda"}:
        raise AssertionError("lr_edge should depend on beta and lambda only")
    for beta_value, lam_value in ((0.0, 4.0), (0.5, 2.0), (0.9, 30.0)):
        edge = _numbers(expr, dict(beta=beta_value, lambda_=lam_value))
        if not (edge > 0 and momentum_rate(0.999 * edge, beta_value, [lam_value]) < 1
                and momentum_rate(1.001 * edge, beta_value, [lam_value]) > 1):
            return False
    return True


check.add("theta-next",
          satisfies(_theta_next_right, "theta_{k+1} in terms of theta_now and theta_prev, equal to "
                                       "optim.HeavyBall's step (compared at a few numbers)"),
          hint="Write the velocity that arrived at theta_now from the two positions, update it with beta "
               "and the gradient of f_1d at theta_now, and subtract it from theta_now.")
check.add("char-poly",
          satisfies(_char_poly_right, "z**2 + ... whose roots give momentum's rate (compared at a few numbers)"),
          hint="Substitute theta_now -> z and theta_prev -> 1 in theta_next (sp.subs with a dict), then "
               "move everything to one side: z**2 - (...), and sp.expand it.")
check.add("lr-edge",
          satisfies(_lr_edge_right, "the learning rate in terms of beta and lambda where momentum turns "
                                    "unstable (checked just below and just above it)"),
          hint="Put z = -1 into char_poly and solve the result for eta with sp.solve (it returns a list).")


# -- 4. predicted steps ----------------------------------------------------------------------------------

def _steps_consistent(predict) -> bool:
    for kappa, factor in ((10, 1e-4), (300, 1e-6)):
        got = predict(kappa, factor)
        if not (isinstance(got, tuple) and len(got) == 2):
            raise AssertionError(f"predicted_steps({kappa}, {factor}) returned {got!r}; return a tuple of two ints")
        if not all(isinstance(k, (int, np.integer)) and not isinstance(k, bool) for k in got):
            raise AssertionError("return whole numbers (int), e.g. with math.ceil")
        lr, beta = optimal_momentum(kappa)
        rates = (momentum_rate(2 / (kappa + 1), 0.0, [1, kappa]), momentum_rate(lr, beta, [1, kappa]))
        for k, rho in zip(got, rates):
            if not (rho ** (2 * k) <= factor * (1 + 1e-6) and rho ** (2 * (k - 1)) > factor * (1 - 1e-6)):
                return False
    return True


check.add("predicted-steps",
          satisfies(callable, "a function predicted_steps(kappa, factor)"),
          satisfies(_steps_consistent, "(gradient descent steps, momentum steps): for each, the smallest k "
                                       "with rate**(2k) <= factor, by optcourse's rates"),
          hint="Take each method's best rate from section 3.2, then solve rate**(2k) <= factor for k with "
               "logarithms (both logs are negative: mind the direction of the inequality) and round up.")


# -- 5. Nesterov's look-ahead step -----------------------------------------------------------------------

def _follows_nesterov_lookahead(step) -> bool:
    H = np.array([[4.0, 1.0], [1.0, 1.0]])
    x = np.array([1.5, -0.5])
    reference = optim.NesterovLookahead(x, lr=0.1, momentum=0.8)
    theta, v = x.copy(), np.zeros(2)
    for _ in range(6):
        reference.step(H @ reference.lookahead())
        result = step(theta, v, H, 0.1, 0.8)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise AssertionError(f"it returned {type(result).__name__}; return a tuple (new_theta, new_v)")
        theta, v = (np.asarray(a, dtype=float) for a in result)
        if not (np.allclose(theta, x, rtol=1e-9) and np.allclose(v, reference.state["v"], rtol=1e-9)):
            return False
    return True


check.add("nesterov-step",
          satisfies(callable, "a function nesterov_step(theta, v, H, lr, momentum)"),
          satisfies(_follows_nesterov_lookahead, "the same (theta, v) as optcourse.optim.NesterovLookahead "
                                                 "after every step"),
          hint="First find the point the momentum is about to carry you to; the gradient of the quadratic "
               "there is H times that point. Then update v as in the formula, and move theta by the new v.")
