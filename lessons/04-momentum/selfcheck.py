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


# -- 2. PyTorch's form following the textbook ball when the learning rate changes ---------------------

_SCHEDULE = [0.1, 0.1, 0.1, 0.1, 0.04, 0.04, 0.04, 0.2, 0.2, 0.2]     # constant, then down, then up


def _follows_heavy_ball(step) -> bool:
    """Ten steps on a 3-D quadratic with the schedule above, against optim.HeavyBall: theta, and lr * buf
    against HeavyBall's velocity v. Raises AssertionError naming the step, the rate and the direction."""
    A = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]])
    x = np.array([1.0, -1.0, 0.5])
    reference = optim.HeavyBall(x, lr=_SCHEDULE[0], momentum=0.7)
    theta, buf, previous = x.copy(), np.zeros(3), _SCHEDULE[0]
    for k, lr in enumerate(_SCHEDULE, start=1):
        given = (theta.copy(), buf.copy())
        result = step(theta, buf, A @ theta, lr, previous, 0.7)
        if not (np.array_equal(theta, given[0]) and np.array_equal(buf, given[1])):
            raise AssertionError("it changed the arrays it was given; compute new ones and return them")
        if not (isinstance(result, tuple) and len(result) == 2
                and all(isinstance(a, np.ndarray) and a.shape == (3,) for a in result)):
            raise AssertionError(f"it returned {result!r:.60}; return a tuple of two arrays (new_theta, new_buf) "
                                 "shaped like theta")
        before = x.copy()
        reference.lr = lr
        reference.step(A @ x)
        change = "" if lr == previous else f", where the learning rate changes from {previous} to {lr}"
        where = f"at step {k} (learning rate {lr}{change}; steps 1-4 keep it at 0.1, 5-7 lower it, 8-10 raise it)"
        if not np.allclose(result[0], x, rtol=1e-9, atol=1e-12):
            mine, theirs = np.linalg.norm(result[0] - theta), np.linalg.norm(x - before)
            direction = "too long" if mine > theirs else "too short"
            raise AssertionError(f"theta parts from the textbook ball's {where}: its step is {direction}")
        if not np.allclose(lr * result[1], reference.state["v"], rtol=1e-9, atol=1e-12):
            raise AssertionError(f"theta is right {where}, but lr * buf is not the textbook velocity: "
                                 "the buffer should hold no learning rate")
        theta, buf, previous = result[0], result[1], lr
    return True


check.add("momentum-correction",
          satisfies(callable, "a function pytorch_step_like_textbook(theta, buf, grad, lr, previous_lr, momentum)"),
          satisfies(_follows_heavy_ball, "new (theta, buf) with theta and lr * buf equal to optim.HeavyBall's "
                                         "position and velocity at every step, also when the learning rate "
                                         "changes"),
          hint="Write the textbook velocity the buffer stands for before this step, and the one after it; "
               "then turn the second back into a buffer. Which learning rate belongs to which?")


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
    for v in _VALUES:
        mine, theirs = _numbers(expr, v), _one_heavy_ball_step(v)
        if abs(mine - theirs) > 1e-9:
            shown = ", ".join(f"{k.rstrip('_')} = {v[k]}" for k in ("eta", "beta", "lambda_", "theta_now", "theta_prev"))
            raise AssertionError(f"at {shown} it is {'too large' if mine > theirs else 'too small'}")
    return True


def _recurrence_coefficients(values) -> tuple[float, float]:
    """(a, b) with theta_{k+1} = a theta_k + b theta_{k-1}, probed from optim.HeavyBall (it is linear)."""
    probe = lambda now, prev: _one_heavy_ball_step(dict(values, theta_now=now, theta_prev=prev))
    return probe(1.0, 0.0), probe(0.0, 1.0)


def _char_poly_right(expr) -> bool:
    if isinstance(expr, (list, tuple)):
        raise AssertionError("char_poly is a list; give the polynomial itself")
    z = next((s for s in expr.free_symbols if s.name == "z"), None) if isinstance(expr, sp.Basic) else None
    if z is None:
        raise AssertionError("char_poly should be a polynomial in z")
    if {s.name for s in expr.free_symbols} - {"z", "eta", "beta", "lambda"}:
        raise AssertionError("char_poly should contain only z, eta, beta and lambda (no theta)")
    poly = sp.Poly(expr, z)
    if poly.degree() != 2 or sp.simplify(poly.LC() - 1) != 0:
        raise AssertionError(f"char_poly should have degree 2 and start with z**2, got degree {poly.degree()} "
                             f"and leading coefficient {poly.LC()}")
    for v in _VALUES:
        a, b = _recurrence_coefficients(v)
        middle, constant = (_numbers(c, v) for c in poly.all_coeffs()[1:])
        if abs(middle + a) > 1e-9 or abs(constant + b) > 1e-9:
            shown = ", ".join(f"{k.rstrip('_')} = {v[k]}" for k in ("eta", "beta", "lambda_"))
            raise AssertionError(f"its roots are not the z that solve the heavy ball's recurrence (at {shown}; "
                                 f"wrong coefficient of {'z' if abs(middle + a) > 1e-9 else 'z**0'})")
    return True


def _lr_edge_right(expr) -> bool:
    if isinstance(expr, (list, tuple)):
        raise AssertionError("lr_edge is a list (what sp.solve returns); take the expression out of it")
    if not isinstance(expr, sp.Basic):
        raise AssertionError(f"expected a SymPy expression, got {type(expr).__name__}")
    if {s.name for s in expr.free_symbols} - {"beta", "lambda"}:
        raise AssertionError("lr_edge should depend on beta and lambda only")
    for beta_value, lam_value in ((0.0, 4.0), (0.5, 2.0), (0.9, 30.0)):
        edge = _numbers(expr, dict(beta=beta_value, lambda_=lam_value))
        if not edge > 0 or momentum_rate(0.999 * edge, beta_value, [lam_value]) >= 1:
            raise AssertionError(f"at beta = {beta_value}, lambda = {lam_value} it is too large: just below it "
                                 "the heavy ball already diverges")
        if momentum_rate(1.001 * edge, beta_value, [lam_value]) < 1:
            raise AssertionError(f"at beta = {beta_value}, lambda = {lam_value} it is too small: the heavy ball "
                                 "still converges just above it")
    return True


check.add("theta-next",
          satisfies(_theta_next_right, "theta_{k+1} in terms of theta_now and theta_prev, equal to "
                                       "optim.HeavyBall's step (compared at a few numbers)"),
          hint="The velocity that arrived at theta_now is the step just taken, with its sign flipped: "
               "write it from the two positions.")
check.add("char-poly",
          satisfies(_char_poly_right, "z**2 + ... whose roots z make theta_k = z**k a solution of the "
                                      "recurrence (compared at a few numbers)"),
          hint="Put theta_k = z**k into the recurrence: every term then shares a power of z; what is left "
               "is a quadratic in z.")
check.add("lr-edge",
          satisfies(_lr_edge_right, "the learning rate, in terms of beta and lambda, where the heavy ball "
                                    "turns unstable (checked just below and just above it)"),
          hint="Complex roots have modulus sqrt(beta) < 1 whatever eta is, so the edge is where a real root "
               "leaves the unit interval. As eta grows, through which end does it leave?")


# -- 4. predicted steps ----------------------------------------------------------------------------------

def _steps_consistent(predict) -> bool:
    for kappa, factor in ((10, 1e-4), (300, 1e-6)):
        got = predict(kappa, factor)
        if not (isinstance(got, tuple) and len(got) == 2):
            raise AssertionError(f"predicted_steps({kappa}, {factor}) returned {got!r:.60}; return a tuple of two ints")
        if not all(isinstance(k, (int, np.integer)) and not isinstance(k, bool) for k in got):
            raise AssertionError(f"predicted_steps({kappa}, {factor}) returned {got!r:.60}; return whole numbers "
                                 "(int), not floats")
        lr, beta = optimal_momentum(kappa)
        rates = (momentum_rate(2 / (kappa + 1), 0.0, [1, kappa]), momentum_rate(lr, beta, [1, kappa]))
        for method, k, rho in zip(("gradient descent", "momentum"), got, rates):
            if rho ** (2 * k) > factor * (1 + 1e-6):
                raise AssertionError(f"with kappa = {kappa}, factor = {factor} the {method} count is too small: "
                                     "after that many steps the rate has not yet shrunk the loss gap to factor")
            if rho ** (2 * (k - 1)) <= factor * (1 - 1e-6):
                raise AssertionError(f"with kappa = {kappa}, factor = {factor} the {method} count is too large: "
                                     "one step fewer already reaches factor")
    return True


check.add("predicted-steps",
          satisfies(callable, "a function predicted_steps(kappa, factor)"),
          satisfies(_steps_consistent, "(gradient descent steps, momentum steps): for each, the smallest k "
                                       "with rate**(2k) <= factor, by optcourse's rates"),
          hint="Each method's best rate is in section 3.2. The smallest whole k with rate**(2k) <= factor "
               "comes from logarithms; both are negative, which flips an inequality.")


def _measured_against_rates(kappa=100, factor=1e-8):
    """For gradient descent and Polyak's heavy ball on the lesson's valley: the measured count compared
    with the rates' count, as "fewer", "same" or "more" (computed, never written out here)."""
    from optcourse.experiments.runner import run
    from optcourse.landscapes.surfaces import quadratic
    lr, beta = optimal_momentum(kappa)
    surface = quadratic(kappa, 30)
    runs = (run("SGD", surface, 1000, lr=2 / (kappa + 1)), run("Momentum", surface, 1000, lr=lr, momentum=beta))
    rates = (momentum_rate(2 / (kappa + 1), 0.0, [1, kappa]), momentum_rate(lr, beta, [1, kappa]))
    words = []
    for r, rho in zip(runs, rates):
        measured = int(np.argmax(r.loss <= factor * r.loss[0]))
        by_rate = int(np.ceil(np.log(factor) / (2 * np.log(rho)) - 1e-9))
        words.append("fewer" if measured < by_rate else "same" if measured == by_rate else "more")
    return tuple(words)


def _comparison_right(answer) -> bool:
    for name, word in zip(("gd_measured", "momentum_measured"), answer):
        if not isinstance(word, str) or word.strip().lower() not in ("fewer", "same", "more"):
            raise AssertionError(f"{name} is {word!r:.40}; set it to one of the strings \"fewer\", \"same\", \"more\"")
    if tuple(w.strip().lower() for w in answer) != _measured_against_rates():
        raise AssertionError(f"({answer[0]!r}, {answer[1]!r}): at least one of the two is not what the "
                             "measurement shows")
    return True


check.add("steps-comparison",
          satisfies(_comparison_right, "gd_measured and momentum_measured: how each measured count compares "
                                       "with the count the rates predict"),
          answer=("gd_measured", "momentum_measured"),
          hint="A rate is the slope of the log-loss curve far out; the count also depends on where that "
               "straight line starts. For each method, does the error follow rate**k exactly from step 0?")


# -- 5. Nesterov without a velocity -------------------------------------------------------------------

def _follows_pytorch_nesterov(step) -> bool:
    """Twenty steps on f = sum(x**4) / 4 + x'Ax/2 in 4-D against optim.SGD(nesterov=True)."""
    A = np.array([[2.0, 0.5, 0.0, 0.0], [0.5, 1.0, 0.3, 0.0], [0.0, 0.3, 1.5, -0.4], [0.0, 0.0, -0.4, 0.8]])
    gradient = lambda x: x**3 + A @ x
    x = np.array([1.2, -0.8, 0.5, 1.0])
    reference = optim.SGD(x, lr=0.05, momentum=0.8, nesterov=True)
    phi, phi_prev, grad_prev = x.copy(), x.copy(), np.zeros(4)
    for k in range(1, 21):
        grad = gradient(phi)
        given = [a.copy() for a in (phi, phi_prev, grad, grad_prev)]
        result = step(phi, phi_prev, grad, grad_prev, 0.05, 0.8)
        if not all(np.array_equal(a, b) for a, b in zip((phi, phi_prev, grad, grad_prev), given)):
            raise AssertionError("it changed the arrays it was given; compute a new one and return it")
        if not (isinstance(result, np.ndarray) and result.shape == (4,)):
            raise AssertionError(f"it returned {result!r:.60}; return phi_(k+1) as an array shaped like phi")
        before = x.copy()
        reference.step(gradient(x))
        if not np.allclose(result, x, rtol=1e-9, atol=1e-12):
            where = ("on the first step (phi_prev = phi, grad_prev = 0)" if k == 1 else
                     f"at step {k}, after matching PyTorch's first {k - 1} step{'s' if k > 2 else ''}")
            mine, theirs = np.linalg.norm(result - phi), np.linalg.norm(x - before)
            raise AssertionError(f"it parts from SGD(nesterov=True) {where} (lr 0.05, momentum 0.8, a 4-D "
                                 f"non-quadratic f): its step is {'too long' if mine > theirs else 'too short'}")
        phi, phi_prev, grad_prev = result, phi, grad
    return True


check.add("nesterov-two-point",
          satisfies(callable, "a function nesterov_two_point(phi, phi_prev, grad, grad_prev, lr, momentum)"),
          satisfies(_follows_pytorch_nesterov, "the same phi_(k+1) as optcourse.optim.SGD(momentum, "
                                               "nesterov=True) at every step"),
          hint="The last step phi_k - phi_(k-1) was made of the previous gradient and the buffer as it then "
               "was: solve it for the buffer, then put that into the next update.")
