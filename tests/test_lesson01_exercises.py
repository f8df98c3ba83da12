"""Lesson 01's exercises: the wrong answers students write fail both the self-check and the hidden
tests; right answers written another way pass both; failing messages name the property and the
direction of the error, never the answer."""
import pytest

from tests.exercises import LessonKernel

@pytest.fixture(scope="module")
def lesson():
    with LessonKernel("01") as kernel:
        yield kernel


def gradient(body: str) -> str:
    return f"def mse_gradient(theta, X, y):\n    {body}\n"


def test_mse_gradient_wrong_answers(lesson):
    lesson.assert_rejected("mse-gradient", {
        "forgot to divide by N": gradient("return X.T @ (X @ theta - y)"),
        "divided by 2N (kept the 1/2)": gradient("return X.T @ (X @ theta - y) / (2 * len(y))"),
        "residual the wrong way round": gradient("return X.T @ (y - X @ theta) / len(y)"),
        "divided by the number of features": gradient("return X.T @ (X @ theta - y) / X.shape[1]"),
        "forgot y": gradient("return X.T @ X @ theta / len(y)"),
        "two features written out": gradient(
            "r = X @ theta - y\n    return np.array([np.mean(r * X[:, 0]), np.mean(r)])"),
        "mean residual times mean feature": gradient("return np.mean(X @ theta - y) * X.mean(axis=0)"),
        "the lesson's data instead of the arguments": gradient(
            "import __main__ as m\n    return m.X.T @ (m.X @ theta - m.y) / len(m.y)"),
        "the library's gradient": gradient("return lm.mse_gradient(theta, X, y)"),
        "is the library's gradient": "mse_gradient = lm.mse_gradient\n",
    })


def test_mse_gradient_right_answers(lesson):
    lesson.assert_accepted("mse-gradient", {
        "residuals on the left": gradient("return (X @ theta - y) @ X / len(y)"),
        "mean of per-sample gradients": gradient("return np.mean((X @ theta - y)[:, None] * X, axis=0)"),
        "a loop over samples": gradient(
            "total = np.zeros(len(theta))\n    for xi, yi in zip(X, y):\n        total += (xi @ theta - yi) * xi\n"
            "    return total / len(y)"),
    })


def test_mse_gradient_message_says_too_large_without_the_answer(lesson):
    message = lesson.said("mse-gradient", gradient("return X.T @ (X @ theta - y)"))
    assert "not yet" in message and "too large" in message and "right values" in message
    wrong_sign = lesson.said("mse-gradient", gradient("return X.T @ (y - X @ theta) / len(y)"))
    assert "wrong sign" in wrong_sign


def factor(step: str, limit: str) -> str:
    return f"step_factor = {step}\nlr_limit = {limit}\n"


def test_step_factor_wrong_answers(lesson):
    lesson.assert_rejected("step-factor", {
        "gradient ascent": factor("1 + eta * lam", "2 / lam"),
        "the new position, not the ratio": factor("u - eta * lam * u", "2 / lam"),
        "the ratio left unsimplified, u still in it": factor("sp.Mul(u - eta * lam * u, 1 / u, evaluate=False)",
                                                              "2 / lam"),
        "forgot lambda": factor("1 - eta", "2 / lam"),
        "halved the derivative": factor("1 - eta * lam / 2", "4 / lam"),
        "edge where the factor is 0": factor("1 - eta * lam", "1 / lam"),
        "sp.solve's list, not its root": factor("1 - eta * lam", "sp.solve(sp.Eq(1 - eta * lam, -1), eta)"),
        "the edge as 2 lambda": factor("1 - eta * lam", "2 * lam"),
    })


def test_step_factor_right_answers(lesson):
    lesson.assert_accepted("step-factor", {
        "symbols made afresh, no assumptions": factor("1 - sp.Symbol('eta') * sp.Symbol('lambda')",
                                                      "2 / sp.Symbol('lambda')"),
        "expanded differently, float 2": factor("-(eta * lam - 1)", "2.0 / lam"),
        "via sp.diff and cancel": factor("sp.cancel((u - eta * sp.diff(f_u, u)) / u)", "sp.Rational(2) * lam ** -1"),
    })


def test_step_factor_message_gives_the_direction(lesson):
    message = lesson.said("step-factor", factor("1 + eta * lam", "2 / lam"))
    assert "too large" in message and "eta = " in message


def guess(value: str) -> str:
    return f"wide_edge_guess = {value}\n"


def test_edge_prediction_wrong_answers(lesson):
    lesson.assert_rejected("edge-prediction", {
        "larger: wider inputs, larger edge": guess("0.51 * 3"),
        "one third of ours (1 / spread)": guess("0.51 / 3"),
        "one ninth of ours (ignores the centring)": guess("0.51 / 9"),
        "unchanged": guess("0.51"),
        "2 / spread": guess("2 / 3"),
        "a string": guess("'0.22'"),
        "a boolean": guess("True"),
    })


def test_edge_prediction_right_answers(lesson):
    lesson.assert_accepted("edge-prediction", {
        "rounded": guess("0.2"),
        "numpy float": guess("np.float64(0.23)"),
        "a little generous": guess("0.25"),
    })


def test_edge_prediction_not_yet_and_direction(lesson):
    assert "too large" in lesson.said("edge-prediction", guess("1.5"))
    assert "too small" in lesson.said("edge-prediction", guess("0.05"))
    not_run = lesson.said("edge-prediction", "del wide_edge_guess")
    assert "nothing yet" in not_run and "NameError" not in not_run


EDGE = "def largest_stable_lr(X, w):\n"


def edge(body: str) -> str:
    "An answer that first builds the Hessian of the weighted loss, H = X^T W X / sum(w), then does body."
    return EDGE + f"    H = X.T @ (w[:, None] * X) / w.sum()\n    {body}\n"


def test_largest_stable_lr_wrong_answers(lesson):
    lesson.assert_rejected("largest-stable-lr", {
        "ignored the weights (the cells above)": EDGE + "    return 2 / np.linalg.eigvalsh(X.T @ X / len(X))[-1]\n",
        "divided by N instead of the sum of the weights": EDGE + (
            "    return 2 / np.linalg.eigvalsh(X.T @ (w[:, None] * X) / len(X))[-1]\n"),
        "2 / lambda_min": edge("return 2 / np.linalg.eigvalsh(H)[0]"),
        "1 / lambda_max (factor 0, not -1)": edge("return 1 / np.linalg.eigvalsh(H)[-1]"),
        "eigenvalues of X X^T (N x N) over the sum of the weights": EDGE + (
            "    return 2 / np.linalg.eigvalsh(X @ X.T / w.sum())[-1]\n"),
        "an array of one number": edge("return 2 / np.linalg.eigvalsh(H)[-1:]"),
        "weights squared (W X on both sides)": EDGE + (
            "    Xw = w[:, None] * X\n    return 2 / np.linalg.eigvalsh(Xw.T @ Xw / w.sum())[-1]\n"),
        "dropped the zero-weight rows, then unweighted": EDGE + (
            "    Xk = X[w > 0]\n    return 2 / np.linalg.eigvalsh(Xk.T @ Xk / len(Xk))[-1]\n"),
        "plain Hessian times the mean weight": EDGE + (
            "    return 2 / np.linalg.eigvalsh(X.T @ X / len(X) * np.mean(w))[-1]\n"),
        "the trace (safe, but not the edge)": edge("return 2 / np.trace(H)"),
        "unsorted eig, first eigenvalue": edge("return 2 / np.linalg.eig(H)[0][0].real"),
        "the lesson's own lambda_max": edge("return 2 / lam_max"),
    })


def test_largest_stable_lr_right_answers(lesson):
    lesson.assert_accepted("largest-stable-lr", {
        "sqrt(w) scaling and the SVD": EDGE + (
            "    Xs = np.sqrt(w)[:, None] * X\n    return 2 * np.sum(w) / np.linalg.svd(Xs, compute_uv=False)[0] ** 2\n"),
        "normalised weights, einsum, eigvals, Python float": EDGE + (
            "    p = np.asarray(w, dtype=float) / np.sum(w)\n    H = np.einsum('i,ij,ik->jk', p, X, X)\n"
            "    return float(2 / np.max(np.linalg.eigvals(H).real))\n"),
        "a loop over samples, diag(w) written out": EDGE + (
            "    H = sum(wi * np.outer(xi, xi) for xi, wi in zip(X, w))\n"
            "    return 2 / np.linalg.eigvalsh(H / sum(w)).max()\n"),
        "matrix norm of X^T W X": EDGE + (
            "    return 2 * w.sum() / np.linalg.norm(X.T @ np.diag(w) @ X, 2)\n"),
    })


def test_largest_stable_lr_message_says_too_large_or_too_small(lesson):
    too_small = lesson.said("largest-stable-lr", edge("return 1 / np.linalg.eigvalsh(H)[-1]"))
    assert "too small" in too_small and "weighted gradient descent" in too_small
    assert "too large" in lesson.said("largest-stable-lr", edge("return 2 / np.linalg.eigvalsh(H)[0]"))
    ignored = lesson.said("largest-stable-lr", EDGE + "    return 2 / np.linalg.eigvalsh(X.T @ X / len(X))[-1]\n")
    assert "too" in ignored and "shape" in ignored
    for code_or_answer in ("eigvalsh", "X.T", "w.sum", "np."):
        assert code_or_answer not in ignored
    assert "wrong type" in lesson.said("largest-stable-lr", edge("return 2 / np.linalg.eigvalsh(H)[-1:]")) \
        or "a number" in lesson.said("largest-stable-lr", edge("return 2 / np.linalg.eigvalsh(H)[-1:]"))


EPOCH = "def minibatch_epoch(theta, X, y, lr, batch_size, order):\n"


def test_minibatch_epoch_wrong_answers(lesson):
    lesson.assert_rejected("minibatch-epoch", {
        "theta -= in place": EPOCH + (
            "    out = [theta.copy()]\n    for s in range(0, len(order), batch_size):\n"
            "        b = order[s:s + batch_size]\n        theta -= lr * lm.mse_gradient(theta, X[b], y[b])\n"
            "        out.append(theta.copy())\n    return np.array(out)\n"),
        "stored the same array every time": EPOCH + (
            "    theta = np.array(theta, dtype=float)\n    out = [theta]\n"
            "    for s in range(0, len(order), batch_size):\n        b = order[s:s + batch_size]\n"
            "        theta -= lr * lm.mse_gradient(theta, X[b], y[b])\n        out.append(theta)\n"
            "    return np.array(out)\n"),
        "forgot the start": EPOCH + (
            "    out, t = [], np.array(theta, dtype=float)\n    for s in range(0, len(order), batch_size):\n"
            "        b = order[s:s + batch_size]\n        t = t - lr * lm.mse_gradient(t, X[b], y[b])\n"
            "        out.append(t)\n    return np.array(out)\n"),
        "ignored the order": EPOCH + (
            "    out = [np.array(theta, dtype=float)]\n    for s in range(0, len(y), batch_size):\n"
            "        out.append(out[-1] - lr * lm.mse_gradient(out[-1], X[s:s + batch_size], y[s:s + batch_size]))\n"
            "    return np.array(out)\n"),
        "dropped the last, shorter batch": EPOCH + (
            "    out = [np.array(theta, dtype=float)]\n    for k in range(len(order) // batch_size):\n"
            "        b = order[k * batch_size:(k + 1) * batch_size]\n"
            "        out.append(out[-1] - lr * lm.mse_gradient(out[-1], X[b], y[b]))\n    return np.array(out)\n"),
        "the full gradient at every step": EPOCH + (
            "    out = [np.array(theta, dtype=float)]\n    for s in range(0, len(order), batch_size):\n"
            "        out.append(out[-1] - lr * lm.mse_gradient(out[-1], X, y))\n    return np.array(out)\n"),
        "a list, not an array": EPOCH + (
            "    out = [np.array(theta, dtype=float)]\n    for s in range(0, len(order), batch_size):\n"
            "        b = order[s:s + batch_size]\n        out.append(out[-1] - lr * lm.mse_gradient(out[-1], X[b], y[b]))\n"
            "    return out\n"),
        "np.array_split into ceil(N/B) even parts": EPOCH + (
            "    out = [np.array(theta, dtype=float)]\n"
            "    for b in np.array_split(order, -(-len(order) // batch_size)):\n"
            "        out.append(out[-1] - lr * lm.mse_gradient(out[-1], X[b], y[b]))\n    return np.array(out)\n"),
    })


def test_minibatch_epoch_right_answers(lesson):
    lesson.assert_accepted("minibatch-epoch", {
        "a while loop and the gradient written out": EPOCH + (
            "    t = np.asarray(theta, dtype=float).copy()\n    path, start = [t.copy()], 0\n"
            "    while start < len(order):\n        b = order[start:start + batch_size]\n"
            "        t = t - lr * X[b].T @ (X[b] @ t - y[b]) / len(b)\n        path.append(t)\n"
            "        start += batch_size\n    return np.stack(path)\n"),
        "preallocated array": EPOCH + (
            "    n = -(-len(order) // batch_size)\n    out = np.empty((n + 1, len(theta)))\n    out[0] = theta\n"
            "    for k in range(n):\n        b = order[k * batch_size:(k + 1) * batch_size]\n"
            "        out[k + 1] = out[k] - lr * lm.mse_gradient(out[k], X[b], y[b])\n    return out\n"),
    })


LOGISTIC = "def logistic_gradient(theta, X, y):\n    p = lm.sigmoid(X @ theta)\n"


def test_logistic_gradient_wrong_answers(lesson):
    lesson.assert_rejected("logistic-gradient", {
        "the MSE gradient (no sigmoid)": LOGISTIC + "    return X.T @ (X @ theta - y) / len(y)\n",
        "wrong sign": LOGISTIC + "    return X.T @ (y - p) / len(y)\n",
        "forgot to divide by N": LOGISTIC + "    return X.T @ (p - y)\n",
        "squared error on the probabilities": LOGISTIC + "    return X.T @ ((p - y) * p * (1 - p)) / len(y)\n",
        "sigmoid of the MSE gradient": LOGISTIC + "    return lm.sigmoid(X.T @ (X @ theta - y) / len(y))\n",
        "mean error times mean feature": LOGISTIC + "    return np.mean(p - y) * X.mean(axis=0)\n",
        "log-odds instead of probabilities": LOGISTIC + "    return X.T @ (np.log(p / (1 - p)) - y) / len(y)\n",
        "the library's gradient": LOGISTIC + "    return lm.logistic_gradient(theta, X, y)\n",
    })


def test_logistic_gradient_right_answers(lesson):
    lesson.assert_accepted("logistic-gradient", {
        "the sigmoid written out": "def logistic_gradient(theta, X, y):\n"
                                   "    with np.errstate(over='ignore'):\n"
                                   "        p = 1 / (1 + np.exp(-(X @ theta)))\n    return (p - y) @ X / len(y)\n",
        "mean of per-sample gradients": LOGISTIC + "    return np.mean((p - y)[:, None] * X, axis=0)\n",
    })


def test_logistic_gradient_hint_is_an_idea_not_code(lesson):
    message = lesson.said("logistic-gradient", LOGISTIC + "    return X.T @ (p - y)\n")
    assert "too large" in message and "sigmoid" not in message and "X @ theta" not in message
