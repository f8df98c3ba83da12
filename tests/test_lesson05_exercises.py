"""Lesson 05's exercises: the wrong answers students write fail both the self-check and the hidden
tests; right answers written another way pass both."""
import pytest

from exercises import LessonKernel


@pytest.fixture(scope="module")
def lesson():
    with LessonKernel("05") as kernel:
        yield kernel


def test_adagrad_rates_rejects(lesson):
    lesson.assert_rejected("adagrad-rates", {
        "no running sum (this step's square only)": """
def adagrad_rates(grads, lr=0.01, eps=1e-10):
    return lr / (np.sqrt(np.square(grads)) + eps)""",
        "sum over the wrong axis": """
def adagrad_rates(grads, lr=0.01, eps=1e-10):
    return lr / (np.sqrt(np.cumsum(np.square(grads), axis=1)) + eps)""",
        "the total sum at every row": """
def adagrad_rates(grads, lr=0.01, eps=1e-10):
    return lr / (np.sqrt(np.sum(np.square(grads), axis=0)) + eps) + 0 * grads""",
        "eps inside the root": """
def adagrad_rates(grads, lr=0.01, eps=1e-10):
    return lr / np.sqrt(np.cumsum(np.square(grads), axis=0) + eps)""",
        "sum of gradients, not of squares": """
def adagrad_rates(grads, lr=0.01, eps=1e-10):
    return lr / (np.sqrt(np.abs(np.cumsum(grads, axis=0))) + eps)""",
        "sum up to the previous step (exclusive)": """
def adagrad_rates(grads, lr=0.01, eps=1e-10):
    s = np.cumsum(np.square(grads), axis=0) - np.square(grads)
    return lr / (np.sqrt(s) + eps)""",
    })


def test_adagrad_rates_accepts(lesson):
    lesson.assert_accepted("adagrad-rates", {
        "a loop over the rows": """
def adagrad_rates(grads, lr=0.01, eps=1e-10):
    out, s = np.empty(np.shape(grads)), np.zeros(np.shape(grads)[1])
    for row, g in enumerate(grads):
        s = s + g * g
        out[row] = lr / (s ** 0.5 + eps)
    return out""",
    })


def test_adadelta_first_step_rejects(lesson):
    lesson.assert_rejected("adadelta-first-step", {
        "forgot the minus sign": """
def adadelta_first_step(g, rho=0.9, eps=1e-6, lr=1.0):
    return lr * np.sqrt(eps) / np.sqrt((1 - rho) * g * g + eps) * g""",
        "forgot lr": """
def adadelta_first_step(g, rho=0.9, eps=1e-6, lr=1.0):
    return -np.sqrt(eps) / np.sqrt((1 - rho) * g * g + eps) * g""",
        "v_1 = g^2 (no 1 - rho)": """
def adadelta_first_step(g, rho=0.9, eps=1e-6, lr=1.0):
    return -lr * np.sqrt(eps) / np.sqrt(g * g + eps) * g""",
        "no eps on top (u_0 = 0 gives no step)": """
def adadelta_first_step(g, rho=0.9, eps=1e-6, lr=1.0):
    return -lr * 0.0 * g""",
        "eps outside the roots": """
def adadelta_first_step(g, rho=0.9, eps=1e-6, lr=1.0):
    return -lr * eps / (np.sqrt((1 - rho) * g * g) + eps) * g""",
        "the gradient step itself": """
def adadelta_first_step(g, rho=0.9, eps=1e-6, lr=1.0):
    return -lr * g""",
    })


def test_adadelta_first_step_accepts(lesson):
    lesson.assert_accepted("adadelta-first-step", {
        "optcourse's Adadelta run once": """
def adadelta_first_step(g, rho=0.9, eps=1e-6, lr=1.0):
    x = np.zeros(np.shape(g))
    optim.Adadelta(x, lr=lr, rho=rho, eps=eps).step(np.asarray(g, dtype=float))
    return x""",
    })


SCHEDULE_WRONG = {
    "Adam's 1 - beta**t with the current momentum": """
def schedule_correction(betas):
    betas = np.asarray(betas, dtype=float)
    return 1 - betas ** np.arange(1, len(betas) + 1)""",
    "1 - beta_1**t, the first momentum only": """
def schedule_correction(betas):
    betas = np.asarray(betas, dtype=float)
    return 1 - betas[0] ** np.arange(1, len(betas) + 1)""",
    "the product without 1 - (the missing part itself)": """
def schedule_correction(betas):
    return np.cumprod(np.asarray(betas, dtype=float))""",
    "product up to the previous step (off by one)": """
def schedule_correction(betas):
    betas = np.asarray(betas, dtype=float)
    return 1 - np.concatenate([[1.0], np.cumprod(betas)[:-1]]) * betas[0]""",
    "the mean momentum so far, to the power t": """
def schedule_correction(betas):
    betas = np.asarray(betas, dtype=float)
    t = np.arange(1, len(betas) + 1)
    return 1 - (np.cumsum(betas) / t) ** t""",
    "1 - prod(1 - beta) (the wrong factor kept)": """
def schedule_correction(betas):
    return 1 - np.cumprod(1 - np.asarray(betas, dtype=float))""",
    "a list": """
def schedule_correction(betas):
    out, p = [], 1.0
    for b in betas:
        p *= b
        out.append(1 - p)
    return out""",
    "the betas overwritten in place": """
def schedule_correction(betas):
    np.cumprod(betas, out=betas)
    return 1 - betas""",
}


def test_schedule_correction_rejects(lesson):
    lesson.assert_rejected("schedule-correction", SCHEDULE_WRONG)


def test_schedule_correction_accepts(lesson):
    lesson.assert_accepted("schedule-correction", {
        "the recursion of the means, with mu = 1": """
def schedule_correction(betas):
    out, mean = np.zeros(len(betas)), 0.0
    for i, b in enumerate(betas):
        mean = b * mean + (1 - b)
        out[i] = mean
    return out""",
        "exp of a cumulative sum of logs, zeros handled": """
def schedule_correction(betas):
    with np.errstate(divide="ignore"):
        return -np.expm1(np.cumsum(np.log(np.asarray(betas, dtype=np.float64))))""",
    })


def test_schedule_correction_message(lesson):
    text = " ".join(lesson.message("schedule-correction", SCHEDULE_WRONG[
        "Adam's 1 - beta**t with the current momentum"]).split())
    assert "NAdam" in text and "t = 2" in text and ("too large" in text or "too small" in text)
    assert "cumprod" not in text


ADAM_WRONG = {
    "eps inside the root": """
def adam_step(theta, m, v, g, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g * g
    return theta - lr / (1 - b1**t) * m / np.sqrt(v / (1 - b2**t) + eps), m, v""",
    "eps before the correction (Keras's form)": """
def adam_step(theta, m, v, g, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g * g
    return theta - lr * math.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps), m, v""",
    "no bias correction": """
def adam_step(theta, m, v, g, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g * g
    return theta - lr * m / (np.sqrt(v) + eps), m, v""",
    "corrected with t + 1": """
def adam_step(theta, m, v, g, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g * g
    return theta - lr / (1 - b1**(t + 1)) * m / (np.sqrt(v / (1 - b2**(t + 1))) + eps), m, v""",
    "updates the arrays in place": """
def adam_step(theta, m, v, g, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    m *= b1; m += (1 - b1) * g; v *= b2; v += (1 - b2) * g * g
    theta -= lr / (1 - b1**t) * m / (np.sqrt(v / (1 - b2**t)) + eps)
    return theta, m, v""",
    "v from |g| instead of g squared": """
def adam_step(theta, m, v, g, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * np.abs(g)
    return theta - lr / (1 - b1**t) * m / (np.sqrt(v / (1 - b2**t)) + eps), m, v""",
}


def test_adam_step_rejects(lesson):
    lesson.assert_rejected("adam-step", ADAM_WRONG)


def test_adam_step_accepts(lesson):
    lesson.assert_accepted("adam-step", {
        "unfolded, with m-hat and v-hat arrays": """
def adam_step(theta, m, v, g, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g**2
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v""",
    })


DECAY_RIGHT = """
def decay_per_step(v_hat, lr, weight_decay, decoupled, eps=1e-8):
    v_hat = np.asarray(v_hat, dtype=float)
    return np.full_like(v_hat, lr * weight_decay) if decoupled else lr * weight_decay / (np.sqrt(v_hat) + eps)
"""


def test_decay_prediction_rejects(lesson):
    lesson.assert_rejected("decay-prediction", {
        "Adam + L2 without eps": """
def decay_per_step(v_hat, lr, weight_decay, decoupled, eps=1e-8):
    return np.full_like(v_hat, lr * weight_decay) if decoupled else lr * weight_decay / np.sqrt(v_hat)
l2_first_after = 0.905""",
        "eps inside the root": """
def decay_per_step(v_hat, lr, weight_decay, decoupled, eps=1e-8):
    return np.full_like(v_hat, lr * weight_decay) if decoupled else lr * weight_decay / np.sqrt(v_hat + eps)
l2_first_after = 0.905""",
        "AdamW as a scalar, not an array": DECAY_RIGHT.replace("np.full_like(v_hat, lr * weight_decay)",
                                                               "lr * weight_decay") + "l2_first_after = 0.905",
        "the two regularisers swapped": """
def decay_per_step(v_hat, lr, weight_decay, decoupled, eps=1e-8):
    return np.full_like(v_hat, lr * weight_decay) if not decoupled else lr * weight_decay / (np.sqrt(v_hat) + eps)
l2_first_after = 0.905""",
        "predicted AdamW's factor for Adam + L2": DECAY_RIGHT + "l2_first_after = 0.368",
        "predicted one step, not 1,000": DECAY_RIGHT + "l2_first_after = 0.9999",
        "predicted with v_hat, not its root": DECAY_RIGHT + "l2_first_after = 0.990",
        "the prediction as a string": DECAY_RIGHT + 'l2_first_after = "0.905"',
    })


def test_decay_prediction_accepts(lesson):
    lesson.assert_accepted("decay-prediction", {
        "exp(-0.1), rounded": DECAY_RIGHT + "l2_first_after = 0.9",
        "computed with math": DECAY_RIGHT + "l2_first_after = math.exp(-1000 * 0.01 * 0.1 / 10)",
    })


def test_messages_name_property_not_answer(lesson):
    text = lesson.message("decay-prediction", DECAY_RIGHT + "l2_first_after = 0.368")
    assert "too small" in text and "0.905" not in text and "0.9048" not in text
