"""Lesson 08's exercises: the wrong answers students write fail both the self-check and the hidden
tests; right answers written another way pass both (see tests/exercises.py)."""
import pytest

from exercises import LessonKernel


@pytest.fixture(scope="module")
def lesson():
    with LessonKernel("08") as kernel:
        yield kernel


VOTE = "def majority_vote(signs):\n"


def test_majority_vote_rejects_the_usual_mistakes(lesson):
    lesson.assert_rejected("majority-vote", {
        "the median (right for odd worker counts only)": VOTE + "    return np.median(signs, axis=0)",
        "ties go to +1": VOTE + "    return np.where(np.sum(signs, axis=0) >= 0, 1.0, -1.0)",
        "ties go to -1": VOTE + "    return np.where(np.sum(signs, axis=0) > 0, 1.0, -1.0)",
        "the mean, not its sign": VOTE + "    return np.mean(signs, axis=0)",
        "summed over the wrong axis": VOTE + "    return np.sign(np.sum(signs, axis=1))",
        "the first worker's vote": VOTE + "    return np.sign(signs[0])",
    })


def test_majority_vote_accepts_other_right_answers(lesson):
    lesson.assert_accepted("majority-vote", {
        "counts of +1 and -1, integer result": VOTE + """
    ups, downs = (np.asarray(signs) > 0).sum(0), (np.asarray(signs) < 0).sum(0)
    return np.sign(ups - downs)""",
        "a loop over coordinates": VOTE + """
    signs = np.asarray(signs)
    return np.array([np.sign(sum(signs[:, j])) for j in range(signs.shape[1])])""",
    })


LION = "def lion_step(theta, m, g, lr, beta1, beta2, weight_decay):\n"


def test_lion_step_rejects_the_usual_mistakes(lesson):
    lesson.assert_rejected("lion-step", {
        "momentum updated first, then the sign of it": LION + """
    m[...] = beta2 * m + (1 - beta2) * g
    theta -= lr * (np.sign(beta1 * m + (1 - beta1) * g) + weight_decay * theta)""",
        "rebinds theta instead of changing it": LION + """
    c = beta1 * m + (1 - beta1) * g
    theta = theta - lr * (np.sign(c) + weight_decay * theta)
    m[...] = beta2 * m + (1 - beta2) * g""",
        "decay not scaled by lr": LION + """
    c = beta1 * m + (1 - beta1) * g
    theta -= lr * np.sign(c) + weight_decay * theta
    m[...] = beta2 * m + (1 - beta2) * g""",
        "beta1 and beta2 swapped": LION + """
    c = beta2 * m + (1 - beta2) * g
    theta -= lr * (np.sign(c) + weight_decay * theta)
    m[...] = beta1 * m + (1 - beta1) * g""",
        "sign of the momentum only (Signum)": LION + """
    theta -= lr * (np.sign(m) + weight_decay * theta)
    m[...] = beta2 * m + (1 - beta2) * g""",
        "decay applied after the step, to the new theta": LION + """
    c = beta1 * m + (1 - beta1) * g
    theta -= lr * np.sign(c)
    theta -= lr * weight_decay * theta
    m[...] = beta2 * m + (1 - beta2) * g""",
    })


def test_lion_step_accepts_other_right_answers(lesson):
    lesson.assert_accepted("lion-step", {
        "decay as a factor, np.copyto": LION + """
    direction = np.sign(beta1 * m + (1 - beta1) * g)
    theta *= 1 - lr * weight_decay
    theta -= lr * direction
    np.copyto(m, beta2 * m + (1 - beta2) * g)""",
    })


BYTES = "def predicted_state_bytes(n_params, name, itemsize):\n"
TABLE = ('{"SGD": 0, "SGD with momentum": 1, "Adam": 2, "AdamW": 2, "Signum": 1, "Lion": 1, "Tiger": 1, '
         '"Adagrad": 1, "Adadelta": 2, "RMSprop": 1, "RMSprop centered": 2, "RMSprop with momentum": 2, '
         '"Adam with amsgrad": 3}')


def test_state_bytes_rejects_the_usual_mistakes(lesson):
    lesson.assert_rejected("state-bytes", {
        "returns np.int64": BYTES + f"    return np.int64({TABLE}[name] * n_params * itemsize)",
        "returns a float": BYTES + f"    return float({TABLE}[name] * n_params * itemsize)",
        "Signum with two arrays": BYTES + f"    return int({{**{TABLE}, 'Signum': 2}}[name] * n_params * itemsize)",
        "AdaDelta with one array": BYTES + f"    return int({{**{TABLE}, 'Adadelta': 1}}[name] * n_params * itemsize)",
        "amsgrad's maximum forgotten": BYTES + f"    return int({{**{TABLE}, 'Adam with amsgrad': 2}}[name] * n_params * itemsize)",
        "centered RMSprop's mean forgotten": BYTES + f"    return int({{**{TABLE}, 'RMSprop centered': 1}}[name] * n_params * itemsize)",
        "bits, not bytes": BYTES + f"    return int({TABLE}[name] * n_params * itemsize * 8)",
    })


def test_state_bytes_accepts_other_right_answers(lesson):
    lesson.assert_accepted("state-bytes", {
        "counted by rules": BYTES + """
    arrays = 0 if name == "SGD" else 1
    if name in ("Adam", "AdamW", "Adadelta", "RMSprop centered", "RMSprop with momentum"):
        arrays = 2
    if name == "Adam with amsgrad":
        arrays = 3
    return int(n_params) * arrays * int(itemsize)""",
    })


LOST = "def lost_below(theta):\n"


def test_lost_below_rejects_the_usual_mistakes(lesson):
    lesson.assert_rejected("float16-lost", {
        "np.spacing: the gap above, wrong at powers of two": LOST + "    return float(np.spacing(np.float16(theta))) / 2",
        "the whole gap, not half": LOST + """
    return float(np.float16(theta) - np.nextafter(np.float16(theta), np.float16(0)))""",
        "relative: eps * theta / 2": LOST + "    return float(np.finfo(np.float16).eps * theta / 2)",
        "the exponent rule without the power-of-two case": LOST + """
    e = max(int(np.floor(np.log2(theta))), -14)
    return float(2.0 ** (e - 11))""",
        "the exponent rule without subnormals": LOST + """
    e = int(np.floor(np.log2(theta)))
    if theta == 2.0 ** e:
        e -= 1
    return float(2.0 ** (e - 11))""",
        "returns np.float16": LOST + """
    below = np.nextafter(np.float16(theta), np.float16(0))
    return (np.float16(theta) - below) / np.float16(2)""",
        "returns np.float64 (frexp's exponent is a NumPy integer)": LOST + """
    mantissa, exponent = np.frexp(theta)
    exponent = max(exponent - 1, -14)
    if mantissa == 0.5 and exponent > -14:
        exponent -= 1
    return 2.0 ** (exponent - 11)""",
        "float32's spacing": LOST + """
    return float(np.float32(theta) - np.nextafter(np.float32(theta), np.float32(0))) / 2""",
    })


def test_lost_below_accepts_other_right_answers(lesson):
    lesson.assert_accepted("float16-lost", {
        "np.nextafter toward zero": LOST + """
    here = np.float16(theta)
    return (float(here) - float(np.nextafter(here, np.float16(0)))) / 2""",
        "frexp": LOST + """
    mantissa, exponent = np.frexp(theta)          # theta = mantissa * 2**exponent, mantissa in [0.5, 1)
    exponent = max(exponent - 1, -14)
    if mantissa == 0.5 and exponent > -14:
        exponent -= 1
    return float(2.0 ** (exponent - 11))""",
    })


NAN = "def tiger_step_with_nan_rule(theta, m, g, lr, beta, centre, shrink):\n"


def test_tiger_nan_rejects_the_usual_mistakes(lesson):
    lesson.assert_rejected("tiger-nan", {
        "updates m before checking for NaN": NAN + """
    m[...] = beta * m + (1 - beta) * g
    if np.isnan(g).any():
        theta[...] = shrink * (theta - centre) + centre
        return
    theta -= lr * np.sign(m)""",
        "shrinks towards 0, not the centre": NAN + """
    if np.isnan(g).any():
        theta *= shrink
        return
    m[...] = beta * m + (1 - beta) * g
    theta -= lr * np.sign(m)""",
        "skips only the NaN entries": NAN + """
    bad = np.isnan(g)
    theta[bad] = shrink * (theta[bad] - centre) + centre
    m[~bad] = beta * m[~bad] + (1 - beta) * g[~bad]
    theta[~bad] -= lr * np.sign(m[~bad])""",
        "rebinds theta on the NaN path": NAN + """
    if np.isnan(g).any():
        theta = shrink * (theta - centre) + centre
        return
    m[...] = beta * m + (1 - beta) * g
    theta -= lr * np.sign(m)""",
        "steps with the old momentum": NAN + """
    if np.isnan(g).any():
        theta[...] = shrink * (theta - centre) + centre
        return
    theta -= lr * np.sign(m)
    m[...] = beta * m + (1 - beta) * g""",
        "no shrink at all on NaN": NAN + """
    if np.isnan(g).any():
        return
    m[...] = beta * m + (1 - beta) * g
    theta -= lr * np.sign(m)""",
    })


def test_tiger_nan_accepts_other_right_answers(lesson):
    lesson.assert_accepted("tiger-nan", {
        "np.any(g != g) and np.copyto": NAN + """
    if np.any(g != g):
        np.copyto(theta, centre + shrink * (theta - centre))
    else:
        m *= beta
        m += (1 - beta) * g
        theta -= lr * np.sign(m)""",
    })


def test_failing_checks_name_the_case_not_the_answer(lesson):
    message = lesson.message("majority-vote", VOTE + "    return np.where(np.sum(signs, axis=0) >= 0, 1.0, -1.0)")
    assert "not yet" in message and "tie" in message
    message = lesson.message("lion-step", LION + """
    c = beta1 * m + (1 - beta1) * g
    theta -= lr * np.sign(c) + weight_decay * theta
    m[...] = beta2 * m + (1 - beta2) * g""")
    assert "with weight decay 0.2" in message
    message = lesson.message("float16-lost", LOST + "    return float(np.spacing(np.float16(theta))) / 2")
    message = " ".join(message.split())
    assert "too large" in message and "with (the float 1.0)" in message
