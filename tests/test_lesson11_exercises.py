"""Lesson 11's exercises against the answers students really write: every wrong one is rejected by
both the self-check and the hidden tests, and right answers written another way pass both."""
import pytest

from exercises import LessonKernel


@pytest.fixture(scope="module")
def lesson():
    with LessonKernel("11") as kernel:
        yield kernel


WRONG = {
    "adafactor-numbers": {
        "Adam's full second moment": """
def adafactor_state_numbers(shape):
    return int(np.prod(shape))
""",
        "the first two dimensions instead of the last two": """
def adafactor_state_numbers(shape):
    return shape[0] + shape[1] if len(shape) >= 2 else int(np.prod(shape))
""",
        "the leading (batch) dimensions forgotten": """
def adafactor_state_numbers(shape):
    return shape[-2] + shape[-1] if len(shape) >= 2 else int(np.prod(shape))
""",
        "the sum of all dimensions": """
def adafactor_state_numbers(shape):
    return int(sum(shape))
""",
        "a float": """
def adafactor_state_numbers(shape):
    if len(shape) < 2:
        return float(np.prod(shape))
    return float(np.prod(shape[:-2]) * (shape[-2] + shape[-1]))
""",
        "the rows, the columns and the full matrix": """
def adafactor_state_numbers(shape):
    if len(shape) < 2:
        return int(np.prod(shape))
    return int(np.prod(shape[:-2])) * (shape[-2] + shape[-1] + shape[-2] * shape[-1])
""",
        "a scalar keeps nothing": """
def adafactor_state_numbers(shape):
    if len(shape) == 0:
        return 0
    if len(shape) == 1:
        return shape[0]
    return int(np.prod(shape[:-2])) * (shape[-2] + shape[-1])
""",
    },
    "lars-rates": {
        "the ratio upside down": """
def lars_local_rates(params, grads, trust_coefficient, weight_decay):
    out = []
    for w, g in zip(params, grads):
        a, b = np.linalg.norm(w), np.linalg.norm(g) + weight_decay * np.linalg.norm(w)
        out.append(1.0 if a == 0 or b == 0 else float(trust_coefficient * b / a))
    return out
""",
        "no trust coefficient": """
def lars_local_rates(params, grads, trust_coefficient, weight_decay):
    out = []
    for w, g in zip(params, grads):
        a, b = np.linalg.norm(w), np.linalg.norm(g) + weight_decay * np.linalg.norm(w)
        out.append(1.0 if a == 0 or b == 0 else float(a / b))
    return out
""",
        "optax's norm of g + βw": """
def lars_local_rates(params, grads, trust_coefficient, weight_decay):
    out = []
    for w, g in zip(params, grads):
        a, b = np.linalg.norm(w), np.linalg.norm(g + weight_decay * w)
        out.append(1.0 if a == 0 or b == 0 else float(trust_coefficient * a / b))
    return out
""",
        "a zero layer gets rate 0": """
def lars_local_rates(params, grads, trust_coefficient, weight_decay):
    out = []
    for w, g in zip(params, grads):
        a, b = np.linalg.norm(w), np.linalg.norm(g) + weight_decay * np.linalg.norm(w)
        out.append(0.0 if b == 0 else float(trust_coefficient * a / b))
    return out
""",
        "weight decay left out": """
def lars_local_rates(params, grads, trust_coefficient, weight_decay):
    out = []
    for w, g in zip(params, grads):
        a, b = np.linalg.norm(w), np.linalg.norm(g)
        out.append(1.0 if a == 0 or b == 0 else float(trust_coefficient * a / b))
    return out
""",
        "a NumPy array instead of a list": """
def lars_local_rates(params, grads, trust_coefficient, weight_decay):
    out = []
    for w, g in zip(params, grads):
        a, b = np.linalg.norm(w), np.linalg.norm(g) + weight_decay * np.linalg.norm(w)
        out.append(1.0 if a == 0 or b == 0 else trust_coefficient * a / b)
    return np.array(out)
""",
        "the largest entries instead of the norms": """
def lars_local_rates(params, grads, trust_coefficient, weight_decay):
    out = []
    for w, g in zip(params, grads):
        a, b = np.abs(w).max(), np.abs(g).max() + weight_decay * np.abs(w).max()
        out.append(1.0 if a == 0 or b == 0 else float(trust_coefficient * a / b))
    return out
""",
    },
    "l1-direction": {
        "sign descent (the l-infinity answer)": """
def l1_steepest_direction(g):
    return -np.sign(g)
""",
        "the gradient scaled to l1 norm 1": """
def l1_steepest_direction(g):
    g = np.asarray(g, dtype=float)
    total = np.abs(g).sum()
    return -g / total if total > 0 else np.zeros_like(g)
""",
        "the normalised gradient (the l2 answer)": """
def l1_steepest_direction(g):
    g = np.asarray(g, dtype=float)
    n = np.linalg.norm(g)
    return -g / n if n > 0 else np.zeros_like(g)
""",
        "the largest entry instead of the largest magnitude": """
def l1_steepest_direction(g):
    g = np.asarray(g, dtype=float)
    d = np.zeros_like(g)
    if g.any():
        i = np.unravel_index(np.argmax(g), g.shape)
        d[i] = -np.sign(g[i])
    return d
""",
        "uphill": """
def l1_steepest_direction(g):
    g = np.asarray(g, dtype=float)
    d = np.zeros_like(g)
    if g.any():
        i = np.unravel_index(np.argmax(np.abs(g)), g.shape)
        d[i] = np.sign(g[i])
    return d
""",
        "flattened": """
def l1_steepest_direction(g):
    g = np.asarray(g, dtype=float).ravel()
    d = np.zeros_like(g)
    if g.any():
        i = np.argmax(np.abs(g))
        d[i] = -np.sign(g[i])
    return d
""",
        "sign descent divided by the count": """
def l1_steepest_direction(g):
    return -np.sign(g) / np.size(g)
""",
    },
    "ns-steps": {
        "one step too many (counts the start)": """
def newton_schulz_steps(sigma, coefficients, target):
    a, b, c = coefficients
    k, x = 1, sigma
    while x < target:
        x = a * x + b * x**3 + c * x**5
        k += 1
    return k
""",
        "at least one step": """
def newton_schulz_steps(sigma, coefficients, target):
    a, b, c = coefficients
    k, x = 0, sigma
    while True:
        x = a * x + b * x**3 + c * x**5
        k += 1
        if x >= target:
            return k
""",
        "strictly above the target": """
def newton_schulz_steps(sigma, coefficients, target):
    a, b, c = coefficients
    k, x = 0, sigma
    while x <= target:
        x = a * x + b * x**3 + c * x**5
        k += 1
    return k
""",
        "the slope at 0 only (x -> a x)": """
def newton_schulz_steps(sigma, coefficients, target):
    return int(np.ceil(np.log(target / sigma) / np.log(coefficients[0]))) if sigma < target else 0
""",
        "a float": """
def newton_schulz_steps(sigma, coefficients, target):
    a, b, c = coefficients
    k, x = 0.0, sigma
    while x < target:
        x = a * x + b * x**3 + c * x**5
        k += 1
    return k
""",
        "the polynomial applied to sigma squared": """
def newton_schulz_steps(sigma, coefficients, target):
    a, b, c = coefficients
    k, x = 0, sigma**2
    while x < target:
        x = a * x + b * x**3 + c * x**5
        k += 1
    return k
""",
    },
}

RIGHT = {
    "adafactor-numbers": {"with math.prod": """
import math
def adafactor_state_numbers(shape):
    shape = tuple(shape)
    return math.prod(shape) if len(shape) < 2 else math.prod(shape[:-2]) * (shape[-2] + shape[-1])
"""},
    "lars-rates": {"with a comprehension and np.sqrt of sums": """
def lars_local_rates(params, grads, trust_coefficient, weight_decay):
    def rate(w, g):
        a = float(np.sqrt(np.sum(w * w)))
        b = float(np.sqrt(np.sum(g * g))) + weight_decay * a
        return trust_coefficient * a / b if a > 0 and b > 0 else 1.0
    return [rate(w, g) for w, g in zip(params, grads)]
"""},
    "l1-direction": {"with a mask": """
def l1_steepest_direction(g):
    g = np.asarray(g, dtype=float)
    biggest = np.abs(g).max(initial=0.0)
    if biggest == 0:
        return np.zeros_like(g)
    return np.where(np.abs(g) == biggest, -np.sign(g), 0.0)
"""},
    "ns-steps": {"recursively": """
def newton_schulz_steps(sigma, coefficients, target):
    if sigma >= target:
        return 0
    a, b, c = coefficients
    return 1 + newton_schulz_steps(a * sigma + b * sigma**3 + c * sigma**5, coefficients, target)
"""},
}


@pytest.mark.parametrize("grade_id", list(WRONG))
def test_every_wrong_answer_is_rejected_by_both_checks(lesson, grade_id):
    assert len(WRONG[grade_id]) >= 5
    lesson.assert_rejected(grade_id, WRONG[grade_id])


@pytest.mark.parametrize("grade_id", list(RIGHT))
def test_right_answers_written_another_way_pass_both(lesson, grade_id):
    lesson.assert_accepted(grade_id, RIGHT[grade_id])


def test_a_failing_check_names_the_property_and_the_direction_not_the_answer(lesson):
    def said(grade_id, name):
        return " ".join(lesson.message(grade_id, WRONG[grade_id][name]).split())    # unwrapped

    message = said("ns-steps", "one step too many (counts the start)")
    assert "too many" in message and "sigma = 0.001" in message
    message = said("adafactor-numbers", "Adam's full second moment")
    assert "for shape (64, 32): too many" in message and "96" not in message
    assert "too long" in said("l1-direction", "sign descent (the l-infinity answer)")
    assert "too large" in said("lars-rates", "no trust coefficient")
