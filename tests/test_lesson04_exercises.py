"""Lesson 04's exercises: the wrong answers students write fail both the self-check and the hidden
tests; right answers written another way pass both; failing self-checks name the property, the input
and the direction, never the answer."""
import pytest

from exercises import LessonKernel


@pytest.fixture(scope="module")
def lesson():
    with LessonKernel("04") as kernel:
        yield kernel


# -- Exercise 1: the moving average ----------------------------------------------------------------

def test_ewma_rejects(lesson):
    lesson.assert_rejected("ewma", {
        "starts from the first value (s_0 = x_1)": """
def ewma(x, beta, debias=False):
    out, s = np.empty(len(x)), x[0]
    for t, v in enumerate(x, start=1):
        s = beta * s + (1 - beta) * v
        out[t - 1] = s / (1 - beta**t) if debias else s
    return out""",
        "weights swapped (beta on the new value)": """
def ewma(x, beta, debias=False):
    out, s = np.empty(len(x)), 0.0
    for t, v in enumerate(x, start=1):
        s = (1 - beta) * s + beta * v
        out[t - 1] = s / (1 - beta**t) if debias else s
    return out""",
        "t counted from 0 in the correction": """
def ewma(x, beta, debias=False):
    out, s = np.empty(len(x)), 0.0
    for t, v in enumerate(x):
        s = beta * s + (1 - beta) * v
        out[t] = s / (1 - beta**(t + 2)) if debias else s
    return out""",
        "debias ignored": """
def ewma(x, beta, debias=False):
    out, s = np.empty(len(x)), 0.0
    for t, v in enumerate(x, start=1):
        s = beta * s + (1 - beta) * v
        out[t - 1] = s
    return out""",
        "corrected value fed back into the average": """
def ewma(x, beta, debias=False):
    out, s = np.empty(len(x)), 0.0
    for t, v in enumerate(x, start=1):
        s = beta * s + (1 - beta) * v
        if debias:
            s = s / (1 - beta**t)
        out[t - 1] = s
    return out""",
        "returns a list": """
def ewma(x, beta, debias=False):
    out, s = [], 0.0
    for t, v in enumerate(x, start=1):
        s = beta * s + (1 - beta) * v
        out.append(s / (1 - beta**t) if debias else s)
    return out""",
    })


def test_ewma_accepts(lesson):
    lesson.assert_accepted("ewma", {
        "a list of averages, corrected at the end in one go": """
def ewma(x, beta, debias=False):
    averages, s = [], 0
    for value in list(x):
        s = beta * s + (1 - beta) * value
        averages.append(s)
    averages = np.array(averages, dtype=np.float64)
    return averages / (1 - beta ** np.arange(1, len(averages) + 1)) if debias else averages""",
    })


# -- Exercise 2: PyTorch's buffer following the textbook ball ---------------------------------------

CORRECTION_WRONG = {
    "plain PyTorch step (no correction)": """
def pytorch_step_like_textbook(theta, buf, grad, lr, previous_lr, momentum):
    b = momentum * buf + grad
    return theta - lr * b, b""",
    "the ratio inverted (lr / previous_lr)": """
def pytorch_step_like_textbook(theta, buf, grad, lr, previous_lr, momentum):
    b = momentum * (lr / previous_lr) * buf + grad
    return theta - lr * b, b""",
    "the whole new buffer rescaled": """
def pytorch_step_like_textbook(theta, buf, grad, lr, previous_lr, momentum):
    b = (previous_lr / lr) * (momentum * buf + grad)
    return theta - lr * b, b""",
    "the textbook velocity stored in the buffer": """
def pytorch_step_like_textbook(theta, buf, grad, lr, previous_lr, momentum):
    v = momentum * buf + lr * grad
    return theta - v, v""",
    "the step taken with the previous learning rate": """
def pytorch_step_like_textbook(theta, buf, grad, lr, previous_lr, momentum):
    b = momentum * buf + grad
    return theta - previous_lr * b, b""",
    "updates the arrays in place": """
def pytorch_step_like_textbook(theta, buf, grad, lr, previous_lr, momentum):
    buf *= momentum * previous_lr / lr
    buf += grad
    theta -= lr * buf
    return theta, buf""",
}


def test_momentum_correction_rejects(lesson):
    lesson.assert_rejected("momentum-correction", CORRECTION_WRONG)


def test_momentum_correction_accepts(lesson):
    lesson.assert_accepted("momentum-correction", {
        "through the textbook velocity": """
def pytorch_step_like_textbook(theta, buf, grad, lr, previous_lr, momentum):
    velocity = previous_lr * buf
    velocity = momentum * velocity + lr * grad
    return theta - velocity, velocity / lr""",
        "with np.multiply into new arrays": """
def pytorch_step_like_textbook(theta, buf, grad, lr, previous_lr, momentum):
    b = np.multiply(buf, momentum * previous_lr / lr) + np.asarray(grad, dtype=float)
    return np.subtract(theta, lr * b), b""",
    })


def test_momentum_correction_messages(lesson):
    plain = lesson.said("momentum-correction", CORRECTION_WRONG["plain PyTorch step (no correction)"])
    assert "step 5" in plain and "0.1 to 0.04" in plain and "too short" in plain
    raised = lesson.said("momentum-correction", CORRECTION_WRONG["the ratio inverted (lr / previous_lr)"])
    assert "step 5" in raised and "too short" in raised
    stored = lesson.said("momentum-correction", CORRECTION_WRONG["the textbook velocity stored in the buffer"])
    assert "hold no learning rate" in stored
    in_place = lesson.said("momentum-correction", CORRECTION_WRONG["updates the arrays in place"])
    assert "changed the arrays" in in_place
    assert "previous_lr / lr" not in plain + raised + stored


# -- Exercise 3: recurrence, characteristic polynomial, stability edge -------------------------------

RECURRENCE_RIGHT = {
    "theta_next": "theta_next = (1 + beta - eta * lam) * theta_now - beta * theta_prev",
    "char_poly": "char_poly = z**2 - (1 + beta - eta * lam) * z + beta",
    "lr_edge": "lr_edge = 2 * (1 + beta) / lam",
}


def recurrence(**changes):
    return "\n".join({**RECURRENCE_RIGHT, **changes}.values())


def test_recurrence_rejects(lesson):
    lesson.assert_rejected("momentum-recurrence", {
        "velocity with the wrong sign (theta_now - theta_prev)": recurrence(
            theta_next="theta_next = (1 - beta - eta * lam) * theta_now + beta * theta_prev"),
        "the gradient taken at theta_prev": recurrence(
            theta_next="theta_next = (1 + beta) * theta_now - (beta + eta * lam) * theta_prev"),
        "substitution swapped (theta_now -> 1, theta_prev -> z)": recurrence(
            char_poly="char_poly = sp.expand(z**2 - ((1 + beta - eta * lam) - beta * z))"),
        "theta_prev left in the polynomial": recurrence(
            char_poly="char_poly = z**2 - (1 + beta - eta * lam) * z + beta * theta_prev"),
        "edge of the complex region (discriminant = 0)": recurrence(
            lr_edge="lr_edge = (1 - sp.sqrt(beta))**2 / lam"),
        "gradient descent's edge 2/lambda": recurrence(lr_edge="lr_edge = 2 / lam"),
        "sign slip: 2(1 - beta)/lambda": recurrence(lr_edge="lr_edge = 2 * (1 - beta) / lam"),
        "sp.solve's list": recurrence(lr_edge="lr_edge = [2 * (1 + beta) / lam]"),
    })


def test_recurrence_accepts(lesson):
    lesson.assert_accepted("momentum-recurrence", {
        "unexpanded, with the velocity written out": recurrence(
            theta_next="theta_next = theta_now - (beta * (theta_prev - theta_now) + eta * lam * theta_now)",
            char_poly="char_poly = (z - 1) * (z - beta) + eta * lam * z",
            lr_edge="lr_edge = 2 / lam + 2 * beta / lam"),
        "own symbols with the lesson's names": """
e_, b_, l_ = sp.symbols("eta beta lambda", positive=True)
n_, p_, z_ = sp.symbols("theta_now theta_prev z")
theta_next = (1 + b_ - e_ * l_) * n_ - b_ * p_
char_poly = z_**2 - (1 + b_ - e_ * l_) * z_ + b_
lr_edge = 2 * (1 + b_) / l_""",
    })


def test_recurrence_messages(lesson):
    edge = lesson.said("momentum-recurrence", recurrence(lr_edge="lr_edge = 2 / lam"))
    assert "lr-edge" in edge and "too small" in edge and "2 * (1 + beta)" not in edge
    listed = lesson.said("momentum-recurrence", recurrence(lr_edge="lr_edge = [2 * (1 + beta) / lam]"))
    assert "list" in listed


# -- Exercise 4: predicted steps, and the graded prediction -----------------------------------------

def test_predicted_steps_rejects(lesson):
    lesson.assert_rejected("predicted-steps", {
        "floor instead of ceil": """
def predicted_steps(kappa, factor):
    rates = ((kappa - 1) / (kappa + 1), (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1))
    return tuple(math.floor(math.log(factor) / (2 * math.log(r))) for r in rates)""",
        "rho**k instead of rho**(2k)": """
def predicted_steps(kappa, factor):
    rates = ((kappa - 1) / (kappa + 1), (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1))
    return tuple(math.ceil(math.log(factor) / math.log(r)) for r in rates)""",
        "momentum's rate taken as beta*, not its square root": """
def predicted_steps(kappa, factor):
    rates = ((kappa - 1) / (kappa + 1), ((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)) ** 2)
    return tuple(math.ceil(math.log(factor) / (2 * math.log(r))) for r in rates)""",
        "the approximations 1 - 2/kappa and 1 - 2/sqrt(kappa)": """
def predicted_steps(kappa, factor):
    rates = (1 - 2 / kappa, 1 - 2 / math.sqrt(kappa))
    return tuple(math.ceil(math.log(factor) / (2 * math.log(r))) for r in rates)""",
        "np.ceil floats": """
def predicted_steps(kappa, factor):
    rates = np.array([(kappa - 1) / (kappa + 1), (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)])
    return tuple(np.ceil(np.log(factor) / (2 * np.log(rates))))""",
        "a list, not a tuple": """
def predicted_steps(kappa, factor):
    rates = ((kappa - 1) / (kappa + 1), (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1))
    return [math.ceil(math.log(factor) / (2 * math.log(r))) for r in rates]""",
    })


def test_predicted_steps_accepts(lesson):
    lesson.assert_accepted("predicted-steps", {
        "counting steps in a loop": """
def predicted_steps(kappa, factor):
    counts = []
    for rho in ((kappa - 1) / (kappa + 1), (kappa**0.5 - 1) / (kappa**0.5 + 1)):
        k = 0
        while rho ** (2 * k) > factor:
            k += 1
        counts.append(k)
    return tuple(counts)""",
        "NumPy integers": """
def predicted_steps(kappa, factor):
    rates = np.array([(kappa - 1) / (kappa + 1), (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)])
    a, b = np.ceil(np.log(factor) / (2 * np.log(rates))).astype(np.int64)
    return a, b""",
    })


def test_steps_comparison_rejects(lesson):
    lesson.assert_rejected("steps-comparison", {
        "both as predicted": 'gd_measured, momentum_measured = "same", "same"',
        "both slower than predicted": 'gd_measured, momentum_measured = "more", "more"',
        "momentum faster than its rate": 'gd_measured, momentum_measured = "same", "fewer"',
        "gradient descent slower, momentum as predicted": 'gd_measured, momentum_measured = "more", "same"',
        "booleans instead of words": "gd_measured, momentum_measured = True, False",
        "another word": 'gd_measured, momentum_measured = "equal", "larger"',
    })


def test_steps_comparison_accepts(lesson):
    lesson.assert_accepted("steps-comparison", {
        "capitals and spaces": 'gd_measured, momentum_measured = " Same", "MORE "',
    })


def test_steps_comparison_messages(lesson):
    text = lesson.said("steps-comparison", 'gd_measured, momentum_measured = "same", "same"')
    assert "at least one of the two" in text
    text = lesson.said("steps-comparison", 'gd_measured, momentum_measured = "equal", "larger"')
    assert "one of the strings" in text


def test_steps_comparison_not_yet(lesson):
    """A student who has not run the answer cell reads "not yet", not a NameError."""
    verdict = lesson.run('del gd_measured, momentum_measured\ncheck("steps-comparison")')
    assert not verdict.passed and "not yet" in verdict.output and "NameError" not in verdict.output
    lesson.run(lesson.cells["steps-comparison"])


# -- Exercise 5: Nesterov without a velocity --------------------------------------------------------

NESTEROV_WRONG = {
    "the heavy ball only (no gradient difference)": """
def nesterov_two_point(phi, phi_prev, grad, grad_prev, lr, momentum):
    return phi - lr * grad + momentum * (phi - phi_prev)""",
    "the brake with the wrong sign": """
def nesterov_two_point(phi, phi_prev, grad, grad_prev, lr, momentum):
    return phi - lr * grad + momentum * (phi - phi_prev) + momentum * lr * (grad - grad_prev)""",
    "the brake without momentum": """
def nesterov_two_point(phi, phi_prev, grad, grad_prev, lr, momentum):
    return phi - lr * grad + momentum * (phi - phi_prev) - lr * (grad - grad_prev)""",
    "(1 + mu) g, the previous gradient forgotten": """
def nesterov_two_point(phi, phi_prev, grad, grad_prev, lr, momentum):
    return phi - lr * (1 + momentum) * grad + momentum * (phi - phi_prev)""",
    "the momentum term backwards": """
def nesterov_two_point(phi, phi_prev, grad, grad_prev, lr, momentum):
    return phi - lr * grad + momentum * (phi_prev - phi) - momentum * lr * (grad - grad_prev)""",
    "changes phi in place": """
def nesterov_two_point(phi, phi_prev, grad, grad_prev, lr, momentum):
    phi += momentum * (phi - phi_prev) - lr * grad - momentum * lr * (grad - grad_prev)
    return phi""",
}


def test_nesterov_two_point_rejects(lesson):
    lesson.assert_rejected("nesterov-two-point", NESTEROV_WRONG)


def test_nesterov_two_point_accepts(lesson):
    lesson.assert_accepted("nesterov-two-point", {
        "the buffer recovered from the last step": """
def nesterov_two_point(phi, phi_prev, grad, grad_prev, lr, momentum):
    buffer_before = (phi_prev - phi - lr * grad_prev) / (lr * momentum)
    buffer_now = momentum * buffer_before + grad
    return phi - lr * (grad + momentum * buffer_now)""",
        "collected by point and gradient": """
def nesterov_two_point(phi, phi_prev, grad, grad_prev, lr, momentum):
    return (1 + momentum) * phi - momentum * phi_prev - lr * (1 + momentum) * grad + lr * momentum * grad_prev""",
    })


def test_nesterov_two_point_messages(lesson):
    heavy = lesson.said("nesterov-two-point", NESTEROV_WRONG["the heavy ball only (no gradient difference)"])
    assert "first step" in heavy and "too short" in heavy
    forgot = lesson.said("nesterov-two-point", NESTEROV_WRONG["(1 + mu) g, the previous gradient forgotten"])
    assert "step 2" in forgot and "after matching" in forgot
